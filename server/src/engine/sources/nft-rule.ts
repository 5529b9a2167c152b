/**
 * One nftables rule's statements (`tcp dport { 80, 443 } ct state new accept`) as conditions and a verdict
 * (`netfilter-model.ts`): the selectors rulesets use for input filtering are read; anything else is kept as an
 * unknown condition, so that a rule we cannot read is never taken for a certain answer. A verdict map on the
 * destination port becomes one rule per element.
 */
import type { PortRange, Protocol } from './model';
import type { NfCondition, NfVerdict } from './netfilter-model';
import type { NftToken } from './nft-tokens';
import { canonicalCidr, parsePortNumber } from './source-common';

/** Service names nft reads from /etc/services, for the ports rulesets name. */
const SERVICES: Record<string, number> = {
  ssh: 22, http: 80, https: 443, domain: 53, smtp: 25, ntp: 123, bgp: 179, ftp: 21, telnet: 23, 'http-alt': 8080,
  submission: 587, imaps: 993, pop3s: 995, ldap: 389, ldaps: 636, mysql: 3306, postgresql: 5432, bootps: 67, bootpc: 68,
};

const PROTOCOLS: Record<string, Protocol> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP', '6': 'TCP', '17': 'UDP', '132': 'SCTP' };

/** What a rule's text resolves: named sets of its table (undefined elements: filled at run time). */
export interface NftRuleContext {
  set(name: string): string[] | undefined;
}

export interface NftReadRule {
  conditions: NfCondition[];
  verdict: NfVerdict;
}

const VERDICT_WORDS = new Set(['accept', 'drop', 'reject', 'return', 'continue', 'jump', 'goto', 'queue']);

/** `a-b` (ports), a port number or a service name. */
function portRange(v: string): PortRange | null {
  const dash = v.indexOf('-');
  if (dash > 0) {
    const a = portOf(v.slice(0, dash));
    const b = portOf(v.slice(dash + 1));
    return a === null || b === null ? null : { min: Math.min(a, b), max: Math.max(a, b) };
  }
  const n = portOf(v);
  return n === null ? null : { min: n, max: n };
}

function portOf(v: string): number | null {
  return parsePortNumber(v) ?? (Object.hasOwn(SERVICES, v) ? SERVICES[v] : null);
}

export function readNftRule(toks: NftToken[], ctx: NftRuleContext): NftReadRule[] {
  const conditions: NfCondition[] = [];
  let verdict: NfVerdict = { kind: 'continue' };
  let dportMap: { key: string; verdict: NfVerdict }[] | null = null;
  let i = 0;
  const peek = () => toks[i]?.t;
  /** an operator, then a value: one word, `{ a, b }`, or `@set`; `vmap { k : v, … }` as pairs */
  const value = (): { invert: boolean; values: string[] | null; vmap?: { key: string; verdict: NfVerdict }[] } => {
    let invert = false;
    const op = peek();
    if (op === '!=' || op === 'ne') { invert = true; i++; } else if (op === '==' || op === 'eq') i++;
    const t = toks[i];
    if (!t) return { invert, values: null };
    if (t.t === 'vmap') {
      i++;
      const pairs: { key: string; verdict: NfVerdict }[] = [];
      const inner = braced();
      if (!inner) return { invert, values: null };
      for (const el of splitCommas(inner)) {
        const colon = el.findIndex((x) => x.t === ':');
        if (colon < 0) continue;
        pairs.push({ key: el.slice(0, colon).map((x) => x.t).join(''), verdict: verdictOf(el.slice(colon + 1)) });
      }
      return { invert, values: null, vmap: pairs };
    }
    if (t.t === '{') {
      const inner = braced();
      return { invert, values: inner ? splitCommas(inner).map((el) => el.map((x) => x.t).join('')) : null };
    }
    i++;
    if (t.t.startsWith('@')) return { invert, values: ctx.set(t.t.slice(1)) ?? null };
    if (t.t.startsWith('$')) return { invert, values: null };
    // `ct state established,related`: one word with commas is split by the tokeniser into words and commas
    const words = [t.t];
    while (toks[i]?.t === ',' && toks[i + 1]) { words.push(toks[i + 1].t); i += 2; }
    return { invert, values: words };
  };
  const braced = (): NftToken[] | null => {
    if (toks[i]?.t !== '{') return null;
    let depth = 0;
    const start = i;
    for (; i < toks.length; i++) {
      if (toks[i].t === '{') depth++;
      else if (toks[i].t === '}' && --depth === 0) { i++; return toks.slice(start + 1, i - 1); }
    }
    return null;
  };
  const unknown = (text: string) => conditions.push({ kind: 'unknown', text });
  const skipValue = (what: string) => { const start = i; value(); unknown(`${what} ${toks.slice(start, i).map((x) => x.t).join(' ')}`.trim()); };

  while (i < toks.length) {
    const w = toks[i++].t;
    switch (w) {
      case 'tcp': case 'udp': case 'sctp': case 'dccp': case 'udplite': case 'th': {
        if (w !== 'th') conditions.push({ kind: 'protocol', protocols: [PROTOCOLS[w] ?? 'other'], invert: false });
        const field = toks[i++]?.t;
        if (field === 'dport') {
          const v = value();
          if (v.vmap) { dportMap = v.vmap; break; }
          const ranges = v.values?.map(portRange);
          if (!ranges || ranges.some((r) => r === null)) unknown(`${w} dport`);
          else conditions.push({ kind: 'dport', ranges: ranges as PortRange[], invert: v.invert });
        } else if (field === 'sport') {
          const v = value();
          conditions.push({ kind: 'sport', invert: v.invert });
        } else skipValue(`${w} ${field ?? ''}`);
        break;
      }
      case 'ip': case 'ip6': {
        conditions.push({ kind: 'family', family: w === 'ip' ? 'ipv4' : 'ipv6' });
        const field = toks[i++]?.t;
        if (field === 'saddr') {
          const v = value();
          const cidrs = v.values?.map((x) => canonicalCidr(x));
          if (!cidrs || cidrs.some((c) => c === null)) unknown(`${w} saddr`);
          else conditions.push({ kind: 'saddr', cidrs: cidrs as string[], invert: v.invert });
        } else if (field === 'protocol' || field === 'nexthdr') {
          const v = value();
          if (!v.values) unknown(`${w} ${field}`);
          else conditions.push({ kind: 'protocol', protocols: v.values.map((x) => PROTOCOLS[x] ?? 'other'), invert: v.invert });
        } else skipValue(`${w} ${field ?? ''}`);
        break;
      }
      case 'meta': {
        const key = toks[i++]?.t;
        if (key === 'l4proto') {
          const v = value();
          if (!v.values) unknown('meta l4proto');
          else conditions.push({ kind: 'protocol', protocols: v.values.map((x) => PROTOCOLS[x] ?? 'other'), invert: v.invert });
        } else if (key === 'nfproto') {
          const v = value();
          if (v.values?.length === 1 && (v.values[0] === 'ipv4' || v.values[0] === 'ipv6') && !v.invert) conditions.push({ kind: 'family', family: v.values[0] });
          else unknown('meta nfproto');
        } else if (key === 'iifname' || key === 'iif') iface();
        else if (peek() === 'set') { i++; value(); } // (`meta mark set 1`: a statement, not a match)
        else skipValue(`meta ${key ?? ''}`);
        break;
      }
      case 'iifname': case 'iif': iface(); break;
      case 'ct': {
        const key = toks[i++]?.t;
        if (key === 'state') {
          const v = value();
          if (v.vmap) {
            const hit = v.vmap.find((p) => p.key === 'new');
            if (hit) verdict = hit.verdict;
            else if (v.vmap.some((p) => !['established', 'related', 'invalid', 'untracked'].includes(p.key))) unknown('ct state vmap');
            else return [{ conditions, verdict: { kind: 'continue' } }]; // (no verdict for a new connection)
          } else if (!v.values) unknown('ct state');
          else conditions.push({ kind: 'state', states: v.values.map((x) => x.toLowerCase()), invert: v.invert });
        } else if (peek() === 'set') { i++; value(); }
        else skipValue(`ct ${key ?? ''}`);
        break;
      }
      case 'icmp': case 'icmpv6': case 'igmp': case 'esp': case 'ah': case 'gre':
        conditions.push({ kind: 'protocol', protocols: ['other'], invert: false });
        if (toks[i] && !VERDICT_WORDS.has(toks[i].t)) { i++; value(); }
        break;
      case 'counter':
        while (peek() === 'packets' || peek() === 'bytes' || peek() === 'name') i += 2;
        break;
      case 'log':
        while (['prefix', 'level', 'group', 'snaplen', 'queue-threshold', 'flags'].includes(peek() ?? '')) {
          i++;
          if (toks[i - 1].t === 'flags') while (toks[i] && !VERDICT_WORDS.has(toks[i].t) && toks[i].kind === 'word' && /^[a-z-]+$/.test(toks[i].t) && toks[i].t !== 'prefix') i++;
          else i++;
        }
        break;
      case 'comment': i++; break;
      case 'limit': {
        const start = i - 1;
        while (i < toks.length && !VERDICT_WORDS.has(toks[i].t) && !['counter', 'log', 'comment'].includes(toks[i].t)) i++;
        unknown(toks.slice(start, i).map((x) => x.t).join(' '));
        break;
      }
      case 'accept': verdict = { kind: 'accept' }; break;
      case 'drop': verdict = { kind: 'drop' }; break;
      case 'return': verdict = { kind: 'return' }; break;
      case 'continue': verdict = { kind: 'continue' }; break;
      case 'reject':
        verdict = { kind: 'reject' };
        if (peek() === 'with') { i++; while (i < toks.length && toks[i].t !== 'comment') i++; }
        break;
      case 'jump': case 'goto': {
        const target = toks[i++]?.t;
        verdict = target ? { kind: w, chain: target } : { kind: 'unknown', text: w };
        break;
      }
      default:
        if (w === 'queue' || w === 'notrack' || w === 'masquerade' || w === 'snat' || w === 'dnat' || w === 'redirect' || w === 'tproxy') {
          verdict = w === 'notrack' ? { kind: 'continue' } : { kind: 'unknown', text: w };
          if (w !== 'notrack') i = toks.length;
        } else unknown(w);
    }
  }
  if (dportMap) {
    return dportMap.map((p) => {
      const r = portRange(p.key);
      const c: NfCondition[] = r ? [...conditions, { kind: 'dport', ranges: [r], invert: false }] : [...conditions, { kind: 'unknown', text: `dport ${p.key}` }];
      return { conditions: c, verdict: p.verdict };
    });
  }
  return [{ conditions, verdict }];

  function iface(): void {
    const v = value();
    if (!v.values) unknown('iifname');
    else conditions.push({ kind: 'iface', names: v.values, invert: v.invert });
  }
}

function splitCommas(toks: NftToken[]): NftToken[][] {
  const out: NftToken[][] = [[]];
  for (const t of toks) {
    if (t.t === ',') out.push([]);
    else if (t.kind !== 'newline') out[out.length - 1].push(t);
  }
  return out.filter((x) => x.length > 0);
}

function verdictOf(toks: NftToken[]): NfVerdict {
  const w = toks[0]?.t;
  if (w === 'accept' || w === 'drop' || w === 'reject' || w === 'return' || w === 'continue') return { kind: w };
  if ((w === 'jump' || w === 'goto') && toks[1]) return { kind: w, chain: toks[1].t };
  return { kind: 'unknown', text: toks.map((t) => t.t).join(' ') };
}
