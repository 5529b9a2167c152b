import * as assert from 'node:assert/strict';
import { findingsOf, keys, lineOf, ready, workspace } from '../../support/workspace';
import { DEBIAN_NFTABLES_CONF, lbLocalService, NFT_JSON, nodePortService, ORACLE_REJECT_LINE, ORACLE_RULES_V4 } from '../../support/netfilter-fixtures';

const V4 = 'etc/iptables/rules.v4';

/** An iptables-save file with these INPUT rules (and policy). */
function rules(lines: string[], policy = 'ACCEPT', extra = ''): string {
  return `*filter\n:INPUT ${policy} [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${extra}${lines.map((l) => `${l}\n`).join('')}COMMIT\n`;
}

function closed(files: Record<string, string>): string[] {
  return findingsOf(files).filter((f) => f.code === 'node-firewall-port-closed' || f.code === 'nodeport-unpinned').map((f) => `${f.code} ${f.severity}`);
}

suite('Node firewall: iptables and nftables rules', () => {
  suiteSetup(ready);

  test('Oracle\'s Ubuntu rules.v4: the final REJECT blocks a node port (warning) and the health-check port (error), and is named', () => {
    const ws = workspace({ 'shop.yaml': lbLocalService(), [V4]: ORACLE_RULES_V4 });
    const found = ws.analyze().findings.filter((f) => f.code === 'node-firewall-port-closed');
    assert.deepEqual(found.map((f) => [lineOf(ws, f), f.severity]), [[8, 'error'], [13, 'warning']]);
    for (const f of found) {
      assert.ok(f.message.includes(`rules.v4:${ORACLE_REJECT_LINE} -A INPUT -j REJECT --reject-with icmp-host-prohibited`), f.message);
      assert.ok(f.related!.some((r) => r.path === V4 && lineOf(ws, r) === ORACLE_REJECT_LINE));
    }
    assert.match(found[0].message, /health check on the host itself/);
  });

  test('an ACCEPT before the catch-all opens the port; one after it does not (first match wins)', () => {
    const accept = '-A INPUT -p tcp -m state --state NEW -m tcp --dport 30080 -j ACCEPT';
    const lines = ORACLE_RULES_V4.split('\n');
    const before = [...lines.slice(0, ORACLE_REJECT_LINE - 1), accept, ...lines.slice(ORACLE_REJECT_LINE - 1)].join('\n');
    const after = [...lines.slice(0, ORACLE_REJECT_LINE), accept, ...lines.slice(ORACLE_REJECT_LINE)].join('\n');
    assert.deepEqual(closed({ 'web.yaml': nodePortService(), [V4]: before }), []);
    assert.deepEqual(closed({ 'web.yaml': nodePortService(), [V4]: after }), ['node-firewall-port-closed warning']);
  });

  test('ESTABLISHED,RELATED, -i lo and a source port do not admit a new connection from outside', () => {
    for (const rule of ['-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT', '-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT',
      '-A INPUT -i lo -j ACCEPT', '-A INPUT -p tcp --sport 30080 -j ACCEPT', '-A INPUT -p udp -j ACCEPT', '-A INPUT ! -p tcp -j ACCEPT']) {
      assert.deepEqual(closed({ 'web.yaml': nodePortService(), [V4]: rules([rule, '-A INPUT -j DROP']) }), ['node-firewall-port-closed warning'], rule);
    }
    // (a destination on the loopback is never a node port reached from outside: the rule does not apply)
    assert.deepEqual(closed({ 'web.yaml': nodePortService(), [V4]: rules(['-A INPUT -d 127.0.0.0/8 ! -i lo -j ACCEPT', '-A INPUT -j REJECT']) }), ['node-firewall-port-closed warning']);
    for (const rule of ['-A INPUT -m state --state NEW -j ACCEPT', '-A INPUT ! -i lo -j ACCEPT', '-A INPUT -p tcp -m multiport --dports 80,30000:32767 -j ACCEPT', '-A INPUT -p tcp ! --dport 22 -j ACCEPT']) {
      assert.deepEqual(closed({ 'web.yaml': nodePortService(), [V4]: rules([rule, '-A INPUT -j DROP']) }), [], rule);
    }
  });

  test('what cannot be known for a node (an interface, a rate, a mark) is not a confident answer either way — and is said', () => {
    for (const rule of ['-A INPUT -i eth0 -j ACCEPT', '-A INPUT -m limit --limit 5/min -j ACCEPT', '-A INPUT -m mark --mark 0x1 -j ACCEPT', '-A INPUT -j NFQUEUE']) {
      const files = { 'web.yaml': nodePortService(), [V4]: rules([rule, '-A INPUT -j DROP']) };
      assert.deepEqual(closed(files), [], rule);
      // never hidden: one information finding at that rule's line, naming it
      const notes = findingsOf(files).filter((f) => f.code === 'rules-not-evaluated');
      assert.equal(notes.length, 1, rule);
      assert.equal(notes[0].path, V4);
      assert.equal(files[V4].slice(0, notes[0].span.start).split('\n').length, 5, rule);
      assert.ok(notes[0].message.includes(rule), notes[0].message);
    }
    // a rule for another port, or one never reached (after the catch-all), is not reported
    for (const lines of [['-A INPUT -i eth0 -p tcp --dport 22 -j ACCEPT', '-A INPUT -j DROP'], ['-A INPUT -j DROP', '-A INPUT -i eth0 -j ACCEPT']]) {
      assert.deepEqual(findingsOf({ 'web.yaml': nodePortService(), [V4]: rules(lines) }).filter((f) => f.code === 'rules-not-evaluated'), [], lines.join(' / '));
    }
  });

  test('jumps into user chains and back, RETURN, -g, and the chain policy last', () => {
    const extra = ':k8s - [0:0]\n:other - [0:0]\n';
    const svc = nodePortService();
    // accepted in the user chain
    assert.deepEqual(closed({ 'web.yaml': svc, [V4]: rules(['-A INPUT -j k8s', '-A k8s -p tcp --dport 30080 -j ACCEPT'], 'DROP', extra) }), []);
    // returned from the user chain: the policy decides
    assert.deepEqual(closed({ 'web.yaml': svc, [V4]: rules(['-A INPUT -j k8s', '-A k8s -p tcp --dport 30080 -j RETURN', '-A k8s -j ACCEPT'], 'DROP', extra) }), ['node-firewall-port-closed warning']);
    // falls off the end of a jumped-to chain: back in INPUT, the next rule accepts
    assert.deepEqual(closed({ 'web.yaml': svc, [V4]: rules(['-A INPUT -j k8s', '-A INPUT -p tcp --dport 30080 -j ACCEPT', '-A INPUT -j REJECT'], 'ACCEPT', extra) }), []);
    // -g: falling off the end of the chain returns to INPUT's caller (the policy), not to INPUT
    assert.deepEqual(closed({ 'web.yaml': svc, [V4]: rules(['-A INPUT -g other', '-A INPUT -j ACCEPT'], 'DROP', extra) }), ['node-firewall-port-closed warning']);
    const f = findingsOf({ 'web.yaml': svc, [V4]: rules(['-A INPUT -g other', '-A INPUT -j ACCEPT'], 'DROP', extra) }, 'node-firewall-port-closed')[0];
    assert.match(f.message, /rules\.v4:2 :INPUT DROP \[0:0\]/, 'the policy is named by its line');
  });

  test('sources: a rule for the load-balancer subnet admits the load balancer, not other clients; rules.v6 does not judge IPv4', () => {
    const cfg = 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n';
    const r = rules(['-A INPUT -s 10.0.20.0/24 -p tcp --dport 32000 -j ACCEPT', '-A INPUT -s 10.0.20.0/24 -p tcp --dport 30443 -j ACCEPT', '-A INPUT -j DROP']);
    assert.deepEqual(closed({ '.service-reach.yaml': cfg, 'shop.yaml': lbLocalService(), [V4]: r }), []);
    const narrower = r.replace(/10\.0\.20\.0\/24/g, '10.0.20.0/25');
    assert.deepEqual(closed({ '.service-reach.yaml': cfg, 'shop.yaml': lbLocalService(), [V4]: narrower }), ['node-firewall-port-closed error', 'node-firewall-port-closed warning']);
    assert.deepEqual(closed({ 'shop.yaml': lbLocalService(), 'etc/iptables/rules.v6': rules(['-A INPUT -j DROP']), [V4]: rules([]) }), []);
  });

  test('an unpinned node port: a warning when part of the range is open, naming the range', () => {
    assert.deepEqual(closed({ 'web.yaml': nodePortService(null), [V4]: rules(['-A INPUT -p tcp --dport 30000:31000 -j ACCEPT', '-A INPUT -j DROP']) }), ['nodeport-unpinned warning']);
    assert.deepEqual(closed({ 'web.yaml': nodePortService(null), [V4]: rules(['-A INPUT -p tcp --dport 30000:32767 -j ACCEPT', '-A INPUT -j DROP']) }), []);
    assert.deepEqual(closed({ 'web.yaml': nodePortService(null), [V4]: ORACLE_RULES_V4 }), ['nodeport-unpinned warning']);
  });

  test('a rule written to drop this very port is named, and said to be the user\'s (fixes only add: fixes.test)', () => {
    const own = findingsOf({ 'web.yaml': nodePortService(), [V4]: rules(['-A INPUT -p tcp --dport 30080 -j DROP']) }, 'node-firewall-port-closed')[0];
    assert.match(own.message, /rules\.v4:5 -A INPUT -p tcp --dport 30080 -j DROP/);
    assert.match(own.message, /written for this port/);
    const catchAll = findingsOf({ 'web.yaml': nodePortService(), [V4]: ORACLE_RULES_V4 }, 'node-firewall-port-closed')[0];
    assert.doesNotMatch(catchAll.message, /written for this port/);
  });

  test('nftables: the input hook chains in priority order, each must accept; policy; named sets; the JSON form alike', () => {
    const NFT = 'etc/nftables.conf';
    assert.deepEqual(closed({ 'web.yaml': nodePortService(80 + 30000), [NFT]: DEBIAN_NFTABLES_CONF }), ['node-firewall-port-closed warning']);
    assert.match(findingsOf({ 'web.yaml': nodePortService(), [NFT]: DEBIAN_NFTABLES_CONF }, 'node-firewall-port-closed')[0].message, /nftables\.conf:15 chain input policy drop/);
    const own = findingsOf({ 'web.yaml': nodePortService(30090), [NFT]: DEBIAN_NFTABLES_CONF }, 'node-firewall-port-closed')[0];
    assert.match(own.message, /nftables\.conf:22 tcp dport 30090 drop/);
    const open = DEBIAN_NFTABLES_CONF.replace('tcp dport { 80, 443 } accept', 'tcp dport { 80, 443, 30080 } accept');
    assert.deepEqual(closed({ 'web.yaml': nodePortService(), [NFT]: open }), []);
    // a second base chain of lower priority drops first; of higher priority, it still must accept
    const two = (prio: number) => `table ip early {\n\tchain input {\n\t\ttype filter hook input priority ${prio}; policy accept;\n\t\ttcp dport 30080 drop\n\t}\n}\n`;
    assert.deepEqual(closed({ 'web.yaml': nodePortService(), [NFT]: open, 'early.nft': two(-10) }), ['node-firewall-port-closed warning']);
    assert.deepEqual(closed({ 'web.yaml': nodePortService(), [NFT]: open, 'early.nft': two(10) }), ['node-firewall-port-closed warning']);
    assert.deepEqual(closed({ 'web.yaml': nodePortService(), 'ruleset.json': NFT_JSON }), ['node-firewall-port-closed warning']);
    assert.deepEqual(closed({ 'web.yaml': nodePortService(443), 'ruleset.json': NFT_JSON }), []);
    // an include that is not followed: nothing the file denies is certain
    assert.deepEqual(closed({ 'web.yaml': nodePortService(), [NFT]: `include "/etc/nftables.d/*.nft"\n${DEBIAN_NFTABLES_CONF}` }), []);
  });

  test('every kind found is a layer and traffic must pass all; nodes.firewall and nodes.*.files pick', () => {
    const nft = 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t}\n}\n';
    const open = rules(['-A INPUT -p tcp --dport 30080 -j ACCEPT', '-A INPUT -j DROP']);
    const zone = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <port port="30080" protocol="tcp"/>\n</zone>\n';
    const base = { 'web.yaml': nodePortService(), [V4]: open, 'fw.nft': nft, 'etc/firewalld/zones/public.xml': zone };
    assert.deepEqual(closed(base), ['node-firewall-port-closed warning'], 'the nftables ruleset blocks what iptables allows');
    assert.deepEqual(closed({ ...base, '.service-reach.yaml': 'nodes:\n  firewall: [iptables]\n' }), []);
    assert.deepEqual(closed({ ...base, '.service-reach.yaml': 'nodes:\n  iptables:\n    files: [etc/iptables/rules.v4]\n  firewall: [firewalld, iptables]\n' }), []);
    assert.deepEqual(closed({ ...base, '.service-reach.yaml': 'nodes:\n  nftables:\n    files: [other.nft]\n' }).length, 0);
    assert.deepEqual(keys({ ...base, '.service-reach.yaml': 'nodes:\n  nftables:\n    files: [other.nft]\n  firewall: [nftables, ipchains]\n' }, (f) => f.path === '.service-reach.yaml'),
      ['.service-reach.yaml:3 config-path-not-found', '.service-reach.yaml:4 config-invalid']);
    // firewalld left out by nodes.firewall: its zone no longer counts
    const closedZone = zone.replace('  <port port="30080" protocol="tcp"/>\n', '');
    assert.deepEqual(findingsOf({ ...base, 'etc/firewalld/zones/public.xml': closedZone, '.service-reach.yaml': 'nodes:\n  firewall: [iptables]\n' }, 'firewalld-port-closed'), []);
    assert.equal(findingsOf({ ...base, 'etc/firewalld/zones/public.xml': closedZone }, 'firewalld-port-closed').length, 1);
  });

  test('a broken file is one netfilter-syntax finding at its line, and what could be read is still judged', () => {
    const ws = workspace({ 'web.yaml': nodePortService(), [V4]: ORACLE_RULES_V4.replace('-A INPUT -p icmp -j ACCEPT', '-A INPUT -p icmp -j "ACCEPT') });
    const fs = ws.analyze().findings;
    assert.deepEqual(fs.filter((f) => f.path === V4).map((f) => [f.code, lineOf(ws, f)]), [['netfilter-syntax', 11]]);
    assert.equal(fs.filter((f) => f.code === 'node-firewall-port-closed').length, 1);
  });
});
