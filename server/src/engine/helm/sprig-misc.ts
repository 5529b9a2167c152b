/**
 * Sprig's numbers, defaults and flow control, encodings, hashes, regular expressions, semver and paths. Functions
 * that need the clock, the network, encryption or the host, and the few not implemented, are defined but refuse to
 * run (`UNSUPPORTED`): a chart that calls one is reported as not rendered, never rendered with a made-up value.
 * (Random values and generated keys are placeholders: `sprig-random.ts`.)
 */
import { adler32, sha1, sha256 } from './hash';
import { def, type FuncDef } from './funcs';
import { JsonError, marshal, unmarshal } from './json';
import { findAll, goRegex, quoteMeta, replaceAll, splitRe } from './regex';
import { parseVersion, semverCompare } from './semver';
import { int64, strval, toFloat64, toInt64 } from './sprig-convert';
import { GoError, GoStruct, isEmpty, type Value } from './value';

function minmax(args: Value[], max: boolean): Value {
  let best = toInt64(args[0]!);
  for (const a of args.slice(1)) { const v = toInt64(a); if (max ? v > best : v < best) best = v; }
  return int64(best);
}

function minmaxf(args: Value[], max: boolean): number {
  let best = toFloat64(args[0]!);
  for (const a of args.slice(1)) best = max ? Math.max(best, toFloat64(a)) : Math.min(best, toFloat64(a));
  return best;
}

function until(start: bigint, stop: bigint, step: bigint): Value {
  const out: bigint[] = [];
  if (step === 0n) return out;
  if (start < stop ? step < 0n : step > 0n) return out;
  for (let i = start; step > 0n ? i < stop : i > stop; i += step) {
    out.push(i);
    if (out.length > 1_000_000) throw new GoError('until: too many items');
  }
  return out;
}

function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(part);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

function base(p: string): string {
  if (p === '') return '.';
  const t = p.replace(/\/+$/, '');
  if (t === '') return '/';
  return t.slice(t.lastIndexOf('/') + 1);
}

function dir(p: string): string {
  const i = p.lastIndexOf('/');
  return cleanPath(p.slice(0, i + 1));
}

function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

function toJson(v: Value, html: boolean, indent = ''): string {
  try {
    return marshal(v, html, indent);
  } catch (e) {
    if (e instanceof JsonError) return '';
    throw e;
  }
}

function roundHalfAway(x: number, places: number): number {
  const p = 10 ** places;
  const v = x * p;
  const r = v < 0 ? -Math.round(-v) : Math.round(v);
  return r / p;
}

const refuse = (name: string, why: string): FuncDef => def([], () => { throw new GoError(`${name} is not supported (${why})`); }, 'any');

/** Functions Helm has that give a different answer each run or need what a renderer in an editor must not use. */
export const UNSUPPORTED: Record<string, string> = {
  now: 'the clock', date: 'the clock', dateInZone: 'the clock', date_in_zone: 'the clock', dateModify: 'the clock',
  date_modify: 'the clock', mustDateModify: 'the clock', must_date_modify: 'the clock', ago: 'the clock',
  duration: 'the clock', durationRound: 'the clock', htmlDate: 'the clock', htmlDateInZone: 'the clock',
  toDate: 'the clock', mustToDate: 'the clock', unixEpoch: 'the clock', encryptAES: 'cryptography',
  decryptAES: 'cryptography', getHostByName: 'the network', b32enc: 'not implemented', b32dec: 'not implemented', urlParse: 'not implemented',
  urlJoin: 'not implemented', toToml: 'not implemented', fromToml: 'not implemented', toDecimal: 'not implemented',
  osBase: 'the host', osClean: 'the host', osDir: 'the host', osExt: 'the host', osIsAbs: 'the host',
};

export const SPRIG_MISC: [string, FuncDef][] = [
  ['add1', def(['any'], ([i]) => int64(toInt64(i!) + 1n))],
  ['add', def([], (a) => int64(a.reduce<bigint>((s, b) => s + toInt64(b), 0n)), 'any')],
  ['sub', def(['any', 'any'], ([a, b]) => int64(toInt64(a!) - toInt64(b!)))],
  ['div', def(['any', 'any'], ([a, b]) => {
    const d = toInt64(b!);
    if (d === 0n) throw new GoError('runtime error: integer divide by zero');
    return int64(toInt64(a!) / d);
  })],
  ['mod', def(['any', 'any'], ([a, b]) => {
    const d = toInt64(b!);
    if (d === 0n) throw new GoError('runtime error: integer divide by zero');
    return int64(toInt64(a!) % d);
  })],
  ['mul', def(['any'], ([a, ...v]) => int64(v.reduce<bigint>((s, b) => s * toInt64(b), toInt64(a!))), 'any')],
  ['add1f', def(['any'], ([i]) => toFloat64(i!) + 1)],
  ['addf', def([], (a) => a.reduce<number>((s, b) => s + toFloat64(b), 0), 'any')],
  ['subf', def(['any'], ([a, ...v]) => v.reduce<number>((s, b) => s - toFloat64(b), toFloat64(a!)), 'any')],
  ['mulf', def(['any'], ([a, ...v]) => v.reduce<number>((s, b) => s * toFloat64(b), toFloat64(a!)), 'any')],
  ['divf', def(['any'], ([a, ...v]) => v.reduce<number>((s, b) => s / toFloat64(b), toFloat64(a!)), 'any')],
  ['biggest', def(['any'], (a) => minmax(a, true), 'any')],
  ['max', def(['any'], (a) => minmax(a, true), 'any')],
  ['min', def(['any'], (a) => minmax(a, false), 'any')],
  ['maxf', def(['any'], (a) => minmaxf(a, true), 'any')],
  ['minf', def(['any'], (a) => minmaxf(a, false), 'any')],
  ['ceil', def(['any'], ([a]) => Math.ceil(toFloat64(a!)))],
  ['floor', def(['any'], ([a]) => Math.floor(toFloat64(a!)))],
  ['round', def(['any', 'int'], ([a, p]) => roundHalfAway(toFloat64(a!), Number(p)), 'float64')],
  ['int64', def(['any'], ([v]) => int64(toInt64(v!)))],
  ['int', def(['any'], ([v]) => BigInt.asIntN(64, toInt64(v!)))],
  ['float64', def(['any'], ([v]) => toFloat64(v!))],
  ['until', def(['int'], ([c]) => until(0n, c as bigint, 1n))],
  ['untilStep', def(['int', 'int', 'int'], ([a, b, c]) => until(a as bigint, b as bigint, c as bigint))],
  ['default', def(['any'], ([d, ...given]) => (given.length === 0 || isEmpty(given[0]!) ? d! : given[0]!), 'any')],
  ['empty', def(['any'], ([v]) => isEmpty(v!))],
  ['coalesce', def([], (a) => a.find((v) => !isEmpty(v)) ?? null, 'any')],
  ['all', def([], (a) => a.every((v) => !isEmpty(v)), 'any')],
  ['any', def([], (a) => a.some((v) => !isEmpty(v)), 'any')],
  ['ternary', def(['any', 'any', 'bool'], ([t, f, c]) => (c ? t! : f!))],
  ['fail', def(['string'], ([m]) => { throw new GoError(m as string); })],
  ['toJson', def(['any'], ([v]) => toJson(v!, true))],
  ['mustToJson', def(['any'], ([v]) => marshal(v!, true))],
  ['toPrettyJson', def(['any'], ([v]) => toJson(v!, true, '  '))],
  ['mustToPrettyJson', def(['any'], ([v]) => marshal(v!, true, '  '))],
  ['toRawJson', def(['any'], ([v]) => toJson(v!, false))],
  ['mustToRawJson', def(['any'], ([v]) => marshal(v!, false))],
  ['mustFromJson', def(['string'], ([s]) => { try { return unmarshal(s as string); } catch (e) { throw new GoError((e as Error).message); } })],
  ['sha256sum', def(['string'], ([s]) => sha256(s as string))],
  ['sha1sum', def(['string'], ([s]) => sha1(s as string))],
  ['adler32sum', def(['string'], ([s]) => adler32(s as string))],
  ['regexMatch', def(['string', 'string'], ([r, s]) => { try { return goRegex(r as string).test(s as string); } catch { return false; } })],
  ['mustRegexMatch', def(['string', 'string'], ([r, s]) => goRegex(r as string).test(s as string))],
  ['regexFindAll', def(['string', 'string', 'int'], ([r, s, n]) => findAll(r as string, s as string, Number(n)))],
  ['mustRegexFindAll', def(['string', 'string', 'int'], ([r, s, n]) => findAll(r as string, s as string, Number(n)))],
  ['regexFind', def(['string', 'string'], ([r, s]) => goRegex(r as string).exec(s as string)?.[0] ?? '')],
  ['mustRegexFind', def(['string', 'string'], ([r, s]) => goRegex(r as string).exec(s as string)?.[0] ?? '')],
  ['regexReplaceAll', def(['string', 'string', 'string'], ([r, s, x]) => replaceAll(r as string, s as string, x as string, false))],
  ['mustRegexReplaceAll', def(['string', 'string', 'string'], ([r, s, x]) => replaceAll(r as string, s as string, x as string, false))],
  ['regexReplaceAllLiteral', def(['string', 'string', 'string'], ([r, s, x]) => replaceAll(r as string, s as string, x as string, true))],
  ['mustRegexReplaceAllLiteral', def(['string', 'string', 'string'], ([r, s, x]) => replaceAll(r as string, s as string, x as string, true))],
  ['regexSplit', def(['string', 'string', 'int'], ([r, s, n]) => splitRe(r as string, s as string, Number(n)))],
  ['mustRegexSplit', def(['string', 'string', 'int'], ([r, s, n]) => splitRe(r as string, s as string, Number(n)))],
  ['regexQuoteMeta', def(['string'], ([s]) => quoteMeta(s as string))],
  ['semverCompare', def(['string', 'string'], ([c, v]) => semverCompare(c as string, v as string))],
  ['semver', def(['string'], ([v]) => {
    const p = parseVersion(v as string);
    return new GoStruct('*semver.Version', new Map<string, Value>([
      ['Major', BigInt(p.major)], ['Minor', BigInt(p.minor)], ['Patch', BigInt(p.patch)], ['Prerelease', p.pre],
    ]), {}, () => `${p.major}.${p.minor}.${p.patch}${p.pre ? '-' + p.pre : ''}`, true);
  })],
  ['base', def(['string'], ([p]) => base(p as string))],
  ['dir', def(['string'], ([p]) => dir(p as string))],
  ['clean', def(['string'], ([p]) => cleanPath(p as string))],
  ['ext', def(['string'], ([p]) => ext(p as string))],
  ['isAbs', def(['string'], ([p]) => (p as string).startsWith('/'))],
  ['hello', def([], () => 'Hello!')],
  ...Object.entries(UNSUPPORTED).map(([name, why]): [string, FuncDef] => [name, refuse(name, why)]),
];

export { strval };
