/** Go's `encoding/json` for template values: `Marshal` (keys sorted, HTML-safe escapes, Go's float format), `MarshalIndent`. */
import { GoStruct, Int64, type Value } from './value';

export class JsonError extends Error {}

function quoteJson(s: string, html: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c < 0x20) out += `\\u00${c.toString(16).padStart(2, '0')}`;
    else if (html && (ch === '<' || ch === '>' || ch === '&')) out += `\\u00${c.toString(16)}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else out += ch;
  }
  return out + '"';
}

export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new JsonError(`json: unsupported value: ${f}`);
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return f.toExponential().replace(/e([+-])(\d)$/, 'e$1$2');
  }
  return String(f);
}

export function marshal(v: Value, html = true, indent = '', level = 0): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string': return quoteJson(v, html);
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return jsonFloat(v);
    case 'bigint': return v.toString();
  }
  if (v instanceof Int64) return v.v.toString();
  const nl = indent ? '\n' + indent.repeat(level + 1) : '';
  const end = indent ? '\n' + indent.repeat(level) : '';
  const sep = indent ? ': ' : ':';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((e) => nl + marshal(e, html, indent, level + 1)).join(',')}${end}]`;
  }
  const entries: [string, Value][] = v instanceof Map
    ? [...v.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    : [...(v as GoStruct).fields.entries()];
  if (entries.length === 0) return '{}';
  return `{${entries.map(([k, e]) => nl + quoteJson(k, html) + sep + marshal(e, html, indent, level + 1)).join(',')}${end}}`;
}

/** JSON text into values (numbers as float64); throws `JsonError` on bad input. */
export function unmarshal(text: string): Value {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new JsonError((e as Error).message);
  }
  const conv = (x: unknown): Value => {
    if (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return x;
    if (Array.isArray(x)) return x.map(conv);
    const m = new Map<string, Value>();
    for (const [k, e] of Object.entries(x as object)) m.set(k, conv(e));
    return m;
  };
  return conv(parsed);
}
