import * as assert from 'node:assert/strict';
import type { Analysis } from '../../../server/src/engine';
import { diagramsOf, findingKey, type DiagramEdge, type DiagramModel } from '../../../server/src/engine/features/diagram';
import { analyse, ready } from '../../support/workspace';

const ZONE_SSH_ONLY = '<?xml version="1.0"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';
const WORKERS_SSH_ONLY = JSON.stringify({ data: { 'display-name': 'workers', 'ingress-security-rules': [
  { protocol: '6', source: '10.0.0.0/8', 'source-type': 'CIDR_BLOCK', 'tcp-options': { 'destination-port-range': { min: 22, max: 22 } } },
] } });
/** port 0 pinned to 30080, port 1 unpinned; both closed by the zone and by the worker list */
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  ports:\n    - name: a\n      port: 80\n      nodePort: 30080\n    - name: b\n      port: 81\n';

function closedTwice(): Analysis {
  return analyse({ '.service-reach.yaml': 'provider: oci\n', 'zones/public.xml': ZONE_SSH_ONLY, 'workers.json': WORKERS_SSH_ONLY, 's.yaml': SERVICE });
}

function hop(m: DiagramModel, index: number): DiagramEdge {
  const e = m.edges.find((x) => x.hop === 'clients-to-nodes' && x.servicePortIndex === index);
  assert.ok(e, `no clients-to-nodes hop for port ${index}`);
  return e;
}

function guardFindings(e: DiagramEdge): Record<string, string[]> {
  return Object.fromEntries(e.guards.map((g) => [g.layer, g.findings.map((k) => k.split('|')[2])]));
}

suite('exposure diagram: guards show the findings the check made', () => {
  suiteSetup(ready);

  test('two layers closed at one node port: each guard shows its own finding, not the other layer\'s', () => {
    const [m] = diagramsOf(closedTwice());
    const e = hop(m, 0);
    assert.equal(e.status, 'blocked');
    assert.deepEqual(guardFindings(e), { firewalld: ['firewalld-port-closed'], 'worker-lists': ['security-list-port-closed'] });
    assert.deepEqual(e.codes, ['firewalld-port-closed', 'security-list-port-closed']);
  });

  test('an unpinned node port closed by two layers: the one nodeport-unpinned finding on both guards', () => {
    const [m] = diagramsOf(closedTwice());
    const e = hop(m, 1);
    assert.equal(e.port, null);
    assert.deepEqual(guardFindings(e), { firewalld: ['nodeport-unpinned'], 'worker-lists': ['nodeport-unpinned'] });
    assert.deepEqual(e.findings, [e.guards[0].findings[0]], 'the hop names the finding once');
  });

  test('the diagram takes the code the check gave, whatever it is (it does not work the code out again)', () => {
    const analysis = closedTwice();
    // as if the check had filed the closed zone port under another code: the diagram must follow the finding
    const renamed: Analysis = {
      ...analysis,
      findings: analysis.findings.map((f) => (f.code === 'firewalld-port-closed' ? { ...f, code: 'lb-listener-closed' as const } : f)),
    };
    const [m] = diagramsOf(renamed);
    const e = hop(m, 0);
    const fw = e.guards.find((g) => g.layer === 'firewalld')!;
    assert.equal(fw.status, 'blocked');
    const moved = renamed.findings.find((f) => f.code === 'lb-listener-closed')!;
    assert.deepEqual(fw.findings, [findingKey(moved)]);
  });
});
