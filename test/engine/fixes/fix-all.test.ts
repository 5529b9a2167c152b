import * as assert from 'node:assert/strict';
import { ready, workspace } from '../../support/workspace';
import { applyEdits, fixAllInFile, planFixAll } from '../../../server/src/engine/fixes';
import { applied, applyTo, codesOf, fixAndKeep, only } from './helpers';

const svc = (name: string, spec: string, ns = 'default') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${spec}`;
const ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';

suite('Fixes: fix all (one action per file, and the CLI\'s passes)', () => {
  suiteSetup(ready);

  test('fixAllInFile: one action, non-overlapping edits, every fixable finding of the file in one go', () => {
    const text = svc('metrics', '  type: NodePort\n  ports:\n    - port: 9090\n      protocol: tcp\n      nodePort: 8080\n    - port: 9091\n      nodePort: 30991\n');
    const ws = workspace({ 'svc.yaml': text });
    assert.deepEqual(codesOf(ws), ['invalid-protocol', 'nodeport-out-of-range', 'port-name-required', 'port-name-required']);
    const action = fixAllInFile(ws, 'svc.yaml')!;
    assert.match(action.title, /^Fix all 4 auto-fixable problems in svc\.yaml$/);
    const out = applied(ws, action.edits).get('svc.yaml')!;
    assert.equal(out, text
      .replace('    - port: 9090\n      protocol: tcp\n      nodePort: 8080', '    - name: port-9090\n      port: 9090\n      protocol: TCP\n      nodePort: 30000')
      .replace('    - port: 9091', '    - name: port-9091\n      port: 9091'));
    applyTo(ws, action.edits);
    assert.deepEqual(codesOf(ws), []);
    assert.equal(fixAllInFile(ws, 'svc.yaml'), undefined, 'nothing left to fix');
  });

  test('node ports handed out once per plan; additions to one zone merged into one edit', () => {
    const ws = workspace({
      'a.yaml': svc('a', '  type: NodePort\n  ports:\n    - port: 80\n'),
      'b.yaml': svc('b', '  type: NodePort\n  ports:\n    - port: 80\n    - name: x\n      port: 81\n').replace('    - port: 80', '    - name: w\n      port: 80'),
      'public.xml': ZONE,
    });
    const plan = planFixAll(ws);
    assert.equal(plan.fixed.length, 3);
    const pinned = plan.edits.filter((e) => e.path !== 'public.xml').map((e) => e.newText.trim());
    assert.deepEqual(pinned.sort(), ['nodePort: 30000', 'nodePort: 30001', 'nodePort: 30002']);
    // each pin comes with the port it needs in the zone (pinning alone would leave the port closed)
    const zoneEdits = plan.edits.filter((e) => e.path === 'public.xml');
    assert.equal(zoneEdits.length, 1, 'one insertion into the zone');
    assert.equal(zoneEdits[0].newText, '  <port port="30000" protocol="tcp"/>\n  <port port="30001" protocol="tcp"/>\n  <port port="30002" protocol="tcp"/>\n');
    applyTo(ws, plan.edits);
    assert.deepEqual(codesOf(ws), []);
    assert.equal(planFixAll(ws).edits.length, 0);
  });

  test('the kube-proxy health check port that several Services need is added once', () => {
    const lb = (name: string, np: number) => svc(name, `  type: LoadBalancer\n  ports:\n    - port: 443\n      nodePort: ${np}\n`);
    const ws = workspace({ 'a.yaml': lb('a', 30443), 'b.yaml': lb('b', 30444), 'public.xml': ZONE.replace('  <service name="ssh"/>\n', '  <port port="30443-30444" protocol="tcp"/>\n') });
    assert.deepEqual(codesOf(ws), ['firewalld-port-closed', 'firewalld-port-closed']);
    const plan = planFixAll(ws);
    assert.equal(plan.fixed.length, 2);
    assert.equal(plan.edits.length, 1);
    assert.equal(plan.edits[0].newText, '  <port port="10256" protocol="tcp"/>\n');
  });

  test('a shared node port: when every user is in scope, the first keeps it; fixAllInFile of one file moves its own', () => {
    const a = svc('grafana', '  type: NodePort\n  ports:\n    - port: 3000\n      nodePort: 30500\n', 'team-a');
    const b = svc('kibana', '  type: NodePort\n  ports:\n    - port: 5601\n      nodePort: 30500\n', 'team-b');
    const ws = workspace({ 'team-a/svc.yaml': a, 'team-b/svc.yaml': b });
    const plan = planFixAll(ws);
    assert.deepEqual(plan.edits.map((e) => [e.path, e.newText]), [['team-b/svc.yaml', '30000']]);
    const onlyA = fixAllInFile(ws, 'team-a/svc.yaml')!;
    assert.deepEqual([...applied(ws, onlyA.edits)], [['team-a/svc.yaml', a.replace('30500', '30000')]]);
    assert.equal(ws.getText('team-a/svc.yaml'), a, 'the workspace is as it was');

    const same = svc('kibana', '  type: NodePort\n  ports:\n    - port: 514\n      protocol: UDP\n      nodePort: 30514\n', 'b') + '---\n' + svc('rsyslog', '  type: NodePort\n  ports:\n    - port: 514\n      nodePort: 30514\n', 'b');
    const ws2 = workspace({ 'svc.yaml': same });
    const all = fixAllInFile(ws2, 'svc.yaml')!;
    assert.equal(all.edits.length, 1);
    assert.ok(all.edits[0].span.start > same.indexOf('---'), 'the later Service moves');
    applyTo(ws2, all.edits);
    assert.deepEqual(codesOf(ws2), []);
  });

  test('a reachability fix waits while the port it is about gets a new number', () => {
    const a = svc('a', '  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n');
    const b = svc('b', '  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n');
    const ws = workspace({ 'a.yaml': a, 'b.yaml': b, 'public.xml': ZONE });
    const plan = planFixAll(ws);
    const zone = plan.edits.filter((e) => e.path === 'public.xml');
    assert.equal(zone.length, 1);
    assert.equal(zone[0].newText, '  <port port="30080" protocol="tcp"/>\n', 'b moves to 30000; only a\'s 30080 is opened now');
  });

  test('the CLI\'s passes: an unpinned port is pinned and opened in every layer in one pass, nothing fixable left', () => {
    const ws = workspace({
      'svc.yaml': svc('echo', '  type: NodePort\n  ports:\n    - port: 8080\n'),
      'seclist.json': JSON.stringify({ data: { 'display-name': 'workers', 'ingress-security-rules': [] } }, null, 2),
      'public.xml': ZONE,
    });
    const r = fixAndKeep(ws);
    assert.equal(r.passes, 1);
    assert.equal(r.stuck, 0);
    assert.deepEqual(codesOf(ws), []);
    assert.deepEqual([...r.originals.keys()].sort(), ['public.xml', 'seclist.json', 'svc.yaml']);
  });

  test('a rich rule that drops the port (a deny the user wrote): the CLI\'s passes leave it and the finding, which names it', () => {
    const deny = ZONE.replace('  <service name="ssh"/>\n', '  <rule family="ipv4"><port port="30080" protocol="tcp"/><drop/></rule>\n');
    const ws = workspace({ 'svc.yaml': svc('web', '  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n'), 'public.xml': deny });
    const r = fixAndKeep(ws);
    assert.equal(r.passes, 0);
    assert.equal(ws.getText('public.xml'), deny, 'nothing removed, nothing added');
    assert.equal(planFixAll(ws).edits.length, 0);
    const f = only(ws.analyze().findings, 'finding');
    assert.equal(f.code, 'firewalld-port-closed');
    assert.match(f.message, /blocked by rich rule \(port 30080\/tcp, drop\) in firewalld zone "public"/);
  });

  test('a misspelt nodePort is renamed, not pinned a second time: the user\'s number is kept', () => {
    const open = ZONE.replace('  <service name="ssh"/>\n', '  <port port="30080" protocol="tcp"/>\n');
    const ws = workspace({ 'svc.yaml': svc('web', '  type: NodePort\n  ports:\n    - name: http\n      port: 80\n      nodeport: 30080\n'), 'public.xml': open });
    assert.deepEqual(codesOf(ws), ['nodeport-unpinned', 'unknown-field']);
    const r = fixAndKeep(ws);
    assert.equal(r.stuck, 0);
    assert.equal(ws.getText('svc.yaml'), svc('web', '  type: NodePort\n  ports:\n    - name: http\n      port: 80\n      nodePort: 30080\n'));
    assert.equal(ws.getText('public.xml'), open, 'the zone already opens 30080');
    assert.deepEqual(codesOf(ws), []);
  });

  test('fix-all edits apply in one go to every file they touch', () => {
    const ws = workspace({
      'svc.yaml': svc('web', '  type: NodePort\n  ports:\n    - port: 80\n      protocol: tcp\n    - port: 443\n'),
      'public.xml': ZONE,
    });
    for (let pass = 0; pass < 4; pass++) {
      const plan = planFixAll(ws);
      if (plan.edits.length === 0) break;
      for (const p of new Set(plan.edits.map((e) => e.path))) ws.setFile(p, applyEdits(ws.getText(p)!, plan.edits.filter((e) => e.path === p)));
    }
    assert.deepEqual(codesOf(ws), []);
  });
});
