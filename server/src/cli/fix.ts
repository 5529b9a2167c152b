/**
 * `service-reach check --fix`: applies the first fix (with edits) of every finding, analyses again and
 * repeats until nothing fixable is left (at most MAX_PASSES passes), all in memory; then writes the changed
 * files (safe-write.ts: checked again at the last moment, atomically, mode and hard links kept), so that a failed
 * write loses nothing. It never writes outside the workspace root, never follows a symbolic link out of it, and
 * leaves a file alone (reported as not written) when it changed on disk since it was read, is read-only or
 * belongs to another user.
 */
import * as fs from 'node:fs';
import type { Workspace } from '../engine';
import { fixAll, MAX_PASSES } from '../engine/fixes';
import { textLine } from './format';
import { writeAtomically, writeTarget, type FileIdentity } from './safe-write';

export { writeAtomically, writeTarget };

export { MAX_PASSES };

export interface FixRunResult {
  /** findings the fixes cleared (counted per pass) */
  fixed: number;
  passes: number;
  /** workspace-relative paths written */
  written: string[];
  /** files that were not written, and why */
  failed: { path: string; reason: string }[];
  /** findings whose fix was refused (`path:line code`), and why */
  refused: { where: string; reason: string }[];
}

/**
 * The engine's fix loop over the whole workspace (engine/fixes/loop.ts), its final texts put into the workspace:
 * what the writing below reads, and what the report after it describes. Returns the original texts of the files
 * changed.
 */
function fixInWorkspace(ws: Workspace, under?: readonly string[]): { originals: Map<string, string>; fixed: number; passes: number; refused: { where: string; reason: string }[] } {
  const r = fixAll(ws, { scope: under ? { under } : 'workspace', maxPasses: MAX_PASSES });
  for (const f of r.files) ws.setFile(f.path, f.text);
  return {
    originals: new Map(r.files.map((f) => [f.path, f.original])),
    fixed: r.fixed,
    passes: r.passes,
    refused: r.refused.map((x) => ({ where: `${x.finding.path}:${x.line} ${x.finding.code}`, reason: x.reason })),
  };
}

/**
 * The whole `--fix`: fix in memory, write what changed, put back (in the workspace) what could not be written
 * so that the report that follows describes the files as they are on disk.
 */
export function runFixes(ws: Workspace, root: string, io: { stderr: (s: string) => void }, identities?: ReadonlyMap<string, FileIdentity>, under?: readonly string[]): FixRunResult {
  const { originals, fixed, passes, refused } = fixInWorkspace(ws, under);
  const written: string[] = [];
  const failed: { path: string; reason: string }[] = [];
  let realRoot: string | undefined;
  try {
    realRoot = fs.realpathSync(root);
  } catch { /* writeTarget says why */ }
  for (const [rel, original] of originals) {
    const text = ws.getText(rel)!;
    const { target, reason } = writeTarget(root, rel);
    try {
      if (!target || realRoot === undefined) throw new Error(reason);
      writeAtomically(target, original, text, { identity: identities?.get(rel), realRoot });
      written.push(rel);
    } catch (err) {
      failed.push({ path: rel, reason: (err as Error).message });
      ws.setFile(rel, original);
    }
  }
  for (const r of refused) io.stderr(textLine(`service-reach: --fix left ${r.where}: ${r.reason}`));
  for (const f of failed) io.stderr(textLine(`service-reach: --fix did not write ${f.path}: ${f.reason}`));
  if (written.length) {
    io.stderr(textLine(`service-reach: --fix cleared ${fixed} finding${fixed === 1 ? '' : 's'} in ${passes} pass${passes === 1 ? '' : 'es'}; wrote ${written.join(', ')}`));
  } else if (failed.length === 0 && refused.length === 0) {
    io.stderr(textLine('service-reach: --fix found nothing it could fix'));
  }
  return { fixed, passes, written, failed, refused };
}
