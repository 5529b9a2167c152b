/**
 * What a node's packet filter does with a new connection to a port, as the kernel decides it: iptables — the
 * filter table's `INPUT` chain, first match wins, jumps into user chains and back, `RETURN`, `-g`, the chain policy
 * last; nftables — every `type filter hook input` chain of the `inet`/`ip`/`ip6` tables in priority order (a packet
 * must be accepted by each), verdicts, jumps, policy.
 *
 * Sources are followed as sets of addresses (`AddressSet`), so a rule with `-s` splits the traffic exactly. What a
 * rule matches on that cannot be known for a node (an interface other than `lo`, a mark, a rate, a destination
 * address, a conntrack state other than the NEW/ESTABLISHED idioms) makes the packets it would take *unknown*:
 * counted as allowed (unknown is never wrong), with the reason kept. Traffic from outside never comes in on `lo`;
 * a rule for `ESTABLISHED,RELATED` or `INVALID` only never admits a new connection; nor does a rule limited to a
 * source port (a client picks its own, as OCI rules limited to source ports admit no client). Evaluation is bounded.
 */
import { AddressSet, parseCidr, type Cidr } from '../net/cidr';
import type { PortRange, Protocol } from '../sources/model';
import type { NfChain, NfCondition, NfRule, NfRuleset, NfTable } from '../sources/netfilter-model';

export interface NfPacket {
  protocol: Protocol;
  port: number;
}

/** A part of the traffic that a rule (or a chain's policy, `rule` null) decided to drop or reject. */
export interface NfDeny {
  set: AddressSet;
  rule: NfRule | null;
  chain: NfChain;
  table: NfTable;
}

export interface NfAnswer {
  /** surely accepted */
  accepted: AddressSet;
  /** decided by something that cannot be known for a node: counted as allowed */
  unknown: AddressSet;
  /** what decided the rest, in the order it was met */
  denies: NfDeny[];
  /** why some traffic is unknown (`-i eth0`, `-m limit`) */
  reasons: string[];
  /** the rules that decided some traffic on something that cannot be known for a node, each with why */
  unknownRules: { rule: NfRule; why: string }[];
}

/** Rule visits one evaluation may make; a chain nested deeper than `maxDepth` is unknown. */
export const NETFILTER_LIMITS = { maxVisits: 100_000, maxDepth: 32, maxSegments: 1_000 } as const;

const NEW_STATES = new Set(['new']);
const NEVER_NEW = new Set(['established', 'related', 'invalid']);

const cidrCache = new Map<string, Cidr | null>();
function cidrOf(text: string): Cidr | null {
  let c = cidrCache.get(text);
  if (c === undefined) {
    c = parseCidr(text);
    if (cidrCache.size > 10_000) cidrCache.clear();
    cidrCache.set(text, c);
  }
  return c;
}

export function familySet(family: NfTable['family']): AddressSet {
  return family === 'ip' ? AddressSet.family(4) : family === 'ip6' ? AddressSet.family(6) : AddressSet.ALL;
}

/**
 * A condition's answer for a new connection from outside: whether it matches (for every source), the addresses it
 * matches, or unknown (with why).
 */
function condition(c: NfCondition, p: NfPacket): boolean | AddressSet | { unknown: string } {
  const flip = (b: boolean): boolean => b !== ('invert' in c && c.invert);
  switch (c.kind) {
    case 'protocol': return flip(c.protocols.includes(p.protocol));
    case 'dport': return flip(c.ranges.some((r) => r.min <= p.port && p.port <= r.max));
    case 'sport': return flip(false);
    case 'saddr': {
      let s = AddressSet.EMPTY;
      for (const t of c.cidrs) { const x = cidrOf(t); if (x) s = s.union(AddressSet.of(x)); }
      return c.invert ? AddressSet.ALL.minus(s) : s;
    }
    case 'iface': {
      if (c.names.every((n) => n === 'lo')) return flip(false); // outside traffic never comes in on the loopback
      return { unknown: `${c.invert ? 'not ' : ''}interface ${c.names.join(', ')}` };
    }
    case 'state': {
      if (c.states.some((s) => NEW_STATES.has(s))) return flip(true);
      if (c.states.every((s) => NEVER_NEW.has(s))) return flip(false);
      return { unknown: `state ${c.states.join(',')}` };
    }
    case 'never': return false;
    case 'family': return c.family === 'ipv4' ? AddressSet.family(4) : AddressSet.family(6);
    case 'unknown': return { unknown: c.text };
  }
}

interface Run {
  packet: NfPacket;
  visits: number;
  denies: NfDeny[];
  accepted: AddressSet;
  unknown: AddressSet;
  reasons: string[];
  unknownRules: { rule: NfRule; why: string }[];
}

function addReason(run: Run, why: string): void {
  if (!run.reasons.includes(why) && run.reasons.length < 10) run.reasons.push(why);
}

/** At most this many rules are named as the ones an answer could not evaluate. */
const MAX_UNKNOWN_RULES = 20;

function addUnknownRule(run: Run, rule: NfRule, why: string): void {
  if (run.unknownRules.length < MAX_UNKNOWN_RULES && !run.unknownRules.some((u) => u.rule === rule)) run.unknownRules.push({ rule, why });
}

/** Follows `set` through a chain; what falls off its end or returns comes back as `returned`. */
function evalChain(run: Run, table: NfTable, chain: NfChain, set: AddressSet, depth: number): AddressSet {
  let cur = set;
  let returned = AddressSet.EMPTY;
  const unknownPart = (m: AddressSet, why: string, rule?: NfRule, what?: string) => {
    run.unknown = run.unknown.union(m);
    addReason(run, why);
    if (rule) addUnknownRule(run, rule, what ?? why);
    cur = cur.minus(m);
  };
  for (const rule of chain.rules) {
    if (cur.isEmpty()) break;
    if (++run.visits > NETFILTER_LIMITS.maxVisits) { unknownPart(cur, 'the rules are too many to follow'); break; }
    let m = cur;
    const why: string[] = [];
    let skip = false;
    // the cheap yes/no conditions first: most rules are for other ports or protocols
    for (const c of rule.conditions) {
      if (c.kind === 'saddr' || c.kind === 'family') continue;
      if (c.kind === 'dport') { // (inline: asked once per rule and port)
        let hit = false;
        for (const r of c.ranges) if (r.min <= run.packet.port && run.packet.port <= r.max) { hit = true; break; }
        if (hit === c.invert) { skip = true; break; }
        continue;
      }
      const r = condition(c, run.packet);
      if (r === false) { skip = true; break; }
      if (typeof r === 'object' && !(r instanceof AddressSet)) why.push(r.unknown);
    }
    if (skip) continue;
    for (const c of rule.conditions) {
      if (c.kind !== 'saddr' && c.kind !== 'family') continue;
      const r = condition(c, run.packet);
      if (r instanceof AddressSet) m = m.intersect(r);
      if (m.isEmpty()) break;
    }
    if (m.isEmpty()) continue;
    const v = rule.verdict;
    if (v.kind === 'continue') continue;
    if (why.length) { unknownPart(m, `${why.join(', ')} (${rule.text})`, rule, `it matches on ${why.join(', ')}, which is not known for traffic from outside`); continue; }
    switch (v.kind) {
      case 'accept': run.accepted = run.accepted.union(m); cur = cur.minus(m); break;
      case 'drop': case 'reject': run.denies.push({ set: m, rule, chain, table }); cur = cur.minus(m); break;
      case 'return': returned = returned.union(m); cur = cur.minus(m); break;
      case 'unknown': unknownPart(m, `${v.text} (${rule.text})`, rule, `its target ${v.text} is not modelled`); break;
      case 'jump': case 'goto': {
        const sub = table.chains.get(v.chain);
        if (!sub || depth >= NETFILTER_LIMITS.maxDepth) { unknownPart(m, `chain ${v.chain} cannot be followed`, rule, `chain ${v.chain} cannot be followed`); break; }
        const back = evalChain(run, table, sub, m, depth + 1);
        cur = cur.minus(m);
        if (v.kind === 'jump') cur = cur.union(back); else returned = returned.union(back);
        break;
      }
    }
  }
  if (depth > 0) return returned.union(cur);
  // a base chain: what is left gets its policy
  const rest = returned.union(cur);
  if (!rest.isEmpty()) {
    if (chain.policy === 'accept') run.accepted = run.accepted.union(rest);
    else run.denies.push({ set: rest, rule: null, chain, table });
  }
  return AddressSet.EMPTY;
}

/** The input base chains of a ruleset, lowest priority first (file order among equals). */
export function inputChains(rs: NfRuleset): { table: NfTable; chain: NfChain }[] {
  const out: { table: NfTable; chain: NfChain; i: number }[] = [];
  for (const table of rs.tables) for (const chain of table.chains.values()) if (chain.input) out.push({ table, chain, i: out.length });
  return out.sort((a, b) => a.chain.priority - b.chain.priority || a.i - b.i);
}

/** Which address families a ruleset filters (an iptables file: its own; nft: the families of its input chains). */
export function rulesetFamilies(rs: NfRuleset): (4 | 6)[] {
  if (rs.format === 'iptables') return rs.tables.length ? rs.tables.map((t) => (t.family === 'ip6' ? 6 : 4)).filter((f, i, a) => a.indexOf(f) === i) : [rs.path.endsWith('v6') ? 6 : 4];
  const fams = new Set<4 | 6>();
  for (const { table } of inputChains(rs)) {
    if (table.family !== 'ip6') fams.add(4);
    if (table.family !== 'ip') fams.add(6);
  }
  return fams.size ? [...fams] : [4, 6];
}

/** Answers kept per ruleset (a Service asks the same port from the same sources once per layer and traffic). */
const answers = new WeakMap<NfRuleset, Map<string, NfAnswer>>();

/**
 * What the ruleset does with new connections from `start` to the packet's port. `startKey` names `start` (a CIDR's
 * text, `any4`): answers are kept per ruleset, packet and start.
 */
export function evaluateRuleset(rs: NfRuleset, start: AddressSet, packet: NfPacket, startKey?: string): NfAnswer {
  if (startKey === undefined) return evaluate(rs, start, packet);
  let byKey = answers.get(rs);
  if (!byKey) answers.set(rs, (byKey = new Map()));
  const key = `${packet.protocol}|${packet.port}|${startKey}`;
  let a = byKey.get(key);
  if (!a) {
    if (byKey.size > 20_000) byKey.clear();
    byKey.set(key, (a = evaluate(rs, start, packet)));
  }
  return a;
}

function evaluate(rs: NfRuleset, start: AddressSet, packet: NfPacket): NfAnswer {
  let pass = start;
  let unknown = AddressSet.EMPTY;
  const denies: NfDeny[] = [];
  const reasons: string[] = [];
  const unknownRules: { rule: NfRule; why: string }[] = [];
  for (const { table, chain } of inputChains(rs)) {
    const seen = pass.intersect(familySet(table.family));
    const run: Run = { packet, visits: 0, denies: [], accepted: AddressSet.EMPTY, unknown: AddressSet.EMPTY, reasons, unknownRules };
    evalChain(run, table, chain, seen, 0);
    denies.push(...run.denies);
    const through = run.accepted.union(run.unknown);
    unknown = run.unknown.union(unknown.intersect(through));
    pass = pass.minus(seen).union(through);
  }
  if (rs.unresolved.length) {
    // an included file may hold anything: nothing this file denies is certain
    for (const d of denies) unknown = unknown.union(d.set);
    denies.length = 0;
    for (const u of rs.unresolved) if (!reasons.includes(u)) reasons.push(u);
    pass = pass.union(unknown);
  }
  return { accepted: pass.minus(unknown), unknown, denies, reasons, unknownRules };
}

/** Every destination-port bound the rulesets' rules use: the range cut where some rule's answer may change. */
export function portSegments(rulesets: readonly NfRuleset[], range: PortRange): PortRange[] {
  const cuts = new Set<number>([range.min, range.max + 1]);
  for (const rs of rulesets) {
    for (const t of rs.tables) {
      for (const ch of t.chains.values()) {
        for (const r of ch.rules) {
          for (const c of r.conditions) {
            if (c.kind !== 'dport') continue;
            for (const pr of c.ranges) {
              if (pr.min > range.min && pr.min <= range.max) cuts.add(pr.min);
              if (pr.max + 1 > range.min && pr.max + 1 <= range.max) cuts.add(pr.max + 1);
            }
          }
        }
      }
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: PortRange[] = [];
  // (bounded: past the limit, the ports left are not judged one by one — what is judged is kept)
  for (let i = 0; i + 1 < points.length && out.length < NETFILTER_LIMITS.maxSegments; i++) out.push({ min: points[i], max: points[i + 1] - 1 });
  return out;
}

/** Is the deny a rule written for this port (its ports listed), rather than a catch-all or a policy? */
export function isPortDeny(d: NfDeny, port: number): boolean {
  return !!d.rule && d.rule.conditions.some((c) => c.kind === 'dport' && !c.invert && c.ranges.some((r) => r.min <= port && port <= r.max));
}

/** How a message names a rule or a policy: `rules.v4:14 -A INPUT -j REJECT --reject-with icmp-host-prohibited`. */
export function denyText(rs: NfRuleset, d: NfDeny): string {
  const base = rs.path.split('/').pop() ?? rs.path;
  if (d.rule) return `${base}:${d.rule.line} ${d.rule.text}`;
  const where = rs.format === 'iptables' ? d.chain.policyText : `chain ${d.chain.name} ${d.chain.policyText}`;
  return `${base}:${d.chain.policyLine} ${where}`;
}
