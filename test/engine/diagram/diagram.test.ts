import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initEngine, type Analysis } from '../../../server/src/engine';
import { readHclGrammar } from '../../../server/src/host/hcl-grammar';
import {
  diagramOf, diagramsOf, findingKey, type DiagramEdge, type DiagramModel, type HopStatus,
} from '../../../server/src/engine/features/diagram';
import { analyse, ready } from '../../support/workspace';
import { REPO, corpusCases, loadCase } from './corpus';

const SNAPSHOTS = path.join(REPO, 'test/engine/diagram/__snapshots__');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

const REACHABILITY = new Set(['firewalld-port-closed', 'security-list-port-closed', 'lb-listener-closed', 'nodeport-unpinned']);

function modelsOf(analysis: Analysis): Record<string, DiagramModel> {
  const out: Record<string, DiagramModel> = {};
  for (const m of diagramsOf(analysis)) out[m.service.objectId] = m;
  return out;
}

function byName(analysis: Analysis, name: string): DiagramModel {
  const sa = analysis.services.find((s) => s.service.name === name);
  assert.ok(sa, `no Service ${name}`);
  return diagramOf(analysis, sa);
}

function edge(m: DiagramModel, hop: string, index: number | null = 0): DiagramEdge {
  const e = m.edges.find((x) => x.hop === hop && x.servicePortIndex === index);
  assert.ok(e, `no ${hop} hop for port ${index} in ${m.title}: ${m.edges.map((x) => x.id).join(', ')}`);
  return e;
}

/** A case's snapshot: `__snapshots__/<family>/<case>.json`. */
function snapshotFile(name: string): string {
  return path.join(SNAPSHOTS, ...name.split('/')) + '.json';
}

/** Every snapshot file, as the case name it belongs to. */
function snapshotNames(dir = SNAPSHOTS, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory()
    ? snapshotNames(path.join(dir, d.name), `${prefix}${d.name}/`)
    : d.name.endsWith('.json') ? [`${prefix}${d.name.slice(0, -5)}`] : []));
}

suite('exposure diagram: conformance-case snapshots', () => {
  suiteSetup(async () => {
    await initEngine({ hcl: readHclGrammar() });
  });

  const cases = corpusCases();

  test('the conformance cases are there (test/conformance)', () => {
    assert.ok(cases.length > 0);
  });

  for (const name of cases) {
    test(`${name} matches __snapshots__/${name}.json`, () => {
      const { analysis } = loadCase(name);
      const actual = JSON.parse(JSON.stringify(modelsOf(analysis)));
      const file = snapshotFile(name);
      if (UPDATE) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(actual, null, 2) + '\n');
        return;
      }
      assert.ok(fs.existsSync(file), `no snapshot ${file}: run the tests with UPDATE_SNAPSHOTS=1 and review the new file`);
      const expected = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.deepStrictEqual(actual, expected, `diagram of ${name} changed: if intended, run with UPDATE_SNAPSHOTS=1 and review the diff`);
    });
  }

  test('every snapshot belongs to a conformance case', () => {
    assert.deepEqual(snapshotNames().filter((n) => !cases.includes(n)), []);
  });

  test('models are plain data and agree with the findings of the check', () => {
    for (const name of cases) {
      const { analysis } = loadCase(name);
      const keys = new Set(analysis.findings.map(findingKey));
      for (const m of diagramsOf(analysis)) {
        const where = `${name} ${m.title}`;
        assert.deepStrictEqual(JSON.parse(JSON.stringify(m)), m, `${where}: not plain JSON data`);
        const ids = new Set(m.nodes.map((n) => n.id));
        const own = new Set(m.findings.map((f) => f.key));
        for (const f of m.findings) assert.ok(keys.has(f.key), `${where}: ${f.key} is not a finding of the analysis`);
        for (const e of m.edges) {
          assert.ok(ids.has(e.from) && ids.has(e.to), `${where}: hop ${e.id} joins unknown boxes`);
          for (const k of [...e.findings, ...e.guards.flatMap((g) => g.findings)]) assert.ok(own.has(k), `${where}: hop ${e.id} names ${k}`);
          for (const g of e.guards) {
            if (g.status === 'blocked') assert.ok(g.findings.length > 0, `${where}: blocked guard ${g.layer} on ${e.id} has no finding`);
            else assert.deepEqual(g.findings, [], `${where}: ${g.status} guard ${g.layer} on ${e.id} has findings`);
          }
          assert.equal(e.status === 'blocked', e.guards.some((g) => g.status === 'blocked') || (e.guards.length === 0 && e.status === 'blocked'));
        }
        for (const n of m.nodes) for (const k of n.findings) assert.ok(own.has(k), `${where}: box ${n.id} names ${k}`);
        assert.equal(new Set(m.edges.map((e) => e.id)).size, m.edges.length, `${where}: hop ids repeat`);
        // every reachability finding of the Service is drawn on a blocked hop
        for (const f of m.findings.filter((x) => REACHABILITY.has(x.code))) {
          const on = m.edges.filter((e) => e.guards.some((g) => g.findings.includes(f.key)));
          assert.ok(on.length > 0 && on.every((e) => e.status === 'blocked'), `${where}: ${f.key} is not on a blocked hop`);
        }
      }
    }
  });
});

suite('exposure diagram: conformance cases', () => {
  suiteSetup(async () => {
    await initEngine({ hcl: readHclGrammar() });
  });

  test('firewalld-zone: the UDP node port is blocked by the zone, with its finding; the TCP one on the same number is allowed', () => {
    const m = byName(loadCase('reachability/firewalld-zone').analysis, 'gateway');
    assert.deepEqual(m.nodes.map((n) => n.kind), ['clients', 'nodes', 'cluster-ip', 'pods']);
    const tcp = edge(m, 'clients-to-nodes', 0);
    assert.deepEqual([tcp.status, tcp.port, tcp.protocol, tcp.findings], ['allowed', 31043, 'TCP', []]);
    const e = edge(m, 'clients-to-nodes', 1);
    assert.equal(e.status, 'blocked');
    assert.deepEqual([e.port, e.protocol], [31043, 'UDP']);
    assert.deepEqual(e.codes, ['firewalld-port-closed']);
    const [g] = e.guards;
    assert.equal(g.layer, 'firewalld');
    assert.deepEqual(g.sources.map((s) => [s.label, s.path]), [['firewalld zone "public"', 'hosts/zones/public.xml']]);
    assert.deepEqual(g.blockedFrom, ['any source']);
    const f = m.findings.find((x) => x.key === g.findings[0])!;
    assert.equal(f.code, 'firewalld-port-closed');
    assert.equal(f.fixable, true);
    assert.equal(edge(m, 'nodes-to-cluster-ip', 1).status, 'not-applicable');
    assert.equal(edge(m, 'cluster-ip-to-pods', 1).status, 'not-applicable');
    assert.match(m.nodes.find((n) => n.kind === 'pods')!.lines.join('\n'), /Deployment depot\/gateway \(k8s\/gateway\.yaml\)/);
  });

  test('firewalld-zone: a port the zone rejects with a rich rule is blocked inside an open range', () => {
    const m = byName(loadCase('reachability/firewalld-zone').analysis, 'tracking');
    assert.deepEqual([0, 1, 2].map((i) => [edge(m, 'clients-to-nodes', i).port, edge(m, 'clients-to-nodes', i).status]),
      [[31099, 'allowed'], [31100, 'blocked'], [31050, 'blocked']]);
  });

  test('oci-mode-all: the cloud controller manages the lists; firewalld still blocks, the health check too', () => {
    const m = byName(loadCase('reachability/oci-mode-all').analysis, 'checkout');
    assert.equal(edge(m, 'clients-to-lb').status, 'managed-by-cloud-controller');
    const toNodes = edge(m, 'lb-to-nodes');
    assert.deepEqual(toNodes.guards.map((g) => [g.layer, g.status]), [['firewalld', 'blocked'], ['worker-lists', 'managed-by-cloud-controller']]);
    assert.equal(toNodes.status, 'blocked');
    const health = edge(m, 'lb-health-check', null);
    assert.equal(health.port, 10256);
    assert.equal(health.status, 'blocked');
    const lb = m.nodes.find((n) => n.kind === 'load-balancer')!;
    assert.deepEqual([lb.facts.kind === 'load-balancer' && lb.facts.mode, lb.facts.kind === 'load-balancer' && lb.facts.flavour], ['All', 'lb']);
  });

  test('nlb-preserve-source: the preserved-source hop goes from the clients to the nodes', () => {
    const { analysis } = loadCase('reachability/nlb-preserve-source');
    const m = byName(analysis, 'live-relay');
    const preserved = edge(m, 'clients-to-nodes-preserved');
    assert.deepEqual([preserved.from, preserved.to, preserved.status], ['clients', 'nodes', 'blocked']);
    assert.deepEqual(preserved.guards.find((g) => g.layer === 'worker-lists')!.blockedFrom, ['0.0.0.0/0']);
    assert.equal(edge(m, 'lb-to-nodes').status, 'allowed');
    assert.equal(edge(m, 'lb-health-check', null).port, 31610);
    assert.equal(edge(m, 'lb-health-check', null).status, 'blocked');
    assert.equal(edge(m, 'clients-to-lb').status, 'unknown', 'mode None, but no load-balancer lists configured');
    const kept = byName(analysis, 'archive-relay');
    assert.deepEqual(kept.edges.filter((e) => e.hop === 'clients-to-nodes-preserved'), [], 'is-preserve-source "false": no preserved hop');
    assert.deepEqual(kept.edges.filter((e) => e.status === 'blocked').map((e) => e.id), []);
  });

  test('unpinned: an unpinned UDP node port is blocked with nodeport-unpinned; the TCP one is allowed', () => {
    const { analysis } = loadCase('reachability/unpinned');
    const e = edge(byName(analysis, 'scanner'), 'clients-to-nodes');
    assert.deepEqual([e.port, e.protocol, e.status], [null, 'UDP', 'blocked']);
    assert.deepEqual(e.codes, ['nodeport-unpinned']);
    assert.equal(edge(byName(analysis, 'printer'), 'clients-to-nodes').status, 'allowed');
  });

  test('selectors: a selector that matches nothing, and an undeclared targetPort name, block the hop to the pods', () => {
    const { analysis } = loadCase('authoring/selectors');
    const sampler = analysis.services.find((s) => s.service.name === 'sampler' && s.service.namespace === 'clinic')!;
    const none = diagramOf(analysis, sampler);
    assert.equal(edge(none, 'cluster-ip-to-pods').status, 'blocked');
    assert.deepEqual(none.nodes.find((n) => n.kind === 'pods')!.codes, ['selector-matches-nothing']);
    const api = byName(analysis, 'appointments');
    assert.equal(edge(api, 'cluster-ip-to-pods', 1).status, 'blocked');
    assert.deepEqual(edge(api, 'cluster-ip-to-pods', 1).codes, ['target-port-name-unknown']);
    assert.equal(edge(api, 'cluster-ip-to-pods', 0).status, 'not-applicable');
    assert.match(edge(api, 'cluster-ip-to-pods', 0).label, /targetPort http \(8080\)/);
  });

  test('clean: nothing is blocked', () => {
    const { analysis } = loadCase('reachability/clean');
    for (const m of diagramsOf(analysis)) {
      assert.deepEqual(m.edges.filter((e) => e.status === 'blocked').map((e) => e.id), [], m.title);
    }
    const shop = byName(analysis, 'catalogue');
    const statuses = new Set<HopStatus>(shop.edges.map((e) => e.status));
    assert.deepEqual([...statuses].sort(), ['allowed', 'not-applicable']);
  });

  test('nodeport-conflict: a node port in conflict is on its hop', () => {
    const m = byName(loadCase('api/nodeport-conflict').analysis, 'collector');
    assert.deepEqual(edge(m, 'clients-to-nodes', 0).codes, ['nodeport-conflict']);
    assert.equal(edge(m, 'clients-to-nodes', 0).status, 'unknown', 'no rule source in the case');
    assert.deepEqual(edge(m, 'clients-to-nodes', 1).codes, []);
  });
});

suite('exposure diagram: Service shapes', () => {
  suiteSetup(ready);

  test('ExternalName: a DNS hop to the external name', () => {
    const m = diagramsOf(analyse({ 's.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: db.example.com\n' }))[0];
    assert.deepEqual(m.nodes.map((n) => n.kind), ['clients', 'external-name']);
    assert.deepEqual(m.nodes[1].lines, ['DNS CNAME → db.example.com']);
    assert.equal(m.edges[0].status, 'not-applicable');
  });

  test('headless ClusterIP: clients reach the pods directly', () => {
    const m = diagramsOf(analyse({ 's.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: h}\nspec:\n  clusterIP: None\n  selector: {app: h}\n  ports: [{port: 5432}]\n' }))[0];
    assert.deepEqual(m.nodes.map((n) => n.kind), ['clients', 'pods']);
    assert.deepEqual(m.edges.map((e) => [e.hop, e.status]), [['clients-to-pods', 'not-applicable']]);
  });

  test('an invalid type: the in-cluster path, with a note', () => {
    const m = diagramsOf(analyse({ 's.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: t}\nspec:\n  type: NodePorts\n  ports: [{port: 80}]\n' }))[0];
    assert.equal(m.service.type, null);
    assert.deepEqual(m.nodes.map((n) => n.kind), ['clients', 'cluster-ip', 'pods']);
    assert.equal(m.notes.length, 1);
    assert.deepEqual(m.findings.map((f) => f.code), ['invalid-service-type']);
  });

  test('no rule source at all: hops into the nodes are unknown, and list layers are left out outside OCI', () => {
    const m = diagramsOf(analyse({ 's.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: n}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n' }))[0];
    const e = edge(m, 'clients-to-nodes');
    assert.equal(e.status, 'unknown');
    assert.deepEqual(e.guards.map((g) => [g.layer, g.status]), [['firewalld', 'unknown']]);
    assert.equal(e.reason, 'no rule source for this hop in the workspace');
  });

  test('allocateLoadBalancerNodePorts: false without nodePort: the load balancer goes to the pods', () => {
    const m = diagramsOf(analyse({
      's.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: d}\nspec:\n  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  ports: [{port: 80}]\n',
    }))[0];
    assert.deepEqual(m.edges.filter((e) => e.from === 'load-balancer').map((e) => [e.hop, e.to]), [['lb-health-check', 'nodes'], ['lb-to-pods', 'pods']]);
    assert.equal(edge(m, 'lb-to-pods').status, 'unknown');
  });

  test('a zone that allows one of two source ranges blocks that hop for the other only', () => {
    const a = analyse({
      '.service-reach.yaml': 'provider: oci\nloadBalancers:\n  securityLists: [lb.json]\n',
      'lb.json': JSON.stringify({ data: { 'display-name': 'lb', 'ingress-security-rules': [
        { protocol: '6', source: '203.0.113.0/24', 'source-type': 'CIDR_BLOCK', 'tcp-options': { 'destination-port-range': { min: 443, max: 443 } } },
      ] } }),
      's.yaml': [
        'apiVersion: v1', 'kind: Service', 'metadata:', '  name: w', '  annotations:',
        '    service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode: None',
        'spec:', '  type: LoadBalancer', '  loadBalancerSourceRanges: [203.0.113.0/24, 198.51.100.0/24]',
        '  ports:', '    - name: https', '      port: 443', '      nodePort: 30443', '',
      ].join('\n'),
    });
    const m = diagramsOf(a)[0];
    const e = edge(m, 'clients-to-lb');
    assert.equal(e.status, 'blocked');
    assert.deepEqual(e.guards[0].blockedFrom, ['198.51.100.0/24']);
    assert.deepEqual(e.codes, ['lb-listener-closed']);
    assert.equal(e.detail, 'from 203.0.113.0/24, 198.51.100.0/24');
  });

  test('findings of other Services in the same file stay out', () => {
    const a = analyse({
      's.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePorts\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  ports: [{port: 80}]\n',
    });
    const [ma, mb] = diagramsOf(a);
    assert.ok(ma.findings.some((f) => f.code === 'invalid-service-type'));
    assert.deepEqual(mb.findings, []);
  });
});
