/**
 * Terraform's string and encoding functions (`format`, `join`, `split`, `replace`, `regex`, `jsonencode`,
 * `yamldecode`, `base64encode`, `file`, …), as Terraform documents them. `file` reads through the workspace's
 * files (the context's `readFile`), never the disk; `templatefile` is in `expressions.ts` (it evaluates).
 */
import { jsonValue, parseJson } from '../parse/json';
import { parseYaml, type YNode } from '../parse/yaml';
import type { EvalContext } from './context';
import { spec, type Spec } from './function-spec';
import {
  EvalError, NULL, asString, bool, elements, entries, firstUnknown, fromJson, list, map, num, plain, str, toNum, toStr, typeName, unknown, type Val,
} from './values';

const s = (v: Val, fn: string) => toStr(v, `${fn}()`);

/** RE2's `(?P<name>` is JavaScript's `(?<name>` */
function re(pattern: string, flags = ''): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'), flags + 'u');
  } catch {
    throw new EvalError(`the regular expression ${JSON.stringify(pattern)} is not valid`);
  }
}

function format(spec: string, args: Val[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^%([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdfvqtxXobeEgG%])/.exec(spec.slice(i));
    if (!m) throw new EvalError(`format(): bad verb at ${JSON.stringify(spec.slice(i, i + 4))}`);
    i += m[0].length - 1;
    const verb = m[4];
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (next >= args.length) throw new EvalError('format(): not enough arguments');
    const a = args[next++];
    let t: string;
    switch (verb) {
      case 's': t = s(a, 'format'); break;
      case 'd': {
        const n = toNum(a, 'format() %d');
        if (!Number.isInteger(n)) throw new EvalError('format(): %d needs a whole number');
        t = String(n);
        break;
      }
      case 'f': t = toNum(a, 'format() %f').toFixed(m[3] !== undefined ? Number(m[3]) : 6); break;
      case 't': t = a.k === 'bool' ? String(a.v) : s(a, 'format'); break;
      case 'q': t = JSON.stringify(s(a, 'format')); break;
      case 'x': t = Math.trunc(toNum(a, 'format() %x')).toString(16); break;
      case 'X': t = Math.trunc(toNum(a, 'format() %X')).toString(16).toUpperCase(); break;
      case 'o': t = Math.trunc(toNum(a, 'format() %o')).toString(8); break;
      case 'b': t = Math.trunc(toNum(a, 'format() %b')).toString(2); break;
      default: t = asString(a) ?? jsonEncode(a);
    }
    const width = m[2] ? Number(m[2]) : 0;
    if (t.length < width) {
      const flags = m[1];
      t = flags.includes('-') ? t.padEnd(width) : t.padStart(width, flags.includes('0') && verb !== 's' ? '0' : ' ');
    }
    out += t;
  }
  return out;
}

function jsonEncode(v: Val): string {
  const u = firstUnknown(v);
  if (u) throw new EvalError(u.reason);
  return JSON.stringify(plain(v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function yamlValue(n: YNode | null, depth: number): Val {
  if (!n) return NULL;
  if (depth > 200) throw new EvalError('yamldecode(): nested too deeply');
  if (n.kind === 'scalar') return n.value === null ? NULL : typeof n.value === 'number' ? num(n.value) : typeof n.value === 'boolean' ? bool(n.value) : str(n.value);
  if (n.kind === 'seq') return list(n.items.map((x) => yamlValue(x, depth + 1)));
  return map(new Map(n.pairs.map((p) => [p.name, yamlValue(p.value, depth + 1)])));
}

function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function base64ToUtf8(text: string): string {
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    throw new EvalError('base64decode(): the text is not base64');
  }
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new EvalError('base64decode(): the result is not UTF-8');
  }
}

function readWorkspaceFile(ctx: EvalContext, v: Val, fn: string): string | Val {
  const p = s(v, fn);
  const text = ctx.readFile(p);
  return text ?? unknown(`${fn}(${JSON.stringify(p)}): the file is not in the workspace`);
}

export const TEXT_FUNCTIONS: [string, Spec][] = [
  ['format', spec(([f, ...args]) => str(format(s(f, 'format'), args)), 1, Infinity, { deep: true })],
  ['formatlist', spec(([f, ...args]) => {
    const lists = args.filter((a) => a.k === 'list');
    const n = lists.length > 0 ? elements(lists[0]).length : 1;
    const out: Val[] = [];
    for (let i = 0; i < n; i++) out.push(str(format(s(f, 'formatlist'), args.map((a) => (a.k === 'list' ? a.items[i] ?? NULL : a)))));
    return list(out);
  }, 1, Infinity, { deep: true })],
  ['join', spec(([sep, ...ls]) => str(ls.flatMap((l) => elements(l, 'join()')).map((x) => s(x, 'join')).join(s(sep, 'join'))), 2, Infinity, { deep: true })],
  ['split', spec(([sep, t]) => {
    const text = s(t, 'split');
    return list((text === '' ? [''] : text.split(s(sep, 'split'))).map((x) => str(x)));
  }, 2)],
  ['replace', spec(([t, sub, rep]) => {
    const text = s(t, 'replace');
    const find = s(sub, 'replace');
    const by = s(rep, 'replace');
    if (find.length > 1 && find.startsWith('/') && find.endsWith('/')) return str(text.replace(re(find.slice(1, -1), 'g'), by.replace(/\$\{(\w+)\}/g, '$<$1>')));
    return str(text.split(find).join(by));
  }, 3)],
  ['lower', spec(([t]) => str(s(t, 'lower').toLowerCase()), 1)],
  ['upper', spec(([t]) => str(s(t, 'upper').toUpperCase()), 1)],
  ['title', spec(([t]) => str(s(t, 'title').replace(/\b\p{L}/gu, (c) => c.toUpperCase())), 1)],
  ['trimspace', spec(([t]) => str(s(t, 'trimspace').trim()), 1)],
  ['trimprefix', spec(([t, p]) => {
    const text = s(t, 'trimprefix');
    const pre = s(p, 'trimprefix');
    return str(text.startsWith(pre) ? text.slice(pre.length) : text);
  }, 2)],
  ['trimsuffix', spec(([t, p]) => {
    const text = s(t, 'trimsuffix');
    const suf = s(p, 'trimsuffix');
    return str(suf !== '' && text.endsWith(suf) ? text.slice(0, -suf.length) : text);
  }, 2)],
  ['substr', spec(([t, o, l]) => {
    const chars = [...s(t, 'substr')];
    let offset = toNum(o, 'substr() offset');
    let length = toNum(l, 'substr() length');
    if (offset < 0) offset = chars.length + offset;
    if (offset < 0 || offset > chars.length) throw new EvalError('substr(): the offset is out of range');
    if (length < 0 || offset + length > chars.length) length = chars.length - offset;
    return str(chars.slice(offset, offset + length).join(''));
  }, 3)],
  ['startswith', spec(([t, p]) => bool(s(t, 'startswith').startsWith(s(p, 'startswith'))), 2)],
  ['endswith', spec(([t, p]) => bool(s(t, 'endswith').endsWith(s(p, 'endswith'))), 2)],
  ['strcontains', spec(([t, p]) => bool(s(t, 'strcontains').includes(s(p, 'strcontains'))), 2)],
  ['regex', spec(([p, t]) => {
    const m = re(s(p, 'regex')).exec(s(t, 'regex'));
    if (!m) throw new EvalError('regex(): the pattern does not match');
    if (m.groups && Object.keys(m.groups).length > 0) return map(new Map(Object.entries(m.groups).map(([k, v]) => [k, v === undefined ? NULL : str(v)])));
    if (m.length > 1) return list(m.slice(1).map((x) => (x === undefined ? NULL : str(x))));
    return str(m[0]);
  }, 2)],
  ['regexall', spec(([p, t]) => {
    const out: Val[] = [];
    for (const m of s(t, 'regexall').matchAll(re(s(p, 'regexall'), 'g'))) {
      out.push(m.length > 1 ? list(m.slice(1).map((x) => (x === undefined ? NULL : str(x)))) : str(m[0]));
      if (out.length > 100_000) throw new EvalError('regexall(): too many matches');
    }
    return list(out);
  }, 2)],
  ['jsonencode', spec(([v]) => str(jsonEncode(v)), 1, 1, { deep: true })],
  ['jsondecode', spec(([t]) => {
    const r = parseJson(s(t, 'jsondecode'));
    if (!r.root || r.problems.length > 0) throw new EvalError('jsondecode(): the text is not JSON');
    return fromJson(jsonValue(r.root));
  }, 1)],
  ['yamldecode', spec(([t]) => {
    const r = parseYaml(s(t, 'yamldecode'));
    if (r.problems.length > 0 || r.documents.length > 1) throw new EvalError('yamldecode(): the text is not one YAML document');
    return yamlValue(r.documents[0]?.contents ?? null, 0);
  }, 1)],
  ['base64encode', spec(([t]) => str(utf8ToBase64(s(t, 'base64encode'))), 1)],
  ['base64decode', spec(([t]) => str(base64ToUtf8(s(t, 'base64decode'))), 1)],
  ['file', spec(([p], ctx) => {
    const r = readWorkspaceFile(ctx, p, 'file');
    return typeof r === 'string' ? str(r) : r;
  }, 1)],
];
