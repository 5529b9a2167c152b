/**
 * The only module that imports `yaml`. It turns a file's text into our tree (`tree.ts`) plus the problems the
 * parser found. Aliases point at the node they name (shared, never expanded), merge keys (`<<`) are folded into
 * their map as YAML 1.1 does, and nothing here throws. In templates the parser reads a copy of the text with the
 * template constructs read as blanks or `_`s (`template-text.ts`), and what they may produce is marked unknown here.
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
import type { Span } from '../../text/span';
import type { ParseProblem } from '../problem';
import { COLON, HASH, isBlankCode, isSpaceCode, lineEnd, loneCrAsLf } from './chars';
import { actionIn, blankControlLines, controlLineFrom, controlLineIn, isTemplateText, type ControlLines } from './template-text';
import { YAML_LIMITS, type Limits, type YamlParseOptions } from './limits';
import { parsedAhead } from './ahead';
import { clampSpan, firstLine, HEADER_KEYS, HEADER_ONLY_KINDS, keyId, limitProblem, type Budget } from './read-support';
import { SHARED, type CountedParse, type ScalarValue, type YDocument, type YMap, type YNode, type YPair, type YamlParseResult, type YScalar, type YSeq } from './tree';

/**
 * `uniqueKeys` is off because the `yaml` package checks it in quadratic time (a flat map of 40,000 keys takes
 * seconds); the converter reports duplicate keys itself, with the same message and position.
 */
const COMPOSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  merge: true, prettyErrors: false, keepSourceTokens: false, uniqueKeys: false,
};

export type { CountedParse } from './tree';

export function parseYaml(original: string, options: YamlParseOptions = {}): YamlParseResult {
  return parseCounted(original, options).result;
}

export function parseCounted(original: string, options: YamlParseOptions): CountedParse {
  const template = options.template ?? isTemplateText(original);
  return parsedAhead(original, options, template) ?? readCounted(original, options, template);
}

/** `parseCounted` without asking for a parse made ahead: what a thread that parses ahead calls. */
export function readCounted(original: string, options: YamlParseOptions, template: boolean): CountedParse {
  const text = loneCrAsLf(original);
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
    const headerOnly = !template && !!options.headersOnly && headerOnlyKind(doc.contents);
    if (headerOnly) converter.header = true;
    const contents = converter.node(doc.contents as YamlLibNode | null, 1);
    // control lines after the root's last entry (`{{- include "more" . | nindent 2 }}` at the end of the spec)
    const rootRange = doc.contents?.range;
    if (rootRange) converter.among(null, doc.contents as YamlLibNode, rootRange[1], doc.range[2]);
    // duplicate keys come from the converter: keep this document's problems in the order of the text
    syntax.sort((a, b) => a.span.start - b.span.start);
    for (const p of syntax) if (kept++ < YAML_LIMITS.maxProblems) problems.push(p);
    const range = doc.range;
    const document: YDocument = { index, span: clampSpan(range[0], range[2], text.length), contents };
    if (headerOnly) document.headerOnly = true;
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
    openTemplate: control?.openToEnd,
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

/** The document's root is a map whose `kind` is one of `HEADER_ONLY_KINDS`. */
function headerOnlyKind(root: unknown): boolean {
  const kind = isMap(root) ? root.items.find((i) => isScalar(i.key) && i.key.value === 'kind')?.value : undefined;
  return isScalar(kind) && HEADER_ONLY_KINDS.has(kind.value as string);
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
  /** the document's root: only its header keys are converted, the rest is checked for repeated keys only */
  header = false;

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
    for (let k = controlLineFrom(this.control!, from); k < lines.length && lines[k] < to; k += 3) {
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
      for (let k = controlLineFrom(control, keyEnd); k < lines.length && lines[k] < i; k += 3) {
        if (lines[k + 2] === 1) continue;
        const [start, end] = [lines[k], lines[k + 1]];
        return { kind: 'scalar', value: text.slice(start, end), span: this.span(start, end), style: 'plain', template: true };
      }
      return value;
    }
    const range = valueNode?.range;
    if (range && !isAlias(valueNode) && controlLineIn(this.control, keyEnd, range[0])) {
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
      if (range && controlLineIn(this.control, range[0], range[1], true)) out.template = true;
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
    const template = source.includes('{{') || actionIn(this.control, range[0], range[1]);
    return { kind: 'scalar', value, span: this.span(range[0], range[1]), style, template };
  }

  private map(n: import('yaml').YAMLMap, depth: number): YMap {
    const range = n.range ?? [0, 0, 0];
    const out: YMap = { kind: 'map', pairs: [], span: this.span(range[0], range[1]), flow: !!n.flow, templated: false };
    const merged: YPair[] = [];
    /** the merge sources in full, once per time they are named: what a YAML 1.1 loader copies (the size charged) */
    let mergedSize = 0;
    const keys = new Set<string>();
    /** keys written twice in a template: branches (`if`/`else`) that each set it; its value is unknown */
    const repeated = new Set<string>();
    const ids: string[] = [];
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
      const id = keyId(raw);
      if (keys.has(id) && this.syntax && this.syntax.length < YAML_LIMITS.maxProblems && !(typeof raw === 'number' && Number.isNaN(raw))) {
        const at = keyNode.range?.[0] ?? 0;
        this.syntax.push({ message: 'Map keys must be unique', span: this.span(at, at + 1) });
      }
      if (keys.has(id) && !this.syntax) repeated.add(id);
      keys.add(id);
      if (this.header && depth === 1 && !HEADER_KEYS.has(String(raw))) {
        this.repeatedKeys(valueNode);
        continue;
      }
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
      ids.push(id);
    }
    if (repeated.size > 0) {
      out.pairs.forEach((p, k) => {
        if (!repeated.has(ids[k])) return;
        if (!p.value) p.value = { kind: 'scalar', value: null, span: this.span(p.key.span.end, p.key.span.end), style: 'plain', template: true };
        else if (p.value.kind === 'scalar') p.value.template = true;
        else p.value.templated = true;
      });
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
    // kept as long as the file is: a copy of its own length (V8 leaves a grown array room for 16 more)
    if (out.pairs.length > 0) out.pairs = out.pairs.slice();
    this.measure.set(out, { height, size });
    return out;
  }

  /**
   * What converting a body that is not kept would report: every map's repeated keys (the `yaml` package's own
   * errors are reported already). Iterative: a body is as deep as the parser let it be.
   */
  private repeatedKeys(root: YamlLibNode | null): void {
    const stack: (YamlLibNode | null)[] = [root];
    while (stack.length > 0 && this.syntax && this.syntax.length < YAML_LIMITS.maxProblems) {
      const n = stack.pop();
      if (!n || isAlias(n)) continue;
      if (isSeq(n)) {
        for (const i of n.items) stack.push(i as YamlLibNode | null);
      } else if (isMap(n)) {
        const keys = new Set<string>();
        for (const item of n.items) {
          stack.push(item.value as YamlLibNode | null);
          const k = item.key as YamlLibNode | null;
          if (!k || !isScalar(k) || typeof k.value === 'symbol') continue;
          const id = keyId(k.value);
          const at = k.range?.[0] ?? 0;
          if (keys.has(id) && !Number.isNaN(k.value)) this.syntax.push({ message: 'Map keys must be unique', span: this.span(at, at + 1) });
          keys.add(id);
        }
      }
    }
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
      // and an item followed by a branch line (`- name: a-ssl`, `{{- else }}`, `- name: a`, `{{- end }}`, then the
      // item's other keys) may go on after it: what it lacks is unknown
      let last = -1;
      let before: YamlLibNode | null = null;
      let k = -1;
      const branched = (to: number) => {
        const item = items[k];
        if (item && item.kind === 'map' && controlLineIn(this.control, last, to)) item.templated = true;
      };
      n.items.forEach((i, at) => {
        const r = (i as YamlLibNode | null)?.range;
        if (!r) return;
        if (last >= 0) { this.among(out, before, last, r[0]); branched(r[0]); }
        last = r[1];
        before = i as YamlLibNode;
        k = at;
      });
      if (last >= 0) branched(range[1]);
    }
    this.measure.set(out, { height, size });
    return out;
  }
}
