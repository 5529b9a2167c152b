import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { readNftText } from '../../../server/src/engine/sources/nft-text';
import { readNftJson } from '../../../server/src/engine/sources/nft-json';
import type { NfRuleset } from '../../../server/src/engine/sources/netfilter-model';
import { DEBIAN_NFTABLES_CONF, NFT_JSON } from '../../support/netfilter-fixtures';

function text(src: string): NfRuleset {
  const r = readNftText('etc/nftables.conf', src);
  assert.deepEqual(r.problems, []);
  return r.value!;
}

suite('nftables readers', () => {
  test('nft list ruleset text: tables, sets, base chains with hook, priority and policy, rules with their conditions', () => {
    const rs = text(DEBIAN_NFTABLES_CONF);
    assert.deepEqual(rs.tables.map((t) => [t.family, t.name]), [['inet', 'filter']]);
    const chains = rs.tables[0].chains;
    assert.deepEqual([...chains.keys()], ['input', 'forward', 'output']);
    const input = chains.get('input')!;
    assert.deepEqual([input.input, input.priority, input.policy, input.policyText, input.policyLine], [true, 0, 'drop', 'policy drop', 15]);
    assert.equal(chains.get('forward')!.input, false);
    assert.deepEqual(input.rules.map((r) => r.text), [
      'ct state vmap { established : accept, related : accept, invalid : drop }',
      'iifname "lo" accept comment "loopback"',
      'ip protocol icmp icmp type { echo-request, destination-unreachable } accept',
      'tcp dport $SSH_PORTS ct state new counter accept',
      'ip saddr @trusted tcp dport 10250 accept',
      'tcp dport { 80, 443 } accept',
      'tcp dport 30090 drop',
      'counter log prefix "nft drop: " level info',
    ]);
    const [vmap, lo, icmp, ssh, trusted, web, deny, log] = input.rules;
    assert.deepEqual(vmap.verdict, { kind: 'continue' }, 'the ct state vmap has no verdict for a new connection');
    assert.deepEqual(lo.conditions, [{ kind: 'iface', names: ['lo'], invert: false }]);
    assert.ok(icmp.conditions.some((c) => c.kind === 'protocol' && c.protocols.includes('other')));
    assert.deepEqual(ssh.conditions, [
      { kind: 'protocol', protocols: ['TCP'], invert: false }, { kind: 'dport', ranges: [{ min: 22, max: 22 }, { min: 2222, max: 2222 }], invert: false },
      { kind: 'state', states: ['new'], invert: false },
    ], 'a define is expanded');
    assert.deepEqual(trusted.conditions.slice(0, 2), [{ kind: 'family', family: 'ipv4' }, { kind: 'saddr', cidrs: ['10.0.0.0/8', '192.168.1.0/24'], invert: false }], 'a named set is resolved');
    assert.deepEqual(web.conditions[1], { kind: 'dport', ranges: [{ min: 80, max: 80 }, { min: 443, max: 443 }], invert: false });
    assert.deepEqual(deny.verdict, { kind: 'drop' });
    assert.equal(deny.line, 22);
    assert.deepEqual([log.conditions, log.verdict], [[], { kind: 'continue' }]);
    assert.equal(input.indent, '\t\t');
    assert.equal(DEBIAN_NFTABLES_CONF.slice(input.appendAt).split('\n')[0], '\t}', 'a rule appended goes before the closing brace');
  });

  test('command forms, priorities by name, ranges, !=, jumps and vmaps on ports; include is kept as unresolved', () => {
    const rs = text([
      'include "/etc/nftables.d/*.nft"',
      'add table ip fw',
      'add chain ip fw early { type filter hook input priority filter - 10 ; policy accept ; }',
      'add chain ip fw input { type filter hook input priority 0 ; policy drop ; }',
      'add chain ip fw k8s',
      'add rule ip fw input tcp dport 30000-32767 jump k8s',
      'add rule ip fw input udp dport != 53 reject with icmpx type admin-prohibited',
      'add rule ip fw k8s tcp dport vmap { 30080 : accept, 30081 : drop }',
      'add rule ip fw k8s iif eth0 return',
      'insert rule ip fw input ip saddr 192.0.2.0/24 tcp sport 1024-65535 accept',
      '',
    ].join('\n'));
    assert.deepEqual(rs.unresolved, ['include "/etc/nftables.d/*.nft" is not followed']);
    const fw = rs.tables[0];
    assert.equal(fw.family, 'ip');
    assert.deepEqual([fw.chains.get('early')!.priority, fw.chains.get('input')!.priority, fw.chains.get('k8s')!.input], [-10, 0, false]);
    const input = fw.chains.get('input')!;
    assert.equal(input.rules[0].text, 'ip saddr 192.0.2.0/24 tcp sport 1024-65535 accept', 'insert goes first');
    assert.ok(input.rules[0].conditions.some((c) => c.kind === 'sport'));
    assert.deepEqual(input.rules[1].conditions[1], { kind: 'dport', ranges: [{ min: 30000, max: 32767 }], invert: false });
    assert.deepEqual(input.rules[1].verdict, { kind: 'jump', chain: 'k8s' });
    assert.deepEqual(input.rules[2].conditions[1], { kind: 'dport', ranges: [{ min: 53, max: 53 }], invert: true });
    assert.deepEqual(input.rules[2].verdict, { kind: 'reject' });
    const k8s = fw.chains.get('k8s')!;
    assert.deepEqual(k8s.rules.map((r) => [r.conditions.find((c) => c.kind === 'dport'), r.verdict.kind]), [
      [{ kind: 'dport', ranges: [{ min: 30080, max: 30080 }], invert: false }, 'accept'],
      [{ kind: 'dport', ranges: [{ min: 30081, max: 30081 }], invert: false }, 'drop'],
      [undefined, 'return'],
    ]);
  });

  test('unreadable statements are problems at their place; the rest is read', () => {
    const src = 'table inet filter {\n  chain input {\n    type filter hook input priority banana; policy drop;\n    tcp dport 22 accept\n  }\n}\nfrobnicate the firewall\ntable inet broken {\n  chain input {\n    tcp dport "22 accept\n';
    const r = readNftText('x.nft', src);
    const at = (p: { span: { start: number } }) => src.slice(0, p.span.start).split('\n').length;
    assert.deepEqual(r.problems.map((p) => [at(p), p.message]).slice(0, 2), [
      [10, 'a string is not closed on this line'],
      [3, '"banana" is not a chain priority'],
    ]);
    assert.ok(r.problems.some((p) => p.message.startsWith('"frobnicate" is not an nftables statement')));
    assert.equal(r.value!.tables[0].chains.get('input')!.rules.length, 1);
  });

  test('nft -j list ruleset: the same chains, rules and verdicts as the text it was made from', () => {
    const r = readNftJson('ruleset.json', NFT_JSON);
    assert.deepEqual(r.problems, []);
    const input = r.value!.tables[0].chains.get('input')!;
    assert.deepEqual([input.input, input.policy, input.priority], [true, 'drop', 0]);
    const fromText = text(DEBIAN_NFTABLES_CONF).tables[0].chains.get('input')!;
    // (the JSON fixture leaves out the icmp rule; nft -j writes `meta nfproto ipv4` before `ip saddr`)
    const norm = (rules: typeof input.rules) => rules.filter((x) => !x.conditions.some((c) => c.kind === 'protocol' && c.protocols.includes('other')))
      .map((x) => JSON.stringify([x.conditions.filter((c) => c.kind !== 'family'), x.verdict]));
    assert.deepEqual(norm(input.rules), norm(fromText.rules));
    assert.match(input.rules[input.rules.length - 2].text, /handle 13 of chain input \(tcp dport 30090 drop\)/);
    assert.deepEqual(readNftJson('lists.json', '{"data": {"ingress-security-rules": []}}'), { value: null, problems: [] }, 'other JSON is not claimed');
  });

  test('hostile and random input never throws, and every span lies inside the text', function () {
    this.timeout(120_000);
    const words = DEBIAN_NFTABLES_CONF.split(/(\s+)/);
    const arb = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.array(fc.oneof(fc.constantFrom(...words), fc.constantFrom('{', '}', ';', '"', '\\\n', '$X', '@s', 'vmap', 'jump', 'define X = $X', 'chain', 'table', '!=')), { maxLength: 120 }).map((w) => w.join(' ')),
    );
    fc.assert(fc.property(arb, (src) => {
      const r = readNftText('x.nft', src);
      for (const p of r.problems) assert.ok(p.span.start >= 0 && p.span.start <= p.span.end && p.span.end <= src.length);
      const j = readNftJson('x.json', `{"nftables": [${src}]}`);
      for (const p of j.problems) assert.ok(p.span.end <= src.length + 20);
    }), { seed: 20261202, numRuns: 2000 });
    // white space beyond the ASCII: a byte-order mark, a no-break space, a line separator
    for (const src of ['\uFEFF', '\u00A0table\u00A0inet t {}', '\u2028', 'x\uFEFF{']) assert.ok(readNftText('x.nft', src).value, JSON.stringify(src));
    const deep = `define A = $A\ntable inet t {\n chain input {\n  type filter hook input priority 0;\n  tcp dport $A accept\n }\n}\n`;
    assert.ok(readNftText('x.nft', deep).value, 'a define that names itself is expanded a bounded number of times');
  });
});
