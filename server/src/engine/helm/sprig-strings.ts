/** Sprig's string functions. */
import { goQuote, sprintf } from './fmt';
import { def, type FuncDef } from './funcs';
import { strslice, strval } from './sprig-convert';
import { byteLength, byteSlice, fromUtf8, GoError, intOf, utf8, type Value } from './value';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return out;
}

function base64Decode(s: string): string {
  const bytes: number[] = [];
  let bits = 0;
  let acc = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '=') break;
    const v = B64.indexOf(c);
    if (v < 0 || c === '\n' || c === '\r') return `illegal base64 data at input byte ${i}`;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) { bits -= 8; bytes.push((acc >> bits) & 0xff); }
  }
  if ((i + (s.length - i)) % 4 !== 0 || (s.length - i > 2)) return `illegal base64 data at input byte ${Math.min(i, s.length)}`;
  return fromUtf8(new Uint8Array(bytes));
}

function title(s: string): string {
  // strings.Title: the first letter of each word (after a non-letter) upper-cased
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += /[\p{L}\p{N}_]/u.test(prev) ? ch : ch.toUpperCase();
    prev = ch;
  }
  return out;
}

function indent(n: bigint, s: string): string {
  const pad = ' '.repeat(Number(n));
  return pad + s.split('\n').join('\n' + pad);
}

function substr(start: bigint, end: bigint, s: string): string {
  const len = byteLength(s);
  const st = Number(start);
  const en = Number(end);
  if (st < 0) return byteSlice(s, 0, en);
  if (en < 0 || en > len) return byteSlice(s, st);
  return byteSlice(s, st, en);
}

function trunc(c: bigint, s: string): string {
  const n = Number(c);
  const len = byteLength(s);
  if (n < 0 && len + n > 0) return byteSlice(s, len + n);
  if (n >= 0 && len > n) return byteSlice(s, 0, n);
  return s;
}

function abbrev(width: bigint, s: string): string {
  const w = Number(width);
  if (w < 4) return s;
  return s.length > w ? s.slice(0, w - 3) + '...' : s;
}

function wrap(l: bigint, s: string, sep = '\n'): string {
  // WordUtils.wrap of goutils (long words not broken)
  const width = Number(l) < 1 ? 1 : Number(l);
  const lines: string[] = [];
  for (const line of s.split('\n')) {
    const words = line.split(' ');
    let cur = '';
    for (const w of words) {
      if (cur === '') cur = w;
      else if (cur.length + 1 + w.length <= width) cur += ' ' + w;
      else { lines.push(cur); cur = w; }
    }
    lines.push(cur);
  }
  return lines.join(sep);
}

function split(sep: string, s: string): Map<string, Value> {
  const m = new Map<string, Value>();
  s.split(sep).forEach((p, i) => m.set(`_${i}`, p));
  return m;
}

function goSplitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function trimSet(s: string, cut: string, left: boolean, right: boolean): string {
  const set = new Set([...cut]);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  if (left) while (a < b && set.has(chars[a]!)) a++;
  if (right) while (b > a && set.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

function caseWords(s: string): string[] {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_\-.]+/).filter((w) => w.length > 0);
}

export const SPRIG_STRINGS: [string, FuncDef][] = [
  ['trunc', def(['int', 'string'], ([c, s]) => trunc(c as bigint, s as string))],
  ['trim', def(['string'], ([s]) => (s as string).replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/g, ''))],
  ['upper', def(['string'], ([s]) => (s as string).toUpperCase())],
  ['lower', def(['string'], ([s]) => (s as string).toLowerCase())],
  ['title', def(['string'], ([s]) => title(s as string))],
  ['untitle', def(['string'], ([s]) => (s as string).replace(/(^|\s)(\S)/g, (_m, a: string, b: string) => a + b.toLowerCase()))],
  ['substr', def(['int', 'int', 'string'], ([a, b, s]) => substr(a as bigint, b as bigint, s as string))],
  ['repeat', def(['int', 'string'], ([c, s]) => {
    if ((c as bigint) < 0n) throw new GoError('strings: negative Repeat count');
    return (s as string).repeat(Number(c));
  })],
  ['trimall', def(['string', 'string'], ([a, b]) => trimSet(b as string, a as string, true, true))],
  ['trimAll', def(['string', 'string'], ([a, b]) => trimSet(b as string, a as string, true, true))],
  ['trimSuffix', def(['string', 'string'], ([a, b]) => ((b as string).endsWith(a as string) ? (b as string).slice(0, (b as string).length - (a as string).length) : b))],
  ['trimPrefix', def(['string', 'string'], ([a, b]) => ((b as string).startsWith(a as string) ? (b as string).slice((a as string).length) : b))],
  ['nospace', def(['string'], ([s]) => (s as string).replace(/\s/g, ''))],
  ['initials', def(['string'], ([s]) => (s as string).split(/\s+/).filter(Boolean).map((w) => [...w][0]).join(''))],
  ['swapcase', def(['string'], ([s]) => [...(s as string)].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''))],
  ['snakecase', def(['string'], ([s]) => caseWords(s as string).map((w) => w.toLowerCase()).join('_'))],
  ['kebabcase', def(['string'], ([s]) => caseWords(s as string).map((w) => w.toLowerCase()).join('-'))],
  ['camelcase', def(['string'], ([s]) => (s as string).split('_').map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : '')).join(''))],
  ['abbrev', def(['int', 'string'], ([w, s]) => abbrev(w as bigint, s as string))],
  ['wrap', def(['int', 'string'], ([l, s]) => wrap(l as bigint, s as string))],
  ['wrapWith', def(['int', 'string', 'string'], ([l, sep, s]) => wrap(l as bigint, s as string, sep as string))],
  ['contains', def(['string', 'string'], ([a, b]) => (b as string).includes(a as string))],
  ['hasPrefix', def(['string', 'string'], ([a, b]) => (b as string).startsWith(a as string))],
  ['hasSuffix', def(['string', 'string'], ([a, b]) => (b as string).endsWith(a as string))],
  ['quote', def([], (args) => args.filter((a) => a !== null).map((a) => goQuote(strval(a))).join(' '), 'any')],
  ['squote', def([], (args) => args.filter((a) => a !== null).map((a) => `'${strval(a)}'`).join(' '), 'any')],
  ['cat', def([], (args) => args.filter((a) => a !== null).map((a) => strval(a)).join(' '), 'any')],
  ['indent', def(['int', 'string'], ([n, s]) => indent(n as bigint, s as string))],
  ['nindent', def(['int', 'string'], ([n, s]) => '\n' + indent(n as bigint, s as string))],
  ['replace', def(['string', 'string', 'string'], ([o, n, s]) => (s as string).split(o as string).join(n as string))],
  ['plural', def(['string', 'string', 'int'], ([one, many, c]) => ((c as bigint) === 1n ? one : many))],
  ['toString', def(['any'], ([v]) => strval(v!))],
  ['atoi', def(['string'], ([s]) => {
    const m = /^[+-]?\d+$/.exec(s as string);
    return m ? BigInt.asIntN(64, BigInt(m[0])) : 0n;
  })],
  ['split', def(['string', 'string'], ([sep, s]) => split(sep as string, s as string))],
  ['splitList', def(['string', 'string'], ([sep, s]) => (s as string).split(sep as string))],
  ['splitn', def(['string', 'int', 'string'], ([sep, n, s]) => {
    const m = new Map<string, Value>();
    goSplitN(s as string, sep as string, Number(n)).forEach((p, i) => m.set(`_${i}`, p));
    return m;
  })],
  ['toStrings', def(['any'], ([v]) => strslice(v!))],
  ['join', def(['string', 'any'], ([sep, v]) => strslice(v!).join(sep as string))],
  ['b64enc', def(['string'], ([s]) => base64Encode(utf8(s as string)))],
  ['b64dec', def(['string'], ([s]) => base64Decode(s as string))],
  ['printf', def(['string'], ([f, ...a]) => sprintf(f as string, a), 'any')],
  ['seq', def([], (ps) => seq(ps.map((p) => Number(intOf(p as bigint)))), 'int')],
];

function seq(p: number[]): string {
  let [start, step, end] = [1, 1, 0];
  if (p.length === 0) return '';
  if (p.length === 1) { end = p[0]!; if (end < 1) step = -1; }
  else if (p.length === 2) { start = p[0]!; end = p[1]!; step = end < start ? -1 : 1; }
  else if (p.length === 3) [start, step, end] = p as [number, number, number];
  else return '';
  const out: number[] = [];
  if (step === 0) return '';
  for (let i = start; step > 0 ? i <= end : i >= end; i += step) { out.push(i); if (out.length > 100000) break; }
  return out.join(' ');
}
