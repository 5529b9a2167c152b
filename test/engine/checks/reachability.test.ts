import * as assert from 'node:assert/strict';
import { codes, keys, ready, findingsOf } from '../../support/workspace';

const zone = (body: string, attrs = '') => `<?xml version="1.0" encoding="utf-8"?>\n<zone${attrs}>\n  <short>Public</short>\n${body}\n</zone>\n`;

function nodePort(port = 30080, proto = 'TCP', extra = ''): string {
  return `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      protocol: ${proto}\n      nodePort: ${port}\n${extra}`;
}

function loadBalancer(opts: { annotations?: Record<string, string>; spec?: string; ports?: string } = {}): string {
  const ann = Object.entries(opts.annotations ?? {}).map(([k, v]) => `    ${k}: "${v}"`).join('\n');
  return `apiVersion: v1
kind: Service
metadata:
  name: shop
${ann ? `  annotations:\n${ann}\n` : ''}spec:
  type: LoadBalancer
${opts.spec ?? ''}  ports:
${opts.ports ?? '    - port: 443\n      nodePort: 30443\n'}`;
}

const seclist = (rules: object[], extra: object = {}) => JSON.stringify({ data: { 'display-name': 'workers', id: 'ocid1.securitylist.oc1..w', 'ingress-security-rules': rules, ...extra } }, null, 2);
const tcp = (source: string, min: number, max = min) => ({ protocol: '6', source, 'source-type': 'CIDR_BLOCK', 'tcp-options': { 'destination-port-range': { min, max } } });
const NONE = { 'service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode': 'None' };

suite('Reachability: firewalld', () => {
  suiteSetup(ready);

  test('a closed node port is a warning; an open one, a range or a service is not', () => {
    const f = findingsOf({ 'svc.yaml': nodePort(), 'zones/public.xml': zone('  <service name="ssh"/>') });
    assert.deepEqual(f.map((x) => [x.code, x.severity]), [['firewalld-port-closed', 'warning']]);
    assert.equal(f[0].related[0].path, 'zones/public.xml');
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'zones/public.xml': zone('  <port port="30080" protocol="tcp"/>') }), []);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'zones/public.xml': zone('  <port port="30000-32767" protocol="tcp"/>') }), []);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'zones/public.xml': zone('  <service name="kube-worker"/>') }), [], 'kube-worker includes kube-nodeport-services');
  });

  test('kube-nodeport-services is TCP only', () => {
    assert.deepEqual(codes({ 'svc.yaml': nodePort(30053, 'UDP'), 'zones/public.xml': zone('  <service name="kube-nodeport-services"/>') }), ['firewalld-port-closed']);
  });

  test('StrictForwardPorts=yes (firewalld.conf or config) makes it an error', () => {
    const f = findingsOf({ 'svc.yaml': nodePort(), 'etc/firewalld/zones/public.xml': zone(''), 'etc/firewalld/firewalld.conf': 'DefaultZone=public\nStrictForwardPorts=yes\n' });
    assert.deepEqual(f.map((x) => x.severity), ['error']);
    const g = findingsOf({ 'svc.yaml': nodePort(), 'public.xml': zone(''), '.service-reach.yaml': 'nodes:\n  firewalld:\n    strictForwardPorts: true\n' });
    assert.deepEqual(g.map((x) => x.severity), ['error']);
  });

  test('the health-check port is always an error, anchored at healthCheckNodePort, else externalTrafficPolicy, else type', () => {
    const svc = loadBalancer({ spec: '  externalTrafficPolicy: Local\n  healthCheckNodePort: 32000\n' });
    assert.deepEqual(keys({ 'svc.yaml': svc, 'public.xml': zone('  <port port="30443" protocol="tcp"/>') }), ['svc.yaml:8 firewalld-port-closed']);
    assert.equal(findingsOf({ 'svc.yaml': svc, 'public.xml': zone('  <port port="30443" protocol="tcp"/>') })[0].severity, 'error');
    assert.deepEqual(keys({ 'svc.yaml': loadBalancer({ spec: '  externalTrafficPolicy: Cluster\n' }), 'public.xml': zone('  <port port="30443" protocol="tcp"/>') }), ['svc.yaml:7 firewalld-port-closed']);
    assert.deepEqual(keys({ 'svc.yaml': loadBalancer(), 'public.xml': zone('  <port port="30443" protocol="tcp"/>') }), ['svc.yaml:6 firewalld-port-closed']);
  });

  test('rich rules: source must hold the LB subnet; drop wins; no port means every port', () => {
    const cfg = 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n';
    const rich = (src: string, action: string, port = '<port port="30443" protocol="tcp"/>') => `  <rule family="ipv4"><source address="${src}"/>${port}<${action}/></rule>\n  <port port="10256" protocol="tcp"/>`;
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer(), 'public.xml': zone(rich('10.0.0.0/16', 'accept')), '.service-reach.yaml': cfg }), []);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer(), 'public.xml': zone(rich('10.0.20.128/25', 'accept')), '.service-reach.yaml': cfg }), ['firewalld-port-closed']);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer(), 'public.xml': zone(rich('10.0.0.0/16', 'accept', '')), '.service-reach.yaml': cfg }), []);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer(), 'public.xml': zone(`  <port port="30443" protocol="tcp"/>\n${rich('10.0.20.0/24', 'drop')}`), '.service-reach.yaml': cfg }), ['firewalld-port-closed']);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer(), 'public.xml': zone(`  <port port="30443" protocol="tcp"/>\n${rich('192.0.2.0/24', 'reject')}`), '.service-reach.yaml': cfg }), []);
  });

  test('rule matching is per rule: a matching deny wins, and from any source any deny on the port matches', () => {
    const deny = '  <port port="30080" protocol="tcp"/>\n  <rule family="ipv4"><source address="198.51.100.0/24"/><port port="30080" protocol="tcp"/><drop/></rule>';
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'public.xml': zone(deny) }), ['firewalld-port-closed']);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'public.xml': zone(deny), '.service-reach.yaml': 'nodes:\n  clientCidrs: [203.0.113.0/24]\n' }), []);
    const halves = '  <rule family="ipv4"><source address="203.0.113.0/25"/><port port="30080" protocol="tcp"/><accept/></rule>\n  <rule family="ipv4"><source address="203.0.113.128/25"/><port port="30080" protocol="tcp"/><accept/></rule>';
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'public.xml': zone(halves), '.service-reach.yaml': 'nodes:\n  clientCidrs: [203.0.113.0/24]\n' }), ['firewalld-port-closed'], 'no single rule holds the whole source');
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'public.xml': zone(halves), '.service-reach.yaml': 'nodes:\n  clientCidrs: [203.0.113.0/25]\n' }), []);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'public.xml': zone('  <rule family="ipv6"><port port="30080" protocol="tcp"/><accept/></rule>'), '.service-reach.yaml': 'nodes:\n  clientCidrs: [203.0.113.0/24]\n' }), ['firewalld-port-closed'], 'an ipv6 rule does not admit IPv4 clients');
  });

  test('zone target ACCEPT allows everything not denied', () => {
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'public.xml': zone('', ' target="ACCEPT"') }), []);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'public.xml': zone('', ' target="DROP"') }), ['firewalld-port-closed']);
  });

  test('which zone: nodes.firewalld.zones, else DefaultZone, else public; etc/ overrides usr/lib/', () => {
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'trusted.xml': zone('', ' target="ACCEPT"'), 'public.xml': zone('') }), ['firewalld-port-closed']);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'trusted.xml': zone('', ' target="ACCEPT"'), 'public.xml': zone(''), 'firewalld.conf': 'DefaultZone=trusted\n' }), []);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'k8s.xml': zone('  <port port="30080" protocol="tcp"/>'), 'public.xml': zone(''), '.service-reach.yaml': 'nodes:\n  firewalld:\n    zones: [k8s.xml]\n' }), []);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'usr/lib/firewalld/zones/public.xml': zone('  <port port="30080" protocol="tcp"/>'), 'etc/firewalld/zones/public.xml': zone('') }), ['firewalld-port-closed']);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'other.xml': zone('') }), [], 'no file of the chosen zone: firewalld is not configured');
  });

  test('a zone bound to source addresses decides for traffic from them', () => {
    const cfg = 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n';
    const internal = zone('  <source address="10.0.0.0/16"/>\n  <port port="30443" protocol="tcp"/>\n  <port port="10256" protocol="tcp"/>').replace('Public', 'Internal');
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer(), 'public.xml': zone(''), 'internal.xml': internal, '.service-reach.yaml': cfg }), []);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer(), 'public.xml': zone(''), 'internal.xml': internal }).sort(), ['firewalld-port-closed', 'firewalld-port-closed'], 'from any source the node zone decides');
  });

  test('workspace service definitions override built-ins and are expanded with includes', () => {
    const svcXml = '<?xml version="1.0"?>\n<service>\n  <short>web</short>\n  <port port="30080" protocol="tcp"/>\n</service>\n';
    const wrapper = '<?xml version="1.0"?>\n<service>\n  <include service="my-web"/>\n</service>\n';
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'services/my-web.xml': svcXml, 'services/wrapper.xml': wrapper, 'public.xml': zone('  <service name="wrapper"/>') }), []);
  });
});

suite('Reachability: OCI lists and NSGs', () => {
  suiteSetup(ready);

  test('mode All: the cloud controller writes the worker rules, no list finding', () => {
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer(), 'list.json': seclist([tcp('0.0.0.0/0', 22)]) }), []);
  });

  test('mode None: node port and health check from the LB subnet must be allowed', () => {
    const cfg = 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n';
    assert.deepEqual(keys({ 'svc.yaml': loadBalancer({ annotations: NONE }), 'list.json': seclist([tcp('10.0.20.0/24', 30443)]), '.service-reach.yaml': cfg }), ['svc.yaml:8 security-list-port-closed']);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer({ annotations: NONE }), 'list.json': seclist([tcp('10.0.0.0/16', 30000, 32767), tcp('10.0.0.0/16', 10256)]), '.service-reach.yaml': cfg }), []);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer({ annotations: NONE }), 'list.json': seclist([tcp('10.1.0.0/16', 30000, 32767), tcp('10.0.0.0/16', 10256)]), '.service-reach.yaml': cfg }), ['security-list-port-closed']);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer({ annotations: NONE }), 'list.json': seclist([{ protocol: 'all', source: '10.0.20.0/24' }]), '.service-reach.yaml': cfg }), []);
  });

  test('the union of all worker lists applies, also for a range split over two lists', () => {
    const a = seclist([tcp('0.0.0.0/0', 30000, 31000)]);
    const b = seclist([tcp('0.0.0.0/0', 31001, 32767)]).replace('"workers"', '"workers-b"');
    assert.deepEqual(codes({ 'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: e}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n', 'a.json': a, 'b.json': b }), []);
    assert.deepEqual(codes({ 'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: e}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n', 'a.json': a }), ['nodeport-unpinned']);
  });

  test('UDP needs protocol 17; SERVICE_CIDR_BLOCK never matches', () => {
    const udp = { protocol: '17', source: '0.0.0.0/0', 'udp-options': { 'destination-port-range': { min: 30053, max: 30053 } } };
    assert.deepEqual(codes({ 'svc.yaml': nodePort(30053, 'UDP'), 'l.json': seclist([udp]) }), []);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(30053, 'UDP'), 'l.json': seclist([tcp('0.0.0.0/0', 30053)]) }), ['security-list-port-closed']);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'l.json': seclist([{ ...tcp('oci-iad-objectstorage', 30080), 'source-type': 'SERVICE_CIDR_BLOCK' }]) }), ['security-list-port-closed']);
  });

  test('NSG rules in Terraform: nested destination_port_range; an NSG source matches only load-balancer traffic', () => {
    const tf = (source: string, sourceType: string) => `resource "oci_core_network_security_group_security_rule" "r" {
  network_security_group_id = oci_core_network_security_group.workers.id
  direction   = "INGRESS"
  protocol    = "6"
  source      = ${source}
  source_type = "${sourceType}"
  tcp_options {
    destination_port_range {
      min = 30000
      max = 32767
    }
  }
}
resource "oci_core_network_security_group_security_rule" "hc" {
  network_security_group_id = oci_core_network_security_group.workers.id
  direction   = "INGRESS"
  protocol    = "6"
  source      = ${source}
  source_type = "${sourceType}"
  tcp_options {
    destination_port_range {
      min = 10256
      max = 10256
    }
  }
}
`;
    const lbNone = loadBalancer({ annotations: NONE });
    assert.deepEqual(codes({ 'svc.yaml': lbNone, 'nsg.tf': tf('oci_core_network_security_group.lb.id', 'NETWORK_SECURITY_GROUP') }), []);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'nsg.tf': tf('oci_core_network_security_group.lb.id', 'NETWORK_SECURITY_GROUP') }), ['security-list-port-closed']);
    assert.deepEqual(codes({ 'svc.yaml': nodePort(), 'nsg.tf': tf('"0.0.0.0/0"', 'CIDR_BLOCK') }), []);
  });

  test('nlb preserve source with IPv6 source ranges needs rules for each range', () => {
    const nlb = loadBalancer({
      annotations: { 'oci.oraclecloud.com/load-balancer-type': 'nlb' },
      spec: '  externalTrafficPolicy: Local\n  healthCheckNodePort: 32000\n  loadBalancerSourceRanges: ["2001:db8::/32"]\n',
    });
    const ok = seclist([tcp('2001:db8::/32', 30443), tcp('0.0.0.0/0', 32000)]);
    assert.deepEqual(codes({ 'svc.yaml': nlb, 'l.json': ok }), []);
    const v4only = seclist([tcp('0.0.0.0/0', 30443), tcp('0.0.0.0/0', 32000)]);
    const f = findingsOf({ 'svc.yaml': nlb, 'l.json': v4only });
    assert.deepEqual(f.map((x) => x.code).sort(), ['security-list-port-closed', 'source-ranges-bypassed'], 'IPv4 clients outside the range reach the node port too');
    assert.match(f.find((x) => x.code === 'security-list-port-closed')!.message, /2001:db8::\/32/);
  });

  test('lb-listener-closed: mode None and load-balancer lists configured', () => {
    const cfg = 'loadBalancers:\n  securityLists: [lb.json]\n';
    const workers = seclist([tcp('0.0.0.0/0', 30000, 32767), tcp('0.0.0.0/0', 10256)]);
    // (egress to the nodes allowed: only the listener is in question here)
    const lbList = (port: number) => seclist([tcp('0.0.0.0/0', port)], { 'egress-security-rules': [{ protocol: 'all', destination: '0.0.0.0/0' }] }).replace('"workers"', '"lb"');
    assert.deepEqual(keys({ 'svc.yaml': loadBalancer({ annotations: NONE }), 'w.json': workers, 'lb.json': lbList(80), '.service-reach.yaml': cfg }), ['svc.yaml:10 lb-listener-closed']);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer({ annotations: NONE }), 'w.json': workers, 'lb.json': lbList(443), '.service-reach.yaml': cfg }), []);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer(), 'w.json': workers, 'lb.json': lbList(80), '.service-reach.yaml': cfg }), [], 'mode All: the controller writes it');
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer({ annotations: NONE }), 'w.json': workers, 'lb.json': lbList(80) }), [], 'no LB lists configured');
  });

  test('nodeport-unpinned only where a managed layer does not open the whole range; only that finding', () => {
    const unpinned = 'apiVersion: v1\nkind: Service\nmetadata: {name: e}\nspec:\n  type: NodePort\n  ports:\n    - port: 8080\n';
    assert.deepEqual(keys({ 'svc.yaml': unpinned, 'l.json': seclist([tcp('0.0.0.0/0', 30080)]), 'public.xml': zone('') }), ['svc.yaml:7 nodeport-unpinned']);
    assert.deepEqual(codes({ 'svc.yaml': unpinned, 'l.json': seclist([tcp('0.0.0.0/0', 30000, 32767)]) }), []);
    assert.deepEqual(codes({ 'svc.yaml': unpinned }), [], 'no layer known');
  });

  test('an unresolvable Terraform source is unknown, never wrong (and said, as information, at the rule)', () => {
    const tf = 'resource "oci_core_security_list" "w" {\n  ingress_security_rules {\n    protocol = "6"\n    source   = module.net.lb_cidr\n  }\n}\n';
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'n.tf': tf }), ['n.tf:2 rules-not-evaluated']);
  });
});

suite('Reachability: source-ranges-bypassed', () => {
  suiteSetup(ready);
  const admin = loadBalancer({ spec: '  loadBalancerSourceRanges:\n    - 203.0.113.0/24\n' });

  test('fires when a world-open worker rule lets clients reach the node port directly', () => {
    assert.deepEqual(keys({ 'svc.yaml': admin, 'l.json': seclist([tcp('0.0.0.0/0', 30000, 32767)]) }), ['svc.yaml:7 source-ranges-bypassed']);
  });

  test('not when every known layer is restricted: firewalld closes the port', () => {
    assert.deepEqual(codes({ 'svc.yaml': admin, 'l.json': seclist([tcp('0.0.0.0/0', 30000, 32767)]), 'public.xml': zone('  <port port="10256" protocol="tcp"/>') }).filter((c) => c === 'source-ranges-bypassed'), []);
  });

  test('without LB subnets only 0.0.0.0/0 counts; with them, any address outside counts', () => {
    assert.deepEqual(codes({ 'svc.yaml': admin, 'l.json': seclist([tcp('10.0.0.0/16', 30000, 32767)]) }), []);
    assert.deepEqual(codes({ 'svc.yaml': admin, 'l.json': seclist([tcp('10.0.0.0/16', 30000, 32767)]), '.service-reach.yaml': 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n' }), ['source-ranges-bypassed']);
    assert.deepEqual(codes({ 'svc.yaml': admin, 'l.json': seclist([tcp('10.0.20.0/24', 30000, 32767)]), '.service-reach.yaml': 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n' }), []);
  });

  test('not when the ranges include 0.0.0.0/0, and for the legacy annotation at its value', () => {
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer({ spec: '  loadBalancerSourceRanges: [0.0.0.0/0]\n' }), 'l.json': seclist([tcp('0.0.0.0/0', 30000, 32767)]) }), []);
    const legacy = loadBalancer({ annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': '203.0.113.0/24' } });
    assert.deepEqual(keys({ 'svc.yaml': legacy, 'l.json': seclist([tcp('0.0.0.0/0', 30000, 32767)]) }), ['svc.yaml:6 source-ranges-bypassed']);
  });
});

suite('OCI cloud-controller findings', () => {
  suiteSetup(ready);
  const udpPort = '    - port: 53\n      protocol: UDP\n      nodePort: 30053\n';

  test('oci-udp-unsupported: lb always; nlb unless its list mode is None (the rule mode does not enter into it)', () => {
    assert.deepEqual(keys({ 'svc.yaml': loadBalancer({ ports: udpPort, annotations: { 'oci.oraclecloud.com/load-balancer-type': 'lb' } }) }), ['svc.yaml:11 oci-udp-unsupported']);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer({ ports: udpPort, annotations: { 'oci.oraclecloud.com/load-balancer-type': 'nlb' } }) }), []);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer({ ports: udpPort, annotations: { 'oci.oraclecloud.com/load-balancer-type': 'nlb', 'oci.oraclecloud.com/security-rule-management-mode': 'SL-All' } }) }), []);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer({ ports: udpPort, annotations: { 'oci.oraclecloud.com/load-balancer-type': 'nlb', 'oci-network-load-balancer.oraclecloud.com/security-list-management-mode': 'All' } }) }), ['oci-udp-unsupported']);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer({ ports: udpPort }), '.service-reach.yaml': 'provider: generic\n' }), [], 'not OCI');
  });

  test('oci-session-affinity-unsupported at the sessionAffinity value', () => {
    assert.deepEqual(keys({ 'svc.yaml': loadBalancer({ spec: '  sessionAffinity: ClientIP\n', annotations: { 'oci.oraclecloud.com/load-balancer-type': 'lb' } }) }), ['svc.yaml:9 oci-session-affinity-unsupported']);
    assert.deepEqual(codes({ 'svc.yaml': loadBalancer({ spec: '  sessionAffinity: None\n', annotations: { 'oci.oraclecloud.com/load-balancer-type': 'lb' } }) }), []);
  });

  test('oci-invalid-annotation: errors, a warning for the lb list mode, and preserve-source with Cluster', () => {
    const f = (annotations: Record<string, string>, spec = '') => findingsOf({ 'svc.yaml': loadBalancer({ annotations, spec }) }, 'oci-invalid-annotation').map((x) => x.severity);
    assert.deepEqual(f({ 'service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode': 'none' }), ['warning']);
    assert.deepEqual(f({ 'oci.oraclecloud.com/load-balancer-type': 'nlb', 'oci-network-load-balancer.oraclecloud.com/security-list-management-mode': 'none' }), ['error']);
    assert.deepEqual(f({ 'oci.oraclecloud.com/security-rule-management-mode': 'SL-Everything' }), ['error']);
    assert.deepEqual(f({ 'oci.oraclecloud.com/security-rule-management-mode': 'sl-frontend' }), []);
    assert.deepEqual(f({ 'service.beta.kubernetes.io/oci-load-balancer-internal': 'yes' }), ['error']);
    assert.deepEqual(f({ 'service.beta.kubernetes.io/oci-load-balancer-internal': 'true' }), []);
    assert.deepEqual(f({ 'oci.oraclecloud.com/load-balancer-type': 'nlb', 'oci-network-load-balancer.oraclecloud.com/is-preserve-source': 'true' }), ['error']);
    assert.deepEqual(f({ 'oci.oraclecloud.com/load-balancer-type': 'nlb', 'oci-network-load-balancer.oraclecloud.com/is-preserve-source': 'true' }, '  externalTrafficPolicy: Local\n'), []);
    assert.deepEqual(f({ 'service.beta.kubernetes.io/oci-load-balancer-shape-flex-min': 'ten' }), ['error']);
    assert.deepEqual(f({ 'oci.oraclecloud.com/load-balancer-type': 'nlb', 'oci-network-load-balancer.oraclecloud.com/backend-policy': 'FOUR_TUPLE' }), ['error']);
  });
});
