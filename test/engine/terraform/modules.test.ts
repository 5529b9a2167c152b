/**
 * Terraform evaluated as Terraform would, end to end through the Terraform source module: the OKE-style
 * fixtures (`fixtures.ts`) give every rule evaluated, with the ports and sources `terraform` computes (written
 * out by hand below); variable files in Terraform's order; what stays unknown says why, at the right line;
 * an edit evaluates only the root module whose tree holds the file.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { initHcl } from '../../../server/src/engine/parse/hcl';
import type { ParseProblem } from '../../../server/src/engine/parse/problem';
import type { Rule } from '../../../server/src/engine/sources/model';
import { readSources } from '../../../server/src/engine/sources/registry';
import type { SourceInputs } from '../../../server/src/engine/sources/source-module';
import { readHclGrammar } from '../../../server/src/host/hcl-grammar';
import { dedent, ready, workspace } from '../../support/workspace';
import { terraformReadingOf } from '../../../server/src/engine/sources/modules/terraform';
import { writtenAddress } from '../../../server/src/engine/sources/terraform';
import { entries, oke } from './fixtures';

function read(files: Record<string, string>, varFiles: string[] = []): { inputs: SourceInputs; problems: string[] } {
  const problems: string[] = [];
  const report = (_c: string, p: string, ps: readonly ParseProblem[]) => { for (const x of ps) problems.push(`${p}: ${x.message}`); };
  return { inputs: readSources(entries(files), report, undefined, { terraformVarFiles: varFiles }), problems };
}

function brief(r: Rule): unknown {
  return { protocol: r.protocol, ports: r.ports, source: r.source };
}

const TCP = { kind: 'one', protocol: 'TCP' } as const;
const UDP = { kind: 'one', protocol: 'UDP' } as const;
const ports = (min: number, max = min) => ({ kind: 'ranges', ranges: [{ min, max }] });
const cidr = (c: string) => ({ kind: 'cidr', cidr: c });

suite('terraform: modules evaluated as Terraform does', () => {
  suiteSetup(async () => {
    await initHcl(readHclGrammar(path.dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json'))));
  });

  test('a for_each over merge() of locals maps with dynamic tcp_options, in a local module called with lookup() inputs and a tfvars override', () => {
    const { inputs, problems } = read(oke());
    assert.deepEqual(problems, []);
    const rules = inputs.ociNsgRules.filter((r) => !r.egress);
    // for_each iterates the map's keys in lexical order (upper case first), as Terraform does
    assert.deepEqual(rules.map((r) => r.res.terraform.address), [
      'module.network.oci_core_network_security_group_security_rule.oke["Allow SSH from 198.51.100.0/24"]',
      'module.network.oci_core_network_security_group_security_rule.oke["Allow SSH from 203.0.113.7/32"]',
      'module.network.oci_core_network_security_group_security_rule.oke["Allow TCP NodePorts from load balancers"]',
      'module.network.oci_core_network_security_group_security_rule.oke["Allow UDP NodePorts from load balancers"]',
      'module.network.oci_core_network_security_group_security_rule.oke["Allow all from other workers"]',
      'module.network.oci_core_network_security_group_security_rule.oke["Allow health checks from load balancers"]',
    ]);
    assert.deepEqual(rules.map((r) => brief(r.res.rule)), [
      // admin_cidrs from terraform.tfvars, not the default 192.0.2.0/24
      { protocol: TCP, ports: ports(22), source: cidr('198.51.100.0/24') },
      { protocol: TCP, ports: ports(22), source: cidr('203.0.113.7/32') },
      // lb_cidr = lookup(var.network_cidrs, "LB-SUBNET-CIDR"); node_port_min = 30000 (the module's default)
      { protocol: TCP, ports: ports(30000, 32767), source: cidr('10.0.20.0/24') },
      { protocol: UDP, ports: ports(30000, 32767), source: cidr('10.0.20.0/24') },
      // cidrsubnet("10.0.0.0/16", 8, 10)
      { protocol: { kind: 'all' }, ports: { kind: 'all' }, source: cidr('10.0.10.0/24') },
      // an NSG source: the load balancers' NSG, named by its identity
      { protocol: TCP, ports: ports(10256), source: { kind: 'load-balancer', text: 'module.network.oci_core_network_security_group.lb[0]' } },
    ]);
    for (const r of rules) {
      assert.equal(r.path, 'infra/network/nsg.tf');
      assert.equal(r.res.rule.unevaluated, undefined, r.res.rule.origin);
      // the rule's NSG through `merge(v, { nsg_id = … })`: the identity of the workers' NSG
      assert.equal(r.res.nsgAddress, 'module.network.oci_core_network_security_group.workers');
    }
    assert.match(rules[2].res.rule.origin, /"Allow TCP NodePorts from load balancers" \(tcp 30000-32767 from 10\.0\.20\.0\/24\)$/);
    assert.deepEqual(inputs.ociNsgs.map((n) => [n.nsg.address, n.nsg.displayName]), [
      ['module.network.oci_core_network_security_group.workers', 'workers'],
      ['module.network.oci_core_network_security_group.lb[0]', 'lb-0'],
    ]);

    const [list] = inputs.ociLists;
    assert.equal(list.path, 'infra/main.tf');
    assert.equal(list.displayName, 'lb-default');
    assert.deepEqual(list.rules.map(brief), [
      { protocol: TCP, ports: ports(443), source: cidr('0.0.0.0/0') },
      // lb_ports = [80, 8080] from terraform.tfvars: one rule per element of the dynamic block
      { protocol: TCP, ports: ports(80), source: cidr('0.0.0.0/0') },
      { protocol: TCP, ports: ports(8080), source: cidr('0.0.0.0/0') },
    ]);
    assert.equal(list.rules[2].origin, 'ingress_security_rules "listener 8080" (tcp 8080 from 0.0.0.0/0)');
    assert.ok(list.rules.every((r) => r.unevaluated === undefined));
  });

  test('variable files in Terraform\'s order: default, terraform.tfvars, *.auto.tfvars by name, then the configured files', () => {
    const listPorts = (files: Record<string, string>, varFiles: string[] = []) =>
      read(files, varFiles).inputs.ociLists[0].rules.slice(1).map((r) => (r.ports.kind === 'ranges' ? r.ports.ranges[0].min : r.ports.kind));
    assert.deepEqual(listPorts(oke({ 'infra/terraform.tfvars': '' })), [80]);
    assert.deepEqual(listPorts(oke()), [80, 8080]);
    assert.deepEqual(listPorts(oke({ 'infra/b.auto.tfvars': 'lb_ports = [8443]\n', 'infra/a.auto.tfvars.json': '{"lb_ports": [9000]}' })), [8443]);
    assert.deepEqual(listPorts(oke({ 'env/prod.tfvars': 'lb_ports = [443, 444]\n', 'infra/x.auto.tfvars': 'lb_ports = [1]\n' }), ['env/prod.tfvars']), [443, 444]);
    // a variable file that is not read by Terraform on its own, and not configured, changes nothing
    assert.deepEqual(listPorts(oke({ 'infra/prod.tfvars': 'lb_ports = [7]\n' })), [80, 8080]);
  });

  test('terraform.varFiles in .service-reach.yaml', async () => {
    await ready();
    const ws = workspace({
      ...oke(),
      'env/prod.tfvars': 'lb_ports = [8443]\n',
      '.service-reach.yaml': 'terraform:\n  varFiles: [env/prod.tfvars]\n',
    });
    const analysis = ws.analyze();
    assert.deepEqual(analysis.findings.filter((f) => f.code === 'config-invalid'), []);
    const main = terraformReadingOf(ws.sourceFile('infra/main.tf')!)!.value!;
    assert.deepEqual(main.securityLists[0].rules.map((r) => r.ports), [ports(443), ports(8443)]);
  });

  test('what cannot be evaluated is unknown, says why, at the for_each or dynamic line of a generated rule', () => {
    const files = oke({
      // a registry module's output and a data source feed the rules
      'infra/main.tf': dedent(`
        module "vcn" {
          source  = "oracle-terraform-modules/vcn/oci"
          version = "3.6.0"
        }
        data "oci_core_services" "all" {}
        locals {
          ports = { http = 80, https = 443 }
        }
        resource "oci_core_security_list" "a" {
          ingress_security_rules {
            protocol = "6"
            source   = module.vcn.vcn_cidr
          }
          dynamic "ingress_security_rules" {
            for_each = data.oci_core_services.all.services
            content {
              protocol = "6"
              source   = ingress_security_rules.value.cidr_block
            }
          }
          dynamic "ingress_security_rules" {
            for_each = local.ports
            content {
              protocol = "6"
              source   = "0.0.0.0/0"
              tcp_options {
                min = ingress_security_rules.value
                max = ingress_security_rules.value
              }
            }
          }
        }
      `),
      'infra/terraform.tfvars': '',
    });
    const { inputs } = read(files);
    const text = files['infra/main.tf'];
    const list = inputs.ociLists.find((l) => l.path === 'infra/main.tf')!;
    const [first, second, http, https] = list.rules;
    assert.deepEqual(first.unevaluated?.reasons, ['`module.vcn` comes from a registry (oracle-terraform-modules/vcn/oci)']);
    assert.equal(first.unevaluated?.at, first.span);
    assert.deepEqual(second.unevaluated?.reasons, ['`data.oci_core_services.all` is a data source']);
    assert.ok(dedent(text).slice(second.unevaluated!.at.start).startsWith('for_each = data.oci_core_services.all.services'));
    assert.deepEqual([http.ports, https.ports], [ports(80), ports(443)]);
    assert.equal(http.unevaluated, undefined);
  });

  test('a resource\'s id is unknown as a value, but names its resource through locals, lookup, compact and module outputs', () => {
    const files = {
      'm/main.tf': dedent(`
        variable "nsg_ids" {}
        resource "oci_core_network_security_group_security_rule" "r" {
          network_security_group_id = lookup(var.nsg_ids, "workers")
          direction   = "INGRESS"
          protocol    = "6"
          source      = compact([var.nsg_ids["lb"], ""])[0]
          source_type = "NETWORK_SECURITY_GROUP"
        }
        output "ids" {
          value = var.nsg_ids
        }
      `),
      'main.tf': dedent(`
        resource "oci_core_network_security_group" "workers" {}
        resource "oci_core_network_security_group" "lb" {}
        module "rules" {
          source  = "./m"
          nsg_ids = { workers = oci_core_network_security_group.workers.id, lb = oci_core_network_security_group.lb.id }
        }
        resource "oci_core_network_security_group_security_rule" "again" {
          network_security_group_id = module.rules.ids.workers
          direction = "INGRESS"
          protocol  = "all"
          source    = "10.0.0.0/8"
        }
      `),
    };
    const { inputs } = read(files);
    assert.deepEqual(inputs.ociNsgRules.map((r) => [r.res.terraform.address, r.res.nsgAddress, r.res.rule.source]), [
      // (in workspace order of the files)
      ['module.rules.oci_core_network_security_group_security_rule.r', 'oci_core_network_security_group.workers', { kind: 'load-balancer', text: 'oci_core_network_security_group.lb' }],
      ['oci_core_network_security_group_security_rule.again', 'oci_core_network_security_group.workers', cidr('10.0.0.0/8')],
    ]);
  });

  test('the config names a resource of a local module by its address as written', async () => {
    await ready();
    const ws = workspace({
      ...oke(),
      '.service-reach.yaml': 'nodes:\n  securityLists: [infra/network/nsg.tf#oci_core_network_security_group.workers]\n',
    });
    assert.deepEqual(ws.analyze().findings.filter((f) => f.code.startsWith('config-')).map((f) => f.message), []);
    assert.equal(writtenAddress('module.a["x"].module.b.oci_core_security_list.l[0]'), 'oci_core_security_list.l');
    assert.equal(writtenAddress('oci_core_security_list.l'), 'oci_core_security_list.l');
  });

  test('a folder called as a local module is evaluated only through its callers', () => {
    const { inputs } = read(oke());
    // the network module alone would have an unknown vcn_id; it is read once, through infra/
    assert.equal(inputs.ociNsgs.length, 2);
    assert.ok(inputs.ociNsgRules.every((r) => r.res.terraform.address.startsWith('module.network.')));
  });

  test('editing a .tf file evaluates again only the root modules whose tree holds it', () => {
    const files: Record<string, string> = { ...oke(), 'other/main.tf': 'resource "oci_core_security_list" "x" {\n  ingress_security_rules {\n    protocol = "6"\n    source   = "10.1.0.0/16"\n  }\n}\n' };
    const first = entries(files);
    const byPath = new Map(first.map((f) => [f.path, f]));
    const noReport = () => undefined;
    const a = readSources(first, noReport);
    const edited = { ...files, 'infra/network/variables.tf': files['infra/network/variables.tf'].replace('default = 30000', 'default = 30100') };
    const b = readSources(entries(edited, byPath), noReport);
    const other = (i: SourceInputs) => i.ociLists.find((l) => l.path === 'other/main.tf');
    assert.equal(other(b), other(a), 'the other root module was not evaluated again');
    const nodePorts = (i: SourceInputs) => i.ociNsgRules.map((r) => r.res.rule.ports).filter((p) => p.kind === 'ranges' && p.ranges[0].max === 32767);
    assert.deepEqual(nodePorts(b), [ports(30100, 32767), ports(30100, 32767)]);
    assert.notEqual(b.ociLists.find((l) => l.path === 'infra/main.tf'), a.ociLists.find((l) => l.path === 'infra/main.tf'));
  });
});
