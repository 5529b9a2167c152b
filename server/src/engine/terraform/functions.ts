/**
 * Terraform's built-in functions that network code uses, with Terraform's documented behaviour and conversions:
 * the collection functions here, strings and encodings in `functions-text.ts`, CIDRs in `functions-net.ts`.
 * An unknown argument makes the result unknown (with its reason), except where a function can answer anyway
 * (`length` of a list that holds unknowns, `compact` and `lookup` carrying a resource's identity).
 */
import type { EvalContext } from './context';
import { spec, type Spec } from './function-spec';
import { NET_FUNCTIONS } from './functions-net';
import { TEXT_FUNCTIONS } from './functions-text';
import {
  EvalError, NULL, asString, bool, elements, entries, equal, firstUnknown, list, makeSet, map, num, str, toBool, toNum, toStr, typeName,
  unknown, type Unknown, type Val,
} from './values';

export function callFunction(name: string, args: Val[], ctx: EvalContext): Val {
  const s = FUNCTIONS.get(name);
  if (!s) return unknown(`the function \`${name}()\` is not evaluated`);
  if (args.length < s.arity[0] || args.length > s.arity[1]) {
    throw new EvalError(`${name}() takes ${s.arity[0] === s.arity[1] ? s.arity[0] : `${s.arity[0]} to ${s.arity[1]}`} arguments, not ${args.length}`);
  }
  if (!s.acceptsUnknown) {
    for (const a of args) {
      const u = s.deep ? firstUnknown(a) : a.k === 'unknown' ? a : undefined;
      if (u) return unknown(u.reason);
    }
  }
  return s.fn(args, ctx);
}

/** a list or set argument's elements; a tuple and a list are the same here */
const els = (v: Val, fn: string) => elements(v, `${fn}()`);

function flatten(v: Val, out: Val[], depth: number): Unknown | undefined {
  for (const x of v.k === 'list' || v.k === 'set' ? v.items : []) {
    if (x.k === 'unknown') return x;
    if ((x.k === 'list' || x.k === 'set') && depth < 64) {
      const u = flatten(x, out, depth + 1);
      if (u) return u;
    } else out.push(x);
  }
  return undefined;
}

/** Elements of mixed primitive types become strings, as Terraform unifies a collection's element type. */
function unify(items: Val[]): Val[] {
  const kinds = new Set(items.map((x) => x.k));
  if (kinds.size <= 1 || !items.every((x) => x.k === 'string' || x.k === 'number' || x.k === 'bool')) return items;
  return items.map((x) => str(asString(x)!, x.from));
}

function sortKey(v: Val): string {
  return toStr(v, 'sort()');
}

const COLLECTIONS: [string, Spec][] = [
  ['merge', spec((args) => {
    const out = new Map<string, Val>();
    for (const a of args) {
      if (a.k === 'null') continue;
      for (const [k, v] of entries(a, 'merge()')) out.set(k, v);
    }
    return map(out);
  }, 0, Infinity)],
  ['concat', spec((args) => list(args.flatMap((a) => els(a, 'concat'))), 1, Infinity)],
  ['flatten', spec((args) => {
    const out: Val[] = [];
    els(args[0], 'flatten');
    const u = flatten(args[0], out, 0);
    return u ? unknown(u.reason) : list(out);
  }, 1)],
  ['lookup', spec(([m, k, d]) => {
    if (m.k === 'unknown') return unknown(m.reason);
    if (k.k === 'unknown') return unknown(k.reason);
    const key = toStr(k, 'lookup() key');
    const e = entries(m, 'lookup()');
    const v = e.get(key);
    if (v) return v;
    if (d === undefined) throw new EvalError(`lookup(): the map has no key "${key}" and no default was given`);
    return d;
  }, 2, 3, { acceptsUnknown: true })],
  ['element', spec(([l, i]) => {
    const items = els(l, 'element');
    if (items.length === 0) throw new EvalError('element() of an empty list');
    const n = toNum(i, 'element() index');
    if (!Number.isInteger(n) || n < 0) throw new EvalError('element() index must be a non-negative whole number');
    return items[n % items.length];
  }, 2)],
  ['keys', spec(([m]) => list([...entries(m, 'keys()').keys()].map((k) => str(k))), 1)],
  ['values', spec(([m]) => list([...entries(m, 'values()').values()]), 1)],
  ['length', spec(([v]) => {
    if (v.k === 'list' || v.k === 'set') return num(v.items.length);
    if (v.k === 'map') return num(v.entries.size);
    if (v.k === 'string') return num([...v.v].length);
    throw new EvalError(`length() of a ${typeName(v)}`);
  }, 1)],
  ['contains', spec(([l, x]) => bool(els(l, 'contains').some((y) => equal(y, x))), 2, 2, { deep: true })],
  ['distinct', spec(([l]) => {
    const out: Val[] = [];
    for (const x of els(l, 'distinct')) if (!out.some((y) => equal(x, y))) out.push(x);
    return list(out);
  }, 1, 1, { deep: true })],
  ['compact', spec(([l]) => {
    if (l.k === 'unknown') return unknown(l.reason);
    const out: Val[] = [];
    for (const x of els(l, 'compact')) {
      if (x.k === 'unknown') {
        // a resource's id is never empty: it stays, carrying its identity
        if (x.identity) out.push(x);
        else return unknown(x.reason);
      } else if (x.k !== 'null' && toStr(x, 'compact() element') !== '') out.push(x);
    }
    return list(out);
  }, 1, 1, { acceptsUnknown: true })],
  ['coalesce', spec((args) => {
    for (const a of args) {
      if (a.k === 'unknown') return unknown(a.reason);
      if (a.k !== 'null' && !(a.k === 'string' && a.v === '')) return a;
    }
    throw new EvalError('coalesce(): no non-null, non-empty argument');
  }, 1, Infinity, { acceptsUnknown: true })],
  ['coalescelist', spec((args) => {
    for (const a of args) {
      if (a.k === 'unknown') return unknown(a.reason);
      if (els(a, 'coalescelist').length > 0) return a;
    }
    throw new EvalError('coalescelist(): no non-empty list');
  }, 1, Infinity, { acceptsUnknown: true })],
  ['one', spec(([l]) => {
    if (l.k === 'null') return NULL;
    const items = els(l, 'one');
    if (items.length > 1) throw new EvalError('one(): the list has more than one element');
    return items.length === 0 ? NULL : items[0];
  }, 1)],
  ['tolist', spec(([l]) => (l.k === 'null' ? NULL : list(els(l, 'tolist'))), 1)],
  ['toset', spec(([l]) => (l.k === 'null' ? NULL : makeSet(unify(els(l, 'toset')))), 1, 1, { deep: true })],
  ['tomap', spec(([m]) => (m.k === 'null' ? NULL : map(new Map(entries(m, 'tomap()')))), 1)],
  ['range', spec((args, ctx) => {
    const [start, limit, step] = args.length === 1 ? [0, toNum(args[0]), 1] : [toNum(args[0]), toNum(args[1]), args.length > 2 ? toNum(args[2]) : 1];
    if (step === 0) throw new EvalError('range(): the step cannot be 0');
    if ((step > 0 && limit < start) || (step < 0 && limit > start)) {
      if (args.length < 3) throw new EvalError('range(): the start is past the limit (give a negative step)');
      return list([]);
    }
    const n = Math.max(0, Math.ceil((limit - start) / step));
    ctx.budget.size(n, 'range()');
    const out: Val[] = [];
    for (let i = 0; i < n; i++) out.push(num(start + i * step));
    return list(out);
  }, 1, 3)],
  ['zipmap', spec(([ks, vs]) => {
    const k = els(ks, 'zipmap');
    const v = els(vs, 'zipmap');
    if (k.length !== v.length) throw new EvalError('zipmap(): the lists differ in length');
    return map(new Map(k.map((x, i) => [toStr(x, 'zipmap() key'), v[i]])));
  }, 2)],
  ['setunion', spec((args) => makeSet(args.flatMap((a) => els(a, 'setunion'))), 1, Infinity, { deep: true })],
  ['setintersection', spec((args) => {
    const [first, ...rest] = args.map((a) => els(a, 'setintersection'));
    return makeSet(first.filter((x) => rest.every((r) => r.some((y) => equal(x, y)))));
  }, 1, Infinity, { deep: true })],
  ['anytrue', spec(([l]) => {
    const items = els(l, 'anytrue');
    if (items.some((x) => x.k !== 'unknown' && toBool(x))) return bool(true);
    const u = items.find((x) => x.k === 'unknown');
    return u ? unknown((u as { reason: string }).reason) : bool(false);
  }, 1)],
  ['alltrue', spec(([l]) => {
    const items = els(l, 'alltrue');
    if (items.some((x) => x.k !== 'unknown' && !toBool(x))) return bool(false);
    const u = items.find((x) => x.k === 'unknown');
    return u ? unknown((u as { reason: string }).reason) : bool(true);
  }, 1)],
  ['min', spec((args) => num(Math.min(...args.map((a) => toNum(a, 'min()')))), 1, Infinity)],
  ['max', spec((args) => num(Math.max(...args.map((a) => toNum(a, 'max()')))), 1, Infinity)],
  ['abs', spec(([n]) => num(Math.abs(toNum(n, 'abs()'))), 1)],
  ['sort', spec(([l]) => list([...els(l, 'sort')].map((x) => str(sortKey(x))).sort((a, b) => {
    const x = (a as { v: string }).v;
    const y = (b as { v: string }).v;
    return x < y ? -1 : x > y ? 1 : 0;
  })), 1, 1, { deep: true })],
  ['reverse', spec(([l]) => list([...els(l, 'reverse')].reverse()), 1)],
  ['slice', spec(([l, a, b]) => {
    const items = els(l, 'slice');
    const from = toNum(a, 'slice() start');
    const to = toNum(b, 'slice() end');
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > items.length || from > to) throw new EvalError('slice(): the indexes are out of range');
    return list(items.slice(from, to));
  }, 3)],
  ['chunklist', spec(([l, s]) => {
    const items = els(l, 'chunklist');
    const size = toNum(s, 'chunklist() size');
    if (!Number.isInteger(size) || size < 0) throw new EvalError('chunklist(): the size must be a non-negative whole number');
    if (size === 0) return list([list(items)]);
    const out: Val[] = [];
    for (let i = 0; i < items.length; i += size) out.push(list(items.slice(i, i + size)));
    return list(out);
  }, 2)],
  ['transpose', spec(([m]) => {
    const out = new Map<string, Val[]>();
    for (const [k, l] of entries(m, 'transpose()')) {
      for (const x of els(l, 'transpose')) {
        const key = toStr(x, 'transpose() value');
        const had = out.get(key);
        if (had) had.push(str(k));
        else out.set(key, [str(k)]);
      }
    }
    return map(new Map([...out].map(([k, v]) => [k, list(v)])));
  }, 1, 1, { deep: true })],
  ['tostring', spec(([v]) => {
    if (v.k === 'null') return NULL;
    const s = asString(v);
    if (s === undefined) throw new EvalError(`tostring() of a ${typeName(v)}`);
    return str(s, v.from);
  }, 1)],
  ['tonumber', spec(([v]) => (v.k === 'null' ? NULL : num(toNum(v, 'tonumber()'), v.from)), 1)],
  ['tobool', spec(([v]) => (v.k === 'null' ? NULL : bool(toBool(v, 'tobool()'))), 1)],
];

const FUNCTIONS = new Map<string, Spec>([...COLLECTIONS, ...TEXT_FUNCTIONS, ...NET_FUNCTIONS]);

/** The names of the functions the evaluator knows. */
export function knownFunctions(): string[] {
  return [...FUNCTIONS.keys()].sort();
}
