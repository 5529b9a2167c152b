/**
 * One pass of "fix all": the first fix (with edits) of every fixable finding in scope, made to fit together. The
 * fix loop (loop.ts) runs passes of it until nothing is left to fix.
 */
import type { Finding } from '../findings/finding';
import type { YamlFile } from '../parse/yaml';
import { spanWithin, type Span } from '../text/span';
import type { Workspace } from '../workspace';
import { FixContext } from './context';
import { fits, overlaps, renderPlanned, type PlannedEdit, type RenderedEdit } from './edits';
import { plannedFixes } from './planned';
import { acceptable } from './readings';

export interface FixAllPlan {
  /** every edit, sorted by path and offset; non-overlapping within a file */
  edits: RenderedEdit[];
  /** the findings these edits fix */
  fixed: Finding[];
  /** the title of the fix taken for each of `fixed` (same order) */
  titles: string[];
  /** findings in scope left without a fix on purpose, and why (a fix into YAML an anchor shares, a rule the user wrote to remove) */
  refused: { finding: Finding; reason: string }[];
}

export interface PlanOptions {
  /** which findings to fix (default: every one) */
  scope?: (f: Finding) => boolean;
  /** only the findings of these files (default: every file) */
  paths?: readonly string[];
  /** findings left out (the loop skips those a previous pass could not clear) */
  skip?: (f: Finding) => boolean;
  /** the YAML parsers of the checks of earlier passes */
  yamlFiles?: Map<string, YamlFile>;
}

/** Why `check --fix` leaves a port that a rule the user wrote drops or rejects. */
export const MANUAL_REFUSAL = 'a rule you wrote drops or rejects the port (named in the finding); fixes only add, so it is left for you to remove';

/**
 * The first fix (with edits) of every fixable finding in scope (default: the whole workspace), made to fit
 * together: node ports and names are handed out once; additions to the same place are merged; a fix that would
 * collide with one already taken is left for the next pass. Of Services that share a node port, when all of
 * them are in scope, the first (by file and position) keeps it. A reachability fix for a port whose number
 * another fix changes in the same plan waits for the next pass (it would open the old number).
 */
export function planFixAll(ws: Workspace, opts: PlanOptions = {}): FixAllPlan {
  const ctx = new FixContext(ws, opts.yamlFiles);
  // Fast path: take every fix that fits and check each touched file once. Only when the files would then read
  // worse than before, go fix by fix (each checked against its file), which costs a parse per fix.
  return choose(ctx, opts, false) ?? choose(ctx, opts, true)!;
}

function choose(ctx: FixContext, opts: PlanOptions, checkEach: boolean): FixAllPlan | undefined {
  const ws = ctx.ws;
  const inScope = (f: Finding) => (!opts.paths || opts.paths.includes(f.path)) && (!opts.scope || opts.scope(f));
  const all = ctx.analysis.findings.filter((f) => f.fix);
  const candidates = all.filter((f) => inScope(f) && !opts.skip?.(f));
  const keep = conflictKeepers(ws, all, inScope);
  const later = (f: Finding) => f.fix?.kind === 'open-port';
  // replacements first (a misspelt key or value corrected keeps what the user wrote: `nodeport: 30080` renamed
  // pins the port, where pinning it would add a second, different nodePort), open-port fixes last
  const replaces = (f: Finding) => f.fix?.kind === 'replace';
  const ordered = [...candidates.filter(replaces), ...candidates.filter((f) => !replaces(f) && !later(f)), ...candidates.filter(later)];

  const accepted: PlannedEdit[] = [];
  const fixed: Finding[] = [];
  const titles: string[] = [];
  /** keys renamed in this plan to a node-port key: a pin of the same port item waits for the next pass */
  const renamedNodePorts: { path: string; span: Span }[] = [];
  for (const f of ordered) {
    if (keep.has(f)) continue;
    if (later(f)) {
      const anchor = f.fix?.kind === 'open-port' ? f.fix.anchor : undefined;
      if (anchor && accepted.some((a) => a.path === f.path && !a.merge && overlaps(a.span, anchor))) continue;
    }
    const reach = f.fix;
    if (reach?.kind === 'pin-node-port' && renamedNodePorts.some((r) => r.path === f.path && sameOwner(ctx, f.path, r.span, reach.anchor))) continue;
    // fixes only add: an action that removes a rule the user wrote is for the editor, never taken here
    const planned = plannedFixes(ctx, f, true);
    const first = planned.find((x) => x.plans.length > 0 && !x.manual);
    if (!first && planned.some((x) => x.manual)) ctx.refused.set(f, MANUAL_REFUSAL);
    if (!first || !fits(accepted, first.plans)) continue;
    if (checkEach) {
      const touched = [...new Set(first.plans.map((p) => p.path))];
      const together = renderPlanned([...accepted, ...first.plans]).filter((e) => touched.includes(e.path));
      if (!acceptable(ctx, together, touched)) continue;
    }
    for (const p of first.plans) accepted.push(p);
    fixed.push(f);
    titles.push(first.title);
    const replace = f.fix?.kind === 'replace' ? f.fix : undefined;
    if (replace && NODE_PORT_KEYS.has(replace.text)) renamedNodePorts.push({ path: f.path, span: replace.span });
  }
  const edits = renderPlanned(accepted).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.span.start - b.span.start || a.span.end - b.span.end));
  if (!checkEach && edits.length > 0 && !acceptable(ctx, edits, edits.map((e) => e.path))) return undefined;
  const done = new Set(fixed);
  const refused = [...ctx.refused].filter(([f]) => !done.has(f) && inScope(f)).map(([finding, reason]) => ({ finding, reason }));
  return { edits, fixed, titles, refused };
}

const NODE_PORT_KEYS = new Set(['nodePort', 'healthCheckNodePort']);

/**
 * The two places are in the same `ports[]` item of a Service (or, outside the ports, in the same Service): a
 * key renamed there may pin the port that the other finding would pin.
 */
function sameOwner(ctx: FixContext, path: string, a: Span, b: Span): boolean {
  for (const sa of ctx.analysis.services) {
    const svc = sa.service;
    if (svc.path !== path || !spanWithin(a, svc.object.span) || !spanWithin(b, svc.object.span)) continue;
    const item = svc.ports.find((p) => spanWithin(b, p.node.span));
    return item ? spanWithin(a, item.node.span) : true;
  }
  return false;
}

/**
 * Of the Services that share a node port, which finding keeps the number: when every use is in scope, the
 * first one (by path, then position); when some use is outside the scope, none (the ones in scope move).
 */
function conflictKeepers(ws: Workspace, all: readonly Finding[], inScope: (f: Finding) => boolean): Set<Finding> {
  const byNumber = new Map<string, Finding[]>();
  for (const f of all) {
    if (f.code !== 'nodeport-conflict') continue;
    const n = (ws.getText(f.path) ?? '').slice(f.span.start, f.span.end).trim();
    byNumber.set(n, [...(byNumber.get(n) ?? []), f]);
  }
  const keep = new Set<Finding>();
  for (const uses of byNumber.values()) {
    if (!uses.every(inScope)) continue;
    const first = [...uses].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.span.start - b.span.start))[0];
    keep.add(first);
  }
  return keep;
}
