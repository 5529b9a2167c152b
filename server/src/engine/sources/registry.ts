/**
 * The rule sources the Workspace reads: one line per source module (`source-module.ts`). A new source is a new
 * module in `modules/` and one line here; a new file format also needs its line in `util/file-kinds.ts`. The
 * order is the order of the layers' inputs (and so of the rule sources in messages).
 */
import type { FileKind } from '../util/file-kinds';
import { DEFAULT_SOURCE_OPTIONS, emptyInputs, type ReportProblems, type SourceFile, type SourceInputs, type SourceModule, type SourceOptions } from './source-module';
import { firewalldZoneSource } from './modules/firewalld-zone';
import { firewalldServiceSource } from './modules/firewalld-service';
import { firewalldConfSource } from './modules/firewalld-conf';
import { ociJsonSource } from './modules/oci-json';
import { terraformSource } from './modules/terraform';
import { terraformJsonSource } from './modules/terraform-json';
import { firewallScriptSource } from './modules/firewall-script';
import { cloudInitSource } from './modules/cloud-init';
import { ansibleFirewalldSource } from './modules/ansible-firewalld';
import { iptablesSource } from './modules/iptables';
import { nftTextSource, nftJsonSource } from './modules/nftables';

export const SOURCE_MODULES: readonly SourceModule[] = [
  firewalldZoneSource,
  firewalldServiceSource,
  firewalldConfSource,
  ociJsonSource,
  terraformSource,
  // (after the `.tf` files: where a configuration and its plan are both in the workspace, a fix edits the `.tf`)
  terraformJsonSource,
  firewallScriptSource,
  cloudInitSource,
  ansibleFirewalldSource,
  iptablesSource,
  nftTextSource,
  nftJsonSource,
];

/** Every source module's contribution from `files` (in workspace order; files of other kinds are ignored). */
export function readSources(files: readonly SourceFile[], report: ReportProblems, modules: readonly SourceModule[] = SOURCE_MODULES,
  options: SourceOptions = DEFAULT_SOURCE_OPTIONS): SourceInputs {
  const byKind = new Map<FileKind, SourceFile[]>();
  for (const f of files) {
    const list = byKind.get(f.kind);
    if (list) list.push(f); else byKind.set(f.kind, [f]);
  }
  const into = emptyInputs();
  for (const m of modules) m.contribute(byKind.get(m.reads) ?? [], into, report, options);
  return into;
}

/** Does a source module claim this file (of a kind manifests share)? Else it is read as a manifest. */
export function claimedBySource(file: SourceFile): boolean {
  return SOURCE_MODULES.some((m) => m.reads === file.kind && !!m.claims?.(file));
}
