import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ready, workspace } from '../../support/workspace';
import { fixesFor } from '../../../server/src/engine/fixes';
import { hclString } from '../../../server/src/engine/fixes/oci';
import { parseHcl } from '../../../server/src/engine/parse/hcl';
import { readTerraform } from '../../../server/src/engine/sources/terraform';
import { applied, applyTo, codesOf, findingOf, preferred } from './helpers';

function grafana(opts: { protocol?: string; nodePort?: number | null; name?: string } = {}): string {
  const np = opts.nodePort === null ? '' : `\n      nodePort: ${opts.nodePort ?? 31300}`;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${opts.name ?? 'grafana'}
  namespace: monitoring
  annotations:
    oci.oraclecloud.com/load-balancer-type: nlb
    oci-network-load-balancer.oraclecloud.com/security-list-management-mode: None
spec:
  type: LoadBalancer
  ports:
    - name: http
      port: 80
      protocol: ${opts.protocol ?? 'TCP'}${np}
`;
}

const CONFIG = 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n';

const SECURITY_LIST = `resource "oci_core_security_list" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.main.id
  display_name   = "workers"

  ingress_security_rules {
    description = "kube-proxy health check"
    protocol    = "6"
    source      = "10.0.20.0/24"
    tcp_options {
      min = 10256
      max = 10256
    }
  }
}

resource "oci_core_security_list" "lb" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.main.id
}
`;

const NSG = `resource "oci_core_network_security_group" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "workers"
}

resource "oci_core_network_security_group_security_rule" "health" {
  network_security_group_id = oci_core_network_security_group.workers.id
  direction                 = "INGRESS"
  protocol                  = "6"
  source                    = "10.0.20.0/24"
  source_type               = "CIDR_BLOCK"

  tcp_options {
    destination_port_range {
      min = 10256
      max = 10256
    }
  }
} # health checks

resource "oci_core_network_security_group_security_rule" "grafana_http_31300" {
  network_security_group_id = oci_core_network_security_group.workers.id
  direction                 = "EGRESS"
  protocol                  = "all"
  destination               = "0.0.0.0/0"
}

output "nsg" {
  value = oci_core_network_security_group.workers.id
}
`;

/** `terraform fmt` of a text, or null when terraform is not installed. */
function terraformFmt(text: string): string | null {
  const r = spawnSync('terraform', ['fmt', '-no-color', '-'], { input: text, encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } });
  if (r.error || r.status !== 0) return null;
  return r.stdout;
}

function addedRules(path: string, text: string) {
  const tf = readTerraform(path, text).value!;
  return {
    lists: tf.securityLists.flatMap((l) => l.rules.filter((r) => r.origin.includes('service-reach:')).map((r) => ({ list: l.terraform!.address, rule: r }))),
    nsg: tf.nsgRules.filter((r) => r.rule.origin.includes('service-reach:')),
  };
}

suite('Fixes: Terraform', () => {
  suiteSetup(ready);

  test('appends an ingress_security_rules block (flattened tcp_options) before the resource\'s closing brace', () => {
    const ws = workspace({ 'svc.yaml': grafana(), 'net/network.tf': SECURITY_LIST, '.service-reach.yaml': CONFIG });
    const a = preferred(ws, 'security-list-port-closed');
    assert.match(a.title, /oci_core_security_list\.workers/);
    const after = applied(ws, a.edits).get('net/network.tf')!;
    assert.equal(after, SECURITY_LIST.replace(`      max = 10256
    }
  }
}`, `      max = 10256
    }
  }

  ingress_security_rules {
    description = "service-reach: monitoring/grafana http nodePort 31300 from load balancer"
    protocol    = "6"
    source      = "10.0.20.0/24"
    source_type = "CIDR_BLOCK"
    stateless   = false
    tcp_options {
      min = 31300
      max = 31300
    }
  }
}`));
    assert.deepEqual(parseHcl(after).problems, []);
    const { lists } = addedRules('net/network.tf', after);
    assert.deepEqual(lists.map((l) => [l.list, l.rule.ports, l.rule.source]), [['oci_core_security_list.workers', { kind: 'ranges', ranges: [{ min: 31300, max: 31300 }] }, { kind: 'cidr', cidr: '10.0.20.0/24' }]]);
    applyTo(ws, a.edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('a new NSG rule resource after the last rule of that NSG: nested destination_port_range, unique name, id expression kept', () => {
    const ws = workspace({ 'svc.yaml': grafana({ protocol: 'UDP' }), 'net/nsg.tf': NSG, '.service-reach.yaml': CONFIG });
    const a = preferred(ws, 'security-list-port-closed');
    const after = applied(ws, a.edits).get('net/nsg.tf')!;
    assert.ok(after.includes(`} # health checks

resource "oci_core_network_security_group_security_rule" "grafana_http_31300_2" {
  network_security_group_id = oci_core_network_security_group.workers.id
  direction                 = "INGRESS"
  protocol                  = "17"
  source                    = "10.0.20.0/24"
  source_type               = "CIDR_BLOCK"
  stateless                 = false
  description               = "service-reach: monitoring/grafana http nodePort 31300 from load balancer"

  udp_options {
    destination_port_range {
      min = 31300
      max = 31300
    }
  }
}

resource "oci_core_network_security_group_security_rule" "grafana_http_31300" {`), after);
    assert.deepEqual(parseHcl(after).problems, []);
    const { nsg } = addedRules('net/nsg.tf', after);
    assert.equal(nsg.length, 1);
    assert.equal(nsg[0].nsgAddress, 'oci_core_network_security_group.workers');
    assert.deepEqual(nsg[0].rule.protocol, { kind: 'one', protocol: 'UDP' });
    applyTo(ws, a.edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('a security list is preferred over an NSG; several sources make one block (or resource) each, in one action', () => {
    const cfg = 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24, 10.0.21.0/24]\n';
    const ws = workspace({ 'svc.yaml': grafana(), 'a/nsg.tf': NSG, 'b/network.tf': SECURITY_LIST, '.service-reach.yaml': cfg });
    const f = ws.analyze().findings.find((x) => x.code === 'security-list-port-closed' && /31300/.test(x.message))!;
    const [a] = fixesFor(ws, f);
    assert.deepEqual(a.edits.map((e) => e.path), ['b/network.tf']);
    assert.equal(addedRules('b/network.tf', applied(ws, a.edits).get('b/network.tf')!).lists.length, 2);

    const nsgOnly = workspace({ 'svc.yaml': grafana(), 'a/nsg.tf': NSG, '.service-reach.yaml': cfg });
    const g = nsgOnly.analyze().findings.find((x) => x.code === 'security-list-port-closed' && /31300/.test(x.message))!;
    const after = applied(nsgOnly, fixesFor(nsgOnly, g)[0].edits).get('a/nsg.tf')!;
    const names = readTerraform('a/nsg.tf', after).value!.nsgRules.map((r) => r.terraform.address);
    assert.deepEqual(names.filter((n) => n.includes('grafana')), ['oci_core_network_security_group_security_rule.grafana_http_31300_2', 'oci_core_network_security_group_security_rule.grafana_http_31300_3']);
  });

  test('tabs and CRLF are kept; an empty resource body gets no blank line before the block', () => {
    const tabbed = SECURITY_LIST.replace(/^( +)/gm, (m) => '\t'.repeat(m.length / 2)).replace(/\n/g, '\r\n');
    const ws = workspace({ 'svc.yaml': grafana(), 'network.tf': tabbed, '.service-reach.yaml': CONFIG });
    const after = applied(ws, preferred(ws, 'security-list-port-closed').edits).get('network.tf')!;
    assert.ok(after.includes('\r\n\tingress_security_rules {\r\n\t\tdescription = "service-reach:'), after);
    assert.ok(!/[^\r]\n/.test(after));
    assert.deepEqual(parseHcl(after).problems, []);

    const empty = 'resource "oci_core_security_list" "workers" {\n}\n';
    const ws2 = workspace({ 'svc.yaml': grafana(), 'network.tf': empty, '.service-reach.yaml': CONFIG });
    const f = ws2.analyze().findings.find((x) => x.code === 'security-list-port-closed' && /31300/.test(x.message))!;
    const after2 = applied(ws2, fixesFor(ws2, f)[0].edits).get('network.tf')!;
    assert.match(after2, /^resource "oci_core_security_list" "workers" \{\n  ingress_security_rules \{\n/);
    assert.deepEqual(parseHcl(after2).problems, []);
  });

  test('unpinned: the whole node-port range', () => {
    const ws = workspace({ 'svc.yaml': grafana({ nodePort: null }), 'network.tf': SECURITY_LIST, '.service-reach.yaml': CONFIG });
    const open = fixesFor(ws, findingOf(ws, 'nodeport-unpinned')).find((a) => a.edits.length && a.edits.every((e) => e.path === 'network.tf'))!;
    const after = applied(ws, open.edits).get('network.tf')!;
    assert.deepEqual(addedRules('network.tf', after).lists.map((l) => l.rule.ports), [{ kind: 'ranges', ranges: [{ min: 30000, max: 32767 }] }]);
  });

  test('descriptions are HCL strings that read back exactly: quotes, backslashes, ${ and %{ escaped', () => {
    const hostile = 'a "quoted" \\ back ${var.x} %{if} $ % \n new\tline';
    const text = `locals {\n  x = ${hclString(hostile)}\n}\n`;
    assert.deepEqual(parseHcl(text).problems, []);
    const symbols = readTerraform('x.tf', `variable "v" {\n  default = ${hclString(hostile)}\n}\n`);
    assert.deepEqual(symbols.problems, []);
    const tf = `resource "oci_core_security_list" "w" {\n  ingress_security_rules {\n    protocol = "6"\n    source = "0.0.0.0/0"\n    description = ${hclString(hostile)}\n  }\n}\n`;
    const rule = readTerraform('w.tf', tf).value!.securityLists[0].rules[0];
    assert.ok(rule.origin.includes(hostile), rule.origin);
  });

  test('terraform fmt leaves every fixed file as it is (when terraform is installed)', function () {
    this.timeout(30000);
    if (terraformFmt('a = 1\n') === null) {
      console.log('      (skipped: terraform is not installed)');
      this.skip();
    }
    assert.equal(terraformFmt(SECURITY_LIST), SECURITY_LIST, 'the fixture itself is fmt-clean');
    assert.equal(terraformFmt(NSG), NSG, 'the fixture itself is fmt-clean');
    const cases: [string, string, string][] = [['TCP', 'network.tf', SECURITY_LIST], ['UDP', 'network.tf', SECURITY_LIST], ['SCTP', 'nsg.tf', NSG], ['TCP', 'nsg.tf', NSG]];
    for (const [protocol, path, text] of cases) {
      const ws = workspace({ 'svc.yaml': grafana({ protocol }), [path]: text, '.service-reach.yaml': 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24, 10.0.21.0/24]\n' });
      const f = ws.analyze().findings.find((x) => x.code === 'security-list-port-closed' && /31300/.test(x.message))!;
      const after = applied(ws, fixesFor(ws, f)[0].edits).get(path)!;
      assert.equal(terraformFmt(after), after, `${protocol} ${path}`);
    }
  });
});
