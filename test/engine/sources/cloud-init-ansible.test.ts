/**
 * cloud-init user data and Ansible firewalld tasks as rule sources, in the shapes public repositories hold them:
 * OKE / Oracle Linux node pools' `#cloud-config` with `runcmd` (strings and argv lists) and scripts in
 * `write_files`; roles with `ansible.posix.firewalld` tasks looping over a list from `defaults/main.yml`.
 */
import * as assert from 'node:assert/strict';
import { keys, ready, workspace } from '../../support/workspace';
import { readCloudInit } from '../../../server/src/engine/sources/cloud-init';
import type { Rule } from '../../../server/src/engine/sources/model';

function nodePort(port = 30080, proto = 'TCP'): string {
  return `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n      protocol: ${proto}\n      nodePort: ${port}\n`;
}

const closed = (f: { code: string }) => f.code === 'firewalld-port-closed';

const CLOUD_CONFIG = `#cloud-config
package_upgrade: false
write_files:
  - path: /usr/local/bin/open-ports.sh
    permissions: "0755"
    content: |
      #!/bin/bash
      firewall-cmd --permanent --zone=public --add-port=10256/tcp
runcmd:
  - curl --fail -H "Authorization: Bearer Oracle" -L0 http://169.254.169.254/opc/v2/instance/metadata/oke_init_script | base64 --decode >/var/run/oke-init.sh
  - bash /var/run/oke-init.sh
  - firewall-cmd --permanent --zone=public --add-port=10250/tcp
  - [ firewall-cmd, --permanent, --zone=public, "--add-port=30000-32767/tcp" ]
  - /usr/local/bin/open-ports.sh
  - 'firewall-cmd --reload'
`;

suite('Rule sources: cloud-init', () => {
  suiteSetup(ready);

  test('runcmd strings and argv lists, and the script write_files writes where runcmd runs it', () => {
    const r = readCloudInit('cloud-init.yaml', CLOUD_CONFIG);
    assert.deepEqual(r.problems, []);
    const ops = r.value!.commands.map((c) => c.op.kind === 'add-port' ? `${c.zone} ${c.op.range.min}-${c.op.range.max}/${c.op.protocol}` : c.op.kind);
    assert.deepEqual(ops, ['public 10250-10250/tcp', 'public 30000-32767/tcp', 'public 10256-10256/tcp', 'reload']);
    const first = r.value!.commands[0];
    assert.equal(CLOUD_CONFIG.slice(first.at.start, first.at.end), '--add-port=10250/tcp');
  });

  test('a #cloud-config YAML file is claimed (not a manifest) and guards the nodes', () => {
    const ws = workspace({ 'svc.yaml': nodePort(), 'oke/cloud-init.yaml': CLOUD_CONFIG });
    assert.equal(ws.manifest('oke/cloud-init.yaml'), undefined);
    assert.deepEqual(ws.analyze().findings.filter(closed), []);
    assert.deepEqual(keys({ 'svc.yaml': nodePort(30053, 'UDP'), 'oke/cloud-init.yaml': CLOUD_CONFIG }, closed), ['svc.yaml:10 firewalld-port-closed']);
  });

  test('user data that is a script, as a Terraform template (.tftpl) or without an extension', () => {
    const script = '#!/bin/bash\nfirewall-cmd --permanent --add-port=${node_port}/tcp\nfirewall-cmd --permanent --add-port=30081/tcp\n';
    const ws = workspace({ 'svc.yaml': nodePort(), 'tf/user_data.tftpl': script });
    const rules: Rule[] = ws.analyze().layers.firewalld!.nodeZones[0].rules;
    const u = rules.find((r) => r.unevaluated)!;
    assert.equal(u.path, 'tf/user_data.tftpl');
    assert.match(u.unevaluated!.reasons[0], /`\$\{node_port\}`/);
    assert.deepEqual(keys({ 'svc.yaml': nodePort(30080, 'UDP'), 'user-data': '#!/bin/sh\nfirewall-cmd --permanent --add-port=30081/tcp\n' }, closed), ['svc.yaml:10 firewalld-port-closed']);
    // an extensionless file that is no shell script is not read
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'bootstrap': '#!/usr/bin/env python3\nprint("firewall-cmd --add-port=1/tcp")\n' }, closed), []);
  });

  test('Terraform user_data that reads a file: the file is user data whatever its extension or first line', () => {
    const tf = `resource "oci_containerengine_node_pool" "workers" {
  name = "workers"
  node_metadata = {
    user_data = base64encode(templatefile("\${path.module}/templates/worker.tpl", { k8s = "1.30" }))
  }
}
resource "oci_core_instance" "bastion" {
  metadata = {
    ssh_authorized_keys = file("\${path.module}/keys/id.pub")
  }
}
`;
    const tpl = 'set -e\nfirewall-cmd --permanent --add-port=10250/tcp\n';
    const files = { 'svc.yaml': nodePort(), 'infra/oke.tf': tf, 'infra/templates/worker.tpl': tpl };
    assert.deepEqual(keys(files, closed), ['svc.yaml:10 firewalld-port-closed']);
    // without the Terraform file, a template with no shebang is not a script
    assert.deepEqual(keys({ 'svc.yaml': nodePort(), 'infra/templates/worker.tpl': tpl }, closed), []);
  });

  test('editing a manifest into cloud-config and back: claimed, then read as a manifest again', () => {
    const ws = workspace({ 'svc.yaml': nodePort(), 'x.yaml': 'a: 1\n' });
    assert.deepEqual(ws.analyze().findings.filter(closed), []);
    ws.setFile('x.yaml', '#cloud-config\nruncmd:\n  - firewall-cmd --permanent --add-port=10250/tcp\n');
    assert.equal(ws.analyze().findings.filter(closed).length, 1);
    ws.setFile('x.yaml', nodePort(30090).replace('name: web', 'name: other'));
    const a = ws.analyze();
    assert.deepEqual(a.findings.filter(closed), []);
    assert.deepEqual(a.services.map((s) => s.service.name).sort(), ['other', 'web']);
  });

  test('hostile cloud-config: broken YAML, binary, an unterminated quote in runcmd — reported, never thrown', () => {
    const broken = readCloudInit('c.yaml', '#cloud-config\nruncmd:\n  - [firewall-cmd, --add-port=1/tcp\n');
    assert.ok(broken.yamlProblems.length > 0);
    readCloudInit('c.yaml', '#cloud-config\n' + '\u0000\u0001\uffff'.repeat(1000));
    const q = readCloudInit('c.yaml', `#cloud-config\nruncmd:\n  - firewall-cmd --permanent --add-rich-rule='rule family="ipv4" accept\n`);
    assert.equal(q.value!.commands.length, 1);
    assert.match(q.problems[0].message, /quote is not closed/);
  });
});

const ROLE_TASKS = `---
- name: Open Kubernetes node ports
  ansible.posix.firewalld:
    port: "{{ item }}"
    zone: "{{ k8s_firewalld_zone }}"
    permanent: true
    immediate: true
    state: enabled
  loop: "{{ k8s_node_ports }}"

- name: Allow the pod network
  ansible.posix.firewalld:
    source: 10.244.0.0/16
    zone: trusted
    permanent: true
    state: enabled

- name: Reload firewalld
  ansible.builtin.command: firewall-cmd --reload
`;

const ROLE_DEFAULTS = `---
k8s_firewalld_zone: public
k8s_node_ports:
  - 10250/tcp
  - 30000-32767/tcp
`;

suite('Rule sources: Ansible firewalld tasks', () => {
  suiteSetup(ready);

  test('a role: loop over a list from defaults/main.yml, zone from a variable', () => {
    const files = { 'svc.yaml': nodePort(), 'roles/k8s_node/tasks/firewall.yml': ROLE_TASKS, 'roles/k8s_node/defaults/main.yml': ROLE_DEFAULTS };
    const ws = workspace(files);
    assert.equal(ws.manifest('roles/k8s_node/tasks/firewall.yml'), undefined);
    assert.deepEqual(ws.analyze().findings.filter(closed), []);
    // vars/main.yml wins over defaults
    assert.deepEqual(keys({ ...files, 'roles/k8s_node/vars/main.yml': 'k8s_node_ports: [10250/tcp]\n' }, closed), ['svc.yaml:10 firewalld-port-closed']);
  });

  test('without the variables: unknown, with the reason; never a guess', () => {
    const ws = workspace({ 'svc.yaml': nodePort(), 'roles/k8s_node/tasks/firewall.yml': ROLE_TASKS });
    const a = ws.analyze();
    assert.deepEqual(a.findings.filter(closed), []);
    const u = a.layers.firewalld!.nodeZones[0].rules.find((r) => r.unevaluated)!;
    assert.match(u.unevaluated!.reasons[0], /the loop's list "k8s_node_ports" has no definition/);
    assert.equal(u.path, 'roles/k8s_node/tasks/firewall.yml');
    assert.equal(ROLE_TASKS.slice(u.unevaluated!.at.start, u.unevaluated!.at.end), '"{{ k8s_node_ports }}"');
  });

  test('a playbook: play vars, with_items, a literal loop, state disabled, runtime-only tasks', () => {
    const play = `- hosts: k8s_workers
  become: true
  vars:
    nodeport_range: 30000-32767/tcp
  tasks:
    - name: node ports
      firewalld:
        port: "{{ nodeport_range }}"
        permanent: yes
        state: enabled
    - name: close 30080 again
      firewalld: port=30080/tcp permanent=yes state=disabled
    - name: runtime only
      ansible.posix.firewalld:
        port: 30080/tcp
        state: enabled
    - name: more
      firewalld:
        service: "{{ item }}"
        permanent: true
        state: enabled
      with_items: [http, https]
`;
    const ws = workspace({ 'svc.yaml': nodePort(30081), 'site.yml': play });
    assert.deepEqual(ws.analyze().findings.filter(closed), []);
    const names = ws.analyze().layers.firewalld!.nodeZones[0].rules.map((r) => r.origin);
    assert.ok(names.some((o) => /service=https/.test(o)), names.join('\n'));
    // 30080: opened by the range, removed permanently; the runtime-only task is lost at reboot
    assert.deepEqual(keys({ 'svc.yaml': nodePort(30080), 'site.yml': play }, closed), ['svc.yaml:10 firewalld-port-closed']);
  });

  test('Jinja beyond {{ var }} and {{ item }} is unknown, with the expression in the reason', () => {
    const t = `- name: x\n  firewalld:\n    rich_rule: rule family=ipv4 source address={{ k8s_cidr | default('10.0.0.0/8') }} port port=30080 protocol=tcp accept\n    permanent: true\n    state: enabled\n`;
    const ws = workspace({ 'svc.yaml': nodePort(), 'roles/r/tasks/main.yml': t });
    const u = ws.analyze().layers.firewalld!.nodeZones[0].rules.find((r) => r.unevaluated)!;
    assert.match(u.unevaluated!.reasons[0], /`\{\{ k8s_cidr \| default\('10\.0\.0\.0\/8'\) \}\}` is built from variables/);
  });

  test('a role at the repository root; with_items given a list variable; firewalld disabled by a service task', () => {
    const tasks = `- name: Enable services\n  ansible.posix.firewalld:\n    service: "{{ item }}"\n    permanent: true\n    state: enabled\n  with_items:\n    - "{{ enabled_services }}"\n`;
    const files = { 'svc.yaml': nodePort(), 'tasks/main.yml': tasks, 'defaults/main.yml': 'enabled_services: [http]\n' };
    assert.deepEqual(keys(files, closed), ['svc.yaml:10 firewalld-port-closed']);
    assert.deepEqual(keys({ ...files, 'defaults/main.yml': 'enabled_services: [http, kube-nodeport-services]\n' }, closed), []);
    const off = '- name: Disable firewalld\n  ansible.builtin.systemd:\n    name: firewalld\n    state: stopped\n    enabled: false\n';
    assert.deepEqual(keys({ ...files, 'tasks/zz-off.yml': off }, closed), []);
    // stopped but still enabled: back after a reboot
    assert.deepEqual(keys({ ...files, 'tasks/zz-off.yml': off.replace('enabled: false', 'enabled: true') }, closed), ['svc.yaml:10 firewalld-port-closed']);
  });

  test('YAML files that are neither cloud-init nor Ansible stay manifests', () => {
    const ws = workspace({ 'svc.yaml': nodePort(), 'docs/firewalld-notes.yaml': 'notes: [firewalld]\n' });
    assert.ok(ws.manifest('docs/firewalld-notes.yaml'));
    assert.ok(ws.manifest('svc.yaml'));
  });
});
