/**
 * File classification: which kind of file a workspace-relative path is, by its name alone — and so which
 * readers it goes to (the manifest reader, the config reader, or the rule-source modules that read that kind,
 * `sources/registry.ts`). Pure and dependency-free, so that the hosts' load policy (`load-policy.ts`: which
 * files to read at all) and the Workspace agree.
 *
 * A kind is a file format, not a rule source: several sources may read one kind (firewalld zones and services
 * are both `xml`), and a JSON file that no source claims is read as a manifest (JSON is YAML; see
 * `sharedWithManifests`). A new rule source in a known format needs no line here; a new format needs one.
 */
import { baseName, extName } from './paths';

/** `iptables`: iptables-save files; `nft`: `nft list ruleset` text (`*.nft`, `nftables.conf`) */
export type FileKind = 'manifest' | 'config' | 'xml' | 'json' | 'terraform' | 'firewalld-conf' | 'script' | 'iptables' | 'nft' | 'other';

/** The config file's names at the workspace root, when the host names no other path. */
export const CONFIG_FILE_NAMES = ['.service-reach.yaml', '.service-reach.yml'];

/** Kinds by exact file name (checked before the extension). */
const BY_NAME: ReadonlyMap<string, FileKind> = new Map([
  ['firewalld.conf', 'firewalld-conf'],
  // iptables-save files as Debian's iptables-persistent, RHEL's iptables-services and Arch keep them (a file of
  // these names whose first line that is not a comment is no table header, such as `*filter`, is not read as one)
  ['rules.v4', 'iptables'],
  ['rules.v6', 'iptables'],
  ['iptables', 'iptables'],
  ['ip6tables', 'iptables'],
  ['iptables.rules', 'iptables'],
  ['ip6tables.rules', 'iptables'],
  ['nftables.conf', 'nft'],
  ['Kustomization', 'manifest'],
]);

/** Kinds by extension (lower case). */
const BY_EXTENSION: ReadonlyMap<string, FileKind> = new Map([
  ['.yaml', 'manifest'],
  ['.yml', 'manifest'],
  ['.json', 'json'],
  ['.xml', 'xml'],
  ['.tf', 'terraform'],
  ['.tfvars', 'terraform'],
  // shell scripts, and the templates Terraform renders into user data (read when they are scripts or cloud-config)
  ['.sh', 'script'],
  ['.bash', 'script'],
  ['.tpl', 'script'],
  ['.tftpl', 'script'],
  ['.tmpl', 'script'],
  ['.cfg', 'script'],
  ['.iptables', 'iptables'],
  ['.ip6tables', 'iptables'],
  ['.nft', 'nft'],
]);

/**
 * Files without an extension that are never scripts; any other such file (`user-data`, `bootstrap`) is a
 * `script` candidate, read only when it starts with a `sh`/`bash` shebang or `#cloud-config`.
 */
const NOT_SCRIPTS = new Set(['LICENSE', 'LICENCE', 'COPYING', 'NOTICE', 'AUTHORS', 'CONTRIBUTORS', 'OWNERS', 'CODEOWNERS', 'README', 'CHANGELOG', 'VERSION', 'Makefile', 'GNUmakefile', 'Dockerfile', 'Containerfile', 'Jenkinsfile', 'Vagrantfile', 'Gemfile', 'Rakefile', 'Procfile', 'Brewfile', 'Pipfile', 'Tiltfile']);

function extensionlessScript(name: string): boolean {
  return !name.includes('.') && !NOT_SCRIPTS.has(name);
}

/** Terraform `templatefile` inputs that are YAML (`service.yaml.tftpl`): read as manifests, as templates. */
const TEMPLATE_MANIFEST_SUFFIXES = ['.yaml.tftpl', '.yml.tftpl', '.yaml.tpl', '.yml.tpl'];

/** The kind of a file; `configPath` is the workspace-relative config path the host names, if any. */
export function classify(path: string, configPath?: string): FileKind {
  if (configPath ? path === configPath : CONFIG_FILE_NAMES.includes(path)) return 'config';
  const name = baseName(path);
  const lower = name.toLowerCase();
  // a Terraform templatefile input that is YAML (`service.yaml.tftpl`): a manifest, read as a template
  if (TEMPLATE_MANIFEST_SUFFIXES.some((s) => lower.endsWith(s) && lower.length > s.length)) return 'manifest';
  if (lower.endsWith('.tfvars.json')) return 'terraform'; // Terraform's variables, not a manifest
  return BY_NAME.get(name) ?? BY_EXTENSION.get(extName(path)) ?? (extensionlessScript(name) ? 'script' : 'other');
}

/** A kind whose files are manifests unless a rule source claims them (a JSON file that holds no security list). */
export function sharedWithManifests(kind: FileKind): boolean {
  return kind === 'json';
}

/**
 * Whether a text may hold a firewalld task or a `firewall-cmd` line: every one names `firewalld`, `firewall-cmd` or
 * `firewall-offline-cmd` (the word "firewall" alone is common in charts' comments and values).
 */
export function mayHoldFirewallTasks(holds: (word: string) => boolean): boolean {
  return holds('firewalld') || holds('firewall-cmd') || holds('firewall-offline-cmd');
}

/**
 * A YAML text that a rule source may claim instead of the manifest reader: cloud-init user data (`#cloud-config`)
 * or Ansible that may hold firewalld tasks or the variables they use. A cheap test on the text and path only (it
 * is asked on every YAML edit): the modules decide, from the parse, whether they claim the file. `holds`: whether
 * the text holds a word (the workspace carries the answer from the file's earlier text, `workspace/word-search.ts`).
 */
export function yamlMayBeRuleSource(path: string, text: string, holds = (word: string) => text.includes(word)): boolean {
  if (text.startsWith('#cloud-config')) return true;
  if (mayHoldFirewallTasks(holds)) return true;
  const p = '/' + path;
  return /\/(defaults|vars)\/main\.ya?ml$/.test(p) || p.includes('/group_vars/') || p.includes('/host_vars/');
}
