/**
 * Terraform plan and state JSON (`terraform show -json`): OCI security lists, NSG rules and NSGs with every value
 * Terraform worked out, and their OCIDs. Claims the JSON files that are a plan or a state (they are never
 * manifests, whatever they hold). A generated file: nothing in it is edited by a fix.
 */
import type { ReadResult, TerraformJsonFile } from '../model';
import type { SourceFile, SourceModule } from '../source-module';
import { readTerraformJson } from '../terraform-json';
import { declaresTopology } from '../../topology/model';

export function terraformJsonOf(file: SourceFile): ReadResult<TerraformJsonFile> {
  return file.memo('terraform-json', () => readTerraformJson(file.path, file.text));
}

export const terraformJsonSource: SourceModule = {
  name: 'terraform-json',
  reads: 'json',
  claims: (file) => terraformJsonOf(file).value !== null,
  contribute(files, into, report) {
    for (const f of files) {
      const r = terraformJsonOf(f);
      if (!r.value) continue;
      report('json-syntax', f.path, r.problems);
      for (const l of r.value.securityLists) into.ociLists.push(l);
      for (const res of r.value.nsgRules) into.ociNsgRules.push({ res, path: f.path });
      for (const res of r.value.nsgEgressRules) into.ociNsgRules.push({ res, path: f.path, egress: true });
      for (const nsg of r.value.nsgs) into.ociNsgs.push({ nsg, path: f.path });
      const topology = r.value.topology && declaresTopology(r.value.topology);
      if (topology) into.topology.push(topology);
    }
  },
};
