/**
 * The only module that imports `yaml`. It turns a file's text into a small plain tree of maps, sequences and
 * scalars, each with its span, plus the problems the parser found. Aliases point at the node they name (shared,
 * never expanded), merge keys (`<<`) are folded into their map, and nothing here throws.
 *
 * Helm templates: the lines that hold only template actions (`{{- if … }}`, `{{- end }}`, `{{ include … }}`) are
 * read as blank lines (`blankControlLines`), and what they may change is marked unknown: a value they stand for
 * is a template scalar, a map or sequence among whose entries they sit is `templated`.
 *
 * Limits (hostile input; each one hit is a problem with `limit: true`, see docs/robustness.md):
 *  - nesting: the concrete syntax tree is built token by token and reading stops where it gets deeper than
 *    `maxDepth` (the `yaml` composer recurses once per level: 10,000 levels would overflow the stack);
 *  - the tree handed out is never deeper than `maxDepth`, even through aliases (an alias that would make it
 *    deeper is not followed), and expands to at most `maxAliasExpansion` nodes more than the text holds (walking
 *    it without a visited set stays cheap; an alias past that budget is not followed): billion laughs is cut;
 *  - at most `maxNodes` nodes are converted, at most `maxDocuments` documents read, at most `maxProblems` syntax
 *    problems kept, and reading stops after `maxMillis` (the composing of what was read is linear in its size).
 */
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, Lexer, Parser, Scalar } from 'yaml';
import type { Node as YamlLibNode, Document, ParseOptions, DocumentOptions, SchemaOptions } from 'yaml';
import type { Span } from '../text/span';
import type { ParseProblem } from '../sources/model';

export type ScalarValue = string | number | boolean | null;

export interface YScalar {
  kind: 'scalar';
  value: ScalarValue;
  span: Span;
  style: 'plain' | 'single' | 'double' | 'block';
  /** the value holds a template expression (`{{ … }}`): it is unknown, never wrong */
  template: boolean;
}

export interface YPair {
  key: YScalar;
  /** the key as text (`String(key.value)`) */
  name: string;
  value: YNode | null;
  /** from the key's start to the end of the value (or of the key when there is no value) */
  span: Span;
}

export interface YMap {
  kind: 'map';
  pairs: YPair[];
  span: Span;
  flow: boolean;
  /**
   * Template actions sit among its pairs (a Helm `if`, `range`, `include` line): rendered, it may hold more
   * pairs, fewer or other ones. What is written is read, but a missing or duplicate key or a count is unknown.
   */
  templated: boolean;
}

export interface YSeq {
  kind: 'seq';
  items: (YNode | null)[];
  span: Span;
  flow: boolean;
  /** Template actions sit among its items: missing or duplicate items and the count are unknown (see `YMap`). */
  templated: boolean;
}

export type YNode = YMap | YSeq | YScalar;

export interface YDocument {
  /** 0-based index of the document in its file */
  index: number;
  /** from the document's first byte (its `---` marker or first content) to its end */
  span: Span;
  contents: YNode | null;
}

export interface YamlParseResult {
  documents: YDocument[];
  problems: ParseProblem[];
}

export interface YamlParseOptions {
  /** the file holds Helm template syntax: syntax problems are not reported */
  template?: boolean;
  /** at most this many nodes are converted per file (bounds work on hostile input) */
  maxNodes?: number;
  /** collections nested deeper than this are not read (default 256) */
  maxDepth?: number;
  /** aliases expand the tree by at most this many nodes in all (default 100,000) */
  maxAliasExpansion?: number;
  /** reading stops after this many milliseconds (default 10,000) */
  maxMillis?: number;
  /** at most this many documents are read (default 100,000) */
  maxDocuments?: number;
}

export const YAML_LIMITS = {
  maxNodes: 2_000_000,
  maxDepth: 256,
  maxAliasExpansion: 100_000,
  maxMillis: 10_000,
  maxDocuments: 100_000,
  /** syntax problems kept per file (a garbage file would otherwise give one per token) */
  maxProblems: 1_000,
} as const;

type Limits = { maxNodes: number; maxDepth: number; maxAliasExpansion: number; maxMillis: number; maxDocuments: number };

/**
 * `uniqueKeys` is off because the `yaml` package checks it in quadratic time (a flat map of 40,000 keys takes
 * seconds); the converter reports duplicate keys itself, with the same message and position.
 */
const COMPOSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  merge: true, prettyErrors: false, keepSourceTokens: false, uniqueKeys: false,
};

export function isTemplateText(text: string): boolean {
  return text.includes('{{');
}

/** The Helm control lines of a text, and the text the parser reads (`blankControlLines`). */
export interface ControlLines {
  /** the text with each control line as spaces */
  text: string;
  /**
   * per control line, in order, three numbers: where its actions start (the first `{{`) and end (after the last
   * `}}`), and 1 when they render nothing themselves (only `end`s and comments: the block's first line says what
   * it renders), else 0
   */
  lines: number[];
}

/**
 * Helm control lines: a line that holds only template actions (`{{- if .Values.x }}`, `{{- end }}`, comments,
 * `{{- toYaml .Values.ports | nindent 4 }}`; white space around them) is no YAML, and breaks the structure around
 * it. The parser reads a copy of the text in which each such line is spaces: offsets and line breaks are
 * unchanged, so every span still points into the user's text. Line by line (an action is never followed onto the
 * next line), so a piece of a file (`YamlFile`) reads as it does in the whole.
 */
export function blankControlLines(text: string): ControlLines {
  const lines: number[] = [];
  const parts: string[] = [];
  let copied = 0;
  let at = text.indexOf('{{');
  while (at >= 0) {
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const contentEnd = nl > lineStart && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    let i = lineStart;
    while (i < at && (isBlankCode(text.charCodeAt(i)) || (i === 0 && text.charCodeAt(i) === BOM))) i++;
    // actions, one after another, until the end of the line
    let end = -1;
    let quiet = true;
    while (i === at || (i < contentEnd && text.startsWith('{{', i))) {
      const close = closingBraces(text, i + 2, contentEnd);
      if (close < 0) break;
      // the action's words without its trim markers; string methods, not /\s*-?$/, which backtracks quadratically
      // over a long run of spaces that does not end the action
      let inner = text.slice(i + 2, close);
      inner = (inner.startsWith('-') ? inner.slice(1) : inner).trimStart();
      inner = (inner.endsWith('-') ? inner.slice(0, -1) : inner).trimEnd();
      if (inner !== 'end' && !(inner.startsWith('/*') && inner.endsWith('*/'))) quiet = false;
      end = close + 2;
      i = end;
      while (i < contentEnd && isBlankCode(text.charCodeAt(i))) i++;
      if (i >= contentEnd) break;
      if (!text.startsWith('{{', i)) { end = -1; break; }
    }
    if (end >= 0 && i >= contentEnd) {
      lines.push(at, end, quiet ? 1 : 0);
      parts.push(text.slice(copied, lineStart), ' '.repeat(contentEnd - lineStart));
      copied = contentEnd;
    }
    at = nl < text.length ? text.indexOf('{{', nl) : -1;
  }
  if (lines.length === 0) return { text, lines };
  parts.push(text.slice(copied));
  return { text: parts.join(''), lines };
}

/** The offset of the first `}}` in text[from, to), or -1. */
function closingBraces(text: string, from: number, to: number): number {
  for (let i = from; i + 1 < to; i++) if (text.charCodeAt(i) === CLOSE_BRACE && text.charCodeAt(i + 1) === CLOSE_BRACE) return i;
  return -1;
}

function isBlankCode(c: number): boolean {
  return c === SPACE || c === TAB;
}

export function parseYaml(original: string, options: YamlParseOptions = {}): YamlParseResult {
  return parseCounted(original, options).result;
}

/** What a parse used, for reading a file document by document (`YamlFile`). */
interface CountedParse {
  result: YamlParseResult;
  /** nodes converted, and nodes aliases added to the tree */
  nodes: number;
  aliasNodes: number;
  /** the `yaml` package reported errors (also in templates, where they are not problems) */
  errors: boolean;
  /** a limit was hit, or the composer failed */
  limited: boolean;
}

function parseCounted(original: string, options: YamlParseOptions): CountedParse {
  const template = options.template ?? isTemplateText(original);
  // YAML (and kubectl) take a lone CR as a line break, the `yaml` package does not: as LF, offsets are unchanged
  const text = original.includes('\r') ? original.replace(/\r(?!\n)/g, '\n') : original;
  const limits: Limits = {
    maxNodes: options.maxNodes ?? YAML_LIMITS.maxNodes,
    maxDepth: options.maxDepth ?? YAML_LIMITS.maxDepth,
    maxAliasExpansion: options.maxAliasExpansion ?? YAML_LIMITS.maxAliasExpansion,
    maxMillis: options.maxMillis ?? YAML_LIMITS.maxMillis,
    maxDocuments: options.maxDocuments ?? YAML_LIMITS.maxDocuments,
  };
  const problems: ParseProblem[] = [];
  const documents: YDocument[] = [];
  const stopped: { problem?: ParseProblem } = {};
  // the parser reads Helm control lines as blank lines (offsets unchanged); nothing else reads that copy
  const control = template ? blankControlLines(text) : undefined;
  let docs: Document.Parsed[];
  // the composer makes an Error (with a stack trace) per syntax error: garbage makes millions of them
  const stackTraceLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
    docs = [...new Composer(COMPOSE_OPTIONS).compose(boundedTokens(control?.text ?? text, limits, stopped))];
  } catch (err) {
    if (!template) problems.push({ message: `YAML could not be read: ${(err as Error).message}`, span: { start: 0, end: 0 } });
    return { result: { documents, problems }, nodes: 0, aliasNodes: 0, errors: true, limited: true };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  let kept = 0;
  const budget: Budget = { left: limits.maxNodes, aliasLeft: limits.maxAliasExpansion, reported: new Set() };
  if (stopped.problem) budget.reported.add('depth'); // the cut above says it already
  let errors = false;
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) errors = true;
    const syntax: ParseProblem[] = [];
    if (!template) {
      for (const e of doc.errors) {
        if (syntax.length >= YAML_LIMITS.maxProblems) break;
        const start = Math.max(0, Math.min(e.pos[0], text.length));
        const end = Math.max(start, Math.min(e.pos[1], text.length));
        syntax.push({ message: firstLine(e.message), span: { start, end } });
      }
    }
    const converter = new Converter(text.length, budget, limits, problems, template ? undefined : syntax, template ? text : undefined, control);
    const contents = converter.node(doc.contents as YamlLibNode | null, 1);
    // control lines after the root's last entry (`{{- include "more" . | nindent 2 }}` at the end of the spec)
    const rootRange = doc.contents?.range;
    if (rootRange) converter.among(null, doc.contents as YamlLibNode, rootRange[1], doc.range[2]);
    // duplicate keys come from the converter: keep this document's problems in the order of the text
    syntax.sort((a, b) => a.span.start - b.span.start);
    for (const p of syntax) if (kept++ < YAML_LIMITS.maxProblems) problems.push(p);
    const range = doc.range;
    const document: YDocument = { index, span: clampSpan(range[0], range[2], text.length), contents };
    if (converter.shared) SHARED.add(document);
    documents.push(document);
  });
  if (stopped.problem) problems.push(stopped.problem);
  return {
    result: { documents, problems },
    nodes: limits.maxNodes - budget.left,
    aliasNodes: limits.maxAliasExpansion - budget.aliasLeft,
    errors,
    limited: !!stopped.problem || budget.reported.size > 0 || problems.some((p) => p.limit),
  };
}

/**
 * The `yaml` package's lexer and CST parser (both iterative) fed token by token, so that reading stops before
 * the composer (recursive) would meet a collection nested deeper than `maxDepth`, or after `maxMillis`.
 */
function* boundedTokens(text: string, limits: Limits, stopped: { problem?: ParseProblem }) {
  const parser = new Parser();
  const started = Date.now();
  let count = 0;
  let documents = 0;
  for (const lexeme of new Lexer().lex(text)) {
    const at = Math.min(parser.offset, text.length);
    for (const token of parser.next(lexeme)) {
      if (token.type === 'document' && ++documents > limits.maxDocuments) {
        stopped.problem = limitProblem(text, token.offset,
          `the file holds more than ${limits.maxDocuments} YAML documents; the rest of the file was not read`);
        return;
      }
      yield token;
    }
    if (parser.stack.length > limits.maxDepth) {
      stopped.problem = limitProblem(text, at,
        `the YAML is nested deeper than ${limits.maxDepth} levels here; the rest of the file was not read`);
      break;
    }
    if ((++count & 1023) === 0 && Date.now() - started > limits.maxMillis) {
      stopped.problem = limitProblem(text, at,
        `reading the YAML took longer than ${limits.maxMillis / 1000} s; the rest of the file was not read`);
      break;
    }
  }
  yield* parser.end();
}

function clampSpan(start: number, end: number, length: number): Span {
  const s = Math.max(0, Math.min(start, length));
  return { start: s, end: Math.max(s, Math.min(end, length)) };
}

function limitProblem(text: string, at: number, message: string): ParseProblem {
  const start = Math.max(0, Math.min(at, text.length));
  return { message, span: { start, end: Math.min(start + 1, text.length) }, limit: true };
}

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  const line = nl < 0 ? message : message.slice(0, nl);
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}

interface Budget {
  /** nodes that may still be converted */
  left: number;
  /** nodes that aliases may still add to the expanded tree */
  aliasLeft: number;
  /** which limits were already reported (one problem each per file) */
  reported: Set<string>;
}

class Converter {
  private readonly done = new Map<YamlLibNode, YNode | null>();
  private readonly inProgress = new Set<YamlLibNode>();
  /**
   * Anchors met so far, in the order of the text: an alias names the closest one before it. (The `yaml`
   * package's `Alias.resolve` searches the whole document each time: quadratic with many aliases.)
   */
  private readonly anchors = new Map<string, YamlLibNode>();
  /** height (levels) and expanded size (nodes, aliases followed) of each converted collection */
  private readonly measure = new Map<YNode, { height: number; size: number }>();
  /** an alias or a merge key made a node or pair appear twice in the tree */
  shared = false;

  constructor(
    private readonly textLength: number,
    private readonly budget: Budget,
    private readonly limits: Limits,
    private readonly problems: ParseProblem[],
    /** where duplicate keys are reported (undefined: they are not, as in templates) */
    private readonly syntax: ParseProblem[] | undefined,
    /** the file's text when it holds templates: `{{ … }}` read as a flow map is a template value */
    private readonly templateText?: string,
    /** the Helm control lines, which the parser read as blank lines (`blankControlLines`) */
    private readonly control?: ControlLines,
  ) {}

  /** The index (in `control.lines`, by threes) of the first control line that starts at or after `from`. */
  private lineFrom(from: number): number {
    const lines = this.control!.lines;
    let lo = 0;
    let hi = lines.length / 3;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lines[3 * mid] < from) lo = mid + 1; else hi = mid;
    }
    return 3 * lo;
  }

  /** A control line that may render something (with `quiet`: any control line) starts in [from, to). */
  private controlIn(from: number, to: number, quiet = false): boolean {
    const lines = this.control?.lines;
    if (!lines || lines.length === 0 || from >= to) return false;
    for (let k = this.lineFrom(from); k < lines.length && lines[k] < to; k += 3) if (quiet || lines[k + 2] === 0) return true;
    return false;
  }

  /** The column of an offset of the text. */
  private column(at: number): number {
    return at - ((this.templateText ?? '').lastIndexOf('\n', at - 1) + 1);
  }

  /**
   * Control lines between two entries of `out` (null: after the last entry of a document's root), from the end
   * of `before` (the first one's value) to `to`: `out` is templated; and a line indented as the inside of a
   * collection that ends there (`before`, its last entry, …), deeper than `out`, belongs to the innermost such
   * one too: `{{- include "labels" . | nindent 8 }}` after the last label makes the labels templated. (A
   * sequence written at its key's column, `ports:` then `- port: 80`, is not deeper: a line at that column after
   * its last item is read as its parent's.)
   */
  among(out: YMap | YSeq | null, before: YamlLibNode | null | undefined, from: number, to: number): void {
    const lines = this.control?.lines;
    if (!lines || lines.length === 0 || from >= to) return;
    let outer: number | undefined;
    for (let k = this.lineFrom(from); k < lines.length && lines[k] < to; k += 3) {
      if (lines[k + 2] === 1) continue; // `end`, a comment: the first line of their block says it
      if (out) out.templated = true;
      const column = this.column(lines[k]);
      outer ??= out ? this.column(out.span.start) : -1;
      let inner: YMap | YSeq | undefined;
      for (let n = before; n && (isMap(n) || isSeq(n)) && !n.flow;) {
        const c = this.done.get(n);
        const at = c && c.kind !== 'scalar' ? this.column(c.span.start) : Infinity;
        if (!c || c.kind === 'scalar' || at > column) break;
        if (at > outer) inner = c;
        const last: unknown = n.items[n.items.length - 1];
        n = (isPair(last) ? last.value : last) as YamlLibNode | null;
      }
      if (inner) inner.templated = true;
    }
  }

  /**
   * A pair's value as the control lines around it leave it: an empty value followed by a control line (`ports:`
   * then `{{- toYaml .Values.ports | nindent 4 }}`) is that line's output, a template value; a value after such a
   * line (`ports:`, `{{- range … }}`, `- name: …`) is templated. `keyEnd`: where the key ends.
   */
  private templateValue(keyEnd: number, valueNode: YamlLibNode | null, value: YNode | null): YNode | null {
    const text = this.templateText;
    const control = this.control;
    if (text === undefined || !control || control.lines.length === 0) return value;
    if (!value || (value.kind === 'scalar' && value.value === null && value.span.start === value.span.end)) {
      // what follows the key, as the parser read it: white space and comments up to the next thing (never past
      // the next key: each key scans its own stretch of the text)
      const read = control.text;
      let i = keyEnd;
      while (i < read.length && isBlankCode(read.charCodeAt(i))) i++;
      if (read.charCodeAt(i) === COLON) i++;
      while (i < read.length) {
        const c = read.charCodeAt(i);
        if (c === HASH) i = lineEnd(read, i);
        else if (isSpaceCode(c)) i++;
        else break;
      }
      const lines = control.lines;
      for (let k = this.lineFrom(keyEnd); k < lines.length && lines[k] < i; k += 3) {
        if (lines[k + 2] === 1) continue;
        const [start, end] = [lines[k], lines[k + 1]];
        return { kind: 'scalar', value: text.slice(start, end), span: this.span(start, end), style: 'plain', template: true };
      }
      return value;
    }
    const range = valueNode?.range;
    if (range && !isAlias(valueNode) && this.controlIn(keyEnd, range[0])) {
      if (value.kind === 'scalar') value.template = true; else value.templated = true;
    }
    return value;
  }

  private limit(kind: string, at: number, message: string): void {
    if (this.budget.reported.has(kind)) return;
    this.budget.reported.add(kind);
    this.problems.push({ message, span: this.span(at, at), limit: true });
  }

  /** The `yaml` package's ranges can reach past the end of a broken text: every span stays inside it. */
  private span(start: number, end: number): Span {
    return clampSpan(start, end, this.textLength);
  }

  private heightOf(n: YNode | null): number {
    return n ? this.measure.get(n)?.height ?? 1 : 0;
  }

  private sizeOf(n: YNode | null): number {
    return n ? this.measure.get(n)?.size ?? 1 : 0;
  }

  /** Converts `n`, which sits at `depth` (the document's root is at depth 1). */
  node(n: YamlLibNode | null | undefined, depth: number): YNode | null {
    if (!n) return null;
    if (isAlias(n)) {
      const target = this.anchors.get(n.source);
      if (!target || this.inProgress.has(target)) return null;
      const out = this.node(target, depth);
      if (!out) return null;
      const at = n.range?.[0] ?? 0;
      if (depth + this.heightOf(out) - 1 > this.limits.maxDepth) {
        this.limit('alias-depth', at, `this alias would nest the YAML deeper than ${this.limits.maxDepth} levels; it was not followed`);
        return null;
      }
      const size = this.sizeOf(out);
      if (this.budget.aliasLeft < size) {
        this.budget.aliasLeft = -1; // from here on, no alias is followed
        this.limit('alias-expansion', at, `the aliases of this file expand to more than ${this.limits.maxAliasExpansion} nodes (an alias bomb?); this alias and the ones after it were not followed`);
        return null;
      }
      this.budget.aliasLeft -= size;
      this.shared = true;
      return out;
    }
    const cached = this.done.get(n);
    if (cached !== undefined) return cached;
    if (n.anchor) this.anchors.set(n.anchor, n);
    if (depth > this.limits.maxDepth) {
      this.limit('depth', n.range?.[0] ?? 0, `the YAML is nested deeper than ${this.limits.maxDepth} levels; the inner levels were not read`);
      return null;
    }
    if (--this.budget.left < 0) {
      this.limit('nodes', 0, `the YAML holds more than ${this.limits.maxNodes} nodes; the rest of the file was not analysed`);
      return null;
    }
    this.inProgress.add(n);
    let out: YNode | null = null;
    const range = n.range;
    if (this.templateText !== undefined && range && (isMap(n) || isSeq(n)) && n.flow && this.templateText.startsWith('{{', range[0])) {
      // `key: {{ .Values.x }}` parses as a nested flow map; it is one template value
      const end = this.templateText.indexOf('}}', range[0]);
      const stop = end < 0 ? range[1] : end + 2;
      out = { kind: 'scalar', value: this.templateText.slice(range[0], stop), span: this.span(range[0], stop), style: 'plain', template: true };
    } else if (isScalar(n)) {
      out = this.scalar(n);
      // a block scalar (or a multi-line quoted one) holding a control line: the parser read it blank there
      if (range && this.controlIn(range[0], range[1], true)) out.template = true;
    } else if (isMap(n)) out = this.map(n, depth);
    else if (isSeq(n)) out = this.seq(n, depth);
    this.inProgress.delete(n);
    this.done.set(n, out);
    return out;
  }

  private scalar(n: Scalar): YScalar {
    const range = n.range ?? [0, 0, 0];
    const raw = n.value;
    let value: ScalarValue;
    if (raw === null || raw === undefined) value = null;
    else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') value = raw;
    else if (typeof raw === 'bigint') value = Number(raw);
    else value = String(raw);
    const style =
      n.type === Scalar.QUOTE_SINGLE ? 'single'
      : n.type === Scalar.QUOTE_DOUBLE ? 'double'
      : n.type === Scalar.BLOCK_FOLDED || n.type === Scalar.BLOCK_LITERAL ? 'block'
      : 'plain';
    const source = typeof n.source === 'string' ? n.source : typeof value === 'string' ? value : '';
    return { kind: 'scalar', value, span: this.span(range[0], range[1]), style, template: source.includes('{{') };
  }

  private map(n: import('yaml').YAMLMap, depth: number): YMap {
    const range = n.range ?? [0, 0, 0];
    const out: YMap = { kind: 'map', pairs: [], span: this.span(range[0], range[1]), flow: !!n.flow, templated: false };
    const merged: YPair[] = [];
    /** the merge sources in full, once per time they are named: what a YAML 1.1 loader copies (the size charged) */
    let mergedSize = 0;
    const keys = new Set<string>();
    let last = -1; // where the last entry ended: a control line between it and the next sits among the pairs
    let before: YamlLibNode | null = null;
    for (const item of n.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as YamlLibNode | null;
      const valueNode = item.value as YamlLibNode | null;
      const start = keyNode?.range?.[0] ?? valueNode?.range?.[0];
      if (start !== undefined && last >= 0) this.among(out, before, last, start);
      last = valueNode?.range?.[1] ?? keyNode?.range?.[1] ?? last;
      before = valueNode;
      if (!keyNode || !isScalar(keyNode)) continue; // complex keys are not Kubernetes
      if (keyNode.anchor) this.anchors.set(keyNode.anchor, keyNode);
      const key = this.scalar(keyNode);
      const raw = keyNode.value;
      const id = `${typeof raw}:${String(raw)}`;
      if (keys.has(id) && this.syntax && this.syntax.length < YAML_LIMITS.maxProblems && !(typeof raw === 'number' && Number.isNaN(raw))) {
        const at = keyNode.range?.[0] ?? 0;
        this.syntax.push({ message: 'Map keys must be unique', span: this.span(at, at + 1) });
      }
      keys.add(id);
      const read = this.node(valueNode, depth + 1);
      if (typeof raw === 'symbol') {
        // a merge key (a plain `<<`, which the `yaml` package reads as Symbol('<<')): the pairs of the map it
        // names, or of each map of a sequence, are folded in behind the map's own pairs (below)
        const sources = read?.kind === 'seq' ? read.items : [read];
        for (const source of sources) {
          if (source?.kind === 'map') {
            for (const p of source.pairs) merged.push(p);
            mergedSize += this.sizeOf(source);
            this.shared = true;
          } else if (source && this.syntax && this.syntax.length < YAML_LIMITS.maxProblems) {
            const at = valueNode?.range?.[0] ?? key.span.start;
            this.syntax.push({ message: 'Merge sources must be maps or map aliases', span: this.span(at, at + 1) });
          }
        }
        continue;
      }
      const value = this.templateValue(keyNode.range?.[1] ?? key.span.end, valueNode, read);
      if (value && value !== read) last = Math.max(last, value.span.end); // its control line is its own
      const end = value ? Math.max(value.span.end, key.span.end) : key.span.end;
      out.pairs.push({ key, name: String(key.value), value, span: { start: key.span.start, end } });
    }
    let height = 1;
    let size = 1 + mergedSize;
    for (const p of out.pairs) size += 1 + this.sizeOf(p.value);
    if (merged.length > 0) {
      // YAML 1.1 merge: a key written in the map wins, then the first source that has it
      const names = new Set(out.pairs.map((p) => p.name));
      for (const p of merged) {
        if (names.has(p.name)) continue;
        names.add(p.name);
        out.pairs.push(p);
      }
    }
    for (const p of out.pairs) height = Math.max(height, 1 + Math.max(1, this.heightOf(p.value)));
    this.measure.set(out, { height, size });
    return out;
  }

  private seq(n: import('yaml').YAMLSeq, depth: number): YSeq {
    const range = n.range ?? [0, 0, 0];
    const items = n.items.map((i) => this.node(i as YamlLibNode | null, depth + 1));
    let height = 1;
    let size = 1;
    for (const i of items) {
      height = Math.max(height, 1 + this.heightOf(i));
      size += this.sizeOf(i);
    }
    const out: YSeq = { kind: 'seq', items, span: this.span(range[0], range[1]), flow: !!n.flow, templated: false };
    if (this.control && this.control.lines.length > 0) {
      // a control line between two items (`{{- if … }}`, `{{- range … }}`) sits among them
      let last = -1;
      let before: YamlLibNode | null = null;
      for (const i of n.items) {
        const r = (i as YamlLibNode | null)?.range;
        if (!r) continue;
        if (last >= 0) this.among(out, before, last, r[0]);
        last = r[1];
        before = i as YamlLibNode;
      }
    }
    this.measure.set(out, { height, size });
    return out;
  }
}

// ----------------------------------------------------------------------------------- document by document

const DASH = 45;
const DOT = 46;
const PERCENT = 37;
const HASH = 35;
const COLON = 58;
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const CLOSE_BRACE = 125;
const BOM = 0xfeff;

/** `---` or `...` at `i`, followed by white space or the end of the line (or of the text). */
function markerAt(text: string, i: number, ch: number): boolean {
  if (text.charCodeAt(i) !== ch || text.charCodeAt(i + 1) !== ch || text.charCodeAt(i + 2) !== ch) return false;
  const c = text.charCodeAt(i + 3);
  return Number.isNaN(c) || c === SPACE || c === TAB || c === LF || c === CR;
}

/**
 * Where the documents of a YAML stream start, found by a scan of line starts: before every `---` line (unless
 * only blank and comment lines precede it since the stream's start or the last `...`, which belong to it) and
 * after every `...` line. These are the YAML spec's document markers (c-forbidden lines); the `yaml` package
 * ends every construct at them too — except an unclosed quote, which `YamlFile` detects. Null when a line
 * starts with `%`: a `%YAML 1.1` directive reaches past its own document in the `yaml` package.
 */
export function documentStarts(text: string): number[] | null {
  return splitFrom(text, 0, true)?.starts ?? null;
}

interface Split {
  starts: number[];
  /** per start: the scan's state on arriving at it (only blank and comment lines since a `...` or the start) */
  preludes: boolean[];
  /** where the scan stopped because `sync` said the rest is known (undefined: at the end of the text) */
  synced?: number;
}

/**
 * The scan of `documentStarts`, from `from` (a document start, reached in state `prelude`), to the end of the
 * text or to the first line start where `sync(offset, prelude)` holds.
 */
function splitFrom(text: string, from: number, prelude: boolean, sync?: (offset: number, prelude: boolean) => boolean): Split | null {
  const starts = [from];
  const preludes = [prelude];
  const n = text.length;
  let i = from;
  while (i < n) {
    if (sync && i > from && sync(i, prelude)) {
      if (starts[starts.length - 1] === i) { starts.pop(); preludes.pop(); }
      return { starts, preludes, synced: i };
    }
    const nl = text.indexOf('\n', i);
    const next = nl < 0 ? n : nl + 1;
    const c = text.charCodeAt(i);
    if (c === DASH && markerAt(text, i, DASH)) {
      if (!prelude && i > from) { starts.push(i); preludes.push(false); }
      prelude = false;
    } else if (c === DOT && markerAt(text, i, DOT)) {
      if (next < n) { starts.push(next); preludes.push(true); }
      prelude = true;
    } else if (c === PERCENT) {
      return null;
    } else if (prelude) {
      let j = i;
      while (j < next && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j++;
      const k = text.charCodeAt(j);
      if (!(j >= next || k === LF || k === CR || k === HASH)) prelude = false;
    }
    i = next;
  }
  return { starts, preludes };
}

/** The offset after the line break of the line that starts at `i` (or the text's end). */
function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl + 1;
}

/** How many characters `a` and `b` share at their start (compared a block at a time). */
function commonPrefix(a: string, b: string, limit: number): number {
  const BLOCK = 4096;
  let i = 0;
  while (i + BLOCK <= limit && a.slice(i, i + BLOCK) === b.slice(i, i + BLOCK)) i += BLOCK;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** How many characters `a` and `b` share at their end, at most `limit`. */
function commonSuffix(a: string, b: string, limit: number): number {
  const BLOCK = 4096;
  let i = 0;
  while (i + BLOCK <= limit && a.slice(a.length - i - BLOCK, a.length - i) === b.slice(b.length - i - BLOCK, b.length - i)) i += BLOCK;
  while (i < limit && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/** A copy of `s` that does not keep the string it was cut from alive (V8 keeps a slice's parent). */
function detached(s: string): string {
  return (' ' + s).slice(1);
}

/** Documents whose tree holds a node or pair twice (aliases, merge keys). */
const SHARED = new WeakSet<YDocument>();

/** A copy of a document's tree with every span moved by `delta` (shared nodes stay shared). */
function copyDocument(doc: YDocument, delta: number, index: number): YDocument {
  const span = (s: Span): Span => ({ start: s.start + delta, end: s.end + delta });
  const nodes = new Map<YNode, YNode>();
  const pairs = new Map<YPair, YPair>();
  const pair = (p: YPair): YPair => {
    let out = pairs.get(p);
    if (!out) {
      out = { key: node(p.key) as YScalar, name: p.name, value: p.value && node(p.value), span: span(p.span) };
      pairs.set(p, out);
    }
    return out;
  };
  const node = (n: YNode): YNode => {
    let out = nodes.get(n);
    if (out) return out;
    if (n.kind === 'scalar') out = { kind: 'scalar', value: n.value, span: span(n.span), style: n.style, template: n.template };
    else if (n.kind === 'seq') out = { kind: 'seq', items: n.items.map((i) => i && node(i)), span: span(n.span), flow: n.flow, templated: n.templated };
    else out = { kind: 'map', pairs: n.pairs.map(pair), span: span(n.span), flow: n.flow, templated: n.templated };
    nodes.set(n, out);
    return out;
  };
  const out: YDocument = { index, span: span(doc.span), contents: doc.contents && node(doc.contents) };
  if (SHARED.has(doc)) SHARED.add(out);
  return out;
}

/**
 * Move a document where its text now is, in place: every span of its tree by `delta`, its index to `index`.
 * The tree belongs to one `YamlFile` piece, and what is worked out from a tree (objects, Services, workloads)
 * holds its spans by reference (never copies), so it moves along.
 */
function moveDocument(doc: YDocument, delta: number, index: number): void {
  doc.index = index;
  if (delta === 0) return;
  doc.span.start += delta;
  doc.span.end += delta;
  if (SHARED.has(doc)) {
    moveShared(doc.contents, delta);
    return;
  }
  // every node and span once (no alias): a loop over a stack, the hot path of an edit in a long file
  const stack: (YNode | null)[] = [doc.contents];
  while (stack.length > 0) {
    const n = stack.pop();
    if (!n) continue;
    const s = n.span;
    s.start += delta;
    s.end += delta;
    if (n.kind === 'map') {
      const pairs = n.pairs;
      for (let i = 0; i < pairs.length; i++) {
        const p = pairs[i];
        p.span.start += delta;
        p.span.end += delta;
        const k = p.key.span;
        k.start += delta;
        k.end += delta;
        if (p.value) stack.push(p.value);
      }
    } else if (n.kind === 'seq') {
      const items = n.items;
      for (let i = 0; i < items.length; i++) if (items[i]) stack.push(items[i]);
    }
  }
}

/** `moveDocument` for a tree that holds nodes, pairs or spans twice (aliases, merge keys): each moved once. */
function moveShared(root: YNode | null, delta: number): void {
  const seen = new Set<object>();
  const move = (s: Span) => {
    if (seen.has(s)) return;
    seen.add(s);
    s.start += delta;
    s.end += delta;
  };
  const node = (n: YNode | null) => {
    if (!n || seen.has(n)) return;
    seen.add(n);
    move(n.span);
    if (n.kind === 'seq') {
      for (const i of n.items) node(i);
    } else if (n.kind === 'map') {
      for (const p of n.pairs) {
        if (seen.has(p)) continue;
        seen.add(p);
        move(p.span);
        node(p.key);
        node(p.value);
      }
    }
  };
  node(root);
}

function sameNode(a: YNode | null, b: YNode | null, delta: number, seen: Set<YNode>): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind !== b.kind || a.span.start !== b.span.start + delta || a.span.end !== b.span.end + delta) return false;
  if (seen.has(a)) return true; // a shared node (an alias) compared once
  seen.add(a);
  if (a.kind === 'scalar') {
    const s = b as YScalar;
    return (a.value === s.value || (Number.isNaN(a.value) && Number.isNaN(s.value))) && a.style === s.style && a.template === s.template;
  }
  if (a.kind === 'seq') {
    const s = b as YSeq;
    return a.flow === s.flow && a.templated === s.templated && a.items.length === s.items.length && a.items.every((x, i) => sameNode(x, s.items[i], delta, seen));
  }
  const m = b as YMap;
  return a.flow === m.flow && a.templated === m.templated && a.pairs.length === m.pairs.length && a.pairs.every((p, i) => {
    const q = m.pairs[i];
    return p.name === q.name && p.span.start === q.span.start + delta && p.span.end === q.span.end + delta
      && sameNode(p.key, q.key, delta, seen) && sameNode(p.value, q.value, delta, seen);
  });
}

function sameProblems(a: readonly ParseProblem[], b: readonly ParseProblem[], delta: number): boolean {
  return a.length === b.length && a.every((p, i) => p.message === b[i].message && !!p.limit === !!b[i].limit
    && p.span.start === b[i].span.start + delta && p.span.end === b[i].span.end + delta);
}

/**
 * One piece of a YAML file: the text from one document marker to the next (one document, with the comments and
 * markers around it), parsed alone, placed where it is in the file: spans from the file's start, documents
 * numbered through the file.
 */
interface Piece {
  /** its text (a copy: it does not keep the file's text alive) */
  text: string;
  documents: YDocument[];
  problems: ParseProblem[];
  stats: CountedParse;
  base: number;
  firstIndex: number;
  /**
   * It may parse differently beside its neighbours: it has syntax errors, or its last line that is not blank
   * holds a comment and its last node is empty (the `yaml` package then ends the collection before that
   * line's break when a marker follows, and after it at the end of the text).
   */
  suspect: boolean;
  /** the piece after it, when the two were found to parse together as they do alone */
  fitsBefore?: Piece;
  /** the parse (`YamlFile` generation) whose layout it was last part of */
  generation: number;
  /** the options it was parsed with (template or not, limits) */
  optionsKey: string;
}

function optionsKey(o: YamlParseOptions): string {
  return `${o.template}|${o.maxNodes}|${o.maxDepth}|${o.maxAliasExpansion}|${o.maxDocuments}`;
}

function suspectPiece(text: string, parse: CountedParse): boolean {
  if (parse.errors) return true;
  let end = text.length;
  while (end > 0 && isSpaceCode(text.charCodeAt(end - 1))) end--;
  const lineStart = Math.max(text.lastIndexOf('\n', end - 1), text.lastIndexOf('\r', end - 1)) + 1;
  if (!text.slice(lineStart, end).includes('#')) return false;
  const docs = parse.result.documents;
  return emptyEnd(docs[docs.length - 1]?.contents ?? null);
}

/** The last node of a tree (in the order of the text) is missing or an empty value. */
function emptyEnd(n: YNode | null): boolean {
  for (let depth = 0; depth < YAML_LIMITS.maxDepth; depth++) {
    if (!n) return true;
    if (n.kind === 'scalar') return n.value === null;
    if (n.kind === 'seq') {
      if (n.items.length === 0) return true;
      n = n.items[n.items.length - 1];
    } else {
      if (n.pairs.length === 0) return true;
      n = n.pairs[n.pairs.length - 1].value;
    }
  }
  return true;
}

function isSpaceCode(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

/** Parse a piece's text alone and place the result at `base`, its documents numbered from `firstIndex`. */
function parsePiece(text: string, base: number, firstIndex: number, options: YamlParseOptions, generation: number): Piece {
  const own = detached(text);
  const stats = parseCounted(own, options);
  const { documents, problems } = stats.result;
  for (const d of documents) moveDocument(d, base, d.index + firstIndex);
  return {
    text: own, documents, stats, base, firstIndex, generation, suspect: suspectPiece(own, stats), optionsKey: optionsKey(options),
    problems: base === 0 ? problems : problems.map((p) => ({ ...p, span: { start: p.span.start + base, end: p.span.end + base } })),
  };
}

/** The same piece a second time in a file: a copy of its trees, placed at `base`. */
function copyPiece(p: Piece, base: number, firstIndex: number, generation: number): Piece {
  const delta = base - p.base;
  return {
    ...p, base, firstIndex, generation, fitsBefore: undefined,
    documents: p.documents.map((d) => copyDocument(d, delta, d.index - p.firstIndex + firstIndex)),
    problems: p.problems.map((x) => ({ ...x, span: { start: x.span.start + delta, end: x.span.end + delta } })),
  };
}

/** Move a piece (in place) where its text now is. */
function movePiece(p: Piece, base: number, firstIndex: number): void {
  const delta = base - p.base;
  if (delta === 0 && firstIndex === p.firstIndex) return;
  for (const d of p.documents) moveDocument(d, delta, d.index - p.firstIndex + firstIndex);
  if (delta !== 0) p.problems = p.problems.map((x) => ({ ...x, span: { start: x.span.start + delta, end: x.span.end + delta } }));
  p.base = base;
  p.firstIndex = firstIndex;
}

/** A range of the text of the previous parse that is in this one too, moved by `delta`. */
export interface DocumentMove {
  start: number;
  end: number;
  delta: number;
}

export interface YamlFileStats {
  /** calls to `parse` that had new text */
  parses: number;
  /** pieces (one document each, usually) parsed, in all */
  piecesParsed: number;
  /** calls that parsed the whole text at once (directives, a limit, an error that reaches past its document) */
  wholeFile: number;
}

/** Pieces that left the file are kept a while (undo, redo, a toggled character): at most this many. */
const KEPT_PIECES = 64;

/**
 * One YAML file, parsed document by document. The result is the one `parseYaml` gives for the whole text — the
 * same documents, spans and problems — at the cost of the documents that changed:
 *
 *  - the text is cut into pieces at its document markers (`documentStarts`), each parsed alone; after an edit,
 *    only the lines between the first and the last changed character are scanned again (until the scan meets
 *    a piece start of the unchanged end in the same state), and only pieces whose text is new are parsed;
 *  - a piece that did not change keeps its tree; when it moved, the tree is moved in place (its spans shifted,
 *    its documents renumbered), so that what was worked out from it (objects, Services, workloads: they hold
 *    the tree's spans by reference) stays valid and keeps its identity;
 *  - a piece that may read differently beside its neighbours (`Piece.suspect`) is parsed once more with each
 *    of them; when that differs from the two parsed alone (an error that reaches past a marker, such as an
 *    unclosed quote), or when the file has directives or hits a limit, the whole text is parsed at once.
 *
 * The documents handed out are the pieces' own: a later call moves them (a caller keeps the last result only).
 */
export class YamlFile {
  /** the pieces of the last call, in order (none when it parsed the whole text) */
  private layout: { text: string; template: boolean; options: YamlParseOptions; pieces: Piece[]; preludes: boolean[] } | undefined;
  /** pieces by text: those of the layout, and the last few that left it */
  private byText = new Map<string, Piece[]>();
  private gone: Piece[] = [];
  private generation = 0;
  private last: { original: string; options: YamlParseOptions; result: YamlParseResult } | undefined;
  /** what the last call kept of the text of the call before it (sorted, not overlapping) */
  moves: DocumentMove[] = [];
  readonly stats: YamlFileStats = { parses: 0, piecesParsed: 0, wholeFile: 0 };

  parse(original: string, options: YamlParseOptions = {}): YamlParseResult {
    const last = this.last;
    if (last && last.original === original && sameOptions(last.options, options)) {
      this.moves = keptMoves(this.layout?.pieces ?? []);
      return last.result;
    }
    this.stats.parses++;
    const result = this.parseNew(original, options);
    this.last = { original, options, result };
    return result;
  }

  private parseNew(original: string, options: YamlParseOptions): YamlParseResult {
    const template = options.template ?? isTemplateText(original);
    const text = original.includes('\r') ? original.replace(/\r(?!\n)/g, '\n') : original;
    const started = Date.now();
    const maxMillis = options.maxMillis ?? YAML_LIMITS.maxMillis;
    const pieceOptions = () => ({ ...options, template, maxMillis: Math.max(1, maxMillis - (Date.now() - started)) });
    const generation = ++this.generation;
    const before = this.layout;
    const wanted = optionsKey({ ...options, template });
    const whole = (): YamlParseResult => {
      this.stats.wholeFile++;
      this.moves = [];
      const left = this.layout?.pieces ?? [];
      this.layout = undefined;
      for (const p of left) this.leave(p);
      return parseYaml(text, { ...options, template });
    };

    // the pieces: those before the first change and after the last one are the last call's, the lines between
    // are scanned again
    let kept = 0; // pieces kept at the start
    let split: Split | null;
    let tail: Piece[] = [];
    let tailPreludes: boolean[] = [];
    let delta = 0;
    if (before && before.template === template && sameOptions(before.options, options) && before.pieces.length > 0) {
      const old = before.text;
      const limit = Math.min(old.length, text.length);
      const prefix = commonPrefix(old, text, limit);
      const suffix = commonSuffix(old, text, limit - prefix);
      delta = text.length - old.length;
      // the piece holding the last unchanged character may end differently (its end depends on the next line),
      // and a piece start is kept only when the line that makes it one (its own first line) did not change
      while (kept < before.pieces.length && before.pieces[kept].base + before.pieces[kept].text.length < prefix) kept++;
      if (kept === before.pieces.length) kept--;
      while (kept > 0 && lineEnd(old, before.pieces[kept].base) > prefix) kept--;
      const from = before.pieces[kept].base;
      const unchangedEnd = old.length - suffix; // old offsets from here on are in the new text at + delta
      let j = before.pieces.length - 1;
      // the old piece that starts at `offset` in the unchanged end (pieces are in order: a binary search)
      const oldStart = (offset: number): number | undefined => {
        if (offset < unchangedEnd) return undefined;
        let lo = kept + 1;
        let hi = before.pieces.length - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const base = before.pieces[mid].base;
          if (base === offset) return mid;
          if (base < offset) lo = mid + 1; else hi = mid - 1;
        }
        return undefined;
      };
      split = splitFrom(text, from, before.preludes[kept], (offset, prelude) => {
        const k = oldStart(offset - delta);
        if (k === undefined || before.preludes[k] !== prelude) return false;
        j = k;
        return true;
      });
      if (split?.synced !== undefined) {
        tail = before.pieces.slice(j);
        tailPreludes = before.preludes.slice(j);
      }
    } else {
      split = splitFrom(text, 0, true);
    }
    if (!split) return whole();

    const pieces: Piece[] = before ? before.pieces.slice(0, kept) : [];
    const preludes: boolean[] = before ? before.preludes.slice(0, kept) : [];
    /** pieces parsed in this call, by text (a text twice in the file is parsed once, its tree copied) */
    const fresh = new Map<string, Piece>();
    /** every piece made in this call, copies too (all are indexed by text for the next call) */
    const made: Piece[] = [];
    const reused = new Set<Piece>(pieces);
    for (const p of tail) reused.add(p);
    let documents = 0;
    for (const p of pieces) documents += p.documents.length;
    const place = (p: Piece, start: number) => {
      if (p.generation === generation - 1) addMove(this.moves, p.base, p.base + p.text.length, start - p.base);
      movePiece(p, start, documents);
      p.generation = generation;
      documents += p.documents.length;
      pieces.push(p);
    };
    this.moves = keptMoves(pieces);
    for (const p of pieces) p.generation = generation;
    const ends = [...split.starts.slice(1), split.synced ?? text.length];
    for (let k = 0; k < split.starts.length; k++) {
      const start = split.starts[k];
      const key = text.slice(start, ends[k]);
      const found = this.byText.get(key)?.find((x) => !reused.has(x) && x.optionsKey === wanted);
      let p: Piece;
      if (found) {
        p = found;
        reused.add(p);
      } else {
        const twin = fresh.get(key);
        if (twin) p = copyPiece(twin, start, documents, generation);
        else {
          p = parsePiece(key, start, documents, pieceOptions(), generation);
          this.stats.piecesParsed++;
        }
        if (!twin) fresh.set(key, p);
        made.push(p);
        reused.add(p);
      }
      place(p, start);
      preludes.push(split.preludes[k]);
    }
    for (let k = 0; k < tail.length; k++) {
      place(tail[k], tail[k].base + delta);
      preludes.push(tailPreludes[k]);
    }
    this.moves.sort((a, b) => a.start - b.start);

    // pieces that left the layout are kept a while; the index by text follows
    for (const p of before?.pieces ?? []) if (!reused.has(p)) this.leave(p);
    for (const p of made) this.index(p);
    this.layout = { text, template, options, pieces, preludes };

    let nodes = 0;
    let aliasNodes = 0;
    for (const p of pieces) {
      if (p.stats.limited) return whole();
      nodes += p.stats.nodes;
      aliasNodes += p.stats.aliasNodes;
    }
    if (nodes > (options.maxNodes ?? YAML_LIMITS.maxNodes) || aliasNodes > (options.maxAliasExpansion ?? YAML_LIMITS.maxAliasExpansion)
      || documents > (options.maxDocuments ?? YAML_LIMITS.maxDocuments)) return whole();

    // an error may reach past a marker: each neighbour of a suspect piece is parsed with it (once per pair)
    for (let i = 0; i < pieces.length; i++) {
      if (!pieces[i].suspect) continue;
      for (const j of [i - 1, i]) {
        if (j < 0 || j + 1 >= pieces.length) continue;
        const [a, b] = [pieces[j], pieces[j + 1]];
        if (a.fitsBefore === b) continue;
        if (!sameAsPieces(parseCounted(a.text + b.text, pieceOptions()), a, b)) return whole();
        a.fitsBefore = b;
      }
    }

    const result: YamlParseResult = { documents: [], problems: [] };
    let problems = 0;
    for (const p of pieces) {
      for (const d of p.documents) result.documents.push(d);
      for (const x of p.problems) if (problems++ < YAML_LIMITS.maxProblems) result.problems.push(x);
    }
    return result;
  }

  private index(p: Piece): void {
    const list = this.byText.get(p.text);
    if (list) list.push(p); else this.byText.set(p.text, [p]);
  }

  /** A piece left the layout: kept a while for its text coming back, then dropped. */
  private leave(p: Piece): void {
    this.gone.push(p);
    if (this.gone.length <= KEPT_PIECES) return;
    const dropped = this.gone.shift()!;
    if (dropped.generation === this.generation || this.gone.includes(dropped)) return; // back in the layout, or left again since
    const list = this.byText.get(dropped.text);
    if (!list) return;
    const rest = list.filter((x) => x !== dropped);
    if (rest.length > 0) this.byText.set(dropped.text, rest); else this.byText.delete(dropped.text);
  }
}

/**
 * Add the move of a range of the old text; a range that continues the last one with the same delta extends it
 * (the text between two kept pieces that moved together is kept too): a few moves per edit, not one per piece.
 */
function addMove(moves: DocumentMove[], start: number, end: number, delta: number): void {
  const last = moves[moves.length - 1];
  if (last && last.end === start && last.delta === delta) last.end = end;
  else moves.push({ start, end, delta });
}

/** The moves of pieces kept where they were. */
function keptMoves(pieces: readonly Piece[]): DocumentMove[] {
  const moves: DocumentMove[] = [];
  for (const p of pieces) addMove(moves, p.base, p.base + p.text.length, 0);
  return moves;
}

function sameOptions(a: YamlParseOptions, b: YamlParseOptions): boolean {
  return a.template === b.template && a.maxNodes === b.maxNodes && a.maxDepth === b.maxDepth && a.maxAliasExpansion === b.maxAliasExpansion
    && a.maxMillis === b.maxMillis && a.maxDocuments === b.maxDocuments;
}

/** Two neighbouring pieces parsed together (offsets from the first one's start) give what they give alone. */
function sameAsPieces(joined: CountedParse, a: Piece, b: Piece): boolean {
  if (joined.limited) return false;
  const docs = joined.result.documents;
  if (docs.length !== a.documents.length + b.documents.length) return false;
  for (let i = 0; i < docs.length; i++) {
    const first = i < a.documents.length;
    const mine = first ? a.documents[i] : b.documents[i - a.documents.length];
    const delta = -a.base;
    if (docs[i].index !== mine.index - a.firstIndex || docs[i].span.start !== mine.span.start + delta || docs[i].span.end !== mine.span.end + delta) return false;
    if (!sameNode(docs[i].contents, mine.contents, delta, new Set())) return false;
  }
  const mine = [...a.problems, ...b.problems];
  return sameProblems(joined.result.problems, mine, -a.base);
}

// ------------------------------------------------------------------------------------------ tree helpers

export function get(map: YNode | null | undefined, key: string): YPair | undefined {
  if (!map || map.kind !== 'map') return undefined;
  for (const p of map.pairs) if (p.name === key) return p;
  return undefined;
}

export function getValue(map: YNode | null | undefined, key: string): YNode | null {
  return get(map, key)?.value ?? null;
}

export function asMap(n: YNode | null | undefined): YMap | null {
  return n && n.kind === 'map' ? n : null;
}

export function asSeq(n: YNode | null | undefined): YSeq | null {
  return n && n.kind === 'seq' ? n : null;
}

export function asScalar(n: YNode | null | undefined): YScalar | null {
  return n && n.kind === 'scalar' ? n : null;
}

/** A scalar's value as a string when it is a plain string (not a template), else undefined. */
export function scalarString(n: YNode | null | undefined): string | undefined {
  const s = asScalar(n);
  if (!s || s.template) return undefined;
  return typeof s.value === 'string' ? s.value : undefined;
}

/** A scalar's text as Kubernetes would read it as a string (numbers and booleans included). */
export function scalarText(n: YNode | null | undefined): string | undefined {
  const s = asScalar(n);
  if (!s || s.template || s.value === null) return undefined;
  return String(s.value);
}
