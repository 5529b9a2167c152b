import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ready, workspace } from '../../support/workspace';
import { fixesFor } from '../../../server/src/engine/fixes';
import { DEBIAN_NFTABLES_CONF, lbLocalService, NFT_JSON, nodePortService, ORACLE_REJECT_LINE, ORACLE_RULES_V4 } from '../../support/netfilter-fixtures';
import { applied, applyTo, codesOf, findingOf, fixAndKeep, preferred } from './helpers';

const V4 = 'etc/iptables/rules.v4';
const NFT = 'etc/nftables.conf';
const IPTABLES_RESTORE = '/usr/sbin/iptables-restore';
const NFT_BIN = '/usr/sbin/nft';

/** Does the real tool accept the file? null: the tool is not installed here. */
function realToolAccepts(tool: string, args: (file: string) => string[], text: string): { ok: boolean; out: string } | null {
  if (!fs.existsSync(tool)) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-netfilter-'));
  try {
    const file = path.join(dir, 'rules');
    fs.writeFileSync(file, text);
    const r = spawnSync(tool, args(file), { encoding: 'utf8' });
    if (r.error || /Permission denied|Operation not permitted/.test(r.stderr)) return null; // (no rights to ask the kernel here)
    return { ok: r.status === 0, out: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function iptablesRestoreAccepts(ctx: Mocha.Context, text: string): void {
  const r = realToolAccepts(IPTABLES_RESTORE, (f) => ['--test', f], text);
  if (!r) return ctx.skip(); // iptables-restore is not installed (Debian package iptables) or may not run here
  assert.ok(r.ok, `iptables-restore --test refuses the fixed file: ${r.out}\n${text}`);
}

function nftAccepts(ctx: Mocha.Context, text: string): void {
  const r = realToolAccepts(NFT_BIN, (f) => ['-c', '-f', f], text);
  if (!r) return ctx.skip(); // nft is not installed (Debian package nftables) or may not run here
  assert.ok(r.ok, `nft -c -f refuses the fixed file: ${r.out}\n${text}`);
}

function insertLine(text: string, lineNo: number, line: string): string {
  const lines = text.split('\n');
  lines.splice(lineNo - 1, 0, line);
  return lines.join('\n');
}

suite('Fixes: iptables and nftables', () => {
  suiteSetup(ready);

  test('Oracle\'s rules.v4: an ACCEPT in the file\'s style just before the final REJECT; iptables-restore --test accepts it', function () {
    const ws = workspace({ 'web.yaml': nodePortService(), [V4]: ORACLE_RULES_V4 });
    const action = preferred(ws, 'node-firewall-port-closed');
    assert.equal(action.isPreferred, true);
    assert.match(action.title, /30080\/tcp/);
    const after = applied(ws, action.edits).get(V4)!;
    assert.equal(after, insertLine(ORACLE_RULES_V4, ORACLE_REJECT_LINE, '-A INPUT -p tcp -m state --state NEW -m tcp --dport 30080 -j ACCEPT'));
    applyTo(ws, action.edits);
    assert.deepEqual(codesOf(ws), []);
    iptablesRestoreAccepts(this, after);
  });

  test('the commands to copy: iptables -I INPUT in the same words, and netfilter-persistent save', () => {
    const ws = workspace({ 'web.yaml': nodePortService(), [V4]: ORACLE_RULES_V4 });
    const copy = fixesFor(ws, findingOf(ws, 'node-firewall-port-closed')).find((a) => a.copyText)!;
    assert.equal(copy.edits.length, 0);
    assert.equal(copy.copyText, 'iptables -I INPUT -p tcp -m state --state NEW -m tcp --dport 30080 -j ACCEPT\nnetfilter-persistent save');
  });

  test('the file\'s own style (conntrack, no -m tcp), exactly the required source, and after the last rule when the policy blocks', function () {
    const file = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p tcp -m conntrack --ctstate NEW --dport 22 -j ACCEPT\n-A FORWARD -j DROP\nCOMMIT\n';
    const ws = workspace({ '.service-reach.yaml': 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n', 'shop.yaml': lbLocalService(), [V4]: file });
    const r = fixAndKeep(ws);
    const after = r.files.find((f) => f.path === V4)!.text;
    assert.equal(after, file.replace('--dport 22 -j ACCEPT\n', '--dport 22 -j ACCEPT\n'
      + '-A INPUT -s 10.0.20.0/24 -p tcp -m conntrack --ctstate NEW --dport 32000 -j ACCEPT\n'
      + '-A INPUT -s 10.0.20.0/24 -p tcp -m conntrack --ctstate NEW --dport 30443 -j ACCEPT\n'));
    assert.deepEqual(codesOf(ws), []);
    iptablesRestoreAccepts(this, after);
  });

  test('an unpinned port: pinned and that port accepted in one step (preferred), else the whole range as iptables writes a range', function () {
    const ws = workspace({ 'web.yaml': nodePortService(null), [V4]: ORACLE_RULES_V4 });
    const actions = fixesFor(ws, findingOf(ws, 'nodeport-unpinned'));
    assert.match(actions[0].title, /^Pin nodePort to 30000 .*and accept 30000\/tcp/);
    assert.equal(actions[0].isPreferred, true);
    const pinned = applied(ws, actions[0].edits);
    assert.ok(pinned.get(V4)!.includes('--dport 30000 -j ACCEPT\n-A INPUT -j REJECT'));
    const range = actions.find((a) => a.edits.length === 1 && a.edits[0].path === V4)!;
    const after = applied(ws, range.edits).get(V4)!;
    assert.ok(after.includes('-A INPUT -p tcp -m state --state NEW -m tcp --dport 30000:32767 -j ACCEPT\n-A INPUT -j REJECT'), after);
    iptablesRestoreAccepts(this, after);
    applyTo(ws, actions[0].edits);
    assert.deepEqual(codesOf(ws), []);
    iptablesRestoreAccepts(this, pinned.get(V4)!);
  });

  test('nftables text: an accept rule at the chain\'s indentation, before the rule that blocks or the closing brace; nft -c accepts it', function () {
    const withDrop = DEBIAN_NFTABLES_CONF.replace('\t\tcounter log prefix "nft drop: " level info\n', '\t\tcounter drop\n');
    for (const [text, want] of [
      [DEBIAN_NFTABLES_CONF, DEBIAN_NFTABLES_CONF.replace('level info\n\t}', 'level info\n\t\ttcp dport 30080 accept\n\t}')],
      [withDrop, withDrop.replace('\t\tcounter drop\n', '\t\ttcp dport 30080 accept\n\t\tcounter drop\n')],
    ]) {
      const ws = workspace({ 'web.yaml': nodePortService(), [NFT]: text });
      const after = applied(ws, preferred(ws, 'node-firewall-port-closed').edits).get(NFT)!;
      assert.equal(after, want);
      ws.setFile(NFT, after);
      assert.deepEqual(codesOf(ws), []);
      nftAccepts(this, after);
    }
    const ws = workspace({ 'web.yaml': nodePortService(), [NFT]: DEBIAN_NFTABLES_CONF });
    const copy = fixesFor(ws, findingOf(ws, 'node-firewall-port-closed')).find((a) => a.copyText)!;
    assert.equal(copy.copyText, 'nft insert rule inet filter input tcp dport 30080 accept\nnft list ruleset > /etc/nftables.conf');
  });

  test('nft -j JSON: the commands to copy only; a rule written to drop the port: only the manual removal, never taken by fix all', () => {
    const ws = workspace({ 'web.yaml': nodePortService(), 'ruleset.json': NFT_JSON });
    const actions = fixesFor(ws, findingOf(ws, 'node-firewall-port-closed'));
    assert.deepEqual(actions.map((a) => [a.edits.length, a.copyText?.split('\n')[0]]), [[0, 'nft insert rule inet filter input tcp dport 30080 accept']]);
    const own = workspace({ 'web.yaml': nodePortService(30090), [NFT]: DEBIAN_NFTABLES_CONF });
    const offered = fixesFor(own, findingOf(own, 'node-firewall-port-closed'));
    assert.deepEqual(offered.map((a) => [a.title, a.isPreferred]), [['Remove the rule that drops 30090/tcp: nftables.conf:22 tcp dport 30090 drop', undefined]]);
    assert.equal(applied(own, offered[0].edits).get(NFT), DEBIAN_NFTABLES_CONF.replace('\t\ttcp dport 30090 drop\n', ''));
    const r = fixAndKeep(own);
    assert.deepEqual(r.files.map((f) => f.path), []);
    assert.deepEqual(r.refused.map((x) => x.finding.code), ['node-firewall-port-closed']);
    const ownJson = workspace({ 'web.yaml': nodePortService(30090), 'ruleset.json': NFT_JSON });
    assert.deepEqual(fixesFor(ownJson, findingOf(ownJson, 'node-firewall-port-closed')).map((a) => a.copyText), ['nft delete rule inet filter input handle 13']);
  });

  test('fix all: several ports before one catch-all are one insertion, each line once', function () {
    const ws = workspace({ 'web.yaml': nodePortService(), 'shop.yaml': lbLocalService(), 'api.yaml': nodePortService(30081).replace('name: web', 'name: api'), [V4]: ORACLE_RULES_V4 });
    const r = fixAndKeep(ws);
    const after = r.files.find((f) => f.path === V4)!.text;
    const added = after.split('\n').filter((l) => !ORACLE_RULES_V4.split('\n').includes(l));
    assert.deepEqual(added.sort(), [
      '-A INPUT -p tcp -m state --state NEW -m tcp --dport 30080 -j ACCEPT',
      '-A INPUT -p tcp -m state --state NEW -m tcp --dport 30081 -j ACCEPT',
      '-A INPUT -p tcp -m state --state NEW -m tcp --dport 30443 -j ACCEPT',
      '-A INPUT -p tcp -m state --state NEW -m tcp --dport 32000 -j ACCEPT',
    ]);
    assert.deepEqual(codesOf(ws).filter((c) => c === 'node-firewall-port-closed'), []);
    iptablesRestoreAccepts(this, after);
  });
});
