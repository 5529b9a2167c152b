/**
 * The language server's file reading, with the policy it shares with the CLI (engine/util/load-policy.ts):
 * node_modules and .git skipped, files over the size limit skipped (reported), binary files ignored (a chart's
 * packed dependency, `charts/*.tgz`, is read as bytes),
 * links that lead out of the workspace refused, linked folders never followed. Asynchronous, so indexing a
 * large workspace does not stop the server from answering.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import {
  isCandidate, isChartArchive, looksBinary, relativeStaysInside, skipsDirectory, tooLarge, BINARY_SNIFF_BYTES, type SkipReason,
} from '../engine/util/load-policy';
import { CONFIG_FILE_NAMES } from '../engine/util/file-kinds';
import { NO_EXCLUDE, type PathFilter } from '../engine/util/glob';

export type ReadResult =
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'skipped'; reason: SkipReason; detail: string; /** reason `outside`: where the link leads */ target?: string }
  | { kind: 'directory' }
  | { kind: 'missing' };

/**
 * Read one workspace file under the policy. `realRoot` is the workspace root with links resolved. `binary`: the
 * file is read as bytes (a chart archive), not as text.
 */
export async function readUnderPolicy(realRoot: string, abs: string, maxFileSize: number, binary = false): Promise<ReadResult> {
  let real: string;
  let stat: import('node:fs').Stats;
  try {
    real = await fs.realpath(abs);
    stat = await fs.stat(real);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'skipped', reason: 'unreadable', detail: (err as Error).message };
  }
  // a link that leads out of the workspace, to a file or a folder, is refused (and a folder so reached never listed)
  if (!relativeStaysInside(path.relative(realRoot, real))) return { kind: 'skipped', reason: 'outside', detail: `is a link to ${real}, outside the workspace`, target: real };
  if (stat.isDirectory()) return { kind: 'directory' };
  if (!stat.isFile()) return { kind: 'skipped', reason: 'unreadable', detail: 'not a regular file' };
  const large = tooLarge(stat.size, maxFileSize);
  if (large) return { kind: 'skipped', reason: 'too-large', detail: large };
  let buf: Buffer;
  try {
    buf = await fs.readFile(real);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'skipped', reason: 'unreadable', detail: (err as Error).message };
  }
  if (binary) return { kind: 'bytes', bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.length) };
  if (looksBinary(buf.subarray(0, BINARY_SNIFF_BYTES))) return { kind: 'skipped', reason: 'binary', detail: 'holds NUL bytes' };
  return { kind: 'text', text: buf.toString('utf8') };
}

export function toRelative(root: string, abs: string): string | undefined {
  const rel = path.relative(root, abs);
  if (!relativeStaysInside(rel) || rel === '') return undefined;
  return rel.split(path.sep).join('/');
}

/** Links to folders that lead out of the workspace, found while walking (the CLI's policy: refused where the config names them). */
export interface OutsideLinks {
  /** the workspace root with links resolved */
  realRoot: string;
  found(rel: string, target: string): void;
}

/** Where a link to a folder leads, when that is outside the workspace; else undefined (not a link, not to a folder, inside). */
export async function linkedFolderOutside(realRoot: string, abs: string): Promise<string | undefined> {
  try {
    if (!(await fs.lstat(abs)).isSymbolicLink() || !(await fs.stat(abs)).isDirectory()) return undefined;
    const target = await fs.realpath(abs);
    return relativeStaysInside(path.relative(realRoot, target)) ? undefined : target;
  } catch {
    return undefined;
  }
}

/**
 * The candidate files below a folder (workspace-relative POSIX paths), folders skipped by the policy and the
 * config's `exclude` globs (`excluded`; the config file itself is never excluded), linked
 * folders not followed (those that lead out of the workspace told to `outside`). Yields between directories.
 */
export async function* walkCandidates(
  root: string, start: string, configPath?: string, outside?: OutsideLinks, excluded: PathFilter = NO_EXCLUDE,
): AsyncGenerator<string> {
  const stack = [start];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : -1));
    for (const d of entries) {
      const abs = path.join(dir, d.name);
      if (d.isDirectory()) {
        const dirRel = toRelative(root, abs);
        if (!skipsDirectory(d.name) && !(dirRel && excluded(dirRel))) stack.push(abs);
        continue;
      }
      if (!d.isFile() && !d.isSymbolicLink()) continue;
      const rel = toRelative(root, abs);
      if (!rel) continue;
      if (d.isSymbolicLink()) {
        try {
          if ((await fs.stat(abs)).isDirectory()) {
            // never follow linked folders; one that leads out of the workspace is reported
            const target = outside && await linkedFolderOutside(outside.realRoot, abs);
            if (outside && target) outside.found(rel, target);
            continue;
          }
        } catch {
          continue;
        }
      }
      if (!(isCandidate(rel, configPath) || isChartArchive(rel)) || (excluded(rel) && rel !== configPath && !CONFIG_FILE_NAMES.includes(rel))) continue;
      yield rel;
    }
  }
}
