/**
 * Which rules the OCI cloud controller writes, and so which are the user's, after its own suites
 * (`load_balancer_security_lists_test.go`, `load_balancer_network_security_group_test.go`,
 * `load_balancer_spec_test.go`), in our own fixtures: the worker ingress and the load-balancer egress it writes
 * per mode (TCP only), the NSG mode with and without backend NSGs, a load balancer without node ports, and an
 * unpinned node port that no rule of a layer opens.
 */
import * as assert from 'node:assert/strict';
import { ready, workspace } from '../../support/workspace';
import { requirementStatuses } from '../../../server/src/engine/features/status';
import { sourceVerdicts } from '../../../server/src/engine/features/chain';
import { config, found, lineOf, securityList, svc, type JsonRule, TYPE, RULE_MODE, LB_LIST_MODE, NLB_LIST_MODE, BACKEND_NSG } from './fixtures';


const LB_SUBNET = '10.0.20.0/24';
const CFG = config(['w.json'], ['lb.json'], LB_SUBNET);
/** Worker ingress the cloud controller writes in mode All: from the LB subnet, the node port and 10256. */
const WORKERS_OPEN = securityList('workers', [{ protocol: '6', peer: LB_SUBNET, min: 30000, max: 32767 }, { protocol: '6', peer: LB_SUBNET, min: 10256 }]);
const WORKERS_SSH = securityList('workers', [{ protocol: '6', peer: '10.0.0.0/29', min: 22 }]);
const LB_INGRESS: JsonRule[] = [{ protocol: '6', peer: '0.0.0.0/0', min: 80 }];
const lbList = (egress: JsonRule[]) => securityList('lb', LB_INGRESS, egress);

function lb(annotations: Record<string, string>, spec: string[] = [], ports = ['  ports:', '    - name: http', '      port: 80', '      nodePort: 30080']): string {
  return svc({ type: 'LoadBalancer', annotations, spec, ports });
}

const files = (yaml: string, workers: string, lbJson: string) => ({ 'svc.yaml': yaml, 'w.json': workers, 'lb.json': lbJson, '.service-reach.yaml': CFG });

suite('OCI TestGetLoadBalancerEgressRules: lb-egress-closed', () => {
  suiteSetup(ready);

  test('"new egress": in mode All the controller writes the LB subnet\'s egress to the node port and 10256 — nothing is the user\'s', () => {
    assert.deepEqual(found(files(lb({}), WORKERS_OPEN, lbList([]))), []);
  });

  test('mode Frontend (no egress written): lb-egress-closed at the nodePort and at the health-check anchor', () => {
    const yaml = lb({ [LB_LIST_MODE]: 'Frontend' });
    assert.deepEqual(found(files(yaml, WORKERS_OPEN, lbList([]))), [`lb-egress-closed@${lineOf(yaml, 'nodePort')}`, `lb-egress-closed@${lineOf(yaml, 'type: LoadBalancer')}`]);
  });

  test('mode Frontend, near misses: an egress rule to the workers (or anywhere) on the ports, or on all protocols', () => {
    const yaml = lb({ [LB_LIST_MODE]: 'Frontend' });
    assert.deepEqual(found(files(yaml, WORKERS_OPEN, lbList([{ protocol: 'all', peer: '0.0.0.0/0' }]))), []);
    assert.deepEqual(found(files(yaml, WORKERS_OPEN, lbList([{ protocol: '6', peer: '10.0.10.0/24', min: 30000, max: 32767 }, { protocol: '6', peer: '10.0.10.0/24', min: 10256 }]))), []);
    // only the node port: the health check's way out is still closed
    assert.deepEqual(found(files(yaml, WORKERS_OPEN, lbList([{ protocol: '6', peer: '10.0.10.0/24', min: 30080 }]))), [`lb-egress-closed@${lineOf(yaml, 'type: LoadBalancer')}`]);
  });

  test('an egress rule of the wrong protocol or for other ports does not count; ingress rules never count as egress', () => {
    const yaml = lb({ [LB_LIST_MODE]: 'None' });
    const lbIn = securityList('lb', [...LB_INGRESS, { protocol: 'all', peer: '0.0.0.0/0' }], [{ protocol: '17', peer: '0.0.0.0/0' }, { protocol: '6', peer: '0.0.0.0/0', min: 443 }]);
    assert.deepEqual(found(files(yaml, WORKERS_OPEN, lbIn)).filter((k) => k.startsWith('lb-egress')), [`lb-egress-closed@${lineOf(yaml, 'nodePort')}`, `lb-egress-closed@${lineOf(yaml, 'type: LoadBalancer')}`]);
  });

  test('egress rules in Terraform: a list\'s egress_security_rules and an NSG\'s EGRESS rule resources', () => {
    const yaml = lb({ [LB_LIST_MODE]: 'None' });
    const tfList = (egress: string) => `resource "oci_core_security_list" "lb" {\n  display_name = "lb"\n  ingress_security_rules {\n    protocol = "6"\n    source   = "0.0.0.0/0"\n    tcp_options {\n      min = 80\n      max = 80\n    }\n  }\n${egress}}\n`;
    const open = '  egress_security_rules {\n    protocol    = "6"\n    destination = "10.0.10.0/24"\n    tcp_options {\n      min = 10256\n      max = 32767\n    }\n  }\n';
    const base = { 'svc.yaml': yaml, 'w.json': WORKERS_OPEN, '.service-reach.yaml': config(['w.json'], ['net/lb.tf'], LB_SUBNET) };
    assert.deepEqual(found({ ...base, 'net/lb.tf': tfList(open) }), []);
    assert.deepEqual(found({ ...base, 'net/lb.tf': tfList('') }).map((k) => k.split('@')[0]), ['lb-egress-closed', 'lb-egress-closed']);

    const nsg = (direction: string) => `resource "oci_core_network_security_group" "lb" {\n  display_name = "lb"\n}\n\nresource "oci_core_network_security_group_security_rule" "in" {\n  network_security_group_id = oci_core_network_security_group.lb.id\n  direction = "INGRESS"\n  protocol  = "6"\n  source    = "0.0.0.0/0"\n  tcp_options {\n    destination_port_range {\n      min = 80\n      max = 80\n    }\n  }\n}\n\nresource "oci_core_network_security_group_security_rule" "out" {\n  network_security_group_id = oci_core_network_security_group.lb.id\n  direction        = "${direction}"\n  protocol         = "6"\n  destination      = "10.0.10.0/24"\n  destination_type = "CIDR_BLOCK"\n  source           = "10.0.10.0/24"\n  tcp_options {\n    destination_port_range {\n      min = 10256\n      max = 32767\n    }\n  }\n}\n`;
    const nsgBase = { ...base, '.service-reach.yaml': config(['w.json'], ['net/nsg.tf#oci_core_network_security_group.lb'], LB_SUBNET) };
    assert.deepEqual(found({ ...nsgBase, 'net/nsg.tf': nsg('EGRESS') }), []);
    assert.deepEqual(found({ ...nsgBase, 'net/nsg.tf': nsg('INGRESS') }).map((k) => k.split('@')[0]), ['lb-egress-closed', 'lb-egress-closed'], 'the same rule as ingress');
  });

  test('the hover\'s per-source verdicts judge the egress requirements by the egress rules', () => {
    const verdicts = (lbJson: string) => {
      const ws = workspace(files(lb({ [LB_LIST_MODE]: 'Frontend' }), WORKERS_OPEN, lbJson));
      const analysis = ws.analyze();
      const statuses = requirementStatuses(analysis, analysis.services[0]).filter((st) => st.requirement.traffic === 'lb-egress-to-nodes');
      assert.equal(statuses.length, 2, 'the node port and the health-check port');
      return statuses.flatMap((st) => sourceVerdicts(analysis, st).map((v) => `${v.source.label}:${v.allowed}`));
    };
    assert.deepEqual(verdicts(lbList([{ protocol: 'all', peer: '0.0.0.0/0' }])), ['security list "lb":true', 'security list "lb":true']);
    // an ingress rule that would let everything in says nothing about the way out
    assert.deepEqual(verdicts(securityList('lb', [{ protocol: 'all', peer: '0.0.0.0/0' }])), ['security list "lb":false', 'security list "lb":false']);
  });

  test('no load-balancer lists known: no egress finding', () => {
    const yaml = lb({ [LB_LIST_MODE]: 'None' });
    assert.deepEqual(found({ 'svc.yaml': yaml, 'w.json': WORKERS_OPEN, '.service-reach.yaml': `loadBalancers:\n  subnetCidrs: [${LB_SUBNET}]\n` }), []);
  });
});

suite('OCI TestGenerateLbNsgEgressRules / TestGenerateBackendNsgIngressRules: the NSG mode', () => {
  suiteSetup(ready);

  test('"egress on multiple backend nsgIds" and "ingress backend rules": with backend NSGs the controller writes the egress and the worker ingress', () => {
    const yaml = lb({ [RULE_MODE]: 'NSG', [BACKEND_NSG]: 'ocid1.nsg.oc1..a, ocid1.nsg.oc1..b' });
    assert.deepEqual(found(files(yaml, WORKERS_SSH, lbList([]))), []);
  });

  test('"empty backend nsg ocid": no backend NSG, so the worker ingress and the LB egress are the user\'s', () => {
    const yaml = lb({ [RULE_MODE]: 'NSG' });
    const keys = found(files(yaml, WORKERS_SSH, lbList([])));
    assert.deepEqual(keys, [
      `lb-egress-closed@${lineOf(yaml, 'nodePort')}`, `lb-egress-closed@${lineOf(yaml, 'type: LoadBalancer')}`,
      `security-list-port-closed@${lineOf(yaml, 'nodePort')}`, `security-list-port-closed@${lineOf(yaml, 'type: LoadBalancer')}`,
    ]);
  });
});

suite('OCI TestGetNodeIngressRules / TestMakeIngressSecurityRuleHasProtocolOptions: worker ingress', () => {
  suiteSetup(ready);

  test('TestGetNodeIngressRules "new ingress": mode All writes the worker rules; mode Frontend leaves them to the user', () => {
    assert.deepEqual(found(files(lb({}), WORKERS_SSH, lbList([]))), []);
    const yaml = lb({ [LB_LIST_MODE]: 'Frontend' });
    assert.deepEqual(found(files(yaml, WORKERS_SSH, lbList([{ protocol: 'all', peer: '0.0.0.0/0' }]))),
      [`security-list-port-closed@${lineOf(yaml, 'nodePort')}`, `security-list-port-closed@${lineOf(yaml, 'type: LoadBalancer')}`]);
    assert.deepEqual(found(files(yaml, WORKERS_OPEN, lbList([{ protocol: 'all', peer: '0.0.0.0/0' }]))), []);
  });

  test('TestMakeIngressSecurityRuleHasProtocolOptions: the rules the controller writes are TCP ("6"); a UDP port is the user\'s even in a managed mode', () => {
    // an nlb whose list mode is None (UDP allowed) but whose rule mode is SL-All: the TCP rules are written, the UDP ones are not
    const ports = ['  ports:', '    - name: http', '      port: 80', '      nodePort: 30080', '    - name: dns', '      port: 53', '      protocol: UDP', '      nodePort: 30053'];
    const yaml = lb({ [TYPE]: 'nlb', [RULE_MODE]: 'SL-All' }, [], ports);
    const lbAll = securityList('lb', [{ protocol: 'all', peer: '0.0.0.0/0' }], [{ protocol: 'all', peer: '0.0.0.0/0' }]);
    assert.deepEqual(found(files(yaml, WORKERS_SSH, lbAll)), [`security-list-port-closed@${lineOf(yaml, 'nodePort: 30053')}`]);
    const workersUdp = securityList('workers', [{ protocol: '17', peer: LB_SUBNET, min: 30053 }]);
    assert.deepEqual(found(files(yaml, workersUdp, lbAll)), []);
    // the UDP listener and its way out are the user's too
    const lbTcpOnly = securityList('lb', [{ protocol: '6', peer: '0.0.0.0/0' }], [{ protocol: '6', peer: '0.0.0.0/0' }]);
    assert.deepEqual(found(files(yaml, workersUdp, lbTcpOnly)), [`lb-egress-closed@${lineOf(yaml, 'nodePort: 30053')}`, `lb-listener-closed@${lineOf(yaml, '- name: dns')}`]);
  });

  test('TestGetNodeIngressRules_NLB "new ingress without source IP preservation" / "update service to preserve source": the client ranges on the workers', () => {
    const spec = ['  externalTrafficPolicy: Local', '  healthCheckNodePort: 32000', '  loadBalancerSourceRanges: [203.0.113.0/24]'];
    const lbAll = securityList('lb', [{ protocol: 'all', peer: '0.0.0.0/0' }], [{ protocol: 'all', peer: '0.0.0.0/0' }]);
    const fromLb = securityList('workers', [{ protocol: '6', peer: LB_SUBNET }]);
    // mode All: the controller adds the client rules
    assert.deepEqual(found(files(lb({ [TYPE]: 'nlb', [NLB_LIST_MODE]: 'All' }, spec), fromLb, lbAll)), []);
    // mode None: they are the user's
    const yaml = lb({ [TYPE]: 'nlb' }, spec);
    assert.deepEqual(found(files(yaml, fromLb, lbAll)).filter((k) => !k.startsWith('source-ranges')), [`security-list-port-closed@${lineOf(yaml, 'nodePort')}`]);
    const fromClients = securityList('workers', [{ protocol: '6', peer: LB_SUBNET }, { protocol: '6', peer: '203.0.113.0/24', min: 30080 }]);
    assert.deepEqual(found(files(yaml, fromClients, lbAll)).filter((k) => !k.startsWith('source-ranges')), []);
    // "NLB": an nlb that does not preserve the source
    assert.deepEqual(found(files(lb({ [TYPE]: 'NLB' }, spec), fromLb, lbAll)).filter((k) => !k.startsWith('source-ranges')), []);
  });
});

suite('OCI Test_getPorts / getNodeIngressRules (BackendPort 0): oci-no-node-ports', () => {
  suiteSetup(ready);
  const OCI = { '.service-reach.yaml': 'provider: oci\n' };
  const ports = ['  ports:', '    - name: http', '      port: 80', '    - name: https', '      port: 443', '      nodePort: 30443'];

  test('allocateLoadBalancerNodePorts: false and a port without nodePort: the backends are on port 0 — a warning at that port item', () => {
    const yaml = lb({}, ['  allocateLoadBalancerNodePorts: false'], ports);
    const keys = found({ 'svc.yaml': yaml, ...OCI });
    assert.deepEqual(keys, [`oci-no-node-ports@${lineOf(yaml, '- name: http')}`]);
  });

  test('near misses: every port pinned, node ports allocated, or not OCI', () => {
    const pinned = ['  ports:', '    - name: http', '      port: 80', '      nodePort: 30080'];
    assert.deepEqual(found({ 'svc.yaml': lb({}, ['  allocateLoadBalancerNodePorts: false'], pinned), ...OCI }), []);
    assert.deepEqual(found({ 'svc.yaml': lb({}, ['  allocateLoadBalancerNodePorts: true'], ports), ...OCI }), []);
    assert.deepEqual(found({ 'svc.yaml': lb({}, ['  allocateLoadBalancerNodePorts: false'], ports), '.service-reach.yaml': 'provider: generic\n' }), []);
  });

  test('Test_validateService "lb with protocol udp": a refused Service gets no reachability finding at all (no requirement, nothing to go around)', () => {
    const ports = ['  ports:', '    - name: dns', '      port: 53', '      protocol: UDP', '      nodePort: 30053'];
    const yaml = lb({ [LB_LIST_MODE]: 'None' }, ['  loadBalancerSourceRanges: [203.0.113.0/24]'], ports);
    const world = securityList('workers', [{ protocol: 'all', peer: '0.0.0.0/0' }]);
    assert.deepEqual(found(files(yaml, world, lbList([]))).map((k) => k.split('@')[0]), ['oci-udp-unsupported']);
    // the same Service over TCP is built: its ranges can be walked around, and its way out is closed
    const tcp = lb({ [LB_LIST_MODE]: 'None' }, ['  loadBalancerSourceRanges: [203.0.113.0/24]'], ports.map((l) => l.replace('UDP', 'TCP')));
    assert.deepEqual(found(files(tcp, world, lbList([]))).map((k) => k.split('@')[0]), ['lb-egress-closed', 'lb-egress-closed', 'lb-listener-closed', 'source-ranges-bypassed']);
  });

  test('a Service the controller refuses builds no load balancer: no oci-no-node-ports on it', () => {
    const yaml = lb({}, ['  allocateLoadBalancerNodePorts: false', '  sessionAffinity: ClientIP'], ports);
    assert.deepEqual(found({ 'svc.yaml': yaml, ...OCI }).map((k) => k.split('@')[0]), ['oci-session-affinity-unsupported']);
  });
});

suite('Kubernetes "valid type=NodePort service without NodePort" / OCI TestGetNodeIngressRules: nodeport-unpinned', () => {
  suiteSetup(ready);
  const unpinned = (type: string, annotations: Record<string, string> = {}, spec: string[] = []) =>
    svc({ type, annotations, spec, ports: ['  ports:', '    - name: echo', '      port: 8080'] });
  const zone = (body: string, attrs = '') => `<?xml version="1.0" encoding="utf-8"?>\n<zone${attrs}>\n  <service name="ssh"/>\n${body}</zone>\n`;

  test('no port of the range is open in a list: an error that says pinning alone cannot help', () => {
    const yaml = unpinned('NodePort');
    assert.deepEqual(found({ 'svc.yaml': yaml, 'w.json': WORKERS_SSH }), [`nodeport-unpinned@${lineOf(yaml, '- name: echo')}`]);
    const finding = workspace({ 'svc.yaml': unpinned('NodePort'), 'w.json': WORKERS_SSH }).analyze().findings[0];
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /no port of 30000-32767 is open/);
    assert.match(finding.message, /Pinning alone cannot help/);
  });

  test('near miss: a list that opens part of the range makes it a warning (pin to an open port)', () => {
    const part = securityList('workers', [{ protocol: '6', peer: '0.0.0.0/0', min: 30080 }]);
    const finding = workspace({ 'svc.yaml': unpinned('NodePort'), 'w.json': part }).analyze().findings;
    assert.deepEqual(finding.map((f) => [f.code, f.severity]), [['nodeport-unpinned', 'warning']]);
    assert.match(finding[0].message, /pin the nodePort to a port they allow/);
  });

  test('firewalld: a closed node port is a warning (DNAT), so no open port is still a warning — an error with StrictForwardPorts and for the health-check port', () => {
    const sev = (files: Record<string, string>) => workspace(files).analyze().findings.map((f) => `${f.code}:${f.severity}`);
    assert.deepEqual(sev({ 'svc.yaml': unpinned('NodePort'), 'public.xml': zone('') }), ['nodeport-unpinned:warning']);
    assert.deepEqual(sev({ 'svc.yaml': unpinned('NodePort'), 'public.xml': zone(''), 'firewalld.conf': 'StrictForwardPorts=yes\n' }), ['nodeport-unpinned:error']);
    assert.deepEqual(sev({ 'svc.yaml': unpinned('NodePort'), 'public.xml': zone('  <port port="31000" protocol="tcp"/>\n'), 'firewalld.conf': 'StrictForwardPorts=yes\n' }), ['nodeport-unpinned:warning']);
    // the health-check port is served on the host: no open port of the range is an error
    const local = unpinned('LoadBalancer', { [LB_LIST_MODE]: 'None' }, ['  externalTrafficPolicy: Local']);
    const hc = workspace({ 'svc.yaml': local, 'public.xml': zone('  <port port="30000-32767" protocol="udp"/>\n') }).analyze().findings;
    assert.deepEqual(hc.filter((f) => f.span.start === local.indexOf('Local')).map((f) => `${f.code}:${f.severity}`), ['nodeport-unpinned:error']);
  });

  test('the egress layer alike: no egress to any node port in mode None is an error', () => {
    const yaml = unpinned('LoadBalancer', { [LB_LIST_MODE]: 'None' });
    const lbNoEgress = lbList([{ protocol: '6', peer: '0.0.0.0/0', min: 443 }]);
    const f = workspace({ 'svc.yaml': yaml, 'w.json': WORKERS_OPEN, 'lb.json': lbNoEgress, '.service-reach.yaml': CFG }).analyze().findings
      .filter((x) => x.code === 'nodeport-unpinned');
    assert.deepEqual(f.map((x) => x.severity), ['error']);
    assert.match(f[0].message, /egress/);
    const lbSome = lbList([{ protocol: '6', peer: '0.0.0.0/0', min: 30080 }, { protocol: '6', peer: '0.0.0.0/0', min: 10256 }]);
    assert.deepEqual(workspace({ 'svc.yaml': yaml, 'w.json': WORKERS_OPEN, 'lb.json': lbSome, '.service-reach.yaml': CFG }).analyze().findings
      .filter((x) => x.code === 'nodeport-unpinned').map((x) => x.severity), ['warning']);
  });
});
