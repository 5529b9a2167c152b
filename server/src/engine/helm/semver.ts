/**
 * Masterminds/semver v3 as Sprig's `semverCompare` and `semver` use it: versions read leniently (`v` prefix,
 * missing minor/patch), constraints joined by `,` or spaces (and) and `||` (or), operators `= != > < >= <= ~ ^`
 * and wildcards (`x`, `X`, `*`); a version with a pre-release matches only a constraint that has one.
 */
import { GoError } from './value';

export interface Version { major: number; minor: number; patch: number; pre: string; original: string }

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z\-.]+))?(?:\+([0-9A-Za-z\-.]+))?$/;

export function parseVersion(s: string): Version {
  const m = VERSION.exec(s.trim());
  if (!m) throw new GoError('Invalid Semantic Version');
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), pre: m[4] ?? '', original: s };
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) < Number(y) ? -1 : 1;
    if (nx) return -1;
    if (ny) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function compare(a: Version, b: Version): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  return comparePre(a.pre, b.pre);
}

interface Term { op: string; v: Version; dirty: 'major' | 'minor' | 'patch' | null; hasPre: boolean }

const TERM = /^\s*(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)?\s*v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?(?:-([0-9A-Za-z\-.]+))?(?:\+[0-9A-Za-z\-.]+)?\s*$/;

function parseTerm(t: string): Term {
  const m = TERM.exec(t);
  if (!m) throw new GoError(`improper constraint: ${t}`);
  const wild = (x: string | undefined): boolean => x === undefined || x === 'x' || x === 'X' || x === '*';
  let dirty: Term['dirty'] = null;
  if (wild(m[2])) dirty = 'major';
  else if (m[3] !== undefined && wild(m[3])) dirty = 'minor';
  else if (m[4] !== undefined && wild(m[4])) dirty = 'patch';
  const num = (x: string | undefined): number => (wild(x) ? 0 : Number(x));
  const v: Version = { major: num(m[2]), minor: num(m[3]), patch: num(m[4]), pre: m[5] ?? '', original: t };
  let op = m[1] ?? '';
  if (op === '=>') op = '>=';
  if (op === '=<') op = '<=';
  if (op === '~>') op = '~';
  // a partial version without wildcards ("1.2") reads as a wildcard in the missing parts for = and ranges
  if (!dirty && m[3] === undefined) dirty = op === '' || op === '=' || op === '!=' ? 'minor' : null;
  else if (!dirty && m[4] === undefined) dirty = op === '' || op === '=' || op === '!=' ? 'patch' : null;
  return { op, v, dirty, hasPre: !!m[5] };
}

function checkTerm(t: Term, v: Version): boolean {
  if (v.pre !== '' && !t.hasPre) return false;
  const c = compare(v, t.v);
  switch (t.op) {
    case '': case '=':
      if (t.dirty === 'major') return true;
      if (t.dirty === 'minor') return v.major === t.v.major;
      if (t.dirty === 'patch') return v.major === t.v.major && v.minor === t.v.minor;
      return c === 0;
    case '!=':
      if (t.dirty === 'major') return false;
      if (t.dirty === 'minor') return v.major !== t.v.major;
      if (t.dirty === 'patch') return v.major !== t.v.major || v.minor !== t.v.minor;
      return c !== 0;
    case '>':
      if (t.dirty === 'minor') return v.major > t.v.major;
      if (t.dirty === 'patch') return v.major > t.v.major || (v.major === t.v.major && v.minor > t.v.minor);
      return c > 0;
    case '<': return c < 0;
    case '>=': return c >= 0;
    case '<=':
      if (t.dirty === 'minor') return v.major <= t.v.major;
      if (t.dirty === 'patch') return v.major < t.v.major || (v.major === t.v.major && v.minor <= t.v.minor);
      return c <= 0;
    case '~':
      if (c < 0) return false;
      if (t.dirty === 'major') return true;
      return v.major === t.v.major && (t.dirty === 'minor' || v.minor === t.v.minor);
    case '^':
      if (c < 0) return false;
      if (t.v.major > 0 || t.dirty === 'minor') return v.major === t.v.major;
      if (t.v.minor > 0 || t.dirty === 'patch') return v.major === 0 && v.minor === t.v.minor;
      return v.major === 0 && v.minor === 0 && v.patch === t.v.patch;
  }
  return false;
}

export function semverCompare(constraint: string, version: string): boolean {
  let v: Version;
  try {
    v = parseVersion(version);
  } catch {
    throw new GoError('failed to parse semver: ' + version);
  }
  const groups = constraint.split('||').map((g) => {
    const terms = g.split(',').flatMap((piece) => piece.match(/(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)?\s*v?[0-9xX*][0-9A-Za-z\-.+*]*/g) ?? []);
    if (terms.length === 0) throw new GoError(`improper constraint: ${constraint}`);
    return terms.map(parseTerm);
  });
  return groups.some((terms) => terms.every((t) => checkTerm(t, v)));
}
