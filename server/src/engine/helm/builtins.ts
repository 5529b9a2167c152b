/**
 * Go's template builtins: `and or not len index slice print printf println eq ne lt le gt ge html js urlquery
 * call` (`call` is refused: no function values reach a chart's data).
 */
import { formatV, sprint, sprintf, sprintln } from './fmt';
import { def, type FuncDef } from './funcs';
import { byteLength, byteSlice, GoError, GoStruct, intOf, isInt, isTrue, typeName, utf8, type Value } from './value';

export function isBuiltinLazy(name: string): boolean {
  return name === 'and' || name === 'or';
}

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';

function basicKind(v: Value): Kind {
  if (v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  if (isInt(v)) return 'int';
  return 'other';
}

function eqValues(a: Value, b: Value): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) {
    if (k1 !== 'invalid' && k2 !== 'invalid') throw new GoError('incompatible types for comparison');
    return false;
  }
  switch (k1) {
    case 'bool': case 'float': case 'string': return a === b;
    case 'int': return intOf(a as bigint) === intOf(b as bigint);
    case 'invalid': return true;
  }
  if (Array.isArray(a) || a instanceof Map) throw new GoError(`non-comparable type ${formatV(a)}: ${typeName(a)}`);
  if (Array.isArray(b) || b instanceof Map) throw new GoError(`non-comparable type ${formatV(b)}: ${typeName(b)}`);
  return a === b;
}

function lessThan(a: Value, b: Value): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k1 === 'other' || k2 === 'invalid' || k2 === 'other') throw new GoError('invalid type for comparison');
  if (k1 !== k2) throw new GoError('incompatible types for comparison');
  switch (k1) {
    case 'bool': throw new GoError('invalid type for comparison');
    case 'int': return intOf(a as bigint) < intOf(b as bigint);
    default: return (a as number | string) < (b as number | string);
  }
}

function length(v: Value): bigint {
  if (typeof v === 'string') return BigInt(byteLength(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof Map) return BigInt(v.size);
  if (v instanceof GoStruct && v.size !== undefined) return BigInt(v.size);
  if (v === null) throw new GoError('len of nil pointer');
  throw new GoError(`len of type ${typeName(v)}`);
}

function indexArg(i: Value, cap: number): number {
  if (!isInt(i)) throw new GoError(`cannot index slice/array with type ${typeName(i)}`);
  const x = Number(intOf(i));
  if (x < 0 || x >= cap) throw new GoError(`index out of range: ${x}`);
  return x;
}

function index(item: Value, indexes: Value[]): Value {
  let v = item;
  for (const i of indexes) {
    if (v === null) throw new GoError('index of untyped nil');
    if (Array.isArray(v)) v = v[indexArg(i, v.length)]!;
    else if (typeof v === 'string') v = BigInt(utf8(v)[indexArg(i, byteLength(v))]!);
    else if (v instanceof Map) {
      if (i === null) throw new GoError('value is nil; should be of type string');
      if (typeof i !== 'string') throw new GoError(`value has type ${typeName(i)}; should be string`);
      v = v.has(i) ? v.get(i)! : null;
    } else throw new GoError(`can't index item of type ${typeName(v)}`);
  }
  return v;
}

function slice(item: Value, idx: Value[]): Value {
  if (item === null) throw new GoError('slice of untyped nil');
  if (idx.length > 3) throw new GoError(`too many slice indexes: ${idx.length}`);
  const len = typeof item === 'string' ? byteLength(item) : Array.isArray(item) ? item.length : -1;
  if (len < 0) throw new GoError(`can't slice item of type ${typeName(item)}`);
  if (typeof item === 'string' && idx.length === 3) throw new GoError('cannot 3-index slice a string');
  const ix = idx.map((i) => indexArg(i, len + 1));
  const start = ix[0] ?? 0;
  const end = ix[1] ?? len;
  if (end < start) throw new GoError(`invalid slice index: ${start} > ${end}`);
  return typeof item === 'string' ? byteSlice(item, start, end) : (item as Value[]).slice(start, end);
}

function evalArgs(args: Value[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null ? '<no value>' : a)));
}

export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({ '\0': '\ufffd', '"': '&#34;', '\'': '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '\'') out += '\\\'';
    else if (ch === '"') out += '\\"';
    else if (ch === '<') out += '\\u003C';
    else if (ch === '>') out += '\\u003E';
    else if (ch === '&') out += '\\u0026';
    else if (ch === '=') out += '\\u003D';
    else if (c < 0x20) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

export function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export const BUILTINS: ReadonlyMap<string, FuncDef> = new Map<string, FuncDef>([
  ['and', def(['any'], () => null, 'any')],
  ['or', def(['any'], () => null, 'any')],
  ['not', def(['any'], ([a]) => !isTrue(a!))],
  ['len', def(['any'], ([a]) => length(a!))],
  ['index', def(['any'], ([a, ...i]) => index(a!, i), 'any')],
  ['slice', def(['any'], ([a, ...i]) => slice(a!, i), 'any')],
  ['print', def([], (a) => sprint(a), 'any')],
  ['printf', def(['string'], ([f, ...a]) => sprintf(f as string, a), 'any')],
  ['println', def([], (a) => sprintln(a), 'any')],
  ['eq', def(['any'], ([a, ...bs]) => {
    if (bs.length === 0) throw new GoError('missing argument for comparison');
    return bs.some((b) => eqValues(a!, b));
  }, 'any')],
  ['ne', def(['any', 'any'], ([a, b]) => !eqValues(a!, b!))],
  ['lt', def(['any', 'any'], ([a, b]) => lessThan(a!, b!))],
  ['le', def(['any', 'any'], ([a, b]) => lessThan(a!, b!) || eqValues(a!, b!))],
  ['gt', def(['any', 'any'], ([a, b]) => !(lessThan(a!, b!) || eqValues(a!, b!)))],
  ['ge', def(['any', 'any'], ([a, b]) => !lessThan(a!, b!))],
  ['html', def([], (a) => htmlEscape(evalArgs(a)), 'any')],
  ['js', def([], (a) => jsEscape(evalArgs(a)), 'any')],
  ['urlquery', def([], (a) => queryEscape(evalArgs(a)), 'any')],
  ['call', def(['any'], () => { throw new GoError('call is not supported: no function values are available'); }, 'any')],
]);

export { GoStruct };
