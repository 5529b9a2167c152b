/**
 * tree-sitter's expression nodes into our expression tree (`expr-tree.ts`). The grammar flattens a term and its
 * postfix steps (`a.b[0]`, `f(x)[*].y`) and the operands of an operation into one run of sibling nodes: this reads
 * such runs back into nested nodes. Template text is taken from the source between the interpolations and
 * directives (tree-sitter drops whitespace from heredoc chunks), quoted text with its escapes decoded.
 */
import type { Span } from '../../text/span';
import type { TsNode } from './ts-node';
import type { HclExpr, HclObjectItem, SplatStep, TemplatePart } from './expr-tree';

const BINARY_OPS = new Set(['*', '/', '%', '+', '-', '>', '>=', '<', '<=', '==', '!=', '&&', '||']);
/** deeper expressions are not converted (the parser bounds nesting already; this keeps recursion safe) */
const MAX_DEPTH = 200;

export class ExprConverter {
  constructor(
    private readonly text: string,
    private readonly base: number,
    private readonly decode: (raw: string) => string,
  ) {}

  private span(n: TsNode): Span {
    return { start: this.base + n.startIndex, end: this.base + n.endIndex };
  }

  private invalid(n: TsNode): HclExpr {
    return { t: 'invalid', text: n.text, span: this.span(n) };
  }

  /** An `expression` node. */
  expression(node: TsNode, depth = 0): HclExpr {
    if (depth > MAX_DEPTH || node.hasError) return this.invalid(node);
    const kids = node.children.filter((c): c is TsNode => !!c && c.type !== 'comment');
    if (kids.length === 1 && kids[0].type === 'conditional') return this.conditional(kids[0], depth + 1);
    return this.run(kids, node, depth + 1);
  }

  private conditional(node: TsNode, depth: number): HclExpr {
    const parts = node.namedChildren.filter((c): c is TsNode => !!c && c.type === 'expression');
    if (parts.length !== 3) return this.invalid(node);
    return {
      t: 'conditional',
      cond: this.expression(parts[0], depth),
      then: this.expression(parts[1], depth),
      else: this.expression(parts[2], depth),
      span: this.span(node),
    };
  }

  /** A term and its postfix steps, as sibling nodes. */
  private run(kids: TsNode[], whole: TsNode, depth: number): HclExpr {
    if (kids.length === 0) return this.invalid(whole);
    let i = 0;
    let expr: HclExpr;
    const first = kids[0];
    const start = this.base + first.startIndex;
    if (first.type === '(') {
      const inner = kids[1];
      if (!inner || inner.type !== 'expression' || kids[2]?.type !== ')') return this.invalid(whole);
      expr = this.expression(inner, depth);
      i = 3;
    } else {
      expr = this.primary(first, depth);
      i = 1;
    }
    for (; i < kids.length; i++) {
      const step = kids[i];
      const span = { start, end: this.base + step.endIndex };
      if (step.type === 'get_attr') {
        const id = step.namedChildren.find((c) => c?.type === 'identifier');
        if (!id) return this.invalid(whole);
        expr = { t: 'attr', object: expr, name: id.text, span };
      } else if (step.type === 'index') {
        const key = this.indexKey(step, depth);
        if (!key) return this.invalid(whole);
        expr = { t: 'index', object: expr, key, span };
      } else if (step.type === 'splat') {
        const kind = step.namedChildren[0];
        if (!kind) return this.invalid(whole);
        const steps: SplatStep[] = [];
        for (const s of kind.namedChildren) {
          if (!s) continue;
          if (s.type === 'get_attr') {
            const id = s.namedChildren.find((c) => c?.type === 'identifier');
            if (!id) return this.invalid(whole);
            steps.push({ t: 'attr', name: id.text });
          } else if (s.type === 'index') {
            const key = this.indexKey(s, depth);
            if (!key) return this.invalid(whole);
            steps.push({ t: 'index', key });
          }
        }
        expr = { t: 'splat', object: expr, steps, span };
      } else {
        return this.invalid(whole);
      }
    }
    return expr;
  }

  private indexKey(step: TsNode, depth: number): HclExpr | null {
    const inner = step.namedChildren[0];
    if (!inner) return null;
    if (inner.type === 'new_index') {
      const e = inner.namedChildren.find((c) => c?.type === 'expression');
      return e ? this.expression(e, depth) : null;
    }
    // legacy `.0`
    const digits = inner.text.replace(/^\./, '');
    return { t: 'literal', value: Number(digits), span: this.span(inner) };
  }

  private primary(n: TsNode, depth: number): HclExpr {
    switch (n.type) {
      case 'literal_value': {
        const lit = n.namedChildren[0];
        return lit ? this.literal(lit) : this.invalid(n);
      }
      case 'template_expr': {
        const t = n.namedChildren[0];
        if (!t) return this.invalid(n);
        return t.type === 'heredoc_template' ? this.heredoc(t, depth) : this.quoted(t, depth);
      }
      case 'collection_value': {
        const c = n.namedChildren[0];
        if (!c) return this.invalid(n);
        return c.type === 'tuple' ? this.tuple(c, depth) : this.object(c, depth);
      }
      case 'variable_expr':
        return { t: 'variable', name: n.text, span: this.span(n) };
      case 'function_call':
        return this.call(n, depth);
      case 'for_expr': {
        const f = n.namedChildren[0];
        return f ? this.forExpr(f, depth) : this.invalid(n);
      }
      case 'operation': {
        const op = n.namedChildren[0];
        if (!op) return this.invalid(n);
        return op.type === 'unary_operation' ? this.unary(op, depth) : this.binary(op, depth);
      }
      default:
        return this.invalid(n);
    }
  }

  private literal(lit: TsNode): HclExpr {
    const span = this.span(lit);
    switch (lit.type) {
      case 'numeric_lit': {
        const v = Number(lit.text);
        return Number.isFinite(v) ? { t: 'literal', value: v, span } : this.invalid(lit);
      }
      case 'bool_lit':
        return { t: 'literal', value: lit.text === 'true', span };
      case 'null_lit':
        return { t: 'literal', value: null, span };
      case 'string_lit':
        return this.quoted(lit, 0);
      default:
        return this.invalid(lit);
    }
  }

  private tuple(n: TsNode, depth: number): HclExpr {
    const items = n.namedChildren.filter((c): c is TsNode => !!c && c.type === 'expression').map((e) => this.expression(e, depth));
    return { t: 'tuple', items, span: this.span(n) };
  }

  private object(n: TsNode, depth: number): HclExpr {
    const items: HclObjectItem[] = [];
    for (const el of n.namedChildren) {
      if (!el || el.type !== 'object_elem') continue;
      const [k, v] = el.namedChildren.filter((c): c is TsNode => !!c && c.type === 'expression');
      if (!k || !v) continue;
      const keyKids = k.namedChildren.filter((c) => !!c && c.type !== 'comment');
      // a bare identifier is the key itself, not a variable
      const key: HclExpr = keyKids.length === 1 && keyKids[0]!.type === 'variable_expr' && k.childCount === 1
        ? { t: 'literal', value: keyKids[0]!.text, span: this.span(k) }
        : this.expression(k, depth);
      items.push({ key, value: this.expression(v, depth), span: this.span(el) });
    }
    return { t: 'object', items, span: this.span(n) };
  }

  private call(n: TsNode, depth: number): HclExpr {
    const id = n.namedChildren.find((c) => c?.type === 'identifier');
    const argsNode = n.namedChildren.find((c) => c?.type === 'function_arguments');
    const args = argsNode ? argsNode.namedChildren.filter((c): c is TsNode => !!c && c.type === 'expression').map((e) => this.expression(e, depth)) : [];
    const expand = !!argsNode?.namedChildren.some((c) => c?.type === 'ellipsis');
    return { t: 'call', name: id?.text ?? '', args, expand, span: this.span(n) };
  }

  private forExpr(n: TsNode, depth: number): HclExpr {
    const intro = n.namedChildren.find((c) => c?.type === 'for_intro');
    if (!intro) return this.invalid(n);
    const ids = intro.namedChildren.filter((c): c is TsNode => !!c && c.type === 'identifier').map((c) => c.text);
    const collNode = intro.namedChildren.find((c) => c?.type === 'expression');
    if (!collNode || ids.length === 0) return this.invalid(n);
    const exprs = n.namedChildren.filter((c): c is TsNode => !!c && c.type === 'expression');
    const condNode = n.namedChildren.find((c) => c?.type === 'for_cond');
    const condExpr = condNode?.namedChildren.find((c) => c?.type === 'expression');
    const object = n.type === 'for_object_expr';
    if (exprs.length < (object ? 2 : 1)) return this.invalid(n);
    return {
      t: 'for',
      object,
      keyVar: ids.length > 1 ? ids[0] : undefined,
      valueVar: ids.length > 1 ? ids[1] : ids[0],
      collection: this.expression(collNode, depth),
      key: object ? this.expression(exprs[0], depth) : undefined,
      value: this.expression(object ? exprs[1] : exprs[0], depth),
      group: object && n.namedChildren.some((c) => c?.type === 'ellipsis'),
      cond: condExpr ? this.expression(condExpr, depth) : undefined,
      span: this.span(n),
    };
  }

  private unary(n: TsNode, depth: number): HclExpr {
    const kids = n.children.filter((c): c is TsNode => !!c && c.type !== 'comment');
    const op = kids[0]?.type;
    if (op !== '-' && op !== '!') return this.invalid(n);
    const operand = this.run(kids.slice(1), n, depth + 1);
    // `-5` is a literal
    if (op === '-' && operand.t === 'literal' && typeof operand.value === 'number') return { t: 'literal', value: -operand.value, span: this.span(n) };
    return { t: 'unary', op, operand, span: this.span(n) };
  }

  private binary(n: TsNode, depth: number): HclExpr {
    const kids = n.children.filter((c): c is TsNode => !!c && c.type !== 'comment');
    const at = kids.findIndex((c, i) => i > 0 && !c.isNamed && BINARY_OPS.has(c.type));
    if (at <= 0) return this.invalid(n);
    return {
      t: 'binary',
      op: kids[at].type,
      left: this.run(kids.slice(0, at), n, depth + 1),
      right: this.run(kids.slice(at + 1), n, depth + 1),
      span: this.span(n),
    };
  }

  // ------------------------------------------------------------------------------------------- templates

  private quoted(n: TsNode, depth: number): HclExpr {
    const kids = n.children.filter((c): c is TsNode => !!c);
    const open = kids.find((c) => c.type === 'quoted_template_start');
    const close = [...kids].reverse().find((c) => c.type === 'quoted_template_end');
    const from = open ? open.endIndex : n.startIndex;
    const to = close ? close.startIndex : n.endIndex;
    const parts = this.parts(n, from, to, false, depth);
    if (parts.length === 0) return { t: 'literal', value: '', span: this.span(n) };
    if (parts.length === 1 && parts[0].t === 'text') return { t: 'literal', value: parts[0].value, span: this.span(n) };
    return { t: 'template', parts, heredoc: false, span: this.span(n) };
  }

  private heredoc(n: TsNode, depth: number): HclExpr {
    const kids = n.children.filter((c): c is TsNode => !!c);
    const ids = kids.filter((c) => c.type === 'heredoc_identifier');
    const flush = kids.some((c) => c.type === 'heredoc_start' && c.text === '<<-');
    if (ids.length < 2) return this.invalid(n);
    const nl = this.text.indexOf('\n', ids[0].endIndex);
    const from = nl < 0 ? ids[0].endIndex : nl + 1;
    let to = ids[ids.length - 1].startIndex;
    while (to > from && (this.text[to - 1] === ' ' || this.text[to - 1] === '\t')) to--;
    let parts = this.parts(n, from, to, true, depth);
    if (flush) parts = flushIndent(parts);
    return { t: 'template', parts, heredoc: true, span: this.span(n) };
  }

  /** The template parts among `parent`'s children between offsets `from` and `to` (segment-relative). */
  private parts(parent: TsNode, from: number, to: number, heredoc: boolean, depth: number): TemplatePart[] {
    const out: TemplatePart[] = [];
    let at = from;
    let stripNext = false;
    const text = (end: number, stripEnd: boolean) => {
      if (end > at) {
        let raw = this.text.slice(at, end);
        if (stripNext) raw = raw.replace(/^\s+/, '');
        if (stripEnd) raw = raw.replace(/\s+$/, '');
        const value = heredoc ? raw.replace(/([$%])\1\{/g, '$1{') : this.decode(raw);
        if (value !== '') out.push({ t: 'text', value, span: { start: this.base + at, end: this.base + end } });
      }
    };
    for (const c of parent.children) {
      if (!c || c.startIndex < from || c.endIndex > to) continue;
      if (c.type !== 'template_interpolation' && c.type !== 'template_directive') continue;
      const strips = stripMarkers(c);
      text(c.startIndex, strips.before);
      stripNext = strips.after;
      const part = c.type === 'template_interpolation' ? this.interpolation(c, depth) : this.directive(c, heredoc, depth);
      if (part) out.push(part);
      at = c.endIndex;
    }
    text(to, false);
    return out;
  }

  private interpolation(c: TsNode, depth: number): TemplatePart | null {
    const e = c.namedChildren.find((x) => x?.type === 'expression');
    return e ? { t: 'interp', expr: this.expression(e, depth), span: this.span(c) } : null;
  }

  private directive(c: TsNode, heredoc: boolean, depth: number): TemplatePart | null {
    const d = c.namedChildren[0];
    if (!d) return null;
    const kids = d.namedChildren.filter((x): x is TsNode => !!x);
    if (d.type === 'template_if') {
      const intro = kids.find((x) => x.type === 'template_if_intro');
      const elseIntro = kids.find((x) => x.type === 'template_else_intro');
      const end = kids.find((x) => x.type === 'template_if_end');
      const condNode = intro?.namedChildren.find((x) => x?.type === 'expression');
      if (!intro || !end || !condNode) return null;
      const thenEnd = elseIntro ? elseIntro.startIndex : end.startIndex;
      return {
        t: 'if',
        cond: this.expression(condNode, depth),
        then: this.parts(d, intro.endIndex, thenEnd, heredoc, depth),
        else: elseIntro ? this.parts(d, elseIntro.endIndex, end.startIndex, heredoc, depth) : [],
        span: this.span(c),
      };
    }
    if (d.type === 'template_for') {
      const start = kids.find((x) => x.type === 'template_for_start');
      const end = kids.find((x) => x.type === 'template_for_end');
      if (!start || !end) return null;
      const ids = start.namedChildren.filter((x): x is TsNode => !!x && x.type === 'identifier').map((x) => x.text);
      const coll = start.namedChildren.find((x) => x?.type === 'expression');
      if (!coll || ids.length === 0) return null;
      return {
        t: 'for',
        keyVar: ids.length > 1 ? ids[0] : undefined,
        valueVar: ids.length > 1 ? ids[1] : ids[0],
        collection: this.expression(coll, depth),
        body: this.parts(d, start.endIndex, end.startIndex, heredoc, depth),
        span: this.span(c),
      };
    }
    return null;
  }
}

/** `~` right after the opening `${`/`%{` (strip the text before) or right before the closing `}` (after). */
function stripMarkers(c: TsNode): { before: boolean; after: boolean } {
  const node = c.type === 'template_directive' ? c.namedChildren[0]?.namedChildren[0] ?? c : c;
  const kids = node.children.filter((x): x is TsNode => !!x);
  const before = kids.length > 1 && kids[1].type === 'strip_marker';
  const after = kids.length > 1 && kids[kids.length - 2].type === 'strip_marker';
  return { before, after };
}

/** `<<-`: the smallest indentation of the lines, removed from each (as Terraform's flush heredocs do). */
function flushIndent(parts: TemplatePart[]): TemplatePart[] {
  let min = Infinity;
  let lineStart = true;
  for (const p of parts) {
    if (p.t !== 'text') {
      lineStart = false;
      continue;
    }
    const lines = p.value.split('\n');
    lines.forEach((line, i) => {
      if (i > 0) lineStart = true;
      if (lineStart && (line.trim() !== '' || i === lines.length - 1 && line !== '')) {
        const indent = line.length - line.replace(/^[ \t]+/, '').length;
        if (line.trim() !== '') min = Math.min(min, indent);
      }
      if (i < lines.length - 1 || line !== '') lineStart = false;
    });
    if (p.value.endsWith('\n')) lineStart = true;
  }
  if (!Number.isFinite(min) || min === 0) return parts;
  lineStart = true;
  return parts.map((p) => {
    if (p.t !== 'text') {
      lineStart = false;
      return p;
    }
    const value = p.value.split('\n').map((line, i) => {
      const atStart = i > 0 || lineStart;
      return atStart ? line.replace(new RegExp(`^[ \\t]{0,${min}}`), '') : line;
    }).join('\n');
    lineStart = p.value.endsWith('\n');
    return { ...p, value };
  });
}
