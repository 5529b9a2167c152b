/**
 * Go's RE2 regular expressions on JavaScript's engine: the syntax charts use is the same; Go's leading flag
 * groups `(?i)`, `(?s)`, `(?m)`, named groups `(?P<name>…)`, `\z` and `\A` are translated; what cannot be
 * translated is an error. `$1`, `${name}` and `$$` in replacements are expanded as Go's `Regexp.Expand` does.
 */
import { GoError } from './value';

const cache = new Map<string, RegExp>();

export function goRegex(src: string, global = false): RegExp {
  const key = `${global ? 'g' : ''}:${src}`;
  const hit = cache.get(key);
  if (hit) { hit.lastIndex = 0; return hit; }
  let flags = global ? 'g' : '';
  let s = src;
  const m = /^\(\?([imsU]+)\)/.exec(s);
  if (m) {
    if (m[1]!.includes('U')) throw new GoError(`error parsing regexp: the U flag is not supported: ${src}`);
    flags += [...new Set(m[1]!)].join('');
    s = s.slice(m[0].length);
  }
  s = s.replace(/\(\?P</g, '(?<').replace(/\\z/g, '(?![\\s\\S])').replace(/\\A/g, '^');
  if (/\(\?[imsU-]/.test(s)) throw new GoError(`error parsing regexp: inline flags are not supported here: ${src}`);
  let re: RegExp;
  try {
    re = new RegExp(s, flags);
  } catch (e) {
    throw new GoError(`error parsing regexp: ${(e as Error).message}`);
  }
  if (cache.size > 500) cache.clear();
  cache.set(key, re);
  return re;
}

/** Go's `Regexp.ReplaceAllString` (with `$` expansion) or `ReplaceAllLiteralString`. */
export function replaceAll(src: string, s: string, repl: string, literal: boolean): string {
  const re = goRegex(src, true);
  let out = '';
  let last = 0;
  let prevEnd = -1;
  for (const m of s.matchAll(re)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (m[0].length === 0 && start === prevEnd) continue; // Go skips an empty match right after a match
    out += s.slice(last, start) + (literal ? repl : expand(repl, m));
    last = end;
    prevEnd = end;
  }
  return out + s.slice(last);
}

function expand(template: string, m: RegExpMatchArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$') { out += c; continue; }
    const rest = template.slice(i + 1);
    if (rest.startsWith('$')) { out += '$'; i++; continue; }
    const braced = /^\{([A-Za-z0-9_]+)\}/.exec(rest);
    const bare = /^[A-Za-z0-9_]+/.exec(rest);
    const name = braced ? braced[1]! : bare ? bare[0] : null;
    if (name === null) { out += '$'; continue; }
    i += braced ? braced[0].length : name.length;
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
  }
  return out;
}

export function findAll(src: string, s: string, n: number): string[] {
  const out: string[] = [];
  if (n === 0) return out;
  let prevEnd = -1;
  for (const m of s.matchAll(goRegex(src, true))) {
    if (m[0].length === 0 && m.index === prevEnd) continue;
    out.push(m[0]);
    prevEnd = m.index! + m[0].length;
    if (n > 0 && out.length >= n) break;
  }
  return out;
}

export function splitRe(src: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (src.length > 0 && s.length === 0) return [''];
  const out: string[] = [];
  let beg = 0;
  let prevEnd = -1;
  for (const m of s.matchAll(goRegex(src, true))) {
    if (n > 0 && out.length === n - 1) break;
    const end = m.index! + m[0].length;
    if (m[0].length === 0 && (m.index === 0 || m.index === prevEnd)) continue;
    out.push(s.slice(beg, m.index));
    beg = end;
    prevEnd = end;
  }
  out.push(s.slice(beg));
  return out;
}

export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
