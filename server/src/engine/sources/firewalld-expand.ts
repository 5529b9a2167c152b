/**
 * Turns a firewalld zone into normalised rules:
 *  - `<port>` and `<service>` (expanded, `<include>`s followed) allow from any source;
 *  - `<protocol value="tcp|udp|sctp">` allows every port of that protocol;
 *  - a rich rule with `<accept/>` allows its source (every source without one) on its port / service / protocol,
 *    or on everything when it names none; `<drop/>` and `<reject/>` rules deny the same way;
 *  - rich rules with `<mark/>` or no action, and matches that are not ports (icmp-block, forward-port, …) give
 *    no rule;
 *  - zone `target="ACCEPT"` gives one allow-everything rule.
 */
import type {
  FirewalldServiceDef,
  FirewalldZoneFile,
  PortRange,
  Rule,
  RuleProtocol,
  RuleSourceAddr,
  ZoneRichRuleEntry,
} from './model';
import type { Span } from '../text/span';
import { canonicalCidr, firewalldProtocol, formatRange } from './source-common';

export interface UnknownServiceRef {
  /** the service name that has no definition (workspace or built-in) */
  name: string;
  /** the zone element that refers to it (directly or through `<include>`s) */
  span: Span;
  /** when the name was reached through `<include>`: the chain of services that led to it, outermost first */
  via?: string[];
}

export interface ZoneExpansion {
  rules: Rule[];
  unknownServices: UnknownServiceRef[];
}

export type ServiceLookup = (name: string) => FirewalldServiceDef | undefined;

interface RuleBase {
  action: Rule['action'];
  source: RuleSourceAddr;
  family?: 'ipv4' | 'ipv6';
  span: Span;
  /** an entry a firewall command added: its file, and how a person names it there */
  path?: string;
  origin?: string;
}

export function expandZone(zone: FirewalldZoneFile, lookupService: ServiceLookup): ZoneExpansion {
  const rules: Rule[] = [];
  const unknownServices: UnknownServiceRef[] = [];

  if (zone.target === 'ACCEPT') {
    rules.push({
      action: 'allow',
      protocol: { kind: 'all' },
      ports: { kind: 'all' },
      source: { kind: 'any' },
      span: zone.span,
      origin: 'zone target="ACCEPT"',
    });
  }

  for (const entry of zone.entries) {
    const written = entry.path !== undefined ? { path: entry.path, origin: entry.origin } : {};
    switch (entry.kind) {
      case 'port': {
        if (!entry.range) break; // not a valid port: firewalld would refuse the zone; reported by the reader
        const base: RuleBase = { action: 'allow', source: { kind: 'any' }, span: entry.span, ...written };
        rules.push(make(base, firewalldProtocol(entry.protocol), [entry.range], `<port port="${formatRange(entry.range)}" protocol="${entry.protocol}"/>`));
        break;
      }
      case 'protocol': {
        const base: RuleBase = { action: 'allow', source: { kind: 'any' }, span: entry.span, ...written };
        rules.push(make(base, firewalldProtocol(entry.value), null, `<protocol value="${entry.value}"/>`));
        break;
      }
      case 'service': {
        const base: RuleBase = { action: 'allow', source: { kind: 'any' }, span: entry.span, ...written };
        expandService(entry.name, base, (def, chain) => serviceOrigin(entry.name, def.name, chain), lookupService, rules, unknownServices);
        break;
      }
      case 'rich':
        expandRichRule(entry, lookupService, rules, unknownServices);
        break;
      case 'unknown': {
        // a command whose value could not be evaluated: unknown ports (and protocol, unless written), never a guess
        const rule: Rule = {
          action: 'allow',
          protocol: entry.protocol !== undefined ? firewalldProtocol(entry.protocol) : { kind: 'unknown', text: entry.origin ?? '' },
          ports: { kind: 'unknown', text: entry.origin ?? '' },
          source: { kind: 'any' },
          span: entry.span,
          origin: entry.origin ?? 'a firewall command',
          unevaluated: { reasons: entry.reasons, at: entry.at },
        };
        if (entry.path !== undefined) rule.path = entry.path;
        rules.push(rule);
        break;
      }
    }
  }
  return { rules, unknownServices };
}

function make(base: RuleBase, protocol: RuleProtocol, ranges: PortRange[] | null, origin: string): Rule {
  const rule: Rule = {
    action: base.action,
    protocol,
    ports: ranges ? { kind: 'ranges', ranges } : { kind: 'all' },
    source: base.source,
    span: base.span,
    origin: base.origin ?? origin,
  };
  if (base.family) rule.family = base.family;
  if (base.path !== undefined) rule.path = base.path;
  return rule;
}

function serviceOrigin(top: string, name: string, chain: string[]): string {
  if (name === top) return `service "${top}"`;
  return `service "${top}" (includes ${chain.slice(1).map((n) => `"${n}"`).join(' → ')})`;
}

/**
 * Adds the rules of service `name` and of everything it includes (depth first, each service once: include
 * cycles end there). Ports are grouped per protocol, one rule per protocol per service.
 */
function expandService(
  name: string,
  base: RuleBase,
  originOf: (def: FirewalldServiceDef, chain: string[]) => string,
  lookup: ServiceLookup,
  rules: Rule[],
  unknown: UnknownServiceRef[],
): void {
  const visited = new Set<string>();
  const visit = (n: string, chain: string[]): void => {
    if (visited.has(n)) return;
    visited.add(n);
    const def = lookup(n);
    if (!def) {
      const ref: UnknownServiceRef = { name: n, span: base.span };
      if (chain.length > 0) ref.via = chain;
      unknown.push(ref);
      return;
    }
    const here = [...chain, n];
    const origin = originOf(def, here);
    const byProtocol = new Map<string, PortRange[]>();
    for (const p of def.ports) {
      const key = p.protocol.toLowerCase();
      const list = byProtocol.get(key);
      if (list) list.push(p.range);
      else byProtocol.set(key, [p.range]);
    }
    for (const [protocol, ranges] of byProtocol) rules.push(make(base, firewalldProtocol(protocol), ranges, origin));
    for (const protocol of def.protocols) rules.push(make(base, firewalldProtocol(protocol), null, origin));
    for (const inc of def.includes) visit(inc, here);
  };
  visit(name, []);
}

function richSource(entry: ZoneRichRuleEntry): RuleSourceAddr {
  const s = entry.source;
  if (!s) return { kind: 'any' };
  if (s.address !== undefined) {
    const cidr = canonicalCidr(s.address);
    if (cidr === null) return { kind: 'never', reason: `"${s.address}" is not an IP address or CIDR` };
    return s.invert ? { kind: 'cidr', cidr, invert: true } : { kind: 'cidr', cidr };
  }
  if (s.ipset !== undefined) return { kind: 'never', reason: `ipset "${s.ipset}" cannot be evaluated` };
  if (s.mac !== undefined) return { kind: 'never', reason: `MAC source ${s.mac} cannot be evaluated` };
  return { kind: 'any' };
}

function richSourceText(entry: ZoneRichRuleEntry): string | null {
  const s = entry.source;
  if (!s) return null;
  const not = s.invert ? 'not ' : '';
  if (s.address !== undefined) return `source ${not}${canonicalCidr(s.address) ?? s.address}`;
  if (s.ipset !== undefined) return `source ${not}ipset ${s.ipset}`;
  if (s.mac !== undefined) return `source ${not}mac ${s.mac}`;
  return null;
}

function richOrigin(entry: ZoneRichRuleEntry, matchText: string | null): string {
  const parts: string[] = [];
  const src = richSourceText(entry);
  if (src) parts.push(src);
  if (matchText) parts.push(matchText);
  parts.push(entry.action);
  return `rich rule (${parts.join(', ')})`;
}

function expandRichRule(entry: ZoneRichRuleEntry, lookup: ServiceLookup, rules: Rule[], unknown: UnknownServiceRef[]): void {
  let action: Rule['action'];
  if (entry.action === 'accept') action = 'allow';
  else if (entry.action === 'drop' || entry.action === 'reject') action = 'deny';
  else return; // mark, or no action: does not decide whether traffic passes

  const base: RuleBase = { action, source: richSource(entry), span: entry.span };
  if (entry.family) base.family = entry.family;
  if (entry.path !== undefined) { base.path = entry.path; base.origin = entry.origin; }
  const m = entry.match;
  switch (m.kind) {
    case 'none':
      rules.push(make(base, { kind: 'all' }, null, richOrigin(entry, null)));
      break;
    case 'port':
      if (!m.range) return;
      rules.push(make(base, firewalldProtocol(m.protocol), [m.range], richOrigin(entry, `port ${formatRange(m.range)}/${m.protocol}`)));
      break;
    case 'protocol':
      rules.push(make(base, firewalldProtocol(m.value), null, richOrigin(entry, `protocol ${m.value}`)));
      break;
    case 'service':
      expandService(m.name, base, (def, chain) => richOrigin(entry, serviceOrigin(m.name, def.name, chain)), lookup, rules, unknown);
      break;
    case 'other':
      break; // icmp-block, forward-port, masquerade, source-port…: not a port allow or deny
  }
}
