/**
 * What the fixes read: the workspace's own readings of its files (`Workspace.reading`), never a parse of a file's
 * current text — a zone file's insert point, a JSON list's parsed rule array, a Terraform file read with the
 * variables and locals of its folder. And the check every fix passes before it is offered: its edited text,
 * read by the same reader (with the same Terraform symbols), may not have more problems than the workspace's
 * reading of the text before it.
 */
import type { Workspace } from '../workspace';
import type { ParsedManifest } from '../workspace/types';
import type { ParseProblem } from '../parse/problem';
import { firewalldXmlOf } from '../sources/modules/firewalld-zone';
import { listsOf } from '../sources/modules/oci-json';
import { terraformJsonOf } from '../sources/modules/terraform-json';
import { terraformReadingOf, terraformSymbolsOf } from '../sources/modules/terraform';
import { readFirewalldXml } from '../sources/firewalld-zone';
import { readOciSecurityListsJson } from '../sources/oci-json';
import { readTerraform } from '../sources/terraform';
import { iptablesOf } from '../sources/modules/iptables';
import { nftTextOf } from '../sources/modules/nftables';
import { readIptablesSave } from '../sources/iptables-save';
import { readNftText } from '../sources/nft-text';
import type { NfRuleset } from '../sources/netfilter-model';
import type { FirewalldServiceFile, FirewalldZoneFile, OciSecurityList, ReadResult, TerraformFile, TerraformSymbols } from '../sources/model';
import { dirName, extName } from '../util/paths';
import type { FirewallCommandFile } from '../sources/firewall-cmd';
import { scriptCommandsOf } from '../sources/modules/firewall-script';
import { readCloudInit, isCloudConfig } from '../sources/cloud-init';
import { readFirewallScript } from '../sources/firewall-script';
import { ansibleCommands, readAnsibleYaml } from '../sources/ansible-firewalld';
import type { FixContext } from './context';
import { applyEdits, type RenderedEdit } from './edits';

/** What the analysis read from a file, by its kind: the manifest's documents, or a rule-source module's reading. */
interface Reading {
  manifest?: ParsedManifest;
  xml?: ReadResult<FirewalldZoneFile | FirewalldServiceFile>;
  json?: { lists: readonly OciSecurityList[]; problems: readonly ParseProblem[] };
  terraform?: { value: TerraformFile | null; problems: readonly ParseProblem[] };
  symbols?: TerraformSymbols;
  netfilter?: { read: (path: string, text: string) => ReadResult<NfRuleset>; problems: number };
}

function reading(ws: Workspace, path: string): Reading | undefined {
  const f = ws.sourceFile(path);
  if (!f) return undefined;
  const manifest = ws.manifest(path);
  if (manifest) return { manifest };
  switch (f.kind) {
    case 'xml': return { xml: firewalldXmlOf(f) };
    case 'json': {
      const r = listsOf(f);
      return { json: { lists: r.value ?? [], problems: r.problems } };
    }
    case 'terraform': return { terraform: terraformReadingOf(f), symbols: terraformSymbolsOf(f) };
    case 'iptables': return { netfilter: { read: readIptablesSave, problems: iptablesOf(f).problems.length } };
    case 'nft': return { netfilter: { read: readNftText, problems: nftTextOf(f).problems.length } };
    default: return {};
  }
}

/**
 * The firewall commands of a script, cloud-init or Ansible file as the analysis read them (undefined: none read).
 * The reading of the module that read the file (a script, a claimed YAML file).
 */
export function commandFileOf(ws: Workspace, path: string): FirewallCommandFile | undefined {
  const f = ws.sourceFile(path);
  if (!f) return undefined;
  if (f.kind === 'script') return (f.peek<{ value: FirewallCommandFile | null }>('firewall-script-user-data') ?? scriptCommandsOf(f)).value ?? undefined;
  for (const key of ['cloud-init', 'ansible']) {
    const r = f.peek<{ value: FirewallCommandFile | null }>(key);
    if (r?.value) return r.value;
  }
  return undefined;
}

/** A command file's problems, counted as its module reports them (YAML syntax and the commands'). */
function commandProblems(path: string, text: string, kind: string): number {
  if (kind === 'script' || isCloudConfig(text)) {
    if (kind === 'script' && !isCloudConfig(text)) return readFirewallScript(path, text).problems.length;
    const r = readCloudInit(path, text);
    return r.problems.length + r.yamlProblems.length;
  }
  const reading = readAnsibleYaml(text);
  return reading.problems.length + ansibleCommands(path, text, reading, new Map()).problems.length;
}

/** The zone a firewalld XML file holds (undefined: no such file, or not a zone). */
export function zoneFile(ws: Workspace, path: string): FirewalldZoneFile | undefined {
  const v = reading(ws, path)?.xml?.value;
  return v?.kind === 'firewalld-zone' ? v : undefined;
}

/** The security lists of a JSON file (each with its parsed rule array). */
export function jsonLists(ws: Workspace, path: string): readonly OciSecurityList[] {
  return reading(ws, path)?.json?.lists ?? [];
}

/** The security lists of a Terraform plan or state JSON (a generated file: read for commands, never edited). */
export function terraformJsonLists(ws: Workspace, path: string): readonly OciSecurityList[] {
  const f = ws.sourceFile(path);
  return f?.kind === 'json' ? terraformJsonOf(f).value?.securityLists ?? [] : [];
}

/** A Terraform file as the analysis read it: with the variables and locals of its folder resolved. */
export function terraformFile(ws: Workspace, path: string): TerraformFile | undefined {
  return reading(ws, path)?.terraform?.value ?? undefined;
}

/** The variables and locals of a Terraform folder, merged as the analysis merges them (its files in path order). */
export function folderSymbols(ws: Workspace, dir: string): TerraformSymbols {
  const symbols: TerraformSymbols = { variables: new Map(), locals: new Map() };
  for (const p of ws.paths()) {
    if (extName(p) !== '.tf' || dirName(p) !== dir) continue;
    const s = reading(ws, p)?.symbols;
    if (!s) continue;
    for (const [k, v] of s.variables) symbols.variables.set(k, v);
    for (const [k, v] of s.locals) symbols.locals.set(k, v);
  }
  return symbols;
}

/**
 * A file's problems before and after an edit, counted the same way: before, from the workspace's reading; after,
 * by the same reader on the edited text. A Helm template is the one exception: the workspace reads it with its
 * syntax problems silenced, so both texts are read as plain YAML (document by document: see `FixContext.yamlFile`).
 */
function problemCounts(ctx: FixContext, path: string, after: string): { before: number; after: number } {
  const ws = ctx.ws;
  const r = reading(ws, path);
  if (!r) return { before: 0, after: 0 };
  const f = ws.sourceFile(path);
  if (f && !r.manifest && commandFileOf(ws, path)) {
    return { before: commandProblems(path, f.text, f.kind), after: commandProblems(path, after, f.kind) };
  }
  if (r.manifest) {
    const yaml = ctx.yamlFile(path);
    if (!r.manifest.template) return { before: r.manifest.problems.length, after: yaml.parse(after, { template: false }).problems.length };
    const before = ctx.problemsBefore(path, () => yaml.parse(ws.getText(path) ?? '', { template: false }).problems.length);
    return { before, after: yaml.parse(after, { template: false }).problems.length };
  }
  if (r.xml) return { before: r.xml.problems.length, after: readFirewalldXml(path, after).problems.length };
  if (r.json) return { before: r.json.problems.length, after: readOciSecurityListsJson(path, after).problems.length };
  if (r.netfilter) return { before: r.netfilter.problems, after: r.netfilter.read(path, after).problems.length };
  if (r.terraform) return { before: r.terraform.problems.length, after: readTerraform(path, after, folderSymbols(ws, dirName(path))).problems.length };
  return { before: 0, after: 0 };
}

/** Do the edits apply cleanly, change something, and leave every touched file with no more problems than it had? */
export function acceptable(ctx: FixContext, edits: readonly RenderedEdit[], paths: readonly string[]): boolean {
  for (const path of new Set(paths)) {
    const text = ctx.ws.getText(path);
    if (text === undefined) return false;
    let after: string;
    try {
      after = applyEdits(text, edits.filter((e) => e.path === path));
    } catch {
      return false;
    }
    if (after === text) return false;
    const n = problemCounts(ctx, path, after);
    if (n.before < n.after) return false;
  }
  return true;
}
