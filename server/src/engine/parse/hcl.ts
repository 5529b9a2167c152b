/**
 * HCL (Terraform) reading through tree-sitter. This is the only module that imports `web-tree-sitter`.
 *
 * `initHcl()` loads the WebAssembly runtime and the HCL grammar once; `parseHcl()` is synchronous afterwards and
 * turns a file into a small plain tree (blocks, attributes, expressions) with UTF-16 offset spans. Tree-sitter
 * trees are deleted right after conversion. Nothing here throws: problems come back as values.
 *
 * Error recovery: tree-sitter recovers from most errors locally, but some (a stray `}`, an unclosed block) make
 * it swallow or nest the following top-level blocks. When a file has errors, it is therefore also read in
 * segments that start at each line beginning, in column 0, with a top-level Terraform keyword (`resource`,
 * `data`, `variable`, …); each segment is parsed on its own, so one broken block does not hide the next.
 *
 * Limits (hostile input; each one hit is a problem with `limit: true`, see docs/robustness.md): tree-sitter's
 * memory grows with nesting, so only the text before the first bracket, string or interpolation nested deeper
 * than `maxDepth` is parsed; a parse is cancelled (through tree-sitter's progress callback) after `maxMillis` in
 * all, or when the process grew by `maxMemoryGrowth` bytes during it; blocks deeper than 64 are not converted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import type { Node as TsNode } from 'web-tree-sitter';
import type { ParseProblem } from '../sources/model';
import type { Span } from '../text/span';

// ------------------------------------------------------------------------------------------------- model

export interface HclExpression {
  /** `string` only for a quoted string without interpolation; anything not a plain literal is `expr` */
  kind: 'string' | 'number' | 'bool' | 'null' | 'expr';
  /** the literal value (decoded string, number, boolean, null); absent for `expr` */
  value?: string | number | boolean | null;
  /** the expression as written */
  text: string;
  span: Span;
  /**
   * For a plain traversal such as `var.x`, `local.a.b` or `oci_core_network_security_group.w[0].id`: its parts
   * (`['var', 'x']`; index steps as written, e.g. `'[0]'`). Absent otherwise.
   */
  traversal?: string[];
}

export interface HclAttribute {
  kind: 'attribute';
  name: string;
  nameSpan: Span;
  expr: HclExpression;
  /** `name = expression` */
  span: Span;
}

export interface HclLabel {
  /** the label's value (a quoted label is decoded) */
  value: string;
  span: Span;
}

export interface HclBlock {
  kind: 'block';
  type: string;
  typeSpan: Span;
  labels: HclLabel[];
  body: HclBody;
  /** from the block type to the closing brace */
  span: Span;
  /** between the braces (exclusive of both) */
  bodySpan: Span;
  /** offset of `{` */
  openBrace: number;
  /** offset of `}`, or null when it is missing (broken file) */
  closeBrace: number | null;
}

export type HclItem = HclAttribute | HclBlock;

export interface HclBody {
  /** attributes and blocks in document order */
  items: HclItem[];
  attributes: HclAttribute[];
  blocks: HclBlock[];
  span: Span;
}

export interface HclParseResult {
  body: HclBody;
  problems: ParseProblem[];
}

export interface HclLimits {
  /** brackets, strings and interpolations nested deeper than this are not read */
  maxDepth: number;
  /** the whole parse (including the re-reading of a broken file in segments) stops after this long */
  maxMillis: number;
  /** a parse stops when the process's resident memory grew by this many bytes during it */
  maxMemoryGrowth: number;
  /** how memory is measured (default `process.memoryUsage.rss`; tests pass their own) */
  rss?: () => number;
}

export const DEFAULT_HCL_LIMITS: HclLimits = { maxDepth: 256, maxMillis: 5_000, maxMemoryGrowth: 512 * 1024 * 1024 };

// ------------------------------------------------------------------------------------------------ set-up

const GRAMMAR_WASM = 'tree-sitter-hcl.wasm';

let parser: Parser | null = null;
let initPromise: Promise<void> | null = null;
let initError: string | undefined;

function defaultGrammarPath(): string {
  const pkg = require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json');
  return path.join(path.dirname(pkg), GRAMMAR_WASM);
}

/**
 * Loads tree-sitter and the HCL grammar. Idempotent; concurrent calls share one load. Never rejects: on failure
 * `isHclReady()` stays false, `hclInitError()` says why, and a later call tries again.
 *
 * @param wasm the grammar: a path to `tree-sitter-hcl.wasm`, or a directory that holds it (and, optionally,
 *   web-tree-sitter's own `tree-sitter.wasm`, as a bundle that copies both next to itself would). Default: the
 *   grammar inside the installed `@tree-sitter-grammars/tree-sitter-hcl` package.
 */
export function initHcl(wasm?: string): Promise<void> {
  if (parser) return Promise.resolve();
  if (initPromise) return initPromise;
  initPromise = (async () => {
    try {
      let grammarPath: string;
      let runtimeDir: string | undefined;
      if (wasm === undefined) grammarPath = defaultGrammarPath();
      else if (wasm.endsWith('.wasm')) grammarPath = wasm;
      else {
        grammarPath = path.join(wasm, GRAMMAR_WASM);
        runtimeDir = wasm;
      }
      const runtimeWasm = runtimeDir ? path.join(runtimeDir, 'tree-sitter.wasm') : undefined;
      if (runtimeWasm && fs.existsSync(runtimeWasm)) {
        const options = { locateFile: (file: string) => (file === 'tree-sitter.wasm' ? runtimeWasm : file) };
        await Parser.init(options as Parameters<typeof Parser.init>[0]);
      } else {
        await Parser.init();
      }
      const bytes = fs.readFileSync(grammarPath);
      const language = await Language.load(new Uint8Array(bytes));
      const p = new Parser();
      p.setLanguage(language);
      parser = p;
      initError = undefined;
    } catch (e) {
      initError = e instanceof Error ? e.message : String(e);
    } finally {
      initPromise = null;
    }
  })();
  return initPromise;
}

export function isHclReady(): boolean {
  return parser !== null;
}

/** Why the last `initHcl()` failed, if it did. */
export function hclInitError(): string | undefined {
  return initError;
}

// -------------------------------------------------------------------------------------------------- parse

const MAX_PROBLEMS = 50;
const MAX_BLOCK_DEPTH = 64;

/** Block types that only occur at the top level of a Terraform file: safe places to resume after an error. */
const TOP_LEVEL_KEYWORDS = ['resource', 'data', 'variable', 'locals', 'module', 'output', 'provider', 'terraform', 'moved', 'import', 'check', 'removed'];

function emptyBody(start: number, end: number): HclBody {
  return { items: [], attributes: [], blocks: [], span: { start, end } };
}

export function parseHcl(fullText: string, limits: HclLimits = DEFAULT_HCL_LIMITS): HclParseResult {
  if (!parser) {
    const why = initError ? `: ${initError}` : '';
    return {
      body: emptyBody(0, fullText.length),
      problems: [{ message: `the HCL parser is not initialised${why}`, span: { start: 0, end: 0 } }],
    };
  }
  const cut = hclDepthCut(fullText, limits.maxDepth);
  const text = cut === undefined ? fullText : fullText.slice(0, cut);
  const cutProblem: ParseProblem[] = cut === undefined ? [] : [{
    message: `the HCL is nested deeper than ${limits.maxDepth} levels here; the rest of the file was not read`,
    span: { start: cut, end: cut + 1 },
    limit: true,
  }];
  const guard = new Guard(limits);
  const whole = parseSegment(parser, text, 0, guard);
  if (guard.stopped) return { body: emptyBody(0, fullText.length), problems: [...cutProblem, guard.problem(fullText)] };
  if (!whole.hasError) return { body: whole.body, problems: [...whole.problems, ...cutProblem] };

  // the file has errors: read it again in top-level segments, so that one broken block does not hide others
  const starts = segmentStarts(text);
  if (starts.length <= 1) return { body: whole.body, problems: [...whole.problems, ...cutProblem] };
  const items: HclItem[] = [];
  const problems: ParseProblem[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i];
    const end = i + 1 < starts.length ? starts[i + 1] : text.length;
    const seg = parseSegment(parser, text.slice(start, end), start, guard);
    if (guard.stopped) {
      // out of time in the second reading: the first one (which had errors) is what there is
      return { body: whole.body, problems: [...whole.problems, ...cutProblem, guard.problem(fullText, true)] };
    }
    for (const item of seg.body.items) items.push(item);
    for (const p of seg.problems) if (problems.length < MAX_PROBLEMS) problems.push(p);
  }
  for (const p of cutProblem) problems.push(p);
  const body: HclBody = {
    items,
    attributes: items.filter((x): x is HclAttribute => x.kind === 'attribute'),
    blocks: items.filter((x): x is HclBlock => x.kind === 'block'),
    span: { start: 0, end: fullText.length },
  };
  return { body, problems };
}

/** Stops tree-sitter (through its progress callback) when a parse runs out of time or memory. */
class Guard {
  private readonly deadline: number;
  private readonly rss: () => number;
  private readonly rss0: number;
  private calls = 0;
  stopped: 'time' | 'memory' | undefined;
  /** UTF-16 offset (from the start of the file) the parser had reached when it was stopped */
  at = 0;
  base = 0;

  constructor(private readonly limits: HclLimits) {
    this.deadline = Date.now() + limits.maxMillis;
    this.rss = limits.rss ?? (() => process.memoryUsage.rss());
    this.rss0 = this.rss();
  }

  /** true: cancel the parse */
  readonly check = (state: { currentOffset: number }): boolean => {
    if (this.stopped) return true;
    this.at = this.base + Math.floor(state.currentOffset / 2); // tree-sitter counts bytes of UTF-16
    if (Date.now() > this.deadline) this.stopped = 'time';
    else if ((++this.calls & 63) === 0 && this.rss() - this.rss0 > this.limits.maxMemoryGrowth) this.stopped = 'memory';
    return this.stopped !== undefined;
  };

  /** `reread`: stopped while re-reading a broken file in segments (the first reading stands) */
  problem(text: string, reread = false): ParseProblem {
    const start = Math.max(0, Math.min(this.at, text.length));
    const what = reread ? 'blocks after a syntax error may be missing' : 'the file was not read';
    const message = this.stopped === 'memory'
      ? `reading the HCL needed more than ${Math.round(this.limits.maxMemoryGrowth / 1048576)} MB; ${what}`
      : `reading the HCL took longer than ${this.limits.maxMillis / 1000} s; ${what}`;
    return { message, span: { start, end: Math.min(start + 1, text.length) }, limit: true };
  }
}

/**
 * The offset of the first bracket, string or template interpolation nested deeper than `maxDepth`, else
 * undefined. A light scan (comments, strings with their escapes and `${…}` / `%{…}` interpolations, heredocs);
 * where it errs, tree-sitter's own time and memory bounds still hold.
 */
export function hclDepthCut(text: string, maxDepth: number): number | undefined {
  // the stack holds what is open: ( [ { for brackets, $ for an interpolation, " for a string, or a heredoc marker
  const stack: string[] = [];
  const n = text.length;
  let i = 0;
  const push = (what: string): boolean => {
    if (stack.length >= maxDepth) return false;
    stack.push(what);
    return true;
  };
  while (i < n) {
    const top = stack[stack.length - 1];
    const c = text.charCodeAt(i);
    if (top === '"' || (top !== undefined && top.length > 1)) {
      // inside a string (ends at its quote or the line's end) or a heredoc (ends at its marker line)
      if (top === '"') {
        if (c === 92 /* \ */) { i += 2; continue; }
        if (c === 34 /* " */ || c === 10 || c === 13) { stack.pop(); i++; continue; }
      } else if (c === 10) {
        const lineEnd = text.indexOf('\n', i + 1);
        const line = text.slice(i + 1, lineEnd < 0 ? n : lineEnd).trim();
        if (line === top.slice(2)) { stack.pop(); i = lineEnd < 0 ? n : lineEnd; continue; }
      }
      if ((c === 36 /* $ */ || c === 37 /* % */) && text.charCodeAt(i + 1) === 123 /* { */) {
        if (!push('$')) return i;
        i += 2;
        continue;
      }
      if ((c === 36 || c === 37) && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === 123) { i += 3; continue; }
      i++;
      continue;
    }
    // expressions: at the top level, inside brackets or inside an interpolation
    if (c === 35 /* # */ || (c === 47 /* / */ && text.charCodeAt(i + 1) === 47)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 34) {
      if (!push('"')) return i;
      i++;
      continue;
    }
    if (c === 60 /* < */ && text.charCodeAt(i + 1) === 60) {
      let j = i + 2;
      if (text.charCodeAt(j) === 45 /* - */) j++;
      const start = j;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      if (j > start && (text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13)) {
        if (!push('<<' + text.slice(start, j))) return i;
        i = j;
        continue;
      }
      i += 2;
      continue;
    }
    if (c === 40 /* ( */ || c === 91 /* [ */ || c === 123 /* { */) {
      if (!push(text[i])) return i;
      i++;
      continue;
    }
    if (c === 41 /* ) */ || c === 93 /* ] */ || c === 125 /* } */) {
      const want = c === 41 ? '(' : c === 93 ? '[' : '{';
      if (top === want || (c === 125 && top === '$')) stack.pop();
      i++;
      continue;
    }
    i++;
  }
  return undefined;
}

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

/** Offsets of line starts that begin (in column 0) with a top-level keyword; always includes 0. */
function segmentStarts(text: string): number[] {
  const starts = [0];
  let lineStart = 0;
  while (lineStart < text.length) {
    if (lineStart > 0) {
      for (const kw of TOP_LEVEL_KEYWORDS) {
        if (text.startsWith(kw, lineStart)) {
          const next = text.charCodeAt(lineStart + kw.length);
          // followed by a space, a tab, a quote or a brace
          if (next === 32 || next === 9 || next === 34 || next === 123) starts.push(lineStart);
          break;
        }
      }
    }
    const nl = text.indexOf('\n', lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return starts;
}

interface SegmentResult {
  body: HclBody;
  problems: ParseProblem[];
  hasError: boolean;
}

function parseSegment(p: Parser, text: string, base: number, guard: Guard): SegmentResult {
  let tree: ReturnType<Parser['parse']> = null;
  try {
    guard.base = base;
    tree = p.parse(text, null, { progressCallback: guard.check });
  } catch (e) {
    p.reset();
    const message = e instanceof Error ? e.message : String(e);
    return { body: emptyBody(base, base + text.length), problems: [{ message: `HCL could not be read: ${message}`, span: { start: base, end: base } }], hasError: true };
  }
  if (!tree) {
    p.reset(); // a cancelled parse would otherwise resume on the next call
    return { body: emptyBody(base, base + text.length), problems: [{ message: 'HCL could not be read', span: { start: base, end: base } }], hasError: true };
  }
  try {
    const root = tree.rootNode;
    const problems: ParseProblem[] = [];
    const conv = new Converter(text, base, problems);
    let body = emptyBody(base, base + text.length);
    for (const child of root.namedChildren) {
      if (child && child.type === 'body') {
        body = conv.body(child, 0);
        break;
      }
    }
    const hasError = root.hasError;
    if (hasError) collectErrors(root, text, base, problems);
    return { body, problems, hasError };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { body: emptyBody(base, base + text.length), problems: [{ message: `HCL could not be read: ${message}`, span: { start: base, end: base } }], hasError: true };
  } finally {
    tree.delete();
  }
}

/** What a missing node stands for, for the tokens a person would recognise; anything else is a plain syntax error. */
const MISSING_NAMES: Record<string, string> = {
  block_start: '{',
  block_end: '}',
  object_start: '{',
  object_end: '}',
  tuple_start: '[',
  tuple_end: ']',
  quoted_template_end: '"',
  template_interpolation_end: '}',
  '{': '{',
  '}': '}',
  '[': '[',
  ']': ']',
  '(': '(',
  ')': ')',
  '=': '=',
  '"': '"',
};

function collectErrors(root: TsNode, text: string, base: number, problems: ParseProblem[]): void {
  const stack: TsNode[] = [root];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const n = stack.pop()!;
    if (n.isMissing) {
      const what = MISSING_NAMES[n.type];
      const message = what ? `syntax error: missing ${JSON.stringify(what)}` : 'syntax error';
      // one message per place is enough (recovery may insert several missing tokens at one offset)
      const last = problems[problems.length - 1];
      if (!last || last.span.start !== base + n.startIndex || last.message !== message) {
        problems.push({ message, span: { start: base + n.startIndex, end: base + n.endIndex } });
      }
      continue;
    }
    if (n.isError) {
      let snippet = text.slice(n.startIndex, Math.min(n.endIndex, n.startIndex + 40));
      const nl = snippet.indexOf('\n');
      if (nl >= 0) snippet = snippet.slice(0, nl);
      snippet = snippet.trim();
      const message = snippet ? `syntax error near ${JSON.stringify(snippet)}` : 'syntax error';
      problems.push({ message, span: { start: base + n.startIndex, end: base + n.endIndex } });
      continue;
    }
    if (!n.hasError) continue;
    // push in reverse so that problems come out in document order
    const children = n.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i];
      if (c) stack.push(c);
    }
  }
}

class Converter {
  constructor(
    private readonly text: string,
    private readonly base: number,
    private readonly problems: ParseProblem[],
  ) {}

  private span(n: TsNode): Span {
    return { start: this.base + n.startIndex, end: this.base + n.endIndex };
  }

  body(node: TsNode, depth: number): HclBody {
    const items: HclItem[] = [];
    const add = (c: TsNode): void => {
      if (c.type === 'attribute') {
        const a = this.attribute(c);
        if (a) items.push(a);
      } else if (c.type === 'block') {
        const b = this.block(c, depth + 1);
        if (b) items.push(b);
      }
    };
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'ERROR') {
        // salvage whole attributes and blocks that ended up inside an error node
        for (const g of c.namedChildren) if (g) add(g);
      } else add(c);
    }
    return {
      items,
      attributes: items.filter((x): x is HclAttribute => x.kind === 'attribute'),
      blocks: items.filter((x): x is HclBlock => x.kind === 'block'),
      span: this.span(node),
    };
  }

  private attribute(node: TsNode): HclAttribute | null {
    const id = node.namedChildren.find((c) => c?.type === 'identifier');
    const exprNode = node.namedChildren.find((c) => c?.type === 'expression');
    if (!id) return null;
    const span = this.span(node);
    const expr: HclExpression = exprNode
      ? this.expression(exprNode)
      : { kind: 'expr', text: '', span: { start: span.end, end: span.end } };
    return { kind: 'attribute', name: id.text, nameSpan: this.span(id), expr, span };
  }

  private block(node: TsNode, depth: number): HclBlock | null {
    if (depth > MAX_BLOCK_DEPTH) {
      if (this.problems.length < MAX_PROBLEMS) {
        this.problems.push({ message: `blocks are nested deeper than ${MAX_BLOCK_DEPTH} levels; the inner ones are not read`, span: this.span(node), limit: true });
      }
      return null;
    }
    let type: TsNode | null = null;
    const labels: HclLabel[] = [];
    let open: TsNode | null = null;
    let close: TsNode | null = null;
    let bodyNode: TsNode | null = null;
    for (const c of node.children) {
      if (!c) continue;
      switch (c.type) {
        case 'identifier':
          if (!type) type = c;
          else if (!open) labels.push({ value: c.text, span: this.span(c) });
          break;
        case 'string_lit':
          if (type && !open) labels.push({ value: decodeHclString(quotedInner(c.text)), span: this.span(c) });
          break;
        case 'block_start':
          if (!open) open = c;
          break;
        case 'block_end':
          close = c;
          break;
        case 'body':
          bodyNode = c;
          break;
        default:
          break;
      }
    }
    if (!type) return null;
    const span = this.span(node);
    const openBrace = open && !open.isMissing ? this.base + open.startIndex : span.start;
    const closeBrace = close && !close.isMissing && close.endIndex > close.startIndex ? this.base + close.startIndex : null;
    const bodyStart = open ? this.base + open.endIndex : span.end;
    const bodyEnd = closeBrace ?? span.end;
    const body = bodyNode ? this.body(bodyNode, depth) : emptyBody(bodyStart, Math.max(bodyStart, bodyEnd));
    return {
      kind: 'block',
      type: type.text,
      typeSpan: this.span(type),
      labels,
      body,
      span,
      bodySpan: { start: bodyStart, end: Math.max(bodyStart, bodyEnd) },
      openBrace,
      closeBrace,
    };
  }

  private expression(node: TsNode): HclExpression {
    const span = this.span(node);
    const text = node.text;
    const parts = node.namedChildren.filter((c): c is TsNode => !!c && c.type !== 'comment');
    const expr: HclExpression = { kind: 'expr', text, span };
    if (parts.length === 1) {
      const only = parts[0];
      if (only.type === 'literal_value') {
        const lit = only.namedChildren.find((c) => !!c);
        if (lit) literal(lit, expr);
        return expr;
      }
      if (only.type === 'operation') {
        // a negative number: `-1`
        const un = only.namedChildren[0];
        if (un && un.type === 'unary_operation' && un.childCount === 2 && un.child(0)?.type === '-') {
          const operand = un.child(1);
          const lit = operand && operand.type === 'literal_value' ? operand.namedChildren[0] : null;
          if (lit && lit.type === 'numeric_lit') {
            const v = Number(lit.text);
            if (Number.isFinite(v)) {
              expr.kind = 'number';
              expr.value = -v;
            }
          }
        }
        return expr;
      }
    }
    // a traversal: variable_expr followed by get_attr / index steps only
    if (parts.length >= 1 && parts[0].type === 'variable_expr') {
      const steps: string[] = [parts[0].text];
      let ok = true;
      for (const step of parts.slice(1)) {
        if (step.type === 'get_attr') {
          const id = step.namedChildren.find((c) => c?.type === 'identifier');
          if (!id) {
            ok = false;
            break;
          }
          steps.push(id.text);
        } else if (step.type === 'index') {
          steps.push(step.text);
        } else {
          ok = false;
          break;
        }
      }
      if (ok) expr.traversal = steps;
    }
    return expr;
  }
}

function literal(lit: TsNode, expr: HclExpression): void {
  switch (lit.type) {
    case 'numeric_lit': {
      const v = Number(lit.text);
      if (Number.isFinite(v)) {
        expr.kind = 'number';
        expr.value = v;
      }
      break;
    }
    case 'bool_lit':
      expr.kind = 'bool';
      expr.value = lit.text === 'true';
      break;
    case 'null_lit':
      expr.kind = 'null';
      expr.value = null;
      break;
    case 'string_lit':
      if (!lit.hasError) {
        expr.kind = 'string';
        expr.value = decodeHclString(quotedInner(lit.text));
      }
      break;
    default:
      break;
  }
}

function quotedInner(raw: string): string {
  let s = raw;
  if (s.startsWith('"')) s = s.slice(1);
  if (s.endsWith('"')) s = s.slice(0, -1);
  return s;
}

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([['n', '\n'], ['r', '\r'], ['t', '\t'], ['"', '"'], ['\\', '\\']]);

/** Decodes HCL string escapes: `\n \r \t \" \\ \uNNNN \UNNNNNNNN`, and `$${` / `%%{`. */
export function decodeHclString(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1];
      const simple = SIMPLE_ESCAPES.get(n);
      if (simple !== undefined) {
        out += simple;
        i++;
        continue;
      }
      const len = n === 'u' ? 4 : n === 'U' ? 8 : 0;
      if (len > 0) {
        const hex = raw.slice(i + 2, i + 2 + len);
        const cp = hex.length === len ? Number.parseInt(hex, 16) : NaN;
        if (Number.isFinite(cp) && cp <= 0x10ffff) {
          out += String.fromCodePoint(cp);
          i += 1 + len;
          continue;
        }
      }
      out += c;
      continue;
    }
    if ((c === '$' || c === '%') && raw[i + 1] === c && raw[i + 2] === '{') {
      out += c + '{';
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

// --------------------------------------------------------------------------------------------------- helpers

/** The last attribute `name` of a body (Terraform rejects duplicates; the last one is as good as any). */
export function hclAttribute(body: HclBody | undefined, name: string): HclAttribute | undefined {
  if (!body) return undefined;
  for (let i = body.attributes.length - 1; i >= 0; i--) if (body.attributes[i].name === name) return body.attributes[i];
  return undefined;
}

/** Blocks of a body with the given type, in document order. */
export function hclBlocks(body: HclBody | undefined, type: string): HclBlock[] {
  return body ? body.blocks.filter((b) => b.type === type) : [];
}
