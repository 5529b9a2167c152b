/**
 * `nft list ruleset` text and `nft -f` scripts (`*.nft`, `nftables.conf`): tables, their sets, chains (a base chain
 * with `type filter hook input priority P; policy X;`), rules (`nft-rule.ts`), `define` variables, and the
 * command forms `add table`, `add chain`, `add rule` / `insert rule`. An `include` is not followed: it is kept as
 * unresolved, so the ruleset's denies are not taken as certain. Never throws.
 */
import type { ParseProblem } from '../parse/problem';
import type { ReadResult } from './model';
import type { NfChain, NfRule, NfRuleset, NfTable } from './netfilter-model';
import { nftTokens, type NftToken } from './nft-tokens';
import { readNftRule } from './nft-rule';
import { detectNewline } from './source-common';

export const NFT_LIMITS = { maxRules: 50_000, maxProblems: 20, maxDefineExpansion: 10_000 } as const;

const PRIORITIES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };
const FAMILIES = new Set(['inet', 'ip', 'ip6', 'arp', 'bridge', 'netdev']);

interface TableState {
  table: NfTable;
  sets: Map<string, string[] | undefined>;
  keep: boolean;
}

export function readNftText(path: string, text: string): ReadResult<NfRuleset> {
  const problems: ParseProblem[] = [];
  const problem = (message: string, t: { start: number; end: number } | undefined, limit?: boolean) => {
    if (problems.length >= NFT_LIMITS.maxProblems) return;
    const at = t ?? { start: text.length, end: text.length };
    problems.push({ message, span: { start: at.start, end: at.end }, ...(limit ? { limit } : {}) });
  };
  const ruleset: NfRuleset = { format: 'nft-text', path, tables: [], newline: detectNewline(text), unresolved: [] };
  const lexed = nftTokens(text);
  if (lexed.error) problem(lexed.error.message, lexed.error);
  const toks = lexed.tokens;
  const defines = new Map<string, NftToken[]>();
  const tables = new Map<string, TableState>();
  let rules = 0;
  let i = 0;

  const lineStartOf = (offset: number) => { const nl = text.lastIndexOf('\n', offset - 1); return nl + 1; };
  const indentAt = (offset: number) => { const s = lineStartOf(offset); return /^[ \t]*/.exec(text.slice(s, offset))![0]; };
  /** the tokens of one statement (up to `;`, a line end or an unmatched `}` at depth 0; braces inside kept) */
  const statement = (): NftToken[] => {
    const out: NftToken[] = [];
    let depth = 0;
    while (i < toks.length) {
      const t = toks[i];
      if (depth === 0 && (t.t === ';' || t.kind === 'newline')) { i++; break; }
      if (t.t === '}' && depth === 0) break;
      if (t.t === '{') depth++;
      if (t.t === '}') depth--;
      if (depth > 0 && t.kind === 'newline') { i++; continue; }
      out.push(t);
      i++;
    }
    return out;
  };
  let expanded = 0;
  const expand = (st: NftToken[], depth = 0): NftToken[] => {
    if (!st.some((t) => t.t.startsWith('$'))) return st;
    const out: NftToken[] = [];
    for (const t of st) {
      const d = t.t.startsWith('$') ? defines.get(t.t.slice(1)) : undefined;
      if (d && depth < 5 && (expanded += d.length) < NFT_LIMITS.maxDefineExpansion) out.push(...expand(d, depth + 1).map((x) => ({ ...x, start: t.start, end: t.end, line: t.line })));
      else out.push(t);
    }
    return out;
  };
  const tableOf = (family: string, name: string, at: NftToken): TableState => {
    const key = `${family} ${name}`;
    let ts = tables.get(key);
    if (!ts) {
      const keep = family === 'inet' || family === 'ip' || family === 'ip6';
      ts = { table: { family: keep ? family as NfTable['family'] : 'ip', name, span: { start: at.start, end: at.end }, chains: new Map() }, sets: new Map(), keep };
      tables.set(key, ts);
      if (keep) ruleset.tables.push(ts.table);
    }
    return ts;
  };
  const chainOf = (ts: TableState, name: string, at: NftToken): NfChain => {
    let c = ts.table.chains.get(name);
    if (!c) {
      c = { name, input: false, priority: 0, policy: 'accept', policySpan: { start: at.start, end: at.end }, policyText: '', policyLine: at.line, rules: [], appendAt: -1, indent: '' };
      ts.table.chains.set(name, c);
    }
    return c;
  };
  const addRule = (ts: TableState, chain: NfChain, st: NftToken[], insert: boolean) => {
    if (st.length === 0) return;
    if (++rules > NFT_LIMITS.maxRules) { if (rules === NFT_LIMITS.maxRules + 1) problem(`more than ${NFT_LIMITS.maxRules} rules: the rest is not read`, st[0], true); return; }
    const span = { start: st[0].start, end: st[st.length - 1].end };
    const ruleText = text.slice(span.start, span.end).replace(/\s+/g, ' ');
    const read = readNftRule(expand(st), { set: (n) => ts.sets.get(n) });
    const made: NfRule[] = read.map((r) => ({ ...r, span, text: ruleText, line: st[0].line }));
    if (insert) chain.rules.unshift(...made); else chain.rules.push(...made);
    if (!chain.indent) chain.indent = indentAt(st[0].start);
  };
  /** `type filter hook input priority 0` and `policy drop` (inside a chain block or an `add chain` block) */
  const chainSetting = (chain: NfChain, st: NftToken[]): boolean => {
    const w = st[0]?.t;
    if (w === 'type') {
      const hook = st.findIndex((t) => t.t === 'hook');
      const prio = st.findIndex((t) => t.t === 'priority');
      chain.input = st[1]?.t === 'filter' && st[hook + 1]?.t === 'input';
      if (prio >= 0) {
        const words = st.slice(prio + 1).map((t) => t.t).join('');
        const m = /^([a-z]+|-?\d+)(?:([+-])(\d+))?$/.exec(words);
        const base = m ? (/^-?\d+$/.test(m[1]) ? Number(m[1]) : PRIORITIES[m[1]]) : undefined;
        if (base === undefined) problem(`"${words}" is not a chain priority`, st[prio]);
        else chain.priority = base + (m![2] ? (m![2] === '-' ? -1 : 1) * Number(m![3]) : 0);
      }
      return true;
    }
    if (w === 'policy') {
      const p = st[1]?.t;
      if (p !== 'accept' && p !== 'drop') problem(`"${p ?? ''}" is not a chain policy (accept or drop)`, st[1] ?? st[0]);
      chain.policy = p === 'drop' ? 'drop' : 'accept';
      chain.policySpan = { start: st[0].start, end: st[st.length - 1].end };
      chain.policyText = `policy ${chain.policy}`;
      chain.policyLine = st[0].line;
      return true;
    }
    return w === 'comment' || w === 'devices' || w === 'device';
  };
  const chainBody = (ts: TableState, chain: NfChain) => {
    while (i < toks.length && toks[i].t !== '}') {
      const st = statement();
      if (!chainSetting(chain, st)) addRule(ts, chain, st, false);
    }
    const close = toks[i];
    if (!close) { problem(`chain "${chain.name}" is not closed with }`, undefined); return; }
    i++;
    if (chain.appendAt < 0) chain.appendAt = lineStartOf(close.start);
    if (!chain.indent) chain.indent = indentAt(close.start) + '\t';
  };
  /** skips a `{ … }` block (the `{` is the next token) */
  const skipBlock = () => {
    let depth = 0;
    for (; i < toks.length; i++) {
      if (toks[i].t === '{') depth++;
      else if (toks[i].t === '}' && --depth === 0) { i++; return; }
    }
  };
  const setBody = (ts: TableState, name: string) => {
    i++; // {
    let elements: string[] | undefined;
    let dynamic = false;
    while (i < toks.length && toks[i].t !== '}') {
      const st = statement();
      if (st[0]?.t === 'elements') {
        const vals = st.slice(st.findIndex((t) => t.t === '{') + 1).filter((t) => t.t !== '}' && t.t !== ',' && t.kind !== 'newline');
        elements = vals.map((t) => t.t);
      } else if (st[0]?.t === 'flags' && st.some((t) => t.t === 'dynamic' || t.t === 'timeout')) dynamic = true;
      else if (st[0]?.t === 'timeout') dynamic = true;
    }
    i++;
    ts.sets.set(name, dynamic ? undefined : elements);
  };
  const tableBody = (ts: TableState) => {
    i++; // {
    while (i < toks.length && toks[i].t !== '}') {
      const t = toks[i];
      if (t.kind === 'newline' || t.t === ';') { i++; continue; }
      if (t.t === 'chain' && toks[i + 1]) {
        const chain = chainOf(ts, toks[i + 1].t, toks[i + 1]);
        i += 2;
        if (toks[i]?.t !== '{') { problem(`chain "${chain.name}" needs a { … } block`, toks[i] ?? t); statement(); continue; }
        i++;
        chainBody(ts, chain);
      } else if ((t.t === 'set' || t.t === 'map') && toks[i + 1] && toks[i + 2]?.t === '{') {
        const name = toks[i + 1].t;
        i += 2;
        if (t.t === 'set') setBody(ts, name); else skipBlock();
      } else if (toks[i + 2]?.t === '{' || toks[i + 1]?.t === '{') {
        while (i < toks.length && toks[i].t !== '{') i++;
        skipBlock(); // flowtable, counter, quota, ct helper, limit …: nothing that filters input
      } else statement(); // flags, comment
    }
    if (i >= toks.length) problem(`table "${ts.table.name}" is not closed with }`, undefined);
    i++;
  };

  while (i < toks.length) {
    const t = toks[i];
    if (t.kind === 'newline' || t.t === ';') { i++; continue; }
    if (t.t === 'table' || ((t.t === 'add' || t.t === 'create') && toks[i + 1]?.t === 'table')) {
      if (t.t !== 'table') i++;
      const a = toks[i + 1];
      const b = toks[i + 2];
      const hasFamily = a && FAMILIES.has(a.t) && b && b.t !== '{';
      const family = hasFamily ? a.t : 'ip';
      const nameTok = hasFamily ? b : a;
      if (!nameTok || nameTok.kind === 'punct') { problem('a table needs a name', t); statement(); continue; }
      const ts = tableOf(family, nameTok.t, nameTok);
      i += hasFamily ? 3 : 2;
      if (toks[i]?.t === '{') { tableBody(ts); ts.table.span.end = toks[i - 1]?.end ?? text.length; }
      else statement();
      continue;
    }
    const st = statement();
    if (st.length === 0) { if (toks[i]?.t === '}') { problem('a } that closes nothing', toks[i]); i++; } continue; }
    const w = st[0].t;
    if (w === 'flush' || w === 'delete' || w === 'destroy' || w === 'list') continue;
    if (w === 'include') { ruleset.unresolved.push(`include "${st[1]?.t ?? ''}" is not followed`); continue; }
    if (w === 'define' || w === 'redefine') {
      const eq = st.findIndex((x) => x.t === '=');
      if (st[1] && eq > 0) defines.set(st[1].t, st.slice(eq + 1));
      else problem('define needs a name and = value', st[0]);
      continue;
    }
    if ((w === 'add' || w === 'insert' || w === 'create') && (st[1]?.t === 'rule' || st[1]?.t === 'chain')) {
      let k = 2;
      const family = st[k] && FAMILIES.has(st[k].t) && st[k + 2] ? st[k++].t : 'ip';
      const tableName = st[k++];
      const chainName = st[k++];
      if (!tableName || !chainName) { problem(`${w} ${st[1].t} needs a table and a chain`, st[0]); continue; }
      const ts = tableOf(family, tableName.t, tableName);
      const chain = chainOf(ts, chainName.t, chainName);
      if (st[1].t === 'chain') {
        const body = st.slice(k).filter((x) => x.t !== '{' && x.t !== '}');
        // `add chain inet filter input { type filter hook input priority 0 ; policy drop ; }`: settings split on `;`
        let part: NftToken[] = [];
        for (const x of [...body, { t: ';' } as NftToken]) {
          if (x.t === ';') { if (part.length) chainSetting(chain, part); part = []; } else part.push(x);
        }
        continue;
      }
      if (st[k]?.t === 'position' || st[k]?.t === 'handle' || st[k]?.t === 'index') k += 2;
      addRule(ts, chain, st.slice(k), w === 'insert');
      continue;
    }
    problem(`"${w}" is not an nftables statement this reader knows (table, chain, rule, set, define, include)`, st[0]);
  }
  return { value: ruleset, problems };
}
