/**
 * Firewall commands in scripts (`script` files: `*.sh`, `*.bash`, Terraform templates `*.tpl`/`*.tftpl`/`*.tmpl`,
 * files without an extension): a file with a `sh`/`bash` shebang, or named `*.sh`/`*.bash`, is a shell script; one
 * that starts with `#cloud-config` is cloud-init user data; a template either of these is read the same way. A
 * file of other content (a Python script, a README without an extension) holds no commands and stays silent —
 * unless Terraform's `user_data` reads it (`file`, `templatefile`): then it is user data, a script or cloud-config.
 */
import { readCloudInit, userDataKind } from '../cloud-init';
import { readFirewallScript } from '../firewall-script';
import type { ReadResult } from '../model';
import type { ParseProblem } from '../../parse/problem';
import type { FirewallCommandFile } from '../firewall-cmd';
import type { SourceFile, SourceModule } from '../source-module';
import { extName } from '../../util/paths';

/** A script file's firewall commands, read once per text (null: not a script or cloud-init). */
export function scriptCommandsOf(file: SourceFile, userData = false): ReadResult<FirewallCommandFile> {
  const read = () => {
    const kind = userDataKind(file.text);
    if (kind === 'cloud-config') return readCloudInit(file.path, file.text);
    const ext = extName(file.path);
    if (kind === 'script' || ext === '.sh' || ext === '.bash' || userData) return readFirewallScript(file.path, file.text);
    return { value: null, problems: [] };
  };
  // (a file read as user data because Terraform names it is kept apart: it is read without a shebang)
  return userData ? file.memo('firewall-script-user-data', read) : file.memo('firewall-script', read);
}

export const firewallScriptSource: SourceModule = {
  name: 'firewall-script',
  reads: 'script',
  contribute(files, into, report) {
    for (const f of files) {
      const r = scriptCommandsOf(f, into.userDataFiles.includes(f.path));
      if ('yamlProblems' in r) report('yaml-syntax', f.path, r.yamlProblems as ParseProblem[]);
      if (!r.value || r.value.commands.length === 0) continue;
      for (const p of r.problems) report('firewall-command-invalid', f.path, [p]); // each command on its own
      into.firewallCommands.push(r.value);
    }
  },
};
