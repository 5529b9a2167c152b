/** Sprig's list and dict functions. */
import { eqDeep } from './sprig-reflect';
import { def, type FuncDef } from './funcs';
import { asList, strval, toInt64 } from './sprig-convert';
import { deepCopy, GoError, isMap, isNilMap, type GoMap, type Value } from './value';

function listOf(v: Value, fn: string): Value[] {
  if (Array.isArray(v)) return v;
  throw new GoError(`Cannot ${fn} on type ${v === null ? '<nil>' : typeof v === 'string' ? 'string' : 'non-list'}`);
}

/** The non-`must` form: Go panics, which the template reports as an error of the call. */
function uniq(l: Value[]): Value[] {
  const out: Value[] = [];
  for (const v of l) if (!out.some((o) => eqDeep(o, v))) out.push(v);
  return out;
}

function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  if (isNilMap(dst) && src.size > 0) throw new GoError('assignment to entry in nil map');
  // mergo.Merge (WithOverride for mergeOverwrite): maps merged deeply; without override only empty values filled
  for (const [k, sv] of src) {
    const dv = dst.has(k) ? dst.get(k)! : undefined;
    if (dv !== undefined && isMap(dv) && isMap(sv)) { mergeInto(dv, sv, overwrite); continue; }
    if (dv !== undefined && !isEmptyForMergo(dv) && (isMap(sv) || Array.isArray(sv)) && !(overwrite && Array.isArray(sv))) continue;
    if (overwrite || dv === undefined || isEmptyForMergo(dv)) {
      if (overwrite && dv !== undefined && isEmptyForMergo(sv) && !isEmptyForMergo(dv)) continue;
      dst.set(k, sv);
    }
  }
}

function isEmptyForMergo(v: Value): boolean {
  if (v === null) return true;
  if (typeof v === 'string') return v === '';
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'bigint') return v === 0n;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  return false;
}

function dig(ps: Value[]): Value {
  if (ps.length < 3) throw new GoError('dig needs at least three arguments');
  const dict = ps[ps.length - 1]!;
  const def0 = ps[ps.length - 2]!;
  const keys = ps.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw new GoError('interface conversion: interface {} is not string');
    return k;
  });
  let cur: Value = dict;
  if (!isMap(cur)) throw new GoError('interface conversion: interface {} is not map[string]interface {}');
  for (let i = 0; i < keys.length; i++) {
    if (!isMap(cur)) throw new GoError('interface conversion: interface {} is not map[string]interface {}');
    if (!cur.has(keys[i]!)) return def0;
    cur = cur.get(keys[i]!)!;
  }
  return cur;
}

function sliceList(l: Value[], idx: Value[]): Value[] {
  const n = idx.map((i) => Number(toInt64(i)));
  if (n.length === 0) return l.slice();
  if (n.length === 1) {
    if (n[0]! > l.length) throw new GoError('slice bounds out of range');
    return l.slice(n[0]);
  }
  if (n[0]! > n[1]! || n[1]! > l.length) throw new GoError('slice bounds out of range');
  return l.slice(n[0], n[1]);
}

export const SPRIG_COLLECTIONS: [string, FuncDef][] = [
  ['list', def([], (a) => a.slice(), 'any')],
  ['tuple', def([], (a) => a.slice(), 'any')],
  ['dict', def([], (a) => {
    const m: GoMap = new Map();
    if (a.length % 2 === 1) a = [...a, ''];
    for (let i = 0; i < a.length; i += 2) m.set(strval(a[i]!), a[i + 1]!);
    return m;
  }, 'any')],
  ['get', def(['map', 'string'], ([d, k]) => (d as GoMap | null)?.get(k as string) ?? '')],
  ['set', def(['map', 'string', 'any'], ([d, k, v]) => {
    if (d === null || isNilMap(d as GoMap)) throw new GoError('assignment to entry in nil map');
    (d as GoMap).set(k as string, v!);
    return d;
  })],
  ['unset', def(['map', 'string'], ([d, k]) => { (d as GoMap | null)?.delete(k as string); return d; })],
  ['hasKey', def(['map', 'string'], ([d, k]) => (d as GoMap | null)?.has(k as string) ?? false)],
  ['pluck', def(['string'], ([k, ...ds]) => ds.filter((d) => (d as GoMap | null)?.has(k as string)).map((d) => (d as GoMap).get(k as string)!), 'map')],
  ['keys', def([], (ds) => ds.flatMap((d) => (d ? [...(d as GoMap).keys()] : [])), 'map')],
  ['values', def(['map'], ([d]) => (d ? [...(d as GoMap).values()] : []))],
  ['pick', def(['map'], ([d, ...ks]) => {
    const m: GoMap = new Map();
    for (const k of ks) if ((d as GoMap | null)?.has(k as string)) m.set(k as string, (d as GoMap).get(k as string)!);
    return m;
  }, 'string')],
  ['omit', def(['map'], ([d, ...ks]) => {
    const m: GoMap = new Map();
    for (const [k, v] of (d as GoMap | null) ?? new Map<string, Value>()) if (!ks.includes(k)) m.set(k, v);
    return m;
  }, 'string')],
  ['merge', def(['map'], ([d, ...ss]) => { for (const s of ss) if (s && d) mergeInto(d as GoMap, s as GoMap, false); return d; }, 'map')],
  ['mustMerge', def(['map'], ([d, ...ss]) => { for (const s of ss) if (s && d) mergeInto(d as GoMap, s as GoMap, false); return d; }, 'map')],
  ['mergeOverwrite', def(['map'], ([d, ...ss]) => { for (const s of ss) if (s && d) mergeInto(d as GoMap, s as GoMap, true); return d; }, 'map')],
  ['mustMergeOverwrite', def(['map'], ([d, ...ss]) => { for (const s of ss) if (s && d) mergeInto(d as GoMap, s as GoMap, true); return d; }, 'map')],
  ['deepCopy', def(['any'], ([v]) => deepCopy(v!))],
  ['mustDeepCopy', def(['any'], ([v]) => deepCopy(v!))],
  ['dig', def([], (ps) => dig(ps), 'any')],
  ['append', def(['any', 'any'], ([l, v]) => [...listOf(l!, 'push'), v!])],
  ['push', def(['any', 'any'], ([l, v]) => [...listOf(l!, 'push'), v!])],
  ['mustAppend', def(['any', 'any'], ([l, v]) => [...listOf(l!, 'push'), v!])],
  ['mustPush', def(['any', 'any'], ([l, v]) => [...listOf(l!, 'push'), v!])],
  ['prepend', def(['any', 'any'], ([l, v]) => [v!, ...listOf(l!, 'prepend')])],
  ['mustPrepend', def(['any', 'any'], ([l, v]) => [v!, ...listOf(l!, 'prepend')])],
  ['first', def(['any'], ([l]) => { const x = listOf(l!, 'find first'); return x.length ? x[0]! : null; })],
  ['mustFirst', def(['any'], ([l]) => { const x = listOf(l!, 'find first'); return x.length ? x[0]! : null; })],
  ['last', def(['any'], ([l]) => { const x = listOf(l!, 'find last'); return x.length ? x[x.length - 1]! : null; })],
  ['mustLast', def(['any'], ([l]) => { const x = listOf(l!, 'find last'); return x.length ? x[x.length - 1]! : null; })],
  ['rest', def(['any'], ([l]) => { const x = listOf(l!, 'find rest'); return x.length ? x.slice(1) : null; })],
  ['initial', def(['any'], ([l]) => { const x = listOf(l!, 'find initial'); return x.length ? x.slice(0, -1) : null; })],
  ['reverse', def(['any'], ([l]) => listOf(l!, 'find reverse').slice().reverse())],
  ['uniq', def(['any'], ([l]) => uniq(listOf(l!, 'find uniq')))],
  ['mustUniq', def(['any'], ([l]) => uniq(listOf(l!, 'find uniq')))],
  ['compact', def(['any'], ([l]) => listOf(l!, 'compact').filter((v) => !isEmptyForMergo(v)))],
  ['without', def(['any'], ([l, ...o]) => listOf(l!, 'find without').filter((v) => !o.some((x) => eqDeep(x, v))), 'any')],
  ['has', def(['any', 'any'], ([n, h]) => {
    if (h === null) return false;
    return asList(h!, 'find has').some((v) => eqDeep(v, n!));
  })],
  ['mustHas', def(['any', 'any'], ([n, h]) => (h === null ? false : asList(h!, 'find has').some((v) => eqDeep(v, n!))))],
  ['slice', def(['any'], ([l, ...i]) => sliceList(listOf(l!, 'slice'), i), 'any')],
  ['concat', def([], (ls) => ls.flatMap((l) => listOf(l, 'concat')), 'any')],
  ['sortAlpha', def(['any'], ([l]) => (Array.isArray(l) ? l.map((v) => strval(v)).sort() : [strval(l!)]))],
  ['chunk', def(['int', 'any'], ([n, l]) => {
    const x = listOf(l!, 'chunk');
    const size = Number(n);
    const out: Value[] = [];
    for (let i = 0; i < x.length; i += size) out.push(x.slice(i, i + size));
    return out;
  })],
];
