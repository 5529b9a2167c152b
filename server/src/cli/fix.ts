/**
 * `service-reach check --fix`: applies the first fix (with edits) of every finding, analyses again and
 * repeats until nothing fixable is left (at most MAX_PASSES passes), all in memory; then writes the changed
 * files, each atomically (a temporary file in the same folder, renamed over the original, with its mode kept),
 * so that a failed write loses nothing. It never writes outside the workspace root, never follows a symbolic
 * link out of it, and leaves a file alone when it changed on disk since it was read.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding, Workspace } from '../engine';
import { applyEdits, planFixAll } from '../engine/fixes';

export const MAX_PASSES = 10;

export interface FixRunResult {
  /** findings the fixes cleared (counted per pass) */
  fixed: number;
  passes: number;
  /** workspace-relative paths written */
  written: string[];
  /** files that were not written, and why */
  failed: { path: string; reason: string }[];
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
export function fixInMemory(ws: Workspace): { originals: Map<string, string>; fixed: number; passes: number; stuck: number } {
  const originals = new Map<string, string>();
  const stuck = new Set<string>();
  let fixed = 0;
  let passes = 0;
  while (passes < MAX_PASSES) {
    const plan = planFixAll(ws, { skip: (f) => stuck.has(identity(f)) });
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
  return { originals, fixed, passes, stuck: stuck.size };
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Where a workspace file really lives, when it is safe to write: inside the root, through no link that leads
 * out of it. A link inside the workspace is written through (the link stays a link).
 */
export function writeTarget(root: string, rel: string): { target?: string; reason?: string } {
  if (rel === '' || path.isAbsolute(rel) || rel.split('/').includes('..')) return { reason: 'is not inside the workspace' };
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch (err) {
    return { reason: (err as Error).message };
  }
  const abs = path.resolve(root, rel);
  if (!isInside(path.resolve(root), abs)) return { reason: 'is not inside the workspace' };
  let real: string;
  try {
    real = fs.realpathSync(abs);
  } catch (err) {
    return { reason: (err as Error).message };
  }
  if (!isInside(realRoot, real)) return { reason: `leads to ${real}, outside the workspace` };
  return { target: real };
}

/**
 * Writes `text` over `target` atomically, provided the file still holds exactly `expected` (what was read).
 * Mode (and, where allowed, owner) are kept. Throws with a readable message; the original is then untouched.
 */
export function writeAtomically(target: string, expected: string, text: string): void {
  const st = fs.statSync(target);
  if (!st.isFile()) throw new Error('is not a regular file');
  const current = fs.readFileSync(target);
  if (!current.equals(Buffer.from(expected, 'utf8'))) {
    throw new Error(current.toString('utf8') === expected ? 'is not valid UTF-8, so it is left as it is' : 'changed on disk since it was read');
  }
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.service-reach-${process.pid}-${crypto.randomBytes(6).toString('hex')}.tmp`);
  const mode = st.mode & 0o7777;
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    fs.writeFileSync(fd, text, 'utf8');
    fs.fchmodSync(fd, mode);
    if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || st.gid !== process.getgid?.())) {
      try { fs.fchownSync(fd, st.uid, st.gid); } catch { /* not allowed: the file becomes ours, its mode is kept */ }
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* already closed */ }
    try { fs.unlinkSync(tmp); } catch { /* never created */ }
    throw err;
  }
}

/**
 * The whole `--fix`: fix in memory, write what changed, put back (in the workspace) what could not be written
 * so that the report that follows describes the files as they are on disk.
 */
export function runFixes(ws: Workspace, root: string, io: { stderr: (s: string) => void }): FixRunResult {
  const { originals, fixed, passes } = fixInMemory(ws);
  const written: string[] = [];
  const failed: { path: string; reason: string }[] = [];
  for (const [rel, original] of originals) {
    const text = ws.getText(rel)!;
    const { target, reason } = writeTarget(root, rel);
    try {
      if (!target) throw new Error(reason);
      writeAtomically(target, original, text);
      written.push(rel);
    } catch (err) {
      failed.push({ path: rel, reason: (err as Error).message });
      ws.setFile(rel, original);
    }
  }
  for (const f of failed) io.stderr(`service-reach: --fix did not write ${f.path}: ${f.reason}\n`);
  if (written.length) {
    io.stderr(`service-reach: --fix cleared ${fixed} finding${fixed === 1 ? '' : 's'} in ${passes} pass${passes === 1 ? '' : 'es'}; wrote ${written.join(', ')}\n`);
  } else if (failed.length === 0) {
    io.stderr('service-reach: --fix found nothing it could fix\n');
  }
  return { fixed, passes, written, failed };
}
