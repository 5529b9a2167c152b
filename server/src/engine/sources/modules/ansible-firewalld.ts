/**
 * Ansible playbooks and role task files (`*.yml`, `*.yaml`) with firewalld tasks or `firewall-cmd` shell tasks:
 * claimed, so they are not read as manifests, and read with the variables of their role (`defaults/main.yml`,
 * then `vars/main.yml`) and of their play (`vars:`). A file is read again when those variables change.
 */
import { asMap, parseYaml } from '../../parse/yaml';
import { ansibleCommands, readAnsibleYaml, type AnsibleReading } from '../ansible-firewalld';
import { varsOf, type VarValue } from '../ansible-vars';
import type { ReadResult } from '../model';
import { mayHoldFirewallTasks } from '../../util/file-kinds';
import type { FirewallCommandFile } from '../firewall-cmd';
import type { SourceFile, SourceModule } from '../source-module';

/** A YAML text read as Ansible, once per text. */
export function ansibleOf(file: SourceFile): AnsibleReading {
  return file.memo('ansible-yaml', () => readAnsibleYaml(file.text));
}

/** `roles/web/tasks/main.yml` → `roles/web`; a role at the root (`tasks/main.yml`) → ''; else undefined. */
function roleDir(path: string): string | undefined {
  const parts = path.split('/');
  const at = parts.findIndex((p) => p === 'tasks' || p === 'handlers');
  return at >= 0 && at < parts.length - 1 ? parts.slice(0, at).join('/') : undefined;
}

const VAR_FILES = ['defaults/main.yml', 'defaults/main.yaml', 'vars/main.yml', 'vars/main.yaml'];

type AnsibleFileReading = ReadResult<FirewallCommandFile>;

export const ansibleFirewalldSource: SourceModule = {
  name: 'ansible-firewalld',
  reads: 'manifest',
  claims: (file) => mayHoldFirewallTasks((w) => file.text.includes(w)) && ansibleOf(file).shape !== null,
  contribute(files, into, report) {
    const byPath = new Map(files.map((f) => [f.path, f]));
    const varsFile = (p: string) => {
      const f = byPath.get(p);
      return f ? f.memo('ansible-vars', () => varsOf(asMap(parseYaml(f.text).documents[0]?.contents))) : undefined;
    };
    for (const f of files) {
      if (!mayHoldFirewallTasks((w) => f.text.includes(w))) continue;
      const reading = ansibleOf(f);
      if (!reading.shape || !reading.firewall) continue;
      const vars = new Map<string, VarValue>();
      const role = roleDir(f.path);
      if (role !== undefined) for (const v of VAR_FILES) for (const [k, x] of varsFile(role ? `${role}/${v}` : v) ?? []) vars.set(k, x);
      const key = JSON.stringify([...vars]);
      const r = f.memo<AnsibleFileReading>('ansible', () => ansibleCommands(f.path, f.text, reading, vars), key);
      report('yaml-syntax', f.path, reading.problems);
      for (const p of r.problems) report('firewall-command-invalid', f.path, [p]); // each command on its own
      if (r.value && r.value.commands.length) into.firewallCommands.push(r.value);
    }
  },
};
