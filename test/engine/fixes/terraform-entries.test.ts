import * as assert from 'node:assert/strict';
import { ready, workspace } from '../../support/workspace';
import { fixesFor } from '../../../server/src/engine/fixes';
import { evaluateAround } from '../../../server/src/engine/sources/modules/terraform';
import { parseCached, terraformFileOf } from '../../../server/src/engine/sources/terraform';
import type { Rule, TerraformFile } from '../../../server/src/engine/sources/model';
import type { Workspace } from '../../../server/src/engine';
import { applyTo, codesOf, findingOf, fixAndKeep, only } from './helpers';

function service(nodePort: number | null, protocol = 'TCP', name = 'web'): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
  annotations:
    oci.oraclecloud.com/load-balancer-type: nlb
    oci-network-load-balancer.oraclecloud.com/security-list-management-mode: None
spec:
  type: LoadBalancer
  ports:
    - name: http
      port: 80
      protocol: ${protocol}${nodePort === null ? '' : `\n      nodePort: ${nodePort}`}
`;
}

const CONFIG = 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n';

const LOCALS = `locals {
  tcp_protocol      = 6
  udp_protocol      = 17
  all_ports         = -1
  rule_type_cidr    = "CIDR_BLOCK"
  node_port_min     = 30000
  node_port_max     = 32767
  health_check_port = 10256
  anywhere          = "0.0.0.0/0"
  lb_cidr           = "10.0.20.0/24"

  workers_egress = {
    "Allow ALL egress from workers to internet" : {
      protocol = "all", port = local.all_ports, destination = local.anywhere, destination_type = local.rule_type_cidr,
    },
  }

  workers_ingress = {
    "Allow TCP ingress to workers for health check from load balancers" : {
      protocol = local.tcp_protocol, port = local.health_check_port, source = local.lb_cidr, source_type = local.rule_type_cidr,
    },
    "Allow UDP ingress to workers from load balancers" : {
      protocol = local.udp_protocol, port_min = local.node_port_min, port_max = local.node_port_max, source = local.lb_cidr, source_type = local.rule_type_cidr,
    },
  }
}
`;

const RULES = `resource "oci_core_network_security_group" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
}

resource "oci_core_network_security_group_security_rule" "workers" {
  for_each                  = merge(local.workers_egress, local.workers_ingress)
  network_security_group_id = oci_core_network_security_group.workers.id
  description               = each.key
  direction                 = contains(keys(each.value), "source") ? "INGRESS" : "EGRESS"
  protocol                  = each.value.protocol
  source                    = lookup(each.value, "source", null)
  source_type               = lookup(each.value, "source_type", null)
  destination               = lookup(each.value, "destination", null)
  destination_type          = lookup(each.value, "destination_type", null)

  dynamic "tcp_options" {
    for_each = tostring(each.value.protocol) == tostring(local.tcp_protocol) && tonumber(lookup(each.value, "port", 0)) != local.all_ports ? [each.value] : []
    content {
      destination_port_range {
        min = lookup(tcp_options.value, "port_min", lookup(tcp_options.value, "port", 0))
        max = lookup(tcp_options.value, "port_max", lookup(tcp_options.value, "port", 0))
      }
    }
  }

  dynamic "udp_options" {
    for_each = tostring(each.value.protocol) == tostring(local.udp_protocol) && tonumber(lookup(each.value, "port", 0)) != local.all_ports ? [each.value] : []
    content {
      destination_port_range {
        min = lookup(udp_options.value, "port_min", lookup(udp_options.value, "port", 0))
        max = lookup(udp_options.value, "port_max", lookup(udp_options.value, "port", 0))
      }
    }
  }
}
`;

const NSG_CODE = 'security-list-port-closed';

/** The one fix of the only finding: one insertion, its text, and the file's text before and after. */
function insertion(ws: Workspace, path: string, code = NSG_CODE, title?: RegExp): { title: string; at: number; text: string; before: string; after: string } {
  const actions = fixesFor(ws, findingOf(ws, code));
  const a = title ? actions.find((x) => title.test(x.title))! : actions[0];
  assert.ok(a, `a fix titled ${title}`);
  const e = only(a.edits, 'edit');
  assert.equal(e.path, path);
  assert.equal(e.span.start, e.span.end, 'an insertion: nothing the user wrote is replaced');
  const before = ws.getText(path)!;
  applyTo(ws, a.edits);
  const after = ws.getText(path)!;
  assert.equal(after, before.slice(0, e.span.start) + e.newText + before.slice(e.span.start), 'nothing else in the file changed');
  return { title: a.title, at: e.span.start, text: e.newText, before, after };
}

/** The rules of a file's module, evaluated again from the workspace's texts. */
function evaluated(ws: Workspace, path: string): TerraformFile {
  const files = ws.paths().filter((p) => p.endsWith('.tf')).map((p) => ({ path: p, text: ws.getText(p)! }));
  const text = ws.getText(path)!;
  return terraformFileOf(path, text, parseCached(text), evaluateAround(files, [], path.slice(0, path.lastIndexOf('/')))).value!;
}

function values(r: Rule) {
  return { protocol: r.protocol, ports: r.ports, source: r.source, unevaluated: r.unevaluated };
}

suite('Fixes: Terraform rules made from locals entries', () => {
  suiteSetup(ready);

  test('an NSG rule resource whose for_each merges locals maps: an entry in the ingress map, written as its neighbours are', () => {
    const ws = workspace({ 'svc.yaml': service(30080), 'net/locals.tf': LOCALS, 'net/rules.tf': RULES, '.service-reach.yaml': CONFIG });
    const fix = insertion(ws, 'net/locals.tf');
    assert.match(fix.title, /^Add an entry for 30080\/tcp from 10\.0\.20\.0\/24 to local\.workers_ingress \(net\/locals\.tf\), which oci_core_network_security_group_security_rule\.workers iterates/);
    assert.equal(fix.text, `
    "service-reach: shop/web http nodePort 30080 from load balancer" : {
      protocol = local.tcp_protocol, port = 30080, source = local.lb_cidr, source_type = local.rule_type_cidr,
    },`);
    assert.equal(fix.before.lastIndexOf('},', fix.at) + 2, fix.at, 'after the map\'s last entry');
    assert.ok(fix.at > fix.before.indexOf('workers_ingress') && fix.at < fix.before.lastIndexOf('}'), 'in the ingress map, not the egress one');
    assert.deepEqual(codesOf(ws), [], 'the finding is gone');
    const made = evaluated(ws, 'net/rules.tf').nsgRules.filter((r) => r.element?.key === 'service-reach: shop/web http nodePort 30080 from load balancer');
    assert.deepEqual(only(made, 'new rule').rule && values(made[0].rule), {
      protocol: { kind: 'one', protocol: 'TCP' }, ports: { kind: 'ranges', ranges: [{ min: 30080, max: 30080 }] }, source: { kind: 'cidr', cidr: '10.0.20.0/24' }, unevaluated: undefined,
    });
  });

  test('a port range is written with the range\'s keys and the names its neighbours use for the same ports', () => {
    const ws = workspace({ 'svc.yaml': service(null), 'net/locals.tf': LOCALS, 'net/rules.tf': RULES, '.service-reach.yaml': CONFIG });
    const fix = insertion(ws, 'net/locals.tf', 'nodeport-unpinned', /^Add an entry for 30000-32767\/tcp/);
    assert.equal(fix.text, `
    "service-reach: shop/web http nodePort range 30000-32767 from load balancer" : {
      protocol = local.tcp_protocol, port_min = local.node_port_min, port_max = local.node_port_max, source = local.lb_cidr, source_type = local.rule_type_cidr,
    },`);
    assert.deepEqual(codesOf(ws), []);
  });

  test('a security list whose dynamic "ingress_security_rules" iterates a local list: a list item after the last one', () => {
    const list = `locals {
  worker_ingress = [
    { description = "kube-proxy health check", protocol = "6", min = 10256, max = 10256, source = "10.0.20.0/24" },
    { description = "ssh from the bastion", protocol = "6", min = 22, max = 22, source = "10.0.0.0/29" }
  ]
}

resource "oci_core_security_list" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id

  dynamic "ingress_security_rules" {
    for_each = local.worker_ingress
    content {
      description = ingress_security_rules.value.description
      protocol    = ingress_security_rules.value.protocol
      source      = ingress_security_rules.value.source
      tcp_options {
        min = ingress_security_rules.value.min
        max = ingress_security_rules.value.max
      }
    }
  }
}
`;
    const ws = workspace({ 'svc.yaml': service(30080), 'net/network.tf': list, '.service-reach.yaml': CONFIG });
    const fix = insertion(ws, 'net/network.tf');
    assert.match(fix.title, /^Add an entry for 30080\/tcp from 10\.0\.20\.0\/24 to local\.worker_ingress \(net\/network\.tf\), which the dynamic "ingress_security_rules" of oci_core_security_list\.workers iterates/);
    assert.equal(fix.text, `,
    { description = "service-reach: shop/web http nodePort 30080 from load balancer", protocol = "6", min = 30080, max = 30080, source = "10.0.20.0/24" }`);
    assert.equal(fix.at, fix.before.indexOf('"10.0.0.0/29" }') + '"10.0.0.0/29" }'.length);
    assert.deepEqual(codesOf(ws), []);
    const rules = evaluated(ws, 'net/network.tf').securityLists[0].rules;
    assert.equal(rules.length, 3);
    assert.deepEqual(values(rules[2]), {
      protocol: { kind: 'one', protocol: 'TCP' }, ports: { kind: 'ranges', ranges: [{ min: 30080, max: 30080 }] }, source: { kind: 'cidr', cidr: '10.0.20.0/24' }, unevaluated: undefined,
    });
  });

  test('a map keyed by names gets a name in its style; two findings fixed at once make two entries in one insertion', () => {
    const tf = `locals {
  tcp = "6"

  ingress = {
    health_check = {
      protocol = local.tcp
      port     = 10256
      cidr     = "10.0.20.0/24"
    }
  }
}

resource "oci_core_network_security_group" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
}

resource "oci_core_network_security_group_security_rule" "ingress" {
  for_each                  = local.ingress
  network_security_group_id = oci_core_network_security_group.workers.id
  direction                 = "INGRESS"
  protocol                  = each.value.protocol
  source                    = each.value.cidr
  source_type               = "CIDR_BLOCK"
  description               = each.key

  tcp_options {
    destination_port_range {
      min = each.value.port
      max = each.value.port
    }
  }
}
`;
    const ws = workspace({ 'a.yaml': service(30080), 'b.yaml': service(30081, 'TCP', 'api'), 'net/nsg.tf': tf, '.service-reach.yaml': CONFIG });
    const result = fixAndKeep(ws);
    const after = ws.getText('net/nsg.tf')!;
    const at = tf.indexOf('    }\n  }\n}') + '    }'.length;
    assert.equal(after, tf.slice(0, at) + `
    web_http_30080 = {
      protocol = local.tcp
      port     = 30080
      cidr     = "10.0.20.0/24"
    }
    api_http_30081 = {
      protocol = local.tcp
      port     = 30081
      cidr     = "10.0.20.0/24"
    }` + tf.slice(at));
    assert.deepEqual(result.files.map((f) => f.path), ['net/nsg.tf']);
    assert.deepEqual(codesOf(ws), []);
    const keys = evaluated(ws, 'net/nsg.tf').nsgRules.map((r) => r.element?.key).sort();
    assert.deepEqual(keys, ['api_http_30081', 'health_check', 'web_http_30080']);
  });

  test('entries that cannot say the rule: a new resource beside them, and the title says why', () => {
    const tf = `locals {
  ingress = {
    health = { spec = "6:10256" }
  }
}

resource "oci_core_network_security_group" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
}

resource "oci_core_network_security_group_security_rule" "ingress" {
  for_each                  = local.ingress
  network_security_group_id = oci_core_network_security_group.workers.id
  direction                 = "INGRESS"
  protocol                  = split(":", each.value.spec)[0]
  source                    = "10.0.20.0/24"
  source_type               = "CIDR_BLOCK"

  tcp_options {
    destination_port_range {
      min = split(":", each.value.spec)[1]
      max = split(":", each.value.spec)[1]
    }
  }
}
`;
    const ws = workspace({ 'svc.yaml': service(30080), 'net/nsg.tf': tf, '.service-reach.yaml': CONFIG });
    const a = fixesFor(ws, findingOf(ws, NSG_CODE))[0];
    assert.match(a.title, /^Add oci_core_network_security_group_security_rule web_http_30080 for 30080\/tcp .* — a new one beside the rules made from locals entries, since in local\.ingress \(net\/nsg\.tf\), an entry written as its neighbours are would not make exactly this rule$/);
    const e = only(a.edits, 'edit');
    assert.equal(e.span.start, tf.length - 1, 'after the last rule resource');
    assert.match(e.newText, /resource "oci_core_network_security_group_security_rule" "web_http_30080" \{\n  network_security_group_id = oci_core_network_security_group\.workers\.id\n/);
    applyTo(ws, a.edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('a rule resource that names its NSG through each: the fallback names the NSG by its address', () => {
    const tf = `locals {
  rules = {
    health = { nsg = oci_core_network_security_group.workers.id, spec = "6:10256" }
  }
}

resource "oci_core_network_security_group" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
}

resource "oci_core_network_security_group_security_rule" "all" {
  for_each                  = local.rules
  network_security_group_id = each.value.nsg
  direction                 = "INGRESS"
  protocol                  = split(":", each.value.spec)[0]
  source                    = "10.0.20.0/24"
  source_type               = "CIDR_BLOCK"

  tcp_options {
    destination_port_range {
      min = split(":", each.value.spec)[1]
      max = split(":", each.value.spec)[1]
    }
  }
}
`;
    const ws = workspace({ 'svc.yaml': service(30080), 'net/nsg.tf': tf, '.service-reach.yaml': CONFIG });
    const a = fixesFor(ws, findingOf(ws, NSG_CODE))[0];
    const e = only(a.edits, 'edit');
    assert.match(e.newText, /network_security_group_id = oci_core_network_security_group\.workers\.id\n/);
    assert.doesNotMatch(e.newText, /each\./);
    applyTo(ws, a.edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('an entry that would fail a precondition of the resource that iterates it is not written: a new resource instead', () => {
    const tf = `locals {
  ingress = {
    "health check" = { protocol = "6", port = 10256, source = "10.0.20.0/24" }
  }
}

resource "oci_core_network_security_group" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
}

resource "oci_core_network_security_group_security_rule" "ingress" {
  for_each                  = local.ingress
  network_security_group_id = oci_core_network_security_group.workers.id
  direction                 = "INGRESS"
  protocol                  = each.value.protocol
  source                    = each.value.source
  source_type               = "CIDR_BLOCK"

  tcp_options {
    destination_port_range {
      min = each.value.port
      max = each.value.port
    }
  }

  lifecycle {
    precondition {
      condition     = each.value.source != "0.0.0.0/0"
      error_message = "Unexpected open ingress rule: \${each.key}"
    }
  }
}
`;
    const nodePort = service(30080).replace(/ {4}oci[^\n]*\n/g, '').replace('  annotations:\n', '').replace('type: LoadBalancer', 'type: NodePort');
    const ws = workspace({ 'svc.yaml': nodePort, 'net/nsg.tf': tf });
    const a = fixesFor(ws, findingOf(ws, NSG_CODE))[0];
    assert.match(a.title, /^Add oci_core_network_security_group_security_rule web_http_30080 for 30080\/tcp from 0\.0\.0\.0\/0 .*since in local\.ingress \(net\/nsg\.tf\), the new entry would fail a precondition of oci_core_network_security_group_security_rule\.ingress \("Unexpected open ingress rule: service-reach: shop\/web http nodePort 30080 from clients"\)$/);
    applyTo(ws, a.edits);
    assert.deepEqual(codesOf(ws), []);

    // from a CIDR the precondition holds: the entry is written
    const lb = workspace({ 'svc.yaml': service(30080), 'net/nsg.tf': tf, '.service-reach.yaml': CONFIG });
    const fix = insertion(lb, 'net/nsg.tf');
    assert.equal(fix.text, `
    "service-reach: shop/web http nodePort 30080 from load balancer" = { protocol = "6", port = 30080, source = "10.0.20.0/24" }`);
  });

  test('among merged maps, one that is always there is preferred to a branch of a conditional', () => {
    const locals = `locals {
  tcp_protocol   = 6
  icmp_protocol  = 1
  anywhere       = "0.0.0.0/0"
  rule_type_cidr = "CIDR_BLOCK"
  lb_enabled     = true

  workers_rules = merge(
    {
      "Allow ICMP ingress to workers for path discovery" : {
        protocol = local.icmp_protocol, port = -1, source = local.anywhere, source_type = local.rule_type_cidr,
      },
    },
    local.lb_enabled ? {
      "Allow TCP ingress to workers for health check from load balancers" : {
        protocol = local.tcp_protocol, port = 10256, source = "10.0.20.0/24", source_type = local.rule_type_cidr,
      },
    } : {},
  )
}
`;
    const rules = RULES.replace('merge(local.workers_egress, local.workers_ingress)', 'local.workers_rules').replace(/local\.all_ports/g, '-1');
    const nodePort = service(30080).replace(/ {4}oci[^\n]*\n/g, '').replace('  annotations:\n', '').replace('type: LoadBalancer', 'type: NodePort');
    const ws = workspace({ 'svc.yaml': nodePort, 'net/locals.tf': locals, 'net/rules.tf': rules });
    const fix = insertion(ws, 'net/locals.tf');
    assert.equal(fix.at, locals.indexOf('rule_type_cidr,\n      },\n') + 'rule_type_cidr,\n      },'.length, 'after the ICMP entry, in the map that is always merged');
    assert.equal(fix.text, `
      "service-reach: shop/web http nodePort 30080 from clients" : {
        protocol = local.tcp_protocol, port = 30080, source = local.anywhere, source_type = local.rule_type_cidr,
      },`);
    assert.deepEqual(codesOf(ws), []);
  });
});
