/**
 * The only module that imports `yaml`. It turns a file's text into a small plain tree of maps, sequences and
 * scalars, each with its span, plus the problems the parser found. Aliases point at the node they name (shared,
 * never expanded), merge keys (`<<`) are folded into their map, and nothing here throws.
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
}

export interface YSeq {
  kind: 'seq';
  items: (YNode | null)[];
  span: Span;
  flow: boolean;
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

export function parseYaml(original: string, options: YamlParseOptions = {}): YamlParseResult {
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
  let docs: Document.Parsed[];
  // the composer makes an Error (with a stack trace) per syntax error: garbage makes millions of them
  const stackTraceLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
    docs = [...new Composer(COMPOSE_OPTIONS).compose(boundedTokens(text, limits, stopped))];
  } catch (err) {
    if (!template) problems.push({ message: `YAML could not be read: ${(err as Error).message}`, span: { start: 0, end: 0 } });
    return { documents, problems };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  let kept = 0;
  const budget: Budget = { left: limits.maxNodes, aliasLeft: limits.maxAliasExpansion, reported: new Set() };
  if (stopped.problem) budget.reported.add('depth'); // the cut above says it already
  docs.forEach((doc, index) => {
    const syntax: ParseProblem[] = [];
    if (!template) {
      for (const e of doc.errors) {
        if (syntax.length >= YAML_LIMITS.maxProblems) break;
        const start = Math.max(0, Math.min(e.pos[0], text.length));
        const end = Math.max(start, Math.min(e.pos[1], text.length));
        syntax.push({ message: firstLine(e.message), span: { start, end } });
      }
    }
    const converter = new Converter(text.length, budget, limits, problems, template ? undefined : syntax, template ? text : undefined);
    const contents = converter.node(doc.contents as YamlLibNode | null, 1);
    // duplicate keys come from the converter: keep this document's problems in the order of the text
    syntax.sort((a, b) => a.span.start - b.span.start);
    for (const p of syntax) if (kept++ < YAML_LIMITS.maxProblems) problems.push(p);
    const range = doc.range;
    documents.push({ index, span: clampSpan(range[0], range[2], text.length), contents });
  });
  if (stopped.problem) problems.push(stopped.problem);
  return { documents, problems };
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

  constructor(
    private readonly textLength: number,
    private readonly budget: Budget,
    private readonly limits: Limits,
    private readonly problems: ParseProblem[],
    /** where duplicate keys are reported (undefined: they are not, as in templates) */
    private readonly syntax: ParseProblem[] | undefined,
    /** the file's text when it holds templates: `{{ … }}` read as a flow map is a template value */
    private readonly templateText?: string,
  ) {}

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
    } else if (isScalar(n)) out = this.scalar(n);
    else if (isMap(n)) out = this.map(n, depth);
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
    const out: YMap = { kind: 'map', pairs: [], span: this.span(range[0], range[1]), flow: !!n.flow };
    const merged: YPair[] = [];
    const keys = new Set<string>();
    for (const item of n.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as YamlLibNode | null;
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
      const value = this.node(item.value as YamlLibNode | null, depth + 1);
      if (key.value === '<<' && keyNode.source === '<<') {
        // merge key: fold the pairs of the named map(s) in, behind the map's own pairs
        const sources = value?.kind === 'seq' ? value.items : [value];
        for (const s of sources) if (s && s.kind === 'map') for (const p of s.pairs) merged.push(p);
        continue;
      }
      const end = value ? Math.max(value.span.end, key.span.end) : key.span.end;
      out.pairs.push({ key, name: String(key.value), value, span: { start: key.span.start, end } });
    }
    if (merged.length > 0) {
      const names = new Set(out.pairs.map((p) => p.name));
      for (const p of merged) {
        if (names.has(p.name)) continue;
        names.add(p.name);
        out.pairs.push(p);
      }
    }
    let height = 1;
    let size = 1;
    for (const p of out.pairs) {
      height = Math.max(height, 1 + Math.max(1, this.heightOf(p.value)));
      size += 1 + this.sizeOf(p.value);
    }
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
    const out: YSeq = { kind: 'seq', items, span: this.span(range[0], range[1]), flow: !!n.flow };
    this.measure.set(out, { height, size });
    return out;
  }
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
