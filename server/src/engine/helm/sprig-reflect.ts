/** Sprig's reflection functions and `reflect.DeepEqual` over template values. */
import { def, type FuncDef } from './funcs';
import { GoStruct, Int64, kindName, typeName, type Value } from './value';

export function eqDeep(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeName(a) !== typeName(b)) return false;
  if (a instanceof Int64) return a.v === (b as Int64).v;
  if (Array.isArray(a)) {
    const bb = b as Value[];
    return a.length === bb.length && a.every((v, i) => eqDeep(v, bb[i]!));
  }
  if (a instanceof Map) {
    const bm = b as Map<string, Value>;
    if (a.size !== bm.size) return false;
    for (const [k, v] of a) if (!bm.has(k) || !eqDeep(v, bm.get(k)!)) return false;
    return true;
  }
  if (a instanceof GoStruct) return a === b;
  return false;
}

export const SPRIG_REFLECT: [string, FuncDef][] = [
  ['typeOf', def(['any'], ([v]) => typeName(v!))],
  ['typeIs', def(['string', 'any'], ([t, v]) => typeName(v!) === t)],
  ['typeIsLike', def(['string', 'any'], ([t, v]) => typeName(v!) === t || `*${typeName(v!)}` === t)],
  ['kindOf', def(['any'], ([v]) => kindName(v!))],
  ['kindIs', def(['string', 'any'], ([t, v]) => kindName(v!) === t)],
  ['deepEqual', def(['any', 'any'], ([a, b]) => eqDeep(a!, b!))],
];
