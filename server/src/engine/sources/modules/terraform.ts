/**
 * OCI security lists and NSG rules in Terraform (`*.tf`, with `*.tfvars` and `*.tfvars.json`). Each folder is a
 * module; the folders no other folder calls as a local module are root modules, evaluated as Terraform would
 * (`engine/terraform/`), with the modules they call. A root module's evaluation is kept while the texts of its
 * folders (and of the folders it calls) are the same: editing a file evaluates again only the root modules
 * whose tree holds its folder; every other file keeps its reading, the same objects.
 */
import { isHclReady } from '../../parse/hcl';
import type { ParseProblem } from '../../parse/problem';
import { rootModule, type ResourceInstances } from '../../terraform/module';
import { isAutoVarFile, readTfvars, varFileOrder } from '../../terraform/tfvars';
import { calledFolders, rootFolders, type TfFolder, type TfVarsFile, type TfWorld } from '../../terraform/world';
import { baseName, dirName } from '../../util/paths';
import type { OciSecurityList, TerraformFile, TerraformSymbols } from '../model';
import type { NsgInput, NsgRuleInput, SourceFile, SourceModule } from '../source-module';
import { OCI_TYPES, parseCached, readTerraform, readTerraformSymbols, terraformFileOf, worldFile } from '../terraform';

/** A number per text a file had: what a root module's evaluation depends on (see `SourceFile.memo`). */
let versions = 0;

function isVarFile(path: string): boolean {
  const p = path.toLowerCase();
  return p.endsWith('.tfvars') || p.endsWith('.tfvars.json');
}
import { userDataFiles } from '../terraform-user-data';
import { declaresTopology, type TopologyFacts } from '../../topology/model';
import { topologyOfResources } from '../../topology/terraform';

export const terraformSource: SourceModule = {
  name: 'terraform',
  reads: 'terraform',
  contribute(files, into, report, options) {
    // the files `user_data` reads: the script and cloud-init modules (after this one) read them as user data
    for (const f of files) for (const p of f.memo('terraform-user-data', () => userDataFiles(f.path, f.text))) if (!into.userDataFiles.includes(p)) into.userDataFiles.push(p);
    if (!isHclReady()) {
      for (const f of files) if (!isVarFile(f.path)) report('hcl-syntax', f.path, readTerraform(f.path, f.text).problems);
      return;
    }
    const configuredVarFiles = options.terraformVarFiles;
    const version = (f: SourceFile) => f.memo('terraform-version', () => ++versions);
    const folders = new Map<string, TfFolder>();
    const folderOf = (path: string): TfFolder => {
      let folder = folders.get(path);
      if (!folder) folders.set(path, (folder = { path, files: [], varFiles: [] }));
      return folder;
    };
    const byPath = new Map<string, SourceFile>();
    const varFiles = new Map<string, TfVarsFile>();
    for (const f of files) {
      byPath.set(f.path, f);
      if (isVarFile(f.path)) {
        const r = f.memo('terraform-vars', () => readTfvars(f.path, f.text));
        varFiles.set(f.path, r.file);
        report('hcl-syntax', f.path, r.problems);
        continue;
      }
      const parsed = f.memo('terraform-parse', () => parseCached(f.text));
      folderOf(dirName(f.path)).files.push(worldFile(f.path, parsed.body));
    }
    for (const [path, file] of varFiles) {
      const folder = folders.get(dirName(path));
      if (folder && isAutoVarFile(baseName(path))) folder.varFiles.push(file);
    }
    for (const folder of folders.values()) folder.varFiles.sort((a, b) => varFileOrder(baseName(a.path), baseName(b.path)));
    const configVarFiles = configuredVarFiles.flatMap((p) => varFiles.get(p) ?? []);
    const world: TfWorld = { folders, configVarFiles, readFile: (p) => byPath.get(p)?.text };

    // each root module with the folders it reaches, evaluated once per version of their texts
    const perFile = new Map<string, { keys: string[]; resources: ResourceInstances[] }>();
    for (const root of rootFolders(world)) {
      const tree = reach(world, root);
      const key = JSON.stringify([root, configuredVarFiles, ...tree.flatMap((d) => {
        const folder = folders.get(d)!;
        return [...folder.files.map((x) => `${x.path}@${version(byPath.get(x.path)!)}`), ...folder.varFiles.map((x) => `${x.path}@${version(byPath.get(x.path)!)}`)];
      }), ...configVarFiles.map((x) => `${x.path}@${version(byPath.get(x.path)!)}`)]);
      const first = byPath.get(folders.get(root)!.files[0].path)!;
      const resources = first.memo('terraform-root', () => rootModule(world, root)?.collect(OCI_TYPES) ?? [], key);
      for (const d of tree) {
        for (const x of folders.get(d)!.files) {
          const entry = perFile.get(x.path) ?? { keys: [], resources: [] };
          entry.keys.push(key);
          for (const r of resources) if (r.path === x.path) entry.resources.push(r);
          perFile.set(x.path, entry);
        }
      }
    }
    for (const f of files) {
      if (isVarFile(f.path)) continue;
      const entry = perFile.get(f.path) ?? { keys: [], resources: [] };
      f.memo('terraform-symbols', () => readTerraformSymbols(f.path, f.text));
      const r = f.memo('terraform', () => read(f, entry.resources), JSON.stringify(entry.keys));
      report('hcl-syntax', f.path, r.problems);
      for (const l of r.lists) into.ociLists.push(l);
      for (const x of r.nsgRules) into.ociNsgRules.push(x);
      for (const x of r.nsgs) into.ociNsgs.push(x);
      if (r.topology) into.topology.push(r.topology);
    }
  },
};

/** A root folder and every folder it calls, directly or not, that is in the workspace. */
function reach(world: TfWorld, root: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    if (out.includes(d) || !world.folders.has(d)) return;
    out.push(d);
    for (const c of calledFolders(world.folders.get(d)!)) visit(c);
  };
  visit(root);
  return out;
}

/** A Terraform file as the analysis read it (its module evaluated), and what it contributes. */
interface TerraformReading {
  file: TerraformFile | null;
  problems: ParseProblem[];
  lists: OciSecurityList[];
  nsgRules: NsgRuleInput[];
  nsgs: NsgInput[];
  /** what the file declares of the OKE topology (null: nothing) */
  topology: TopologyFacts | null;
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

/** What a file contributes, made once per evaluation (the same objects while it is kept: see `SourceModule`). */
function read(f: SourceFile, resources: ResourceInstances[]): TerraformReading {
  const r = terraformFileOf(f.path, f.text, f.memo('terraform-parse', () => parseCached(f.text)), resources);
  return {
    file: r.value,
    problems: r.problems,
    lists: r.value?.securityLists ?? [],
    nsgRules: [
      ...(r.value?.nsgRules ?? []).map((res) => ({ res, path: f.path })),
      ...(r.value?.nsgEgressRules ?? []).map((res) => ({ res, path: f.path, egress: true })),
    ],
    nsgs: (r.value?.nsgs ?? []).map((nsg) => ({ nsg, path: f.path })),
    topology: declaresTopology(topologyOfResources(f.path, resources)),
  };
}
