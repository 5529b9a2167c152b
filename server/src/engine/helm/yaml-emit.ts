/**
 * Helm's `toYaml`: sigs.k8s.io/yaml's `Marshal` — the value goes through JSON (maps sorted, numbers as JSON writes
 * them, read back as ints or floats) and out through gopkg.in/yaml.v2's emitter, whose choices are copied here:
 * key order (`keyList.Less`: digit runs compared as numbers), block style with sequences not indented under a
 * key, `{}`/`[]` for empty collections, the scalar styles (plain, single-quoted, double-quoted with escapes,
 * literal `|` with its indentation and chomping hints) and line folding past column 80.
 */
import { formatFloat } from './fmt';
import { jsonFloat, JsonError } from './json';
import { GoStruct, Int64, type Value } from './value';
import { plainIsString } from './yaml11';

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

/** A JSON round trip: what `yaml.v2` reads back from `json.Marshal` of the value. */
type Plain = null | boolean | string | { int: string } | { float: number } | Plain[] | Map<string, Plain>;

function toPlain(v: Value): Plain {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return { int: v.toString() };
  if (v instanceof Int64) return { int: v.v.toString() };
  if (typeof v === 'number') {
    const text = jsonFloat(v);
    if (/^-?\d+$/.test(text)) {
      const b = BigInt(text);
      if (b < 2n ** 63n && b >= -(2n ** 63n)) return { int: text };
      if (b >= 0n && b < 2n ** 64n) return { int: text };
    }
    return { float: Number(text) };
  }
  if (Array.isArray(v)) return v.map(toPlain);
  const m = new Map<string, Plain>();
  const entries = v instanceof GoStruct ? v.fields : v;
  for (const [k, e] of entries) m.set(k, toPlain(e));
  return m;
}

function isLetter(c: string): boolean {
  return /\p{L}/u.test(c);
}
function isDigit(c: string): boolean {
  return /\p{Nd}/u.test(c);
}

/** yaml.v2's `keyList.Less` for string keys. */
export function keyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') { an = 1n; bn = 1n; break; }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10n + BigInt(ar[ai]!.charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10n + BigInt(br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

interface Analysis {
  multiline: boolean; blockPlain: boolean; singleQuoted: boolean; block: boolean;
}

const isBreak = (c: string | undefined): boolean => c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
function isPrintable(c: string): boolean {
  const x = c.codePointAt(0)!;
  return x === 0x0a || (x >= 0x20 && x <= 0x7e) || (x >= 0xa0 && x <= 0xd7ff) || (x >= 0xe000 && x <= 0xfffd && x !== 0xfeff);
}

function analyze(s: string): Analysis {
  if (s.length === 0) return { multiline: false, blockPlain: true, singleQuoted: true, block: false };
  const ch = [...s];
  let blockInd = s.startsWith('---') || s.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWs = true;
  let prevSpace = false;
  let prevBreak = false;
  for (let i = 0; i < ch.length; i++) {
    const c = ch[i]!;
    const followedByWs = i + 1 >= ch.length || isBlank(ch[i + 1]) || isBreak(ch[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockInd = true;
      else if ((c === '?' || c === ':') && followedByWs) blockInd = true;
      else if (c === '-' && followedByWs) blockInd = true;
    } else if (c === ':' && followedByWs) blockInd = true;
    else if (c === '#' && precededByWs) blockInd = true;
    if (!isPrintable(c)) special = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === ch.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === ch.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlank(c) || isBreak(c);
  }
  const a: Analysis = { multiline: lineBreaks, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) { a.blockPlain = false; a.singleQuoted = false; }
  if (spaceBreak || special) { a.blockPlain = false; a.singleQuoted = false; a.block = false; }
  if (lineBreaks) a.blockPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent = -1;
  private readonly indents: number[] = [];

  put(s: string): void {
    this.out += s;
    this.column += [...s].length;
  }
  putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }
  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }
  popIndent(): void {
    this.indent = this.indents.pop()!;
  }
  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }
  indicator(s: string, needWs: boolean, isWs: boolean, isIndention: boolean): void {
    if (needWs && !this.whitespace) this.put(' ');
    this.put(s);
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
  }

  node(v: Plain, mapping: boolean, simpleKey: boolean): void {
    if (v instanceof Map) return v.size ? this.blockMapping(v) : this.flowEmpty('{', '}');
    if (Array.isArray(v)) return v.length ? this.blockSequence(v, mapping) : this.flowEmpty('[', ']');
    if (v === null) return this.scalar('null', 'plain', simpleKey);
    if (typeof v === 'boolean') return this.scalar(String(v), 'plain', simpleKey);
    if (typeof v === 'string') {
      const style = v.includes('\n') ? 'literal' : plainIsString(v) ? 'plain' : 'double';
      return this.scalar(v, style, simpleKey);
    }
    if ('int' in v) return this.scalar(v.int, 'plain', simpleKey);
    const f = v.float;
    return this.scalar(Number.isNaN(f) ? '.nan' : f === Infinity ? '.inf' : f === -Infinity ? '-.inf' : formatFloat(f), 'plain', simpleKey);
  }

  flowEmpty(open: string, close: string): void {
    this.indicator(open, true, true, false);
    this.indicator(close, false, false, false);
  }

  blockMapping(m: Map<string, Plain>): void {
    this.increaseIndent(false, false);
    const keys = [...m.keys()].sort((a, b) => (keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0));
    for (const k of keys) {
      this.writeIndent();
      this.node(k, true, true);
      this.indicator(':', false, false, false);
      this.node(m.get(k)!, true, false);
    }
    this.popIndent();
  }

  blockSequence(l: Plain[], mapping: boolean): void {
    this.increaseIndent(false, mapping && !this.indention);
    for (const item of l) {
      this.writeIndent();
      this.indicator('-', true, false, true);
      this.node(item, false, false);
    }
    this.popIndent();
  }

  scalar(value: string, requested: 'plain' | 'double' | 'literal', simpleKey: boolean): void {
    const a = analyze(value);
    let style: string = requested;
    if (simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlain) style = 'single';
      if (value.length === 0 && simpleKey) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
    this.increaseIndent(true, false);
    const breaks = !simpleKey;
    switch (style) {
      case 'plain': this.plain(value, breaks); break;
      case 'single': this.single(value, breaks); break;
      case 'double': this.double(value, breaks); break;
      default: this.literal(value);
    }
    this.popIndent();
  }

  plain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    const ch = [...value];
    let spaces = false;
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && ch[i + 1] !== ' ') this.writeIndent();
        else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  single(value: string, allowBreaks: boolean): void {
    this.indicator('\'', true, false, false);
    const ch = [...value];
    let spaces = false;
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < ch.length - 1 && ch[i + 1] !== ' ') this.writeIndent();
        else this.put(c);
        spaces = true;
      } else {
        if (c === '\'') this.put('\'');
        this.put(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.indicator('\'', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  double(value: string, allowBreaks: boolean): void {
    this.indicator('"', true, false, false);
    const ch = [...value];
    let spaces = false;
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i]!;
      const x = c.codePointAt(0)!;
      if (!isPrintable(c) || x === 0xfeff || isBreak(c) || c === '"' || c === '\\') {
        const named: Record<number, string> = {
          0: '0', 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 0x1b: 'e', 0x22: '"', 0x5c: '\\',
          0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
        };
        if (named[x] !== undefined) this.put('\\' + named[x]);
        else if (x <= 0xff) this.put('\\x' + x.toString(16).toUpperCase().padStart(2, '0'));
        else if (x <= 0xffff) this.put('\\u' + x.toString(16).toUpperCase().padStart(4, '0'));
        else this.put('\\U' + x.toString(16).toUpperCase().padStart(8, '0'));
        spaces = false;
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < ch.length - 1) {
          this.writeIndent();
          if (ch[i + 1] === ' ') this.put('\\');
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.indicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  literal(value: string): void {
    this.indicator('|', true, false, false);
    const ch = [...value];
    if (ch[0] === ' ' || isBreak(ch[0])) this.indicator(String(BEST_INDENT), false, false, false);
    let chomp = '';
    const last = ch.length - 1;
    if (ch.length === 0 || !isBreak(ch[last])) chomp = '-';
    else if (last === 0 || isBreak(ch[last - 1])) chomp = '+';
    if (chomp) this.indicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of ch) {
      if (isBreak(c)) {
        this.putBreak();
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) { this.writeIndent(); breaks = false; }
        this.put(c);
        this.indention = false;
      }
    }
  }
}

/** `yaml.Marshal` of sigs.k8s.io/yaml; throws `JsonError` where `json.Marshal` fails (Helm's `toYaml` gives ""). */
export function marshalYaml(v: Value): string {
  const plain = toPlain(v);
  const e = new Emitter();
  e.node(plain, false, false);
  e.writeIndent();
  return e.out.endsWith('\n') ? e.out : e.out + '\n';
}

/** Helm's `toYaml`: the YAML without its final line break, "" when the value cannot be marshalled. */
export function toYaml(v: Value): string {
  try {
    const s = marshalYaml(v);
    return s.endsWith('\n') ? s.slice(0, -1) : s;
  } catch (err) {
    if (err instanceof JsonError) return '';
    throw err;
  }
}
