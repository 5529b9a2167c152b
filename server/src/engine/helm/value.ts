/**
 * Go's values as the template executor sees them, in JavaScript: `null` is nil (and a missing map entry, which
 * Helm's `missingkey=zero` turns into a nil interface), a `string`, a `boolean`, a `number` is a float64 (every
 * number read from values files is one, as Helm reads them through JSON), a `bigint` is an int (template literals,
 * `len`, `int`), an `Int64` is an int64 (Sprig's arithmetic), an array is a `[]interface{}`, a `Map` is a
 * `map[string]interface{}`, a `GoStruct` is a struct (or a pointer to one) with fields and methods (`.Chart`,
 * `.Capabilities`, `.Files`).
 */

export class Int64 {
  constructor(readonly v: bigint) {}
}

export type GoMethod = (args: Value[]) => Value;

export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Map<string, Value>,
    readonly methods: Readonly<Record<string, { params: ParamType[]; variadic?: ParamType; fn: GoMethod }>> = {},
    /** printed through its `String` method (a `fmt.Stringer`) */
    readonly stringer?: () => string,
    /** a pointer to the struct: `%v` prints `&{…}` */
    readonly pointer = false,
  ) {}

  /** a named map type with methods (Helm's `Files`): its length decides truth, `len` and `empty` */
  size?: number;
  /** what `range` visits over such a map, keys sorted */
  entries?: () => [string, Value][];
}

export type Value = null | string | boolean | number | bigint | Int64 | Value[] | GoMap | GoStruct;
export type GoMap = Map<string, Value>;

/** The parameter types functions declare (Go checks arguments against them). */
export type ParamType = 'any' | 'string' | 'int' | 'int64' | 'float64' | 'bool' | 'map';

/** An error a Go function returned, or a failure of the executor: the rendering stops with it. */
export class GoError extends Error {}

export function isMap(v: Value): v is GoMap {
  return v instanceof Map;
}

export function isInt(v: Value): v is bigint | Int64 {
  return typeof v === 'bigint' || v instanceof Int64;
}

export function intOf(v: bigint | Int64): bigint {
  return typeof v === 'bigint' ? v : v.v;
}

/** Go's type name of a value, as `%T` and `typeOf` print it. */
export function typeName(v: Value): string {
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return 'float64';
    case 'bigint': return 'int';
  }
  if (v instanceof Int64) return 'int64';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Map) return 'map[string]interface {}';
  return v.typeName;
}

/** Go's `reflect.Kind` name, as `kindOf` prints it. */
export function kindName(v: Value): string {
  if (v === null) return 'invalid';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return 'float64';
    case 'bigint': return 'int';
  }
  if (v instanceof Int64) return 'int64';
  if (Array.isArray(v)) return 'slice';
  if (v instanceof Map) return 'map';
  return v.size !== undefined ? 'map' : v.pointer ? 'ptr' : 'struct';
}

/** Go's template truth: false, 0, a nil pointer or interface, and a map, slice, or string of length zero. */
export function isTrue(v: Value): boolean {
  if (v === null) return false;
  switch (typeof v) {
    case 'string': return v.length > 0;
    case 'boolean': return v;
    case 'number': return v !== 0;
    case 'bigint': return v !== 0n;
  }
  if (v instanceof Int64) return v.v !== 0n;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return v.size === undefined || v.size > 0;
}

/** Sprig's `empty` (the opposite of `default`'s "given"). */
export function isEmpty(v: Value): boolean {
  return !isTrue(v);
}

const encoder = new TextEncoder();

/** The length of a Go string: its UTF-8 bytes. */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; } else n += 3;
  }
  return n;
}

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

const decoder = new TextDecoder();
export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}

/** A Go string cut at byte offsets (ASCII-fast). */
export function byteSlice(s: string, start: number, end?: number): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.slice(start, end);
  return fromUtf8(utf8(s).slice(start, end));
}

export function sortedKeys(m: GoMap): string[] {
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Deep copy of maps and lists (Sprig's `deepCopy`, values kept apart between renders). */
export function deepCopy(v: Value): Value {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Map) {
    const out: GoMap = new Map();
    for (const [k, e] of v) out.set(k, deepCopy(e));
    return out;
  }
  return v;
}

/** Plain JSON-like data (what a values file holds) as Go values: numbers are float64. */
export function fromPlain(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v instanceof Map || v instanceof GoStruct || v instanceof Int64) return v as Value;
  const out: GoMap = new Map();
  for (const [k, e] of Object.entries(v as Record<string, unknown>)) out.set(k, fromPlain(e));
  return out;
}

const NIL_MAPS = new WeakSet<GoMap>();

/** A nil map of a map-typed parameter: reads like an empty map, refuses writes (as Go panics on them). */
export function nilMap(): GoMap {
  const m: GoMap = new Map();
  NIL_MAPS.add(m);
  return m;
}

export function isNilMap(m: GoMap): boolean {
  return NIL_MAPS.has(m);
}
