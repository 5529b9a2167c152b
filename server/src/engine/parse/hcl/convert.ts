/**
 * A tree-sitter HCL tree turned into our tree (`tree.ts`): blocks, labels, attributes, literal values and plain
 * traversals, string escapes decoded, and the syntax errors and missing tokens tree-sitter recovered from as
 * problems. It reads tree-sitter nodes through `TsNode`, the part of web-tree-sitter's `Node` it needs (only
 * `tree-sitter.ts` imports that package).
 */
import type { Span } from '../../text/span';
import type { ParseProblem } from '../problem';
import { ExprConverter } from './expr-convert';
import type { TsNode } from './ts-node';

export type { TsNode } from './ts-node';
import { emptyBody, type HclAttribute, type HclBlock, type HclBody, type HclExpression, type HclItem, type HclLabel } from './tree';

/** problems kept per file */
export const MAX_PROBLEMS = 50;
const MAX_BLOCK_DEPTH = 64;

export interface SegmentResult {
  body: HclBody;
  problems: ParseProblem[];
  hasError: boolean;
}

/** A parsed piece of text (`base`: where it starts in its file) as our tree, with its syntax errors. */
export function convertTree(root: TsNode, text: string, base: number): SegmentResult {
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
  private readonly exprs: ExprConverter;

  constructor(
    private readonly text: string,
    private readonly base: number,
    private readonly problems: ParseProblem[],
  ) {
    this.exprs = new ExprConverter(text, base, decodeHclString);
  }

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
      : { kind: 'expr', text: '', span: { start: span.end, end: span.end }, ast: { t: 'invalid', text: '', span: { start: span.end, end: span.end } } };
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
    const expr: HclExpression = { kind: 'expr', text, span, ast: this.exprs.expression(node) };
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
