/** Sprig's conversions (`strval`, `toInt64` through spf13/cast, `toFloat64`, `strslice`) and list access by reflection. */
import { formatV } from './fmt';
import { parseGoInt } from './parse';
import { GoError, GoStruct, Int64, intOf, isInt, type Value } from './value';

export function strval(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof GoStruct && v.stringer) return v.stringer();
  return formatV(v);
}

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') { if (foundZero) return s.slice(0, i - 1); } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** `cast.ToInt64` with its errors ignored (0), as Sprig calls it. */
export function toInt64(v: Value): bigint {
  if (isInt(v)) return intOf(v);
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : -(2n ** 63n);
  if (typeof v === 'string') return parseGoInt(trimZeroDecimal(v)) ?? 0n;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return 0n;
}

export function toFloat64(v: Value): number {
  if (typeof v === 'number') return v;
  if (isInt(v)) return Number(intOf(v));
  if (typeof v === 'string') {
    const t = v.replace(/_/g, '');
    if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|[iI]nf(inity)?|NaN)$/.test(t)) return Number(t.replace(/^([+-]?)[iI]nf(inity)?$/, '$1Infinity'));
    const i = parseGoInt(v);
    return i === null ? 0 : Number(i);
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

export function int64(v: bigint): Int64 {
  return new Int64(BigInt.asIntN(64, v));
}

export function strslice(v: Value): string[] {
  if (Array.isArray(v)) return v.filter((e) => e !== null).map(strval);
  if (v === null) return [];
  return [strval(v)];
}

/** A list argument Sprig reads by reflection (a slice); anything else is an error of the `must` form. */
export function asList(v: Value, fn: string): Value[] {
  if (Array.isArray(v)) return v;
  throw new GoError(`Cannot ${fn} on type ${v === null ? '<nil>' : formatV(v)}`);
}

export function goError(message: string): never {
  throw new GoError(message);
}
