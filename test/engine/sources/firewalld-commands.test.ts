/**
 * Firewall commands applied onto the zones, through the whole analysis: what the firewalld layer sees after a
 * script, and where findings about the ports it did not open point.
 */
import * as assert from 'node:assert/strict';
import { keys, ready, workspace, lineOf } from '../../support/workspace';
import type { Rule } from '../../../server/src/engine/sources/model';

function nodePort(port = 30080, proto = 'TCP'): string {
  return `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n      protocol: ${proto}\n      nodePort: ${port}\n`;
}

const zone = (body: string) => `<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <short>Public</short>\n${body}</zone>\n`;

const closed = (f: { code: string }) => f.code === 'firewalld-port-closed';

suite('Firewall commands applied onto firewalld zones', () => {
  suiteSetup(ready);

  test('commands alone make firewalld configured (public, with its shipped services)', () => {
    const script = '#!/bin/bash\nfirewall-cmd --permanent --zone=public --add-port=10250/tcp\nfirewall-cmd --reload\n';
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'bootstrap/node.sh': script }, closed), ['svc.yaml:10 firewalld-port-closed']);
    const open = '#!/bin/bash\nfirewall-cmd --permanent --zone=public --add-port=30000-32767/tcp\nfirewall-cmd --reload\n';
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'bootstrap/node.sh': open }, closed), []);
    // no command, no zone file: firewalld is not configured
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'bootstrap/node.sh': '#!/bin/bash\necho hi\n' }, closed), []);
  });

  test('the finding names the script, and points at its last firewall-cmd line for the zone', () => {
    const script = '#!/bin/bash\nfirewall-cmd --permanent --add-port=10250/tcp\nfirewall-cmd --permanent --add-port=8472/udp\nfirewall-cmd --reload\n';
    const ws = workspace({ 'svc.yaml': nodePort(), 'node.sh': script });
    const f = ws.analyze().findings.find(closed)!;
    assert.match(f.message, /firewalld zone "public" \(commands in node\.sh\)/);
    assert.ok(f.related.some((r) => r.message.startsWith('firewalld zone "public" (after the firewall commands in node.sh)')), 'the related information names every file of commands');
    const rel = f.related!.find((r) => r.path === 'node.sh')!;
    assert.equal(lineOf(ws, rel), 3);
  });

  test('commands change the zone file found: added, removed, in file order', () => {
    const files = {
      'svc.yaml': nodePort(),
      'etc/firewalld/zones/public.xml': zone('  <port port="30080" protocol="tcp"/>\n'),
      'scripts/harden.sh': '#!/bin/sh\nfirewall-cmd --permanent --zone=public --remove-port=30080/tcp\n',
    };
    assert.deepEqual(keys(files, closed), ['svc.yaml:10 firewalld-port-closed']);
    assert.deepEqual(keys({ ...files, 'scripts/z-reopen.sh': '#!/bin/sh\nfirewall-cmd --permanent --add-port=30080/tcp\n' }, closed), []);
  });

  test('as the node ends up after a reboot: runtime-only changes are lost, --runtime-to-permanent keeps them', () => {
    const runtime = '#!/bin/bash\nfirewall-cmd --zone=public --add-port=30080/tcp\n';
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'n.sh': runtime }, closed), ['svc.yaml:10 firewalld-port-closed']);
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'n.sh': runtime + 'firewall-cmd --runtime-to-permanent\n' }, closed), []);
    // --reload throws the runtime change away before it could be kept
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'n.sh': runtime + 'firewall-cmd --reload\nfirewall-cmd --runtime-to-permanent\n' }, closed), ['svc.yaml:10 firewalld-port-closed']);
  });

  test('--set-default-zone picks the zone that guards the nodes', () => {
    const s = '#!/bin/bash\nfirewall-cmd --set-default-zone=trusted\n';
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'n.sh': s }, closed), []);
    const d = '#!/bin/bash\nfirewall-cmd --set-default-zone=drop\nfirewall-cmd --permanent --zone=public --add-port=30080/tcp\n';
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'n.sh': d }, closed), ['svc.yaml:10 firewalld-port-closed']);
    // a command without --zone acts on the default zone of its time
    const e = '#!/bin/bash\nfirewall-cmd --set-default-zone=drop\nfirewall-cmd --permanent --add-port=30080/tcp\n';
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'n.sh': e }, closed), []);
  });

  test('a rich rule that drops the port wins over the port, and is named where it is written', () => {
    const s = `#!/bin/bash\nfirewall-cmd --permanent --add-port=30080/tcp\nfirewall-cmd --permanent --add-rich-rule='rule family="ipv4" source address="0.0.0.0/0" port port="30080" protocol="tcp" drop'\n`;
    const ws = workspace({ 'svc.yaml': nodePort(), 'n.sh': s });
    const f = ws.analyze().findings.find(closed)!;
    assert.ok(f, 'closed');
    const rel = f.related!.find((r) => r.path === 'n.sh' && /blocks/.test(r.message))!;
    assert.equal(lineOf(ws, rel), 3);
  });

  test('systemctl disable --now firewalld: the nodes run no firewalld', () => {
    const s = '#!/bin/bash\nfirewall-cmd --permanent --add-port=10250/tcp\nsystemctl disable --now firewalld\n';
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'n.sh': s, 'public.xml': zone('') }, closed), []);
    // stopped only until the next boot
    const stop = '#!/bin/bash\nfirewall-cmd --permanent --add-port=10250/tcp\nsystemctl stop firewalld\n';
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'n.sh': stop }, closed), ['svc.yaml:10 firewalld-port-closed']);
  });

  test('a port built from a variable is unknown: no finding, and the rule says why and where', () => {
    const s = '#!/bin/bash\nNODE_PORT=30080\nfirewall-cmd --permanent --zone=public --add-port=${NODE_PORT}/tcp\n';
    const ws = workspace({ 'svc.yaml': nodePort(), 'n.sh': s });
    const a = ws.analyze();
    assert.deepEqual(a.findings.filter(closed), []);
    const rules: Rule[] = a.layers.firewalld!.nodeZones[0].rules;
    const u = rules.find((r) => r.unevaluated)!;
    assert.deepEqual(u.unevaluated!.reasons, ['`${NODE_PORT}` is a shell variable, known only when the script runs']);
    assert.equal(u.path, 'n.sh');
    assert.equal(s.slice(u.unevaluated!.at.start, u.unevaluated!.at.end), '--add-port=${NODE_PORT}/tcp');
    assert.deepEqual(u.ports, { kind: 'unknown', text: u.origin });
    assert.deepEqual(u.protocol, { kind: 'one', protocol: 'TCP' });
    // a UDP port is still closed: the unknown rule is TCP
    assert.deepEqual(keys({ 'svc.yaml': nodePort(30080, 'UDP'), 'n.sh': s }, closed), ['svc.yaml:10 firewalld-port-closed']);
  });

  test('a broken command is reported where it is, and the others still count', () => {
    const s = '#!/bin/bash\nfirewall-cmd --permanent --add-port=30080tcp\nfirewall-cmd --permanent --add-port=30080/tcp\n';
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'n.sh': s }), ['n.sh:2 firewall-command-invalid']);
  });
});
