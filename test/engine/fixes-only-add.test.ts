/**
 * Fixes only add (fast-check, seeded): on generated workspaces — firewalld zones with ports, services, rich rules
 * that accept, drop or reject (for one port, a range, or everything from a source), OCI security lists in JSON with
 * ingress and egress rules, Terraform lists and NSG rules — every rule present before a fix is present after it:
 * after each finding's first (preferred) fix, after one "fix all" pass (`planFixAll`) and after the fix loop
 * that `check --fix` runs (`fixAll`). The action that removes a rule the user wrote exists only as a manual one: never preferred,
 * never taken by those.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ready } from '../support/workspace';
import { Workspace } from '../../server/src/engine';
import { applyEdits, fixAll, fixesFor, planFixAll, type TextEdit } from '../../server/src/engine/fixes';
import { readFirewalldXml } from '../../server/src/engine/sources/firewalld-zone';
import { readOciSecurityListsJson } from '../../server/src/engine/sources/oci-json';
import { readTerraform } from '../../server/src/engine/sources/terraform';
import type { Rule, ZoneEntry } from '../../server/src/engine/sources/model';

const SEED = 20_261_115;

// --------------------------------------------------------------------------------------------- generators

const ZONE_ELEMENTS = [
  '<port port="30080" protocol="tcp"/>',
  '<port port="30000-30100" protocol="tcp"/>',
  '<port port="30053" protocol="udp"/>',
  '<service name="http"/>',
  '<service name="kube-nodeport-services"/>',
  '<rule family="ipv4"><port port="30080" protocol="tcp"/><drop/></rule>',
  '<rule family="ipv4"><source address="0.0.0.0/0"/><port port="30443" protocol="tcp"/><reject/></rule>',
  '<rule family="ipv4"><port port="30000-32767" protocol="tcp"/><drop/></rule>',
  '<rule family="ipv4"><source address="198.51.100.0/24"/><drop/></rule>',
  '<rule family="ipv4"><source address="10.0.20.0/24"/><port port="30080" protocol="tcp"/><accept/></rule>',
  '<rule family="ipv4">\n    <port port="10256" protocol="tcp"/>\n    <reject/>\n  </rule>',
];

const zoneGen = fc.record({
  target: fc.constantFrom('', ' target="DROP"', ' target="%%REJECT%%"'),
  elements: fc.subarray(ZONE_ELEMENTS, { minLength: 0, maxLength: 5 }),
}).map((z) => `<?xml version="1.0" encoding="utf-8"?>\n<zone${z.target}>\n  <service name="ssh"/>\n${z.elements.map((e) => `  ${e}\n`).join('')}</zone>\n`);

const INGRESS = [
  { protocol: '6', source: '0.0.0.0/0', 'tcp-options': { 'destination-port-range': { min: 22, max: 22 } } },
  { protocol: '6', source: '10.0.20.0/24', 'tcp-options': { 'destination-port-range': { min: 30080, max: 30080 } } },
  { protocol: '17', source: '10.0.0.0/16', 'udp-options': { 'destination-port-range': { min: 30053, max: 30053 } } },
  { protocol: 'all', source: '10.0.0.0/8' },
  { protocol: '6', source: 'oci-phx-objectstorage', 'source-type': 'SERVICE_CIDR_BLOCK' },
];
const EGRESS = [
  { protocol: 'all', destination: '0.0.0.0/0' },
  { protocol: '6', destination: '10.0.10.0/24', 'tcp-options': { 'destination-port-range': { min: 30000, max: 32767 } } },
];

const jsonGen = fc.record({ ingress: fc.subarray(INGRESS), egress: fc.subarray(EGRESS), get: fc.boolean() }).map((l) => {
  const list = { 'display-name': 'workers', id: 'ocid1.securitylist.oc1..w', 'ingress-security-rules': l.ingress, 'egress-security-rules': l.egress };
  return JSON.stringify(l.get ? { data: list, etag: 'e' } : list, null, 2);
});

const TF_BLOCKS = [
  '  ingress_security_rules {\n    protocol = "6"\n    source   = "10.0.0.0/29"\n    tcp_options {\n      min = 22\n      max = 22\n    }\n  }\n',
  '  ingress_security_rules {\n    protocol = "6"\n    source   = "10.0.20.0/24"\n    tcp_options {\n      min = 30000\n      max = 30100\n    }\n  }\n',
  '  egress_security_rules {\n    protocol    = "all"\n    destination = "0.0.0.0/0"\n  }\n',
];
const NSG_RULES = [
  'resource "oci_core_network_security_group_security_rule" "ssh" {\n  network_security_group_id = oci_core_network_security_group.w.id\n  direction = "INGRESS"\n  protocol  = "6"\n  source    = "10.0.0.0/29"\n}\n',
  'resource "oci_core_network_security_group_security_rule" "out" {\n  network_security_group_id = oci_core_network_security_group.w.id\n  direction   = "EGRESS"\n  protocol    = "all"\n  destination = "0.0.0.0/0"\n}\n',
];

const tfGen = fc.record({ blocks: fc.subarray(TF_BLOCKS), nsg: fc.subarray(NSG_RULES) }).map((t) =>
  `resource "oci_core_security_list" "workers" {\n  display_name = "workers"\n${t.blocks.join('')}}\n`
  + (t.nsg.length ? `\nresource "oci_core_network_security_group" "w" {\n  display_name = "w"\n}\n\n${t.nsg.join('\n')}` : ''));

interface PortGen { name: string; port: number; protocol: string; nodePort?: number }
const portGen: fc.Arbitrary<PortGen> = fc.record({
  name: fc.constantFrom('http', 'https', 'dns'),
  port: fc.constantFrom(80, 443, 53),
  protocol: fc.constantFrom('TCP', 'UDP'),
  nodePort: fc.constantFrom(undefined, 30080, 30443, 30053, 31000),
}, { requiredKeys: ['name', 'port', 'protocol'] });

const svcGen = fc.record({
  type: fc.constantFrom('NodePort', 'LoadBalancer'),
  ports: fc.uniqueArray(portGen, { minLength: 1, maxLength: 2, selector: (p) => p.name }),
  local: fc.boolean(),
  mode: fc.constantFrom(undefined, 'None', 'Frontend'),
  nlb: fc.boolean(),
}).map((s) => {
  const ann = s.nlb
    ? ['    oci.oraclecloud.com/load-balancer-type: nlb', ...(s.mode ? [`    oci-network-load-balancer.oraclecloud.com/security-list-management-mode: ${s.mode}`] : [])]
    : s.mode ? [`    service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode: ${s.mode}`] : [];
  const lines = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', ...(ann.length ? ['  annotations:', ...ann] : []), 'spec:', `  type: ${s.type}`];
  if (s.local && s.type === 'LoadBalancer') lines.push('  externalTrafficPolicy: Local');
  lines.push('  ports:');
  for (const p of s.ports) {
    lines.push(`    - name: ${p.name}`, `      port: ${p.port}`, `      protocol: ${p.protocol}`);
    if (p.nodePort !== undefined) lines.push(`      nodePort: ${p.nodePort}`);
  }
  return lines.join('\n') + '\n';
});

const CONFIGS = [
  undefined,
  'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n',
  'nodes:\n  securityLists: [oci/workers.json]\nloadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n  securityLists: [terraform/network.tf]\n',
];

const workspaceGen = fc.record({
  svc: svcGen,
  zone: fc.option(zoneGen, { nil: undefined }),
  json: fc.option(jsonGen, { nil: undefined }),
  tf: fc.option(tfGen, { nil: undefined }),
  config: fc.constantFrom(...CONFIGS),
}).map((g) => {
  const files: Record<string, string> = { 'k8s/web.yaml': g.svc };
  if (g.zone) files['etc/firewalld/zones/public.xml'] = g.zone;
  if (g.json) files['oci/workers.json'] = g.json;
  if (g.tf) files['terraform/network.tf'] = g.tf;
  if (g.config) files['.service-reach.yaml'] = g.config;
  return files;
});

// ------------------------------------------------------------------------------------------------- rules

/** A rule without where it is written: what it lets in or keeps out. */
function ruleKey(direction: string, r: Rule): string {
  return JSON.stringify([direction, r.action, r.protocol, r.ports, r.source, r.family ?? null]);
}

function entryKey(e: ZoneEntry): string {
  const { span: _span, ...rest } = e as ZoneEntry & { span: unknown };
  return JSON.stringify(rest);
}

/** Every rule a file holds, as keys (a multiset: a rule written twice counts twice). */
function rulesOf(path: string, text: string): string[] {
  if (path.endsWith('.xml')) {
    const z = readFirewalldXml(path, text).value;
    if (z?.kind !== 'firewalld-zone') return [];
    return [`target ${z.target}`, ...z.sourceBindings.map((b) => `binding ${b.address}`), ...z.entries.map(entryKey)];
  }
  if (path.endsWith('.json')) {
    return (readOciSecurityListsJson(path, text).value ?? []).flatMap((l) => [...l.rules.map((r) => ruleKey('in', r)), ...(l.egressRules ?? []).map((r) => ruleKey('out', r))]);
  }
  if (path.endsWith('.tf')) {
    const f = readTerraform(path, text).value;
    if (!f) return [];
    return [
      ...f.securityLists.flatMap((l) => [...l.rules.map((r) => ruleKey('in', r)), ...(l.egressRules ?? []).map((r) => ruleKey('out', r))]),
      ...f.nsgRules.map((r) => ruleKey(`nsg-in ${r.nsgExpr}`, r.rule)),
      ...f.nsgEgressRules.map((r) => ruleKey(`nsg-out ${r.nsgExpr}`, r.rule)),
    ];
  }
  return [];
}

function assertRulesKept(before: Record<string, string>, after: (path: string) => string | undefined, what: string): void {
  for (const [path, text] of Object.entries(before)) {
    const now = after(path);
    if (now === undefined || now === text) continue;
    const left = rulesOf(path, now);
    for (const key of rulesOf(path, text)) {
      const i = left.indexOf(key);
      assert.ok(i >= 0, `${what}: a rule of ${path} is gone: ${key}\nbefore:\n${text}\nafter:\n${now}`);
      left.splice(i, 1);
    }
  }
}

function wsOf(files: Record<string, string>): Workspace {
  const ws = new Workspace();
  for (const [p, t] of Object.entries(files)) ws.setFile(p, t);
  return ws;
}

function applied(files: Record<string, string>, edits: readonly TextEdit[]): (path: string) => string | undefined {
  return (path) => {
    const mine = edits.filter((e) => e.path === path);
    return mine.length ? applyEdits(files[path], mine) : files[path];
  };
}

suite('Fixes only add (fast-check, seeded)', () => {
  suiteSetup(ready);

  test('every preferred fix, "fix all" and the CLI\'s passes keep every rule; a removal is only ever a manual action', function () {
    this.timeout(180_000);
    let fixes = 0;
    let manual = 0;
    fc.assert(fc.property(workspaceGen, (files) => {
      const ws = wsOf(files);
      for (const f of ws.analyze().findings) {
        const actions = fixesFor(ws, f);
        for (const a of actions) {
          const kept = rulesKept(files, a.edits);
          if (a.isPreferred) {
            fixes++;
            assert.ok(kept, `${f.code}: the preferred fix "${a.title}" removes a rule`);
          } else if (!kept) {
            manual++;
            assert.match(a.title, /^Remove the rules? that /, `${f.code}: "${a.title}" removes a rule without saying so`);
          }
        }
        if (actions[0]?.isPreferred) assertRulesKept(files, applied(files, actions[0].edits), `${f.code}: ${actions[0].title}`);
      }
      assertRulesKept(files, applied(files, planFixAll(ws).edits), 'fix all');
      const loop = fixAll(wsOf(files), { scope: 'workspace' });
      assertRulesKept(files, (p) => loop.files.find((f) => f.path === p)?.text ?? files[p], 'check --fix');
    }), { seed: SEED, numRuns: 300 });
    assert.ok(fixes > 100, `the generator yields fixes (${fixes})`);
    assert.ok(manual > 5, `the generator yields deny rules a manual action would remove (${manual})`);
  });
});

function rulesKept(files: Record<string, string>, edits: readonly TextEdit[]): boolean {
  try {
    assertRulesKept(files, applied(files, edits), '');
    return true;
  } catch {
    return false;
  }
}
