/**
 * Quick fixes (docs/rules.md names each code's), as pure functions of the workspace: a finding in, the edits that
 * fix it out (offsets in the files' current texts), plus commands to copy that are shown, never run.
 *
 * Every fix changes only what it must, in the file's own indentation, newline, key style and quoting, and is
 * checked before it is offered: a fix whose result its reader would read with more problems than before is
 * dropped. Fixes edit from what the workspace read (readings.ts); they never parse a file's text again.
 *
 * "Fix all" is one loop (loop.ts): `check --fix`, the language server's "fix all in this file" and the
 * exposure view's fix button all run `fixAll`, with the whole workspace, one file or one finding as scope.
 */
import type { Finding } from '../findings/finding';
import type { Workspace } from '../workspace';
import type { Span } from '../text/span';
import { FixContext } from './context';
import { applyEdits as apply, renderPlanned, type RenderedEdit } from './edits';
import { fixAll, type FixAllResult } from './loop';
import type { PlannedFix } from './plan';
import { plannedFixes } from './planned';
import { acceptable } from './readings';

export { fixAll, isUnder, MAX_PASSES, type FixAllResult, type FixedFile, type FixScope } from './loop';
export { planFixAll, type FixAllPlan, type PlanOptions } from './plan-all';

export interface TextEdit { path: string; span: Span; newText: string } // span = offsets in the file's current text

export interface FixAction {
  title: string;
  finding: Finding;
  isPreferred?: boolean;
  edits: TextEdit[]; // may be empty for a copy-only action
  copyText?: string; // a command for the user to copy (firewall-cmd / oci): shown or copied, NEVER run
}

/** The fixes of one finding (each alone, for the lightbulb); the first is the preferred one. Empty when none. */
export function fixesFor(ws: Workspace, finding: Finding): FixAction[] {
  const ctx = new FixContext(ws);
  const out: FixAction[] = [];
  /** actions that remove a rule the user wrote: offered, never preferred */
  const manual = new Set<FixAction>();
  for (const fix of plannedFixes(ctx, finding, false)) {
    if (fix.plans.length === 0) {
      if (fix.copyText) out.push(toAction(fix, []));
      continue;
    }
    const edits = renderPlanned(fix.plans);
    if (!acceptable(ctx, edits, edits.map((e) => e.path))) continue;
    const action = toAction(fix, edits);
    if (fix.manual) manual.add(action);
    out.push(action);
  }
  // a copy-only action never comes first: the first action is the one that edits (and only adds)
  const first = out.findIndex((a) => a.edits.length > 0 && !manual.has(a));
  if (first > 0) out.unshift(...out.splice(first, 1));
  out.forEach((a, i) => { if (i === 0 && a.edits.length > 0 && !manual.has(a)) a.isPreferred = true; else delete a.isPreferred; });
  return out;
}

/**
 * "Fix all in this file": the fix loop over the findings located in `path`, every pass (its edits may reach
 * other files: a zone, a security list). One action, or undefined when there is nothing to fix.
 */
export function fixAllInFile(ws: Workspace, path: string): FixAction | undefined {
  const r = fixAll(ws, { scope: { path } });
  const edits = editsOf(r);
  if (edits.length === 0) return undefined;
  const n = r.cleared > 0 ? r.cleared : r.titles.length;
  // the label names every other file the fix-all writes: nothing is changed that the user was not told of
  const others = [...new Set(edits.map((e) => e.path))].filter((p) => p !== path);
  return {
    title: `Fix all ${n} auto-fixable problem${n === 1 ? '' : 's'} in ${path}${others.length ? ` (also edits ${others.join(', ')})` : ''}`,
    finding: r.found[0],
    edits,
  };
}

/** The fix of one finding as the fix loop takes it (the exposure view's button): its edits, or undefined. */
export function fixFinding(ws: Workspace, finding: Finding): FixAction | undefined {
  const r = fixAll(ws, { scope: { finding } });
  const edits = editsOf(r);
  if (edits.length === 0) return undefined;
  return { title: r.titles[0] ?? finding.message, finding, edits };
}

/** Applies non-overlapping edits to a text (see edits.ts for the rules on order and overlap). */
export function applyEdits(text: string, edits: readonly { span: Span; newText: string }[]): string {
  return apply(text, edits);
}

function editsOf(r: FixAllResult): TextEdit[] {
  return r.files.flatMap((f) => f.edits);
}

function toAction(fix: PlannedFix, edits: RenderedEdit[]): FixAction {
  const a: FixAction = { title: fix.title, finding: fix.finding, edits: edits.map((e) => ({ path: e.path, span: e.span, newText: e.newText })) };
  if (fix.isPreferred) a.isPreferred = true;
  if (fix.copyText !== undefined) a.copyText = fix.copyText;
  return a;
}
