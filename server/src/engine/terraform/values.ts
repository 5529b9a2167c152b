/**
 * Terraform's values as the evaluator holds them: null, bool, number, string, list (and tuple), set, map (and
 * object), and unknown with the reason it is unknown. Every value may carry its provenance (`from`: the file and
 * span of the expression it came from, so a rule generated from a `locals` entry can point at that entry); an
 * unknown resource `id` carries its resource's address as `identity`, through lists, maps and module calls.
 */
import type { Span } from '../text/span';

export interface Provenance {
  path: string;
  span: Span;
}

interface Common {
  from?: Provenance;
}

export type Val =
  | (Common & { k: 'null' })
  | (Common & { k: 'bool'; v: boolean })
  | (Common & { k: 'number'; v: number })
  | (Common & { k: 'string'; v: string })
  | (Common & { k: 'list'; items: Val[] })
  | (Common & { k: 'set'; items: Val[] })
  /** a map or object; `resource`: the configured arguments of a resource (a missing one is computed, not absent) */
  | (Common & { k: 'map'; entries: Map<string, Val>; resource?: string })
  | (Common & { k: 'unknown'; reason: string; identity?: string });

export type Unknown = Extract<Val, { k: 'unknown' }>;

/** An error Terraform would report (a wrong type, an index out of range): `try` and `can` catch it. */
export class EvalError extends Error {}

/** The evaluation ran out of its budget: everything it was working on is unknown. */
export class BudgetError extends Error {}

export const NULL: Val = { k: 'null' };
export const TRUE: Val = { k: 'bool', v: true };
export const FALSE: Val = { k: 'bool', v: false };

export const str = (v: string, from?: Provenance): Val => (from ? { k: 'string', v, from } : { k: 'string', v });
export const num = (v: number, from?: Provenance): Val => (from ? { k: 'number', v, from } : { k: 'number', v });
export const bool = (v: boolean): Val => (v ? TRUE : FALSE);
export const list = (items: Val[]): Val => ({ k: 'list', items });
/** a map or object: Terraform keeps its keys in lexical order */
export const map = (entries: Map<string, Val>): Val => ({ k: 'map', entries: sortedMap(entries) });
export const unknown = (reason: string, identity?: string): Unknown => (identity ? { k: 'unknown', reason, identity } : { k: 'unknown', reason });

export function isUnknown(v: Val): v is Unknown {
  return v.k === 'unknown';
}

/** The first unknown inside a value (deeply), if any. */
export function firstUnknown(v: Val, depth = 0): Unknown | undefined {
  if (v.k === 'unknown') return v;
  if (depth > 64) return undefined;
  if (v.k === 'list' || v.k === 'set') {
    for (const x of v.items) {
      const u = firstUnknown(x, depth + 1);
      if (u) return u;
    }
  } else if (v.k === 'map') {
    for (const x of v.entries.values()) {
      const u = firstUnknown(x, depth + 1);
      if (u) return u;
    }
  }
  return undefined;
}

export function typeName(v: Val): string {
  switch (v.k) {
    case 'list': return 'list';
    case 'set': return 'set';
    case 'map': return 'object';
    default: return v.k;
  }
}

/** A number as Terraform prints it. */
export function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  return String(n);
}

/** Converts to a string as Terraform does (numbers and bools); null, collections and unknowns are not strings. */
export function asString(v: Val): string | undefined {
  if (v.k === 'string') return v.v;
  if (v.k === 'number') return numberText(v.v);
  if (v.k === 'bool') return v.v ? 'true' : 'false';
  return undefined;
}

export function toStr(v: Val, what = 'value'): string {
  const s = asString(v);
  if (s === undefined) throw new EvalError(`${what}: a string is required, not ${typeName(v)}`);
  return s;
}

const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

export function asNumber(v: Val): number | undefined {
  if (v.k === 'number') return v.v;
  if (v.k === 'string' && NUMBER.test(v.v)) return Number(v.v);
  return undefined;
}

export function toNum(v: Val, what = 'value'): number {
  const n = asNumber(v);
  if (n === undefined) throw new EvalError(`${what}: a number is required, not ${v.k === 'string' ? JSON.stringify(v.v) : typeName(v)}`);
  return n;
}

export function toBool(v: Val, what = 'value'): boolean {
  if (v.k === 'bool') return v.v;
  if (v.k === 'string' && (v.v === 'true' || v.v === 'false')) return v.v === 'true';
  throw new EvalError(`${what}: a bool is required, not ${typeName(v)}`);
}

/** The elements of a list, set or tuple. */
export function elements(v: Val, what = 'value'): Val[] {
  if (v.k === 'list' || v.k === 'set') return v.items;
  throw new EvalError(`${what}: a list is required, not ${typeName(v)}`);
}

export function entries(v: Val, what = 'value'): Map<string, Val> {
  if (v.k === 'map') return v.entries;
  throw new EvalError(`${what}: a map is required, not ${typeName(v)}`);
}

/** Equality as Terraform's `==`: same type and value (numbers and strings do not convert). */
export function equal(a: Val, b: Val): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'null': return true;
    case 'bool': case 'number': case 'string': return a.v === (b as typeof a).v;
    case 'list': case 'set': {
      const bi = (b as typeof a).items;
      return a.items.length === bi.length && a.items.every((x, i) => equal(x, bi[i]));
    }
    case 'map': {
      const be = (b as typeof a).entries;
      if (a.entries.size !== be.size) return false;
      for (const [k, x] of a.entries) {
        const y = be.get(k);
        if (!y || !equal(x, y)) return false;
      }
      return true;
    }
    case 'unknown': return false;
  }
}

/** A set of values: distinct, strings in lexical order (the order Terraform iterates a set of strings in). */
export function makeSet(items: Val[]): Val {
  const out: Val[] = [];
  for (const x of items) if (!out.some((y) => equal(x, y))) out.push(x);
  if (out.every((x) => x.k === 'string')) out.sort((a, b) => ((a as { v: string }).v < (b as { v: string }).v ? -1 : (a as { v: string }).v > (b as { v: string }).v ? 1 : 0));
  else if (out.every((x) => x.k === 'number')) out.sort((a, b) => (a as { v: number }).v - (b as { v: number }).v);
  return { k: 'set', items: out };
}

/** A map from plain keys in lexical order (Terraform iterates maps by key). */
export function sortedMap(e: Map<string, Val>): Map<string, Val> {
  return new Map([...e].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A JSON-like view of a value, for tests and messages (unknown as `(unknown: reason)`). */
export function plain(v: Val): unknown {
  switch (v.k) {
    case 'null': return null;
    case 'bool': case 'number': case 'string': return v.v;
    case 'list': case 'set': return v.items.map(plain);
    case 'map': return Object.fromEntries([...v.entries].map(([k, x]) => [k, plain(x)]));
    case 'unknown': return `(unknown: ${v.reason})`;
  }
}

/** A plain JSON value as a Terraform value. */
export function fromJson(x: unknown, depth = 0): Val {
  if (depth > 200) throw new EvalError('the value is nested too deeply');
  if (x === null || x === undefined) return NULL;
  if (typeof x === 'boolean') return bool(x);
  if (typeof x === 'number') return num(x);
  if (typeof x === 'string') return str(x);
  if (Array.isArray(x)) return list(x.map((y) => fromJson(y, depth + 1)));
  if (typeof x === 'object') return map(new Map(Object.entries(x as Record<string, unknown>).map(([k, y]) => [k, fromJson(y, depth + 1)])));
  return NULL;
}
