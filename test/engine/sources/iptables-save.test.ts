import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { iptablesPortRange, iptablesWords, readIptablesSave } from '../../../server/src/engine/sources/iptables-save';
import type { NfRuleset } from '../../../server/src/engine/sources/netfilter-model';
import { ORACLE_REJECT_LINE, ORACLE_RULES_V4 } from '../../support/netfilter-fixtures';

function read(text: string, path = 'etc/iptables/rules.v4'): NfRuleset {
  const r = readIptablesSave(path, text);
  assert.deepEqual(r.problems, []);
  return r.value!;
}

function chain(rs: NfRuleset, name: string) {
  return rs.tables[0].chains.get(name)!;
}

suite('iptables-save reader', () => {
  test('Oracle\'s Ubuntu rules.v4: the filter table, its chains with policies, and INPUT\'s rules in order', () => {
    const rs = read(ORACLE_RULES_V4);
    assert.equal(rs.format, 'iptables');
    assert.deepEqual(rs.tables.map((t) => [t.name, t.family]), [['filter', 'ip']]);
    assert.deepEqual([...rs.tables[0].chains.keys()], ['INPUT', 'FORWARD', 'OUTPUT', 'InstanceServices']);
    const input = chain(rs, 'INPUT');
    assert.equal(input.input, true);
    assert.equal(input.policy, 'accept');
    assert.equal(input.policyText, ':INPUT ACCEPT [0:0]');
    assert.equal(input.rules.length, 6);
    const last = input.rules[5];
    assert.equal(last.text, '-A INPUT -j REJECT --reject-with icmp-host-prohibited');
    assert.equal(last.line, ORACLE_REJECT_LINE);
    assert.deepEqual(last.conditions, []);
    assert.deepEqual(last.verdict, { kind: 'reject' });
    assert.equal(ORACLE_RULES_V4.slice(last.span.start, last.span.end), last.text);
    assert.deepEqual(input.rules[0].conditions, [{ kind: 'state', states: ['related', 'established'], invert: false }]);
    assert.deepEqual(input.rules[2].conditions, [{ kind: 'iface', names: ['lo'], invert: false }]);
    assert.deepEqual(input.rules[3].conditions, [{ kind: 'protocol', protocols: ['UDP'], invert: false }, { kind: 'sport', invert: false }]);
    assert.deepEqual(input.rules[4].conditions, [
      { kind: 'protocol', protocols: ['TCP'], invert: false }, { kind: 'state', states: ['new'], invert: false },
      { kind: 'dport', ranges: [{ min: 22, max: 22 }], invert: false },
    ]);
    assert.equal(chain(rs, 'FORWARD').input, false);
    // the quoted comment is one word; -d to a node address cannot be known; a user chain is a jump target
    const svc = chain(rs, 'InstanceServices').rules[0];
    assert.ok(svc.conditions.some((c) => c.kind === 'unknown' && c.text === '-d 169.254.0.2/32'));
    assert.deepEqual(chain(rs, 'OUTPUT').rules[0].verdict, { kind: 'jump', chain: 'InstanceServices' });
  });

  test('negation before or after the option, multiport lists, conntrack, -g, RETURN, counters, options after the target', () => {
    const rs = read([
      '*filter',
      ':INPUT DROP [120:7200]',
      ':k8s - [0:0]',
      '[5:300] -A INPUT ! -s 10.0.0.0/8 -p tcp -m multiport --dports 80,443,30000:32767 -j ACCEPT',
      '-A INPUT -s ! 192.0.2.1 -p udp ! --dport 53 -j DROP',
      '-A INPUT -m conntrack --ctstate NEW,UNTRACKED -j k8s',
      '-A INPUT -i docker0 -p udp --dport 53 -j ACCEPT -m comment --comment "Allow DNS \\"UDP\\" from Docker"',
      '-A INPUT -g k8s',
      '-A k8s -p tcp --dport 10250 -j RETURN',
      '-A k8s -j LOG --log-prefix "k8s: "',
      'COMMIT',
      '',
    ].join('\n'));
    const input = chain(rs, 'INPUT');
    assert.equal(input.policy, 'drop');
    assert.equal(input.rules[0].text, '-A INPUT ! -s 10.0.0.0/8 -p tcp -m multiport --dports 80,443,30000:32767 -j ACCEPT', 'counters are not part of the rule');
    assert.deepEqual(input.rules[0].conditions, [
      { kind: 'saddr', cidrs: ['10.0.0.0/8'], invert: true }, { kind: 'protocol', protocols: ['TCP'], invert: false },
      { kind: 'dport', ranges: [{ min: 80, max: 80 }, { min: 443, max: 443 }, { min: 30000, max: 32767 }], invert: false },
    ]);
    assert.deepEqual(input.rules[1].conditions, [
      { kind: 'saddr', cidrs: ['192.0.2.1/32'], invert: true }, { kind: 'protocol', protocols: ['UDP'], invert: false },
      { kind: 'dport', ranges: [{ min: 53, max: 53 }], invert: true },
    ]);
    assert.deepEqual(input.rules[2].conditions, [{ kind: 'state', states: ['new', 'untracked'], invert: false }]);
    assert.deepEqual(input.rules[2].verdict, { kind: 'jump', chain: 'k8s' });
    assert.deepEqual(input.rules[3].verdict, { kind: 'accept' });
    assert.deepEqual(input.rules[4].verdict, { kind: 'goto', chain: 'k8s' });
    assert.deepEqual(chain(rs, 'k8s').rules.map((r) => r.verdict.kind), ['return', 'continue']);
  });

  test('rules.v6 is an IPv6 ruleset; ports and ranges as iptables writes them; shell-like words', () => {
    assert.equal(read('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n', 'etc/iptables/rules.v6').tables[0].family, 'ip6');
    assert.deepEqual(iptablesPortRange('30000:32767'), { min: 30000, max: 32767 });
    assert.deepEqual(iptablesPortRange(':1024'), { min: 0, max: 1024 });
    assert.deepEqual(iptablesPortRange('1024:'), { min: 1024, max: 65535 });
    assert.equal(iptablesPortRange('http'), null);
    assert.deepEqual(iptablesWords(`-m comment --comment 'a b' -j "ACC""EPT"`, 0).words.map((w) => w.text), ['-m', 'comment', '--comment', 'a b', '-j', 'ACCEPT']);
  });

  test('a file whose first line that is not a comment is no table header is not an iptables-save file', () => {
    for (const text of ['#!/bin/sh\niptables -A INPUT -j ACCEPT\n', '', '# only comments\n', 'iptables=true\n']) {
      assert.deepEqual(readIptablesSave('etc/sysconfig/iptables', text), { value: null, problems: [] });
    }
  });

  test('broken lines are problems at their place, and the rest is read', () => {
    const text = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT -p tcp --dport 22 -m comment --comment "open -j ACCEPT',
      '-A NOPE -j ACCEPT',
      '-A INPUT -p tcp --dport abc -j ACCEPT',
      'garbage here',
      '-A INPUT -j REJECT',
      '',
    ].join('\n');
    const r = readIptablesSave('rules.v4', text);
    const at = (p: { span: { start: number } }) => text.slice(0, p.span.start).split('\n').length;
    assert.deepEqual(r.problems.map((p) => [at(p), p.message]), [
      [3, 'a quote is not closed on this line'],
      [4, 'chain "NOPE" is not declared in table "filter"'],
      [5, '"abc" is not a port or port range'],
      [6, '"garbage" is not a rule (-A CHAIN …) of iptables-save'],
      [1, 'table "filter" has no COMMIT line: iptables-restore would not apply it'],
    ]);
    assert.equal(r.value!.tables.length, 0, 'a table without COMMIT is not applied');
    const ok = readIptablesSave('rules.v4', text.replace('garbage here', 'COMMIT'));
    assert.deepEqual(ok.value!.tables[0].chains.get('INPUT')!.rules.map((x) => x.line), [5], 'only the line that was read');
  });

  test('as iptables-restore reads them: `0/0` is every address; a table header or chain line that does not start its line is refused', () => {
    const rs = read('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p icmp -s 0/0 -j DROP\n  -A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n');
    const input = rs.tables[0].chains.get('INPUT')!;
    assert.deepEqual(input.rules[0].conditions[1], { kind: 'saddr', cidrs: ['0.0.0.0/0'], invert: false });
    assert.equal(input.rules.length, 2, 'a rule may be indented');
    // (a hand-edited file from a public Ansible role: every line indented; iptables-restore fails at line 2)
    const r = readIptablesSave('rules.v4', '# Generated by iptables-save v1.6.1\n *filter\n :INPUT ACCEPT [1:52]\n -A INPUT -i lo -j ACCEPT\n COMMIT\n');
    assert.deepEqual(r.problems.map((p) => p.message), ['*filter', ':INPUT', 'COMMIT'].map((w) => `iptables-restore reads "${w}" only at the start of a line`));
  });

  test('hostile and random input never throws, and every span lies inside the text', function () {
    this.timeout(120_000);
    const lines = ORACLE_RULES_V4.split('\n');
    const arb = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.array(fc.oneof(fc.constantFrom(...lines), fc.string({ maxLength: 40 }), fc.constantFrom('*filter', 'COMMIT', ':INPUT DROP [0:0]', '-A INPUT !', '-A INPUT -p', '-A INPUT "', '[1:2]', '-j', '! ! !')), { maxLength: 40 }).map((l) => l.join('\n')),
    );
    fc.assert(fc.property(arb, (text) => {
      const r = readIptablesSave('rules.v4', text);
      for (const p of r.problems) assert.ok(p.span.start >= 0 && p.span.start <= p.span.end && p.span.end <= text.length);
      for (const t of r.value?.tables ?? []) {
        for (const c of t.chains.values()) for (const rule of c.rules) assert.ok(rule.span.end <= text.length);
      }
    }), { seed: 20261202, numRuns: 2000 });
    const huge = '*filter\n:INPUT ACCEPT [0:0]\n' + '-A INPUT -p tcp --dport 1 -j ACCEPT\n'.repeat(60_000) + 'COMMIT\n';
    const r = readIptablesSave('rules.v4', huge);
    assert.ok(r.problems.some((p) => p.limit), 'a limit problem past the rule limit');
  });
});
