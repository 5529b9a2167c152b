/**
 * `iptables-save` files (`rules.v4`, `rules.v6`, `*.iptables`): the `filter` table's chains with their policies
 * and the rules appended to them, in the shape of `netfilter-model.ts`. The format is line-oriented: each line is
 * tokenised as `iptables-restore` does (words split on white space, double or single quotes, a backslash escape
 * inside quotes, `#` comment lines, the `[packets:bytes]` counters `iptables-save -c` writes). Never throws: a line
 * that cannot be read is a problem, and the rest is read.
 */
import type { ParseProblem } from '../parse/problem';
import type { Span } from '../text/span';
import type { PortRange, Protocol, ReadResult } from './model';
import type { NfChain, NfCondition, NfRule, NfRuleset, NfTable, NfVerdict } from './netfilter-model';
import { canonicalCidr, detectNewline, parsePortNumber } from './source-common';
import { baseName } from '../util/paths';

/** More rules than this are not read (a limit problem). */
export const IPTABLES_LIMITS = { maxRules: 50_000, maxProblems: 20 } as const;

interface Word {
  text: string;
  start: number;
  end: number;
}

/** The words of one line, as iptables-restore splits them; `error` for an unterminated quote. */
export function iptablesWords(line: string, offset: number): { words: Word[]; error?: string } {
  const words: Word[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    const start = i;
    let text = '';
    let quote: string | null = null;
    while (i < line.length) {
      const ch = line[i];
      if (quote) {
        if (ch === '\\' && i + 1 < line.length) { text += line[i + 1]; i += 2; continue; }
        if (ch === quote) { quote = null; i++; continue; }
        text += ch; i++;
        continue;
      }
      if (ch === ' ' || ch === '\t' || ch === '\r') break;
      if (ch === '"' || ch === "'") { quote = ch; i++; continue; }
      text += ch; i++;
    }
    if (quote) return { words, error: 'a quote is not closed on this line' };
    words.push({ text, start: offset + start, end: offset + i });
  }
  return { words };
}

/** Targets that do not end the chain's evaluation. */
const CONTINUING = new Set(['LOG', 'NFLOG', 'ULOG', 'MARK', 'CONNMARK', 'CT', 'TRACE', 'AUDIT', 'CLASSIFY', 'DSCP', 'TOS', 'TCPMSS', 'SET', 'TTL', 'HL', 'NOTRACK', 'IDLETIMER', 'LED', 'SECMARK', 'CONNSECMARK']);

const PROTOCOLS: Record<string, Protocol | 'all'> = { tcp: 'TCP', '6': 'TCP', udp: 'UDP', '17': 'UDP', sctp: 'SCTP', '132': 'SCTP', all: 'all', '0': 'all' };

/** The family a file's name says (rules.v6, *.ip6tables): ip6; else ip. */
export function iptablesFamily(path: string): 'ip' | 'ip6' {
  const b = baseName(path).toLowerCase();
  return b === 'rules.v6' || b.startsWith('ip6tables') || b.endsWith('.ip6tables') ? 'ip6' : 'ip';
}

/** An address as iptables reads it: a CIDR, an address, a netmask form, or `0/0` (every address). */
export function iptablesCidr(text: string): string | null {
  return canonicalCidr(text.startsWith('0/') ? `0.0.0.0${text.slice(1)}` : text);
}

/** `N` or `N:M` (iptables ranges; an open end `:M` or `N:` reaches 0 or 65535), null when not a port or range. */
export function iptablesPortRange(s: string): PortRange | null {
  const colon = s.indexOf(':');
  if (colon < 0) {
    const n = parsePortNumber(s);
    return n === null ? null : { min: n, max: n };
  }
  const min = colon === 0 ? 0 : parsePortNumber(s.slice(0, colon));
  const max = colon === s.length - 1 ? 65535 : parsePortNumber(s.slice(colon + 1));
  if (min === null || max === null) return null;
  return min <= max ? { min, max } : { min: max, max: min };
}

interface LineCtx {
  problems: ParseProblem[];
  problem(message: string, span: Span): void;
}

/**
 * The conditions and verdict of a rule's words after `-A CHAIN`. `declared`: the chains of the table (a `-j` to
 * one of them is a jump).
 */
function readRule(words: Word[], declared: (name: string) => boolean, ctx: LineCtx): { conditions: NfCondition[]; verdict: NfVerdict } {
  const conditions: NfCondition[] = [];
  let verdict: NfVerdict = { kind: 'continue' };
  let negate = false;
  let i = 0;
  const arg = (): Word | undefined => {
    let w = words[i];
    if (w?.text === '!') { negate = !negate; i++; w = words[i]; } // (the old form `-s ! 10.0.0.0/8`)
    if (w) i++;
    return w;
  };
  /** the arguments of an option we do not read: every word up to the next option */
  const skipArgs = (): string[] => {
    const out: string[] = [];
    while (i < words.length && !words[i].text.startsWith('-') && words[i].text !== '!') out.push(words[i++].text);
    return out;
  };
  const unknown = (opt: string, args: string[]) => conditions.push({ kind: 'unknown', text: [opt, ...args].join(' ') });
  while (i < words.length) {
    const w = words[i++];
    const opt = w.text;
    if (opt === '!') { negate = true; continue; }
    const invert = negate;
    negate = false;
    switch (opt) {
      case '-p': case '--protocol': {
        const a = arg();
        if (!a) { ctx.problem(`${opt} needs a protocol`, w); break; }
        const inv = invert || negate;
        negate = false;
        const p = PROTOCOLS[a.text.toLowerCase()];
        if (p === 'all') { if (inv) conditions.push({ kind: 'protocol', protocols: [], invert: false }); } // (`! -p all` matches nothing)
        else conditions.push({ kind: 'protocol', protocols: [p ?? 'other'], invert: inv });
        break;
      }
      case '-s': case '--source': case '--src': {
        const a = arg();
        if (!a) { ctx.problem(`${opt} needs an address`, w); break; }
        const cidrs = a.text.split(',').map(iptablesCidr);
        if (cidrs.some((c) => c === null)) { unknown(opt, [a.text]); ctx.problem(`"${a.text}" is not an address or CIDR`, a); }
        else conditions.push({ kind: 'saddr', cidrs: cidrs as string[], invert: invert || negate });
        negate = false;
        break;
      }
      case '-d': case '--destination': case '--dst': {
        const a = arg();
        if (!a) { ctx.problem(`${opt} needs an address`, w); break; }
        const c = iptablesCidr(a.text);
        const inv = invert || negate;
        const loopback = !!c && (c === '::1/128' || (c.startsWith('127.') && Number(c.split('/')[1]) >= 8));
        if (loopback) { if (!inv) conditions.push({ kind: 'never', text: `${opt} ${a.text}` }); }
        else if (!(c && c.endsWith('/0') && !inv)) unknown(opt, [a.text]); // (the node's own addresses are not known)
        negate = false;
        break;
      }
      case '-i': case '--in-interface': {
        const a = arg();
        if (!a) { ctx.problem(`${opt} needs an interface`, w); break; }
        conditions.push({ kind: 'iface', names: [a.text], invert: invert || negate });
        negate = false;
        break;
      }
      case '--dport': case '--destination-port': case '--dports': case '--destination-ports': {
        const a = arg();
        if (!a) { ctx.problem(`${opt} needs a port`, w); break; }
        const ranges = a.text.split(',').map(iptablesPortRange);
        if (ranges.some((r) => r === null)) { unknown(opt, [a.text]); ctx.problem(`"${a.text}" is not a port or port range`, a); }
        else conditions.push({ kind: 'dport', ranges: ranges as PortRange[], invert: invert || negate });
        negate = false;
        break;
      }
      case '--sport': case '--source-port': case '--sports': case '--source-ports': {
        const a = arg();
        if (!a) { ctx.problem(`${opt} needs a port`, w); break; }
        conditions.push({ kind: 'sport', invert: invert || negate });
        negate = false;
        break;
      }
      case '--state': case '--ctstate': {
        const a = arg();
        if (!a) { ctx.problem(`${opt} needs states`, w); break; }
        conditions.push({ kind: 'state', states: a.text.toLowerCase().split(','), invert: invert || negate });
        negate = false;
        break;
      }
      case '-m': case '--match': {
        const a = arg();
        if (!a) ctx.problem(`${opt} needs a match name`, w);
        break; // (the options that follow are read on their own)
      }
      case '--comment': case '--syn': case '--icmp-type': case '--icmpv6-type': case '-c': case '--set-counters':
        skipArgs();
        break;
      case '-j': case '--jump': case '-g': case '--goto': {
        const a = arg();
        if (!a) { ctx.problem(`${opt} needs a target`, w); break; }
        const t = a.text;
        const opts = skipTargetOptions(words, i);
        i = opts.next;
        if (opt === '-g' || opt === '--goto') verdict = declared(t) ? { kind: 'goto', chain: t } : { kind: 'unknown', text: `-g ${t}` };
        else if (t === 'ACCEPT') verdict = { kind: 'accept' };
        else if (t === 'DROP') verdict = { kind: 'drop' };
        else if (t === 'REJECT') verdict = { kind: 'reject' };
        else if (t === 'RETURN') verdict = { kind: 'return' };
        else if (declared(t)) verdict = { kind: 'jump', chain: t };
        else if (CONTINUING.has(t)) verdict = { kind: 'continue' };
        else verdict = { kind: 'unknown', text: `-j ${t}` };
        break;
      }
      default:
        if (!opt.startsWith('-')) { ctx.problem(`"${opt}" is not an option`, w); break; }
        unknown(invert ? `! ${opt}` : opt, skipArgs());
    }
  }
  return { conditions, verdict };
}

/** A target's own options (`--reject-with …`, `--log-prefix "…"`): every word after the target. */
function skipTargetOptions(words: Word[], i: number): { next: number } {
  while (i < words.length && words[i].text !== '-j' && words[i].text !== '-g' && words[i].text !== '-m') i++;
  return { next: i };
}

/**
 * Reads an iptables-save file. `value` is null (and nothing is reported) when the file's first line that is not a
 * comment is not a table header (`*filter`): it is not an iptables-save file.
 */
export function readIptablesSave(path: string, text: string): ReadResult<NfRuleset> {
  const problems: ParseProblem[] = [];
  const ctx: LineCtx = {
    problems,
    problem(message, span) { if (problems.length < IPTABLES_LIMITS.maxProblems) problems.push({ message, span: { start: span.start, end: span.end } }); },
  };
  const family = iptablesFamily(path);
  const ruleset: NfRuleset = { format: 'iptables', path, tables: [], newline: detectNewline(text), unresolved: [] };
  let table: { name: string; start: number; chains: Map<string, NfChain>; header: Span } | null = null;
  let seenHeader = false;
  let rules = 0;
  let pos = 0;
  let lineNo = 0;
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const raw = text.slice(pos, end);
    const lineStart = pos;
    lineNo++;
    pos = end + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    const lead = line.length - line.trimStart().length;
    const span = { start: lineStart + lead, end: lineStart + line.trimEnd().length };
    if (trimmed === '' || trimmed.startsWith('#')) { if (nl < 0) break; continue; }
    if (!seenHeader) {
      seenHeader = true;
      if (!trimmed.startsWith('*')) return { value: null, problems: [] };
    }
    if (lead > 0 && (trimmed.startsWith('*') || trimmed.startsWith(':') || trimmed === 'COMMIT')) {
      ctx.problem(`iptables-restore reads "${trimmed.split(/\s/)[0]}" only at the start of a line`, span);
    }
    if (trimmed.startsWith('*')) {
      if (table) ctx.problem(`table "${table.name}" has no COMMIT before the next table`, table.header);
      table = { name: trimmed.slice(1).trim(), start: lineStart, chains: new Map(), header: span };
    } else if (trimmed === 'COMMIT') {
      if (!table) ctx.problem('COMMIT outside a table', span);
      else {
        for (const c of table.chains.values()) if (c.appendAt < 0) c.appendAt = lineStart;
        if (table.name === 'filter') ruleset.tables.push({ family, name: 'filter', span: { start: table.start, end: span.end }, chains: table.chains });
      }
      table = null;
    } else if (!table) {
      ctx.problem('a line outside a table (the table header, such as *filter, is missing)', span);
    } else if (trimmed.startsWith(':')) {
      const { words } = iptablesWords(trimmed.slice(1), span.start + 1);
      const name = words[0]?.text;
      const pol = words[1]?.text;
      if (!name || !pol) { ctx.problem('a chain line needs a name and a policy (":INPUT ACCEPT [0:0]")', span); }
      else {
        if (pol !== '-' && pol !== 'ACCEPT' && pol !== 'DROP') ctx.problem(`"${pol}" is not a chain policy (ACCEPT, DROP or - for a user chain)`, words[1]);
        table.chains.set(name, {
          name, input: name === 'INPUT', priority: 0, policy: pol === 'DROP' ? 'drop' : 'accept',
          policySpan: span, policyText: trimmed, policyLine: lineNo, rules: [], appendAt: -1, indent: '',
        });
      }
    } else {
      let body = trimmed;
      let bodyStart = span.start;
      const counters = /^\[\d+:\d+\]\s*/.exec(body);
      if (counters) { body = body.slice(counters[0].length); bodyStart += counters[0].length; }
      const { words, error } = iptablesWords(body, bodyStart);
      if (error) { ctx.problem(error, span); if (nl < 0) break; continue; }
      const op = words[0]?.text;
      if (op !== '-A' && op !== '--append' && op !== '-I' && op !== '--insert') {
        ctx.problem(`"${op}" is not a rule (-A CHAIN …) of iptables-save`, span);
      } else if (!words[1]) ctx.problem(`${op} needs a chain`, span);
      else {
        const chain = table.chains.get(words[1].text);
        if (!chain) ctx.problem(`chain "${words[1].text}" is not declared in table "${table.name}"`, words[1]);
        else if (++rules > IPTABLES_LIMITS.maxRules) {
          if (rules === IPTABLES_LIMITS.maxRules + 1) problems.push({ message: `more than ${IPTABLES_LIMITS.maxRules} rules: the rest is not read`, span, limit: true });
        } else {
          const insert = op === '-I' || op === '--insert';
          let rest = words.slice(2);
          if (insert && rest[0] && /^\d+$/.test(rest[0].text)) rest = rest.slice(1);
          const tables = table.chains;
          const r = readRule(rest, (n) => tables.has(n), ctx);
          const rule: NfRule = { ...r, span, text: body, line: lineNo };
          if (insert) chain.rules.unshift(rule); else chain.rules.push(rule);
          chain.appendAt = nl < 0 ? text.length : pos;
        }
      }
    }
    if (nl < 0) break;
  }
  if (table) ctx.problem(`table "${table.name}" has no COMMIT line: iptables-restore would not apply it`, table.header);
  if (!seenHeader) return { value: null, problems: [] };
  return { value: ruleset, problems };
}
