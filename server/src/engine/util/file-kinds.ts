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

export type FileKind = 'manifest' | 'config' | 'xml' | 'json' | 'terraform' | 'firewalld-conf' | 'other';

/** The config file's names at the workspace root, when the host names no other path. */
export const CONFIG_FILE_NAMES = ['.service-reach.yaml', '.service-reach.yml'];

/** Kinds by exact file name (checked before the extension). */
const BY_NAME: ReadonlyMap<string, FileKind> = new Map([['firewalld.conf', 'firewalld-conf']]);

/** Kinds by extension (lower case). */
const BY_EXTENSION: ReadonlyMap<string, FileKind> = new Map([
  ['.yaml', 'manifest'],
  ['.yml', 'manifest'],
  ['.json', 'json'],
  ['.xml', 'xml'],
  ['.tf', 'terraform'],
]);

/** Terraform `templatefile` inputs that are YAML (`service.yaml.tftpl`): read as manifests, as templates. */
const TEMPLATE_MANIFEST_SUFFIXES = ['.yaml.tftpl', '.yml.tftpl', '.yaml.tpl', '.yml.tpl'];

/** The kind of a file; `configPath` is the workspace-relative config path the host names, if any. */
export function classify(path: string, configPath?: string): FileKind {
  if (configPath ? path === configPath : CONFIG_FILE_NAMES.includes(path)) return 'config';
  const byName = BY_NAME.get(baseName(path)) ?? BY_EXTENSION.get(extName(path));
  if (byName) return byName;
  const lower = baseName(path).toLowerCase();
  return TEMPLATE_MANIFEST_SUFFIXES.some((s) => lower.endsWith(s) && lower.length > s.length) ? 'manifest' : 'other';
}

/** A kind whose files are manifests unless a rule source claims them (a JSON file that holds no security list). */
export function sharedWithManifests(kind: FileKind): boolean {
  return kind === 'json';
}
