import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { ready, workspace } from '../../support/workspace';
import { fixesFor } from '../../../server/src/engine/fixes';
import { readOciSecurityListsJson } from '../../../server/src/engine/sources/oci-json';
import { applied, applyTo, codesOf, findingOf, preferred, shellWords } from './helpers';

/** LoadBalancer in mode None: the worker lists must admit the LB subnet on the node port and the health check. */
function grafana(opts: { protocol?: string; nodePort?: number | null } = {}): string {
  const np = opts.nodePort === null ? '' : `\n      nodePort: ${opts.nodePort ?? 31300}`;
  return `apiVersion: v1
kind: Service
metadata:
  name: grafana
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
const HEALTH_RULE = { description: 'health', protocol: '6', source: '10.0.20.0/24', 'source-type': 'CIDR_BLOCK', 'tcp-options': { 'destination-port-range': { max: 10256, min: 10256 } } };

function getOutput(rules: unknown, extra: Record<string, unknown> = {}, indent: number | string = 2): string {
  return JSON.stringify({ data: { 'display-name': 'workers', id: 'ocid1.securitylist.oc1.phx.aaaa', 'ingress-security-rules': rules, ...extra }, etag: 'x' }, null, indent) + '\n';
}

function newRules(text: string, path = 'workers.json') {
  const lists = readOciSecurityListsJson(path, text).value!;
  return lists.flatMap((l) => l.rules.filter((r) => r.origin.includes('service-reach:')).map((r) => ({ list: l.name, rule: r })));
}

suite('Fixes: OCI security list JSON', () => {
  suiteSetup(ready);

  test('appends a rule to the ingress array of CLI `get` output: kebab-case, CLI shape, indentation kept', () => {
    const text = getOutput([{ ...HEALTH_RULE, 'icmp-options': null, 'udp-options': null }]);
    const ws = workspace({ 'svc.yaml': grafana(), 'workers.json': text, '.service-reach.yaml': CONFIG });
    const a = preferred(ws, 'security-list-port-closed');
    assert.match(a.title, /31300\/tcp from 10\.0\.20\.0\/24 to security list "workers"/);
    const after = applied(ws, a.edits).get('workers.json')!;
    const parsed = JSON.parse(after);
    const added = parsed.data['ingress-security-rules'][1];
    assert.deepEqual(added, {
      description: 'service-reach: monitoring/grafana http nodePort 31300 from load balancer',
      'icmp-options': null,
      'is-stateless': false,
      protocol: '6',
      source: '10.0.20.0/24',
      'source-type': 'CIDR_BLOCK',
      'tcp-options': { 'destination-port-range': { max: 31300, min: 31300 }, 'source-port-range': null },
      'udp-options': null,
    });
    assert.equal(after, JSON.stringify(parsed, null, 2) + '\n', 'formatted as the rest of the file');
    assert.equal(after.slice(0, a.edits[0].span.start), text.slice(0, a.edits[0].span.start));
    assert.equal(newRules(after).length, 1);
    applyTo(ws, a.edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('camelCase lists get camelCase rules; a rule without null members gets none', () => {
    const text = JSON.stringify({ displayName: 'workers', ingressSecurityRules: [{ protocol: '6', source: '10.0.20.0/24', tcpOptions: { destinationPortRange: { min: 10256, max: 10256 } } }] }, null, 4);
    const ws = workspace({ 'svc.yaml': grafana(), 'workers.json': text, '.service-reach.yaml': CONFIG });
    const after = applied(ws, preferred(ws, 'security-list-port-closed').edits).get('workers.json')!;
    assert.deepEqual(JSON.parse(after).ingressSecurityRules[1], {
      description: 'service-reach: monitoring/grafana http nodePort 31300 from load balancer',
      isStateless: false, protocol: '6', source: '10.0.20.0/24', sourceType: 'CIDR_BLOCK',
      tcpOptions: { destinationPortRange: { max: 31300, min: 31300 } },
    });
    assert.equal(after, JSON.stringify(JSON.parse(after), null, 4), 'four-space indentation kept');
  });

  test('CLI `list` output: the rule goes to the list that was checked first', () => {
    const text = JSON.stringify({ data: [
      { 'display-name': 'lb-subnet', id: 'ocid1.securitylist..lb', 'ingress-security-rules': [] },
      { 'display-name': 'workers', id: 'ocid1.securitylist..w', 'ingress-security-rules': [HEALTH_RULE] },
    ] }, null, 2);
    const ws = workspace({ 'svc.yaml': grafana(), 'lists.json': text, '.service-reach.yaml': `${CONFIG}nodes:\n  securityLists: ["lists.json#workers"]\n` });
    const after = applied(ws, preferred(ws, 'security-list-port-closed').edits).get('lists.json')!;
    const data = JSON.parse(after).data;
    assert.equal(data[0]['ingress-security-rules'].length, 0);
    assert.equal(data[1]['ingress-security-rules'].length, 2);
    assert.deepEqual(newRules(after, 'lists.json').map((r) => r.list), ['workers']);
  });

  test('a null or empty array is replaced; UDP uses udp-options and protocol 17; SCTP 132 without options', () => {
    for (const rules of [null, []]) {
      for (const [protocol, number, key] of [['UDP', '17', 'udp-options'], ['SCTP', '132', null], ['TCP', '6', 'tcp-options']] as const) {
        const text = getOutput(rules, { 'egress-security-rules': [] });
        const ws = workspace({ 'svc.yaml': grafana({ protocol }), 'workers.json': text, '.service-reach.yaml': CONFIG });
        const f = ws.analyze().findings.find((x) => x.code === 'security-list-port-closed' && ws.getText('svc.yaml')!.slice(x.span.start, x.span.end) === '31300')!;
        const [a] = fixesFor(ws, f);
        const after = applied(ws, a.edits).get('workers.json')!;
        const added = JSON.parse(after).data['ingress-security-rules'];
        assert.equal(added.length, 1, `${JSON.stringify(rules)} ${protocol}`);
        assert.equal(added[0].protocol, number);
        if (key) assert.deepEqual(added[0][key]['destination-port-range'], { max: 31300, min: 31300 });
        else assert.equal(added[0]['tcp-options'], null);
        assert.equal(a.edits[0].span.end - a.edits[0].span.start, JSON.stringify(rules).length, 'only the array is replaced');
        applyTo(ws, a.edits);
        assert.ok(!ws.analyze().findings.some((x) => x.code === 'security-list-port-closed' && x.span.start === f.span.start), `${protocol} fixed`);
      }
    }
  });

  test('a minified file stays on one line; CRLF files keep CRLF', () => {
    const mini = JSON.stringify({ data: { 'display-name': 'workers', 'ingress-security-rules': [HEALTH_RULE] } });
    const ws = workspace({ 'svc.yaml': grafana(), 'workers.json': mini, '.service-reach.yaml': CONFIG });
    const after = applied(ws, preferred(ws, 'security-list-port-closed').edits).get('workers.json')!;
    assert.ok(!after.includes('\n'));
    assert.equal(JSON.parse(after).data['ingress-security-rules'].length, 2);

    const crlf = getOutput([HEALTH_RULE]).replace(/\n/g, '\r\n');
    const ws2 = workspace({ 'svc.yaml': grafana(), 'workers.json': crlf, '.service-reach.yaml': CONFIG });
    const after2 = applied(ws2, preferred(ws2, 'security-list-port-closed').edits).get('workers.json')!;
    assert.ok(!/[^\r]\n/.test(after2), 'every newline is CRLF');
    assert.equal(JSON.parse(after2).data['ingress-security-rules'].length, 2);
  });

  test('several sources missing: one rule per source, in one action; source any becomes 0.0.0.0/0', () => {
    const text = getOutput([HEALTH_RULE]);
    const ws = workspace({ 'svc.yaml': grafana(), 'workers.json': text, '.service-reach.yaml': 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24, 10.0.21.0/24]\n' });
    const f = ws.analyze().findings.find((x) => x.code === 'security-list-port-closed' && /31300/.test(x.message))!;
    const [a] = fixesFor(ws, f);
    assert.deepEqual(newRules(applied(ws, a.edits).get('workers.json')!).map((r) => r.rule.source), [{ kind: 'cidr', cidr: '10.0.20.0/24' }, { kind: 'cidr', cidr: '10.0.21.0/24' }]);

    const any = workspace({ 'svc.yaml': grafana(), 'workers.json': text });
    const g = any.analyze().findings.find((x) => x.code === 'security-list-port-closed' && /31300/.test(x.message))!;
    const after = applied(any, fixesFor(any, g)[0].edits).get('workers.json')!;
    assert.equal(JSON.parse(after).data['ingress-security-rules'][1].source, '0.0.0.0/0');
  });

  test('unpinned: opening the list covers the whole node-port range', () => {
    const ws = workspace({ 'svc.yaml': grafana({ nodePort: null }), 'workers.json': getOutput([HEALTH_RULE]), '.service-reach.yaml': CONFIG });
    const open = fixesFor(ws, findingOf(ws, 'nodeport-unpinned')).find((a) => a.edits.length && a.edits.every((e) => e.path === 'workers.json'))!;
    const after = applied(ws, open.edits).get('workers.json')!;
    assert.deepEqual(JSON.parse(after).data['ingress-security-rules'][1]['tcp-options']['destination-port-range'], { max: 32767, min: 30000 });
    applyTo(ws, open.edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('the copy action: oci network security-list update with the existing rules plus the new one, --force', () => {
    const existing = [{ ...HEALTH_RULE, 'icmp-options': null, 'udp-options': null, 'is-stateless': false }];
    const ws = workspace({ 'svc.yaml': grafana(), 'workers.json': getOutput(existing), '.service-reach.yaml': CONFIG });
    const copy = fixesFor(ws, findingOf(ws, 'security-list-port-closed')).find((a) => a.copyText)!;
    assert.deepEqual(copy.edits, []);
    assert.match(copy.title, /replaces the whole ingress list/);
    const calls = shellWords(copy.copyText!, os.tmpdir());
    if (!calls) return;
    const [args] = calls;
    assert.deepEqual(args.slice(0, 4), ['network', 'security-list', 'update', '--security-list-id']);
    assert.equal(args[4], 'ocid1.securitylist.oc1.phx.aaaa');
    assert.equal(args[5], '--ingress-security-rules');
    assert.equal(args[7], '--force');
    const rules = JSON.parse(args[6]);
    assert.equal(rules.length, 2);
    assert.deepEqual(rules[0], { description: 'health', protocol: '6', source: '10.0.20.0/24', sourceType: 'CIDR_BLOCK', tcpOptions: { destinationPortRange: { max: 10256, min: 10256 } }, icmpOptions: null, udpOptions: null, isStateless: false });
    assert.equal(rules[1].tcpOptions.destinationPortRange.min, 31300);
    assert.equal(rules[1].sourceType, 'CIDR_BLOCK');
  });

  test('no id, no command: without the OCID there is nothing to update', () => {
    const text = JSON.stringify({ 'display-name': 'workers', 'ingress-security-rules': [HEALTH_RULE] }, null, 2);
    const ws = workspace({ 'svc.yaml': grafana(), 'workers.json': text, '.service-reach.yaml': CONFIG });
    const actions = fixesFor(ws, findingOf(ws, 'security-list-port-closed'));
    assert.equal(actions.length, 1);
    assert.equal(actions[0].copyText, undefined);
  });
});
