import * as assert from 'node:assert/strict';
import { cursor, ready, workspace } from '../../support/workspace';
import { completionsAt, snippetToPlain, type CompletionItem } from '../../../server/src/engine/features';
import { DEPLOYMENT, OTHER_NS_DEPLOYMENT } from './fixtures';

/** Completions at the `|` of `doc` (file s.yaml), with other files beside it. */
function complete(doc: string, others: Record<string, string> = {}, opts: { afterSpace?: boolean } = {}): { items: CompletionItem[]; text: string; offset: number } {
  const { text, offset } = cursor(doc);
  const ws = workspace({ ...others, 's.yaml': text });
  return { items: completionsAt(ws, 's.yaml', offset, opts), text, offset };
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const sorted = (items: CompletionItem[]) => [...items].sort((a, b) => (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : 0));
const byLabel = (items: CompletionItem[], label: string) => {
  const i = items.find((x) => x.label === label);
  assert.ok(i, `no item ${label} in ${labels(items).join(', ')}`);
  return i;
};
/** The text after applying an item (plain form of a snippet). */
const apply = (r: { text: string }, item: CompletionItem) =>
  r.text.slice(0, item.replace.start) + (item.snippet ? snippetToPlain(item.insertText) : item.insertText) + r.text.slice(item.replace.end);

const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n';

suite('Completion', () => {
  suiteSetup(ready);

  test('`type: |` offers the four types, each with the chain it implies', () => {
    const r = complete(`${SVC}spec:\n  type: |\n  ports:\n    - port: 80\n`);
    assert.deepEqual(labels(r.items), ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
    assert.equal(byLabel(r.items, 'LoadBalancer').detail, 'LoadBalancer :port → nodes :nodePort → ClusterIP :port → pods :targetPort');
    assert.equal(byLabel(r.items, 'NodePort').detail, 'nodes :nodePort → ClusterIP :port → pods :targetPort');
    assert.match(byLabel(r.items, 'LoadBalancer').documentation!, /health-check port/);
    assert.match(apply(r, byLabel(r.items, 'NodePort')), /\n {2}type: NodePort\n {2}ports:/);
    // beside the label, so that next to a schema's bare enum values (yaml-language-server's) ours are a different row
    assert.deepEqual(r.items.map((i) => i.labelDescription), ['→ pods', '→ ClusterIP → pods', '→ nodes → ClusterIP → pods', '→ DNS']);
  });

  test('a half-typed value is replaced whole; a quoted one inside its quotes; `type:|` gets a space', () => {
    let r = complete(`${SVC}spec:\n  type: Lo|ad\n`);
    assert.equal(r.text.slice(byLabel(r.items, 'LoadBalancer').replace.start, byLabel(r.items, 'LoadBalancer').replace.end), 'Load');
    assert.match(apply(r, byLabel(r.items, 'LoadBalancer')), /type: LoadBalancer\n$/);
    r = complete(`${SVC}spec:\n  type: "No|"\n`);
    assert.match(apply(r, byLabel(r.items, 'NodePort')), /type: "NodePort"\n$/);
    r = complete(`${SVC}spec:\n  type:|\n`);
    assert.match(apply(r, byLabel(r.items, 'ClusterIP')), /type: ClusterIP\n$/);
  });

  test('fields at every level, half-typed, with documentation; fields already there are left out', () => {
    let r = complete(`${SVC}spec:\n  selector:\n    app: web\n  ty|\n`);
    const spec = labels(r.items);
    assert.ok(spec.includes('type') && spec.includes('ports') && spec.includes('externalTrafficPolicy'));
    assert.ok(!spec.includes('selector'), 'selector is already there');
    assert.equal([...r.items].sort((a, b) => (a.sortText < b.sortText ? -1 : 1))[0].label, 'type');
    assert.match(byLabel(r.items, 'type').documentation!, /^\*\*type\*\* `string`/);
    assert.match(apply(r, byLabel(r.items, 'type')), /\n {2}type: ClusterIP\n$/);
    assert.equal(byLabel(r.items, 'loadBalancerIP').deprecated, true);

    r = complete(`apiVersion: v1\nkind: Service\n|`);
    assert.deepEqual(labels(r.items).sort(), ['metadata', 'spec'], 'no status, nothing already written');
    assert.equal(apply(r, byLabel(r.items, 'spec')), 'apiVersion: v1\nkind: Service\nspec:\n  ');

    r = complete(`apiVersion: v1\nkind: Service\nmetadata:\n  |\n`);
    const meta = labels(r.items);
    assert.ok(meta.includes('name') && meta.includes('annotations'));
    assert.ok(!meta.includes('uid') && !meta.includes('creationTimestamp') && !meta.includes('managedFields'), 'read-only fields are not offered');
  });

  test('an empty list item and a new key in a port: ServicePort fields', () => {
    let r = complete(`${SVC}spec:\n  ports:\n    - |\n`);
    assert.deepEqual(labels(r.items).sort(), ['appProtocol', 'name', 'nodePort', 'port', 'protocol', 'targetPort']);
    r = complete(`${SVC}spec:\n  ports:\n    - port: 443\n      |\n  type: NodePort\n`);
    assert.deepEqual(labels(r.items).sort(), ['appProtocol', 'name', 'nodePort', 'protocol', 'targetPort']);
    r = complete(`${SVC}spec:\n  ports:\n    - name: a\n      port: 1\n    - na|\n`);
    assert.ok(labels(r.items).includes('name'));
    r = complete(`${SVC}spec:\n  ports:\n    - |\n`, {}, { afterSpace: true });
    assert.ok(labels(r.items).includes('port'), 'a space after `-` offers the item\'s fields');
    r = complete(`${SVC}spec:\n  |\n`, {}, { afterSpace: true });
    assert.deepEqual(labels(r.items), [], 'indenting with spaces does not pop up every field');
  });

  test('a key being renamed in front of its colon: only the name is inserted', () => {
    const r = complete(`${SVC}spec:\n  ty|pe: NodePort\n`);
    const item = byLabel(r.items, 'type');
    assert.equal(item.insertText, 'type');
    assert.equal(apply(r, byLabel(r.items, 'sessionAffinity')), `${SVC}spec:\n  sessionAffinity: NodePort\n`);
  });

  test('enum values: protocol, sessionAffinity, externalTrafficPolicy, internalTrafficPolicy, ipFamilyPolicy, trafficDistribution', () => {
    const values = (field: string, where: 'spec' | 'port' = 'spec') => labels(complete(where === 'spec'
      ? `${SVC}spec:\n  type: LoadBalancer\n  ${field}: |\n`
      : `${SVC}spec:\n  ports:\n    - port: 80\n      ${field}: |\n`).items);
    assert.deepEqual(values('protocol', 'port'), ['TCP', 'UDP', 'SCTP']);
    assert.deepEqual(values('sessionAffinity'), ['None', 'ClientIP']);
    assert.deepEqual(values('externalTrafficPolicy'), ['Cluster', 'Local']);
    assert.deepEqual(values('internalTrafficPolicy'), ['Cluster', 'Local']);
    assert.deepEqual(values('ipFamilyPolicy'), ['SingleStack', 'PreferDualStack', 'RequireDualStack']);
    assert.deepEqual(values('trafficDistribution'), ['PreferClose']);
    assert.deepEqual(values('allocateLoadBalancerNodePorts'), ['true', 'false']);
    assert.deepEqual(labels(complete(`${SVC}spec:\n  ipFamilies:\n    - |\n`).items), ['IPv4', 'IPv6']);
    const etp = complete(`${SVC}spec:\n  externalTrafficPolicy: |\n`).items;
    assert.match(byLabel(etp, 'Local').documentation!, /source address is kept/);
  });

  test('free nodePort numbers: none that any Service of the workspace uses (nodePort or healthCheckNodePort)', () => {
    const other = `apiVersion: v1\nkind: Service\nmetadata:\n  name: other\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 30001\n  ports:\n    - port: 1\n      nodePort: 30000\n    - port: 2\n      nodePort: 30443\n      name: b\n`;
    const r = complete(`${SVC}spec:\n  type: NodePort\n  ports:\n    - port: 443\n      nodePort: |\n`, { 'other.yaml': other });
    const ports = labels(r.items).map(Number);
    assert.ok(ports.length >= 5);
    for (const used of [30000, 30001, 30443]) assert.ok(!ports.includes(used), `${used} is used`);
    assert.deepEqual(ports.slice(0, 3), [30002, 30003, 30004], 'port 443 would suggest 30443, which is taken');
    assert.equal(r.items[0].preselect, true);
    const mine = complete(`${SVC}spec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080|\n`);
    assert.equal(mine.items[0].label, '30080', 'its own number is free for itself; port 80 suggests 30080');
    const custom = complete(`${SVC}spec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: |\n`, { '.service-reach.yaml': 'nodePortRange: 31000-31005\n' });
    assert.deepEqual(labels(custom.items), ['31000', '31001', '31002', '31003', '31004', '31005']);
    assert.ok(labels(complete(`${SVC}spec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: |\n`, { 'other.yaml': other }).items).every((l) => l !== '30001'));
  });

  test('selector keys and values from the pod templates of the Service\'s namespace', () => {
    let r = complete(`${SVC}spec:\n  selector:\n    |\n`, { 'd.yaml': DEPLOYMENT, 'o.yaml': OTHER_NS_DEPLOYMENT });
    assert.deepEqual(labels(r.items).sort(), ['app', 'tier']);
    assert.equal(apply(r, byLabel(r.items, 'app')), `${SVC}spec:\n  selector:\n    app: web\n`);
    r = complete(`${SVC}spec:\n  selector:\n    app: |\n`, { 'd.yaml': DEPLOYMENT, 'o.yaml': OTHER_NS_DEPLOYMENT });
    assert.deepEqual(labels(r.items), ['web']);
    assert.equal(r.items[0].detail, 'Deployment web');
  });

  test('targetPort names (and numbers) from the containers the selector matches, same protocol', () => {
    const r = complete(`${SVC}spec:\n  selector:\n    app: web\n  ports:\n    - port: 443\n      targetPort: |\n`, { 'd.yaml': DEPLOYMENT });
    assert.deepEqual(labels(sorted(r.items)), ['https', 'metrics', '8443', '9102']);
    assert.match(byLabel(r.items, 'https').detail!, /containerPort 8443\/TCP · Deployment web, container web/);
    const udp = complete(`${SVC}spec:\n  selector:\n    app: web\n  ports:\n    - port: 53\n      protocol: UDP\n      targetPort: |\n`, { 'd.yaml': DEPLOYMENT });
    assert.deepEqual(labels(sorted(udp.items)), ['dns', '53']);
    assert.deepEqual(labels(complete(`${SVC}spec:\n  selector:\n    app: nope\n  ports:\n    - port: 1\n      targetPort: |\n`, { 'd.yaml': DEPLOYMENT }).items), []);
  });

  test('OCI annotation keys with their documentation, and their values (strings quoted where YAML would not read a string)', () => {
    let r = complete(`${SVC}  annotations:\n    oci|\nspec:\n  type: LoadBalancer\n`);
    const lbType = byLabel(r.items, 'oci.oraclecloud.com/load-balancer-type');
    assert.match(lbType.documentation!, /`nlb`: OCI Network Load Balancer/);
    assert.equal(apply(r, lbType), `${SVC}  annotations:\n    oci.oraclecloud.com/load-balancer-type: lb\nspec:\n  type: LoadBalancer\n`);
    const preserve = byLabel(r.items, 'oci-network-load-balancer.oraclecloud.com/is-preserve-source');
    assert.match(apply(r, preserve), /is-preserve-source: "true"\n/);
    r = complete(`${SVC}  annotations:\n    oci.oraclecloud.com/security-rule-management-mode: |\n`);
    assert.deepEqual(labels(r.items), ['SL-All', 'SL-Frontend', 'NSG', 'None']);
    assert.match(byLabel(r.items, 'NSG').documentation!, /network security groups/i);
    r = complete(`${SVC}  annotations:\n    service.beta.kubernetes.io/oci-load-balancer-internal: |\n`);
    assert.equal(byLabel(r.items, 'true').insertText, '"true"');
    r = complete(`${SVC}  annotations:\n    service.beta.kubernetes.io/oci-load-balancer-internal: "t|"\n`);
    assert.equal(byLabel(r.items, 'true').insertText, 'true');
  });

  test('snippets for a new Service of each type, in an empty document only', () => {
    let r = complete('|', { 'd.yaml': DEPLOYMENT });
    assert.deepEqual(labels(r.items), ['Service (ClusterIP)', 'Service (NodePort)', 'Service (LoadBalancer)', 'Service (ExternalName)']);
    const np = apply(r, byLabel(r.items, 'Service (NodePort)'));
    const ws = workspace({ 'd.yaml': DEPLOYMENT, 's.yaml': np });
    const a = ws.analyze();
    assert.deepEqual(a.findings.filter((f) => f.path === 's.yaml').map((f) => f.code), [], np);
    assert.equal(a.services[0].service.type, 'NodePort');
    assert.equal(a.services[0].service.ports[0].nodePort, 30080);
    assert.match(np, /selector:\n {4}app: web\n/);
    r = complete('apiVersion: v1\nkind: ConfigMap\n---\nse|');
    assert.ok(labels(r.items).includes('Service (LoadBalancer)'), 'after ---, in a new document');
    assert.deepEqual(labels(complete('name: x\n|').items), [], 'not in a YAML file that is something else');
    assert.deepEqual(labels(complete('|', {}, { afterSpace: true }).items), []);
  });

  test('help from the first keystroke: the snippets match what was typed, then apiVersion, kind: Service, v1', () => {
    // a client filters items by filterText: the snippets must match `ap`, `ki`, `se` as typed in a new file
    for (const typed of ['ap', 'ki', 'Se']) {
      const r = complete(`${typed}|`);
      assert.equal(r.items.length, 4, typed);
      for (const i of r.items) assert.ok(i.filterText!.toLowerCase().split(' ').some((w) => w.startsWith(typed.toLowerCase())), `${typed} ~ ${i.filterText}`);
    }
    let r = complete('apiVersion: v1\nki|');
    assert.deepEqual(labels(r.items), ['kind']);
    assert.equal(apply(r, r.items[0]), 'apiVersion: v1\nkind: Service');
    r = complete('kind: Se|');
    assert.deepEqual(labels(r.items), ['Service']);
    assert.equal(apply(r, r.items[0]), 'kind: Service');
    r = complete('apiVersion: v1\nkind:|');
    assert.equal(apply(r, byLabel(r.items, 'Service')), 'apiVersion: v1\nkind: Service');
    r = complete('apiVersion: |\n');
    assert.equal(apply(r, byLabel(r.items, 'v1')), 'apiVersion: v1\n');
    // never in YAML that is something else, nor for another API group's kinds
    assert.deepEqual(labels(complete('name: x\nki|').items), []);
    assert.deepEqual(labels(complete('steps:\n  - run: x\nkind: Se|').items), []);
    assert.deepEqual(labels(complete('apiVersion: apps/v1\nkind: |').items), []);
  });

  test('nothing outside Service documents, in comments, or in block scalars', () => {
    assert.deepEqual(complete(`${DEPLOYMENT}  |\n`).items, []);
    assert.deepEqual(complete(`${SVC}spec:\n  # ty|\n`).items, []);
    assert.deepEqual(complete(`${SVC}  annotations:\n    note: |\n      some te|xt\n`).items, []);
    assert.deepEqual(complete(`apiVersion: apps/v1\nkind: Service\nspec:\n  |\n`).items, [], 'not the core/v1 Service');
  });

  test('multi-document files, kind: List items and CRLF line ends', () => {
    let r = complete(`${DEPLOYMENT}---\n${SVC}spec:\n  type: |\n`);
    assert.equal(r.items.length, 4);
    r = complete(`apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    spec:\n      ports:\n        - |\n`);
    assert.ok(labels(r.items).includes('targetPort'));
    r = complete(`${SVC}spec:\n  ty|\n`.replace(/\n/g, '\r\n'));
    assert.match(apply(r, byLabel(r.items, 'type')), /\r\n {2}type: ClusterIP\r\n$/);
  });

  test('never throws, anywhere in half-typed documents', function () {
    this.timeout(60000);
    const full = `${SVC}  annotations:\n    oci.oraclecloud.com/load-balancer-type: "nlb"\nspec:\n  type: LoadBalancer\n  selector: {app: web}\n  ports:\n    - name: https\n      port: 443\n      targetPort: https\n      nodePort: 30443\n  loadBalancerSourceRanges:\n    - 10.0.0.0/8\n# end\n`;
    for (let cut = 0; cut <= full.length; cut += 5) {
      const text = full.slice(0, cut);
      const ws = workspace({ 'd.yaml': DEPLOYMENT, 's.yaml': text });
      for (let offset = 0; offset <= text.length; offset++) completionsAt(ws, 's.yaml', offset);
    }
  });

  test('snippetToPlain: placeholders become their defaults', () => {
    assert.equal(snippetToPlain('type: ${1|ClusterIP,NodePort|}'), 'type: ClusterIP');
    assert.equal(snippetToPlain('name: ${1:web}\n  $0'), 'name: web\n  ');
    assert.equal(snippetToPlain('a \\$1 ${2:x${3:y}} $4'), 'a $1 xy ');
  });
});
