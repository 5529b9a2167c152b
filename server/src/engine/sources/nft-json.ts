/**
 * `nft -j list ruleset` JSON: `{"nftables": [{"table": …}, {"chain": …}, {"rule": …}, {"set": …}]}`, read with
 * `parse/json.ts` into the shape of `netfilter-model.ts`. A rule's `expr` list becomes conditions and a verdict:
 * `match` on `tcp dport`, `ip saddr`, `meta l4proto`, `iifname`, `ct state`; `accept`, `drop`, `reject`, `jump`,
 * `goto`, `return`; anything else is an unknown condition. A JSON file without an `nftables` array is not claimed.
 */
import { arrayItems, jsonSpan, jsonValue, parseJson, propertyKeys, propertyValue, type JsonNode } from '../parse/json';
import type { ParseProblem } from '../parse/problem';
import type { PortRange, Protocol, ReadResult } from './model';
import type { NfChain, NfCondition, NfRule, NfRuleset, NfTable, NfVerdict } from './netfilter-model';
import { canonicalCidr, detectNewline, parsePortNumber } from './source-common';

const PROTOCOLS: Record<string, Protocol> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };
const PRIORITIES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };

/** Does the text look like nft JSON (a top-level object with an `nftables` array)? Cheap: parsed once by the reader. */
export function readNftJson(path: string, text: string): ReadResult<NfRuleset> {
  const parsed = parseJson(text);
  const root = parsed.root;
  const list = root?.type === 'object' ? propertyValue(root, 'nftables') : undefined;
  if (!list || list.type !== 'array') return { value: null, problems: [] };
  const problems: ParseProblem[] = [...parsed.problems];
  const ruleset: NfRuleset = { format: 'nft-json', path, tables: [], newline: detectNewline(text), unresolved: [] };
  const tables = new Map<string, NfTable>();
  const sets = new Map<string, string[] | undefined>();
  const lineOf = (offset: number) => { let n = 1; for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) n++; return n; };
  const str = (o: JsonNode | undefined, k: string) => { const v = jsonValue(propertyValue(o, k)); return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined; };
  const tableOf = (family: string | undefined, name: string | undefined, at: JsonNode): NfTable | undefined => {
    if (family !== 'inet' && family !== 'ip' && family !== 'ip6') return undefined;
    const key = `${family} ${name}`;
    let t = tables.get(key);
    if (!t) { t = { family, name: name ?? '', span: jsonSpan(at), chains: new Map() }; tables.set(key, t); ruleset.tables.push(t); }
    return t;
  };
  const chainOf = (t: NfTable, name: string, at: JsonNode): NfChain => {
    let c = t.chains.get(name);
    if (!c) {
      const span = jsonSpan(at);
      c = { name, input: false, priority: 0, policy: 'accept', policySpan: span, policyText: '', policyLine: lineOf(span.start), rules: [], appendAt: -1, indent: '' };
      t.chains.set(name, c);
    }
    return c;
  };
  const items = arrayItems(list);
  // sets and chains first: rules may come before the chain object that declares them in hand-written files
  for (const item of items) {
    const [kind] = propertyKeys(item);
    const o = propertyValue(item, kind);
    if (kind === 'set') {
      const elem = propertyValue(o, 'elem');
      const flags = jsonValue(propertyValue(o, 'flags'));
      const dynamic = Array.isArray(flags) && (flags.includes('dynamic') || flags.includes('timeout'));
      sets.set(`${str(o, 'family')} ${str(o, 'table')} ${str(o, 'name')}`, dynamic || !elem ? undefined : arrayItems(elem).flatMap(valueTexts));
    } else if (kind === 'chain') {
      const t = tableOf(str(o, 'family'), str(o, 'table'), item);
      const name = str(o, 'name');
      if (!t || !name) continue;
      const c = chainOf(t, name, item);
      const prio = jsonValue(propertyValue(o, 'prio'));
      c.input = str(o, 'type') === 'filter' && str(o, 'hook') === 'input';
      c.priority = typeof prio === 'number' ? prio : typeof prio === 'string' ? PRIORITIES[prio] ?? 0 : 0;
      const policy = str(o, 'policy');
      if (policy) {
        c.policy = policy === 'drop' ? 'drop' : 'accept';
        const p = propertyValue(o, 'policy')!;
        c.policySpan = jsonSpan(p);
        c.policyText = `"policy": "${policy}"`;
        c.policyLine = lineOf(p.offset);
      }
    }
  }
  for (const item of items) {
    const [kind] = propertyKeys(item);
    if (kind !== 'rule') continue;
    const o = propertyValue(item, kind);
    const family = str(o, 'family');
    const t = tableOf(family, str(o, 'table'), item);
    const chainName = str(o, 'chain');
    if (!t || !chainName) continue;
    const c = chainOf(t, chainName, item);
    const span = jsonSpan(item);
    const handle = str(o, 'handle');
    const read = ruleOf(arrayItems(propertyValue(o, 'expr')), (n) => sets.get(`${family} ${t.name} ${n}`));
    const text2 = `rule${handle ? ` handle ${handle}` : ''} of chain ${chainName} (${read.words})`;
    for (const r of read.rules) c.rules.push({ ...r, span, text: text2, line: lineOf(span.start) } satisfies NfRule);
  }
  return { value: ruleset, problems };
}

function valueTexts(n: JsonNode): string[] {
  const v = jsonValue(n);
  if (typeof v === 'string' || typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) return v.flatMap((x) => valueTexts2(x));
  return valueTexts2(v);
}

function valueTexts2(v: unknown): string[] {
  if (typeof v === 'string' || typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) return v.flatMap(valueTexts2);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Object.hasOwn(o, 'set')) return valueTexts2(o.set);
    if (Object.hasOwn(o, 'range') && Array.isArray(o.range) && o.range.length === 2) return [`${String(o.range[0])}-${String(o.range[1])}`];
    if (Object.hasOwn(o, 'prefix') && o.prefix && typeof o.prefix === 'object') {
      const p = o.prefix as Record<string, unknown>;
      return [`${String(p.addr)}/${String(p.len)}`];
    }
    if (Object.hasOwn(o, 'elem') && o.elem && typeof o.elem === 'object') return valueTexts2((o.elem as Record<string, unknown>).val);
  }
  return ['?'];
}

function portRange(v: string): PortRange | null {
  const dash = v.indexOf('-');
  if (dash > 0) {
    const a = parsePortNumber(v.slice(0, dash));
    const b = parsePortNumber(v.slice(dash + 1));
    return a === null || b === null ? null : { min: Math.min(a, b), max: Math.max(a, b) };
  }
  const n = parsePortNumber(v);
  return n === null ? null : { min: n, max: n };
}

function verdictOf(kind: string, body: unknown): NfVerdict | undefined {
  switch (kind) {
    case 'accept': case 'drop': case 'reject': case 'return': case 'continue': return { kind };
    case 'jump': case 'goto': {
      const target = body && typeof body === 'object' ? (body as Record<string, unknown>).target : undefined;
      return typeof target === 'string' ? { kind, chain: target } : { kind: 'unknown', text: kind };
    }
    case 'queue': return { kind: 'unknown', text: 'queue' };
    default: return undefined;
  }
}

/** A rule's expressions: conditions and verdict, and a few words that name it. */
function ruleOf(exprs: JsonNode[], set: (name: string) => string[] | undefined): { rules: Omit<NfRule, 'span' | 'text' | 'line'>[]; words: string } {
  const conditions: NfCondition[] = [];
  let verdict: NfVerdict = { kind: 'continue' };
  const words: string[] = [];
  for (const e of exprs) {
    const [kind] = propertyKeys(e);
    const body = propertyValue(e, kind);
    const v = verdictOf(kind, jsonValue(body));
    if (v) { verdict = v; words.push(v.kind === 'jump' || v.kind === 'goto' ? `${v.kind} ${v.chain}` : v.kind === 'unknown' ? v.text : v.kind); continue; }
    if (kind === 'vmap') {
      // `ct state vmap { established : accept, … }`: a new connection takes the verdict of `new`, if it is listed
      const key = jsonValue(propertyValue(body, 'key')) as Record<string, Record<string, unknown>> | null;
      const pairs = jsonValue(propertyValue(propertyValue(body, 'data'), 'set'));
      if (key && typeof key === 'object' && key.ct?.key === 'state' && Array.isArray(pairs)) {
        const hit = pairs.find((p): p is [string, Record<string, unknown>] => Array.isArray(p) && p[0] === 'new' && !!p[1] && typeof p[1] === 'object');
        const v = hit ? verdictOf(Object.keys(hit[1])[0] ?? '', Object.values(hit[1])[0]) : undefined;
        if (v) verdict = v;
        words.push('ct state vmap');
        continue;
      }
      verdict = { kind: 'unknown', text: 'vmap' };
      words.push('vmap');
      continue;
    }
    if (kind === 'counter' || kind === 'log' || kind === 'comment' || kind === 'mangle' || kind === 'notrack') continue;
    if (kind !== 'match') { conditions.push({ kind: 'unknown', text: kind }); words.push(kind); continue; }
    const op = jsonValue(propertyValue(body, 'op'));
    const invert = op === '!=';
    const left = jsonValue(propertyValue(body, 'left')) as Record<string, Record<string, unknown>> | null;
    const rightNode = propertyValue(body, 'right');
    const right = rightNode ? valueTexts(rightNode) : ['?'];
    const values = right.length === 1 && right[0].startsWith('@') ? set(right[0].slice(1)) : right;
    const payload = left && typeof left === 'object' ? left.payload : undefined;
    const meta = left && typeof left === 'object' ? left.meta : undefined;
    const ct = left && typeof left === 'object' ? left.ct : undefined;
    const proto = payload && typeof payload.protocol === 'string' ? payload.protocol : undefined;
    const field = payload && typeof payload.field === 'string' ? payload.field : undefined;
    words.push(`${proto ?? (meta ? `meta ${String(meta.key)}` : ct ? `ct ${String(ct.key)}` : '?')}${field ? ` ${field}` : ''} ${invert ? '!= ' : ''}${right.join(',')}`);
    if (!values) { conditions.push({ kind: 'unknown', text: words[words.length - 1] }); continue; }
    if (proto && field === 'dport') {
      if (proto !== 'th') conditions.push({ kind: 'protocol', protocols: [PROTOCOLS[proto] ?? 'other'], invert: false });
      const ranges = values.map(portRange);
      conditions.push(ranges.some((r) => r === null) ? { kind: 'unknown', text: `${proto} dport` } : { kind: 'dport', ranges: ranges as PortRange[], invert });
    } else if (proto && field === 'sport') {
      if (proto !== 'th') conditions.push({ kind: 'protocol', protocols: [PROTOCOLS[proto] ?? 'other'], invert: false });
      conditions.push({ kind: 'sport', invert });
    } else if ((proto === 'ip' || proto === 'ip6') && field === 'saddr') {
      conditions.push({ kind: 'family', family: proto === 'ip' ? 'ipv4' : 'ipv6' });
      const cidrs = values.map((x) => canonicalCidr(x));
      conditions.push(cidrs.some((c) => c === null) ? { kind: 'unknown', text: `${proto} saddr` } : { kind: 'saddr', cidrs: cidrs as string[], invert });
    } else if ((proto === 'ip' && field === 'protocol') || (proto === 'ip6' && field === 'nexthdr') || meta?.key === 'l4proto') {
      conditions.push({ kind: 'protocol', protocols: values.map((x) => PROTOCOLS[x] ?? 'other'), invert });
    } else if (meta?.key === 'iifname' || meta?.key === 'iif') {
      conditions.push({ kind: 'iface', names: values, invert });
    } else if (meta?.key === 'nfproto' && values.length === 1 && (values[0] === 'ipv4' || values[0] === 'ipv6') && !invert) {
      conditions.push({ kind: 'family', family: values[0] });
    } else if (ct?.key === 'state') {
      conditions.push({ kind: 'state', states: values.map((x) => x.toLowerCase()), invert });
    } else if (proto === 'icmp' || proto === 'icmpv6') {
      conditions.push({ kind: 'protocol', protocols: ['other'], invert: false });
    } else conditions.push({ kind: 'unknown', text: words[words.length - 1] });
  }
  return { rules: [{ conditions, verdict }], words: words.join(' ') };
}
