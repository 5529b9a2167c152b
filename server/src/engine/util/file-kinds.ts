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
export type FileKind = 'manifest' | 'config' | 'xml' | 'json' | 'terraform' | 'firewalld-conf' | 'iptables' | 'nft' | 'other';

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
]);

/** Kinds by extension (lower case). */
const BY_EXTENSION: ReadonlyMap<string, FileKind> = new Map([
  ['.yaml', 'manifest'],
  ['.yml', 'manifest'],
  ['.json', 'json'],
  ['.xml', 'xml'],
  ['.tf', 'terraform'],
  ['.iptables', 'iptables'],
  ['.ip6tables', 'iptables'],
  ['.nft', 'nft'],
]);

/** The kind of a file; `configPath` is the workspace-relative config path the host names, if any. */
export function classify(path: string, configPath?: string): FileKind {
  if (configPath ? path === configPath : CONFIG_FILE_NAMES.includes(path)) return 'config';
  return BY_NAME.get(baseName(path)) ?? BY_EXTENSION.get(extName(path)) ?? 'other';
}

/** A kind whose files are manifests unless a rule source claims them (a JSON file that holds no security list). */
export function sharedWithManifests(kind: FileKind): boolean {
  return kind === 'json';
}
