/**
 * Reads the files the CLI was pointed at into the engine's workspace: folders walked (skipping node_modules
 * and .git, and what the config's `exclude` globs name), symbolic links that lead out of the workspace refused,
 * binary files ignored — except a chart's packed dependencies (`charts/*.tgz`), read as bytes — large files skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classify } from '../engine';
import { CONFIG_FILE_NAMES, readConfig } from '../engine/config/config';
import { globFilter, NO_EXCLUDE, type PathFilter } from '../engine/util/glob';
import {
  DEFAULT_MAX_FILE_SIZE, isChartArchive, looksBinary, relativeStaysInside, skipsDirectory, tooLarge,
} from '../engine/util/load-policy';
import { exists, readIdentified, type FileIdentity } from './safe-write';

export { DEFAULT_MAX_FILE_SIZE };

export interface LoadedFile {
  /** workspace-relative POSIX path */
  path: string;
  text: string;
  /** what the file was when it was read (`check --fix` writes it only if it still is) */
  identity?: FileIdentity;
}

/** A chart's packed dependency (`charts/NAME.tgz`), read as bytes for the chart renderer (`Workspace.setBytes`). */
export interface LoadedArchive {
  /** workspace-relative POSIX path */
  path: string;
  bytes: Uint8Array;
}

export interface SkippedFile {
  path: string;
  reason: 'too-large' | 'binary' | 'outside' | 'unreadable';
  detail: string;
  /** reason `outside`: where the link (to a file or a folder) leads */
  target?: string;
}

export interface LoadResult {
  root: string;
  files: LoadedFile[];
  archives: LoadedArchive[];
  skipped: SkippedFile[];
}

export class UsageError extends Error {}

/** The workspace root: the one folder given, else the closest folder holding every path. */
export function workspaceRoot(paths: string[]): string {
  const abs = paths.map((p) => path.resolve(p));
  const dirs = abs.map((p) => (isDir(p) ? p : path.dirname(p)));
  let root = dirs[0];
  for (const d of dirs.slice(1)) {
    while (!(d + path.sep).startsWith(root.endsWith(path.sep) ? root : root + path.sep) && d !== root) root = path.dirname(root);
  }
  return root;
}

/** What marks a workspace root: a config, or a repository. */
export const ROOT_MARKERS = ['.service-reach.yaml', '.git'] as const;

/** The closest folder at or above `dir` that holds `.service-reach.yaml` or `.git`; undefined when there is none. */
export function markedRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (ROOT_MARKERS.some((m) => exists(path.join(d, m)))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

export function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function toWorkspacePath(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

function realPathOf(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

function isInside(root: string, p: string): boolean {
  return relativeStaysInside(path.relative(root, p));
}

export function loadFiles(paths: string[], opts: { maxFileSize?: number; configAbs?: string } = {}): LoadResult {
  const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  for (const p of opts.configAbs ? [...paths, opts.configAbs] : paths) {
    try {
      fs.accessSync(p, fs.constants.R_OK);
    } catch {
      throw new UsageError(`cannot read ${p}`);
    }
  }
  const root = workspaceRoot(paths);
  const realRoot = fs.realpathSync(root);
  const files: LoadedFile[] = [];
  const archives: LoadedArchive[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>();
  const excluded = excludeFilter(root, opts.configAbs, maxFileSize);

  const addFile = (abs: string, explicit: boolean, anywhere = false) => {
    const rel = toWorkspacePath(root, abs);
    if (seen.has(rel)) return;
    seen.add(rel);
    const archive = isChartArchive(rel);
    if (!explicit && classify(rel) === 'other' && !archive) return;
    // `exclude` in the config: not read at all (a path named on the command line is, and so is the config)
    if (!explicit && excluded(rel) && !CONFIG_FILE_NAMES.includes(rel)) return;
    let real: string;
    let stat: fs.Stats;
    try {
      real = fs.realpathSync(abs);
      stat = fs.statSync(real);
    } catch (err) {
      skipped.push({ path: rel, reason: 'unreadable', detail: (err as Error).message });
      return;
    }
    if (!anywhere && !isInside(realRoot, real)) {
      skipped.push({ path: rel, reason: 'outside', detail: `is a link to ${real}, outside the workspace`, target: real });
      return;
    }
    // a FIFO would block the read forever, a device (/dev/zero) never end
    if (!stat.isFile()) {
      skipped.push({ path: rel, reason: 'unreadable', detail: 'not a regular file' });
      return;
    }
    const size = stat.size;
    const large = tooLarge(size, maxFileSize);
    if (large) {
      skipped.push({ path: rel, reason: 'too-large', detail: large });
      return;
    }
    let buf: Buffer;
    let identity: FileIdentity;
    try {
      ({ bytes: buf, identity } = readIdentified(real));
    } catch (err) {
      skipped.push({ path: rel, reason: 'unreadable', detail: (err as Error).message });
      return;
    }
    const grown = tooLarge(buf.length, maxFileSize); // it grew since it was measured
    if (grown) {
      skipped.push({ path: rel, reason: 'too-large', detail: grown });
      return;
    }
    if (archive) {
      archives.push({ path: rel, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.length) });
      return;
    }
    if (looksBinary(buf)) {
      skipped.push({ path: rel, reason: 'binary', detail: 'holds NUL bytes' });
      return;
    }
    files.push({ path: rel, text: buf.toString('utf8'), identity });
  };

  const walk = (dir: string) => {
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      skipped.push({ path: toWorkspacePath(root, dir), reason: 'unreadable', detail: (err as Error).message });
      return;
    }
    names.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const d of names) {
      const abs = path.join(dir, d.name);
      if (d.isDirectory()) {
        if (!skipsDirectory(d.name) && !excluded(toWorkspacePath(root, abs))) walk(abs);
      } else if (d.isFile() || d.isSymbolicLink()) {
        if (d.isSymbolicLink() && isDir(abs)) {
          // never follow linked folders; one that leads out is refused where the config names a file under it
          const real = realPathOf(abs);
          if (real && !isInside(realRoot, real)) {
            skipped.push({ path: toWorkspacePath(root, abs), reason: 'outside', detail: `is a link to ${real}, outside the workspace`, target: real });
          }
          continue;
        }
        addFile(abs, false);
      }
    }
  };

  for (const p of paths) {
    const abs = path.resolve(p);
    if (isDir(abs)) walk(abs);
    else addFile(abs, true);
  }
  if (opts.configAbs) addFile(opts.configAbs, true, true); // named on the command line: the user's own choice
  return { root, files, archives, skipped };
}

/**
 * The `exclude` globs of the workspace's config (the one given with `--config`, else `.service-reach.yaml` or
 * `.yml` at the root), read before the walk so that excluded folders are never entered. A config that cannot be
 * read excludes nothing (the analysis reports what is wrong with it).
 */
function excludeFilter(root: string, configAbs: string | undefined, maxFileSize: number): PathFilter {
  const candidates = configAbs ? [configAbs] : CONFIG_FILE_NAMES.map((n) => path.join(root, n));
  for (const abs of candidates) {
    try {
      const stat = fs.statSync(abs);
      if (!stat.isFile() || tooLarge(stat.size, maxFileSize)) continue;
      const text = fs.readFileSync(abs, 'utf8');
      return globFilter(readConfig(toWorkspacePath(root, abs), text).config.exclude ?? []);
    } catch {
      continue;
    }
  }
  return NO_EXCLUDE;
}
