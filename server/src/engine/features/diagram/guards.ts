/**
 * The guards of a hop into the load balancer or the nodes: the requirement statuses of the hop (from
 * `features/status.ts`) grouped by layer, each with how it fares, the sources checked, and the findings the
 * reachability check made about it. Which finding belongs to a blocked requirement is read from the finding
 * (its place and the requirements its fix hint says are missing), never worked out again here: the code a
 * closed port gets is decided by the check alone.
 */
import { countText, listText, MAX_LISTED, rangesText, type Finding } from '../../findings/finding';
import type { Missing } from '../../findings/fix-hint';
import type { Span } from '../../text/span';
import { fromText, type Layer, type Requirement } from '../../exposure/requirements';
import type { CheckedSource, RequirementStatus } from '../status';
import { findingKey, type DiagramGuard, type HopStatus } from './model';

const LAYER_TITLES: Record<Layer, string> = {
  firewalld: 'node firewalld zone',
  'node-firewall': 'node iptables / nftables rules',
  'worker-lists': 'worker security lists and NSGs',
  'lb-lists': 'load-balancer subnet lists',
};

const LAYER_ORDER: Layer[] = ['firewalld', 'node-firewall', 'worker-lists', 'lb-lists'];

/** The requirements a finding's fix hint names as missing (a reachability hint names every one of its group). */
function missingOf(f: Finding): readonly Missing[] {
  return f.fix?.kind === 'open-port' || f.fix?.kind === 'pin-node-port' ? f.fix.missing : [];
}

/** The findings about a requirement that is not allowed: at its anchor, naming its layer and traffic as missing. */
export function findingsAbout(own: readonly Finding[], req: Requirement): Finding[] {
  return own.filter((f) => f.span.start === req.anchor.start
    && missingOf(f).some((m) => m.layer === req.layer && m.traffic === req.traffic));
}

/**
 * The guards of one hop (the statuses of one traffic and service port), one per layer in the order firewalld,
 * worker lists, load-balancer lists. An unknown list layer is left out outside OCI (it means nothing there);
 * the host firewall is everyone's concern.
 */
export function guardsOf(group: readonly RequirementStatus[], provider: 'oci' | 'generic', own: readonly Finding[]): DiagramGuard[] {
  const guards: DiagramGuard[] = [];
  for (const layer of LAYER_ORDER) {
    const rs = group.filter((s) => s.requirement.layer === layer);
    if (rs.length === 0) continue;
    const known = rs[0].known;
    const managedBy = rs[0].requirement.managedBy;
    let status: HopStatus;
    if (managedBy === 'oci-cloud-controller') status = 'managed-by-cloud-controller';
    else if (!known) status = 'unknown';
    else if (rs.some((s) => s.allowed === false)) status = 'blocked';
    // allowed only through rules that could not be evaluated: unknown, never allowed
    else status = rs.some((s) => s.applies && s.unevaluated.length > 0) ? 'unknown' : 'allowed';
    if (!known && status === 'unknown' && layer !== 'firewalld' && provider !== 'oci') continue;
    if (status === 'unknown' && !known && layer === 'node-firewall') continue; // (no iptables or nftables files: nothing to say)
    const sources: CheckedSource[] = [];
    for (const s of rs) {
      for (const c of s.checked) {
        if (!sources.some((x) => x.path === c.path && x.label === c.label && x.span.start === c.span.start)) {
          sources.push({ kind: c.kind, label: c.label, path: c.path, span: { start: c.span.start, end: c.span.end } });
        }
      }
    }
    const blocked = new Set<string>(); // a set: a hop may carry 100,000 source ranges
    const keys: string[] = [];
    if (status === 'blocked') {
      for (const s of rs) {
        if (s.allowed !== false || !s.applies) continue;
        blocked.add(fromText(s.requirement.from));
        for (const f of findingsAbout(own, s.requirement)) {
          const key = findingKey(f);
          if (!keys.includes(key)) keys.push(key);
        }
      }
    }
    const unevaluated: string[] = [];
    if (status === 'unknown') {
      for (const s of rs) for (const u of s.unevaluated) for (const r of u.reasons) if (!unevaluated.includes(r) && unevaluated.length < MAX_LISTED) unevaluated.push(r);
    }
    guards.push({ layer, title: LAYER_TITLES[layer], status, managedBy, sources, blockedFrom: [...blocked], unevaluated, findings: keys });
  }
  return guards;
}

/**
 * A hop is blocked when one of its guards is; else unknown when one lets it in only through rules that could not
 * be evaluated; else allowed when one lets it in.
 */
export function hopStatus(guards: readonly DiagramGuard[]): HopStatus {
  if (guards.some((g) => g.status === 'blocked')) return 'blocked';
  if (guards.some((g) => g.unevaluated.length > 0)) return 'unknown';
  if (guards.some((g) => g.status === 'allowed')) return 'allowed';
  if (guards.some((g) => g.status === 'managed-by-cloud-controller')) return 'managed-by-cloud-controller';
  return 'unknown';
}

export function hopReason(guards: readonly DiagramGuard[]): string | null {
  if (!guards.some((g) => g.status === 'blocked')) {
    const reasons = guards.flatMap((g) => g.unevaluated);
    if (reasons.length) return `a rule it rests on could not be evaluated: ${listText([...new Set(reasons)])}`;
  }
  if (guards.length === 0 || guards.every((g) => g.status === 'unknown')) return 'no rule source for this hop in the workspace';
  return null;
}

/** A box's `from …` lines: one per range up to MAX_LISTED, then the first ones and a count (the facts keep them all). */
export function fromLines(cidrs: readonly string[]): string[] {
  if (cidrs.length <= MAX_LISTED) return cidrs.map((c) => `from ${c}`);
  const shown = cidrs.slice(0, MAX_LISTED - 1).map((c) => `from ${c}`);
  return [...shown, `… ${countText(cidrs.length - shown.length)} more (${countText(cidrs.length)} ranges)`];
}

/** `from any source`, `from the LB subnet 10.0.20.0/24`: where the traffic of a hop comes from. */
export function fromsText(group: readonly RequirementStatus[], lbSubnet: boolean): string {
  const list = new Set<string>();
  for (const s of group) list.add(fromText(s.requirement.from));
  const text = list.size ? rangesText([...list]) : '?';
  if (!lbSubnet) return `from ${text}`;
  return group.every((s) => s.requirement.from.kind === 'any') ? 'from the LB subnet (any source)' : `from the LB subnet ${text}`;
}

/** Findings about a node port (conflict, out of range) sit on its nodePort value: they belong to the hops into the nodes. */
export function nodePortFindings(own: readonly Finding[], anchor: Span): string[] {
  return own.filter((f) => (f.code === 'nodeport-conflict' || f.code === 'nodeport-out-of-range') && f.span.start === anchor.start).map(findingKey);
}
