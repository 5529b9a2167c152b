/**
 * The node packet-filter layer (iptables-save files, nftables rulesets): each file is a rule source, and traffic
 * must pass every one that filters its address family (an IPv4 source is not judged by `rules.v6`). A port range
 * (an unpinned node port) is cut where some rule's ports begin or end and judged segment by segment.
 */
import { AddressSet } from '../net/cidr';
import type { PortRange } from '../sources/model';
import type { GuardSource } from './matcher';
import { evaluateRuleset, isPortDeny, portSegments, rulesetFamilies, type NfDeny } from './netfilter';
import { fromCidr, type From, type Requirement } from './requirements';
import type { NfRuleset } from '../sources/netfilter-model';

export interface NodeFirewallLayer {
  /** one per iptables-save file or nftables ruleset (each with `netfilter`) */
  sources: GuardSource[];
}

/** The rule (or policy) of one source that blocks a requirement on one port. */
export interface NodeFirewallBlock {
  source: GuardSource;
  ruleset: NfRuleset;
  deny: NfDeny;
  port: number;
  /** written for this port (its ports listed): the user's own deny, which no fix removes */
  ownDeny: boolean;
}

export interface NodeFirewallAnswer {
  allowed: boolean;
  checked: GuardSource[];
  /** what blocks it (first failing segment), when not allowed */
  blocks: NodeFirewallBlock[];
  /** some traffic was decided by rules that cannot be evaluated (counted as allowed) */
  reasons: string[];
}

function rulesetOf(s: GuardSource): NfRuleset {
  return s.netfilter!;
}

/** The sources that judge traffic from `from`, and the addresses it starts as. */
function startOf(layer: NodeFirewallLayer, from: From): { sources: GuardSource[]; start: AddressSet; key: string; strict: boolean } | undefined {
  if (from.kind === 'cidr') {
    const c = fromCidr(from);
    if (!c) return undefined;
    return { sources: layer.sources.filter((s) => rulesetFamilies(rulesetOf(s)).includes(c.family)), start: AddressSet.of(c), key: c.text, strict: true };
  }
  // any source will do: the family the files filter (IPv4 when any does)
  const fam: 4 | 6 = layer.sources.some((s) => rulesetFamilies(rulesetOf(s)).includes(4)) ? 4 : 6;
  return { sources: layer.sources.filter((s) => rulesetFamilies(rulesetOf(s)).includes(fam)), start: AddressSet.family(fam), key: `any${fam}`, strict: false };
}

/** Is one port open from `from` through every source? */
function judgePort(layer: NodeFirewallLayer, req: Requirement, port: number): { ok: boolean; checked: GuardSource[]; blocks: NodeFirewallBlock[]; reasons: string[] } {
  const s = startOf(layer, req.from);
  if (!s) return { ok: true, checked: [], blocks: [], reasons: [] };
  let through = s.start;
  const blocks: NodeFirewallBlock[] = [];
  const reasons: string[] = [];
  for (const source of s.sources) {
    const rs = rulesetOf(source);
    const a = evaluateRuleset(rs, s.start, { protocol: req.protocol, port }, s.key);
    for (const r of a.reasons) if (!reasons.includes(r)) reasons.push(r);
    const passes = a.accepted.union(a.unknown);
    const lost = s.strict ? !s.start.minus(passes).isEmpty() : passes.intersect(through).isEmpty();
    through = through.intersect(passes);
    if (lost) {
      const d = a.denies.find((x) => !x.set.intersect(s.start).isEmpty());
      if (d) blocks.push({ source, ruleset: rs, deny: d, port, ownDeny: isPortDeny(d, port) });
    }
  }
  const ok = s.strict ? s.start.minus(through).isEmpty() : !through.isEmpty();
  return { ok, checked: s.sources, blocks: ok ? [] : blocks, reasons };
}

function segmentsOf(layer: NodeFirewallLayer, range: PortRange): PortRange[] {
  return portSegments(layer.sources.map(rulesetOf), range);
}

/** Does the layer let the requirement in on every port of its range? */
export function nodeFirewallAllows(layer: NodeFirewallLayer, req: Requirement, nodePortRange: PortRange): NodeFirewallAnswer {
  const range = req.port === null ? nodePortRange : { min: req.port, max: req.port };
  let checked: GuardSource[] = [];
  const reasons: string[] = [];
  for (const seg of segmentsOf(layer, range)) {
    const j = judgePort(layer, req, seg.min);
    checked = j.checked;
    for (const r of j.reasons) if (!reasons.includes(r)) reasons.push(r);
    if (!j.ok) return { allowed: false, checked, blocks: j.blocks, reasons };
  }
  return { allowed: true, checked: checked.length ? checked : layer.sources, blocks: [], reasons };
}

/** Does the layer let the requirement in on at least one port of the node-port range? */
export function nodeFirewallAllowsSome(layer: NodeFirewallLayer, req: Requirement, nodePortRange: PortRange): boolean {
  return segmentsOf(layer, nodePortRange).some((seg) => judgePort(layer, req, seg.min).ok);
}
