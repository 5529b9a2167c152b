/**
 * Who guards what: the OKE topology read from Terraform (node pools' subnets and NSGs, the cluster's
 * load-balancer subnets, each subnet's lists and address blocks), the config winning setting by setting, the
 * lists nothing attributes, the fallback, and the NSGs a Service's annotation attaches to its load balancer.
 * The fixtures follow the shape of real OKE configurations (terraform-oci-oke, MuShop): a VCN with worker,
 * load-balancer, API-endpoint and bastion subnets, each with its own list.
 */
import * as assert from 'node:assert/strict';
import { ready, workspace, lineOf } from '../../support/workspace';
import { requirementStatuses } from '../../../server/src/engine/features/status';
import { topologyLines } from '../../../server/src/engine/features/topology';
import { hoverAt } from '../../../server/src/engine/features/hover';
import { diagramOf } from '../../../server/src/engine/features/diagram';
import type { Analysis } from '../../../server/src/engine';

const rule = (source: string, min: number, max = min) => `
  ingress_security_rules {
    protocol = "6"
    source   = "${source}"
    tcp_options {
      min = ${min}
      max = ${max}
    }
  }`;

/** A network in the style of terraform-oci-oke: every subnet with its list; `extra` is added at the end. */
function network(opts: { lbIpv6?: boolean; withCluster?: boolean; extra?: string } = {}): string {
  const cluster = opts.withCluster === false ? '' : `
resource "oci_containerengine_cluster" "oke" {
  compartment_id     = var.compartment_id
  kubernetes_version = "v1.30.1"
  name               = "oke"
  vcn_id             = oci_core_vcn.vcn.id
  endpoint_config {
    subnet_id = oci_core_subnet.api.id
  }
  options {
    service_lb_subnet_ids = [oci_core_subnet.lb.id]
  }
}

resource "oci_containerengine_node_pool" "pool1" {
  cluster_id     = oci_containerengine_cluster.oke.id
  compartment_id = var.compartment_id
  name           = "pool1"
  node_shape     = "VM.Standard.E4.Flex"
  node_config_details {
    size    = 3
    nsg_ids = [oci_core_network_security_group.workers.id]
    dynamic "placement_configs" {
      for_each = local.ads
      content {
        availability_domain = placement_configs.value
        subnet_id           = oci_core_subnet.workers.id
      }
    }
  }
}
`;
  return `
variable "compartment_id" {
  type = string
}

locals {
  ads = ["AD-1", "AD-2"]
}

resource "oci_core_vcn" "vcn" {
  compartment_id = var.compartment_id
  cidr_blocks    = ["10.0.0.0/16"]
}

resource "oci_core_security_list" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.vcn.id
  display_name   = "workers-sl"
${rule('10.0.20.0/24', 30000, 32767)}
${rule('10.0.20.0/24', 10256)}
}

resource "oci_core_security_list" "lb" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.vcn.id
  display_name   = "lb-sl"
${rule('0.0.0.0/0', 80)}
  egress_security_rules {
    protocol    = "6"
    destination = "10.0.10.0/24"
  }
}

resource "oci_core_security_list" "bastion" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.vcn.id
  display_name   = "bastion-sl"
${rule('0.0.0.0/0', 1, 65535)}
}

resource "oci_core_security_list" "api" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.vcn.id
  display_name   = "api-sl"
${rule('0.0.0.0/0', 6443)}
${rule('10.0.10.0/24', 1, 65535)}
}

resource "oci_core_subnet" "workers" {
  compartment_id    = var.compartment_id
  vcn_id            = oci_core_vcn.vcn.id
  display_name      = "workers"
  cidr_block        = "10.0.10.0/24"
  security_list_ids = [oci_core_security_list.workers.id]
}

resource "oci_core_subnet" "lb" {
  compartment_id    = var.compartment_id
  vcn_id            = oci_core_vcn.vcn.id
  display_name      = "lb"
  cidr_block        = "10.0.20.0/24"${opts.lbIpv6 ? '\n  ipv6cidr_blocks   = ["2603:c020:4011:9a00::/64"]' : ''}
  security_list_ids = [oci_core_security_list.lb.id]
}

resource "oci_core_subnet" "api" {
  compartment_id    = var.compartment_id
  vcn_id            = oci_core_vcn.vcn.id
  display_name      = "api"
  cidr_block        = "10.0.0.0/29"
  security_list_ids = [oci_core_security_list.api.id]
}

resource "oci_core_subnet" "bastion" {
  compartment_id    = var.compartment_id
  vcn_id            = oci_core_vcn.vcn.id
  display_name      = "bastion"
  cidr_block        = "10.0.0.32/29"
  security_list_ids = [oci_core_security_list.bastion.id]
}

resource "oci_core_network_security_group" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.vcn.id
  display_name   = "workers"
}

resource "oci_core_network_security_group_security_rule" "workers_ssh" {
  network_security_group_id = oci_core_network_security_group.workers.id
  direction                 = "INGRESS"
  protocol                  = "6"
  source                    = "10.0.0.32/29"
  source_type               = "CIDR_BLOCK"
  tcp_options {
    destination_port_range {
      min = 22
      max = 22
    }
  }
}
${cluster}${opts.extra ?? ''}`;
}

function service(name: string, opts: { type?: string; annotations?: Record<string, string>; port?: number; nodePort?: number } = {}): string {
  const ann = Object.entries(opts.annotations ?? {}).map(([k, v]) => `    ${k}: "${v}"`).join('\n');
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
${ann ? `  annotations:\n${ann}\n` : ''}spec:
  type: ${opts.type ?? 'LoadBalancer'}
  selector: {app: ${name}}
  ports:
    - port: ${opts.port ?? 443}
      nodePort: ${opts.nodePort ?? 30443}
`;
}

/** clients from one range (from "any source" every rule with a source would do) */
const CLIENTS = 'nodes:\n  clientCidrs: [203.0.113.0/24]\n';

const NONE = { 'service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode': 'None' };

const labels = (l: { sources: { label: string }[] } | null) => (l ? l.sources.map((s) => s.label) : null);

function codesOf(a: Analysis, path?: string): string[] {
  return a.findings.filter((f) => !path || f.path === path).map((f) => f.code).sort();
}

suite('Topology: who guards what', () => {
  suiteSetup(ready);

  test('the node pool\'s subnet lists and NSGs guard the workers, the cluster\'s LB subnet list the load balancers; bastion and API lists count for nothing', () => {
    const ws = workspace({ 'infra/oke.tf': network(), 'svc.yaml': service('web', { type: 'NodePort', nodePort: 30080 }), '.service-reach.yaml': CLIENTS });
    const a = ws.analyze();
    assert.deepEqual(labels(a.layers.workerLists), ['security list "workers-sl"', 'NSG "workers"']);
    assert.deepEqual(labels(a.layers.lbLists), ['security list "lb-sl"']);
    const t = a.layers.topology!;
    assert.equal(t.fallback, false);
    assert.equal(t.workers.origin, 'terraform');
    assert.deepEqual(t.unattributed.map((s) => s.label), ['security list "bastion-sl"', 'security list "api-sl"']);
    // clients → node port 30080: the workers' list lets in only the load-balancer subnet; the bastion list, which
    // allows every port from anywhere, is not the workers'
    assert.deepEqual(codesOf(a, 'svc.yaml'), ['security-list-port-closed']);
    const f = a.findings.find((x) => x.code === 'security-list-port-closed')!;
    assert.ok(!f.message.includes('bastion'), f.message);
  });

  test('without a cluster or node pool the same lists fall back to all guarding the workers, and the summary says so', () => {
    const ws = workspace({ 'infra/oke.tf': network({ withCluster: false }), 'svc.yaml': service('web', { type: 'NodePort', nodePort: 30080 }), '.service-reach.yaml': CLIENTS });
    const a = ws.analyze();
    assert.equal(a.layers.topology!.fallback, true);
    assert.deepEqual(labels(a.layers.workerLists), ['security list "workers-sl"', 'security list "lb-sl"', 'security list "bastion-sl"', 'security list "api-sl"', 'NSG "workers"']);
    assert.equal(a.layers.lbLists, null);
    assert.deepEqual(codesOf(a, 'svc.yaml'), [], 'the bastion list allows every port from anywhere');
    const lines = topologyLines(a.layers.topology, () => 1);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /every list and NSG \(5\) is taken to guard the worker nodes/);
  });

  test('the load-balancer subnet\'s address blocks, IPv4 and IPv6, are where the load balancer comes from', () => {
    const ws = workspace({ 'infra/oke.tf': network({ lbIpv6: true }), 'svc.yaml': service('shop', { annotations: NONE }) });
    const a = ws.analyze();
    assert.deepEqual(a.config.lbSubnetCidrs?.map((c) => c.text), ['10.0.20.0/24', '2603:c020:4011:9a00::/64']);
    assert.equal(a.layers.topology!.lbSubnetCidrs?.origin, 'terraform');
    // the workers' list admits 10.0.20.0/24 on the node ports and 10256, not the IPv6 block: one finding at the
    // node port (IPv6) and one at the type (the health check from IPv6); the listener 443 is not in lb-sl
    const worker = a.findings.filter((f) => f.code === 'security-list-port-closed');
    assert.ok(worker.length > 0);
    for (const f of worker) assert.match(f.message, /2603:c020:4011:9a00::\/64/);
    assert.ok(!worker.some((f) => /10\.0\.20\.0\/24/.test(f.message) && !/2603/.test(f.message)));
    assert.deepEqual(codesOf(a, 'svc.yaml').filter((c) => c === 'lb-listener-closed'), ['lb-listener-closed']);
    // IPv4 only: nothing closed on the workers
    const v4 = workspace({ 'infra/oke.tf': network(), 'svc.yaml': service('shop', { annotations: NONE }) }).analyze();
    assert.deepEqual(v4.findings.filter((f) => f.code === 'security-list-port-closed').map((f) => f.message), []);
  });

  test('the config wins setting by setting: only loadBalancers.securityLists set, the workers still come from the topology', () => {
    const ws = workspace({
      'infra/oke.tf': network(),
      '.service-reach.yaml': 'loadBalancers:\n  securityLists: [infra/oke.tf#oci_core_security_list.bastion]\n',
      'svc.yaml': service('shop', { annotations: NONE }),
    });
    const a = ws.analyze();
    assert.deepEqual(labels(a.layers.lbLists), ['security list "bastion-sl"']);
    assert.deepEqual(labels(a.layers.workerLists), ['security list "workers-sl"', 'NSG "workers"']);
    assert.equal(a.layers.topology!.loadBalancers.origin, 'config');
    assert.equal(a.layers.topology!.workers.origin, 'terraform');
    assert.deepEqual(a.layers.topology!.unattributed.map((s) => s.label), ['security list "lb-sl"', 'security list "api-sl"']);
    // the bastion list, made the load balancers' by the config, allows 443 in but nothing out to the nodes
    assert.deepEqual(codesOf(a, 'svc.yaml'), ['lb-egress-closed', 'lb-egress-closed']);
    // the subnet's addresses still come from the topology (the config does not set them)
    assert.deepEqual(a.config.lbSubnetCidrs?.map((c) => c.text), ['10.0.20.0/24']);
    const cidrs = workspace({ 'infra/oke.tf': network(), '.service-reach.yaml': 'loadBalancers:\n  subnetCidrs: [10.0.99.0/24]\n' }).analyze();
    assert.deepEqual(cidrs.config.lbSubnetCidrs?.map((c) => c.text), ['10.0.99.0/24']);
    assert.equal(cidrs.layers.topology!.lbSubnetCidrs?.origin, 'config');
  });

  test('an NSG attached by a Service\'s annotation guards that Service\'s listener only, never another\'s, and no worker', () => {
    const lbNsg = `
resource "oci_core_network_security_group" "lb_shop" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.vcn.id
  display_name   = "lb-shop"
}

resource "oci_core_network_security_group_security_rule" "lb_shop_443" {
  network_security_group_id = oci_core_network_security_group.lb_shop.id
  direction                 = "INGRESS"
  protocol                  = "6"
  source                    = "0.0.0.0/0"
  source_type               = "CIDR_BLOCK"
  tcp_options {
    destination_port_range {
      min = 443
      max = 443
    }
  }
}
`;
    const ocid = 'ocid1.networksecuritygroup.oc1.phx.aaaashop';
    const ws = workspace({
      'infra/oke.tf': network({ extra: lbNsg }),
      '.service-reach.yaml': `oci:\n  nsgs:\n    ${ocid}: infra/oke.tf#oci_core_network_security_group.lb_shop\n`,
      'shop.yaml': service('shop', { annotations: { ...NONE, 'oci.oraclecloud.com/oci-network-security-groups': ocid } }),
      'other.yaml': service('other', { annotations: NONE, nodePort: 30444 }),
    });
    const a = ws.analyze();
    assert.deepEqual(codesOf(a, 'shop.yaml'), [], 'its own NSG lets 443 in');
    assert.deepEqual(codesOf(a, 'other.yaml'), ['lb-listener-closed'], 'another Service\'s NSG does not guard it');
    assert.ok(!labels(a.layers.workerLists)!.includes('NSG "lb-shop"'), 'an NSG of a load balancer is no worker guard');
    assert.ok(!a.layers.topology!.unattributed.some((s) => s.label === 'NSG "lb-shop"'));
    const shop = a.services.find((s) => s.service.name === 'shop')!;
    const listener = requirementStatuses(a, shop).find((s) => s.requirement.traffic === 'clients-to-lb')!;
    assert.equal(listener.allowed, true);
    assert.ok(listener.checked.some((c) => c.label === 'NSG "lb-shop"'));
    // the hover names the attached NSG and where the lists came from
    const text = ws.getText('shop.yaml')!;
    const hover = hoverAt(ws, 'shop.yaml', text.indexOf('LoadBalancer'))!;
    assert.match(hover.contents, /Who guards what/);
    assert.match(hover.contents, /NSG "lb-shop" \(ocid1\.networksecuritygroup\.oc1\.phx\.aaaashop, matched by the config/);
    assert.match(hover.contents, /worker subnet "workers" \(node pool "pool1"\): security list "workers-sl"/);
    assert.match(hover.contents, /infra\/oke\.tf:\d+/);
    // the diagram's guards name the same
    const guards = diagramOf(a, shop).edges.flatMap((e) => e.guards);
    const lbGuard = guards.find((g) => g.layer === 'lb-lists' && g.topology)!;
    assert.deepEqual(lbGuard.topology!.map((t) => t.text), [
      'load-balancer subnet "lb" (cluster "oke"), from the OKE topology in the Terraform',
      'NSG "lb-shop", attached to this load balancer by its annotation (matched by the config\'s "oci.nsgs")',
    ]);
    assert.ok(lbGuard.topology![0].where.every((w) => w.path === 'infra/oke.tf'));
    const workerGuard = guards.find((g) => g.layer === 'worker-lists' && g.topology)!;
    assert.deepEqual(workerGuard.topology!.map((t) => t.text), [
      'worker subnet "workers" (node pool "pool1"), from the OKE topology in the Terraform',
      'worker NSG (node pool "pool1"), from the OKE topology in the Terraform',
    ]);
  });

  test('an NSG OCID that matches nothing: one rules-not-evaluated per Service, and the listener is unknown, never allowed', () => {
    const ocid = 'ocid1.networksecuritygroup.oc1.phx.aaaanowhere';
    const ann = { ...NONE, 'oci.oraclecloud.com/oci-network-security-groups': ocid };
    const ws = workspace({ 'infra/oke.tf': network(), 'a.yaml': service('a', { annotations: ann }), 'b.yaml': service('b', { annotations: ann, nodePort: 30444 }) });
    const a = ws.analyze();
    for (const path of ['a.yaml', 'b.yaml']) {
      const f = a.findings.filter((x) => x.path === path);
      assert.deepEqual(f.map((x) => x.code), ['rules-not-evaluated'], path);
      assert.equal(f[0].severity, 'info');
      assert.ok(f[0].message.includes(ocid));
      assert.equal(lineOf(ws, f[0]), 7, 'at the annotation');
    }
    const sa = a.services.find((s) => s.service.name === 'a')!;
    const listener = requirementStatuses(a, sa).find((s) => s.requirement.traffic === 'clients-to-lb')!;
    assert.equal(listener.allowed, true);
    assert.ok(listener.unevaluated.length > 0, 'unknown: it rests on the NSG nothing is known of');
  });

  test('a node pool whose subnet is a variable without a value attributes nothing, and says why', () => {
    const pool = `
variable "worker_subnet_id" {
  type = string
}

resource "oci_containerengine_node_pool" "pool2" {
  cluster_id     = "ocid1.cluster.oc1..c"
  compartment_id = var.compartment_id
  name           = "pool2"
  node_config_details {
    size = 1
    placement_configs {
      availability_domain = "AD-1"
      subnet_id           = var.worker_subnet_id
    }
  }
}
`;
    const a = workspace({ 'infra/oke.tf': network({ withCluster: false, extra: pool }) }).analyze();
    const t = a.layers.topology!;
    assert.equal(t.fallback, false, 'a node pool is a topology, even one whose subnet cannot be read');
    assert.equal(a.layers.workerLists, null);
    assert.deepEqual(t.unresolved, ['node pool "pool2": `var.worker_subnet_id` has no value: no default, and no variable file sets it']);
    assert.ok(topologyLines(t, () => 1).some((l) => l.includes('could not be read') && l.includes('var.worker_subnet_id')));
  });

  test('a plan JSON: what is known only after apply is matched through the configuration\'s references', () => {
    const res = (type: string, name: string, values: object) => ({ address: `${type}.${name}`, mode: 'managed', type, name, values });
    const ref = (to: string) => ({ references: [`${to}.id`, to] });
    const ingress = (source: string, min: number, max: number) => [{ protocol: '6', source, source_type: 'CIDR_BLOCK', stateless: false, description: null, icmp_options: [], udp_options: [], tcp_options: [{ min, max, source_port_range: [] }] }];
    const plan = JSON.stringify({
      format_version: '1.2', terraform_version: '1.7.5',
      planned_values: { root_module: { resources: [
        res('oci_core_security_list', 'workers', { display_name: 'workers-sl', egress_security_rules: [], ingress_security_rules: ingress('10.0.20.0/24', 30000, 32767) }),
        res('oci_core_security_list', 'bastion', { display_name: 'bastion-sl', egress_security_rules: [], ingress_security_rules: ingress('0.0.0.0/0', 1, 65535) }),
        res('oci_core_subnet', 'workers', { display_name: 'workers', cidr_block: '10.0.10.0/24' }),
        res('oci_containerengine_node_pool', 'pool1', { name: 'pool1', node_config_details: [{ size: 3, placement_configs: [{ availability_domain: 'AD-1' }] }] }),
      ] } },
      resource_changes: [
        { address: 'oci_core_subnet.workers', change: { actions: ['create'], after_unknown: { id: true, security_list_ids: true } } },
        { address: 'oci_containerengine_node_pool.pool1', change: { actions: ['create'], after_unknown: { id: true, node_config_details: [{ placement_configs: [{ subnet_id: true }] }] } } },
      ],
      configuration: { root_module: { resources: [
        { address: 'oci_core_subnet.workers', mode: 'managed', type: 'oci_core_subnet', name: 'workers', expressions: { security_list_ids: ref('oci_core_security_list.workers') } },
        { address: 'oci_containerengine_node_pool.pool1', mode: 'managed', type: 'oci_containerengine_node_pool', name: 'pool1',
          expressions: { node_config_details: [{ placement_configs: [{ subnet_id: ref('oci_core_subnet.workers') }] }] } },
      ] } },
    }, null, 2);
    const a = workspace({ 'plan.json': plan, 'svc.yaml': service('web', { type: 'NodePort', nodePort: 30080 }), '.service-reach.yaml': CLIENTS }).analyze();
    assert.deepEqual(labels(a.layers.workerLists), ['security list "workers-sl"']);
    assert.deepEqual(a.layers.topology!.unattributed.map((s) => s.label), ['security list "bastion-sl"']);
    assert.deepEqual(codesOf(a, 'svc.yaml'), ['security-list-port-closed']);
  });

  test('the config\'s oci.nsgs: OCIDs as keys, NSG resources as values', () => {
    const bad = workspace({ 'infra/oke.tf': network(), '.service-reach.yaml': 'oci:\n  nsgs:\n    not-an-ocid: infra/oke.tf#oci_core_network_security_group.workers\n    ocid1.networksecuritygroup.oc1..x: infra/oke.tf#oci_core_network_security_group.nothing\n' }).analyze();
    assert.deepEqual(bad.findings.filter((f) => f.path === '.service-reach.yaml').map((f) => f.code).sort(), ['config-invalid', 'config-path-not-found']);
    assert.equal(bad.layers.nsgsByOcid, undefined);
    const good = workspace({ 'infra/oke.tf': network(), '.service-reach.yaml': 'oci:\n  nsgs:\n    ocid1.networksecuritygroup.oc1..w: infra/oke.tf#oci_core_network_security_group.workers\n' }).analyze();
    assert.equal(good.layers.nsgsByOcid?.get('ocid1.networksecuritygroup.oc1..w')?.source.label, 'NSG "workers"');
  });

  test('a state JSON: subnets, lists and node pools matched by OCID', () => {
    const res = (type: string, name: string, values: object) => ({ address: `${type}.${name}`, mode: 'managed', type, name, values });
    const list = (name: string, id: string, source: string, min: number, max: number) => res('oci_core_security_list', name, {
      id, display_name: name, egress_security_rules: [],
      ingress_security_rules: [{ protocol: '6', source, source_type: 'CIDR_BLOCK', stateless: false, description: null, icmp_options: [], udp_options: [], tcp_options: [{ min, max, source_port_range: [] }] }],
    });
    const state = JSON.stringify({
      format_version: '1.0', terraform_version: '1.7.5',
      values: { root_module: { resources: [
        list('workers-sl', 'ocid1.securitylist.oc1..w', '10.0.20.0/24', 30000, 32767),
        list('bastion-sl', 'ocid1.securitylist.oc1..b', '0.0.0.0/0', 1, 65535),
        res('oci_core_subnet', 'workers', { id: 'ocid1.subnet.oc1..w', display_name: 'workers', cidr_block: '10.0.10.0/24', security_list_ids: ['ocid1.securitylist.oc1..w'] }),
        res('oci_core_subnet', 'bastion', { id: 'ocid1.subnet.oc1..b', display_name: 'bastion', cidr_block: '10.0.0.32/29', security_list_ids: ['ocid1.securitylist.oc1..b'] }),
        res('oci_containerengine_node_pool', 'pool1', { id: 'ocid1.nodepool.oc1..p', name: 'pool1', subnet_ids: [], node_config_details: [{ size: 3, nsg_ids: [], placement_configs: [{ availability_domain: 'AD-1', subnet_id: 'ocid1.subnet.oc1..w' }] }] }),
      ] } },
    }, null, 2);
    const a = workspace({ 'terraform.tfstate.json': state, 'svc.yaml': service('web', { type: 'NodePort', nodePort: 30080 }), '.service-reach.yaml': CLIENTS }).analyze();
    assert.deepEqual(labels(a.layers.workerLists), ['security list "workers-sl"']);
    assert.deepEqual(a.layers.topology!.unattributed.map((s) => s.label), ['security list "bastion-sl"']);
    assert.equal(a.layers.topology!.loadBalancers.origin, 'none');
    assert.deepEqual(codesOf(a, 'svc.yaml'), ['security-list-port-closed']);
  });
});
