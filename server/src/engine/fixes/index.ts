/**
 * Quick fixes, as pure functions of the workspace: a finding in, the edits that fix it out (offsets
 * in the files' current texts), plus commands to copy that are shown, never run. The CLI (`check --fix`) and
 * the language server both build on these.
 *
 * Every fix changes only what it must, in the file's own indentation, newline, key style and quoting, and is
 * checked before it is offered: a fix whose result its parser would read with more problems than before is
 * dropped.
 */
import type { Finding } from '../findings/finding';
import type { Workspace } from '../workspace';
import { spanWithin, type Span } from '../text/span';
import { parseXml } from '../parse/xml';
import { parseJson } from '../parse/json';
import { parseHcl } from '../parse/hcl';
import { extName } from '../util/paths';
import { FixContext } from './context';
import { applyEdits as apply, fits, overlaps, renderPlanned, type PlannedEdit, type RenderedEdit } from './edits';
import { firewalldFixes } from './firewalld';
import { pinValueHint, portNameHint, reachHint, replaceHint, type ReachHint } from './hints';
import { pinUnpinnedFix, pinValueFix, portNameFix, replaceFix } from './manifest';
import { listFixes } from './oci';
import type { PlannedFix } from './plan';

export interface TextEdit { path: string; span: Span; newText: string } // span = offsets in the file's current text

export interface FixAction {
  title: string;
  finding: Finding;
  isPreferred?: boolean;
  edits: TextEdit[]; // may be empty for a copy-only action
  copyText?: string; // a command for the user to copy (firewall-cmd / oci): shown or copied, NEVER run
}

/** The fixes of one finding; the first is the preferred one. Empty when the finding has none. */
export function fixesFor(ws: Workspace, finding: Finding): FixAction[] {
  const ctx = new FixContext(ws);
  const out: FixAction[] = [];
  for (const fix of plannedFixes(ctx, finding, false)) {
    if (fix.plans.length === 0) {
      if (fix.copyText) out.push(toAction(fix, []));
      continue;
    }
    const edits = renderPlanned(fix.plans);
    if (!acceptable(ctx, edits, edits.map((e) => e.path))) continue;
    out.push(toAction(fix, edits));
  }
  // a copy-only action never comes first: the first action is the one that edits
  const first = out.findIndex((a) => a.edits.length > 0);
  if (first > 0) out.unshift(...out.splice(first, 1));
  out.forEach((a, i) => { if (i === 0 && a.edits.length > 0) a.isPreferred = true; else delete a.isPreferred; });
  return out;
}

/** One action whose edits fix every fixable finding of the file (as far as they fit together), or undefined. */
export function fixAllInFile(ws: Workspace, path: string): FixAction | undefined {
  const plan = planFixAll(ws, { paths: [path] });
  if (plan.fixed.length === 0) return undefined;
  const n = plan.fixed.length;
  return {
    title: `Fix all ${n} auto-fixable problem${n === 1 ? '' : 's'} in ${path}`,
    finding: plan.fixed[0],
    edits: plan.edits,
  };
}

/** Applies non-overlapping edits to a text (see edits.ts for the rules on order and overlap). */
export function applyEdits(text: string, edits: readonly { span: Span; newText: string }[]): string {
  return apply(text, edits);
}

export interface FixAllPlan {
  /** every edit, sorted by path and offset; non-overlapping within a file */
  edits: TextEdit[];
  /** the findings these edits fix */
  fixed: Finding[];
}

/**
 * The first fix (with edits) of every fixable finding in `paths` (default: the whole workspace), made to fit
 * together: node ports and names are handed out once; additions to the same place are merged; a fix that
 * would collide with one already taken is left for the next pass. Of Services that share a node port, when all
 * of them are in scope, the first (by file and position) keeps it. A reachability fix for a port whose number
 * another fix changes in the same plan waits for the next pass (it would open the old number). `skip` leaves
 * findings out (the CLI skips those a previous pass could not clear).
 */
export function planFixAll(ws: Workspace, opts: { paths?: readonly string[]; skip?: (f: Finding) => boolean } = {}): FixAllPlan {
  const ctx = new FixContext(ws);
  // Fast path: take every fix that fits and check each touched file once. Only when the files would then read
  // worse than before, go fix by fix (each checked against its file), which costs a parse per fix.
  return choose(ctx, opts, false) ?? choose(ctx, opts, true)!;
}

function choose(ctx: FixContext, opts: { paths?: readonly string[]; skip?: (f: Finding) => boolean }, checkEach: boolean): FixAllPlan | undefined {
  const ws = ctx.ws;
  const inScope = (p: string) => !opts.paths || opts.paths.includes(p);
  const all = ctx.analysis.findings.filter((f) => f.fix);
  const candidates = all.filter((f) => inScope(f.path) && !opts.skip?.(f));
  const keep = conflictKeepers(ws, all, inScope);
  const later = (f: Finding) => f.fix?.kind === 'open-port';
  // replacements first (a misspelt key or value corrected keeps what the user wrote: `nodeport: 30080` renamed
  // pins the port, where pinning it would add a second, different nodePort), open-port fixes last
  const replaces = (f: Finding) => !!replaceHint(f);
  const ordered = [...candidates.filter(replaces), ...candidates.filter((f) => !replaces(f) && !later(f)), ...candidates.filter(later)];

  const accepted: PlannedEdit[] = [];
  const fixed: Finding[] = [];
  /** keys renamed in this plan to a node-port key: a pin of the same port item waits for the next pass */
  const renamedNodePorts: { path: string; span: Span }[] = [];
  for (const f of ordered) {
    if (keep.has(f)) continue;
    if (later(f)) {
      const anchor = reachHint(f)?.anchor;
      if (anchor && accepted.some((a) => a.path === f.path && !a.merge && overlaps(a.span, anchor))) continue;
    }
    const reach = reachHint(f);
    if (reach?.kind === 'pin-node-port' && renamedNodePorts.some((r) => r.path === f.path && sameOwner(ctx, f.path, r.span, reach.anchor))) continue;
    const first = plannedFixes(ctx, f, true).find((x) => x.plans.length > 0);
    if (!first || !fits(accepted, first.plans)) continue;
    if (checkEach) {
      const touched = [...new Set(first.plans.map((p) => p.path))];
      const together = renderPlanned([...accepted, ...first.plans]).filter((e) => touched.includes(e.path));
      if (!acceptable(ctx, together, touched)) continue;
    }
    for (const p of first.plans) accepted.push(p);
    fixed.push(f);
    const replace = replaceHint(f);
    if (replace && NODE_PORT_KEYS.has(replace.text)) renamedNodePorts.push({ path: f.path, span: replace.span });
  }
  const edits = renderPlanned(accepted).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.span.start - b.span.start || a.span.end - b.span.end));
  if (!checkEach && edits.length > 0 && !acceptable(ctx, edits, edits.map((e) => e.path))) return undefined;
  return { edits, fixed };
}

// ------------------------------------------------------------------------------------------- internals

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

function toAction(fix: PlannedFix, edits: RenderedEdit[]): FixAction {
  const a: FixAction = { title: fix.title, finding: fix.finding, edits: edits.map((e) => ({ path: e.path, span: e.span, newText: e.newText })) };
  if (fix.isPreferred) a.isPreferred = true;
  if (fix.copyText !== undefined) a.copyText = fix.copyText;
  return a;
}

/** Every fix of a finding (`firstOnly`: stop after the first that edits, so no number is taken in vain). */
function plannedFixes(ctx: FixContext, finding: Finding, firstOnly: boolean): PlannedFix[] {
  const replace = replaceHint(finding);
  if (replace) return replaceFix(ctx, finding, replace);
  const name = portNameHint(finding);
  if (name) return portNameFix(ctx, finding, name);
  const pin = pinValueHint(finding);
  if (pin) return pinValueFix(ctx, finding, pin);
  const reach = reachHint(finding);
  if (!reach) return [];
  if (reach.kind === 'pin-node-port') {
    const pinned = pinUnpinnedFix(ctx, finding, reach);
    if (firstOnly && pinned.length) return pinned;
    return [...pinned, ...openFixes(ctx, finding, reach, { preferred: pinned.length === 0, copy: !firstOnly })];
  }
  return openFixes(ctx, finding, reach, { preferred: true, copy: !firstOnly });
}

/** Rules that open the port (or, unpinned, the whole node-port range) in each layer that lacks them. */
function openFixes(ctx: FixContext, finding: Finding, h: ReachHint, opts: { preferred: boolean; copy: boolean }): PlannedFix[] {
  const fw = h.missing.filter((m) => m.layer === 'firewalld');
  const lists = h.missing.filter((m) => m.layer !== 'firewalld');
  const edits: PlannedFix[] = [];
  const copies: PlannedFix[] = [];
  for (const fix of [
    ...(fw.length ? firewalldFixes(ctx, finding, h, fw, opts) : []),
    ...(lists.length ? listFixes(ctx, finding, { ...h, targets: h.targets.filter((t) => t.kind !== 'firewalld-zone') }, lists, opts) : []),
  ]) (fix.plans.length ? edits : copies).push(fix);
  // one finding may need rules in two layers (an unpinned port): one action that opens both comes first
  if (edits.length > 1) {
    edits.unshift({ title: edits.map((e) => e.title).join('; '), finding, isPreferred: opts.preferred || undefined, plans: edits.flatMap((e) => e.plans) });
    for (const e of edits.slice(1)) delete e.isPreferred;
  }
  return [...edits, ...copies];
}

/**
 * Of the Services that share a node port, which finding keeps the number: when every use is in scope, the
 * first one (by path, then position); when some use is outside the scope, none (the ones in scope move).
 */
function conflictKeepers(ws: Workspace, all: readonly Finding[], inScope: (p: string) => boolean): Set<Finding> {
  const byNumber = new Map<string, Finding[]>();
  for (const f of all) {
    if (f.code !== 'nodeport-conflict') continue;
    const n = (ws.getText(f.path) ?? '').slice(f.span.start, f.span.end).trim();
    byNumber.set(n, [...(byNumber.get(n) ?? []), f]);
  }
  const keep = new Set<Finding>();
  for (const uses of byNumber.values()) {
    if (!uses.every((u) => inScope(u.path))) continue;
    const first = [...uses].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.span.start - b.span.start))[0];
    keep.add(first);
  }
  return keep;
}

/** Problems a file's own parser reports, counted the same way before and after an edit. */
function problemCount(ctx: FixContext, path: string, text: string): number {
  switch (extName(path)) {
    case '.xml': return parseXml(text).problems.length;
    case '.json': return parseJson(text).problems.length;
    case '.tf': return parseHcl(text).problems.length;
    // what parseYaml reads, document by document (YamlFile): only the documents the edit touched are parsed again
    case '.yaml': case '.yml': return ctx.yamlFile(path).parse(text, { template: false }).problems.length;
    default: return 0;
  }
}

/** Do the edits apply cleanly, and leave every touched file with no more parse problems than it had? */
function acceptable(ctx: FixContext, edits: readonly RenderedEdit[], paths: readonly string[]): boolean {
  for (const path of new Set(paths)) {
    const text = ctx.ws.getText(path);
    if (text === undefined) return false;
    let after: string;
    try {
      after = apply(text, edits.filter((e) => e.path === path));
    } catch {
      return false;
    }
    if (after === text) return false;
    if (ctx.problemsBefore(path, () => problemCount(ctx, path, text)) < problemCount(ctx, path, after)) return false;
  }
  return true;
}
