/**
 * A YAML file read document by document (parse/yaml.ts `YamlFile`) must read as the whole text does with
 * `parseYaml` — the same documents, trees, spans and problems — after every edit: on the corpus and examples/,
 * on their manifests joined into long files and edited character by character, and on fuzz-like inputs (lines
 * of YAML syntax around document markers, the fuzz tests' mutations). No timings here: what is counted is how
 * many documents were parsed again (`YamlFile.stats`).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { YamlFile, documentStarts, parseYaml, type YamlParseResult } from '../../server/src/engine/parse/yaml';
import { mutate, mutationsArb, seedWorkspaces } from '../fuzz/generators';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261126;

/** Parse `text` with `file` (which keeps what it can from its last text) and compare with a whole-text parse. */
function same(file: YamlFile, text: string, what: string): YamlParseResult {
  const mine = file.parse(text);
  const whole = parseYaml(text);
  assert.deepEqual(mine, whole, `${what}: ${JSON.stringify(text.length > 400 ? text.slice(0, 400) + '…' : text)}`);
  return mine;
}

function yamlFiles(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const ws of seedWorkspaces()) {
    for (const [p, text] of Object.entries(ws.files)) if (/\.ya?ml$/.test(p)) out.push({ name: `${ws.name}/${p}`, text });
  }
  return out;
}

/** Lines of YAML syntax, chosen to meet document markers: directives, quotes, block scalars, flow, anchors. */
const LINES = [
  '---', '--- ', '---\t# c', '--- |', '--- >', '--- a: 1', '--- [a,', '---a', '----', '...', '... # end', '...x',
  '%YAML 1.2', '%YAML 1.1', '# comment', '', '  ', 'a: 1', 'b:', '  c: 2', '  - x', '- y', 'k: |', '  text', 'text',
  '  ---', 'q: "abc', 'def"', "s: 'x", "y'", 'f: [a,', ']', 'm: {b: 1', '}', '&a v: 1', 'w: *a', 'x: &b', '  y: 1',
  'z: *b', '<<: *b', 'kind: Service', 'apiVersion: v1', '\ttab: 1', 'key: value # c', '? complex', ': val', '!!str t: 1',
  'long: >-', '  folded', 'metadata:', '  name: x', 'a: {{ .Values.x }}', 'b: "{{ .x }}"', 'a: 1', 'a: 2', 'yes: no',
];

suite('YAML read document by document: what the whole text reads', () => {
  test('the corpus and examples/: every YAML file as it is', () => {
    const files = yamlFiles();
    assert.ok(files.length > 0, 'no seed files');
    for (const f of files) same(new YamlFile(), f.text, f.name);
  });

  test('all their manifests in one long file, edited character by character around every document marker', () => {
    // each edit parses the whole text again: the test is quadratic in it, so it takes the seed files (examples/
    // first) up to about 12,000 characters
    const texts: string[] = [];
    for (const f of yamlFiles()) if (texts.length === 0 || texts.join('').length + f.text.length <= 12_000) texts.push(f.text.trimEnd());
    const joined = texts.join('\n---\n') + '\n';
    const file = new YamlFile();
    same(file, joined, 'joined');
    const starts = documentStarts(joined)!;
    assert.ok(starts.length > 10, `${starts.length} documents`);
    let text = joined;
    for (const at of starts.slice(1)) {
      // around a marker: break it, join two documents, add one, take it back
      for (const [offset, del, ins] of [[at + 3, 1, ''], [at, 0, 'x'], [at, 0, '---\nkind: Service\n'], [at - 1, 1, ''], [at + 1, 0, ' ']] as const) {
        const edited = text.slice(0, offset) + ins + text.slice(offset + del);
        same(file, edited, `at ${offset}`);
        same(file, text, `back at ${offset}`);
      }
      text = text.slice(0, at) + '# a comment\n' + text.slice(at);
      same(file, text, `a comment at ${at}`);
    }
  });

  test('fuzz-like: random lines of YAML syntax, then lines replaced, inserted and deleted one at a time (LF, CRLF)', () => {
    const lines = fc.array(fc.constantFrom(...LINES), { minLength: 1, maxLength: 16 });
    const edit = fc.tuple(fc.constantFrom('replace', 'insert', 'delete'), fc.nat(), fc.constantFrom(...LINES));
    fc.assert(fc.property(lines, fc.array(edit, { maxLength: 8 }), fc.boolean(), fc.boolean(), (start, edits, crlf, last) => {
      const eol = crlf ? '\r\n' : '\n';
      const file = new YamlFile();
      const ls = [...start];
      const text = () => ls.join(eol) + (last ? eol : '');
      same(file, text(), 'start');
      for (const [op, n, line] of edits) {
        const i = n % ls.length;
        if (op === 'replace') ls[i] = line;
        else if (op === 'insert') ls.splice(i, 0, line);
        else if (ls.length > 1) ls.splice(i, 1);
        same(file, text(), `${op} ${i}`);
      }
    }), { seed: SEED, numRuns: 400 });
  });

  test('fuzz-like: the seed manifests mutated (the fuzz tests\' mutations), then mutated again', () => {
    const seeds = yamlFiles().map((f) => f.text);
    fc.assert(fc.property(fc.constantFrom(...seeds), mutationsArb, mutationsArb, (seed, first, second) => {
      const file = new YamlFile();
      const a = mutate(seed, first);
      same(file, a, 'mutated');
      same(file, mutate(a, second), 'mutated again');
      same(file, seed, 'the seed again');
    }), { seed: SEED, numRuns: 300 });
  });

  test('an edit parses the edited document again, and no other; documents that moved keep their trees', () => {
    const doc = (i: number) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\nspec:\n  type: NodePort\n`;
    const docs = Array.from({ length: 300 }, (_, i) => doc(i));
    const text = docs.join('---\n');
    const file = new YamlFile();
    const before = same(file, text, 'start');
    assert.equal(file.stats.piecesParsed, 300);
    const moved = before.documents[200];
    const kept = before.documents[10];
    const contents = moved.contents;
    const edited = text.replace('name: s150', 'name: s150x');
    const after = same(file, edited, 'one document edited');
    assert.equal(file.stats.piecesParsed, 301, 'one document parsed again');
    assert.equal(file.stats.wholeFile, 0);
    assert.equal(after.documents[10], kept, 'a document before the edit is the same object');
    assert.equal(after.documents[200], moved, 'a document after the edit is the same object…');
    assert.equal(after.documents[200].contents, contents, '…with the same tree (moved: `same` compared its spans)');
    assert.deepEqual(file.moves.find((m) => m.start <= text.indexOf('s200') && text.indexOf('s200') < m.end)?.delta, 1);
    // the text as it was: the edited document's old piece is found again, nothing parsed
    same(file, text, 'back');
    assert.equal(file.stats.piecesParsed, 301);
    // a document inserted: one piece parsed, the ones after it renumbered
    const inserted = docs.slice(0, 100).join('---\n') + '---\n' + doc(999) + '---\n' + docs.slice(100).join('---\n');
    const three = same(file, inserted, 'inserted');
    assert.equal(file.stats.piecesParsed, 302);
    assert.equal(three.documents[201], moved);
    assert.equal(moved.index, 201);
  });

  test('the whole text is parsed where pieces would not read as it does', () => {
    const base = 'a: 1\n---\nb: 2\n---\nc: 3\n';
    const cases: [string, string][] = [
      ['a directive (a %YAML 1.1 directive reaches past its document)', '%YAML 1.1\n---\nx: yes\n---\ny: no\n'],
      ['an unclosed quote that no later quote closes: it runs to the end of the text', 'a: "x\n---\nb: 2\n---\nc: 3\n'],
      ['an empty value, then a comment, then a marker (the map ends before the comment\'s line break)', 'x: 1\ny:\n# note\n---\nc: 3\n'],
    ];
    for (const [what, text] of cases) {
      const file = new YamlFile();
      same(file, base, `${what}: before`);
      same(file, text, what);
      same(file, base, `${what}: after`);
    }
    const limited = new YamlFile();
    const many = 'a: 1\n---\n'.repeat(30);
    assert.deepEqual(limited.parse(many, { maxDocuments: 10 }), parseYaml(many, { maxDocuments: 10 }));
    assert.equal(limited.stats.wholeFile, 1, 'over the document limit: the whole text');
  });

  test('a template read as one piece that leaves an action open: that piece\'s read is the whole text\'s, a copy of its own', () => {
    const open = 'a: {{ .Values.a }}\nb: |\n  x\n{{/* a comment that never closes\nc: 3\n';
    const file = new YamlFile();
    const first = same(file, open, 'an open comment');
    assert.equal(file.stats.wholeFile, 1);
    assert.equal(file.stats.piecesParsed, 1, 'read once, as its one piece');
    // the trees handed out are the caller's: changed by it (as a move would), the file still reads the text right
    const root = first.documents[0].contents;
    assert.ok(root?.kind === 'map');
    root.span.start += 100;
    root.pairs.pop();
    same(file, `x: 0\n---\n${open}`, 'a document before it');
    same(file, open, 'the same text again');
    same(file, open.replace('c: 3', 'c: 4'), 'the end edited');
  });
});
