/**
 * Terraform plan and state JSON (`terraform show -json`) as a rule source: the same resources as the `.tf`
 * reader with exact values and OCIDs, values known only after apply as unknown (with `rules-not-evaluated`), and
 * the same findings as the configuration they come from. The fixtures (fixtures/terraform-json/) are a small OKE
 * network as `network.tf`, its plan for a first apply (`plan.json`: ids unknown, computed `source_type` unknown)
 * and its state after that apply (`state.json`).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTerraformJson } from '../../../server/src/engine/sources/terraform-json';
import type { Rule, TerraformJsonFile } from '../../../server/src/engine/sources/model';
import { LineIndex, Workspace } from '../../../server/src/engine';
import { fixAll, fixesFor } from '../../../server/src/engine/fixes';
import { ready } from '../../support/workspace';

const FIXTURES = path.resolve(__dirname, '../../../../test/engine/sources/fixtures/terraform-json');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

function read(name: string): TerraformJsonFile {
  const r = readTerraformJson(name, fixture(name));
  assert.deepEqual(r.problems, []);
  assert.ok(r.value);
  return r.value;
}

function brief(r: Rule): unknown {
  return { protocol: r.protocol, ports: r.ports, source: r.source };
}

const TCP = (min: number, max = min) => ({ kind: 'ranges', ranges: [{ min, max }] });
const WORKER_RULES = [
  { protocol: { kind: 'one', protocol: 'TCP' }, ports: TCP(30000, 32767), source: { kind: 'cidr', cidr: '10.0.20.0/24' } },
  { protocol: { kind: 'one', protocol: 'TCP' }, ports: TCP(10256), source: { kind: 'cidr', cidr: '10.0.20.0/24' } },
  { protocol: { kind: 'one', protocol: 'TCP' }, ports: TCP(22), source: { kind: 'cidr', cidr: '10.0.0.0/16' } },
];

/** A minimal plan around one resource: its planned values and its `after_unknown`. */
function plan(resource: { address: string; [key: string]: unknown }, afterUnknown: object = {}, extra: object = {}): string {
  const r = { mode: 'managed', provider_name: 'registry.terraform.io/oracle/oci', schema_version: 0, sensitive_values: {}, ...resource };
  return JSON.stringify({
    format_version: '1.2', terraform_version: '1.7.5',
    planned_values: { root_module: { resources: [r] } },
    resource_changes: [{ address: r.address, mode: 'managed', change: { actions: ['create'], before: null, after: {}, after_unknown: afterUnknown } }],
    ...extra,
  }, null, 2);
}

/** Findings of a workspace as `line code severity` on the manifest, with the rule sources named in order. */
function manifestFindings(files: Record<string, string>): string[] {
  const ws = new Workspace();
  for (const [p, t] of Object.entries(files)) ws.setFile(p, t);
  const idx = new LineIndex(files['web.yaml']);
  return ws.analyze().findings.filter((f) => f.path === 'web.yaml').map((f) => {
    const sources = [...f.message.matchAll(/(security list|NSG) "([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`).sort();
    return `${idx.positionAt(f.span.start).line + 1} ${f.code} ${f.severity} ${sources.join(', ')}`;
  });
}

suite('Terraform plan and state JSON', () => {
  suiteSetup(ready);

  test('a plan: the lists, the NSG and its rule, every value exact; ids unknown before the first apply', () => {
    const f = read('plan.json');
    assert.equal(f.from, 'plan');
    const workers = f.securityLists.find((l) => l.displayName === 'workers')!;
    assert.deepEqual(workers.rules.map(brief), WORKER_RULES);
    assert.deepEqual(workers.egressRules!.map(brief), [{ protocol: { kind: 'all' }, ports: { kind: 'all' }, source: { kind: 'cidr', cidr: '0.0.0.0/0' } }]);
    assert.equal(workers.id, undefined);
    assert.deepEqual([workers.terraformJson?.address, workers.terraformJson?.from], ['oci_core_security_list.workers', 'plan']);
    // (the computed source_type of the rules that leave it out is unknown in the plan: inferred from the CIDR)
    assert.ok(workers.rules.every((r) => !r.unevaluated));
    const lb = f.securityLists.find((l) => l.displayName === 'load-balancers')!;
    assert.deepEqual(lb.egressRules!.map(brief), [{ protocol: { kind: 'one', protocol: 'TCP' }, ports: TCP(30000, 32767), source: { kind: 'cidr', cidr: '10.0.10.0/24' } }]);
    assert.deepEqual(f.nsgs.map((n) => [n.address, n.displayName, n.id]), [['oci_core_network_security_group.workers', 'workers-nsg', undefined]]);
    assert.equal(f.nsgRules.length, 1);
    const [rule] = f.nsgRules;
    // the group's id is known only after apply: the configuration's reference ties the rule to it
    assert.equal(rule.nsgAddress, 'oci_core_network_security_group.workers');
    assert.equal(rule.nsgExpr, 'oci_core_network_security_group.workers.id');
    assert.deepEqual(brief(rule.rule), { protocol: { kind: 'one', protocol: 'TCP' }, ports: TCP(30080), source: { kind: 'cidr', cidr: '0.0.0.0/0' } });
    // spans point at the resource objects (and a list's rules at their own objects)
    const text = fixture('plan.json');
    assert.match(text.slice(rule.rule.span.start, rule.rule.span.end), /^\{\s*"address": "oci_core_network_security_group_security_rule\.web_nodeport"/);
    assert.match(text.slice(workers.span.start, workers.span.end), /^\{\s*"address": "oci_core_security_list\.workers"/);
    assert.match(text.slice(workers.rules[2].span.start, workers.rules[2].span.end), /"description": "ssh from the VCN"/);
  });

  test('a state: the same rules, with the OCIDs of the lists and NSGs, and the rule tied to its NSG by id', () => {
    const f = read('state.json');
    assert.equal(f.from, 'state');
    const workers = f.securityLists.find((l) => l.displayName === 'workers')!;
    assert.deepEqual(workers.rules.map(brief), WORKER_RULES);
    assert.equal(workers.id, 'ocid1.securitylist.oc1.eu-frankfurt-1.aaaaaaaaworkers');
    assert.deepEqual(f.nsgs.map((n) => n.id), ['ocid1.networksecuritygroup.oc1.eu-frankfurt-1.aaaaaaaaworkers']);
    assert.equal(f.nsgRules[0].nsgId, 'ocid1.networksecuritygroup.oc1.eu-frankfurt-1.aaaaaaaaworkers');
    assert.equal(f.nsgRules[0].nsgAddress, 'oci_core_network_security_group.workers');
  });

  test('the plan and the state give the same findings as the configuration they come from', () => {
    const web = fixture('web.yaml');
    const hcl = manifestFindings({ 'web.yaml': web, 'network.tf': fixture('network.tf') });
    assert.deepEqual(hcl, ['15 security-list-port-closed error NSG workers-nsg, security list load-balancers, security list workers']);
    assert.deepEqual(manifestFindings({ 'web.yaml': web, 'plan.json': fixture('plan.json') }), hcl);
    assert.deepEqual(manifestFindings({ 'web.yaml': web, 'state.json': fixture('state.json') }), hcl);
  });

  test('no edit of a plan or state (generated); a state list still gets the copyable update command, with every rule it holds', () => {
    const files = { 'web.yaml': fixture('web.yaml'), 'state.json': fixture('state.json') };
    const ws = new Workspace();
    for (const [p, t] of Object.entries(files)) ws.setFile(p, t);
    const closed = ws.analyze().findings.find((f) => f.code === 'security-list-port-closed')!;
    const fixes = fixesFor(ws, closed);
    assert.equal(fixes.length, 1);
    assert.deepEqual(fixes[0].edits, []);
    const command = fixes[0].copyText!;
    assert.match(command, /^oci network security-list update --security-list-id ocid1\.securitylist\.oc1\.eu-frankfurt-1\.aaaaaaaalb --ingress-security-rules '/);
    const rules = JSON.parse(command.slice(command.indexOf("'") + 1, command.lastIndexOf("'"))) as Record<string, unknown>[];
    assert.deepEqual(rules[0], {
      description: '', icmpOptions: null, isStateless: false, protocol: '6', source: '0.0.0.0/0', sourceType: 'CIDR_BLOCK',
      tcpOptions: { destinationPortRange: { max: 443, min: 443 }, sourcePortRange: null }, udpOptions: null,
    });
    assert.equal(rules.length, 2);
    assert.deepEqual(rules[1].udpOptions, { destinationPortRange: { max: 30053, min: 30053 } });
    // `check --fix` leaves the state as it is; a plan (no OCIDs yet) offers nothing
    assert.deepEqual(fixAll(ws, { scope: 'workspace' }).files, []);
    const planWs = new Workspace();
    planWs.setFile('web.yaml', files['web.yaml']);
    planWs.setFile('plan.json', fixture('plan.json'));
    assert.deepEqual(fixesFor(planWs, planWs.analyze().findings.find((f) => f.code === 'security-list-port-closed')!), []);
  });

  test('values known only after apply are unknown, with the reason, and reported once per rule', () => {
    const text = plan({
      address: 'oci_core_security_list.workers', type: 'oci_core_security_list', name: 'workers',
      values: {
        display_name: 'workers',
        ingress_security_rules: [
          { protocol: '6', source_type: 'CIDR_BLOCK', tcp_options: [{ max: 32767, min: 30000, source_port_range: [] }], udp_options: [], icmp_options: [] },
          { protocol: '6', source: '10.0.0.0/16', source_type: 'CIDR_BLOCK', tcp_options: [{ source_port_range: [] }], udp_options: [], icmp_options: [] },
        ],
      },
    }, {
      id: true,
      ingress_security_rules: [{ source: true, tcp_options: [{ source_port_range: [] }] }, { tcp_options: [{ max: true, min: true, source_port_range: [] }] }],
      egress_security_rules: true,
    });
    const r = readTerraformJson('plan.json', text);
    const list = r.value!.securityLists[0];
    assert.deepEqual(list.rules[0].source, { kind: 'unknown', text: 'oci_core_security_list.workers.ingress_security_rules[0].source' });
    assert.deepEqual(list.rules[0].unevaluated?.reasons, ['`oci_core_security_list.workers.ingress_security_rules[0].source` is known only after apply']);
    assert.deepEqual(list.rules[1].ports, { kind: 'unknown', text: 'oci_core_security_list.workers.ingress_security_rules[1].tcp_options[0].min' });
    // a whole block list known only after apply: one rule that may allow anything, at the resource
    assert.equal(list.egressRules!.length, 1);
    assert.deepEqual(list.egressRules![0].unevaluated, { reasons: ['`oci_core_security_list.workers.egress_security_rules` is known only after apply'], at: list.span });

    const ws = new Workspace();
    ws.setFile('plan.json', text);
    ws.setFile('web.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  ports:\n    - {port: 80, nodePort: 30080}\n');
    const notes = ws.analyze().findings.filter((f) => f.code === 'rules-not-evaluated');
    assert.deepEqual(notes.map((f) => f.span).sort((a, b) => a.end - b.end), [list.rules[0].span, list.rules[1].span, list.span]);
    assert.match(notes.find((f) => f.span.start === list.span.start)!.message, /destination unknown/);
  });

  test('an NSG rule in a child module is tied to its group through the module call in the configuration', () => {
    const text = JSON.stringify({
      format_version: '1.2',
      planned_values: { root_module: { child_modules: [{ address: 'module.network', resources: [
        { address: 'module.network.oci_core_network_security_group.workers', mode: 'managed', type: 'oci_core_network_security_group', name: 'workers', values: { display_name: 'workers' } },
        { address: 'module.network.oci_core_network_security_group_security_rule.ssh', mode: 'managed', type: 'oci_core_network_security_group_security_rule', name: 'ssh',
          values: { direction: 'INGRESS', protocol: '6', source: '10.0.0.0/16', source_type: 'CIDR_BLOCK', tcp_options: [{ destination_port_range: [{ max: 22, min: 22 }], source_port_range: [] }] } },
      ] }] } },
      resource_changes: [{ address: 'module.network.oci_core_network_security_group_security_rule.ssh', change: { after_unknown: { id: true, network_security_group_id: true } } }],
      configuration: { root_module: { module_calls: { network: { source: './network', module: { resources: [
        { address: 'oci_core_network_security_group_security_rule.ssh', expressions: { network_security_group_id: { references: ['oci_core_network_security_group.workers.id', 'oci_core_network_security_group.workers'] } } },
      ] } } } } },
    });
    const f = readTerraformJson('plan.json', text).value!;
    assert.equal(f.nsgRules[0].nsgAddress, 'module.network.oci_core_network_security_group.workers');
    assert.deepEqual(f.nsgRules[0].rule.ports, TCP(22));
    assert.equal(f.nsgRules[0].rule.unevaluated, undefined);
  });

  test('claims plans and states only: other JSON stays a manifest or another source', () => {
    const ws = new Workspace();
    ws.setFile('plan.json', fixture('plan.json'));
    ws.setFile('svc.json', JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', annotations: { format_version: '1', values: 'x' } }, spec: { ports: [{ port: 80 }] } }));
    ws.setFile('versions.json', JSON.stringify({ format_version: '1.0', provider_schemas: {} }));
    assert.equal(ws.manifest('plan.json'), undefined);
    assert.deepEqual(ws.analyze().services.map((s) => s.service.name), ['a']);
    assert.equal(readTerraformJson('versions.json', JSON.stringify({ format_version: '1.0', provider_schemas: {} })).value, null);
  });

  test('a broken plan is read as far as it goes, with one json-syntax finding; data sources are not rules', () => {
    const text = plan({ address: 'data.oci_core_security_lists.all', mode: 'data', type: 'oci_core_security_list', name: 'all', values: { ingress_security_rules: [] } });
    assert.deepEqual(readTerraformJson('p.json', text).value!.securityLists, []);
    const broken = fixture('plan.json').replace('"protocol": "6",\n', '"protocol": "6"\n');
    const ws = new Workspace();
    ws.setFile('plan.json', broken);
    const codes = ws.analyze().findings.map((f) => f.code);
    assert.deepEqual(codes, ['json-syntax']);
    assert.ok(ws.analyze().layers.workerLists);
  });
});
