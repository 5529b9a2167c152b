/**
 * `service-reach check --fix`: applies the first fix (with edits) of every finding, analyses again and
 * repeats until nothing fixable is left (at most MAX_PASSES passes), all in memory; then writes the changed
 * files (safe-write.ts: checked again at the last moment, atomically, mode and hard links kept), so that a failed
 * write loses nothing. It never writes outside the workspace root, never follows a symbolic link out of it, and
 * leaves a file alone (reported as not written) when it changed on disk since it was read, is read-only or
 * belongs to another user.
 */
import * as fs from 'node:fs';
import type { Finding, Workspace } from '../engine';
import { applyEdits, planFixAll } from '../engine/fixes';
import { textLine } from './format';
import { writeAtomically, writeTarget, type FileIdentity } from './safe-write';

export { writeAtomically, writeTarget };

export const MAX_PASSES = 10;

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

/** A finding as it would be found again after an edit elsewhere in its file (offsets move, messages do not). */
function identity(f: Finding): string {
  return `${f.code}\u0000${f.path}\u0000${f.message}`;
}

/** Where an offset of a file's text lands after edits of that file (an insertion exactly there does not move it). */
export function mapOffset(offset: number, edits: readonly { span: { start: number; end: number }; newText: string }[]): number {
  let delta = 0;
  for (const e of edits) {
    if (e.span.end <= offset && !(e.span.start === e.span.end && e.span.start === offset)) delta += e.newText.length - (e.span.end - e.span.start);
  }
  return offset + delta;
}

/**
 * Applies fixes to the workspace in memory, pass after pass; returns the original texts of the files changed.
 * A fix that did not clear its finding is not tried again (so a rule that a deny rule overrides is added once).
 */
export function fixInMemory(ws: Workspace): { originals: Map<string, string>; fixed: number; passes: number; stuck: number; refused: { where: string; reason: string }[] } {
  const originals = new Map<string, string>();
  const stuck = new Set<string>();
  const refused = new Map<string, { where: string; reason: string }>();
  let fixed = 0;
  let passes = 0;
  while (passes < MAX_PASSES) {
    const plan = planFixAll(ws, { skip: (f) => stuck.has(identity(f)) });
    for (const r of plan.refused) {
      const where = `${r.finding.path}:${ws.lineIndex(r.finding.path).positionAt(r.finding.span.start).line + 1} ${r.finding.code}`;
      if (!refused.has(identity(r.finding))) refused.set(identity(r.finding), { where, reason: r.reason });
    }
    if (plan.edits.length === 0) break;
    passes++;
    const byPath = new Map<string, { span: { start: number; end: number }; newText: string }[]>();
    for (const e of plan.edits) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
    for (const [p, edits] of byPath) {
      const text = ws.getText(p);
      if (text === undefined) continue;
      if (!originals.has(p)) originals.set(p, text);
      ws.setFile(p, applyEdits(text, edits));
    }
    // a fix worked when its finding is no longer reported at the place it was (offsets moved by the edits)
    const after = ws.analyze().findings;
    for (const f of plan.fixed) {
      const place = mapOffset(f.span.start, byPath.get(f.path) ?? []);
      if (after.some((g) => g.code === f.code && g.path === f.path && g.span.start === place)) stuck.add(identity(f));
      else fixed++;
    }
  }
  for (const [p, text] of originals) if (ws.getText(p) === text) originals.delete(p);
  // a refused finding that a later pass fixed otherwise (its message no longer found) is not reported
  const left = new Set(ws.analyze().findings.map(identity));
  return { originals, fixed, passes, stuck: stuck.size, refused: [...refused].filter(([id]) => left.has(id)).map(([, r]) => r) };
}

/**
 * The whole `--fix`: fix in memory, write what changed, put back (in the workspace) what could not be written
 * so that the report that follows describes the files as they are on disk.
 */
export function runFixes(ws: Workspace, root: string, io: { stderr: (s: string) => void }, identities?: ReadonlyMap<string, FileIdentity>): FixRunResult {
  const { originals, fixed, passes, refused } = fixInMemory(ws);
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
