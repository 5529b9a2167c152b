import * as assert from 'node:assert/strict';
import { codes, keys, ready, findingsOf } from '../../support/workspace';

const deployment = (ns: string, labels: string, ports: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: ${ns}
spec:
  template:
    metadata:
      labels: {${labels}}
    spec:
      containers:
        - name: api
          image: x
          ports:
${ports.split('\n').map((l) => '            ' + l).join('\n')}
`;

const service = (ns: string, selector: string, targetPort: string, extra = '') => `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: ${ns}
spec:
  selector: {${selector}}
  ports:
    - port: 80
      targetPort: ${targetPort}${extra}
`;

suite('Workspace cross-references', () => {
  suiteSetup(ready);

  test('selector-matches-nothing at the selector key; only when a workload exists', () => {
    assert.deepEqual(keys({ 'd.yaml': deployment('pay', 'app: api', '- containerPort: 8080'), 's.yaml': service('pay', 'app: web', '8080') }), ['s.yaml:7 selector-matches-nothing']);
    assert.deepEqual(codes({ 's.yaml': service('pay', 'app: web', '8080') }), []);
    assert.deepEqual(codes({ 'd.yaml': deployment('pay', 'app: api', '- containerPort: 8080'), 's.yaml': service('pay', 'app: api', '8080') }), []);
  });

  test('namespaces are respected: a matching template in another namespace does not count', () => {
    const f = findingsOf({ 'd.yaml': deployment('other', 'app: api', '- containerPort: 8080'), 's.yaml': service('pay', 'app: api', '8080') });
    assert.deepEqual(f.map((x) => x.code), ['selector-matches-nothing']);
    assert.match(f[0].message, /another namespace/);
    assert.equal(f[0].related.length, 1);
  });

  test('target-port-name-unknown only when a template matches; name and protocol must agree', () => {
    assert.deepEqual(keys({ 'd.yaml': deployment('pay', 'app: api', '- name: http\n  containerPort: 8080'), 's.yaml': service('pay', 'app: api', 'htpp') }), ['s.yaml:10 target-port-name-unknown']);
    assert.deepEqual(codes({ 'd.yaml': deployment('pay', 'app: api', '- name: http\n  containerPort: 8080'), 's.yaml': service('pay', 'app: api', 'http') }), []);
    // the name declared in another namespace does not help
    assert.deepEqual(codes({
      'd.yaml': deployment('pay', 'app: api', '- name: web\n  containerPort: 8080'),
      'e.yaml': deployment('other', 'app: api', '- name: http\n  containerPort: 8080'),
      's.yaml': service('pay', 'app: api', 'http'),
    }), ['target-port-name-unknown']);
    assert.deepEqual(codes({ 'd.yaml': deployment('pay', 'app: api', '- name: dns\n  containerPort: 53\n  protocol: TCP'), 's.yaml': service('pay', 'app: api', 'dns', '\n      protocol: UDP') }), ['target-port-name-unknown']);
  });

  test('target-port-not-declared is information, only for a written numeric targetPort', () => {
    const f = findingsOf({ 'd.yaml': deployment('pay', 'app: api', '- containerPort: 8080'), 's.yaml': service('pay', 'app: api', '9090') });
    assert.deepEqual(f.map((x) => [x.code, x.severity]), [['target-port-not-declared', 'info']]);
    assert.deepEqual(codes({ 'd.yaml': deployment('pay', 'app: api', '- containerPort: 8080'), 's.yaml': service('pay', 'app: api', '8080') }), []);
  });

  test('every workload kind contributes pod labels (CronJob through jobTemplate, Pod directly)', () => {
    const cron = `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: cron}}
        spec:
          containers: [{name: c, image: x, ports: [{name: m, containerPort: 9000}]}]
`;
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: pod}}
spec:
  containers: [{name: c, image: x}]
`;
    assert.deepEqual(codes({ 'c.yaml': cron, 'p.yaml': pod, 's.yaml': service('default', 'app: cron', 'm') + '---\n' + service('default', 'app: pod', '80').replace('name: api', 'name: p2') }), ['target-port-not-declared']);
  });

  test('kind: List items are read', () => {
    const list = `apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: d}
    spec:
      template:
        metadata: {labels: {app: a}}
        spec: {containers: [{name: c, image: x}]}
  - apiVersion: v1
    kind: Service
    metadata: {name: s}
    spec:
      selector: {app: b}
      ports: [{port: 80}]
`;
    assert.deepEqual(keys({ 'l.yaml': list }), ['l.yaml:15 selector-matches-nothing']);
  });

  test('nodeport-conflict on each Service, whatever the protocols; not within one Service', () => {
    const np = (name: string, port: number, proto = 'TCP') => `---\napiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      protocol: ${proto}\n      nodePort: ${port}\n`;
    assert.deepEqual(keys({ 'a.yaml': np('a', 30500), 'b.yaml': np('b', 30500, 'UDP') }), ['a.yaml:10 nodeport-conflict', 'b.yaml:10 nodeport-conflict']);
    assert.deepEqual(codes({ 'a.yaml': np('a', 30500), 'b.yaml': np('b', 30501) }), []);
    // the same object in two files (a base and an overlay) is not a conflict
    assert.deepEqual(codes({ 'a.yaml': np('a', 30500), 'b.yaml': np('a', 30500) }), []);
    const shared = `apiVersion: v1\nkind: Service\nmetadata: {name: dns}\nspec:\n  type: NodePort\n  ports:\n    - {name: u, port: 53, protocol: UDP, nodePort: 30053}\n    - {name: t, port: 53, protocol: TCP, nodePort: 30053}\n`;
    assert.deepEqual(codes({ 'a.yaml': shared }), []);
  });

  test('healthCheckNodePort takes part in conflicts', () => {
    const lb = `apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 30600\n  ports: [{port: 80}]\n`;
    const np = `apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30600}]\n`;
    assert.deepEqual(keys({ 'a.yaml': lb, 'b.yaml': np }), ['a.yaml:7 nodeport-conflict', 'b.yaml:6 nodeport-conflict']);
  });
});

suite('Unknown fields', () => {
  suiteSetup(ready);

  test('a misspelt key gets did-you-mean; keys under it are not checked', () => {
    const f = findingsOf({ 'a.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  poarts:\n    - prot: 80\n' }, 'unknown-field');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /did you mean "ports"/);
  });

  test('a misspelt key whose suggestion is set already: said so, and no rename (the key would be there twice)', () => {
    const f = findingsOf({ 'a.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  lables: {app: x}\n  labels: {app: y}\nspec:\n  ports:\n    - port: 80\n' }, 'unknown-field');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /did you mean "labels"\? \(it is set already: merge the two\)/);
    assert.equal(f[0].fix, undefined);
    const g = findingsOf({ 'a.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  lables: {app: x}\nspec:\n  ports:\n    - port: 80\n' }, 'unknown-field');
    assert.deepEqual(g[0].fix, { kind: 'replace', span: g[0].span, text: 'labels' });
  });

  test('unknown keys at every level; maps take any key', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labelz: {}\n  annotations: {anything/goes: "1"}\nspec:\n  selector: {whatever: x}\n  ports:\n    - port: 80\n      targetport: 80\n  sessionAffinityConfig:\n    clientIP: {timeoutSecond: 10}\n';
    assert.deepEqual(keys({ 'a.yaml': text }), ['a.yaml:11 unknown-field', 'a.yaml:13 unknown-field', 'a.yaml:5 unknown-field']);
  });

  test('non-Services and non-Kubernetes YAML are not checked', () => {
    assert.deepEqual(codes({ 'a.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec: {whatever: 1}\n', 'ci.yaml': 'on: push\njobs: {}\n' }), []);
  });
});

suite('Input handling', () => {
  suiteSetup(ready);

  test('malformed YAML in one file: one syntax diagnostic there, findings everywhere else', () => {
    const bad = 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [ {port: 80}\n  type: [\n';
    const good = 'apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  type: Nodeport\n  ports: [{port: 80}]\n';
    const k = keys({ 'bad.yaml': bad, 'good.yaml': good });
    assert.equal(k.filter((x) => x.startsWith('bad.yaml') && x.endsWith('yaml-syntax')).length, 1);
    assert.ok(k.includes('good.yaml:5 invalid-service-type'));
  });

  test('the rest of a file with a syntax error is still analysed', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [{port: 80}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  type: Nodeport\n  ports: [{port: 80}]\n';
    const k = keys({ 'a.yaml': text });
    assert.ok(k.includes('a.yaml:11 invalid-service-type'), k.join());
    assert.equal(k.filter((x) => x.endsWith('yaml-syntax')).length, 1);
  });

  test('Helm templates are never YAML errors', () => {
    const helm = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include "x.fullname" . }}\nspec:\n  type: {{ .Values.service.type }}\n  ports:\n    - port: {{ .Values.service.port }}\n{{- if .Values.x }}\n  selector: {}\n{{- end }}\n';
    assert.deepEqual(codes({ 'templates/svc.yaml': helm }), []);
  });

  test('JSON manifests are read', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { type: 'Nodeport', ports: [{ port: 80 }] } }, null, 2);
    assert.deepEqual(codes({ 'svc.json': json }), ['invalid-service-type']);
  });
});
