/**
 * One way for every CLI command to read its workspace: the files under the given paths (as `load.ts` walks
 * them) into a new engine `Workspace`, and what was skipped told to the engine and to the user alike:
 *
 * - too large: a `file-too-large` finding on the file (`Workspace.skipFile`), no line on stderr;
 * - binary: ignored silently, except a chart's packed dependency (`charts/*.tgz`): its bytes handed in
 *   (`Workspace.setBytes`) for the chart renderer;
 * - a link (to a file or a folder) that leads out of the workspace: a line on stderr, and the engine is told, so
 *   that a config naming it (or a file under it) gets `config-path-outside-workspace`;
 * - unreadable: a line on stderr.
 */
import { classify, initEngine, Workspace } from '../engine';
import * as path from 'node:path';
import { nodeGunzip } from '../host/gunzip';
import { readHclGrammar } from '../host/hcl-grammar';
import { isDir, loadFiles, markedRoot, toWorkspacePath, type LoadResult } from './load';

export interface ReadOptions {
  maxFileSize: number;
  /** the config file given with `--config` (absolute), read wherever it is */
  configAbs?: string;
}

export interface ReadWorkspace extends LoadResult {
  ws: Workspace;
}

/** The engine set up for a workspace read: the HCL parser (WebAssembly, some 30 MB of memory) only where there is Terraform to read. */
export async function initEngineFor(loaded: LoadResult): Promise<void> {
  const terraform = loaded.files.some((f) => classify(f.path) === 'terraform');
  await initEngine({ hcl: terraform ? readHclGrammar() : undefined, gunzip: nodeGunzip() });
}

/** `skipped PATH: DETAIL` for each file the user should hear about, in the order they were met. */
export function reportSkipped(ws: Workspace, skipped: LoadResult['skipped'], warn: (line: string) => void): void {
  for (const s of skipped) {
    if (s.reason === 'too-large') ws.skipFile(s.path, 'file-too-large', `${s.path} was skipped: ${s.detail}.`);
    else if (s.reason !== 'binary') warn(`skipped ${s.path}: ${s.detail}`);
    // a link that leads out: refused where the config names it
    if (s.reason === 'outside') ws.skipFile(s.path, 'config-path-outside-workspace', `a symbolic link to ${s.target ?? 'outside'}`);
  }
}

/**
 * Reads `paths` (absolute) into a new Workspace, reporting what was skipped through `warn` (one line each,
 * without a newline). Throws `UsageError` (from `load.ts`) when a path cannot be read at all.
 */
export function readWorkspace(paths: string[], opts: ReadOptions, warn: (line: string) => void): ReadWorkspace {
  const loaded = loadFiles(paths, { maxFileSize: opts.maxFileSize, configAbs: opts.configAbs });
  const ws = new Workspace({ configPath: opts.configAbs ? toWorkspacePath(loaded.root, opts.configAbs) : undefined });
  for (const f of loaded.files) ws.setFile(f.path, f.text);
  for (const a of loaded.archives) ws.setBytes(a.path, a.bytes);
  reportSkipped(ws, loaded.skipped, warn);
  return { ...loaded, ws };
}

/**
 * What to read for the paths a command was given, and what to report on. Every path, a file or a folder, is
 * checked within its workspace — the closest folder at or above it with `.service-reach.yaml` or `.git` — so that
 * the rule sources and config there take part, and a Kustomize overlay finds its base outside the folder given;
 * then only the findings under the given paths (and those of the overlays under them) are reported (`scope`,
 * absolute). A path with no such folder above it is read as it is.
 */
export function workspaceFor(paths: readonly string[]): { load: string[]; scope?: string[] } {
  let widened = false;
  const load = paths.map((p) => {
    const root = markedRoot(isDir(p) ? p : path.dirname(p));
    if (!root || root === p) return p;
    widened = true;
    return root;
  });
  return widened ? { load: [...new Set(load)], scope: [...paths] } : { load: [...paths] };
}

/** The workspace paths (relative to `root`) of `scope`, for filtering findings and fixes. */
export function scopeIn(root: string, scope: readonly string[]): string[] {
  return scope.map((p) => toWorkspacePath(root, p));
}
