/**
 * What a rule-source module is: the files it reads (a kind, `util/file-kinds.ts`), how it reads them (its own
 * reader, memoised per text on the file), and what it contributes to the inputs of the rule layers
 * (`SourceInputs`, which `workspace/layers.ts` builds the layers from). Every module is listed once in
 * `registry.ts`; the Workspace knows none of them by name.
 */
import type { Code } from '../findings/codes';
import type { ParseProblem } from '../parse/problem';
import type { FileKind } from '../util/file-kinds';
import type { FirewallCommandFile } from './firewall-cmd';
import type {
  FirewalldConf, FirewalldServiceFile, FirewalldZoneFile, OciNsgResource, OciNsgRuleResource, OciSecurityList,
} from './model';
import type { NfRuleset } from './netfilter-model';
import type { TopologyFacts } from '../topology/model';

/** A file handed to a source module: its text, and a cache that lives as long as that text. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly kind: FileKind;
  /**
   * `compute()` once per text, kept under `key` (modules that read the same format share the key, and so the
   * parse). With `depends`, a value that also depends on other inputs (a Terraform file read with its folder's
   * variables): worked out again when `depends` differs from the last call's, one value kept per key.
   */
  memo<T>(key: string, compute: () => T, depends?: string): T;
  /** what `memo` keeps under `key` for this text, if anything, without working it out */
  peek<T>(key: string): T | undefined;
}

/**
 * Reports a file's parse problems: the first syntax problem as `code` (unless `syntax` is false), every safety
 * limit hit as `input-too-complex`.
 */
export type ReportProblems = (code: Code, path: string, problems: readonly ParseProblem[], syntax?: boolean) => void;

/** An NSG rule resource, with the file that holds it; `egress` for a rule with direction EGRESS. */
export interface NsgRuleInput {
  res: OciNsgRuleResource;
  path: string;
  egress?: boolean;
}

/** An NSG resource (the group itself), with the file that declares it. */
export interface NsgInput {
  nsg: OciNsgResource;
  path: string;
}

/** What the source modules found, in workspace order: the inputs of the rule layers. */
export interface SourceInputs {
  firewalldZones: FirewalldZoneFile[];
  firewalldServices: FirewalldServiceFile[];
  firewalldConfs: FirewalldConf[];
  ociLists: OciSecurityList[];
  ociNsgRules: NsgRuleInput[];
  ociNsgs: NsgInput[];
  /** firewall commands (scripts, cloud-init, Ansible): applied in workspace order onto the firewalld zones */
  firewallCommands: FirewallCommandFile[];
  /** files that Terraform `user_data` reads (`file`, `templatefile`): user data, whatever their extension */
  userDataFiles: string[];
  /** iptables-save files and nftables rulesets (the node packet filter) */
  nodeRulesets: NfRuleset[];
  /** the OKE topology each Terraform file (or plan/state) declares: node pools, clusters, subnets */
  topology: TopologyFacts[];
}

export function emptyInputs(): SourceInputs {
  return { firewalldZones: [], firewalldServices: [], firewalldConfs: [], ociLists: [], ociNsgRules: [], ociNsgs: [], firewallCommands: [], userDataFiles: [], nodeRulesets: [], topology: [] };
}

/** What the config says about reading the sources (plain data: the config layer sits above this one). */
export interface SourceOptions {
  /** `terraform.varFiles`: variable files read after each root module's own, later ones winning */
  terraformVarFiles: readonly string[];
}

export const DEFAULT_SOURCE_OPTIONS: SourceOptions = { terraformVarFiles: [] };

export interface SourceModule {
  /** for messages and tests: what it reads, e.g. `firewalld-zone` */
  readonly name: string;
  /** the kind of files it is handed */
  readonly reads: FileKind;
  /**
   * For a kind manifests share (JSON): does this file hold this source's data? A file no module claims is read as a
   * manifest. Not asked for other kinds.
   */
  claims?(file: SourceFile): boolean;
  /**
   * Reads its files (all of its kind, in workspace order) and adds what they hold to `into`. Never throws. What
   * it adds must be the same objects while the files (and what their reading depends on) are unchanged: the
   * layers, and every Service's checks, are kept while every input is the same object (`workspace/layers.ts`).
   */
  contribute(files: readonly SourceFile[], into: SourceInputs, report: ReportProblems, options: SourceOptions): void;
}
