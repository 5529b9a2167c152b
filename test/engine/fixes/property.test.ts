/**
 * Property tests (fast-check, seeded): on generated workspaces — Services in block or flow style, any
 * indentation and newline, zone files, OCI lists in JSON and Terraform of many shapes — every fix
 *  - changes only the bytes inside its edit ranges, and replaces only what it must;
 *  - leaves every file as readable as it was (no new syntax finding);
 *  - clears the finding it fixes at that place;
 * and the CLI's passes clear every fixable finding.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ready } from '../../support/workspace';
import { Workspace, type Finding } from '../../../server/src/engine';
import { fixesFor, planFixAll, type TextEdit } from '../../../server/src/engine/fixes';
import { applied, assertYamlPositionsIntact, fixAndKeep } from './helpers';

const SEED = 20_250_101;
const SYNTAX = new Set(['yaml-syntax', 'xml-syntax', 'json-syntax', 'hcl-syntax']);
/** The codes that have a fix (their `fixes` in findings/codes.ts). */
const FIXABLE = new Set([
  'firewalld-port-closed', 'security-list-port-closed', 'lb-listener-closed', 'nodeport-unpinned', 'nodeport-out-of-range',
  'nodeport-conflict', 'invalid-protocol', 'invalid-service-type', 'unknown-field', 'port-name-required',
]);

// --------------------------------------------------------------------------------------------- generators

interface PortGen { name?: string; port: number; protocol?: string; nodePort?: number | string; targetPort?: number }
interface SvcGen {
  name: string; type: string; ports: PortGen[]; local: boolean; hc?: number; mode?: 'lb-none' | 'nlb-none';
  typo: boolean; flow: boolean; seqIndent: boolean;
}

const portGen: fc.Arbitrary<PortGen> = fc.record({
  name: fc.constantFrom(undefined, 'http', 'web', 'metrics'),
  port: fc.constantFrom(80, 443, 8080, 53, 9000),
  protocol: fc.constantFrom(undefined, 'TCP', 'UDP', 'tcp', '"TCP"', "'udp'"),
  nodePort: fc.constantFrom(undefined, 0, 30080, 30500, 8080, 31000, 32000, 30000),
  targetPort: fc.constantFrom(undefined, 8080),
}, { requiredKeys: ['port'] });

const svcGen = (name: string): fc.Arbitrary<SvcGen> => fc.record({
  name: fc.constant(name),
  type: fc.constantFrom('NodePort', 'LoadBalancer', 'LoadBalancer', 'NodPort', 'ClusterIP'),
  ports: fc.array(portGen, { minLength: 1, maxLength: 3 }),
  local: fc.boolean(),
  hc: fc.constantFrom(undefined, undefined, 32100),
  mode: fc.constantFrom(undefined, 'lb-none' as const, 'nlb-none' as const),
  typo: fc.boolean(),
  flow: fc.boolean(),
  seqIndent: fc.boolean(),
}, { requiredKeys: ['name', 'type', 'ports', 'local', 'typo', 'flow', 'seqIndent'] });

function renderPort(p: PortGen, flow: boolean, indent: string): string {
  const pairs: [string, string][] = [];
  if (p.name) pairs.push(['name', p.name]);
  pairs.push(['port', String(p.port)]);
  if (p.protocol) pairs.push(['protocol', p.protocol]);
  if (p.targetPort) pairs.push(['targetPort', String(p.targetPort)]);
  if (p.nodePort !== undefined) pairs.push(['nodePort', String(p.nodePort)]);
  if (flow) return `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
  return pairs.map(([k, v], i) => `${i === 0 ? '' : indent}${k}: ${v}`).join('\n');
}

function renderService(s: SvcGen, unit: string): string {
  const u = unit;
  const lines = ['apiVersion: v1', 'kind: Service', 'metadata:', `${u}name: ${s.name}`];
  if (s.mode) {
    lines.push(`${u}annotations:`);
    if (s.mode === 'lb-none') lines.push(`${u}${u}service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode: None`);
    else lines.push(`${u}${u}oci.oraclecloud.com/load-balancer-type: nlb`, `${u}${u}oci-network-load-balancer.oraclecloud.com/security-list-management-mode: None`);
  }
  lines.push('spec:', `${u}type: ${s.type}`);
  if (s.typo) lines.push(`${u}selectr: {app: ${s.name}}`);
  if (s.local && s.type === 'LoadBalancer') {
    lines.push(`${u}externalTrafficPolicy: Local`);
    if (s.hc) lines.push(`${u}healthCheckNodePort: ${s.hc}`);
  }
  if (s.flow) {
    lines.push(`${u}ports: [${s.ports.map((p) => renderPort(p, true, '')).join(', ')}]`);
  } else {
    lines.push(`${u}ports:`);
    const dash = s.seqIndent ? u + u + '- ' : u + '- ';
    for (const p of s.ports) lines.push(dash + renderPort(p, false, ' '.repeat(dash.length)));
  }
  return lines.join('\n') + '\n';
}

const ZONES = [
  '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <short>Public</short>\n  <service name="ssh"/>\n  <forward/>\n</zone>\n',
  '<zone/>',
  '<zone><service name="ssh"/></zone>',
  '<zone>\n\t<port port="30080" protocol="tcp"/>\n</zone>\n',
  '<zone>\n    <service name="kube-nodeport-services"/> <!-- k8s -->\n</zone>',
  '<zone target="DROP">\n</zone>\n',
];

const JSON_LISTS: ((id: string) => string)[] = [
  (id) => JSON.stringify({ data: { 'display-name': 'workers', id, 'ingress-security-rules': [{ description: 'ssh', 'icmp-options': null, 'is-stateless': false, protocol: '6', source: '0.0.0.0/0', 'source-type': 'CIDR_BLOCK', 'tcp-options': { 'destination-port-range': { max: 22, min: 22 }, 'source-port-range': null }, 'udp-options': null }] }, etag: 'e' }, null, 2),
  (id) => JSON.stringify({ data: [{ 'display-name': 'workers', id, 'ingress-security-rules': null }] }, null, 4),
  (id) => JSON.stringify({ displayName: 'workers', id, ingressSecurityRules: [] }),
  (id) => JSON.stringify({ displayName: 'workers', id, ingressSecurityRules: [{ protocol: '17', source: '10.0.0.0/8', udpOptions: { destinationPortRange: { min: 53, max: 53 } } }, { protocol: '6', source: '10.0.20.0/24' }] }, null, '\t'),
];

const TERRAFORM = [
  'resource "oci_core_security_list" "workers" {\n  compartment_id = var.c\n  display_name   = "workers"\n\n  ingress_security_rules {\n    protocol = "6"\n    source   = "10.0.0.0/29"\n    tcp_options {\n      min = 22\n      max = 22\n    }\n  }\n}\n',
  'resource "oci_core_security_list" "workers" {\n}\n',
  'resource "oci_core_network_security_group" "w" {\n\tcompartment_id = var.c\n}\n\nresource "oci_core_network_security_group_security_rule" "ssh" {\n\tnetwork_security_group_id = oci_core_network_security_group.w.id\n\tdirection                 = "INGRESS"\n\tprotocol                  = "6"\n\tsource                    = "10.0.0.0/29"\n}\n',
];

const CONFIGS = [undefined, 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n', 'nodes:\n  clientCidrs: [203.0.113.0/24, 0.0.0.0/0]\nloadBalancers:\n  subnetCidrs: [10.0.20.0/24, 10.0.21.0/24]\n', 'nodePortRange: 31000-31999\n',
  'nodes:\n  securityLists: [terraform/network.tf]\nloadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n  securityLists: [oci/workers.json]\n'];

const workspaceGen: fc.Arbitrary<Record<string, string>> = fc.record({
  a: svcGen('alpha'),
  b: fc.option(svcGen('beta'), { nil: undefined }),
  sameFile: fc.boolean(),
  unit: fc.constantFrom('  ', '    '),
  crlf: fc.boolean(),
  zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
  json: fc.option(fc.constantFrom(...JSON_LISTS), { nil: undefined }),
  tf: fc.option(fc.constantFrom(...TERRAFORM), { nil: undefined }),
  config: fc.constantFrom(...CONFIGS),
}).map((g) => {
  const nl = (t: string) => (g.crlf ? t.replace(/\n/g, '\r\n') : t);
  const files: Record<string, string> = {};
  const a = renderService(g.a, g.unit);
  if (g.b && g.sameFile) files['k8s/services.yaml'] = nl(`${a}---\n${renderService(g.b, g.unit)}`);
  else {
    files['k8s/alpha.yaml'] = nl(a);
    if (g.b) files['k8s/beta.yaml'] = nl(renderService(g.b, g.unit));
  }
  if (g.zone) files['etc/firewalld/zones/public.xml'] = nl(g.zone);
  if (g.json) files['oci/workers.json'] = g.json('ocid1.securitylist.oc1..w');
  if (g.tf) files['terraform/network.tf'] = g.tf;
  if (g.config) files['.service-reach.yaml'] = g.config;
  return files;
});

// ---------------------------------------------------------------------------------------------- checks

function wsOf(files: Record<string, string>): Workspace {
  const ws = new Workspace();
  for (const [p, t] of Object.entries(files)) ws.setFile(p, t);
  return ws;
}

/** Where an offset of the original text lands after the edits of that file. */
function mapOffset(offset: number, edits: readonly TextEdit[]): number {
  let delta = 0;
  for (const e of edits) if (e.span.end <= offset && !(e.span.start === e.span.end && e.span.start === offset)) delta += e.newText.length - (e.span.end - e.span.start);
  return offset + delta;
}

/** Nothing outside [first edit start, last edit end] changed: checked on the texts alone, not with applyEdits. */
function assertOnlyInside(before: string, after: string, edits: readonly TextEdit[], what: string): void {
  const lo = Math.min(...edits.map((e) => e.span.start));
  const hi = Math.max(...edits.map((e) => e.span.end));
  assert.equal(after.slice(0, lo), before.slice(0, lo), `${what}: bytes before the edits`);
  assert.equal(after.slice(after.length - (before.length - hi)), before.slice(hi), `${what}: bytes after the edits`);
  // between two edits of one action, the original bytes are still there, in order
  const sorted = [...edits].sort((x, y) => x.span.start - y.span.start);
  let pos = lo;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const gap = before.slice(sorted[i].span.end, sorted[i + 1].span.start);
    const found = after.indexOf(gap, pos);
    assert.ok(found >= 0, `${what}: the bytes between two edits are kept`);
    pos = found + gap.length;
  }
}

/** What a fix may replace (besides inserting): the value the finding points at, an empty or null array, a self-closing root. */
function assertReplacesOnlyWhatItMust(text: string, e: TextEdit, f: Finding): void {
  if (e.span.start === e.span.end) return;
  const old = text.slice(e.span.start, e.span.end);
  const hint = f.fix as { span?: { start: number; end: number } } | undefined;
  const ok = (hint?.span && e.path === f.path && hint.span.start === e.span.start && hint.span.end === e.span.end)
    || (e.path === f.path && /^(0|null|~)?$/.test(old.trim()) && !/[\r\n]/.test(old))
    || old === 'null' || /^\[\s*\]$/.test(old) || /^<zone\b[^>]*\/>$/.test(old);
  assert.ok(ok, `${f.code}: the fix replaces ${JSON.stringify(old)} in ${e.path}`);
}

function syntaxCount(ws: Workspace): number {
  return ws.analyze().findings.filter((f) => SYNTAX.has(f.code)).length;
}

suite('Fixes: properties (fast-check, seeded)', () => {
  suiteSetup(ready);

  test('every first fix: bytes outside its edits unchanged, files as readable as before, the finding gone from that place', function () {
    this.timeout(120_000);
    let fixesSeen = 0;
    fc.assert(fc.property(workspaceGen, (files) => {
      const ws = wsOf(files);
      const before = ws.analyze();
      const syntaxBefore = syntaxCount(ws);
      for (const f of before.findings) {
        const actions = fixesFor(ws, f);
        if (actions.length === 0) continue;
        const action = actions[0];
        assert.ok(action.edits.length > 0, `${f.code}: the first action edits`);
        assert.equal(action.isPreferred, true);
        fixesSeen++;
        const texts = applied(ws, action.edits);
        for (const [p, after] of texts) {
          const edits = action.edits.filter((e) => e.path === p);
          assertOnlyInside(files[p], after, edits, `${f.code} in ${p}`);
          for (const e of edits) assertReplacesOnlyWhatItMust(files[p], e, f);
          if (/\.ya?ml$/.test(p)) assertYamlPositionsIntact(files[p], after, edits);
        }
        const next = wsOf({ ...files, ...Object.fromEntries(texts) });
        assert.ok(syntaxCount(next) <= syntaxBefore, `${f.code}: the fix made a file unreadable: ${JSON.stringify(Object.fromEntries(texts))}`);
        const place = mapOffset(f.span.start, action.edits.filter((e) => e.path === f.path));
        const still = next.analyze().findings.filter((g) => g.code === f.code && g.path === f.path && g.span.start === place);
        assert.deepEqual(still.map((g) => g.message), [], `${f.code} is still reported after its fix:\n${JSON.stringify(Object.fromEntries(texts), null, 1)}`);
      }
    }), { seed: SEED, numRuns: 250 });
    assert.ok(fixesSeen > 250, `the generator yields fixable findings (${fixesSeen})`);
  });

  test('the CLI\'s passes clear every fixable finding, each fix doing what it says, within the pass limit', function () {
    this.timeout(120_000);
    fc.assert(fc.property(workspaceGen, (files) => {
      const ws = wsOf(files);
      const syntaxBefore = syntaxCount(ws);
      const r = fixAndKeep(ws);
      assert.equal(r.stuck, 0, 'every fix cleared its finding');
      assert.ok(r.passes <= 10);
      assert.equal(planFixAll(ws).edits.length, 0, 'nothing fixable left');
      const left = ws.analyze().findings.filter((f) => FIXABLE.has(f.code));
      assert.deepEqual(left.map((f) => `${f.code}: ${f.message}`), [], `fixable findings left:\n${JSON.stringify(files, null, 1)}`);
      assert.ok(syntaxCount(ws) <= syntaxBefore);
      for (const [p] of r.originals) assert.notEqual(ws.getText(p), files[p]);
    }), { seed: SEED + 1, numRuns: 200 });
  });
});
