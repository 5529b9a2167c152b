import * as assert from 'node:assert/strict';
import { parseYaml } from '../../../server/src/engine/parse/yaml';
import { objectsOf } from '../../../server/src/engine/k8s/manifests';
import { serviceOf } from '../../../server/src/engine/k8s/service';
import { exposureOf, type Requirement } from '../../../server/src/engine/exposure/requirements';
import { DEFAULT_CONFIG, type ServiceReachConfig } from '../../../server/src/engine/config/config';
import { parseCidr } from '../../../server/src/engine/net/cidr';

function exposure(yaml: string, config: Partial<ServiceReachConfig> = {}, provider: 'oci' | 'generic' = 'oci') {
  const objects = objectsOf('s.yaml', parseYaml(yaml).documents);
  return exposureOf(serviceOf(objects[0]), { config: { ...DEFAULT_CONFIG, ...config }, provider })!;
}

function lb(spec: string, annotations: Record<string, string> = {}): string {
  const ann = Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`).join('\n');
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n${ann ? `  annotations:\n${ann}\n` : ''}spec:\n  type: LoadBalancer\n${spec}`;
}

const PORT80 = '  ports:\n    - name: http\n      port: 80\n      nodePort: 30080\n';

/**
 * `traffic layer protocol/port from manager` lines, for readable assertions. The node iptables/nftables layer
 * mirrors the firewalld layer requirement for requirement (its own test below); it is left out here.
 */
function rows(reqs: Requirement[]): string[] {
  return reqs.filter((r) => r.layer !== 'node-firewall').map((r) => `${r.traffic} ${r.layer} ${r.protocol}/${r.port ?? '*'} ${r.from.kind === 'any' ? 'any' : r.from.cidr} ${r.managedBy}`);
}

suite('Exposure model', () => {
  test('NodePort: every node port from the clients, both node layers, always the user', () => {
    const e = exposure('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n  ports:\n    - {port: 80, nodePort: 30080}\n    - {port: 53, protocol: UDP}\n');
    assert.deepEqual(rows(e.requirements), [
      'clients-to-nodes firewalld TCP/30080 any user', 'clients-to-nodes worker-lists TCP/30080 any user',
      'clients-to-nodes firewalld UDP/* any user', 'clients-to-nodes worker-lists UDP/* any user',
    ]);
    assert.equal(e.healthCheck, undefined);
  });

  test('the node iptables/nftables layer is asked exactly what the firewalld layer is: the same traffic, ports and sources', () => {
    const nodeLayers = (e: ReturnType<typeof exposure>) => {
      const of = (layer: string) => e.requirements.filter((r) => r.layer === layer).map((r) => `${r.traffic} ${r.protocol}/${r.port ?? '*'} ${r.from.kind === 'any' ? 'any' : r.from.cidr} ${r.managedBy} ${r.anchor.start}`);
      return { fw: of('firewalld'), nf: of('node-firewall') };
    };
    for (const e of [
      exposure('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n  ports:\n    - {port: 80, nodePort: 30080}\n    - {port: 53, protocol: UDP}\n'),
      exposure(lb(`  externalTrafficPolicy: Local\n  loadBalancerSourceRanges: [192.0.2.0/24]\n${PORT80}`, { 'oci.oraclecloud.com/load-balancer-type': 'nlb' }), { lbSubnetCidrs: [parseCidr('10.0.20.0/24')!] }),
    ]) {
      const { fw, nf } = nodeLayers(e);
      assert.ok(fw.length > 0);
      assert.deepEqual(nf, fw);
    }
  });

  test('NodePort clients come from nodes.clientCidrs when set', () => {
    const e = exposure('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n', { clientCidrs: [parseCidr('192.0.2.0/24')!] });
    assert.deepEqual(rows(e.requirements), ['clients-to-nodes firewalld TCP/30080 192.0.2.0/24 user', 'clients-to-nodes worker-lists TCP/30080 192.0.2.0/24 user']);
  });

  test('OCI lb, mode All (default): worker lists are the cloud controller\'s, firewalld is yours, health check on 10256', () => {
    const e = exposure(lb(PORT80));
    assert.equal(e.oci?.flavour, 'lb');
    assert.equal(e.oci?.mode, 'All');
    assert.deepEqual(rows(e.requirements), [
      'lb-to-nodes firewalld TCP/30080 any user', 'lb-to-nodes worker-lists TCP/30080 any oci-cloud-controller',
      'lb-egress-to-nodes lb-lists TCP/30080 any oci-cloud-controller',
      'lb-health-check firewalld TCP/10256 any user', 'lb-health-check worker-lists TCP/10256 any oci-cloud-controller',
      'lb-egress-to-nodes lb-lists TCP/10256 any oci-cloud-controller',
      'clients-to-lb lb-lists TCP/80 0.0.0.0/0 oci-cloud-controller',
    ]);
  });

  test('each CCM mode decides who writes the worker and LB-subnet rules', () => {
    const workerManager = (ann: Record<string, string>) => exposure(lb(PORT80, ann)).requirements.find((r) => r.layer === 'worker-lists')!.managedBy;
    const lbManager = (ann: Record<string, string>) => exposure(lb(PORT80, ann)).requirements.find((r) => r.traffic === 'clients-to-lb')!.managedBy;
    const LB_MODE = 'service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode';
    assert.equal(workerManager({ [LB_MODE]: 'All' }), 'oci-cloud-controller');
    assert.equal(workerManager({ [LB_MODE]: 'Frontend' }), 'user');
    assert.equal(lbManager({ [LB_MODE]: 'Frontend' }), 'oci-cloud-controller');
    assert.equal(workerManager({ [LB_MODE]: 'None' }), 'user');
    assert.equal(lbManager({ [LB_MODE]: 'None' }), 'user');
    assert.equal(workerManager({ [LB_MODE]: 'none' }), 'oci-cloud-controller', 'list modes are exact: an invalid value falls back to All');
    const RULE = 'oci.oraclecloud.com/security-rule-management-mode';
    assert.equal(workerManager({ [RULE]: 'nsg' }), 'user', 'NSG without a backend NSG');
    assert.equal(workerManager({ [RULE]: 'NSG', 'oci.oraclecloud.com/oci-backend-network-security-group': 'ocid1.nsg.oc1..x' }), 'oci-cloud-controller');
    assert.equal(workerManager({ [RULE]: 'SL-All', [LB_MODE]: 'None' }), 'oci-cloud-controller', 'security-rule-management-mode takes precedence');
    assert.equal(workerManager({ [RULE]: 'sl-frontend' }), 'user');
  });

  test('nlb: default mode None; preserve source with Local adds client rows from the source ranges', () => {
    const e = exposure(lb('  externalTrafficPolicy: Local\n  healthCheckNodePort: 32000\n  loadBalancerSourceRanges: [203.0.113.0/24, "2001:db8::/32"]\n' + PORT80, { 'oci.oraclecloud.com/load-balancer-type': 'nlb' }), { lbSubnetCidrs: [parseCidr('10.0.20.0/24')!] });
    assert.equal(e.oci?.flavour, 'nlb');
    assert.equal(e.oci?.mode, 'None');
    assert.equal(e.oci?.preserveSource, true);
    assert.deepEqual(rows(e.requirements), [
      'lb-to-nodes firewalld TCP/30080 10.0.20.0/24 user', 'lb-to-nodes worker-lists TCP/30080 10.0.20.0/24 user',
      'clients-to-nodes-preserved firewalld TCP/30080 203.0.113.0/24 user', 'clients-to-nodes-preserved firewalld TCP/30080 2001:db8::/32 user',
      'clients-to-nodes-preserved worker-lists TCP/30080 203.0.113.0/24 user', 'clients-to-nodes-preserved worker-lists TCP/30080 2001:db8::/32 user',
      'lb-egress-to-nodes lb-lists TCP/30080 any user',
      'lb-health-check firewalld TCP/32000 10.0.20.0/24 user', 'lb-health-check worker-lists TCP/32000 10.0.20.0/24 user',
      'lb-egress-to-nodes lb-lists TCP/32000 any user',
      'clients-to-lb lb-lists TCP/80 203.0.113.0/24 user', 'clients-to-lb lb-lists TCP/80 2001:db8::/32 user',
    ]);
  });

  test('nlb with Cluster: no preserved source, health check on kube-proxy', () => {
    const e = exposure(lb(PORT80, { 'oci.oraclecloud.com/load-balancer-type': 'nlb', 'oci-network-load-balancer.oraclecloud.com/is-preserve-source': 'true' }));
    assert.equal(e.oci?.preserveSource, false);
    assert.equal(e.healthCheck?.port, 10256);
    assert.ok(!e.requirements.some((r) => r.traffic === 'clients-to-nodes-preserved'));
  });

  test('Local without healthCheckNodePort: the health-check port is unpinned', () => {
    const e = exposure(lb('  externalTrafficPolicy: Local\n' + PORT80));
    assert.deepEqual(e.healthCheck && { port: e.healthCheck.port, origin: e.healthCheck.origin }, { port: null, origin: 'healthCheckNodePort' });
  });

  test('allocateLoadBalancerNodePorts: false drops unpinned node ports, keeps pinned ones', () => {
    const e = exposure(lb('  allocateLoadBalancerNodePorts: false\n  ports:\n    - {name: a, port: 80}\n    - {name: b, port: 81, nodePort: 30081}\n'));
    assert.deepEqual(e.nodePorts.map((n) => n.port), [30081]);
    assert.deepEqual(e.listeners.map((l) => l.port), [80, 81]);
  });

  test('UDP ports keep their protocol on every layer', () => {
    const e = exposure(lb('  ports:\n    - {port: 53, protocol: UDP, nodePort: 30053}\n', { 'oci.oraclecloud.com/load-balancer-type': 'nlb' }));
    assert.ok(e.requirements.filter((r) => r.portKind !== 'health').every((r) => r.protocol === 'UDP'));
  });

  test('legacy source-range annotation, and the default 0.0.0.0/0', () => {
    assert.deepEqual(exposure(lb(PORT80, { 'service.beta.kubernetes.io/load-balancer-source-ranges': '198.51.100.0/24, 192.0.2.7/32' })).sourceRanges, ['198.51.100.0/24', '192.0.2.7/32']);
    assert.deepEqual(exposure(lb(PORT80)).sourceRanges, ['0.0.0.0/0']);
  });

  test('generic provider: no OCI settings, everything is the user\'s', () => {
    const e = exposure(lb(PORT80), {}, 'generic');
    assert.equal(e.oci, undefined);
    assert.ok(e.requirements.every((r) => r.managedBy === 'user'));
  });

  test('ClusterIP and ExternalName expose nothing on the nodes', () => {
    assert.deepEqual(exposure('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}]\n').requirements, []);
  });
});
