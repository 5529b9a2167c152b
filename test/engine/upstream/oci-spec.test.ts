/**
 * How the OCI cloud controller reads a LoadBalancer Service, case by case after its own suite
 * (`pkg/cloudprovider/providers/oci/load_balancer_spec_test.go`, against `load_balancer_spec.go`), in our own
 * fixtures: the load balancer flavour, the management modes, preserve source, the NSG lists, what
 * `validateService` refuses (a refused Service gets no requirements at all), and the default source ranges.
 */
import * as assert from 'node:assert/strict';
import { ready } from '../../support/workspace';
import { parseYaml } from '../../../server/src/engine/parse/yaml';
import { objectsOf } from '../../../server/src/engine/k8s/manifests';
import { serviceOf } from '../../../server/src/engine/k8s/service';
import { exposureOf, type Exposure } from '../../../server/src/engine/exposure/requirements';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config/config';
import { codesOf as anyCodes, findingsOf as anyFindings, svc, TYPE, RULE_MODE, LB_LIST_MODE, NLB_LIST_MODE, PRESERVE, LB_NSGS, NLB_NSGS, BACKEND_NSG } from './fixtures';


const PINNED = ['  ports:', '    - name: http', '      port: 80', '      nodePort: 30080'];
const UDP = ['  ports:', '    - name: dns', '      port: 53', '      protocol: UDP', '      nodePort: 30053'];

function lb(annotations: Record<string, string> = {}, spec: string[] = [], ports = PINNED): string {
  return svc({ type: 'LoadBalancer', annotations, spec, ports });
}

/** The provider is OCI (as a workspace with an OCI annotation or rule source would have it). */
const OCI = { '.service-reach.yaml': 'provider: oci\n' };
const codesOf = (yaml: string) => anyCodes(yaml, OCI);
const findingsOf = (yaml: string) => anyFindings(yaml, OCI);

function exposure(yaml: string): Exposure {
  const objects = objectsOf('s.yaml', parseYaml(yaml).documents);
  return exposureOf(serviceOf(objects[0]), { config: DEFAULT_CONFIG, provider: 'oci' })!;
}

suite('OCI getLoadBalancerType, Test_getSecurityListManagementMode, Test_getRuleManagementMode', () => {
  suiteSetup(ready);

  test('getLoadBalancerType: lower-cased, not trimmed — "NLB" is an nlb, "nlb " an lb', () => {
    assert.equal(exposure(lb({ [TYPE]: 'nlb' })).oci?.flavour, 'nlb');
    assert.equal(exposure(lb({ [TYPE]: 'NLB' })).oci?.flavour, 'nlb');
    assert.equal(exposure(lb({ [TYPE]: 'nlb ' })).oci?.flavour, 'lb');
    assert.equal(exposure(lb({ [TYPE]: 'nlb ' })).oci?.mode, 'All', 'an lb: default mode All');
  });

  test('Test_getSecurityListManagementMode "defaults - lb", "defaults - nlb", "lb mode None|all|frontend", "nlb mode None|all|frontend"', () => {
    const mode = (a: Record<string, string>) => exposure(lb(a)).oci?.mode;
    assert.equal(mode({}), 'All');
    assert.equal(mode({ [TYPE]: 'nlb' }), 'None');
    assert.equal(mode({ [LB_LIST_MODE]: 'None' }), 'None');
    assert.equal(mode({ [LB_LIST_MODE]: 'All' }), 'All');
    assert.equal(mode({ [LB_LIST_MODE]: 'Frontend' }), 'Frontend');
    assert.equal(mode({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'None' }), 'None');
    assert.equal(mode({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'All' }), 'All');
    assert.equal(mode({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'Frontend' }), 'Frontend');
  });

  test('getSecurityListManagementMode: an invalid lb list mode falls back to All (a warning); an nlb one is refused (an error)', () => {
    const lbBad = findingsOf(lb({ [LB_LIST_MODE]: 'none' }));
    assert.deepEqual(lbBad.map((f) => [f.code, f.severity]), [['oci-invalid-annotation', 'warning']]);
    assert.equal(exposure(lb({ [LB_LIST_MODE]: 'none' })).oci?.mode, 'All');
    const nlbBad = findingsOf(lb({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'none' }));
    assert.deepEqual(nlbBad.map((f) => [f.code, f.severity]), [['oci-invalid-annotation', 'error']]);
  });

  test('Test_getRuleManagementMode "lb mode None": exactly None; "none" is refused like any other value', () => {
    const e = exposure(lb({ [RULE_MODE]: 'None' }));
    assert.equal(e.oci?.mode, 'None');
    assert.equal(e.oci?.refused, false);
    assert.deepEqual(codesOf(lb({ [RULE_MODE]: 'None' })), []);
    for (const v of ['none', 'NONE']) {
      const f = findingsOf(lb({ [RULE_MODE]: v }));
      assert.deepEqual(f.map((x) => [x.code, x.severity]), [['oci-invalid-annotation', 'error']], v);
      assert.match(f[0].message, /exactly None/);
      assert.equal(exposure(lb({ [RULE_MODE]: v })).oci?.refused, true);
    }
  });

  test('Test_getRuleManagementMode "lb mode all", "lb mode frontend", "lb mode nsg frontend", "case does not matter nsg|sl-all|sl-frontend"', () => {
    const mode = (a: Record<string, string>) => exposure(lb(a)).oci?.mode;
    assert.equal(mode({ [RULE_MODE]: 'SL-All' }), 'All');
    assert.equal(mode({ [RULE_MODE]: 'SL-Frontend' }), 'Frontend');
    assert.equal(mode({ [RULE_MODE]: 'NSG' }), 'NSG');
    assert.equal(mode({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'All', [RULE_MODE]: 'nsg' }), 'NSG');
    assert.equal(mode({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'All', [RULE_MODE]: 'sl-all' }), 'All');
    assert.equal(mode({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'All', [RULE_MODE]: 'sl-frontend' }), 'Frontend');
    assert.deepEqual(codesOf(lb({ [RULE_MODE]: 'sl-frontend' })), []);
  });

  test('Test_getRuleManagementMode "lb mode precedence" and "nlb mode precedence": the rule mode wins over the list mode', () => {
    assert.equal(exposure(lb({ [LB_LIST_MODE]: 'All', [RULE_MODE]: 'NSG' })).oci?.mode, 'NSG');
    assert.equal(exposure(lb({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'All', [RULE_MODE]: 'NSG' })).oci?.mode, 'NSG');
  });

  test('Test_getRuleManagementMode "invalid values should return none" and Test_validateService "nlb invalid seclist mgmt mode": both refused', () => {
    const f = findingsOf(lb({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'random', [RULE_MODE]: 'random' }));
    assert.deepEqual(f.map((x) => [x.code, x.severity]), [['oci-invalid-annotation', 'error'], ['oci-invalid-annotation', 'error']]);
    // validateService reads the nlb list mode every time: an invalid one refuses the Service even with a valid rule mode
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'Neither', [RULE_MODE]: 'SL-All' })), ['oci-invalid-annotation']);
    assert.equal(exposure(lb({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'Neither', [RULE_MODE]: 'SL-All' })).oci?.refused, true);
  });
});

suite('OCI Test_validateService: oci-udp-unsupported, oci-session-affinity-unsupported; a refused Service gets no requirements', () => {
  suiteSetup(ready);

  test('Test_validateService "lb with protocol udp": oci-udp-unsupported at the protocol; TCP on an lb: none', () => {
    const yaml = lb({}, [], UDP);
    const f = findingsOf(yaml);
    assert.deepEqual(f.map((x) => x.code), ['oci-udp-unsupported']);
    assert.equal(yaml.slice(f[0].span.start, f[0].span.end), 'UDP');
    assert.deepEqual(codesOf(lb({ [TYPE]: 'lb' })), []);
  });

  test('Test_validateService "nlb udp with seclist mgmt not None": oci-udp-unsupported; with the list mode None (the default): none', () => {
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'All' }, [], UDP)), ['oci-udp-unsupported']);
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'Frontend' }, [], UDP)), ['oci-udp-unsupported']);
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb' }, [], UDP)), []);
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'None' }, [], UDP)), []);
  });

  test('validateService judges UDP by the nlb list mode: the rule mode does not enter into it', () => {
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [RULE_MODE]: 'SL-All' }, [], UDP)), [], 'list mode None (default), rule mode All');
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'All', [RULE_MODE]: 'None' }, [], UDP)), ['oci-udp-unsupported'], 'list mode All, rule mode None');
  });

  test('Test_validateService "session affinity not none": oci-session-affinity-unsupported; "defaults": none', () => {
    assert.deepEqual(codesOf(lb({}, ['  sessionAffinity: ClientIP'])), ['oci-session-affinity-unsupported']);
    assert.deepEqual(codesOf(lb({}, ['  sessionAffinity: None'])), []);
  });

  test('NewLBSpec returns on the first error: a refused Service has no requirements at all (and a valid one has them)', () => {
    for (const yaml of [lb({}, [], UDP), lb({}, ['  sessionAffinity: ClientIP']), lb({ [RULE_MODE]: 'none' }), lb({ [LB_NSGS]: 'a,,b' })]) {
      const e = exposure(yaml);
      assert.equal(e.oci?.refused, true);
      assert.deepEqual(e.requirements, []);
    }
    assert.ok(exposure(lb()).requirements.length > 0);
    assert.deepEqual(exposure(lb({ [LB_LIST_MODE]: 'none' })).oci?.refused, false, 'a warning refuses nothing');
  });
});

suite('OCI Test_getPreserveSourceDestination', () => {
  suiteSetup(ready);
  const LOCAL = ['  externalTrafficPolicy: Local'];
  const CLUSTER = ['  externalTrafficPolicy: Cluster'];

  test('"oci LB default" and "oci LB, externalTrafficPolicy Local": no preserve source for an lb', () => {
    assert.equal(exposure(lb()).oci?.preserveSource, false);
    assert.equal(exposure(lb({}, LOCAL)).oci?.preserveSource, false);
  });

  test('"oci NLB default" (Cluster): false; "oci NLB, externalTrafficPolicy Local": true; "… disabled by annotation": false; "… enabled via annotation": true', () => {
    assert.equal(exposure(lb({ [TYPE]: 'nlb' })).oci?.preserveSource, false);
    assert.equal(exposure(lb({ [TYPE]: 'nlb' }, LOCAL)).oci?.preserveSource, true);
    assert.equal(exposure(lb({ [TYPE]: 'nlb', [PRESERVE]: 'false' }, LOCAL)).oci?.preserveSource, false);
    assert.equal(exposure(lb({ [TYPE]: 'nlb', [PRESERVE]: 'true' }, LOCAL)).oci?.preserveSource, true);
  });

  test('getPreserveSource compares the raw type annotation: with "NLB" there is no preserve source, and the annotation is ignored', () => {
    assert.equal(exposure(lb({ [TYPE]: 'NLB' }, LOCAL)).oci?.preserveSource, false);
    assert.deepEqual(codesOf(lb({ [TYPE]: 'NLB', [PRESERVE]: 'disable' }, LOCAL)), []);
    assert.deepEqual(codesOf(lb({ [TYPE]: 'NLB', [PRESERVE]: 'true' }, CLUSTER)), []);
  });

  test('"oci NLB, externalTrafficPolicy Local, bad annotation value": oci-invalid-annotation (Go\'s ParseBool)', () => {
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [PRESERVE]: 'disable' }, LOCAL)), ['oci-invalid-annotation']);
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [PRESERVE]: 'T' }, LOCAL)), []);
  });

  test('"oci NLB, externalTrafficPolicy Cluster, enabled via annotation" and "… disabled via annotation": oci-invalid-annotation, whatever the value', () => {
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [PRESERVE]: 'true' }, CLUSTER)), ['oci-invalid-annotation']);
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [PRESERVE]: 'false' }, CLUSTER)), ['oci-invalid-annotation']);
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [PRESERVE]: 'false' })), ['oci-invalid-annotation'], 'Cluster by default');
  });
});

suite('OCI Test_getNetworkSecurityGroups and Test_getBackendNetworkSecurityGroups', () => {
  suiteSetup(ready);
  const ocid = (n: number) => `ocid${n}`;

  test('"empty … annotation", "no … annotation", "update annotation", "duplicate NSG OCIDS": none (lb and nlb)', () => {
    for (const [type, key] of [['lb', LB_NSGS], ['nlb', NLB_NSGS]]) {
      assert.deepEqual(codesOf(lb({ [TYPE]: type, [key]: '' })), [], `${type} empty`);
      assert.deepEqual(codesOf(lb({ [TYPE]: type })), [], `${type} none`);
      assert.deepEqual(codesOf(lb({ [TYPE]: type, [key]: 'ocid1.networksecuritygroup.oc1.iad.aaaa' })), [], `${type} one`);
      assert.deepEqual(codesOf(lb({ [TYPE]: type, [key]: 'ocid1,ocid2, ocid1' })), [], `${type} duplicates`);
    }
  });

  test('"Allow maximum NSG OCIDS (Max: 5)": five are accepted; "Exceed maximum NSG OCIDS": six refused; duplicates dropped before counting', () => {
    assert.deepEqual(codesOf(lb({ [LB_NSGS]: [1, 2, 3, 4, 5].map(ocid).join(',') })), []);
    const f = findingsOf(lb({ [LB_NSGS]: [1, 2, 3, 4, 5, 6].map(ocid).join(',') }));
    assert.deepEqual(f.map((x) => [x.code, x.severity]), [['oci-invalid-annotation', 'error']]);
    assert.match(f[0].message, /more than 5/);
    assert.deepEqual(codesOf(lb({ [LB_NSGS]: 'ocid1, ocid2,ocid3,ocid4,ocid5,ocid1,ocid2' })), [], 'seven written, five distinct');
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [NLB_NSGS]: [1, 2, 3, 4, 5, 6].map(ocid).join(',') })), ['oci-invalid-annotation']);
  });

  test('getNetworkSecurityGroupIds: an empty entry (a stray comma, or only spaces) is refused', () => {
    for (const v of ['ocid1,,ocid2', 'ocid1,', ' ']) {
      const f = findingsOf(lb({ [LB_NSGS]: v }));
      assert.deepEqual(f.map((x) => x.code), ['oci-invalid-annotation'], JSON.stringify(v));
      assert.match(f[0].message, /empty entry/);
    }
  });

  test('"ServiceAnnotationLoadBalancerNetworkSecurityGroups Invalid NSG OCIDS": the controller does not check the OCIDs\' shape', () => {
    assert.deepEqual(codesOf(lb({ [LB_NSGS]: 'ocid1.networksecuritygroup.oc1.iad.aaaa-;,ocid1.networksecuritygroup.oc1.iad.bbbb' })), []);
  });

  test('the lb annotation is read for an lb only, the nlb one for an nlb only', () => {
    assert.deepEqual(codesOf(lb({ [TYPE]: 'nlb', [LB_NSGS]: 'a,,b' })), [], 'an nlb ignores oci.oraclecloud.com/oci-network-security-groups');
    assert.deepEqual(codesOf(lb({ [NLB_NSGS]: 'a,,b' })), [], 'an lb ignores the nlb annotation');
  });

  test('Test_getBackendNetworkSecurityGroups "more than 5": no limit; "duplicate NSG OCIDS": fine; an empty entry is refused', () => {
    assert.deepEqual(codesOf(lb({ [RULE_MODE]: 'NSG', [BACKEND_NSG]: [1, 2, 3, 4, 5, 6].map(ocid).join(',') })), []);
    assert.deepEqual(codesOf(lb({ [RULE_MODE]: 'NSG', [BACKEND_NSG]: 'ocid1,ocid2, ocid1' })), []);
    assert.deepEqual(codesOf(lb({ [RULE_MODE]: 'NSG', [BACKEND_NSG]: 'ocid1,,ocid2' })), ['oci-invalid-annotation']);
    assert.equal(exposure(lb({ [RULE_MODE]: 'NSG', [BACKEND_NSG]: 'ocid1, ocid1' })).oci?.backendNsg, true);
    assert.equal(exposure(lb({ [RULE_MODE]: 'NSG', [BACKEND_NSG]: '' })).oci?.backendNsg, false);
  });
});

suite('OCI Test_getLoadBalancerSourceRanges: default sources follow ipFamilies', () => {
  suiteSetup(ready);
  const ranges = (spec: string[]) => exposure(lb({}, spec)).sourceRanges;

  test('"IpFamilies IPv4 SingleStack": 0.0.0.0/0 (the default when nothing is said)', () => {
    assert.deepEqual(ranges(['  ipFamilies: [IPv4]', '  ipFamilyPolicy: SingleStack']), ['0.0.0.0/0']);
    assert.deepEqual(ranges([]), ['0.0.0.0/0']);
  });

  test('"IpFamilies IPv6 SingleStack": ::/0 (also with 0.0.0.0/0 written: the controller treats it as the default)', () => {
    assert.deepEqual(ranges(['  ipFamilies: [IPv6]', '  ipFamilyPolicy: SingleStack']), ['::/0']);
    assert.deepEqual(ranges(['  ipFamilies: [IPv6]']), ['::/0']);
    assert.deepEqual(ranges(['  ipFamilies: [IPv6]', '  loadBalancerSourceRanges: [0.0.0.0/0]']), ['::/0']);
  });

  test('"IpFamilies IPv4, IPv6 PreferDualStack" and "… RequireDualStack": both', () => {
    assert.deepEqual(ranges(['  ipFamilies: [IPv4, IPv6]', '  ipFamilyPolicy: PreferDualStack']), ['0.0.0.0/0', '::/0']);
    assert.deepEqual(ranges(['  ipFamilies: [IPv4, IPv6]', '  ipFamilyPolicy: RequireDualStack']), ['0.0.0.0/0', '::/0']);
  });

  test('"IpFamilies IPv4 IPv6 Custom Cidr provided in spec" and "IpFamilies IPv6 Custom Cidr …": what is written, host bits cleared', () => {
    assert.deepEqual(ranges(['  loadBalancerSourceRanges: [2.2.2.0/24]', '  ipFamilies: [IPv4, IPv6]', '  ipFamilyPolicy: PreferDualStack']), ['2.2.2.0/24']);
    assert.deepEqual(ranges(['  loadBalancerSourceRanges: [1.1.1.0/24, "2603:c120:000f:8b99:0000:0000:0000:0000/64"]', '  ipFamilies: [IPv6]']), ['1.1.1.0/24', '2603:c120:f:8b99::/64']);
    assert.deepEqual(ranges(['  loadBalancerSourceRanges: [10.0.0.1/24, 010.0.0.7/24]']), ['10.0.0.0/24'], 'each once');
  });

  test('the listeners are required from the default ranges of the families', () => {
    const e = exposure(lb({ [LB_LIST_MODE]: 'None' }, ['  ipFamilies: [IPv4, IPv6]', '  ipFamilyPolicy: RequireDualStack']));
    assert.deepEqual(e.requirements.filter((r) => r.traffic === 'clients-to-lb').map((r) => (r.from.kind === 'cidr' ? r.from.cidr : 'any')), ['0.0.0.0/0', '::/0']);
  });
});
