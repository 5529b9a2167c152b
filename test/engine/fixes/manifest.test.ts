import * as assert from 'node:assert/strict';
import { ready, workspace } from '../../support/workspace';
import { fixAllInFile, fixesFor } from '../../../server/src/engine/fixes';
import { parseYaml } from '../../../server/src/engine/parse/yaml';
import { applied, applyTo, assertYamlPositionsIntact, codesOf, findingOf, preferred } from './helpers';

const svc = (spec: string, name = 'web') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

/** The text after the preferred fix of the only finding with `code` (in `path`). */
function fixedText(files: Record<string, string>, code: string, path = 'svc.yaml'): string {
  const ws = workspace(files);
  const action = preferred(ws, code);
  const out = applied(ws, action.edits).get(path)!;
  assertYamlPositionsIntact(ws.getText(path)!, out, action.edits.filter((e) => e.path === path));
  return out;
}

suite('Fixes: manifests', () => {
  suiteSetup(ready);

  test('invalid-protocol, invalid-service-type, unknown-field: replaced with the suggestion, quoting kept', () => {
    assert.equal(fixedText({ 'svc.yaml': svc('  ports:\n    - port: 80\n      protocol: tcp\n') }, 'invalid-protocol'), svc('  ports:\n    - port: 80\n      protocol: TCP\n'));
    assert.equal(fixedText({ 'svc.yaml': svc('  ports:\n    - port: 80\n      protocol: "udp"\n') }, 'invalid-protocol'), svc('  ports:\n    - port: 80\n      protocol: "UDP"\n'));
    assert.equal(fixedText({ 'svc.yaml': svc("  type: 'nodeport'\n  ports:\n    - port: 80\n") }, 'invalid-service-type'), svc("  type: 'NodePort'\n  ports:\n    - port: 80\n"));
    assert.equal(fixedText({ 'svc.yaml': svc('  type: LoadBalancr\n  ports:\n    - port: 80\n      nodePort: 30080\n') }, 'invalid-service-type'), svc('  type: LoadBalancer\n  ports:\n    - port: 80\n      nodePort: 30080\n'));
    assert.equal(fixedText({ 'svc.yaml': svc('  selectr: {app: web}\n  ports:\n    - port: 81\n') }, 'unknown-field'), svc('  selector: {app: web}\n  ports:\n    - port: 81\n'));
    assert.equal(fixedText({ 'svc.yaml': svc('  "poarts":\n    - port: 81\n') }, 'unknown-field'), svc('  "ports":\n    - port: 81\n'));
    const json = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}, "spec": {"ports": [{"port": 80, "protocol": "Tcp"}]}}';
    assert.equal(fixedText({ 'svc.json': json }, 'invalid-protocol', 'svc.json'), json.replace('"Tcp"', '"TCP"'));
  });

  test('a suggestion that would duplicate a key is not offered (the result must parse)', () => {
    const ws = workspace({ 'svc.yaml': svc('  ports:\n    - port: 80\n  porst:\n    - port: 81\n') });
    const f = findingOf(ws, 'unknown-field');
    assert.equal(ws.getText('svc.yaml')!.slice(f.span.start, f.span.end), 'porst');
    assert.deepEqual(fixesFor(ws, f), []);
  });

  test('port-name-required: http, https, else port-N, as the item\'s first key (block, flow, JSON)', () => {
    const two = (a: string, b: string) => svc(`  ports:\n${a}${b}`);
    assert.equal(
      fixedText({ 'svc.yaml': two('    - port: 80\n      targetPort: 8080\n', '    - name: b\n      port: 9000\n') }, 'port-name-required'),
      two('    - name: http\n      port: 80\n      targetPort: 8080\n', '    - name: b\n      port: 9000\n'));
    assert.equal(
      fixedText({ 'svc.yaml': two('  - name: a\n    port: 80\n', '  - port: 443\n') }, 'port-name-required'),
      two('  - name: a\n    port: 80\n', '  - name: https\n    port: 443\n'));
    assert.equal(
      fixedText({ 'svc.yaml': svc('  ports: [{name: a, port: 80}, {port: 9090, targetPort: 9}]\n') }, 'port-name-required'),
      svc('  ports: [{name: a, port: 80}, {name: port-9090, port: 9090, targetPort: 9}]\n'));
    const json = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "x"},\n  "spec": {\n    "ports": [\n      {"name": "a", "port": 80},\n      {\n        "port": 443\n      }\n    ]\n  }\n}\n';
    assert.equal(fixedText({ 'svc.json': json }, 'port-name-required', 'svc.json'), json.replace('{\n        "port": 443', '{\n        "name": "https",\n        "port": 443'));
  });

  test('port-name-required: a name another port already has is not reused', () => {
    const ws = workspace({ 'svc.yaml': svc('  ports:\n    - name: http\n      port: 8080\n    - port: 80\n') });
    const text = applied(ws, preferred(ws, 'port-name-required').edits).get('svc.yaml')!;
    assert.match(text, /- name: port-80\n      port: 80\n/);
    applyTo(ws, preferred(ws, 'port-name-required').edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('nodeport-out-of-range and nodeport-conflict: the lowest port no Service uses (nodePort or healthCheckNodePort)', () => {
    const other = svc('  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 30001\n  ports:\n    - port: 443\n      nodePort: 30000\n', 'other');
    const files = { 'other.yaml': other, 'svc.yaml': svc('  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 8080\n') };
    assert.equal(fixedText(files, 'nodeport-out-of-range'), files['svc.yaml'].replace('8080', '30002'));
    const conflict = { 'a.yaml': svc('  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30500\n', 'a'), 'b.yaml': svc('  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30500\n', 'b') };
    const ws = workspace(conflict);
    const [fa, fb] = ws.analyze().findings.filter((f) => f.code === 'nodeport-conflict');
    assert.equal(applied(ws, fixesFor(ws, fb)[0].edits).get('b.yaml'), conflict['b.yaml'].replace('30500', '30000'));
    applyTo(ws, fixesFor(ws, fa)[0].edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('a custom nodePortRange is honoured', () => {
    const files = { '.service-reach.yaml': 'nodePortRange: 31000-31002\n', 'svc.yaml': svc('  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n    - name: b\n      port: 81\n      nodePort: 31000\n').replace('    - port: 80', '    - name: a\n      port: 80') };
    assert.match(fixedText(files, 'nodeport-out-of-range'), /nodePort: 31001\n/);
  });

  test('nodeport-unpinned: `nodePort: N` is inserted into the ports[] item (block, flow, multi-line flow, JSON, empty value, 0)', () => {
    // the zone opens a few ports of the range: pinning to one of them is the whole fix
    const zone = '<zone>\n  <service name="ssh"/>\n  <port port="30000-30010" protocol="tcp"/>\n</zone>\n';
    const cases: [string, string, string][] = [
      ['block', '  type: NodePort\n  ports:\n    - port: 8080 # a comment\n      targetPort: 8080 # another\n  selector: {app: x}\n', '  type: NodePort\n  ports:\n    - port: 8080 # a comment\n      targetPort: 8080 # another\n      nodePort: 30000\n  selector: {app: x}\n'],
      ['unindented seq', '  type: NodePort\n  ports:\n  - port: 8080\n', '  type: NodePort\n  ports:\n  - port: 8080\n    nodePort: 30000\n'],
      ['block scalar last', '  type: NodePort\n  ports:\n    - port: 80\n      appProtocol: >-\n        http\n', '  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30000\n      appProtocol: >-\n        http\n'],
      ['flow', '  type: NodePort\n  ports: [{port: 80, targetPort: 8080}]\n', '  type: NodePort\n  ports: [{port: 80, targetPort: 8080, nodePort: 30000}]\n'],
      ['multi-line flow', '  type: NodePort\n  ports:\n  - {\n      port: 80,\n      targetPort: 8080\n    }\n', '  type: NodePort\n  ports:\n  - {\n      port: 80,\n      targetPort: 8080,\n      nodePort: 30000\n    }\n'],
      ['empty value', '  type: NodePort\n  ports:\n    - port: 80\n      nodePort: # later\n', '  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30000 # later\n'],
      ['zero', '  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 0\n', '  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30000\n'],
    ];
    for (const [name, spec, expected] of cases) {
      const ws = workspace({ 'svc.yaml': svc(spec), 'public.xml': zone });
      const a = preferred(ws, 'nodeport-unpinned');
      const out = applied(ws, a.edits).get('svc.yaml')!;
      assert.equal(out, svc(expected), name);
      assertYamlPositionsIntact(ws.getText('svc.yaml')!, out, a.edits);
      applyTo(ws, a.edits);
      assert.deepEqual(a.edits.map((e) => e.path), ['svc.yaml'], name);
      assert.deepEqual(codesOf(ws), [], `${name}: pinned to a port the zone allows`);
    }
    const json = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},\n "spec": {"type": "NodePort", "ports": [{"port": 80}]}}';
    const ws = workspace({ 'svc.json': json, 'public.xml': zone });
    assert.equal(applied(ws, preferred(ws, 'nodeport-unpinned').edits).get('svc.json'), json.replace('{"port": 80}', '{"port": 80, "nodePort": 30000}'));
  });

  test('nodeport-unpinned for the health-check port: `healthCheckNodePort: N` under spec, after externalTrafficPolicy', () => {
    const zone = '<zone>\n  <port port="30080" protocol="tcp"/>\n</zone>\n';
    const spec = '  type: LoadBalancer\n  externalTrafficPolicy: Local # keep clients\n  ports:\n    - port: 80\n      nodePort: 30080\n';
    const out = fixedText({ 'svc.yaml': svc(spec), 'public.xml': zone }, 'nodeport-unpinned');
    assert.equal(out, svc(spec.replace('Local # keep clients\n', 'Local # keep clients\n  healthCheckNodePort: 30000\n')));
    const flow = 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {type: LoadBalancer, externalTrafficPolicy: Local, ports: [{port: 80, nodePort: 30080}]}\n';
    const outFlow = fixedText({ 'svc.yaml': flow, 'public.xml': zone }, 'nodeport-unpinned');
    assert.equal(outFlow, flow.replace('ports: [{port: 80, nodePort: 30080}]}', 'ports: [{port: 80, nodePort: 30080}], healthCheckNodePort: 30000}'));
  });

  test('CRLF manifests get CRLF lines', () => {
    const text = svc('  type: NodePort\n  ports:\n    - port: 80\n    - port: 443\n').replace(/\n/g, '\r\n');
    const ws = workspace({ 'svc.yaml': text });
    const all = fixAllInFile(ws, 'svc.yaml')!;
    const out = applied(ws, all.edits).get('svc.yaml')!;
    assert.ok(!/[^\r]\n/.test(out), JSON.stringify(out));
    assert.deepEqual(parseYaml(out).problems, []);
    assert.match(out, /- name: http\r\n      port: 80\r\n/);
  });
});
