/**
 * OCI security lists and NSG rules in Terraform (`*.tf`). The files of one folder are one Terraform module:
 * each is read with the variables and locals of all of them (read again when those change).
 */
import { dirName } from '../../util/paths';
import type { TerraformSymbols } from '../model';
import type { SourceFile, SourceModule } from '../source-module';
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
        const r = f.memo('terraform', () => readTerraform(f.path, f.text, symbols), key);
        report('hcl-syntax', f.path, r.problems);
        if (!r.value) continue;
        for (const l of r.value.securityLists) into.ociLists.push(l);
        for (const res of r.value.nsgRules) into.ociNsgRules.push({ res, path: f.path });
        for (const nsg of r.value.nsgs) into.ociNsgs.push({ nsg, path: f.path });
      }
    }
  },
};
