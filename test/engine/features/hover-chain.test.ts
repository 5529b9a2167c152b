import * as assert from 'node:assert/strict';
import { cursor, ready, workspace } from '../../support/workspace';
import { chainLines, chainsInFile, documentSymbols, hoverAt } from '../../../server/src/engine/features';
import { DEPLOYMENT, LB, ZONE_30443, ZONE_SSH } from './fixtures';

function hover(doc: string, others: Record<string, string> = {}): string | undefined {
  const { text, offset } = cursor(doc);
  return hoverAt(workspace({ ...others, 's.yaml': text }), 's.yaml', offset)?.contents;
}

function lines(files: Record<string, string>, path = 's.yaml'): string[][] {
  return chainsInFile(workspace(files).analyze(), path).map(chainLines);
}

const ZONE = 'etc/firewalld/zones/public.xml';
const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n';

suite('Inline chain', () => {
  suiteSetup(ready);

  test('LoadBalancer → nodes → ClusterIP → pods, with the pod count and the resolved target port', () => {
    assert.deepEqual(lines({ 's.yaml': LB, 'd.yaml': DEPLOYMENT, [ZONE]: ZONE_30443 }), [[
      'LoadBalancer :443 → nodes :30443/TCP → ClusterIP :443 → 3 pods :8443',
      'health check → nodes :10256/TCP',
    ]]);
  });

  test('a blocked hop is marked as sure as its finding: ⚠ for a node port firewalld closes, ⛔ for the health check', () => {
    assert.deepEqual(lines({ 's.yaml': LB, 'd.yaml': DEPLOYMENT, [ZONE]: ZONE_SSH }), [[
      'LoadBalancer :443 → nodes :30443/TCP ⚠ → ClusterIP :443 → 3 pods :8443',
      'health check → nodes :10256/TCP ⛔',
    ]]);
  });

  test('a hop the OCI cloud controller manages is not marked (mode All), one the user manages is (mode None)', () => {
    const list = JSON.stringify({ 'display-name': 'workers', 'ingress-security-rules': [{ protocol: '6', source: '0.0.0.0/0', 'tcp-options': { 'destination-port-range': { min: 22, max: 22 } } }] });
    assert.deepEqual(lines({ 's.yaml': LB, 'oci/workers.json': list }), [['LoadBalancer :443 → nodes :30443/TCP → ClusterIP :443 → pods app=web :https', 'health check → nodes :10256/TCP']]);
    const none = LB.replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode: None\n');
    assert.deepEqual(lines({ 's.yaml': none, 'oci/workers.json': list }), [[
      'LoadBalancer :443 → nodes :30443/TCP ⛔ → ClusterIP :443 → pods app=web :https',
      'health check → nodes :10256/TCP ⛔',
    ]]);
  });

  test('NodePort unpinned, several ports, ClusterIP, headless, ExternalName, no selector, a DaemonSet, no match', () => {
    assert.deepEqual(lines({ 's.yaml': `${SVC}spec:\n  type: NodePort\n  ports:\n    - name: a\n      port: 80\n    - name: b\n      port: 53\n      protocol: UDP\n      nodePort: 30053\n` }), [[
      'nodes :<30000-32767>/TCP → ClusterIP :80 → endpoints :80',
      'nodes :30053/UDP → ClusterIP :53/UDP → endpoints :53',
    ]]);
    assert.deepEqual(lines({ 's.yaml': `${SVC}spec:\n  selector: {app: web}\n  ports:\n    - port: 80\n      targetPort: 8080\n`, 'd.yaml': DEPLOYMENT }), [['ClusterIP :80 → 3 pods :8080']]);
    assert.deepEqual(lines({ 's.yaml': `${SVC}spec:\n  clusterIP: None\n  selector: {app: web}\n`, 'd.yaml': DEPLOYMENT }), [['headless → 3 pods']]);
    assert.deepEqual(lines({ 's.yaml': `${SVC}spec:\n  type: ExternalName\n  externalName: db.example.com\n` }), [['ExternalName → db.example.com']]);
    const ds = DEPLOYMENT.replace('kind: Deployment', 'kind: DaemonSet').replace('  replicas: 3\n', '');
    assert.deepEqual(lines({ 's.yaml': `${SVC}spec:\n  selector: {app: web}\n  ports:\n    - port: 80\n`, 'd.yaml': ds }), [['ClusterIP :80 → pods on every node :80']]);
    assert.deepEqual(lines({ 's.yaml': `${SVC}spec:\n  selector: {app: nope}\n  ports:\n    - port: 80\n`, 'd.yaml': DEPLOYMENT }), [['ClusterIP :80 → no pods ⚠']]);
    assert.deepEqual(lines({ 's.yaml': `${SVC}spec:\n  type: Nope\n  ports:\n    - port: 80\n` }), [['type unknown']]);
  });

  test('two Services in one file, in document order', () => {
    const two = `${SVC}spec:\n  ports:\n    - port: 1\n---\n${SVC.replace('web', 'api')}spec:\n  ports:\n    - port: 2\n`;
    assert.deepEqual(lines({ 's.yaml': two }), [['ClusterIP :1 → endpoints :1'], ['ClusterIP :2 → endpoints :2']]);
  });
});

suite('Hover', () => {
  suiteSetup(ready);

  test('on nodePort: the chain, one line per hop, each layer\'s sources with their verdict and who manages them', () => {
    const md = hover(LB.replace('nodePort: 30443', 'nodePort: 304|43'), { 'd.yaml': DEPLOYMENT, [ZONE]: ZONE_SSH })!;
    assert.match(md, /^\*\*Service shop\/web\*\* · LoadBalancer · ⛔ blocked/);
    assert.match(md, /`LoadBalancer :443 → nodes :30443\/TCP ⚠ → ClusterIP :443 → 3 pods :8443`/);
    const hops = md.split('\n').filter((l) => /^\d+\. /.test(l));
    assert.deepEqual(hops.map((l) => l.replace(/ \(`.*$/, '')), [
      '1. load balancer listener :443/TCP, from 0.0.0.0/0',
      '2. ⚠ node port 30443/TCP on every node',
      '3. cluster IP :443/TCP, inside the cluster',
      '4. 3 pods of Deployment web (app=web) on :8443 ("https")',
    ]);
    assert.match(md, /⚠ node firewall \(firewalld\), load balancer → nodes from any source: firewalld zone "public" \(`etc\/firewalld\/zones\/public.xml:2`\) does not allow it · yours to manage/);
    assert.match(md, /\(`d.yaml:1`\)/);
    assert.match(md, /\*\*nodePort\*\* `integer`/, 'the field documentation follows');
  });

  test('on nodePort, allowed: ✅ and the source that allows it', () => {
    const md = hover(LB.replace('nodePort: 30443', 'nodePort: 30443|'), { [ZONE]: ZONE_30443 })!;
    assert.match(md, /✅ node firewall \(firewalld\), load balancer → nodes from any source: firewalld zone "public" \(`[^`]+`\) allows it · yours to manage/);
    assert.doesNotMatch(md, /⛔/);
  });

  test('OCI mode All: the worker lists are the cloud controller\'s', () => {
    const list = JSON.stringify({ 'display-name': 'workers', 'ingress-security-rules': [] });
    const md = hover(LB.replace('nodePort: 30443', 'node|Port: 30443'), { 'oci/workers.json': list })!;
    assert.match(md, /☁ worker security lists \/ NSGs, load balancer → nodes from any source: security list "workers" \(`oci\/workers.json:1`\) does not allow it · managed by the OCI cloud controller \(mode All, the default\) \(the controller writes this rule\)/);
    assert.match(md, /➖ node firewall \(firewalld\), load balancer → nodes from any source: no rule source for this layer in the workspace, not checked · yours to manage/);
  });

  test('on type: every port\'s chain and the health check, and what the type means', () => {
    const md = hover(LB.replace('type: LoadBalancer', 'type: LoadBal|ancer'), { [ZONE]: ZONE_SSH })!;
    assert.match(md, /A cloud load balancer in front of node ports/);
    assert.match(md, /\*\*health check\*\*/);
    assert.match(md, /the load balancer checks kube-proxy's health port 10256\/TCP on every node/);
    assert.ok(hover(LB.replace('type: LoadBalancer', 'ty|pe: LoadBalancer'))!.includes('`LoadBalancer :443 → nodes :30443/TCP'));
  });

  test('on fields: their documentation; on enum values: the field\'s', () => {
    assert.match(hover(`${SVC}spec:\n  sessionAff|inity: None\n`)!, /^\*\*sessionAffinity\*\* `string`\n\nSupports "ClientIP" and "None"/);
    assert.match(hover(`${SVC}spec:\n  ports:\n    - port: 80\n      proto|col: TCP\n`)!, /^\*\*protocol\*\*/);
    assert.match(hover(`${SVC}spec:\n  ports:\n    - port: 80\n      protocol: T|CP\n`)!, /^\*\*protocol\*\*/);
    assert.match(hover(`${SVC}me|tadata:\n  name: x\n`.replace(`${SVC}`, 'apiVersion: v1\nkind: Service\n'))!, /^\*\*metadata\*\* `ObjectMeta`/);
    assert.equal(hover(`${SVC}spec:\n  selector:\n    app: w|eb\n`), undefined);
  });

  test('on OCI annotations: the key\'s meaning and each value\'s, the current one marked', () => {
    const ann = `${SVC}  annotations:\n    oci.oraclecloud.com/security-rule-management-mode: "N|SG"\nspec:\n  type: LoadBalancer\n`;
    const md = hover(ann)!;
    assert.match(md, /^\*\*oci.oraclecloud.com\/security-rule-management-mode\*\*/);
    assert.match(md, /- \*\*`NSG`\*\* \(this value\): Network security groups/);
    assert.match(md, /- `SL-All`: /);
    assert.match(hover(ann.replace('oci.oraclecloud.com/security-rule-|', '').replace('N|SG', 'NSG').replace('oci.oraclecloud.com/security', 'oci.oracle|cloud.com/security'))!, /How the cloud controller manages security rules/);
    assert.equal(hover(`${SVC}  annotations:\n    example.com/x: "y|"\n`), undefined);
  });

  test('nothing outside Service documents', () => {
    assert.equal(hover(DEPLOYMENT.replace('replicas: 3', 'repl|icas: 3')), undefined);
    assert.equal(hover('foo: b|ar\n'), undefined);
  });
});

suite('Document symbols', () => {
  suiteSetup(ready);

  test('each Service with its ports', () => {
    const text = `${LB}---\n${DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  ports:\n    - port: 80\n      targetPort: 8080\n`;
    const ws = workspace({ 's.yaml': text });
    const symbols = documentSymbols(ws, 's.yaml');
    assert.deepEqual(symbols.map((s) => [s.name, s.detail, s.children.map((c) => [c.name, c.detail])]), [
      ['web', 'Service LoadBalancer · shop', [['https', '443 → https/TCP nodePort 30443']]],
      ['api', 'Service ClusterIP', [['port 80', '80 → 8080/TCP']]],
    ]);
    const web = symbols[0];
    assert.equal(text.slice(web.selectionSpan.start, web.selectionSpan.end), 'web');
    assert.ok(web.span.start <= web.selectionSpan.start && web.selectionSpan.end <= web.span.end);
    assert.equal(text.slice(web.children[0].selectionSpan.start, web.children[0].selectionSpan.end), 'name: https');
  });
});
