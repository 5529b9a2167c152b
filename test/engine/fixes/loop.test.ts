/**
 * The one fix loop (engine/fixes/loop.ts): its scopes (workspace, one file, one finding), the workspace left as
 * it was found, the edits composed over its passes (compose.ts), and fixes that edit from what the workspace
 * read instead of parsing a file's current text again.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Workspace } from '../../../server/src/engine';
import { applyEdits, fixAll, fixAllInFile, fixFinding, fixesFor, planFixAll } from '../../../server/src/engine/fixes';
import { changedRange, Composer } from '../../../server/src/engine/fixes/compose';
import * as jsonParser from '../../../server/src/engine/parse/json';
import * as xmlParser from '../../../server/src/engine/parse/xml';
import * as hclParser from '../../../server/src/engine/parse/hcl/read'; // the module that defines it: parse/hcl re-exports through getters
import * as zoneReader from '../../../server/src/engine/sources/firewalld-zone';
import * as jsonReader from '../../../server/src/engine/sources/oci-json';
import * as terraformReader from '../../../server/src/engine/sources/terraform';
import { ready, workspace } from '../../support/workspace';
import { applied, codesOf, findingOf } from './helpers';

const svc = (name: string, spec: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';
const UNPINNED = svc('web', '  type: NodePort\n  ports:\n    - name: http\n      port: 80\n');

/** Findings as plain data (JSON), to compare two analyses. */
function findingsJson(ws: Workspace): string {
  return JSON.stringify(ws.analyze().findings);
}

function fresh(ws: Workspace): Workspace {
  const copy = new Workspace();
  for (const p of ws.paths()) copy.setFile(p, ws.getText(p)!);
  return copy;
}

suite('Fixes: the one fix loop', () => {
  suiteSetup(ready);

  test('fix all in one file runs every pass: the port it pins is then opened in the zone', () => {
    const ws = workspace({ 'svc.yaml': UNPINNED, 'public.xml': ZONE });
    const all = fixAllInFile(ws, 'svc.yaml')!;
    assert.equal(all.title, 'Fix all 1 auto-fixable problem in svc.yaml (also edits public.xml)');
    const texts = applied(ws, all.edits);
    assert.equal(texts.get('svc.yaml'), UNPINNED + '      nodePort: 30000\n');
    assert.equal(texts.get('public.xml'), ZONE.replace('</zone>', '  <port port="30000" protocol="tcp"/>\n</zone>'));
    for (const [p, t] of texts) ws.setFile(p, t);
    assert.deepEqual(codesOf(ws), []);
  });

  test('the workspace is left as it was found: its texts, and an analysis equal to a fresh workspace\'s', () => {
    const files = {
      'a.yaml': svc('a', '  type: NodePort\n  ports:\n    - port: 80\n      protocol: tcp\n') + '---\n' + UNPINNED,
      'b.yaml': svc('b', '  type: NodePort\n  ports:\n    - name: http\n      port: 80\n      nodePort: 30080\n'),
      'public.xml': ZONE,
    };
    const ws = workspace(files);
    const before = findingsJson(ws);
    const r = fixAll(ws, { scope: 'workspace' });
    assert.deepEqual([r.passes, r.files.map((f) => f.path)], [2, ['a.yaml', 'public.xml']], 'protocol, then the pins with the zone ports they need');
    for (const [p, t] of Object.entries(files)) assert.equal(ws.getText(p), t);
    assert.equal(findingsJson(ws), before);
    assert.equal(findingsJson(ws), findingsJson(fresh(ws)));
    for (const f of r.files) assert.equal(applyEdits(f.original, f.edits), f.text);
  });

  test('scopes: a file fixes its own findings (edits may reach a zone), one finding fixes only itself, in one pass', () => {
    const files = { 'a.yaml': UNPINNED, 'b.yaml': svc('b', '  type: NodePort\n  ports:\n    - name: http\n      port: 80\n      nodePort: 30080\n'), 'public.xml': ZONE };
    const ws = workspace(files);
    const onlyA = fixAll(ws, { scope: { path: 'a.yaml' } });
    assert.deepEqual(onlyA.files.map((f) => f.path), ['a.yaml', 'public.xml']);
    assert.ok(!onlyA.files.find((f) => f.path === 'public.xml')!.text.includes('30080'), 'b\'s port is not a.yaml\'s to open');

    const closed = findingOf(ws, 'firewalld-port-closed');
    const one = fixFinding(ws, closed)!;
    assert.equal(one.title, fixesFor(ws, closed)[0].title, 'the title of the finding\'s first fix');
    assert.deepEqual([...applied(ws, one.edits).keys()], ['public.xml']);
    assert.deepEqual(fixAll(ws, { scope: { finding: findingOf(ws, 'nodeport-unpinned') } }).passes, 1);
    assert.equal(fixFinding(ws, { ...closed, message: 'gone' }), undefined, 'a finding the workspace does not have: nothing');
  });

  test('what the first pass plans is what the lightbulb offers, finding by finding', () => {
    const ws = workspace({ 'svc.yaml': UNPINNED.replace('    - name: http\n', '    - name: http\n      protocol: tcp\n'), 'public.xml': ZONE });
    const plan = planFixAll(ws);
    assert.deepEqual(plan.titles, plan.fixed.map((f) => fixesFor(ws, f).find((a) => a.edits.length)!.title));
  });

  test('fixes edit from what the workspace read: no zone, JSON list or Terraform file is parsed again, only edited texts', () => {
    const lb = svc('grafana', '  type: LoadBalancer\n  ports:\n    - name: http\n      port: 80\n      nodePort: 31300\n')
      .replace('  name: grafana\n', '  name: grafana\n  annotations:\n    oci.oraclecloud.com/load-balancer-type: nlb\n    oci-network-load-balancer.oraclecloud.com/security-list-management-mode: None\n');
    const list = JSON.stringify({ data: { 'display-name': 'workers', 'ingress-security-rules': [] } }, null, 2);
    const nsg = 'resource "oci_core_network_security_group" "w" {\n  display_name = "w"\n}\n\nresource "oci_core_network_security_group_security_rule" "h" {\n  network_security_group_id = oci_core_network_security_group.w.id\n  direction = "INGRESS"\n  protocol = "6"\n  source = var.lb\n  source_type = "CIDR_BLOCK"\n}\n';
    const cases: Record<string, string>[] = [
      { 'svc.yaml': svc('web', '  type: NodePort\n  ports:\n    - name: http\n      port: 80\n      nodePort: 30080\n'), 'public.xml': ZONE },
      { 'svc.yaml': lb, 'workers.json': list, '.service-reach.yaml': 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n' },
      { 'svc.yaml': lb, 'tf/nsg.tf': nsg, 'tf/vars.tf': 'variable "lb" {\n  default = "10.0.30.0/24"\n}\n', '.service-reach.yaml': 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n' },
    ];
    const spied: [Record<string, unknown>, string, number][] = [
      [xmlParser, 'parseXml', 0], [jsonParser, 'parseJson', 0], [hclParser, 'parseHcl', 0],
      [zoneReader, 'readFirewalldXml', 1], [jsonReader, 'readOciSecurityListsJson', 1], [terraformReader, 'readTerraform', 1],
    ];
    for (const files of cases) {
      const ws = workspace(files);
      ws.analyze();
      const current = new Set(Object.values(files));
      const parsedCurrent: string[] = [];
      const originals = spied.map(([mod, name]) => mod[name]);
      spied.forEach(([mod, name, textArg], i) => {
        mod[name] = (...args: unknown[]) => {
          if (current.has(args[textArg] as string)) parsedCurrent.push(`${name}(${JSON.stringify(args[textArg]).slice(0, 40)}…)`);
          return (originals[i] as (...a: unknown[]) => unknown)(...args);
        };
      });
      let fixes = 0;
      try {
        for (const f of ws.analyze().findings) fixes += fixesFor(ws, f).filter((a) => a.edits.length).length;
        fixes += planFixAll(ws).fixed.length;
      } finally {
        spied.forEach(([mod, name], i) => { mod[name] = originals[i]; });
      }
      assert.ok(fixes > 0, `fixes in ${Object.keys(files).join(', ')}`);
      assert.deepEqual(parsedCurrent, [], `current texts parsed again (${Object.keys(files).join(', ')})`);
    }
  });
});

suite('Fixes: edits composed over passes', () => {
  /** Random non-overlapping edits of a text (sorted, some insertions at the same place). */
  const passOf = (text: string, seeds: { at: number; len: number; newText: string }[]) => {
    const edits: { span: { start: number; end: number }; newText: string }[] = [];
    let pos = 0;
    for (const s of [...seeds].sort((a, b) => a.at - b.at)) {
      const start = Math.max(pos, Math.min(text.length, Math.round(s.at * text.length)));
      const end = Math.min(text.length, start + s.len);
      edits.push({ span: { start, end }, newText: s.newText });
      pos = end;
    }
    return edits;
  };
  const alphabet = fc.constantFrom('a', 'b', '\n', '\r\n', ' ', '\u{1F600}', '\u00e9');
  const textArb = fc.array(alphabet, { maxLength: 30 }).map((xs) => xs.join(''));
  const seedArb = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.nat({ max: 4 }), newText: textArb });

  test('the edits of the original give the final text; sorted, apart, and no longer than they must be', () => {
    fc.assert(fc.property(textArb, fc.array(fc.array(seedArb, { maxLength: 4 }), { maxLength: 4 }), (original, passes) => {
      const c = new Composer(original);
      let text = original;
      for (const seeds of passes) {
        const edits = passOf(text, seeds);
        c.apply(edits);
        text = applyEdits(text, edits);
        assert.equal(c.text(), text);
      }
      const edits = c.edits();
      assert.equal(applyEdits(original, edits), text);
      for (let i = 1; i < edits.length; i++) assert.ok(edits[i - 1].span.end < edits[i].span.start, 'apart: a kept character between two edits');
      for (const e of edits) {
        const old = original.slice(e.span.start, e.span.end);
        assert.ok(old !== e.newText);
        const trimmed = changedRange(old, e.newText);
        assert.equal(trimmed.span.start, 0, 'nothing shared at the start');
        assert.equal(trimmed.span.end, old.length, 'nothing shared at the end');
      }
    }), { seed: 14, numRuns: 500 });
  });

  test('an edit never splits a surrogate pair or a CRLF', () => {
    assert.deepEqual(changedRange('x\u{1F600}y', 'x\u{1F601}y'), { span: { start: 1, end: 3 }, newText: '\u{1F601}' });
    assert.deepEqual(changedRange('a\r\nb', 'a\nb'), { span: { start: 1, end: 3 }, newText: '\n' });
    const c = new Composer('nodePort: 30500\n');
    c.apply([{ span: { start: 10, end: 15 }, newText: '30000' }]);
    assert.deepEqual(c.edits(), [{ span: { start: 12, end: 13 }, newText: '0' }]);
  });
});
