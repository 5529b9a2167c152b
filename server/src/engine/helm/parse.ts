/**
 * The parser of Go's `text/template` (`text/template/parse`): a file's text into its tree and the trees its
 * `define`s and `block`s name. Go's checks at parse time are kept: an unknown function, an undefined variable,
 * `break`/`continue` outside `range`, a non-executable command after a `|`. It never throws: the first error
 * (with its offset) is returned instead of trees, as Go's parser stops at the first one.
 */
import type {
  ArgNode, CommandNode, ListNode, Node, NumberNode, PipeNode, Pos, StringNode, Tree, VariableNode,
} from './ast';
import { lex, type Token } from './lex';

export interface ParseError { message: string; file: string; offset: number }
export type ParseResult = { trees: Tree[]; error?: undefined } | { trees?: undefined; error: ParseError };

class Fail { constructor(readonly message: string, readonly offset: number) {} }

export function parseTemplate(file: string, text: string, hasFunction: (name: string) => boolean): ParseResult {
  const p = new Parser(file, lex(text), hasFunction);
  try {
    return { trees: p.parse() };
  } catch (e) {
    if (e instanceof Fail) return { error: { message: `template: ${file}: ${e.message}`, file, offset: e.offset } };
    throw e;
  }
}

/**
 * An array grown by `push` as a copy of its own length: a parsed template is kept (by its text, for every chart
 * that includes it), and V8 leaves a grown array room for 16 more items.
 */
function exact<T>(items: T[]): T[] {
  return items.length === 0 ? [] : items.slice();
}

function emptyList(at: number): ListNode {
  return { type: 'list', nodes: [], start: at, end: at };
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private readonly trees: Tree[] = [];

  constructor(private readonly file: string, private readonly tokens: Token[], private readonly hasFunction: (name: string) => boolean) {}

  parse(): Tree[] {
    const root = emptyList(0);
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind === 'left') {
        const save = this.i;
        this.next();
        const k = this.nextNonSpace();
        if (k.kind === 'keyword' && k.value === 'define') { this.definition(); continue; }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n === 'end' || n === 'else') this.fail(`unexpected {{${n}}}`, this.tokens[this.i - 1]!.start);
      else root.nodes.push(n);
    }
    root.end = this.tokens[this.tokens.length - 1]!.end;
    root.nodes = exact(root.nodes);
    this.trees.unshift({ name: this.file, file: this.file, root });
    return this.trees;
  }

  private fail(message: string, offset: number): never {
    throw new Fail(message, offset);
  }

  private peek(): Token { return this.tokens[this.i]!; }
  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind === 'error') this.fail(t.value, t.start);
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }
  private peekNonSpace(): Token {
    while (this.peek().kind === 'space') this.i++;
    const t = this.peek();
    if (t.kind === 'error') this.fail(t.value, t.start);
    return t;
  }
  private nextNonSpace(): Token {
    this.peekNonSpace();
    return this.next();
  }
  private expect(kind: Token['kind'], context: string): Token {
    const t = this.nextNonSpace();
    if (t.kind !== kind) this.unexpected(t, context);
    return t;
  }
  private unexpected(t: Token, context: string): never {
    if (t.kind === 'eof') this.fail(`unexpected EOF in ${context}`, t.start);
    this.fail(`unexpected ${JSON.stringify(t.value)} in ${context}`, t.start);
  }

  private definition(): void {
    const nameTok = this.nextNonSpace();
    if (nameTok.kind !== 'string' && nameTok.kind !== 'rawString') this.unexpected(nameTok, 'define clause');
    const name = unquote(nameTok.value, nameTok.start, this);
    this.expect('right', 'define clause');
    const saved = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    this.vars = saved;
    if (end !== 'end') this.fail(`unexpected {{${end}}} in define clause`, this.tokens[this.i - 1]!.start);
    this.trees.push({ name, file: this.file, root: list });
  }

  /** Nodes up to an `{{end}}` or `{{else}}`, which it returns. */
  private itemList(): [ListNode, 'end' | 'else'] {
    const list = emptyList(this.peek().start);
    for (;;) {
      if (this.peekNonSpace().kind === 'eof') this.fail('unexpected EOF', this.peek().start);
      const n = this.textOrAction();
      if (n === 'end' || n === 'else') { list.end = this.tokens[this.i - 1]!.end; list.nodes = exact(list.nodes); return [list, n]; }
      list.nodes.push(n);
      list.end = n.end;
    }
  }

  private textOrAction(): Node | 'end' | 'else' {
    const t = this.nextNonSpace();
    if (t.kind === 'text') return { type: 'text', text: t.value, start: t.start, end: t.end };
    if (t.kind === 'left') return this.action(t);
    this.unexpected(t, 'input');
  }

  private action(left: Token): Node | 'end' | 'else' {
    const t = this.peekNonSpace();
    if (t.kind === 'keyword') {
      this.next();
      switch (t.value) {
        case 'block': return this.templateControl(left, true);
        case 'break': case 'continue': {
          if (this.rangeDepth === 0) this.fail(`{{${t.value}}} outside {{range}}`, t.start);
          const r = this.expect('right', t.value);
          return { type: t.value, start: left.start, end: r.end };
        }
        case 'else': {
          const p = this.peekNonSpace();
          if (p.kind === 'keyword' && p.value === 'if') return 'else';
          this.expect('right', 'else');
          return 'else';
        }
        case 'end': this.expect('right', 'end'); return 'end';
        case 'if': return this.control('if', left);
        case 'range': return this.control('range', left);
        case 'with': return this.control('with', left);
        case 'template': return this.templateControl(left, false);
        default: this.unexpected(t, 'command');
      }
    }
    const pipe = this.pipeline('command', 'right');
    return { type: 'action', pipe, start: left.start, end: this.tokens[this.i - 1]!.end };
  }

  private control(kind: 'if' | 'range' | 'with', left: Token): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, 'right');
    if (kind === 'range') this.rangeDepth++;
    const [list, next] = this.itemList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next === 'else') {
      const p = this.peekNonSpace();
      if (kind === 'if' && p.kind === 'keyword' && p.value === 'if') {
        const left2 = this.tokens[this.i - 1]!;
        this.next();
        elseList = emptyList(p.start);
        const inner = this.control('if', left2);
        elseList.nodes = [inner];
        elseList.end = inner.end;
      } else {
        const [l, n] = this.itemList();
        if (n !== 'end') this.fail('expected end; found {{else}}', this.tokens[this.i - 1]!.start);
        elseList = l;
      }
    }
    this.vars.length = mark;
    return { type: kind, pipe, list, elseList, start: left.start, end: this.tokens[this.i - 1]!.end };
  }

  private templateControl(left: Token, block: boolean): Node {
    const context = block ? 'block clause' : 'template clause';
    const nameTok = this.nextNonSpace();
    if (nameTok.kind !== 'string' && nameTok.kind !== 'rawString') this.unexpected(nameTok, context);
    const name = unquote(nameTok.value, nameTok.start, this);
    let pipe: PipeNode | null = null;
    if (this.peekNonSpace().kind !== 'right') pipe = this.pipeline(context, 'right');
    else this.next();
    if (block) {
      const saved = this.vars;
      this.vars = ['$'];
      const [list, end] = this.itemList();
      this.vars = saved;
      if (end !== 'end') this.fail('unexpected {{else}} in block clause', this.tokens[this.i - 1]!.start);
      this.trees.push({ name, file: this.file, root: list });
    }
    return { type: 'template', name, pipe, start: left.start, end: this.tokens[this.i - 1]!.end };
  }

  private pipeline(context: string, end: 'right' | 'rightParen'): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', isAssign: false, decl: [], cmds: [], start: first.start, end: first.start };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.kind !== 'variable') break;
      const save = this.i;
      this.next();
      const nx = this.peekNonSpace();
      if (nx.kind === 'assign' || nx.kind === 'declare') {
        pipe.isAssign = nx.kind === 'assign';
        this.next();
        pipe.decl.push({ type: 'variable', ident: [v.value], start: v.start, end: v.end });
        this.vars.push(v.value);
        break;
      } else if (nx.kind === 'comma') {
        this.next();
        pipe.decl.push({ type: 'variable', ident: [v.value], start: v.start, end: v.end });
        this.vars.push(v.value);
        if (context === 'range' && pipe.decl.length < 2) {
          const k = this.peekNonSpace().kind;
          if (k === 'variable' || k === 'right' || k === 'rightParen') continue;
          this.fail('range can only initialize variables', this.peek().start);
        }
        this.fail(`too many declarations in ${context}`, v.start);
      } else {
        this.i = save;
        break;
      }
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.kind === end) {
        pipe.end = t.kind === 'rightParen' ? t.end : t.start;
        if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`, t.start);
        pipe.cmds.slice(1).forEach((c, n) => {
          const k = c.args[0]!.type;
          if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') {
            this.fail(`non executable command in pipeline stage ${n + 2}`, c.start);
          }
        });
        if (t.kind === 'right') pipe.end = pipe.cmds[pipe.cmds.length - 1]!.end;
        pipe.decl = exact(pipe.decl);
        pipe.cmds = exact(pipe.cmds);
        return pipe;
      }
      switch (t.kind) {
        case 'bool': case 'char': case 'dot': case 'field': case 'identifier': case 'number': case 'nil':
        case 'rawString': case 'string': case 'variable': case 'leftParen':
          this.i--;
          pipe.cmds.push(this.command());
          break;
        default: this.unexpected(t, context);
      }
    }
  }

  private command(): CommandNode {
    const start = this.peekNonSpace().start;
    const cmd: CommandNode = { type: 'command', args: [], start, end: start };
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (op) { cmd.args.push(op); cmd.end = op.end; }
      const t = this.next();
      if (t.kind === 'space') continue;
      if (t.kind === 'right' || t.kind === 'rightParen') { this.i--; break; }
      if (t.kind === 'pipe') break;
      this.unexpected(t, 'operand');
    }
    if (cmd.args.length === 0) this.fail('empty command', start);
    cmd.args = exact(cmd.args);
    return cmd;
  }

  private operand(): ArgNode | null {
    const node = this.term();
    if (!node) return null;
    if (this.peek().kind !== 'field') return node;
    const fields: string[] = [];
    let end = node.end;
    while (this.peek().kind === 'field') { const f = this.next(); fields.push(f.value.slice(1)); end = f.end; }
    switch (node.type) {
      case 'field': return { ...node, ident: node.ident.concat(fields), end };
      case 'variable': return { ...node, ident: node.ident.concat(fields), end };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        this.fail(`unexpected . after term`, node.end);
      default: return { type: 'chain', node, field: exact(fields), start: node.start, end };
    }
  }

  private term(): ArgNode | null {
    const t = this.nextNonSpace();
    const pos: Pos = { start: t.start, end: t.end };
    switch (t.kind) {
      case 'identifier':
        if (!this.hasFunction(t.value)) this.fail(`function ${JSON.stringify(t.value)} not defined`, t.start);
        return { type: 'identifier', name: t.value, ...pos };
      case 'dot': return { type: 'dot', ...pos };
      case 'nil': return { type: 'nil', ...pos };
      case 'variable': {
        if (!this.vars.includes(t.value)) this.fail(`undefined variable ${JSON.stringify(t.value)}`, t.start);
        return { type: 'variable', ident: [t.value], ...pos } satisfies VariableNode;
      }
      case 'field': return { type: 'field', ident: [t.value.slice(1)], ...pos };
      case 'bool': return { type: 'bool', value: t.value === 'true', ...pos };
      case 'char': case 'number': return number(t, this);
      case 'leftParen': return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string': case 'rawString':
        return { type: 'string', quoted: t.value, text: unquote(t.value, t.start, this), ...pos } satisfies StringNode;
    }
    this.i--;
    return null;
  }

  failAt(message: string, offset: number): never { this.fail(message, offset); }
}

function number(t: Token, p: Parser): NumberNode {
  const n: NumberNode = { type: 'number', text: t.value, isInt: false, isFloat: false, int: 0n, float: 0, isChar: false, start: t.start, end: t.end };
  if (t.kind === 'char') {
    const s = unquote(`"${t.value.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`, t.start, p);
    const cp = s.codePointAt(0);
    if (cp === undefined || [...s].length !== 1) p.failAt(`malformed character constant: ${t.value}`, t.start);
    n.isChar = n.isInt = n.isFloat = true;
    n.int = BigInt(cp);
    n.float = cp;
    return n;
  }
  if (t.value.endsWith('i')) p.failAt(`complex numbers are not supported: ${t.value}`, t.start);
  const text = t.value.replace(/_/g, '');
  const int = parseGoInt(text);
  if (int !== null) {
    n.isInt = n.isFloat = true;
    n.int = int;
    n.float = Number(int);
    return n;
  }
  const f = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(f)) p.failAt(`illegal number syntax: ${JSON.stringify(t.value)}`, t.start);
  if (!/[.eEpP]/.test(text)) p.failAt(`integer overflow: ${JSON.stringify(t.value)}`, t.start);
  n.isFloat = true;
  n.float = f;
  if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) { n.isInt = true; n.int = BigInt(f); }
  return n;
}

/** `strconv.ParseInt(s, 0, 64)`. */
export function parseGoInt(text: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9]\d*|0)$/.exec(text);
  if (!m) return null;
  let body = m[2]!;
  if (/^0[0-7]/.test(body)) body = '0o' + body.slice(1);
  else if (/^0[oO]/.test(body)) body = '0o' + body.slice(2);
  const v = BigInt(body) * (m[1] === '-' ? -1n : 1n);
  if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) return null;
  return v;
}

/** `strconv.Unquote` for Go's interpreted and raw string literals. */
function unquote(q: string, at: number, p: Parser | { failAt(m: string, o: number): never }): string {
  if (q.startsWith('`')) return q.slice(1, -1).replace(/\r/g, '');
  const s = q.slice(1, -1);
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') { out += c; continue; }
    const e = s[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
    if (e !== undefined && e in simple) { out += simple[e]; continue; }
    const hex = (n: number): number => {
      const h = s.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) p.failAt('invalid syntax', at);
      i += n;
      return parseInt(h, 16);
    };
    if (e === 'x') out += String.fromCharCode(hex(2));
    else if (e === 'u') out += String.fromCodePoint(hex(4));
    else if (e === 'U') out += String.fromCodePoint(hex(8));
    else if (e !== undefined && /[0-7]/.test(e)) {
      const o = s.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o)) p.failAt('invalid syntax', at);
      out += String.fromCharCode(parseInt(o, 8));
      i += 2;
    } else p.failAt('invalid syntax', at);
  }
  return out;
}
