/**
 * Incremental analysis (workspace.ts): after an edit, `Workspace.analyze()` must say exactly what a fresh
 * Workspace says about the same files — findings, Services (their spans and exposures), workloads and documents —
 * while parsing again only the edited document and checking again only the Services the edit can affect: its
 * own, those whose selector may match a workload that changed, those that share a node port with it; all of
 * them when a rule source or the config changed. The work is read from `Workspace.stats` (counters); no
 * timings here (they are in `npm run bench`).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { initEngine, LineIndex, Workspace } from '../../server/src/engine';
import { readHclGrammar } from '../../server/src/host/hcl-grammar';
import type { WorkspaceStats } from '../../server/src/engine/workspace';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261126;

const pad = (i: number) => String(i).padStart(3, '0');

/** A Deployment and a Service that selects it; odd ones NodePort (node port 30000 + i), some with a bad targetPort. */
function pair(i: number): string {
  const type = i % 2 === 1 ? 'NodePort' : 'ClusterIP';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${pad(i)}
  namespace: ns-${i % 4}
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
  namespace: ns-${i % 4}
spec:
  type: ${type}
  selector:
    app: app-${pad(i)}
  ports:
    - port: 80
      targetPort: ${i % 37 === 36 ? 'htttp' : 'http'}
${type === 'NodePort' ? `      nodePort: ${30000 + i}\n` : ''}`;
}

const ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <port port="30000-30099" protocol="tcp"/>
</zone>
`;
const CONFIG = 'nodes:\n  firewalld:\n    zones: [zones/public.xml]\n';

function manifest(from: number, to: number): string {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(pair(i));
  return out.join('---\n');
}

function fresh(ws: Workspace): Workspace {
  const other = new Workspace();
  for (const p of ws.paths()) other.setFile(p, ws.getText(p)!);
  return other;
}

/** Everything the engine's consumers read, as plain data (documents and Services hold their trees). */
function view(ws: Workspace) {
  const a = ws.analyze();
  return {
    findings: a.findings,
    services: a.services.map((s) => ({ service: s.service, exposure: s.exposure })),
    workloads: a.workloads,
    provider: a.provider,
    documents: ws.paths().map((p) => ws.manifest(p)?.documents),
  };
}

/** The analysis of `ws` is the one a fresh Workspace makes of the same files. */
function sameAsFresh(ws: Workspace, what: string): void {
  assert.deepEqual(view(ws), view(fresh(ws)), what);
}

/** The work an analysis after `edit` did. */
function work(ws: Workspace, edit: () => void): Omit<WorkspaceStats, 'lastAnalysisMs' | 'analyses' | 'lineIndexesBuilt' | 'yamlDocumentsMoved'> {
  ws.analyze();
  const before = ws.stats;
  edit();
  ws.analyze();
  const after = ws.stats;
  return {
    yamlDocumentsParsed: after.yamlDocumentsParsed - before.yamlDocumentsParsed,
    yamlWholeFileParses: after.yamlWholeFileParses - before.yamlWholeFileParses,
    servicesChecked: after.servicesChecked - before.servicesChecked,
    selectorsChecked: after.selectorsChecked - before.selectorsChecked,
    nodePortServicesChecked: after.nodePortServicesChecked - before.nodePortServicesChecked,
    overlaysBuilt: after.overlaysBuilt - before.overlaysBuilt,
    chartsRendered: after.chartsRendered - before.chartsRendered,
  };
}

const NONE = { yamlDocumentsParsed: 0, yamlWholeFileParses: 0, servicesChecked: 0, selectorsChecked: 0, nodePortServicesChecked: 0, overlaysBuilt: 0, chartsRendered: 0 };

function bigFile(): Workspace {
  const ws = new Workspace();
  ws.setFile('.service-reach.yaml', CONFIG);
  ws.setFile('zones/public.xml', ZONE);
  ws.setFile('k8s/all.yaml', manifest(0, 150)); // 300 documents
  return ws;
}

function edit(ws: Workspace, path: string, from: string, to: string, after = 0): void {
  const text = ws.getText(path)!;
  const at = text.indexOf(from, after);
  assert.ok(at >= 0, `${from} in ${path}`);
  ws.setFile(path, text.slice(0, at) + to + text.slice(at + from.length));
}

suite('Incremental analysis: an edit costs what it changes', () => {
  suiteSetup(async () => { await initEngine({ hcl: readHclGrammar() }); });

  test('one document of a 300-document file edited: a fresh analysis\'s findings; one document parsed, one Service checked', () => {
    const ws = bigFile();
    const first = ws.analyze();
    assert.equal(first.services.length, 150);
    assert.ok(first.findings.some((f) => f.code === 'target-port-name-unknown'), 'findings after the edit point, to be moved');
    const at = ws.getText('k8s/all.yaml')!.indexOf('name: app-075\n  namespace: ns-3\nspec:\n  type:');
    assert.deepEqual(work(ws, () => edit(ws, 'k8s/all.yaml', 'type: NodePort', 'type: NodePor', at)),
      { ...NONE, yamlDocumentsParsed: 1, servicesChecked: 1, selectorsChecked: 1 });
    assert.ok(ws.analyze().findings.some((f) => f.code === 'invalid-service-type'));
    sameAsFresh(ws, 'after the edit');
    assert.deepEqual(work(ws, () => edit(ws, 'k8s/all.yaml', 'type: NodePor\n', 'type: NodePort\n')),
      { ...NONE, yamlDocumentsParsed: 0, servicesChecked: 1, selectorsChecked: 1 }, 'undone: the old document is found again, not parsed');
    sameAsFresh(ws, 'undone');
  });

  test('a Deployment edited: the Services its labels concern are checked for selectors and ports, nothing else', () => {
    const ws = bigFile();
    // app-040's container port renamed: Service app-040's targetPort "http" no longer names it
    const at = ws.getText('k8s/all.yaml')!.indexOf('name: app-040\n  namespace: ns-0\nspec:\n  template:');
    assert.deepEqual(work(ws, () => edit(ws, 'k8s/all.yaml', '- name: http', '- name: htp', at)),
      { ...NONE, yamlDocumentsParsed: 1, selectorsChecked: 1 });
    assert.ok(ws.analyze().findings.some((f) => f.code === 'target-port-name-unknown' && f.message.includes('"htp"')));
    sameAsFresh(ws, 'a workload edited');
    // its labels changed: the Service that selected it (now matching nothing) and none other
    assert.deepEqual(work(ws, () => edit(ws, 'k8s/all.yaml', 'app: app-040', 'app: app-04x', at)),
      { ...NONE, yamlDocumentsParsed: 1, selectorsChecked: 1 });
    assert.ok(ws.analyze().findings.some((f) => f.code === 'selector-matches-nothing'));
    sameAsFresh(ws, 'labels edited');
  });

  test('a node port made to conflict: the Services sharing it are checked for node ports; and back', () => {
    const ws = bigFile();
    const at = ws.getText('k8s/all.yaml')!.indexOf('nodePort: 30041');
    assert.deepEqual(work(ws, () => edit(ws, 'k8s/all.yaml', 'nodePort: 30041', 'nodePort: 30043', at)),
      { ...NONE, yamlDocumentsParsed: 1, servicesChecked: 1, selectorsChecked: 1, nodePortServicesChecked: 2 });
    assert.equal(ws.analyze().findings.filter((f) => f.code === 'nodeport-conflict').length, 2);
    sameAsFresh(ws, 'a conflict');
    assert.deepEqual(work(ws, () => edit(ws, 'k8s/all.yaml', 'nodePort: 30043', 'nodePort: 30041', at)),
      { ...NONE, servicesChecked: 1, selectorsChecked: 1 });
    sameAsFresh(ws, 'no conflict');
  });

  test('a rule source or the config edited: every Service is checked again, no YAML manifest parsed', () => {
    const ws = bigFile();
    assert.deepEqual(work(ws, () => ws.setFile('zones/public.xml', ZONE.replace('30000-30099', '30000-30049'))),
      { ...NONE, servicesChecked: 150 });
    assert.ok(ws.analyze().findings.some((f) => f.code === 'firewalld-port-closed'));
    sameAsFresh(ws, 'a zone edited');
    assert.deepEqual(work(ws, () => ws.setFile('.service-reach.yaml', CONFIG + 'nodePortRange: 30000-32000\n')),
      { ...NONE, servicesChecked: 150 });
    sameAsFresh(ws, 'the config edited');
  });

  test('200 files, one edited: its document parsed and its Service checked; the other files are not looked at again', () => {
    const ws = new Workspace();
    ws.setFile('zones/public.xml', ZONE);
    ws.setFile('.service-reach.yaml', CONFIG);
    for (let i = 0; i < 200; i++) ws.setFile(`apps/app-${pad(i)}/deploy.yaml`, pair(i));
    assert.deepEqual(work(ws, () => edit(ws, 'apps/app-101/deploy.yaml', 'port: 80', 'port: 8')),
      { ...NONE, yamlDocumentsParsed: 1, servicesChecked: 1, selectorsChecked: 1 });
    sameAsFresh(ws, 'one file edited');
    assert.deepEqual(work(ws, () => ws.removeFile('apps/app-102/deploy.yaml')), NONE,
      'a manifest removed: its Service and workload go, nothing else is checked (no other selector matched them)');
    sameAsFresh(ws, 'a file removed');
    assert.deepEqual(work(ws, () => ws.setFile('apps/app-102/deploy.yaml', pair(102))),
      { ...NONE, yamlDocumentsParsed: 2, servicesChecked: 1, selectorsChecked: 1 });
    sameAsFresh(ws, 'a file added');
  });

  test('documents inserted and removed in the middle (renumbered), an error past a marker: the same as fresh', () => {
    const ws = bigFile();
    ws.analyze();
    const text = ws.getText('k8s/all.yaml')!;
    const middle = text.indexOf('---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-070');
    ws.setFile('k8s/all.yaml', text.slice(0, middle) + '---\n' + pair(900) + text.slice(middle));
    sameAsFresh(ws, 'a pair inserted');
    const second = ws.getText('k8s/all.yaml')!;
    const cut = second.indexOf('---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-020');
    const next = second.indexOf('---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-021');
    ws.setFile('k8s/all.yaml', second.slice(0, cut) + second.slice(next));
    sameAsFresh(ws, 'a pair removed');
    // an unclosed quote runs to the end of the text: the whole file is parsed, and the same is said
    assert.deepEqual(work(ws, () => edit(ws, 'k8s/all.yaml', 'name: app-130', 'name: "app-130')).yamlWholeFileParses, 1);
    sameAsFresh(ws, 'an unclosed quote');
    edit(ws, 'k8s/all.yaml', 'name: "app-130', 'name: app-130');
    sameAsFresh(ws, 'closed again');
  });

  test('random edits (characters, lines, documents, files, the zone): after each, what a fresh analysis says', function () {
    this.timeout(120_000); // a hundred fresh analyses: ~15 s alone, more on a loaded machine
    type Op =
      | { kind: 'char'; file: number; at: number; text: string; del: number }
      | { kind: 'document'; file: number; at: number; insert: boolean; i: number }
      | { kind: 'zone'; open: number }
      | { kind: 'file'; file: number; remove: boolean };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('char' as const), file: fc.nat(2), at: fc.nat(), del: fc.nat(2), text: fc.constantFrom('', 'x', '1', ' ', '\n', ':', '-', '#', '"', '---\n', '  ', 'app-001') }),
      fc.record({ kind: fc.constant('document' as const), file: fc.nat(2), at: fc.nat(), insert: fc.boolean(), i: fc.nat(40) }),
      fc.record({ kind: fc.constant('zone' as const), open: fc.integer({ min: 30000, max: 30040 }) }),
      fc.record({ kind: fc.constant('file' as const), file: fc.nat(2), remove: fc.boolean() }),
    );
    const paths = ['k8s/a.yaml', 'k8s/b.yaml', 'k8s/c.yaml'];
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => {
      const ws = new Workspace();
      ws.setFile('.service-reach.yaml', CONFIG);
      ws.setFile('zones/public.xml', ZONE);
      paths.forEach((p, k) => ws.setFile(p, manifest(k * 10, k * 10 + 8)));
      ws.analyze();
      for (const o of ops) {
        if (o.kind === 'zone') ws.setFile('zones/public.xml', ZONE.replace('30000-30099', `30000-${o.open}`));
        else if (o.kind === 'file') {
          if (o.remove) ws.removeFile(paths[o.file]); else ws.setFile(paths[o.file], manifest(50, 53));
        } else {
          const text = ws.getText(paths[o.file]);
          if (text === undefined) continue;
          if (o.kind === 'char') {
            const at = o.at % (text.length + 1);
            ws.setFile(paths[o.file], text.slice(0, at) + o.text + text.slice(at + o.del));
          } else {
            const starts = [...text.matchAll(/^---$/gm)].map((m) => m.index!);
            const at = starts.length ? starts[o.at % starts.length] : text.length;
            if (o.insert) ws.setFile(paths[o.file], text.slice(0, at) + `---\n${pair(60 + o.i)}` + text.slice(at));
            else {
              const end = text.indexOf('\n---\n', at + 4);
              ws.setFile(paths[o.file], text.slice(0, at) + (end < 0 ? '' : text.slice(end + 1)));
            }
          }
        }
        sameAsFresh(ws, JSON.stringify(o));
      }
    }), { seed: SEED, numRuns: 60 });
  });

  test('a whole new text (full sync) costs what the same edit by ranges costs: the same work, the same analysis', () => {
    const byText = bigFile();
    const byRanges = bigFile();
    const text = byText.getText('k8s/all.yaml')!;
    const at = text.indexOf('type: NodePort', text.indexOf('name: app-075\n  namespace: ns-3\nspec:')) + 'type: NodePor'.length;
    const whole = work(byText, () => byText.setFile('k8s/all.yaml', text.slice(0, at) + text.slice(at + 1)));
    const ranged = work(byRanges, () => assert.ok(byRanges.editFile('k8s/all.yaml', [{ start: at, end: at + 1, text: '' }])));
    assert.deepEqual(whole, { ...NONE, yamlDocumentsParsed: 1, servicesChecked: 1, selectorsChecked: 1 }, 'one document of 300 parsed');
    assert.deepEqual(ranged, whole);
    assert.equal(byRanges.getText('k8s/all.yaml'), byText.getText('k8s/all.yaml'));
    assert.deepEqual(view(byRanges), view(byText));
    sameAsFresh(byRanges, 'after the edit by ranges');
    // and back, typed at the end of the file and undone at once: one change after another, as a didChange holds them
    const end = text.length - 1;
    assert.deepEqual(work(byText, () => byText.setFile('k8s/all.yaml', text)), work(byRanges, () => byRanges.editFile('k8s/all.yaml', [
      { start: at, end: at, text: 't' }, { start: end, end: end, text: 'x' }, { start: end, end: end + 1, text: '' },
    ])));
    assert.equal(byRanges.getText('k8s/all.yaml'), text);
    sameAsFresh(byRanges, 'undone by ranges');
  });

  test('a whole new text with the range that changed (an editor\'s change by range): the same work and analysis as comparing the texts; a range that does not fit is not used', () => {
    const told = bigFile();
    const compared = bigFile();
    const path = 'k8s/all.yaml';
    const text = told.getText(path)!;
    let now = text;
    const edits: [number, number, string][] = [];
    for (const [name, del, ins] of [['app-075', 1, ''], ['app-140', 0, 'x\n  y: 1\n'], ['app-010', 4, '---\n'], ['app-075', 0, 'e']] as const) {
      const at = now.indexOf(`name: ${name}`) + 'name: '.length;
      edits.push([at, at + del, ins]);
      now = now.slice(0, at) + ins + now.slice(at + del);
    }
    now = text;
    for (const [start, end, ins] of edits) {
      const next = now.slice(0, start) + ins + now.slice(end);
      assert.deepEqual(
        work(told, () => told.setFile(path, next, { start, oldEnd: end, newEnd: start + ins.length })),
        work(compared, () => compared.setFile(path, next)),
      );
      assert.deepEqual(view(told), view(compared));
      now = next;
    }
    sameAsFresh(told, 'after edits told by range');
    // the same text with a range (nothing changed): nothing to do; a range whose lengths do not fit: compared
    assert.deepEqual(work(told, () => told.setFile(path, now, { start: 5, oldEnd: 6, newEnd: 6 })), { ...NONE });
    const back = now.replace('name: app-140x', 'name: app-140');
    told.setFile(path, back, { start: 0, oldEnd: 3, newEnd: 1 });
    assert.equal(told.getText(path), back);
    sameAsFresh(told, 'a range that does not fit');
    assert.equal(told.lineIndex(path).lineCount, back.split('\n').length);
  });

  test('edits by ranges: offsets out of the text are clamped; a file the workspace does not hold is not edited', () => {
    const ws = new Workspace();
    ws.setFile('a.yaml', 'a: 1\n');
    assert.ok(ws.editFile('a.yaml', [{ start: -5, end: 0, text: '# x\n' }, { start: 99, end: 120, text: 'b: 2\n' }, { start: 3, end: 1, text: '' }]));
    assert.equal(ws.getText('a.yaml'), '# x\na: 1\nb: 2\n');
    assert.equal(ws.editFile('gone.yaml', [{ start: 0, end: 0, text: 'x' }]), false);
    assert.equal(ws.hasFile('gone.yaml'), false);
  });

  test('an NSG renamed in its own file (its rules in another): the layers and findings a fresh analysis gives', () => {
    const group = (name: string) => `resource "oci_core_network_security_group" "workers" {\n  display_name = "${name}"\n}\n`;
    const rules = `resource "oci_core_network_security_group_security_rule" "r" {
  network_security_group_id = oci_core_network_security_group.workers.id
  direction = "INGRESS"
  protocol = "6"
  source = "10.0.0.0/24"
  tcp_options {
    destination_port_range {
      min = 80
      max = 80
    }
  }
}
`;
    const ws = new Workspace();
    ws.setFile('.service-reach.yaml', 'provider: oci\n');
    ws.setFile('tf/nsg.tf', group('before'));
    ws.setFile('tf/rules.tf', rules);
    ws.setFile('a.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n');
    const labels = (w: Workspace) => w.analyze().layers.workerLists?.sources.map((x) => x.label);
    assert.deepEqual(labels(ws), ['NSG "before"']);
    assert.ok(ws.analyze().findings.some((f) => f.message.includes('NSG "before"')), 'a finding names the NSG');
    ws.setFile('tf/nsg.tf', group('after'));
    assert.deepEqual(labels(ws), ['NSG "after"']);
    assert.deepEqual(ws.analyze().layers, fresh(ws).analyze().layers);
    sameAsFresh(ws, 'the NSG renamed');
  });

  test('no config file: a manifest that comes or goes checks its own Services only (the default config is kept)', () => {
    const ws = new Workspace();
    ws.setFile('zones/public.xml', ZONE);
    for (let i = 0; i < 20; i++) ws.setFile(`apps/app-${pad(i)}/deploy.yaml`, pair(i));
    const layers = ws.analyze().layers;
    assert.deepEqual(work(ws, () => ws.setFile('apps/app-020/deploy.yaml', pair(20))),
      { ...NONE, yamlDocumentsParsed: 2, servicesChecked: 1, selectorsChecked: 1 });
    assert.equal(ws.analyze().layers, layers, 'the same layers');
    sameAsFresh(ws, 'a file added');
    assert.deepEqual(work(ws, () => ws.removeFile('apps/app-003/deploy.yaml')), NONE);
    sameAsFresh(ws, 'a file removed');
  });

  test('a whole new text moves the line index as the edit by ranges does: not built again, and what a fresh index says', () => {
    const byText = bigFile();
    const byRanges = bigFile();
    const path = 'k8s/all.yaml';
    const text = byText.getText(path)!;
    byText.lineIndex(path);
    byRanges.lineIndex(path);
    assert.equal(byText.stats.lineIndexesBuilt, 1);
    const at = text.indexOf('name: app-075\n');
    byText.setFile(path, text.slice(0, at) + 'labels: {a: b}\n  ' + text.slice(at));
    assert.ok(byRanges.editFile(path, [{ start: at, end: at, text: 'labels: {a: b}\n  ' }]));
    for (const ws of [byText, byRanges]) {
      const moved = ws.lineIndex(path);
      assert.equal(ws.stats.lineIndexesBuilt, 1, 'moved past the change, not built again');
      const now = ws.getText(path)!;
      const fresh = new LineIndex(now);
      assert.equal(moved.lineCount, fresh.lineCount);
      for (let o = 0; o <= now.length; o += 37) assert.deepEqual(moved.positionAt(o), fresh.positionAt(o));
    }
    // a file the workspace did not index before, and one that came anew: built
    byText.setFile('k8s/new.yaml', 'a: 1\n');
    byText.lineIndex('k8s/new.yaml');
    assert.equal(byText.stats.lineIndexesBuilt, 2);
  });

  test('a file\'s line index follows its text: built once per text, a new one after an edit', () => {
    const ws = new Workspace();
    ws.setFile('a.yaml', 'a: 1\nb: 2\n');
    const first = ws.lineIndex('a.yaml');
    assert.equal(ws.lineIndex('a.yaml'), first);
    assert.deepEqual(first.positionAt(6), { line: 1, character: 1 });
    ws.setFile('a.yaml', 'x: 0\na: 1\nb: 2\n');
    assert.notEqual(ws.lineIndex('a.yaml'), first);
    assert.deepEqual(ws.lineIndex('a.yaml').positionAt(6), { line: 1, character: 1 });
    assert.deepEqual(ws.lineIndex('a.yaml').positionAt(11), { line: 2, character: 1 });
    assert.deepEqual(ws.lineIndex('gone.yaml').positionAt(0), { line: 0, character: 0 });
  });
});
