/**
 * Fixes where firewall commands set the zone: a command in the file's own style, read back by the same reader
 * into the same port, and the finding gone after it.
 */
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { ready, workspace } from '../../support/workspace';
import { readFirewallScript } from '../../../server/src/engine/sources/firewall-script';
import { readCloudInit } from '../../../server/src/engine/sources/cloud-init';
import { ansibleCommands, readAnsibleYaml } from '../../../server/src/engine/sources/ansible-firewalld';
import type { FirewallCommand } from '../../../server/src/engine/sources/firewall-cmd';
import { applied, codesOf, fixAndKeep, preferred, shellWords } from './helpers';

function nodePort(port = 30080, proto = 'TCP'): string {
  return `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n      protocol: ${proto}\n      nodePort: ${port}\n`;
}

/** The text an action inserts (one insertion). */
function added(edits: readonly { span: { start: number; end: number }; newText: string }[]): string {
  assert.equal(edits.length, 1);
  assert.equal(edits[0].span.start, edits[0].span.end, 'an insertion');
  return edits[0].newText;
}

function ports(cmds: FirewallCommand[]): string[] {
  const out: string[] = [];
  for (const c of cmds) {
    if (c.op.kind === 'add-port') out.push(`${c.zone ?? '(default)'}${c.permanent ? ' permanent' : ''} ${c.op.range.min}-${c.op.range.max}/${c.op.protocol}`);
  }
  return out;
}

suite('Fixes: firewall commands', () => {
  suiteSetup(ready);

  test('a shell script: the line goes after the last --add-port for the zone, with sudo, indentation and option order', () => {
    const script = [
      '#!/bin/bash',
      'set -e',
      'if command -v firewall-cmd >/dev/null; then',
      '    sudo firewall-cmd --zone=public --add-port=10250/tcp --permanent',
      '    sudo firewall-cmd --zone=public --add-port=8472/udp --permanent',
      '    sudo firewall-cmd --reload',
      'fi',
      '',
    ].join('\n');
    const ws = workspace({ 'svc.yaml': nodePort(), 'bootstrap/worker.sh': script });
    const action = preferred(ws, 'firewalld-port-closed');
    const after = applied(ws, action.edits).get('bootstrap/worker.sh')!;
    assert.equal(added(action.edits), '    sudo firewall-cmd --zone=public --add-port=30080/tcp --permanent\n');
    assert.ok(after.includes('8472/udp --permanent\n    sudo firewall-cmd --zone=public --add-port=30080/tcp --permanent\n    sudo firewall-cmd --reload'));
    // read back by the reader: the same port, permanent, in the same zone
    assert.deepEqual(ports(readFirewallScript('w.sh', after).value!.commands), ['public permanent 10250-10250/tcp', 'public permanent 8472-8472/udp', 'public permanent 30080-30080/tcp']);
    ws.setFile('bootstrap/worker.sh', after);
    assert.ok(!codesOf(ws).includes('firewalld-port-closed'));
  });

  test('the line a fix writes, run by bash with firewall-cmd stubbed, passes the words the reader read', () => {
    const script = '#!/bin/sh\nfirewall-cmd --permanent --add-port=10250/tcp\n';
    const ws = workspace({ 'svc.yaml': nodePort(), 'n.sh': script });
    const edits = preferred(ws, 'firewalld-port-closed').edits;
    const after = applied(ws, edits).get('n.sh')!;
    const line = added(edits);
    assert.equal(line, 'firewall-cmd --permanent --add-port=30080/tcp\n');
    const argv = shellWords(line, os.tmpdir());
    if (argv) assert.deepEqual(argv, [['--permanent', '--add-port=30080/tcp']]);
  });

  test('a source-restricted requirement: a rich rule, quoted for the shell, read back by the rich-rule reader', () => {
    const script = "#!/bin/bash\nfirewall-cmd --permanent --zone=public --add-port=10250/tcp\n";
    const cfg = 'nodes:\n  clientCidrs: [203.0.113.0/24]\n';
    const ws = workspace({ 'svc.yaml': nodePort(), 'n.sh': script, '.service-reach.yaml': cfg });
    const edits = preferred(ws, 'firewalld-port-closed').edits;
    const after = applied(ws, edits).get('n.sh')!;
    const line = added(edits);
    assert.equal(line, `firewall-cmd --permanent --zone=public --add-rich-rule='rule family="ipv4" source address="203.0.113.0/24" port port="30080" protocol="tcp" accept'\n`);
    const cmds = readFirewallScript('n.sh', after).value!.commands;
    const op = cmds[cmds.length - 1].op;
    assert.ok(op.kind === 'add-rich-rule');
    assert.deepEqual(op.rule.source, { invert: false, address: '203.0.113.0/24' });
    assert.deepEqual(op.rule.match, { kind: 'port', protocol: 'tcp', range: { min: 30080, max: 30080 } });
    const argv = shellWords(line, os.tmpdir());
    if (argv) assert.equal(argv[0][2], '--add-rich-rule=rule family="ipv4" source address="203.0.113.0/24" port port="30080" protocol="tcp" accept');
  });

  test('cloud-init runcmd: an entry in the list\'s own style (string, quoted string, argv list)', () => {
    const cases: [string, string][] = [
      ['  - firewall-cmd --permanent --zone=public --add-port=10250/tcp\n', '  - firewall-cmd --permanent --zone=public --add-port=30080/tcp\n'],
      ["  - 'firewall-cmd --permanent --add-port=10250/tcp'\n", "  - 'firewall-cmd --permanent --add-port=30080/tcp'\n"],
      ['  - [ firewall-cmd, --permanent, --zone=public, --add-port=10250/tcp ]\n', '  - [ firewall-cmd, --permanent, --zone=public, --add-port=30080/tcp ]\n'],
      ['  - [firewall-cmd, --zone, public, --add-port=10250/tcp, --permanent]\n', '  - [firewall-cmd, --zone, public, --add-port=30080/tcp, --permanent]\n'],
    ];
    for (const [item, expected] of cases) {
      const text = `#cloud-config\nruncmd:\n${item}  - firewall-cmd --reload\n`;
      const ws = workspace({ 'svc.yaml': nodePort(), 'oke/cloud-init.yaml': text });
      const edits = preferred(ws, 'firewalld-port-closed').edits;
      const after = applied(ws, edits).get('oke/cloud-init.yaml')!;
      assert.equal(added(edits), expected, item);
      const back = readCloudInit('c.yaml', after);
      assert.deepEqual(back.yamlProblems, []);
      assert.ok(ports(back.value!.commands).some((p) => p.endsWith('permanent 30080-30080/tcp')), item);
      ws.setFile('oke/cloud-init.yaml', after);
      assert.ok(!codesOf(ws).includes('firewalld-port-closed'), item);
    }
  });

  test('Ansible: a task in the playbook\'s style (module name, key order, quoting, permanent spelling)', () => {
    const tasks = `---
- name: Open kubelet
  ansible.posix.firewalld:
    zone: public
    port: "10250/tcp"
    permanent: yes
    immediate: yes
    state: enabled
  become: true

- name: Reload
  ansible.builtin.command: firewall-cmd --reload
`;
    const ws = workspace({ 'svc.yaml': nodePort(), 'roles/node/tasks/main.yml': tasks });
    const edits = preferred(ws, 'firewalld-port-closed').edits;
    const after = applied(ws, edits).get('roles/node/tasks/main.yml')!;
    assert.equal(added(edits), `- name: Open 30080/tcp for Service shop/web
  ansible.posix.firewalld:
    zone: public
    port: "30080/tcp"
    permanent: yes
    immediate: yes
    state: enabled
`);
    const reading = readAnsibleYaml(after);
    assert.deepEqual(reading.problems, []);
    assert.deepEqual(ports(ansibleCommands('t.yml', after, reading, new Map()).value!.commands), ['public permanent 10250-10250/tcp', 'public permanent 30080-30080/tcp']);
    ws.setFile('roles/node/tasks/main.yml', after);
    assert.ok(!codesOf(ws).includes('firewalld-port-closed'));
  });

  test('check --fix (the fix loop): several ports into one script, one insertion; the findings gone', () => {
    const two = `${nodePort()}---\n${nodePort(30081).replace('name: web', 'name: api')}`;
    const script = '#!/bin/bash\nfirewall-cmd --permanent --add-port=10250/tcp\nfirewall-cmd --reload\n';
    const ws = workspace({ 'svc.yaml': two, 'n.sh': script });
    const r = fixAndKeep(ws);
    assert.deepEqual(r.files.map((f) => f.path), ['n.sh']);
    assert.equal(ws.getText('n.sh'), '#!/bin/bash\nfirewall-cmd --permanent --add-port=10250/tcp\nfirewall-cmd --permanent --add-port=30080/tcp\nfirewall-cmd --permanent --add-port=30081/tcp\nfirewall-cmd --reload\n');
    assert.ok(!codesOf(ws).includes('firewalld-port-closed'));
  });

  test('a port the script built from a variable: no finding, so nothing to fix', () => {
    const ws = workspace({ 'svc.yaml': nodePort(), 'n.sh': '#!/bin/bash\nfirewall-cmd --permanent --add-port=$NODE_PORT/tcp\n' });
    assert.ok(!codesOf(ws).includes('firewalld-port-closed'));
  });
});
