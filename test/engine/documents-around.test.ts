/**
 * The trees of the documents an edit moved are moved when something reads them (`YamlFile.update`, then
 * `documentsAround` or `result`): a reader of one place (completion) gets the documents there, with the spans a
 * whole-text parse gives, without the rest of a long file being moved; whatever reads more (the analysis, hover,
 * `Workspace.manifest`) gets every document where its text is. Checked on random edits of YAML syntax (aliases,
 * templates, document markers, CRLF), with and without the changed range handed in, and through the workspace:
 * completion after each keystroke says what it says in a fresh workspace, and the analysis after them what a
 * fresh analysis says. The work is counted (`yamlDocumentsMoved`, `YamlFile.stats`); no timings here.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { initEngine, Workspace } from '../../server/src/engine';
import { completionsAt } from '../../server/src/engine/features';
import { documentAt } from '../../server/src/engine/features/context';
import { YamlFile, parseYaml, type YDocument } from '../../server/src/engine/parse/yaml';
import { changedRange } from '../../server/src/engine/workspace/text-change';
import { readHclGrammar } from '../../server/src/host/hcl-grammar';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261126;

/** Lines of YAML syntax that meet document markers: aliases and merge keys, templates, quotes, flow, comments. */
const LINES = [
  '---', '--- |', '...', '# comment', '', 'a: 1', 'b:', '  c: 2', '  - x', '- y', 'k: |', '  text', 'q: "abc', 'def"',
  'f: [a,', ']', '&a v: 1', 'w: *a', 'x: &b', '  y: 1', '<<: *b', 'kind: Service', 'apiVersion: v1', 'metadata:',
  '  name: x', 'a: {{ .Values.x }}', '{{- if .Values.on }}', '{{- end }}', 'key: value # c', 'spec:', '  type: NodePort',
];

/** The document `documentAt` finds at `offset`, and the one after it. */
function around(documents: readonly YDocument[], offset: number): [YDocument | undefined, YDocument | undefined] {
  const at = documentAt(documents, offset);
  const start = at ? at.span.start : 0;
  return [at, documents.find((d) => d.span.start > start)];
}

/** The documents around `offset` are those of a whole-text parse, spans and all. */
function sameAround(file: YamlFile, text: string, offset: number, what: string): void {
  const whole = parseYaml(text);
  const mine = file.documentsAround(offset);
  for (const d of mine) assert.deepEqual(d, whole.documents[d.index], `${what}: document ${d.index}`);
  assert.deepEqual(around(mine, offset), around(whole.documents, offset), `${what}: around ${offset}`);
}

const pad = (i: number) => String(i).padStart(3, '0');

function pair(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${pad(i)}
spec:
  template:
    metadata:
      labels:
        app: app-${pad(i)}
    spec:
      containers:
        - name: main
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: app-${pad(i)}
spec:
  type: NodePort
  selector:
    app: app-${pad(i)}
  ports:
    - port: 80
      targetPort: http
      nodePort: ${30000 + i}
`;
}

function manifest(n: number): string {
  return Array.from({ length: n }, (_, i) => pair(i)).join('---\n');
}

function fresh(ws: Workspace): Workspace {
  const other = new Workspace();
  for (const p of ws.paths()) other.setFile(p, ws.getText(p)!);
  return other;
}

/** What a fresh workspace says: findings, Services (their spans), workloads, documents. */
function sameAsFresh(ws: Workspace, what: string): void {
  const view = (w: Workspace) => {
    const a = w.analyze();
    return {
      findings: a.findings, services: a.services.map((s) => s.service), workloads: a.workloads,
      documents: w.paths().map((p) => w.manifest(p)?.documents),
    };
  };
  assert.deepEqual(view(ws), view(fresh(ws)), what);
}

suite('Documents moved when read: completion reads the documents at the cursor, the analysis all of them', () => {
  suiteSetup(async () => { await initEngine({ hcl: readHclGrammar() }); });

  test('YamlFile, random lines edited: the documents around any offset are the whole parse\'s; then all of them', () => {
    const lines = fc.array(fc.constantFrom(...LINES), { minLength: 1, maxLength: 16 });
    const edit = fc.tuple(fc.constantFrom('replace', 'insert', 'delete'), fc.nat(), fc.constantFrom(...LINES), fc.nat(), fc.boolean());
    fc.assert(fc.property(lines, fc.array(edit, { maxLength: 8 }), fc.boolean(), fc.boolean(), (start, edits, crlf, hint) => {
      const eol = crlf ? '\r\n' : '\n';
      const file = new YamlFile();
      const ls = [...start];
      let text = ls.join(eol) + eol;
      assert.deepEqual(file.parse(text), parseYaml(text), 'start');
      for (const [op, n, line, at, read] of edits) {
        const i = n % ls.length;
        if (op === 'replace') ls[i] = line;
        else if (op === 'insert') ls.splice(i, 0, line);
        else if (ls.length > 1) ls.splice(i, 1);
        text = ls.join(eol) + eol;
        // the range that changed, as the workspace hands it in (found by comparing the texts), or none
        file.update(text, {}, hint ? (b) => changedRange(b, text) : undefined);
        // read around one place now, or not before the next edit (edits pile up unread), or a few trees moved ahead
        if (read) sameAround(file, text, at % (text.length + 1), `${op} ${i}`);
        else file.settleSome(at % 4);
      }
      assert.deepEqual(file.result(), parseYaml(text), 'all of them');
      sameAround(file, text, 0, 'after all were read');
    }), { seed: SEED, numRuns: 400 });
  });

  test('YamlFile: an edit moves no tree until read; reading one place moves the pieces there only', () => {
    const doc = (i: number) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\nspec:\n  type: NodePort\n`;
    const text = Array.from({ length: 300 }, (_, i) => doc(i)).join('---\n');
    const file = new YamlFile();
    const first = file.parse(text);
    const later = first.documents[250];
    const span = { ...later.span };
    const edited = text.replace('name: s100', 'name: s100x');
    file.update(edited);
    assert.equal(file.stats.piecesMoved, 0, 'nothing moved at the edit');
    assert.deepEqual(later.span, span, 'a later document is where its text was, until read');
    const at = edited.indexOf('name: s100x');
    sameAround(file, edited, at, 'at the edit');
    assert.ok(file.stats.piecesMoved <= 2, `${file.stats.piecesMoved} pieces moved to read one place`);
    // another edit before the rest was read: each tree moves once, by both edits
    const twice = edited.replace('name: s50', 'name: s50yz');
    file.update(twice);
    const all = file.result();
    assert.deepEqual(all, parseYaml(twice));
    assert.equal(all.documents[250], later, 'the same object, moved');
    assert.equal(later.span.start, span.start + 3);
    assert.ok(file.stats.piecesMoved < 300, `${file.stats.piecesMoved} moves: each piece once`);
  });

  test('a 400-document file: completion after each keystroke moves no document far from the cursor, says what it says fresh; the analysis after them what a fresh one says', () => {
    const ws = new Workspace();
    ws.setFile('k8s/all.yaml', manifest(200));
    ws.analyze();
    const path = 'k8s/all.yaml';
    const spec = (name: string) => ws.getText(path)!.indexOf('spec:\n  type: NodePort', ws.getText(path)!.indexOf(`kind: Service\nmetadata:\n  name: ${name}`)) + 'spec:\n'.length;
    const type = (at: number, s: string) => {
      for (let i = 0; i < s.length; i++) assert.ok(ws.editFile(path, [{ start: at + i, end: at + i, text: s[i] }]));
    };
    const moved = () => ws.stats.yamlDocumentsMoved;
    // a new key typed in a Service near the start: each keystroke completed, as an editor asks
    let at = spec('app-020');
    assert.ok(ws.editFile(path, [{ start: at, end: at, text: '  \n' }]));
    at += 2;
    const before = moved();
    for (const ch of 'extern') {
      type(at, ch);
      at++;
      const items = completionsAt(ws, path, at);
      assert.deepEqual(items, completionsAt(fresh(ws), path, at), `after ${ch}`);
      assert.ok(items.some((i) => i.label === 'externalTrafficPolicy'), 'spec fields offered');
    }
    assert.ok(moved() - before <= 6 * 3, `${moved() - before} documents moved while typing 6 keys`);
    sameAsFresh(ws, 'after typing a key');
    // a value whose items need the analysis (selector values: the workloads' labels), right after an edit
    const text = ws.getText(path)!;
    const value = text.indexOf('app: app-150', text.indexOf('kind: Service\nmetadata:\n  name: app-150')) + 'app: '.length;
    assert.ok(ws.editFile(path, [{ start: value, end: value + 'app-150'.length, text: 'a' }]));
    const items = completionsAt(ws, path, value + 1);
    assert.ok(items.length > 0, 'selector values offered');
    assert.deepEqual(items, completionsAt(fresh(ws), path, value + 1));
    sameAsFresh(ws, 'after a selector value');
  });

  test('prepared while the analysis waits: the documents an edit moved are moved then, not in the analysis, which says the same', () => {
    const path = 'k8s/all.yaml';
    const ws = new Workspace();
    ws.setFile(path, manifest(100));
    ws.analyze();
    const text = ws.getText(path)!;
    const at = text.indexOf('type: NodePort', text.indexOf('name: app-010\nspec:')) + 'type: '.length;
    assert.ok(ws.editFile(path, [{ start: at, end: at + 1, text: '' }]));
    const moved = ws.stats.yamlDocumentsMoved;
    ws.prepare();
    assert.ok(ws.stats.yamlDocumentsMoved - moved > 150, 'the documents after the edit moved when prepared');
    const before = ws.stats;
    ws.prepare(); // twice: nothing more to do
    assert.equal(ws.stats.yamlDocumentsMoved, before.yamlDocumentsMoved);
    ws.analyze();
    assert.equal(ws.stats.yamlDocumentsMoved, before.yamlDocumentsMoved, 'none moved by the analysis');
    assert.equal(ws.stats.yamlDocumentsParsed, before.yamlDocumentsParsed, 'none parsed by it either');
    assert.equal(ws.stats.lineIndexesBuilt, before.lineIndexesBuilt);
    sameAsFresh(ws, 'after preparing');
    // after the analysis, nothing is left to read
    assert.equal(ws.prepare(), true);
    assert.deepEqual(ws.stats, { ...ws.stats, yamlDocumentsMoved: before.yamlDocumentsMoved, yamlDocumentsParsed: before.yamlDocumentsParsed });
    // a slice at a time: at most so many documents moved per call, until it says it is done; a completion between
    // two slices, and an edit before the last one, change nothing of what the analysis says
    const slices: number[] = [];
    const again = ws.getText(path)!;
    assert.ok(ws.editFile(path, [{ start: at, end: at, text: 'N' }]));
    for (let n = 0; n < 100; n++) {
      const moved0 = ws.stats.yamlDocumentsMoved;
      const done = ws.prepare(40);
      slices.push(ws.stats.yamlDocumentsMoved - moved0);
      if (n === 1) assert.deepEqual(completionsAt(ws, path, at + 1), completionsAt(fresh(ws), path, at + 1));
      if (n === 2) assert.ok(ws.editFile(path, [{ start: at, end: at + 1, text: '' }]));
      if (done) break;
    }
    assert.ok(slices.length > 4 && slices.every((x) => x <= 40), JSON.stringify(slices));
    assert.equal(ws.getText(path), again);
    const settled = ws.stats.yamlDocumentsMoved;
    ws.analyze();
    assert.equal(ws.stats.yamlDocumentsMoved, settled, 'none moved by the analysis');
    sameAsFresh(ws, 'after preparing a slice at a time');
  });

  test('edits that add and remove documents, an alias, a template, a whole new text: completion in between, then what a fresh analysis says', () => {
    const path = 'k8s/all.yaml';
    const ws = new Workspace();
    ws.setFile(path, manifest(30));
    ws.analyze();
    const at = (needle: string, after = 0) => {
      const i = ws.getText(path)!.indexOf(needle, after);
      assert.ok(i >= 0, needle);
      return i;
    };
    const edits: [string, () => void][] = [
      ['a document inserted', () => ws.editFile(path, [{ start: at('---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-010'), end: at('---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-010'), text: `---\n${pair(90)}` }])],
      ['a document removed', () => {
        const from = at('---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-005');
        ws.editFile(path, [{ start: from, end: at('---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-005'), text: '' }]);
      }],
      ['an alias and a merge key', () => {
        const i = at('spec:\n  type: NodePort', at('name: app-012\nspec:'));
        ws.editFile(path, [{ start: i, end: i, text: 'x-common: &common\n  app: shared\nx-more:\n  <<: *common\n' }]);
      }],
      ['a marker typed in the middle of a document', () => { const i = at('  selector:', at('name: app-020\nspec:')); ws.editFile(path, [{ start: i, end: i, text: '---\n' }]); }],
      ['a template action', () => { const i = at('nodePort: 30025'); ws.editFile(path, [{ start: i + 'nodePort: '.length, end: i + 'nodePort: 30025'.length, text: '{{ .Values.port }}' }]); }],
      ['the whole text again, one character changed (full sync)', () => { const t = ws.getText(path)!; const i = t.indexOf('type: NodePort', t.indexOf('name: app-027\nspec:')) + 'type: NodePor'.length; ws.setFile(path, t.slice(0, i) + t.slice(i + 1)); }],
      ['an unclosed quote (the whole text is parsed)', () => { const i = at('name: app-015'); ws.editFile(path, [{ start: i + 6, end: i + 6, text: '"' }]); }],
      ['closed again', () => { const i = at('name: "app-015'); ws.editFile(path, [{ start: i + 6, end: i + 7, text: '' }]); }],
    ];
    for (const [what, edit] of edits) {
      edit();
      // completion first (documents around the cursor), in a Service after the edit
      const text = ws.getText(path)!;
      const cursor = text.indexOf('  type: ', text.indexOf('name: app-028\nspec:')) + '  type: '.length;
      assert.deepEqual(completionsAt(ws, path, cursor), completionsAt(fresh(ws), path, cursor), `${what}: completion`);
      sameAsFresh(ws, what);
    }
  });
});
