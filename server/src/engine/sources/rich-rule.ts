/**
 * firewalld's rich language (`firewall-cmd --add-rich-rule='rule family="ipv4" source address="10.0.0.0/8"
 * port port="30080" protocol="tcp" accept'`, Ansible's `rich_rule:`) read into the same entry a zone file's
 * `<rule>` element gives (`ZoneRichRuleEntry`), as firewalld's own lexer (src/firewall/core/rich.py) reads it:
 * words separated by blanks, `name=value` attributes whose value may be quoted with `"` or `'`, the element
 * keywords, `not` before a source or destination address.
 *
 * Never throws: a rule firewalld would refuse gives `null` and the reason.
 */
import type { RichRuleMatch, RichRuleSource, ZoneRichRuleEntry } from './model';
import type { Span } from '../text/span';
import { parsePortRange } from './source-common';

interface Token {
  /** an element keyword (`rule`, `source`, `accept`, `not`) or an attribute name */
  name: string;
  /** an attribute's value (`name=value`), absent for a keyword */
  value?: string;
}

function tokens(text: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    let j = i;
    while (j < text.length && !/[\s=]/.test(text[j])) j++;
    const name = text.slice(i, j);
    if (text[j] !== '=') { out.push({ name }); i = j; continue; }
    j++;
    const q = text[j];
    if (q === '"' || q === "'") {
      const close = text.indexOf(q, j + 1);
      if (close < 0) return `the value of ${name} has no closing ${q}`;
      out.push({ name, value: text.slice(j + 1, close) });
      i = close + 1;
    } else {
      let k = j;
      while (k < text.length && !/\s/.test(text[k])) k++;
      out.push({ name, value: text.slice(j, k) });
      i = k;
    }
  }
  return out;
}

const ELEMENTS = new Set(['service', 'port', 'protocol', 'icmp-block', 'icmp-type', 'masquerade', 'forward-port', 'source-port', 'tcp-mss-clamp']);
const ACTIONS = new Set(['accept', 'reject', 'drop', 'mark']);
const TRAILERS = new Set(['log', 'nflog', 'audit', 'limit']);

/**
 * A rich rule's text read into an entry (`span`: where it is written), or the reason firewalld would refuse it.
 */
export function readRichRule(text: string, span: Span): { entry: ZoneRichRuleEntry } | { error: string } {
  const toks = tokens(text);
  if (typeof toks === 'string') return { error: toks };
  if (toks[0]?.name !== 'rule' || toks[0].value !== undefined) return { error: 'a rich rule starts with "rule"' };
  let family: 'ipv4' | 'ipv6' | undefined;
  let source: RichRuleSource | undefined;
  let match: RichRuleMatch = { kind: 'none' };
  let matched = false;
  let action: ZoneRichRuleEntry['action'] = 'none';
  let k = 1;
  const attrs = (): Map<string, string> => {
    const m = new Map<string, string>();
    while (k < toks.length && toks[k].value !== undefined) { m.set(toks[k].name, toks[k].value!); k++; }
    return m;
  };
  // the rule's own attributes
  for (const [name, value] of attrs()) {
    if (name === 'family') {
      if (value !== 'ipv4' && value !== 'ipv6') return { error: `family must be ipv4 or ipv6, not "${value}"` };
      family = value;
    } else if (name !== 'priority') return { error: `"${name}" is not an attribute of rule` };
  }
  while (k < toks.length) {
    const t = toks[k];
    if (t.value !== undefined) return { error: `"${t.name}=" is not expected here` };
    k++;
    if (t.name === 'source' || t.name === 'destination' || (t.name === 'not' && (toks[k]?.name === 'source' || toks[k]?.name === 'destination'))) {
      // `source not address=…` and `not source …` are both read by firewalld's lexer as an inverted match
      let invert = t.name === 'not';
      const which = t.name === 'not' ? toks[k++].name : t.name;
      if (toks[k]?.name === 'not' && toks[k].value === undefined) { invert = true; k++; }
      const a = attrs();
      if (which === 'source') {
        const s: RichRuleSource = { invert };
        if (a.has('address')) s.address = a.get('address');
        if (a.has('ipset')) s.ipset = a.get('ipset');
        if (a.has('mac')) s.mac = a.get('mac');
        if (s.address === undefined && s.ipset === undefined && s.mac === undefined) return { error: 'source needs address, mac or ipset' };
        source = s;
      }
      continue;
    }
    if (ELEMENTS.has(t.name)) {
      if (matched) return { error: `a rich rule may hold only one element, but it has two (the second: ${t.name})` };
      matched = true;
      const a = attrs();
      switch (t.name) {
        case 'service':
          match = { kind: 'service', name: a.get('name') ?? '' };
          break;
        case 'port': {
          const p = a.get('port');
          match = { kind: 'port', protocol: a.get('protocol') ?? '', range: p !== undefined ? parsePortRange(p) : null };
          if (p === undefined || !a.has('protocol')) return { error: 'port needs port and protocol' };
          if (!match.range) return { error: `"${p}" is not a port or port range (N or N-M)` };
          break;
        }
        case 'protocol':
          match = { kind: 'protocol', value: a.get('value') ?? '' };
          break;
        default:
          match = { kind: 'other', element: t.name };
      }
      continue;
    }
    if (ACTIONS.has(t.name)) {
      if (action !== 'none') return { error: 'a rich rule has one action' };
      action = t.name as ZoneRichRuleEntry['action'];
      attrs(); // reject type=…, mark set=…
      if (toks[k]?.name === 'limit') { k++; attrs(); }
      continue;
    }
    if (TRAILERS.has(t.name)) {
      attrs();
      if (toks[k]?.name === 'limit') { k++; attrs(); }
      continue;
    }
    return { error: `"${t.name}" is not a rich-rule element` };
  }
  if ((source?.address !== undefined) && !family) return { error: 'family is required with a source address' };
  const entry: ZoneRichRuleEntry = { kind: 'rich', action, match, span };
  if (family) entry.family = family;
  if (source) entry.source = source;
  return { entry };
}

/** Two rich rules that are the same rule (for `--remove-rich-rule`): the same entry apart from where it is written. */
export function sameRichRule(a: ZoneRichRuleEntry, b: ZoneRichRuleEntry): boolean {
  const key = (e: ZoneRichRuleEntry) => JSON.stringify([e.action, e.family ?? '', e.source ?? null, e.match]);
  return key(a) === key(b);
}
