import * as assert from 'node:assert/strict';
import { codes, keys, ready, findingsOf } from '../../support/workspace';

/** A Service document with the given spec lines (indented as under `spec:`). */
function svc(spec: string, meta = ''): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n${meta}spec:\n${spec.replace(/^\n/, '').split('\n').map((l) => (l ? '  ' + l : l)).join('\n')}\n`;
}

suite('API validity', () => {
  suiteSetup(ready);

  test('invalid-service-type fires with the closest type; valid types do not', () => {
    const f = findingsOf({ 'a.yaml': svc('type: Nodeport\nports:\n  - port: 80') }, 'invalid-service-type');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /did you mean "NodePort"/);
    for (const t of ['ClusterIP', 'NodePort', 'LoadBalancer']) {
      assert.deepEqual(codes({ 'a.yaml': svc(`type: ${t}\nports:\n  - port: 80`) }).filter((c) => c === 'invalid-service-type'), []);
    }
  });

  test('invalid-port-number on port, nodePort and numeric targetPort; 0 nodePort and targetPort mean unset', () => {
    assert.deepEqual(keys({ 'a.yaml': svc('type: NodePort\nports:\n  - port: 70000\n    targetPort: 65536\n    nodePort: -1') }).filter((k) => k.endsWith('invalid-port-number')),
      ['a.yaml:10 invalid-port-number', 'a.yaml:8 invalid-port-number', 'a.yaml:9 invalid-port-number']);
    assert.deepEqual(codes({ 'a.yaml': svc('type: NodePort\nports:\n  - port: 80\n    targetPort: 0\n    nodePort: 0') }), []);
    assert.deepEqual(codes({ 'a.yaml': svc('ports:\n  - port: "80"') }), ['invalid-port-number']);
    assert.deepEqual(codes({ 'a.yaml': svc('ports:\n  - port: 80.5') }), ['invalid-port-number']);
  });

  test('nodeport-out-of-range honours nodePortRange from the config', () => {
    assert.deepEqual(codes({ 'a.yaml': svc('type: NodePort\nports:\n  - port: 80\n    nodePort: 8080') }), ['nodeport-out-of-range']);
    assert.deepEqual(codes({ 'a.yaml': svc('type: NodePort\nports:\n  - port: 80\n    nodePort: 32767') }), []);
    assert.deepEqual(codes({
      'a.yaml': svc('type: NodePort\nports:\n  - port: 80\n    nodePort: 8080'),
      '.service-reach.yaml': 'nodePortRange: 8000-9000\n',
    }), []);
  });

  test('nodeport-not-allowed on an explicit or defaulted ClusterIP, not on NodePort', () => {
    assert.deepEqual(codes({ 'a.yaml': svc('ports:\n  - port: 80\n    nodePort: 30080') }), ['nodeport-not-allowed']);
    assert.deepEqual(codes({ 'a.yaml': svc('type: ClusterIP\nports:\n  - port: 80\n    nodePort: 30080') }), ['nodeport-not-allowed']);
    assert.deepEqual(codes({ 'a.yaml': svc('type: NodePort\nports:\n  - port: 80\n    nodePort: 30080') }), []);
  });

  test('duplicate-port on the later item; same number over two protocols is fine', () => {
    assert.deepEqual(keys({ 'a.yaml': svc('ports:\n  - name: a\n    port: 53\n  - name: b\n    port: 53') }), ['a.yaml:10 duplicate-port']);
    assert.deepEqual(codes({ 'a.yaml': svc('ports:\n  - name: a\n    port: 53\n    protocol: UDP\n  - name: b\n    port: 53') }), []);
    assert.deepEqual(keys({ 'a.yaml': svc('type: NodePort\nports:\n  - name: a\n    port: 80\n    nodePort: 30001\n  - name: b\n    port: 81\n    nodePort: 30001') }), ['a.yaml:13 duplicate-port']);
  });

  test('port-name-required on every unnamed port of a multi-port Service, at the item line', () => {
    assert.deepEqual(keys({ 'a.yaml': svc('ports:\n  - port: 80\n  - port: 81\n    name: b') }), ['a.yaml:7 port-name-required']);
    assert.deepEqual(codes({ 'a.yaml': svc('ports:\n  - port: 80') }), []);
  });

  test('invalid-port-name for a bad label and a duplicate', () => {
    assert.deepEqual(codes({ 'a.yaml': svc('ports:\n  - name: HTTP\n    port: 80') }), ['invalid-port-name']);
    assert.deepEqual(keys({ 'a.yaml': svc('ports:\n  - name: web\n    port: 80\n  - name: web\n    port: 81') }), ['a.yaml:9 invalid-port-name']);
    assert.deepEqual(codes({ 'a.yaml': svc('ports:\n  - name: web-1\n    port: 80') }), []);
  });

  test('invalid-protocol: case matters', () => {
    const f = findingsOf({ 'a.yaml': svc('ports:\n  - port: 80\n    protocol: tcp') }, 'invalid-protocol');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /did you mean "TCP"/);
    assert.deepEqual(codes({ 'a.yaml': svc('ports:\n  - port: 80\n    protocol: TCP') }), []);
    assert.deepEqual(codes({ 'a.yaml': svc('ports:\n  - port: 80\n    protocol: SCTP') }), []);
  });

  test('invalid-target-port for names that are not IANA service names', () => {
    for (const bad of ['"8080"', 'my--port', '-web', 'a-very-long-port-name', 'Web']) {
      assert.deepEqual(codes({ 'a.yaml': svc(`ports:\n  - port: 80\n    targetPort: ${bad}`) }), ['invalid-target-port'], bad);
    }
    assert.deepEqual(codes({ 'a.yaml': svc('ports:\n  - port: 80\n    targetPort: http-alt') }), []);
  });

  test('headless-not-allowed with NodePort and LoadBalancer; headless ClusterIP is fine', () => {
    assert.deepEqual(codes({ 'a.yaml': svc('type: NodePort\nclusterIP: None\nports:\n  - port: 80') }), ['headless-not-allowed']);
    assert.deepEqual(codes({ 'a.yaml': svc('clusterIP: None\nports:\n  - port: 80') }), []);
  });

  test('externalname-required at the type value', () => {
    assert.deepEqual(keys({ 'a.yaml': svc('type: ExternalName') }), ['a.yaml:6 externalname-required']);
    assert.deepEqual(codes({ 'a.yaml': svc('type: ExternalName\nexternalName: db.example.com') }), []);
  });

  test('missing-ports at the spec key, unless headless or ExternalName', () => {
    assert.deepEqual(keys({ 'a.yaml': svc('selector:\n  app: x') }), ['a.yaml:5 missing-ports']);
    assert.deepEqual(codes({ 'a.yaml': svc('clusterIP: None\nselector:\n  app: x') }), []);
    assert.deepEqual(codes({ 'a.yaml': svc('ports: []') }), ['missing-ports']);
  });

  test('field-not-allowed at the key', () => {
    assert.deepEqual(keys({ 'a.yaml': svc('loadBalancerSourceRanges: [10.0.0.0/8]\nports:\n  - port: 80') }), ['a.yaml:6 field-not-allowed']);
    assert.deepEqual(codes({ 'a.yaml': svc('type: NodePort\nallocateLoadBalancerNodePorts: false\nports:\n  - port: 80') }), ['field-not-allowed']);
    assert.deepEqual(codes({ 'a.yaml': svc('type: NodePort\nloadBalancerClass: x/y\nports:\n  - port: 80') }), ['field-not-allowed']);
    assert.deepEqual(codes({ 'a.yaml': svc('type: LoadBalancer\nhealthCheckNodePort: 31000\nports:\n  - port: 80') }), ['field-not-allowed']);
    assert.deepEqual(codes({ 'a.yaml': svc('type: LoadBalancer\nexternalTrafficPolicy: Local\nhealthCheckNodePort: 31000\nports:\n  - port: 80') }), []);
    assert.deepEqual(codes({ 'a.yaml': svc('externalTrafficPolicy: Local\nports:\n  - port: 80') }), ['field-not-allowed']);
    assert.deepEqual(codes({ 'a.yaml': svc('externalTrafficPolicy: Local\nexternalIPs: [192.0.2.10]\nports:\n  - port: 80') }), []);
    assert.deepEqual(codes({ 'a.yaml': svc('loadBalancerSourceRanges: []\nports:\n  - port: 80') }), []);
  });

  test('invalid-cidr for a non-CIDR entry; host bits set is only an API warning', () => {
    assert.deepEqual(keys({ 'a.yaml': svc('type: LoadBalancer\nloadBalancerSourceRanges:\n  - 10.0.0.0/33\n  - " 10.0.0.1/24 "\nports:\n  - port: 80') }).filter((k) => k.endsWith('invalid-cidr')), ['a.yaml:8 invalid-cidr']);
    assert.deepEqual(codes({ 'a.yaml': svc('type: LoadBalancer\nports:\n  - port: 80', '  annotations:\n    service.beta.kubernetes.io/load-balancer-source-ranges: "10.0.0.0/8, nope"\n') }).filter((c) => c === 'invalid-cidr'), ['invalid-cidr']);
  });

  test('defaulted values add nothing: targetPort copied from a bad port', () => {
    assert.deepEqual(codes({ 'a.yaml': svc('ports:\n  - port: 0') }), ['invalid-port-number']);
  });

  test('template values are unknown, never wrong', () => {
    assert.deepEqual(codes({ 'a.yaml': svc('type: "{{ .Values.type }}"\nports:\n  - port: "{{ .Values.port }}"\n    protocol: "{{ .Values.proto }}"\n    nodePort: "{{ .Values.np }}"') }), []);
  });
});
