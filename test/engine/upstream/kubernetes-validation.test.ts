/**
 * What the API server rejects in a Service, case by case after Kubernetes' own suite
 * (`pkg/apis/core/validation/validation_test.go`: TestValidateServiceCreate and
 * TestValidateServiceExternalTrafficPolicy, against `validation.go`), in our own fixtures. The upstream tests
 * validate the internal type after defaulting; a manifest is defaulted first (`SetDefaults_Service`), so where
 * defaulting fills a field the upstream case leaves empty, the manifest is valid and the test says so.
 */
import * as assert from 'node:assert/strict';
import { ready } from '../../support/workspace';
import { codesOf, findingsOf, lineOf, svc } from './fixtures';

const LB = (spec: string[] = [], annotations: Record<string, string> = {}) => svc({ type: 'LoadBalancer', spec, annotations });
const SOURCE_RANGES = 'service.beta.kubernetes.io/load-balancer-source-ranges';

suite('Kubernetes TestValidateServiceCreate: invalid-value', () => {
  suiteSetup(ready);

  test('TestValidateServiceCreate "valid publicIPs": no finding', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  externalTrafficPolicy: Cluster', '  externalIPs: [1.2.3.4]'] })), []);
  });

  for (const [name, ip] of [['invalid publicIPs localhost', '127.0.0.1'], ['invalid publicIPs unspecified', '0.0.0.0'], ['invalid publicIPs host', 'myhost.mydomain']]) {
    test(`TestValidateServiceCreate "${name}": invalid-value at the entry`, () => {
      const yaml = svc({ spec: ['  externalTrafficPolicy: Cluster', `  externalIPs: ["${ip}"]`] });
      const f = findingsOf(yaml);
      assert.deepEqual(f.map((x) => x.code), ['invalid-value']);
      assert.equal(yaml.slice(f[0].span.start, f[0].span.end), `"${ip}"`);
    });
  }

  test('ValidateEndpointIP (validateService, externalIPs): link-local and link-local multicast are refused too; IPv6 is judged alike', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  externalIPs: [169.254.1.1, 224.0.0.5, "fe80::1", "::1", "::ffff:127.0.0.1"]'] })),
      ['invalid-value', 'invalid-value', 'invalid-value', 'invalid-value', 'invalid-value']);
    assert.deepEqual(codesOf(svc({ spec: ['  externalIPs: ["2001:db8::1", 198.51.100.7, 010.1.1.1]'] })), [], 'leading zeros: ParseIPSloppy reads them');
  });

  test('TestValidateServiceCreate "valid ExternalName" and "valid ExternalName (trailing dot)": no finding', () => {
    assert.deepEqual(codesOf(svc({ type: 'ExternalName', spec: ['  externalName: foo.bar.example.com'] })), []);
    assert.deepEqual(codesOf(svc({ type: 'ExternalName', spec: ['  externalName: foo.bar.example.com.'] })), []);
  });

  test('TestValidateServiceCreate "invalid ExternalName (not a DNS name)": invalid-value at externalName (a URL and a port too)', () => {
    for (const bad of ['"-123"', 'https://db.example.com', 'db.example.com:5432', 'DB.Example.com']) {
      const yaml = svc({ type: 'ExternalName', spec: [`  externalName: ${bad}`] });
      const f = findingsOf(yaml);
      assert.deepEqual(f.map((x) => x.code), ['invalid-value'], bad);
      assert.equal(yaml.slice(f[0].span.start, f[0].span.end), bad);
    }
    assert.match(findingsOf(svc({ type: 'ExternalName', spec: ['  externalName: https://db.example.com'] }))[0].message, /not a URL/);
  });

  test('TestValidateServiceCreate "invalid ExternalName clusterIP (valid IP)" and "(None)": invalid-value; an empty clusterIP is unset', () => {
    const yaml = svc({ type: 'ExternalName', spec: ['  externalName: foo.bar.example.com', '  clusterIP: 1.2.3.4'] });
    assert.deepEqual(findingsOf(yaml).map((x) => `${x.code}@${lineOf(yaml, 'clusterIP')}`), [`invalid-value@${lineOf(yaml, 'clusterIP')}`]);
    assert.deepEqual(codesOf(svc({ type: 'ExternalName', spec: ['  externalName: foo.bar.example.com', '  clusterIP: None'] })), ['invalid-value']);
    assert.deepEqual(codesOf(svc({ type: 'ExternalName', spec: ['  externalName: foo.bar.example.com', '  clusterIP: ""'] })), []);
  });

  test('validateService (ExternalName): ipFamilies and ipFamilyPolicy may not be set', () => {
    assert.deepEqual(codesOf(svc({ type: 'ExternalName', spec: ['  externalName: a.example.com', '  ipFamilies: [IPv4]', '  ipFamilyPolicy: SingleStack'] })), ['invalid-value', 'invalid-value']);
    assert.deepEqual(codesOf(svc({ type: 'ExternalName', spec: ['  externalName: a.example.com', '  ipFamilies: []', '  ipFamilyPolicy:'] })), []);
  });

  test('TestValidateServiceCreate "invalid externalTraffic field": invalid-value with the closest value, case included', () => {
    const f = findingsOf(LB(['  externalTrafficPolicy: local']));
    assert.deepEqual(f.map((x) => x.code), ['invalid-value']);
    assert.match(f[0].message, /did you mean "Local"/);
    assert.deepEqual(codesOf(LB(['  externalTrafficPolicy: invalid'])), ['invalid-value']);
    assert.deepEqual(codesOf(LB(['  externalTrafficPolicy: Local'])), []);
  });

  test('TestValidateServiceCreate "invalid internalTraffic field": invalid-value; "internalTrafficPolicy field set to Cluster"/"Local" and on ExternalName: none', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  internalTrafficPolicy: invalid'] })), ['invalid-value']);
    assert.deepEqual(codesOf(svc({ spec: ['  internalTrafficPolicy: Cluster'] })), []);
    assert.deepEqual(codesOf(svc({ spec: ['  internalTrafficPolicy: Local'] })), []);
    assert.deepEqual(codesOf(svc({ type: 'ExternalName', spec: ['  externalName: foo.bar.com', '  internalTrafficPolicy: Cluster'] })), []);
    assert.deepEqual(codesOf(svc({ spec: ['  internalTrafficPolicy: ""'] })), ['invalid-value'], 'a pointer: "" is set, and not a policy');
  });

  test('TestValidateServiceCreate "missing session affinity": defaulting fills "" with None, so a manifest is valid; a wrong value is not', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  sessionAffinity: ""'] })), []);
    const f = findingsOf(svc({ spec: ['  sessionAffinity: clientip'] }));
    assert.deepEqual(f.map((x) => x.code), ['invalid-value']);
    assert.match(f[0].message, /did you mean "ClientIP"/);
  });

  test('TestValidateServiceCreate "invalid timeoutSeconds field": invalid-value; 1 and 86400 are the bounds', () => {
    const affinity = (t: string) => svc({ spec: ['  sessionAffinity: ClientIP', '  sessionAffinityConfig:', '    clientIP:', `      timeoutSeconds: ${t}`] });
    assert.deepEqual(codesOf(affinity('-1')), ['invalid-value']);
    assert.deepEqual(codesOf(affinity('0')), ['invalid-value']);
    assert.deepEqual(codesOf(affinity('86401')), ['invalid-value']);
    assert.deepEqual(codesOf(affinity('1')), []);
    assert.deepEqual(codesOf(affinity('86400')), []);
    assert.deepEqual(codesOf(svc({ spec: ['  sessionAffinity: ClientIP'] })), [], 'no timeout: defaulted to 10800');
  });

  test('TestValidateServiceCreate "sessionAffinityConfig can\'t be set when session affinity is None": defaulting clears it, so a manifest is valid', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  sessionAffinity: None', '  sessionAffinityConfig:', '    clientIP:', '      timeoutSeconds: -1'] })), []);
  });

  test('TestValidateServiceCreate "invalid, service with invalid ipFamilies" and "(2nd)": invalid-value at the entry', () => {
    const yaml = svc({ spec: ['  ipFamilyPolicy: RequireDualStack', '  ipFamilies: [IPv4, not-a-valid-ip-family]'] });
    const f = findingsOf(yaml);
    assert.deepEqual(f.map((x) => x.code), ['invalid-value']);
    assert.equal(yaml.slice(f[0].span.start, f[0].span.end), 'not-a-valid-ip-family');
    assert.match(findingsOf(svc({ spec: ['  ipFamilies: [ipv6]'] }))[0].message, /did you mean "IPv6"/);
  });

  test('TestValidateServiceCreate "invalid, service with 2+ ipFamilies" and "same ip families": invalid-value on the repeated family', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  ipFamilyPolicy: RequireDualStack', '  ipFamilies: [IPv4, IPv6, IPv4]'] })), ['invalid-value']);
    assert.deepEqual(codesOf(svc({ spec: ['  ipFamilyPolicy: RequireDualStack', '  ipFamilies: [IPv6, IPv6]'] })), ['invalid-value']);
  });

  test('TestValidateServiceCreate "valid, service with valid ipFamilies(v4,v6)", "(v6,v4)", "preferred dual stack with single family": none', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  ipFamilyPolicy: RequireDualStack', '  ipFamilies: [IPv4, IPv6]'] })), []);
    assert.deepEqual(codesOf(svc({ spec: ['  ipFamilyPolicy: RequireDualStack', '  ipFamilies: [IPv6, IPv4]'] })), []);
    assert.deepEqual(codesOf(svc({ spec: ['  ipFamilyPolicy: PreferDualStack', '  ipFamilies: [IPv6]'] })), []);
  });

  test('ValidateServiceClusterIPsRelatedFields: ipFamilyPolicy outside its set is invalid-value', () => {
    const f = findingsOf(svc({ spec: ['  ipFamilyPolicy: DualStack'] }));
    assert.deepEqual(f.map((x) => x.code), ['invalid-value']);
    assert.deepEqual(codesOf(svc({ spec: ['  ipFamilyPolicy: SingleStack'] })), []);
  });

  test('TestValidateServiceCreate "invalid: trafficDistribution field set to Random": invalid-value; "valid: … PreferClose" (and 1.35\'s PreferSameZone, PreferSameNode): none', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  trafficDistribution: Random'] })), ['invalid-value']);
    for (const v of ['PreferClose', 'PreferSameZone', 'PreferSameNode']) assert.deepEqual(codesOf(svc({ spec: [`  trafficDistribution: ${v}`] })), [], v);
    assert.match(findingsOf(svc({ spec: ['  trafficDistribution: preferclose'] }))[0].message, /did you mean "PreferClose"/);
  });

  test('a template value is unknown, never wrong', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  internalTrafficPolicy: {{ .Values.itp }}', '  externalIPs: [{{ .Values.ip }}]'] })), []);
  });
});

suite('Kubernetes TestValidateServiceCreate: source ranges (invalid-cidr, field-not-allowed)', () => {
  suiteSetup(ready);

  test('TestValidateServiceCreate "valid LoadBalancer source range annotation", "valid empty …", "valid whitespace-only …": none', () => {
    assert.deepEqual(codesOf(LB([], { [SOURCE_RANGES]: '1.2.3.0/24,  5.6.0.0/16' })), []);
    assert.deepEqual(codesOf(LB([], { [SOURCE_RANGES]: '' })), []);
    assert.deepEqual(codesOf(LB([], { [SOURCE_RANGES]: '  ' })), []);
  });

  test('TestValidateServiceCreate "invalid LoadBalancer source range annotation (hostname)" and "(invalid CIDR)": invalid-cidr at the annotation value', () => {
    for (const bad of ['foo.bar', '1.2.3.4/33']) {
      const yaml = LB([], { [SOURCE_RANGES]: bad });
      const f = findingsOf(yaml);
      assert.deepEqual(f.map((x) => x.code), ['invalid-cidr'], bad);
      assert.equal(f[0].span.start, yaml.indexOf(`"${bad}"`));
    }
  });

  test('validateService (annotation branch): every entry is checked, an empty one from a stray comma too, in one finding', () => {
    const f = findingsOf(LB([], { [SOURCE_RANGES]: '1.2.3.0/24,,10.0.0.0/33,' }));
    assert.deepEqual(f.map((x) => x.code), ['invalid-cidr']);
    assert.match(f[0].message, /an empty entry \(a stray comma\), "10\.0\.0\.0\/33", an empty entry/i);
    assert.deepEqual(codesOf(LB([], { [SOURCE_RANGES]: ' 1.2.3.0/24 , 5.6.0.0/16 ' })), []);
  });

  test('TestValidateServiceCreate "invalid LoadBalancer source range annotation for non LoadBalancer type service" and "invalid empty-but-set …": field-not-allowed at the key', () => {
    for (const value of ['1.2.3.0/24', '']) {
      const yaml = svc({ annotations: { [SOURCE_RANGES]: value } });
      const f = findingsOf(yaml);
      assert.deepEqual(f.map((x) => x.code), ['field-not-allowed'], JSON.stringify(value));
      assert.equal(yaml.slice(f[0].span.start, f[0].span.end), SOURCE_RANGES);
    }
  });

  test('TestValidateServiceCreate "valid LoadBalancer source range" and "… with whitespace": none', () => {
    assert.deepEqual(codesOf(LB(['  loadBalancerSourceRanges: [1.2.3.0/24, 5.6.0.0/16]'])), []);
    assert.deepEqual(codesOf(LB(['  loadBalancerSourceRanges: ["1.2.3.0/24  ", " 5.6.0.0/16"]'])), []);
  });

  test('TestValidateServiceCreate "invalid empty LoadBalancer source range", "(hostname)", "(invalid CIDR)": invalid-cidr at each entry', () => {
    for (const bad of ['"   "', 'foo.bar', '1.2.3.4/33']) {
      const yaml = LB([`  loadBalancerSourceRanges: [1.2.3.0/24, ${bad}]`]);
      const f = findingsOf(yaml);
      assert.deepEqual(f.map((x) => x.code), ['invalid-cidr'], bad);
      assert.equal(yaml.slice(f[0].span.start, f[0].span.end), bad);
    }
  });

  test('IsValidCIDRForLegacyField (no StrictIPCIDRValidation): leading zeros, host bits and IPv4-mapped IPv6 are accepted', () => {
    assert.deepEqual(codesOf(LB(['  loadBalancerSourceRanges: [010.000.000.000/08, 10.0.0.1/24, "::ffff:10.0.0.0/104"]'])), []);
    assert.deepEqual(codesOf(LB([], { [SOURCE_RANGES]: '010.0.0.0/8' })), []);
  });

  test('TestValidateServiceCreate "invalid source range for non LoadBalancer type service": field-not-allowed; an empty list is unset', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  loadBalancerSourceRanges: [1.2.3.0/24, 5.6.0.0/16]'] })), ['field-not-allowed']);
    assert.deepEqual(codesOf(svc({ spec: ['  loadBalancerSourceRanges: []'] })), []);
  });

  test('TestValidateServiceCreate "invalid source range annotation ignored with valid source range field": none, for LoadBalancer and not', () => {
    assert.deepEqual(codesOf(LB(['  loadBalancerSourceRanges: [1.2.3.0/24, 5.6.0.0/16]'], { [SOURCE_RANGES]: 'foo.bar' })), []);
    // off a LoadBalancer, the field is refused and the annotation is not read at all
    assert.deepEqual(codesOf(svc({ spec: ['  loadBalancerSourceRanges: [1.2.3.0/24]'], annotations: { [SOURCE_RANGES]: 'foo.bar' } })), ['field-not-allowed']);
  });
});

suite('Kubernetes TestValidateServiceCreate / TestValidateServiceExternalTrafficPolicy: field-not-allowed, healthCheckNodePort', () => {
  suiteSetup(ready);

  test('TestValidateServiceCreate "Use AllocateLoadBalancerNodePorts when type is not LoadBalancer": field-not-allowed; null is unset', () => {
    const yaml = svc({ spec: ['  allocateLoadBalancerNodePorts: true'] });
    assert.deepEqual(findingsOf(yaml).map((f) => `${f.code}@${yaml.slice(f.span.start, f.span.end)}`), ['field-not-allowed@allocateLoadBalancerNodePorts']);
    assert.deepEqual(codesOf(svc({ spec: ['  allocateLoadBalancerNodePorts: false'] })), ['field-not-allowed'], 'false is set');
    assert.deepEqual(codesOf(svc({ spec: ['  allocateLoadBalancerNodePorts:'] })), []);
    assert.deepEqual(codesOf(svc({ spec: ['  allocateLoadBalancerNodePorts: null'] })), []);
  });

  test('TestValidateServiceCreate "invalid: set LoadBalancerClass when type is not LoadBalancer": field-not-allowed; a chart that renders it empty is valid', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  loadBalancerClass: test.com/test-load-balancer-class'] })), ['field-not-allowed']);
    assert.deepEqual(codesOf(svc({ spec: ['  loadBalancerClass:'] })), []);
    assert.deepEqual(codesOf(svc({ spec: ['  loadBalancerClass: ~'] })), []);
    assert.deepEqual(codesOf(svc({ spec: ['  loadBalancerClass: ""'] })), ['field-not-allowed'], 'a pointer to "" is set');
    assert.deepEqual(codesOf(LB(['  loadBalancerClass: test.com/test-load-balancer-class'])), []);
  });

  test('TestValidateServiceExternalTrafficPolicy "cannot set healthCheckNodePort field on loadBalancer service with externalTrafficPolicy!=Local" and "… on nodePort service": field-not-allowed', () => {
    assert.deepEqual(codesOf(LB(['  externalTrafficPolicy: Cluster', '  healthCheckNodePort: 31100'])), ['field-not-allowed']);
    assert.deepEqual(codesOf(svc({ type: 'NodePort', spec: ['  externalTrafficPolicy: Local', '  healthCheckNodePort: 31100'] })), ['field-not-allowed']);
    assert.deepEqual(codesOf(svc({ type: 'NodePort', spec: ['  externalTrafficPolicy: Local', '  healthCheckNodePort: 0'] })), [], '0 is unset');
  });

  test('TestValidateServiceExternalTrafficPolicy "cannot set externalTrafficPolicy or healthCheckNodePort fields on clusterIP service": two field-not-allowed', () => {
    assert.deepEqual(codesOf(svc({ spec: ['  externalTrafficPolicy: Local', '  healthCheckNodePort: 31100'] })), ['field-not-allowed', 'field-not-allowed']);
    assert.deepEqual(codesOf(svc({ spec: ['  externalTrafficPolicy: ""'] })), [], '"" is unset');
  });

  test('TestValidateServiceExternalTrafficPolicy "cannot set externalTrafficPolicy field on ExternalName service": field-not-allowed', () => {
    assert.deepEqual(codesOf(svc({ type: 'ExternalName', spec: ['  externalName: a.example.com', '  externalTrafficPolicy: Local'] })), ['field-not-allowed']);
  });

  test('TestValidateServiceCreate "negative healthCheckNodePort field": invalid-port-number at the value; 31100 (the second case of that name) is valid', () => {
    const yaml = LB(['  externalTrafficPolicy: Local', '  healthCheckNodePort: -1']);
    const f = findingsOf(yaml);
    assert.deepEqual(f.map((x) => x.code), ['invalid-port-number']);
    assert.equal(yaml.slice(f[0].span.start, f[0].span.end), '-1');
    assert.deepEqual(codesOf(LB(['  externalTrafficPolicy: Local', '  healthCheckNodePort: 70000'])), ['invalid-port-number']);
    assert.deepEqual(codesOf(LB(['  externalTrafficPolicy: Local', '  healthCheckNodePort: "31100"'])), ['invalid-port-number'], 'a string is not an integer');
    assert.deepEqual(codesOf(LB(['  externalTrafficPolicy: Local', '  healthCheckNodePort: 31100'])), []);
  });

  test('TestValidateServiceExternalTrafficPolicy "valid loadBalancer service with externalTrafficPolicy and healthCheckNodePort set" (34567): valid to validation, refused by the allocator outside the node-port range', () => {
    const yaml = LB(['  externalTrafficPolicy: Local', '  healthCheckNodePort: 34567']);
    const f = findingsOf(yaml);
    assert.deepEqual(f.map((x) => x.code), ['nodeport-out-of-range']);
    assert.equal(yaml.slice(f[0].span.start, f[0].span.end), '34567');
    assert.deepEqual(codesOf(LB(['  externalTrafficPolicy: Local', '  healthCheckNodePort: 32767'])), []);
    assert.deepEqual(codesOf(LB(['  externalTrafficPolicy: Local', '  healthCheckNodePort: 34567']), { '.service-reach.yaml': 'nodePortRange: 30000-35000\n' }), []);
  });

  test('SetDefaults_Service: zero and empty values are unset (nodePort, healthCheckNodePort, targetPort, externalTrafficPolicy, sessionAffinity, type, loadBalancerSourceRanges)', () => {
    const yaml = svc({
      type: '""',
      spec: ['  externalTrafficPolicy: ""', '  sessionAffinity: ""', '  healthCheckNodePort: 0', '  loadBalancerSourceRanges: []'],
      ports: ['  ports:', '    - name: p', '      port: 8675', '      targetPort: 0', '      nodePort: 0'],
    });
    assert.deepEqual(codesOf(yaml), []);
  });
});
