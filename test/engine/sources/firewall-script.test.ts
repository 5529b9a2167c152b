import * as assert from 'node:assert/strict';
import { readFirewallScript } from '../../../server/src/engine/sources/firewall-script';
import type { FirewallCommand } from '../../../server/src/engine/sources/firewall-cmd';
import { readRichRule } from '../../../server/src/engine/sources/rich-rule';

function commands(text: string): { cmds: FirewallCommand[]; problems: string[] } {
  const r = readFirewallScript('node-setup.sh', text);
  return { cmds: r.value!.commands, problems: r.problems.map((p) => p.message) };
}

/** A command in brief: zone, permanence, op. */
function brief(c: FirewallCommand): string {
  const op = c.op;
  const what = op.kind === 'add-port' || op.kind === 'remove-port' ? `${op.kind} ${op.range.min}-${op.range.max}/${op.protocol}`
    : op.kind === 'add-service' || op.kind === 'remove-service' ? `${op.kind} ${op.name}`
      : op.kind === 'add-source' || op.kind === 'remove-source' ? `${op.kind} ${op.address}`
        : op.kind === 'set-default-zone' ? `${op.kind} ${op.zone}`
          : op.kind === 'unknown' ? `unknown ${op.protocol ?? '?'}: ${op.reasons.join('; ')}`
            : op.kind === 'firewalld-enabled' ? `firewalld ${op.enabled ? 'on' : 'off'}`
              : op.kind;
  return `${c.zone ?? '(default)'}${c.permanent ? ' permanent' : ''}${c.runtime ? ' runtime' : ''} ${what}`;
}

suite('sources/firewall-script: firewall-cmd in shell scripts', () => {
  test('a kubeadm-style worker script (the shape of many public k8s setup scripts)', () => {
    const text = [
      '#!/bin/bash',
      'set -e',
      'systemctl enable --now firewalld',
      '# kubelet and node ports',
      'sudo firewall-cmd --permanent --zone=public --add-port=10250/tcp',
      'sudo firewall-cmd --permanent --zone=public --add-port=30000-32767/tcp',
      'firewall-cmd --zone=public --add-port=8472/udp --permanent',
      'firewall-cmd --permanent --add-service=http --add-service https',
      'firewall-cmd --add-masquerade --permanent',
      'firewall-cmd --reload',
      'firewall-cmd --list-all',
    ].join('\n');
    const { cmds, problems } = commands(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(cmds.map(brief), [
      '(default) permanent runtime firewalld on',
      'public permanent add-port 10250-10250/tcp',
      'public permanent add-port 30000-32767/tcp',
      'public permanent add-port 8472-8472/udp',
      '(default) permanent add-service http',
      '(default) permanent add-service https',
      '(default) runtime reload',
    ]);
    // where each command is: the whole line, from sudo on
    const line = text.split('\n')[4];
    assert.equal(text.slice(cmds[1].span.start, cmds[1].span.end), line);
  });

  test('remove, source, default zone, runtime-to-permanent, offline-cmd', () => {
    const { cmds } = commands([
      'firewall-cmd --set-default-zone=work',
      'firewall-cmd --zone=trusted --add-source=10.244.0.0/16 --permanent',
      'firewall-cmd --remove-service=dhcpv6-client',
      'firewall-cmd --runtime-to-permanent',
      'firewall-offline-cmd --zone=public --add-port=9100/tcp',
      'systemctl disable --now firewalld',
    ].join('\n'));
    assert.deepEqual(cmds.map(brief), [
      '(default) runtime set-default-zone work',
      'trusted permanent add-source 10.244.0.0/16',
      '(default) runtime remove-service dhcpv6-client',
      '(default) runtime runtime-to-permanent',
      'public permanent add-port 9100-9100/tcp',
      '(default) permanent runtime firewalld off',
    ]);
  });

  test('a port built from a variable is unknown, with the reason and where it is written', () => {
    const text = 'PORT=30080\nfirewall-cmd --permanent --add-port=${PORT}/tcp\nfor p in "${PORTS[@]}"; do firewall-cmd --permanent --add-port="$p"; done\nfirewall-cmd --permanent --zone=$ZONE --add-port=80/tcp\n';
    const { cmds } = commands(text);
    assert.deepEqual(cmds.map(brief), [
      '(default) permanent unknown tcp: `${PORT}` is a shell variable, known only when the script runs',
      '(default) permanent unknown ?: `$p` is a shell variable, known only when the script runs',
      '(default) permanent add-port 80-80/tcp',
    ]);
    assert.equal(text.slice(cmds[0].at.start, cmds[0].at.end), '--add-port=${PORT}/tcp');
    assert.match(cmds[2].zoneUnknown ?? '', /`\$ZONE` is a shell variable/);
  });

  test('brace expansion is unknown, not a refused port', () => {
    const { cmds, problems } = commands('firewall-cmd --permanent --add-port={6443,10250}/tcp\nfirewall-cmd --permanent --add-port=30080/tcp\n');
    assert.deepEqual(problems, []);
    assert.deepEqual(cmds.map(brief), [
      '(default) permanent unknown tcp: `{6443,10250}` is a brace expansion: the shell runs the command with each value',
      '(default) permanent add-port 30080-30080/tcp',
    ]);
  });

  test('rich rules are read with the rich language', () => {
    const { cmds, problems } = commands(`firewall-cmd --permanent --add-rich-rule='rule family="ipv4" source address="10.0.10.0/24" port port="30080" protocol="tcp" accept'\nfirewall-cmd --permanent --add-rich-rule="rule family=ipv4 source not address=192.0.2.0/24 service name=ssh log prefix='ssh ' level=info limit value=1/m drop"`);
    assert.deepEqual(problems, []);
    const a = cmds[0].op;
    assert.ok(a.kind === 'add-rich-rule');
    assert.deepEqual({ ...a.rule, span: undefined }, { kind: 'rich', action: 'accept', family: 'ipv4', source: { invert: false, address: '10.0.10.0/24' }, match: { kind: 'port', protocol: 'tcp', range: { min: 30080, max: 30080 } }, span: undefined });
    const b = cmds[1].op;
    assert.ok(b.kind === 'add-rich-rule');
    assert.equal(b.rule.action, 'drop');
    assert.deepEqual(b.rule.source, { invert: true, address: '192.0.2.0/24' });
    assert.deepEqual(b.rule.match, { kind: 'service', name: 'ssh' });
  });

  test('rich rules firewall-cmd refuses', () => {
    const bad = (t: string) => { const r = readRichRule(t, { start: 0, end: 0 }); return 'error' in r ? r.error : 'ok'; };
    assert.match(bad('family="ipv4" accept'), /starts with "rule"/);
    assert.match(bad('rule source address="10.0.0.0/8" accept'), /family is required/);
    assert.match(bad('rule family="ipv5" accept'), /ipv4 or ipv6/);
    assert.match(bad('rule port port="80" protocol="tcp" service name="ssh" accept'), /only one element/);
    assert.match(bad('rule family="ipv4" port port="eighty" protocol="tcp" accept'), /not a port/);
    assert.match(bad('rule family="ipv4" source address="10.0.0.0/8 accept'), /no closing/);
    assert.equal(bad('rule family="ipv6" source address="2001:db8::/32" port port="443" protocol="tcp" reject type="icmp6-adm-prohibited"'), 'ok');
  });

  test('values firewall-cmd refuses are problems, the rest is read', () => {
    const { cmds, problems } = commands('firewall-cmd --permanent --add-port=30080tcp\nfirewall-cmd --permanent --add-port=30081/tcp\nfirewall-cmd --add-rich-rule="rule drop this"\n');
    assert.deepEqual(cmds.map(brief), ['(default) permanent add-port 30081-30081/tcp']);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /"30080tcp" is not a port and protocol/);
    assert.match(problems[1], /refuses this rich rule/);
  });

  test('sh -c strings, argv prefixes, and scripts with no firewall command', () => {
    const { cmds } = commands(`sudo -u root env A=1 sh -c 'firewall-cmd --permanent --add-port=30090/tcp && firewall-cmd --reload'\n`);
    assert.deepEqual(cmds.map(brief), ['(default) permanent add-port 30090-30090/tcp', '(default) runtime reload']);
    const none = commands("#!/bin/sh\necho 'unclosed\n");
    assert.deepEqual(none, { cmds: [], problems: [] }); // not a firewall script: its broken quote is not ours to report
  });
});
