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
    const hops = md.split('\n').filter((l) => /^\d+\. /.test(l)).slice(0, 4);
    assert.deepEqual(hops.map((l) => l.replace(/ \(`.*$/, '')), [
      '1. load balancer listener :443/TCP, from 0.0.0.0/0',
      '2. ⚠ node port 30443/TCP on every node',
      '3. cluster IP :443/TCP, inside the cluster',
      '4. 3 pods of Deployment web (app=web) on :8443 ("https")',
    ]);
    assert.match(md, /⚠ node firewall \(firewalld\), load balancer → nodes: firewalld zone "public" \(`etc\/firewalld\/zones\/public.xml:2`\) does not allow it$/m);
    assert.match(md, /\(`d.yaml:1`\)/);
    assert.match(md, /\*\*nodePort\*\* `integer`/, 'the field documentation follows');
  });

  test('on nodePort, allowed: ✅ and the source that allows it', () => {
    const md = hover(LB.replace('nodePort: 30443', 'nodePort: 30443|'), { [ZONE]: ZONE_30443 })!;
    assert.match(md, /✅ node firewall \(firewalld\), load balancer → nodes: firewalld zone "public" \(`[^`]+`\) allows it$/m);
    assert.match(md, /^✅ allowed by every rule source checked: firewalld zone "public"\\?$/m);
    assert.doesNotMatch(md, /⛔/);
  });

  test('OCI mode All: the worker lists are the cloud controller\'s', () => {
    const list = JSON.stringify({ 'display-name': 'workers', 'ingress-security-rules': [] });
    const md = hover(LB.replace('nodePort: 30443', 'node|Port: 30443'), { 'oci/workers.json': list })!;
    assert.match(md, /☁ worker security lists \/ NSGs, load balancer → nodes: security list "workers" \(`oci\/workers.json:1`\) does not allow it \(the cloud controller writes this rule\)/);
    assert.match(md, /➖ node firewall \(firewalld\), load balancer → nodes: no rule source in the workspace, not checked/);
    assert.match(md, /^OCI load balancer · security-list management mode All — the default for an `lb` Service, set with `service\.beta\.kubernetes\.io\/oci-load-balancer-security-list-management-mode`\\$/m);
    assert.match(md, /^Yours to manage: node firewall \(firewalld\) · the OCI cloud controller's: worker security lists \/ NSGs, load-balancer subnet security lists$/m);
    assert.equal(md.match(/yours to manage/gi)?.length, 1, 'who manages what is said once');
  });

  test('the answer first: the verdict, the chain and why in the first 8 lines; the details below', () => {
    const md = hover(LB.replace('nodePort: 30443', 'nodePort: 304|43'), { 'd.yaml': DEPLOYMENT, [ZONE]: ZONE_SSH })!;
    const top = md.split('\n').slice(0, 8).join('\n');
    assert.match(top, /^\*\*Service shop\/web\*\* · LoadBalancer · ⛔ blocked$/m, top);
    assert.match(top, /^`LoadBalancer :443 → nodes :30443\/TCP ⚠ → ClusterIP :443 → 3 pods :8443`\\$/m, 'the port\'s chain, marked per hop');
    assert.match(top, /^`health check → nodes :10256\/TCP ⛔`$/m, 'and the health check\'s');
    const why = top.split('\n').filter((l) => /^[⛔⚠] /.test(l));
    assert.deepEqual(why, [
      '⛔ health-check port 10256/TCP: firewalld zone "public" (`etc/firewalld/zones/public.xml:2`) does not allow it\\',
      '⚠ node port 30443/TCP: firewalld zone "public" (`etc/firewalld/zones/public.xml:2`) does not allow it\\',
    ], 'why, the certain block first');
    assert.ok(md.indexOf('---') > md.indexOf(why[1]), 'the details follow below a rule');
    assert.doesNotMatch(md, /from any source/, 'the source is said where it is not any');
  });

  test('the verdict in the first 8 lines on type, on the health check, and for a Service of many ports', () => {
    const ports = Array.from({ length: 6 }, (_, i) => `    - name: p${i}\n      port: ${80 + i}\n      nodePort: ${30080 + i}\n`).join('');
    const many = `${SVC}spec:\n  type: Node|Port\n  ports:\n${ports}`;
    const md = hover(many, { [ZONE]: ZONE_SSH })!;
    const top = md.split('\n').slice(0, 8);
    assert.equal(top[0], '**Service shop/web** · NodePort · ⚠ may be blocked');
    assert.ok(top.includes('`nodes :30080/TCP ⚠ → ClusterIP :80 → endpoints :80`\\'), top.join('\n'));
    assert.ok(top.includes('… 3 more ports below'), top.join('\n'));
    assert.ok(top.some((l) => l.startsWith('⚠ node port 30080/TCP: firewalld zone "public"')), top.join('\n'));
    const health = hover(LB.replace('type: LoadBalancer\n', 'type: LoadBalancer\n  externalTrafficPolicy: Cl|uster\n'), { [ZONE]: ZONE_SSH })!;
    const htop = health.split('\n').slice(0, 8).join('\n');
    assert.match(htop, /^`health check → nodes :10256\/TCP ⛔`$/m, htop);
    assert.match(htop, /^⛔ health-check port 10256\/TCP: firewalld zone "public"/m, htop);
  });

  test('places are links when the host gives a link builder; their text stays text', () => {
    const { text, offset } = cursor(LB.replace('nodePort: 30443', 'nodePort: 304|43'));
    const ws = workspace({ 'd.yaml': DEPLOYMENT, [ZONE]: ZONE_SSH, 's.yaml': text });
    const md = hoverAt(ws, 's.yaml', offset, { link: (p, line) => `file:///w/${p}#L${line}` })!.contents;
    assert.match(md, /firewalld zone "public" \(\[etc\/firewalld\/zones\/public\.xml:2\]\(file:\/\/\/w\/etc\/firewalld\/zones\/public\.xml#L2\)\) does not allow it/);
    assert.match(md, /\(\[d\.yaml:1\]\(file:\/\/\/w\/d\.yaml#L1\)\)/);
    const odd = hoverAt(ws, 's.yaml', offset, { link: () => 'file:///w/a b(c)' })!.contents;
    assert.match(odd, /\]\(file:\/\/\/w\/a%20b%28c%29\)/, 'what would end the link early is encoded');
  });

  test('the OCI mode and what set it, never contradicting the findings: an annotation, an nlb\'s default None', () => {
    const list = JSON.stringify({ 'display-name': 'workers', 'ingress-security-rules': [] });
    const key = 'service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode';
    const none = LB.replace('type: LoadBalancer', 'type: LoadBal|ancer').replace('  namespace: shop\n', `  namespace: shop\n  annotations:\n    ${key}: None\n`);
    const md = hover(none, { 'oci/workers.json': list })!;
    assert.match(md, new RegExp(`^OCI load balancer · security-list management mode None — set by \`${key.replace(/\./g, '\\.')}\`\\\\$`, 'm'));
    assert.match(md, /^⛔ node port 30443\/TCP: security list "workers" \(`oci\/workers\.json:1`\) does not allow it/m);
    const { text } = cursor(none);
    const findings = workspace({ 's.yaml': text, 'oci/workers.json': list }).analyze().findings;
    assert.ok(findings.some((f) => f.code === 'security-list-port-closed'), 'the finding agrees: the lists are the user\'s');
    const nlb = LB.replace('type: LoadBalancer', 'type: LoadBal|ancer').replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    oci.oraclecloud.com/load-balancer-type: nlb\n');
    const n = hover(nlb, { 'oci/workers.json': list })!;
    assert.match(n, /^OCI network load balancer · security-list management mode None — the default for an `nlb` Service, set with `oci-network-load-balancer\.oraclecloud\.com\/security-list-management-mode`/m);
    assert.match(n, /^Yours to manage: node firewall \(firewalld\), worker security lists \/ NSGs, load-balancer subnet security lists$/m, 'an nlb\'s lists are the user\'s');
    const rule = LB.replace('type: LoadBalancer', 'type: LoadBal|ancer').replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    oci.oraclecloud.com/security-rule-management-mode: NSG\n');
    assert.match(hover(rule, { 'oci/workers.json': list })!, /^OCI load balancer · security-rule management mode NSG — set by `oci\.oraclecloud\.com\/security-rule-management-mode`/m);
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
