/**
 * cloud-init user data in YAML files (`*.yaml`, `*.yml` starting with `#cloud-config`): claimed, so it is not
 * read as a manifest, and read for its `bootcmd`/`runcmd` firewall commands and the scripts `write_files` writes.
 */
import { isCloudConfig, readCloudInit } from '../cloud-init';
import type { ReadResult } from '../model';
import type { ParseProblem } from '../../parse/problem';
import type { FirewallCommandFile } from '../firewall-cmd';
import type { SourceFile, SourceModule } from '../source-module';

export function cloudInitOf(file: SourceFile): ReadResult<FirewallCommandFile> & { yamlProblems: ParseProblem[] } {
  return file.memo('cloud-init', () => readCloudInit(file.path, file.text));
}

export const cloudInitSource: SourceModule = {
  name: 'cloud-init',
  reads: 'manifest',
  claims: (file) => isCloudConfig(file.text),
  contribute(files, into, report) {
    for (const f of files) {
      if (!isCloudConfig(f.text)) continue;
      const r = cloudInitOf(f);
      report('yaml-syntax', f.path, r.yamlProblems);
      if (!r.value || r.value.commands.length === 0) continue;
      for (const p of r.problems) report('firewall-command-invalid', f.path, [p]); // each command on its own
      into.firewallCommands.push(r.value);
    }
  },
};
