/**
 * The one fix loop. `check --fix` (the whole workspace), the language server's "fix all in this file" and the
 * exposure view's fix button (one finding) all run `fixAll`, so they cannot disagree.
 *
 * A pass plans the fixes of the findings in scope (plan-all.ts), applies them to the workspace in memory and
 * analyses again; passes repeat while there is something to fix (a pin gives a port its number, the next pass
 * opens that number), at most MAX_PASSES. A fix that did not clear its finding is not tried again (so a rule
 * that a deny rule overrides is added once). The workspace is then put back as it was found: the result holds,
 * per changed file, the original text, the final text and the edits that turn one into the other.
 */
import type { Finding } from '../findings/finding';
import type { YamlFile } from '../parse/yaml';
import type { Workspace } from '../workspace';
import { Composer } from './compose';
import { applyEdits, type RenderedEdit } from './edits';
import { planFixAll } from './plan-all';

export const MAX_PASSES = 10;

/**
 * What a fix loop fixes: the whole workspace, one file, the files under some paths (`''` is the root; with them
 * the findings of the Kustomize overlays whose kustomization is under those paths, wherever the finding sits),
 * one finding.
 */
export type FixScope = 'workspace' | { path: string } | { under: readonly string[] } | { finding: Finding };

export interface FixedFile {
  path: string;
  original: string;
  /** the text after every pass */
  text: string;
  /** edits of `original` (sorted, non-overlapping) that give `text` */
  edits: RenderedEdit[];
}

export interface FixAllResult {
  /** the files that changed, in the order they first changed (by path within a pass) */
  files: FixedFile[];
  /** findings the fixes cleared (counted per pass: a pin, then the port it opened, are two) */
  fixed: number;
  /** the fixable findings in scope at the start */
  found: Finding[];
  /** how many of `found` the final texts no longer have */
  cleared: number;
  passes: number;
  /** fixes that did not clear their finding (their edits are kept; they are not tried again) */
  stuck: number;
  /** the titles of the fixes taken, pass after pass */
  titles: string[];
  /** findings in scope left without a fix on purpose and still there at the end, why, and their 1-based line then */
  refused: { finding: Finding; reason: string; line: number }[];
}

/** A finding as it would be found again after an edit elsewhere in its file (offsets move, messages do not). */
export function identity(f: Finding): string {
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

function scopeTest(scope: FixScope): (f: Finding) => boolean {
  if (scope === 'workspace') return () => true;
  if ('path' in scope) return (f) => f.path === scope.path;
  if ('under' in scope) return (f) => isUnder(f.path, scope.under) || (f.fix?.overlays ?? []).some((k) => isUnder(k, scope.under));
  const t = scope.finding;
  return (f) => f === t || (f.code === t.code && f.path === t.path && f.span.start === t.span.start && f.span.end === t.span.end && f.message === t.message);
}

/** Is `path` one of `paths`, or in a folder among them (`''`: the workspace root)? */
export function isUnder(path: string, paths: readonly string[]): boolean {
  return paths.some((p) => p === '' || path === p || path.startsWith(p.endsWith('/') ? p : p + '/'));
}

/** Runs the fix loop in memory; the workspace is left as it was found (also when a pass throws). */
export function fixAll(ws: Workspace, opts: { scope: FixScope; maxPasses?: number }): FixAllResult {
  const inScope = scopeTest(opts.scope);
  const maxPasses = typeof opts.scope === 'object' && 'finding' in opts.scope ? 1 : Math.max(0, opts.maxPasses ?? MAX_PASSES);
  const composers = new Map<string, Composer>();
  const stuck = new Set<string>();
  const yamlFiles = new Map<string, YamlFile>();
  const titles: string[] = [];
  const refused = new Map<string, { finding: Finding; reason: string; line: number }>();
  const found = ws.analyze().findings.filter((f) => f.fix && inScope(f));
  let fixed = 0;
  let passes = 0;
  let cleared = 0;
  try {
    while (passes < maxPasses) {
      const plan = planFixAll(ws, { scope: inScope, skip: (f) => stuck.has(identity(f)), yamlFiles });
      for (const r of plan.refused) {
        const id = identity(r.finding);
        if (!refused.has(id)) refused.set(id, { ...r, line: ws.lineIndex(r.finding.path).positionAt(r.finding.span.start).line + 1 });
      }
      if (plan.edits.length === 0) break;
      passes++;
      // where each finding was, before the edits (a finding's span may belong to a tree the next parse moves)
      const places = plan.fixed.map((f) => ({ f, start: f.span.start }));
      const byPath = new Map<string, RenderedEdit[]>();
      for (const e of plan.edits) {
        const list = byPath.get(e.path);
        if (list) list.push(e);
        else byPath.set(e.path, [e]);
      }
      for (const [p, edits] of byPath) {
        const text = ws.getText(p);
        if (text === undefined) continue;
        let c = composers.get(p);
        if (!c) composers.set(p, (c = new Composer(text)));
        c.apply(edits);
        ws.setFile(p, applyEdits(text, edits));
      }
      titles.push(...plan.titles);
      // a fix worked when its finding is no longer reported at the place it was (offsets moved by the edits)
      const after = new Set(ws.analyze().findings.map((g) => `${g.code}\u0000${g.path}\u0000${g.span.start}`));
      for (const { f, start: at } of places) {
        const place = mapOffset(at, byPath.get(f.path) ?? []);
        if (after.has(`${f.code}\u0000${f.path}\u0000${place}`)) stuck.add(identity(f));
        else fixed++;
      }
    }
    const last = passes > 0 || refused.size > 0 ? ws.analyze().findings : [];
    if (passes > 0) cleared = gone(found, last);
    // a refused finding that a later pass fixed otherwise is not reported
    const left = new Set(last.map(identity));
    for (const id of [...refused.keys()]) if (!left.has(id)) refused.delete(id);
  } finally {
    for (const [p, c] of composers) ws.setFile(p, c.original);
  }
  const files: FixedFile[] = [];
  for (const [path, c] of composers) {
    const text = c.text();
    if (text === c.original) continue;
    files.push({ path, original: c.original, text, edits: c.edits().map((e) => ({ path, span: e.span, newText: e.newText })) });
  }
  return { files, fixed, found, cleared, passes, stuck: stuck.size, titles, refused: [...refused.values()] };
}

/** How many of `before` are not among `after` (by identity, counted with multiplicity). */
function gone(before: readonly Finding[], after: readonly Finding[]): number {
  const left = new Map<string, number>();
  for (const f of after) left.set(identity(f), (left.get(identity(f)) ?? 0) + 1);
  let n = 0;
  for (const f of before) {
    const k = identity(f);
    const m = left.get(k) ?? 0;
    if (m > 0) left.set(k, m - 1);
    else n++;
  }
  return n;
}
