/**
 * Which files of a workspace are read, in one place for the CLI (cli/load.ts) and the language server
 * (lsp/files.ts): folders skipped, the size limit, binary files, links that lead out of the workspace. Pure:
 * the callers do the I/O and ask these functions what to do with what they found.
 */
import { classify } from './file-kinds';

/** Files larger than this are skipped (a `file-too-large` finding); CLI `--max-file-size`, `serviceReach.maxFileSize`. */
export const DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024;

/** Folders never walked. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git']);

/** How many leading bytes are looked at to tell a binary file. */
export const BINARY_SNIFF_BYTES = 8192;

export type SkipReason = 'too-large' | 'binary' | 'outside' | 'unreadable';

export function skipsDirectory(name: string): boolean {
  return SKIPPED_DIRECTORIES.has(name);
}

/** Is any segment of this workspace-relative POSIX path a skipped folder? (for file events from a watcher) */
export function inSkippedDirectory(relPath: string): boolean {
  const parts = relPath.split('/');
  return parts.slice(0, -1).some((p) => SKIPPED_DIRECTORIES.has(p));
}

/** Does the engine read this kind of file at all? (manifests, rule sources, the config) */
export function isCandidate(relPath: string, configPath?: string): boolean {
  return classify(relPath, configPath) !== 'other';
}

/**
 * A chart's packed dependency: a `.tgz` directly inside a `charts/` folder (what `helm dependency build` leaves).
 * The one kind of binary file the hosts read, as bytes (`Workspace.setBytes`), for the chart renderer.
 */
export function isChartArchive(relPath: string): boolean {
  const parts = relPath.split('/');
  return parts.length >= 2 && parts[parts.length - 2] === 'charts' && parts[parts.length - 1].endsWith('.tgz') && parts[parts.length - 1] !== '.tgz';
}

/** A file of this size is skipped: the detail for the message, else undefined. */
export function tooLarge(size: number, maxFileSize: number): string | undefined {
  return size > maxFileSize ? `${size} bytes is over the limit of ${maxFileSize}` : undefined;
}

/** NUL bytes in the first {@link BINARY_SNIFF_BYTES} bytes: a binary file, ignored. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/**
 * Does a path stay inside the workspace? `rel` is the path relative to the (real) workspace root, as
 * `path.relative` gives it on the host: no `..` segment first, not absolute.
 */
export function relativeStaysInside(rel: string): boolean {
  if (rel === '') return true;
  if (rel.startsWith('/') || rel.startsWith('\\') || /^[A-Za-z]:/.test(rel)) return false;
  const first = rel.split(/[\\/]/, 1)[0];
  return first !== '..';
}
