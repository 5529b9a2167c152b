/**
 * Checks requirements against rules: protocol, port range, and real CIDR
 * containment for IPv4 and IPv6. The core question, "which addresses may reach every port of this range",
 * is answered as an AddressSet so that allow/deny, source bindings and the bypass check share one answer.
 */
import type { Protocol, PortRange, Rule } from '../sources/model';
import { AddressSet, parseCidr, type Cidr } from '../net/cidr';
import type { Span } from '../text/span';
import type { NfRuleset } from '../sources/netfilter-model';
import { fromCidr, type From, type Requirement, type Traffic } from './requirements';

/** A rule source as the matcher sees it: a zone, a security list, or the rules of one NSG. */
export interface GuardSource {
  kind: 'firewalld-zone' | 'oci-security-list' | 'oci-nsg' | 'iptables' | 'nftables';
  /** how a message names it: `firewalld zone "public"`, `security list "workers"` */
  label: string;
  path: string;
  span: Span;
  rules: Rule[];
  /**
   * OCI lists and NSGs: the egress rules (a rule's `source` holds its destination). Absent: none were read (a
   * firewalld zone), which allows no egress.
   */
  egress?: Rule[];
  /** firewalld: addresses bound to this zone with `<source address>` */
  bindings?: Cidr[];
  /** identity for fixes: zone name, Terraform address, JSON list name */
  key: string;
  /** an iptables-save file or nftables ruleset (its `rules` are empty: `exposure/netfilter.ts` judges it) */
  netfilter?: NfRuleset;
  /**
   * firewalld: the file whose firewall commands (a script, cloud-init, an Ansible playbook) last added to this
   * zone — where a fix adds the command that opens a port, since it runs after the zone file is in place.
   */
  commandFile?: string;
}

export interface FirewalldLayer {
  /** the zones that guard the nodes (any of them allowing is enough) */
  nodeZones: GuardSource[];
  /** zones with `<source address>` bindings: they decide for traffic from those addresses */
  bindingZones: GuardSource[];
  strictForwardPorts: boolean;
  /** where strictness came from, for messages */
  strictOrigin?: string;
}

export interface ListLayer {
  sources: GuardSource[];
}

export interface AllowedAnswer {
  /** addresses allowed on every port of the range */
  set: AddressSet;
  /** some rule that could matter cannot be evaluated (Terraform expression) */
  unknown: boolean;
  /** an NSG-sourced rule covers the range: traffic from a load balancer is allowed */
  fromLoadBalancer: boolean;
}

function protocolMatches(rule: Rule, protocol: Protocol): boolean | 'unknown' {
  switch (rule.protocol.kind) {
    case 'all': return true;
    case 'one': return rule.protocol.protocol === protocol;
    case 'other': return false;
    case 'unknown': return 'unknown';
  }
}

function ruleCovers(rule: Rule, seg: PortRange): boolean | 'unknown' {
  switch (rule.ports.kind) {
    case 'all': return true;
    case 'unknown': return 'unknown';
    case 'ranges': return rule.ports.ranges.some((r) => r.min <= seg.min && seg.max <= r.max);
  }
}

/** Cut `range` into segments on which every rule either covers all ports or none. */
function segments(rules: readonly Rule[], range: PortRange): PortRange[] {
  const cuts = new Set<number>([range.min, range.max + 1]);
  for (const r of rules) {
    if (r.ports.kind !== 'ranges') continue;
    for (const pr of r.ports.ranges) {
      if (pr.min > range.min && pr.min <= range.max) cuts.add(pr.min);
      if (pr.max + 1 > range.min && pr.max + 1 <= range.max) cuts.add(pr.max + 1);
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: PortRange[] = [];
  for (let i = 0; i + 1 < points.length; i++) out.push({ min: points[i], max: points[i + 1] - 1 });
  return out;
}

function sourceSet(rule: Rule, worldOnly: boolean): { set: AddressSet; unknown: boolean; lb: boolean } {
  const familySet = rule.family === 'ipv4' ? AddressSet.family(4) : rule.family === 'ipv6' ? AddressSet.family(6) : AddressSet.ALL;
  const s = rule.source;
  switch (s.kind) {
    case 'any': return { set: familySet, unknown: false, lb: false };
    case 'cidr': {
      const c = parseCidr(s.cidr.includes('/') ? s.cidr : `${s.cidr}/${s.cidr.includes(':') ? 128 : 32}`);
      if (!c) return { set: AddressSet.EMPTY, unknown: false, lb: false };
      if (s.invert) return { set: AddressSet.family(c.family).minus(AddressSet.of(c)).intersect(familySet), unknown: false, lb: false };
      if (worldOnly && c.prefix !== 0) return { set: AddressSet.EMPTY, unknown: false, lb: false };
      return { set: AddressSet.of(c).intersect(familySet), unknown: false, lb: false };
    }
    case 'load-balancer': return { set: AddressSet.EMPTY, unknown: false, lb: !worldOnly };
    case 'never': return { set: AddressSet.EMPTY, unknown: false, lb: false };
    case 'unknown': return { set: AddressSet.EMPTY, unknown: !worldOnly, lb: false };
  }
}

/**
 * The addresses that the rules let reach every port in `range` over `protocol`. Deny rules (firewalld rich
 * rules with drop/reject) win over allows. With `worldOnly`, only rules open to the whole world count
 * (used by the bypass check when no load-balancer subnet is configured).
 */
export function allowedAddresses(rules: readonly Rule[], protocol: Protocol, range: PortRange, worldOnly = false): AllowedAnswer {
  const relevant = rules.filter((r) => protocolMatches(r, protocol) !== false);
  const segs = segments(relevant, range);
  let total: AddressSet | null = null;
  let unknown = false;
  let lbEverywhere = true;
  for (const seg of segs) {
    let allow = AddressSet.EMPTY;
    let deny = AddressSet.EMPTY;
    let lbHere = false;
    for (const r of relevant) {
      const covers = ruleCovers(r, seg);
      const proto = protocolMatches(r, protocol);
      if (covers === false) continue;
      const src = sourceSet(r, worldOnly);
      if (r.action === 'allow') {
        if (covers === 'unknown' || proto === 'unknown' || src.unknown) {
          if (!worldOnly) unknown = true;
          continue;
        }
        allow = allow.union(src.set);
        if (src.lb) lbHere = true;
      } else if (covers === true && proto === true) {
        deny = deny.union(sourceSet(r, false).set);
      }
    }
    const segSet = allow.minus(deny);
    total = total === null ? segSet : total.intersect(segSet);
    if (!lbHere) lbEverywhere = false;
  }
  return { set: total ?? AddressSet.EMPTY, unknown, fromLoadBalancer: lbEverywhere && segs.length > 0 };
}

export function isFromLoadBalancer(t: Traffic): boolean {
  // (an egress rule towards another NSG: towards the nodes' NSG as far as is known)
  return t === 'lb-to-nodes' || t === 'lb-health-check' || t === 'lb-egress-to-nodes';
}

/** The rules of a source that a requirement is judged by: its egress rules for the load balancer's way out. */
export function rulesFor(source: GuardSource, traffic: Traffic): Rule[] {
  return traffic === 'lb-egress-to-nodes' ? source.egress ?? NO_RULES : source.rules;
}

/** (one empty list, so that what the matcher keeps per rule list is kept for it too) */
const NO_RULES: Rule[] = [];

// The matcher is asked once per requirement, and a Service may have 100,000 of them (one per source range): what
// does not depend on the requirement is worked out once — the CIDR of each rule's source and of each `from`
// (requirements share their From objects), and the rules of a protocol cut into port segments.

const ruleCidrs = new WeakMap<Rule, Readonly<Cidr> | null>();

/** The CIDR of a rule's `cidr` source (a single address is /32 or /128). */
function ruleCidr(rule: Rule, text: string): Readonly<Cidr> | null {
  let c = ruleCidrs.get(rule);
  if (c === undefined) ruleCidrs.set(rule, (c = parseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`)));
  return c;
}

const segmentsByRules = new WeakMap<readonly Rule[], Map<string, { relevant: Rule[]; segs: PortRange[] }>>();

/** The rules that may match `protocol`, and `range` cut into segments for them (once per rules, protocol, range). */
function relevantSegments(rules: readonly Rule[], protocol: Protocol, range: PortRange): { relevant: Rule[]; segs: PortRange[] } {
  let byKey = segmentsByRules.get(rules);
  if (!byKey) segmentsByRules.set(rules, (byKey = new Map()));
  const key = `${protocol}|${range.min}|${range.max}`;
  let hit = byKey.get(key);
  if (!hit) {
    const relevant = rules.filter((r) => protocolMatches(r, protocol) !== false);
    byKey.set(key, (hit = { relevant, segs: segments(relevant, range) }));
  }
  return hit;
}

/**
 * Does one rule's source match a requirement's `from`? Its source must contain `from`; when `from`
 * is any, any source will do. NSG-sourced rules match only traffic from a load balancer; SERVICE_CIDR_BLOCK and
 * ipset/mac sources never match. 'unknown' when the source cannot be evaluated.
 */
function sourceMatches(rule: Rule, from: From, traffic: Traffic): boolean | 'unknown' {
  const s = rule.source;
  if (s.kind === 'never') return false;
  if (s.kind === 'unknown') return 'unknown';
  if (s.kind === 'load-balancer') return isFromLoadBalancer(traffic);
  if (from.kind === 'any') return true;
  const c = fromCidr(from);
  if (!c) return false;
  if (rule.family && (rule.family === 'ipv4') !== (c.family === 4)) return false;
  if (s.kind === 'any') return true;
  const r = ruleCidr(rule, s.cidr);
  if (!r) return false;
  // an inverted source matches what lies wholly outside it
  return s.invert ? r.family === c.family && !(c.first <= r.last && r.first <= c.last) : r.family === c.family && r.first <= c.first && c.last <= r.last;
}

/**
 * Do these rules allow the requirement on every port of `range`? A rule allows when its protocol is `all` or the
 * requirement's, its ports cover the port, and its source matches; a deny rule that matches wins over any allow
 * (firewalld evaluates deny rules first). A rule that cannot be evaluated counts as allowing: unknown is never
 * wrong.
 */
export function rulesAllow(rules: readonly Rule[], protocol: Protocol, range: PortRange, from: From, traffic: Traffic): boolean {
  const { relevant, segs } = relevantSegments(rules, protocol, range);
  for (const seg of segs) {
    let allowed = false;
    for (const r of relevant) {
      const covers = ruleCovers(r, seg);
      if (covers === false) continue;
      const proto = protocolMatches(r, protocol);
      const src = sourceMatches(r, from, traffic);
      if (src === false) continue;
      if (r.action === 'deny') {
        if (covers === true && proto === true && src === true) return false;
        continue;
      }
      allowed = true; // covers, protocol and source match (or cannot be evaluated)
    }
    if (!allowed) return false;
  }
  return true;
}

export function requirementRange(req: Requirement, nodePortRange: PortRange): PortRange {
  return req.port === null ? nodePortRange : { min: req.port, max: req.port };
}

/** The zones that decide for traffic from `from`: a zone bound to a range holding it, else the node zones. */
export function decidingZones(layer: FirewalldLayer, from: From): GuardSource[] {
  if (from.kind === 'cidr') {
    const c = fromCidr(from);
    if (c) {
      const bound = layer.bindingZones.filter((z) => z.bindings!.some((b) => b.family === c.family && b.first <= c.first && c.last <= b.last));
      if (bound.length) return bound;
    }
  }
  return layer.nodeZones;
}

/** Does the firewalld layer allow the requirement? (any deciding zone allowing is enough) */
export function firewalldAllows(layer: FirewalldLayer, req: Requirement, nodePortRange: PortRange): { allowed: boolean; checked: GuardSource[] } {
  const zones = decidingZones(layer, req.from);
  const range = requirementRange(req, nodePortRange);
  const allowed = zones.some((z) => rulesAllow(z.rules, req.protocol, range, req.from, req.traffic));
  return { allowed, checked: zones };
}

/** The rules of a list layer, gathered once per layer and direction (it is asked once per requirement). */
const layerRules = new WeakMap<ListLayer, Rule[]>();
const layerEgressRules = new WeakMap<ListLayer, Rule[]>();

function rulesOf(layer: ListLayer, traffic: Traffic): Rule[] {
  const cache = traffic === 'lb-egress-to-nodes' ? layerEgressRules : layerRules;
  let rules = cache.get(layer);
  if (!rules) cache.set(layer, (rules = layer.sources.flatMap((s) => rulesFor(s, traffic))));
  return rules;
}

/** Do the lists (a union of allow-only rules) allow the requirement? */
export function listsAllow(layer: ListLayer, req: Requirement, nodePortRange: PortRange): boolean {
  return rulesAllow(rulesOf(layer, req.traffic), req.protocol, requirementRange(req, nodePortRange), req.from, req.traffic);
}

/** Do the rules allow the requirement on at least one port of `range`? (Each segment is judged on its first port.) */
export function rulesAllowSome(rules: readonly Rule[], protocol: Protocol, range: PortRange, from: From, traffic: Traffic): boolean {
  const relevant = rules.filter((r) => protocolMatches(r, protocol) !== false);
  return segments(relevant, range).some((seg) => rulesAllow(relevant, protocol, { min: seg.min, max: seg.min }, from, traffic));
}

/** Does the requirement's layer allow it on at least one port of the node-port range? */
export function layerAllowsSome(layer: FirewalldLayer | ListLayer, req: Requirement, nodePortRange: PortRange): boolean {
  if ('nodeZones' in layer) return decidingZones(layer, req.from).some((z) => rulesAllowSome(z.rules, req.protocol, nodePortRange, req.from, req.traffic));
  return rulesAllowSome(rulesOf(layer, req.traffic), req.protocol, nodePortRange, req.from, req.traffic);
}

/**
 * The deny rules of a zone that match the requirement on every port of `range` (protocol, ports, source): what
 * blocks it whatever the zone allows. A rule whose ports are listed is the user's deny for this port; one without
 * ports denies everything from its source.
 */
export function blockingDenies(zone: GuardSource, protocol: Protocol, range: PortRange, from: From, traffic: Traffic): Rule[] {
  return zone.rules.filter((r) => r.action === 'deny'
    && protocolMatches(r, protocol) === true && ruleCovers(r, range) === true && sourceMatches(r, from, traffic) === true);
}

/** Addresses the firewalld layer lets reach the range (bindings honoured). */
export function firewalldReach(layer: FirewalldLayer, protocol: Protocol, range: PortRange, worldOnly: boolean): AddressSet {
  let node = AddressSet.EMPTY;
  for (const z of layer.nodeZones) node = node.union(allowedAddresses(z.rules, protocol, range, worldOnly).set);
  let bound = AddressSet.EMPTY;
  let out = AddressSet.EMPTY;
  for (const z of layer.bindingZones) {
    let b = AddressSet.EMPTY;
    for (const c of z.bindings!) b = b.union(AddressSet.of(c));
    bound = bound.union(b);
    out = out.union(b.intersect(allowedAddresses(z.rules, protocol, range, worldOnly).set));
  }
  return node.minus(bound).union(out);
}

/** Addresses the lists let reach the range. */
export function listsReach(layer: ListLayer, protocol: Protocol, range: PortRange, worldOnly: boolean): AddressSet {
  return allowedAddresses(rulesOf(layer, 'lb-to-nodes'), protocol, range, worldOnly).set;
}
