/**
 * Go's `fmt` for the values templates print: `Sprint`, `Sprintln`, `Sprintf` with the verbs, flags, width and
 * precision charts use (`%s %v %d %q %x %X %o %b %c %f %F %e %E %g %G %t %T %%`), and Go's wording of a bad verb
 * (`%!d(string=x)`), a missing operand (`%!d(MISSING)`) and extra ones (`%!(EXTRA string=x)`).
 */
import { GoStruct, Int64, intOf, isInt, sortedKeys, typeName, utf8, type Value } from './value';

/** `%v` of a float64: the shortest digits, exponent form when the exponent is < -4 or >= 21 (`strconv` 'g', -1). */
export function formatFloat(f: number, verb: 'g' | 'e' | 'f' = 'g', prec = -1): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (verb === 'f') return prec < 0 ? shortestFixed(f) : toFixedGo(f, prec);
  if (verb === 'e') return goExp(prec < 0 ? f.toExponential() : f.toExponential(prec));
  // 'g': %e when the exponent is < -4 or >= the precision (6 for the shortest form), trailing zeros dropped
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const shortest = prec < 0;
  const p = prec === 0 ? 1 : prec;
  const [mant, e] = (shortest ? f.toExponential() : f.toExponential(p - 1)).split('e') as [string, string];
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '').replace(/0+$/, '') || '0';
  const x = Number(e);
  const nd = digits.length;
  const dp = x + 1;
  let eprec = shortest ? 6 : p;
  if (!shortest && eprec > nd && nd >= dp) eprec = nd;
  if (x < -4 || x >= eprec) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return goExp(`${neg ? '-' : ''}${m}e${e}`);
  }
  let fixed: string;
  if (dp <= 0) fixed = `0.${'0'.repeat(-dp)}${digits}`;
  else if (dp >= nd) fixed = digits + '0'.repeat(dp - nd);
  else fixed = `${digits.slice(0, dp)}.${digits.slice(dp)}`;
  return (neg ? '-' : '') + fixed;
}

function shortestFixed(f: number): string {
  const s = String(f);
  if (!s.includes('e')) return s;
  return f.toFixed(Math.max(0, Math.min(100, -Number(s.split('e')[1]) + (s.split('e')[0]!.split('.')[1]?.length ?? 0))));
}

function toFixedGo(f: number, prec: number): string {
  if (Math.abs(f) < 1e21) return f.toFixed(Math.min(prec, 100));
  return BigInt(Math.trunc(f)).toString() + (prec > 0 ? '.' + '0'.repeat(prec) : '');
}

/** JavaScript's `1.5e+7` as Go writes it, `1.5e+07`. */
function goExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** `%v` of any value (with `plusV`/`sharpV` left out: charts do not use them). */
export function formatV(v: Value, top = true): string {
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'string': return v;
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return formatFloat(v);
    case 'bigint': return v.toString();
  }
  if (v instanceof Int64) return v.v.toString();
  if (Array.isArray(v)) return `[${v.map((e) => formatV(e, false)).join(' ')}]`;
  if (v instanceof Map) return `map[${sortedKeys(v).map((k) => `${k}:${formatV(v.get(k)!, false)}`).join(' ')}]`;
  if (v.stringer) return v.stringer();
  const body = `{${[...v.fields.values()].map((e) => formatV(e, false)).join(' ')}}`;
  return v.pointer && top ? `&${body}` : body;
}

/** `fmt.Sprint`: operands joined, a space between two when neither is a string. */
export function sprint(args: Value[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && typeof args[i] !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatV(args[i]!);
  }
  return out;
}

export function sprintln(args: Value[]): string {
  return args.map((a) => formatV(a)).join(' ') + '\n';
}

interface Spec {
  minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean;
  width: number | null; prec: number | null;
}

function pad(s: string, spec: Spec, numeric = false): string {
  if (spec.width === null || s.length >= spec.width) return s;
  const n = spec.width - s.length;
  if (spec.minus) return s + ' '.repeat(n);
  if (spec.zero && numeric) {
    const sign = /^[+-]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(n) + s.slice(sign!.length);
  }
  if (spec.zero && !numeric) return '0'.repeat(n) + s;
  return ' '.repeat(n) + s;
}

/** Go's `strconv.Quote`: a double-quoted string with Go escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** Go's report of a verb that does not fit its operand: the operand printed with %v and the same flags. */
function badVerb(verb: string, v: Value, spec?: Spec): string {
  if (v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${spec ? fmtOne(v, 'v', spec) : formatV(v)})`;
}

function fmtInt(n: bigint, verb: string, spec: Spec): string {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  let digits: string;
  switch (verb) {
    case 'x': digits = abs.toString(16); break;
    case 'X': digits = abs.toString(16).toUpperCase(); break;
    case 'o': digits = abs.toString(8); break;
    case 'b': digits = abs.toString(2); break;
    case 'c': return pad(runeOf(n), spec);
    case 'q': return pad(quoteRune(runeOf(n)), spec);
    default: digits = abs.toString(10);
  }
  if (spec.prec !== null) digits = digits.padStart(spec.prec, '0');
  if (spec.sharp && verb === 'x') digits = '0x' + digits;
  if (spec.sharp && verb === 'X') digits = '0X' + digits;
  if (spec.sharp && verb === 'o' && !digits.startsWith('0')) digits = '0' + digits;
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  return pad(sign + digits, spec.prec !== null ? { ...spec, zero: false } : spec, true);
}

function fmtFloatVerb(f: number, verb: string, spec: Spec): string {
  let s: string;
  switch (verb) {
    case 'e': case 'E': s = formatFloat(f, 'e', spec.prec ?? 6); break;
    case 'f': case 'F': s = formatFloat(f, 'f', spec.prec ?? 6); break;
    default: s = formatFloat(f, 'g', spec.prec ?? -1);
  }
  if (verb === 'E' || verb === 'G') s = s.toUpperCase();
  if (spec.plus && !s.startsWith('-') && !s.startsWith('+')) s = '+' + s;
  else if (spec.space && !s.startsWith('-')) s = ' ' + s;
  if (s === '+Inf' || s === 'NaN' || s === '-Inf') return pad(s, { ...spec, zero: false });
  return pad(s, spec, true);
}

function fmtString(s: string, verb: string, spec: Spec): string {
  if (spec.prec !== null) s = [...s].slice(0, spec.prec).join('');
  switch (verb) {
    case 'q': return pad(spec.sharp && !s.includes('`') ? '`' + s + '`' : goQuote(s), spec);
    case 'x': case 'X': {
      let hex = [...utf8(s)].map((b) => b.toString(16).padStart(2, '0')).join(spec.space ? ' ' : '');
      if (verb === 'X') hex = hex.toUpperCase();
      return pad(hex, spec);
    }
    default: return pad(s, spec);
  }
}

function fmtOne(v: Value, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(v === null ? '<nil>' : typeName(v), spec);
  if (v === null) return verb === 'v' ? pad('<nil>', spec) : badVerb(verb, v, spec);
  if (verb === 'v') {
    if (typeof v === 'string') return fmtString(v, 's', spec);
    if (typeof v === 'number') return fmtFloatVerb(v, 'g', spec);
    if (isInt(v)) return fmtInt(intOf(v), 'd', spec);
    return pad(formatV(v), spec);
  }
  if (typeof v === 'string') {
    if ('sqxX'.includes(verb)) return fmtString(v, verb, spec);
    return badVerb(verb, v, spec);
  }
  if (typeof v === 'boolean') return verb === 't' ? pad(String(v), spec) : badVerb(verb, v, spec);
  if (isInt(v)) {
    if ('dboxXcq'.includes(verb)) return fmtInt(intOf(v), verb, spec);
    return badVerb(verb, v, spec);
  }
  if (typeof v === 'number') {
    if ('eEfFgG'.includes(verb)) return fmtFloatVerb(v, verb, spec);
    if (verb === 'x' || verb === 'X') return pad(verb === 'X' ? hexFloat(v).toUpperCase() : hexFloat(v), spec, true);
    return badVerb(verb, v, spec);
  }
  const elem = (e: Value): string => (e === null ? '<nil>' : fmtOne(e, verb, spec));
  if (Array.isArray(v)) return `[${v.map(elem).join(' ')}]`;
  if (v instanceof Map) return `map[${sortedKeys(v).map((k) => `${elem(k)}:${elem(v.get(k)!)}`).join(' ')}]`;
  if (v instanceof GoStruct && v.stringer && (verb === 's' || verb === 'q')) return fmtString(v.stringer(), verb, spec);
  if (verb === 's') return pad(formatV(v), spec);
  return badVerb(verb, v, spec);
}

/** `fmt.Sprintf`. */
export function sprintf(format: string, args: Value[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) { out += format.slice(i); break; }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: null, prec: null };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') { spec.minus = true; spec.zero = false; } else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    const num = (): number | null => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        if (a !== undefined && isInt(a)) return Number(intOf(a));
        return null;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return null;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = num();
    if (spec.width !== null && spec.width < 0) { spec.minus = true; spec.width = -spec.width; }
    if (format[i] === '.') {
      i++;
      spec.prec = num() ?? 0;
    }
    if (i >= format.length) { out += '%!(NOVERB)'; break; }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') { out += '%'; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    out += fmtOne(args[argi++]!, verb, spec);
  }
  if (argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => (a === null ? '<nil>' : `${typeName(a)}=${formatV(a)}`)).join(', ') + ')';
  }
  return out;
}

/** `%x` of a float64: Go's hexadecimal mantissa and binary exponent (`0x1.8p+01`). */
function hexFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  if (f === 0) return `${neg ? '-' : ''}0x0p+00`;
  let a = Math.abs(f);
  let e = Math.floor(Math.log2(a));
  a = a / 2 ** e;
  if (a >= 2) { a /= 2; e++; }
  if (a < 1) { a *= 2; e--; }
  const hex = BigInt(Math.round((a - 1) * 2 ** 52)).toString(16).padStart(13, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}0x1${hex ? '.' + hex : ''}p${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function runeOf(n: bigint): string {
  const x = Number(n);
  return x < 0 || x > 0x10ffff || (x >= 0xd800 && x <= 0xdfff) ? '\ufffd' : String.fromCodePoint(x);
}

/** `strconv.QuoteRune`. */
function quoteRune(ch: string): string {
  const q = goQuote(ch).slice(1, -1).replace(/\\"/g, '"');
  return `'${q === "'" ? "\\'" : q}'`;
}
