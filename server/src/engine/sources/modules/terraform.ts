/**
 * OCI security lists and NSG rules in Terraform (`*.tf`). The files of one folder are one Terraform module:
 * each is read with the variables and locals of all of them (read again when those change).
 */
import { dirName } from '../../util/paths';
import type { OciSecurityList, ParseProblem, TerraformSymbols } from '../model';
import type { NsgInput, NsgRuleInput, SourceFile, SourceModule } from '../source-module';
import { readTerraform, readTerraformSymbols } from '../terraform';

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

/** What a file contributes, made once per parse (the same objects while it is kept: see `SourceModule`). */
function read(f: SourceFile, symbols: TerraformSymbols): { problems: ParseProblem[]; lists: OciSecurityList[]; nsgRules: NsgRuleInput[]; nsgs: NsgInput[] } {
  const r = readTerraform(f.path, f.text, symbols);
  return {
    problems: r.problems,
    lists: r.value?.securityLists ?? [],
    nsgRules: (r.value?.nsgRules ?? []).map((res) => ({ res, path: f.path })),
    nsgs: (r.value?.nsgs ?? []).map((nsg) => ({ nsg, path: f.path })),
  };
}
