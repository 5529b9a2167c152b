/**
 * The fixes of one finding, planned (edits not yet rendered): its fix hint (a `FixHint`, findings/fix-hint.ts)
 * handed, by kind, to the module that knows the file it edits — manifest.ts, firewalld.ts, netfilter.ts, oci.ts.
 */
import type { Finding } from '../findings/finding';
import type { ReachHint } from '../findings/fix-hint';
import { isAllowed } from '../checks/reachability';
import type { Requirement } from '../exposure/requirements';
import type { FixContext } from './context';
import { firewalldFixes } from './firewalld';
import { commandFixes, commandZone } from './firewall-commands';
import { pinUnpinned, pinValueFix, portNameFix, replaceFix, type PinPick } from './manifest';
import { builtPortNameFix, noted, pinBuilt } from './overlay';
import { listFixes } from './oci';
import { netfilterFixes } from './netfilter';
import type { PlannedFix } from './plan';
import { SHARED_REFUSAL } from './shared';

/**
 * A manifest's fixes without those that would edit YAML an anchor shares with an alias (shared.ts); the finding
 * is then noted as refused. (A node port or a name taken for a dropped fix stays taken: harmless.)
 */
function unshared(ctx: FixContext, finding: Finding, fixes: PlannedFix[]): PlannedFix[] {
  const kept = fixes.filter((f) => !f.plans.some((p) => ctx.editsShared(p.path, p.span)));
  if (kept.length < fixes.length && !kept.some((f) => f.plans.length > 0)) ctx.refused.set(finding, SHARED_REFUSAL);
  return kept;
}

/** Every fix of a finding (`firstOnly`: stop after the first that edits, so no number is taken in vain). */
export function plannedFixes(ctx: FixContext, finding: Finding, firstOnly: boolean): PlannedFix[] {
  const hint = finding.fix;
  if (!hint) return [];
  switch (hint.kind) {
    case 'replace':
      return unshared(ctx, finding, built(ctx, hint.overlays, replaceFix(ctx, finding, hint)));
    case 'add-port-name':
      return unshared(ctx, finding, hint.overlays ? builtPortNameFix(ctx, finding, hint) : portNameFix(ctx, finding, hint));
    case 'pin-node-port-value':
      return unshared(ctx, finding, built(ctx, hint.overlays, pinValueFix(ctx, finding, hint)));
    case 'pin-node-port':
      return unpinnedFixes(ctx, finding, hint, firstOnly);
    case 'open-port':
      return openFixes(ctx, finding, hint, { preferred: true, copy: !firstOnly });
    default: {
      const never: never = hint;
      return never;
    }
  }
}

/** A fix of a built Service's finding (the edit is where the value is written) says which overlays it changes. */
function built(ctx: FixContext, overlays: readonly string[] | undefined, fixes: PlannedFix[]): PlannedFix[] {
  return overlays ? noted(ctx, overlays, fixes) : fixes;
}

/** The pin of an unpinned port: in the Service's file, or for a built Service where its type is set (overlay.ts). */
function pinOf(ctx: FixContext, finding: Finding, h: ReachHint, pick: PinPick = {}): { fix: PlannedFix; port: number } | undefined {
  return h.overlays ? pinBuilt(ctx, finding, h, pick) : pinUnpinned(ctx, finding, h, pick);
}

/**
 * An unpinned port that some layer does not allow on its whole range: every fix offered clears the finding in one
 * step. First choice, pin to a free port that every such layer already allows; else pin to the lowest free port
 * and open exactly that port where it is missing (one action); then, as another choice, open the whole range.
 */
function unpinnedFixes(ctx: FixContext, finding: Finding, h: ReachHint, firstOnly: boolean): PlannedFix[] {
  const opens = (port: number) => h.missing.every((m) => {
    const req: Requirement = { ...m, protocol: h.protocol, port, portKind: h.portKind, managedBy: 'user', servicePortIndex: h.servicePortIndex, anchor: h.anchor };
    return isAllowed(ctx.analysis.layers, req, ctx.analysis.config)?.allowed !== false;
  });
  const preferred = pinOf(ctx, finding, h, { accept: opens, why: 'a free port the rules already allow' });
  let first = unshared(ctx, finding, preferred ? [preferred.fix] : []);
  if (first.length === 0) {
    const pin = pinOf(ctx, finding, h);
    const open = pin && unshared(ctx, finding, [pin.fix]).length
      ? openFixes(ctx, finding, { ...h, kind: 'open-port', port: pin.port }, { preferred: false, copy: false }).filter((f) => f.plans.length && !f.manual)
      : [];
    if (pin && open.length) first = [{ title: `${pin.fix.title}, and ${lowerFirst(open[0].title)}`, finding, isPreferred: true, plans: [...pin.fix.plans, ...open[0].plans] }];
  }
  if (firstOnly && first.length) return first;
  return [...first, ...openFixes(ctx, finding, h, { preferred: first.length === 0, copy: !firstOnly })];
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Rules that open the port (or, unpinned, the whole node-port range) in each layer that lacks them. */
function openFixes(ctx: FixContext, finding: Finding, h: ReachHint, opts: { preferred: boolean; copy: boolean }): PlannedFix[] {
  // a zone that firewall commands set is fixed with a command in their file, a zone file's zone in the file
  const byCommands = h.missing.filter((m) => m.layer === 'firewalld').map((m) => ({ m, zone: commandZone(ctx, m) }));
  const cmds = byCommands.filter((x): x is { m: typeof x.m; zone: NonNullable<typeof x.zone> } => !!x.zone);
  const fw = byCommands.filter((x) => !x.zone).map((x) => x.m);
  const nf = h.missing.filter((m) => m.layer === 'node-firewall');
  const lists = h.missing.filter((m) => m.layer === 'worker-lists' || m.layer === 'lb-lists');
  const edits: PlannedFix[] = [];
  const copies: PlannedFix[] = [];
  for (const fix of [
    ...(cmds.length ? commandFixes(ctx, finding, h, cmds, opts) : []),
    ...(fw.length ? firewalldFixes(ctx, finding, h, fw, opts) : []),
    ...(nf.length ? netfilterFixes(ctx, finding, h, nf, opts) : []),
    ...(lists.length ? listFixes(ctx, finding, { ...h, targets: h.targets.filter((t) => t.kind === 'oci-security-list' || t.kind === 'oci-nsg') }, lists, opts) : []),
  ]) (fix.plans.length ? edits : copies).push(fix);
  // one finding may need rules in two layers (an unpinned port): one action that opens both comes first
  if (edits.length > 1) {
    const manual = edits.some((e) => e.manual) || undefined;
    edits.unshift({ title: edits.map((e) => e.title).join('; '), finding, isPreferred: (opts.preferred && !manual) || undefined, manual, plans: edits.flatMap((e) => e.plans) });
    for (const e of edits.slice(1)) delete e.isPreferred;
  }
  return [...edits, ...copies];
}
