/**
 * OCI security lists and NSG rules in Terraform (`*.tf`). The files of one folder are one Terraform module:
 * each is read with the variables and locals of all of them (read again when those change).
 */
import { dirName } from '../../util/paths';
import type { ParseProblem } from '../../parse/problem';
import type { OciSecurityList, TerraformFile, TerraformSymbols } from '../model';
import type { NsgInput, NsgRuleInput, SourceFile, SourceModule } from '../source-module';
import { readTerraform, readTerraformSymbols } from '../terraform';
import { userDataFiles } from '../terraform-user-data';

export const terraformSource: SourceModule = {
  name: 'terraform',
  reads: 'terraform',
  contribute(files, into, report) {
    const byFolder = new Map<string, SourceFile[]>();
    for (const f of files) {
      const d = dirName(f.path);
      const list = byFolder.get(d);
      if (list) list.push(f); else byFolder.set(d, [f]);
    }
    // the files `user_data` reads: the script and cloud-init modules (after this one) read them as user data
    for (const f of files) for (const p of f.memo('terraform-user-data', () => userDataFiles(f.path, f.text))) if (!into.userDataFiles.includes(p)) into.userDataFiles.push(p);
    for (const module of byFolder.values()) {
      const symbols: TerraformSymbols = { variables: new Map(), locals: new Map() };
      for (const f of module) {
        const s = f.memo('terraform-symbols', () => readTerraformSymbols(f.path, f.text));
        for (const [k, v] of s.variables) symbols.variables.set(k, v);
        for (const [k, v] of s.locals) symbols.locals.set(k, v);
      }
      const key = JSON.stringify([[...symbols.variables].sort(), [...symbols.locals].sort()]);
      for (const f of module) {
        const r = f.memo('terraform', () => read(f, symbols), key);
        report('hcl-syntax', f.path, r.problems);
        for (const l of r.lists) into.ociLists.push(l);
        for (const x of r.nsgRules) into.ociNsgRules.push(x);
        for (const x of r.nsgs) into.ociNsgs.push(x);
      }
    }
  },
};

/** A Terraform file as the analysis read it (with its folder's variables and locals), and what it contributes. */
interface TerraformReading {
  file: TerraformFile | null;
  problems: ParseProblem[];
  lists: OciSecurityList[];
  nsgRules: NsgRuleInput[];
  nsgs: NsgInput[];
}

/** The last reading of a Terraform file by the analysis (undefined before the first analysis that read it). */
export function terraformReadingOf(file: SourceFile): { value: TerraformFile | null; problems: ParseProblem[] } | undefined {
  const r = file.peek<TerraformReading>('terraform');
  return r && { value: r.file, problems: r.problems };
}

/** The variables and locals a Terraform file declares, as the analysis read them. */
export function terraformSymbolsOf(file: SourceFile): TerraformSymbols | undefined {
  return file.peek<TerraformSymbols>('terraform-symbols');
}

/** What a file contributes, made once per parse (the same objects while it is kept: see `SourceModule`). */
function read(f: SourceFile, symbols: TerraformSymbols): TerraformReading {
  const r = readTerraform(f.path, f.text, symbols);
  return {
    file: r.value,
    problems: r.problems,
    lists: r.value?.securityLists ?? [],
    nsgRules: [
      ...(r.value?.nsgRules ?? []).map((res) => ({ res, path: f.path })),
      ...(r.value?.nsgEgressRules ?? []).map((res) => ({ res, path: f.path, egress: true })),
    ],
    nsgs: (r.value?.nsgs ?? []).map((nsg) => ({ nsg, path: f.path })),
  };
}
