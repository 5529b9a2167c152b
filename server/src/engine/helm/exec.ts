/**
 * The executor of Go's `text/template`, as `text/template/exec.go` runs a tree: dot and variables, pipelines with
 * their final value, fields of maps and structs, methods, function calls with Go's argument checks, `if`/`with`/
 * `range` (with `else`, `break`, `continue`), `template`. Helm's `missingkey=zero`: a missing map key is nil.
 * Bounded: steps, output size, nesting of templates and `include`/`tpl`, an optional deadline. Errors are
 * `ExecError`s naming the action that failed.
 */
import type { ArgNode, ChainNode, CommandNode, FieldNode, ListNode, Node, NumberNode, PipeNode, Tree, VariableNode } from './ast';
import { isBuiltinLazy } from './builtins';
import { formatV } from './fmt';
import type { CallContext, FuncDef, FuncMap } from './funcs';
import { Output } from './output';
import { GoError, GoStruct, Int64, isTrue, nilMap, sortedKeys, typeName, type ParamType, type Value } from './value';

export interface ExecLimits {
  maxSteps: number;
  maxOutput: number;
  /** nesting of `template`, `include` and `tpl` */
  maxDepth: number;
  /** a time (`Date.now()`) after which execution stops */
  deadline?: number;
}

export const EXEC_LIMITS: ExecLimits = { maxSteps: 5_000_000, maxOutput: 8 * 1024 * 1024, maxDepth: 200 };

/** A failure while executing, at the action that failed. */
export class ExecError extends Error {
  constructor(message: string, readonly file: string, readonly start: number, readonly end: number, readonly limit = false) {
    super(message);
  }
}

const NONE = Symbol('no final value');
type Final = Value | typeof NONE;
class Break {}
class Continue {}

interface Variable { name: string; value: Value }

export interface TemplateSet {
  trees: Map<string, Tree>;
  funcs: FuncMap;
  /** parse more template text into the set (for `tpl`), or return an error message */
  parseMore?: (name: string, text: string) => Tree | string;
}

export class Executor implements CallContext {
  private steps = 0;
  private depth = 0;
  private vars: Variable[] = [];
  private out: Output;
  private node: { file: string; start: number; end: number } = { file: '', start: 0, end: 0 };
  private seed = 0x5eed;

  constructor(private readonly set: TemplateSet, private readonly limits: ExecLimits, track = true) {
    this.out = new Output(limits.maxOutput, track);
  }

  /** Executes the named template with `data` as dot; returns the text and its pieces. */
  execute(name: string, data: Value): Output {
    const tree = this.set.trees.get(name);
    if (!tree) throw new ExecError(`no template ${JSON.stringify(name)} associated with template`, name, 0, 0);
    this.vars = [{ name: '$', value: data }];
    this.walk(tree, data, tree.root);
    return this.out;
  }

  private fail(message: string, limit = false): never {
    throw new ExecError(message, this.node.file, this.node.start, this.node.end, limit);
  }

  /** Counts a step; `tree`/`node`: where a limit hit is reported when no action is being evaluated. */
  private step(tree?: Tree, node?: { start: number; end: number }): void {
    const over = ++this.steps > this.limits.maxSteps ? `rendering took more than ${this.limits.maxSteps} steps`
      : this.limits.deadline !== undefined && (this.steps & 1023) === 0 && Date.now() > this.limits.deadline ? 'rendering took too long' : null;
    if (over === null) return;
    if (tree && node && this.node.file === '') this.node = { file: tree.file, start: node.start, end: node.end };
    this.fail(over, true);
  }

  private at<T>(tree: Tree, n: { start: number; end: number }, f: () => T): T {
    const saved = this.node;
    this.node = { file: tree.file, start: n.start, end: n.end };
    const r = f();
    this.node = saved;
    return r;
  }

  private walk(tree: Tree, dot: Value, node: Node | ListNode): void {
    this.step(tree, node);
    switch (node.type) {
      case 'list': for (const n of node.nodes) this.walk(tree, dot, n); return;
      case 'text': this.write(node.text, tree.file, node.start, node.end, 'text'); return;
      case 'action': this.at(tree, node, () => {
        const v = this.evalPipeline(tree, dot, node.pipe);
        if (node.pipe.decl.length === 0) this.write(v === null ? '<no value>' : printable(v), tree.file, node.start, node.end, 'action');
      }); return;
      case 'if': case 'with': {
        const mark = this.vars.length;
        const v = this.at(tree, node, () => this.evalPipeline(tree, dot, node.pipe));
        if (isTrue(v)) this.walk(tree, node.type === 'with' ? v : dot, node.list);
        else if (node.elseList) this.walk(tree, dot, node.elseList);
        this.vars.length = mark;
        return;
      }
      case 'range': return this.walkRange(tree, dot, node);
      case 'break': throw new Break();
      case 'continue': throw new Continue();
      case 'template': return this.at(tree, node, () => {
        const target = this.set.trees.get(node.name);
        if (!target) this.fail(`no such template ${JSON.stringify(node.name)}`);
        const data = node.pipe ? this.evalPipeline(tree, dot, node.pipe) : null;
        const savedVars = this.vars;
        const savedVia = this.out.via;
        if (!this.out.via) this.out.via = { file: tree.file, start: node.start, end: node.end };
        this.enter();
        this.vars = [{ name: '$', value: data }];
        try {
          this.walk(target, data, target.root);
        } finally {
          this.depth--;
          this.vars = savedVars;
          this.out.via = savedVia;
        }
      });
    }
  }

  private enter(): void {
    if (++this.depth > this.limits.maxDepth) this.fail(`templates nested more than ${this.limits.maxDepth} deep (an include loop?)`, true);
  }

  private write(text: string, file: string, start: number, end: number, kind: 'text' | 'action'): void {
    try {
      this.out.write(text, file, start, end, kind);
    } catch (e) {
      this.fail((e as Error).message, true);
    }
  }

  private walkRange(tree: Tree, dot: Value, node: Extract<Node, { type: 'range' }>): void {
    const mark = this.vars.length;
    const val = this.at(tree, node, () => this.evalPipeline(tree, dot, node.pipe));
    const inner = this.vars.length;
    const one = (index: Value, elem: Value): boolean => {
      if (node.pipe.decl.length > 0) this.vars[this.vars.length - 1]!.value = elem;
      if (node.pipe.decl.length > 1) this.vars[this.vars.length - 2]!.value = index;
      try {
        this.walk(tree, elem, node.list);
      } catch (e) {
        if (e instanceof Break) return false;
        if (!(e instanceof Continue)) throw e;
      } finally {
        this.vars.length = inner;
      }
      return true;
    };
    let ran = false;
    if (Array.isArray(val)) {
      for (let i = 0; i < val.length; i++) { ran = true; if (!one(BigInt(i), val[i]!)) break; }
    } else if (val instanceof Map) {
      for (const k of sortedKeys(val)) { ran = true; if (!one(k, val.get(k)!)) break; }
    } else if (val instanceof GoStruct && val.entries) {
      for (const [k, v] of val.entries()) { ran = true; if (!one(k, v)) break; }
    } else if (val !== null) {
      this.at(tree, node, () => this.fail(`range can't iterate over ${formatV(val)}`));
    }
    if (!ran && node.elseList) this.walk(tree, dot, node.elseList);
    this.vars.length = mark;
  }

  // ------------------------------------------------------------------------------------------ pipelines

  private evalPipeline(tree: Tree, dot: Value, pipe: PipeNode): Value {
    let value: Final = NONE;
    for (const cmd of pipe.cmds) value = this.evalCommand(tree, dot, cmd, value);
    const v = value === NONE ? null : value;
    for (const d of pipe.decl) {
      if (pipe.isAssign) this.setVar(d.ident[0]!, v);
      else this.vars.push({ name: d.ident[0]!, value: v });
    }
    return v;
  }

  private setVar(name: string, value: Value): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) { this.vars[i]!.value = value; return; }
    }
    this.fail(`undefined variable: ${name}`);
  }

  private varValue(name: string): Value {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.fail(`undefined variable: ${name}`);
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== NONE) this.fail(`can't give argument to non-function ${describe(args[0]!)}`);
  }

  private evalCommand(tree: Tree, dot: Value, cmd: CommandNode, final: Final): Value {
    this.step();
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field': return this.evalFieldChain(tree, dot, dot, first.ident, cmd.args, final, false);
      case 'chain': return this.evalChain(tree, dot, first, cmd.args, final);
      case 'identifier': return this.evalCall(tree, dot, first.name, cmd.args, final);
      case 'pipe': this.notAFunction(cmd.args, final); return this.evalPipeline(tree, dot, first);
      case 'variable': return this.evalVariable(tree, dot, first, cmd.args, final);
    }
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': this.fail('nil is not a command');
      case 'number': return idealConstant(first, (m) => this.fail(m));
      case 'string': return first.text;
    }
  }

  private evalChain(tree: Tree, dot: Value, chain: ChainNode, args: ArgNode[], final: Final): Value {
    if (chain.node.type === 'nil') this.fail('indirection through explicit nil');
    const pipe = this.evalArg(tree, dot, 'any', chain.node);
    return this.evalFieldChain(tree, dot, pipe, chain.field, args, final, false);
  }

  private evalVariable(tree: Tree, dot: Value, v: VariableNode, args: ArgNode[], final: Final): Value {
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) { this.notAFunction(args, final); return value; }
    return this.evalFieldChain(tree, dot, value, v.ident.slice(1), args, final, false);
  }

  private evalFieldChain(tree: Tree, dot: Value, receiver: Value, ident: string[], args: ArgNode[], final: Final, nilIsError: boolean): Value {
    let r = receiver;
    let strict = nilIsError;
    for (let i = 0; i < ident.length - 1; i++) { r = this.evalField(tree, dot, ident[i]!, [], NONE, r, strict); strict = true; }
    return this.evalField(tree, dot, ident[ident.length - 1]!, args, final, r, strict);
  }

  private evalField(tree: Tree, dot: Value, name: string, args: ArgNode[], final: Final, receiver: Value, nilIsError: boolean): Value {
    if (receiver === null) {
      if (nilIsError) this.fail(`nil pointer evaluating interface {}.${name}`);
      return null;
    }
    const hasArgs = args.length > 1 || final !== NONE;
    if (receiver instanceof GoStruct) {
      const m = receiver.methods[name];
      if (m) return this.callFunc(tree, dot, name, m, args, final);
      if (receiver.fields.has(name)) {
        if (hasArgs) this.fail(`${name} has arguments but cannot be invoked as function`);
        return receiver.fields.get(name)!;
      }
      this.fail(`can't evaluate field ${name} in type ${receiver.typeName}`);
    }
    if (receiver instanceof Map) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      return receiver.has(name) ? receiver.get(name)! : null;
    }
    this.fail(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  private evalCall(tree: Tree, dot: Value, name: string, args: ArgNode[], final: Final): Value {
    const f = this.set.funcs.get(name);
    if (!f) this.fail(`${JSON.stringify(name)} is not a defined function`);
    if (isBuiltinLazy(name)) {
      // `and` and `or` stop at the first operand that decides
      const want = name === 'or';
      if (args.length - 1 + (final !== NONE ? 1 : 0) < 1) this.fail(`wrong number of args for ${name}: want at least 1 got 0`);
      let v: Value = null;
      for (const a of args.slice(1)) {
        v = this.evalArg(tree, dot, 'any', a);
        if (isTrue(v) === want) return v;
      }
      return final !== NONE ? final : v;
    }
    return this.callFunc(tree, dot, name, f, args, final);
  }

  private callFunc(tree: Tree, dot: Value, name: string, f: Pick<FuncDef, 'params' | 'variadic' | 'fn'>, args: ArgNode[], final: Final): Value {
    const given = args.slice(1);
    const argc = given.length + (final !== NONE ? 1 : 0);
    const fixed = f.params.length;
    if (f.variadic ? argc < fixed : argc !== fixed) {
      this.fail(`wrong number of args for ${name}: want ${f.variadic ? 'at least ' : ''}${fixed} got ${argc}`);
    }
    const typeAt = (i: number): ParamType => (i < fixed ? f.params[i]! : f.variadic!);
    const argv: Value[] = given.map((a, i) => this.evalArg(tree, dot, typeAt(i), a));
    if (final !== NONE) argv.push(this.validateType(final, typeAt(argc - 1)));
    try {
      return (f.fn as FuncDef['fn'])(argv, this);
    } catch (e) {
      if (e instanceof ExecError) throw e;
      if (e instanceof GoError || e instanceof RangeError || e instanceof TypeError) this.fail(`error calling ${name}: ${(e as Error).message}`);
      throw e;
    }
  }

  private evalArg(tree: Tree, dot: Value, type: ParamType, n: ArgNode): Value {
    this.step();
    switch (n.type) {
      case 'dot': return this.validateType(dot, type);
      case 'nil':
        if (type === 'any') return null;
        if (type === 'map') return nilMap();
        this.fail(`cannot assign nil to ${goType(type)}`);
      case 'field': return this.validateType(this.evalFieldChain(tree, dot, dot, n.ident, [n], NONE, false), type);
      case 'variable': return this.validateType(this.evalVariable(tree, dot, n, [n], NONE), type);
      case 'pipe': return this.validateType(this.evalPipeline(tree, dot, n), type);
      case 'identifier': return this.validateType(this.evalCall(tree, dot, n.name, [n], NONE), type);
      case 'chain': return this.validateType(this.evalChain(tree, dot, n, [n], NONE), type);
    }
    switch (type) {
      case 'bool': if (n.type === 'bool') return n.value; break;
      case 'string': if (n.type === 'string') return n.text; break;
      case 'int': case 'int64':
        if (n.type === 'number' && n.isInt) return type === 'int' ? n.int : new Int64(n.int);
        if (n.type === 'number') this.fail(`expected integer; found ${n.text}`);
        break;
      case 'float64':
        if (n.type === 'number' && n.isFloat) return n.float;
        if (n.type === 'number') this.fail(`expected float; found ${n.text}`);
        break;
      case 'any':
        if (n.type === 'bool') return n.value;
        if (n.type === 'string') return n.text;
        if (n.type === 'number') return idealConstant(n, (m) => this.fail(m));
        break;
      case 'map': this.fail(`can't handle ${describe(n)} for arg of type map[string]interface {}`);
    }
    this.fail(`expected ${goType(type)}; found ${describe(n)}`);
  }

  private validateType(v: Value, type: ParamType): Value {
    if (type === 'any') return v;
    if (v === null) {
      if (type === 'map') return nilMap();
      this.fail(`invalid value; expected ${goType(type)}`);
    }
    const ok = type === 'string' ? typeof v === 'string'
      : type === 'bool' ? typeof v === 'boolean'
        : type === 'int' ? typeof v === 'bigint'
          : type === 'int64' ? typeName(v) === 'int64'
            : type === 'float64' ? typeof v === 'number'
              : v instanceof Map;
    if (!ok) this.fail(`wrong type for value; expected ${goType(type)}; got ${typeName(v)}`);
    return v;
  }

  // ------------------------------------------------------------------------------------------ include, tpl

  /** mulberry32: the same sequence on every render of a file, so placeholders do not change between keystrokes */
  random(): number {
    let t = (this.seed = (this.seed + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  include(name: string, data: Value): string {
    const target = this.set.trees.get(name);
    if (!target) throw new GoError(`template: no template ${JSON.stringify(name)} associated with template`);
    return this.sub(target, data);
  }

  tpl(text: string, data: Value): string {
    if (!this.set.parseMore) throw new GoError('tpl is not available here');
    const name = data instanceof Map && data.get('Template') instanceof Map ? (data.get('Template') as Map<string, Value>).get('Name') : null;
    const tree = this.set.parseMore(typeof name === 'string' ? name : 'tpl', text);
    if (typeof tree === 'string') throw new GoError(tree);
    return this.sub(tree, data).split('<no value>').join('');
  }

  private sub(tree: Tree, data: Value): string {
    const savedOut = this.out;
    const savedVars = this.vars;
    this.out = new Output(this.limits.maxOutput, false);
    this.enter();
    this.vars = [{ name: '$', value: data }];
    try {
      this.walk(tree, data, tree.root);
      return this.out.text();
    } finally {
      this.depth--;
      this.out = savedOut;
      this.vars = savedVars;
    }
  }
}

function printable(v: Value): string {
  return formatV(v);
}

function goType(t: ParamType): string {
  return t === 'any' ? 'interface {}' : t === 'map' ? 'map[string]interface {}' : t;
}

function describe(n: ArgNode): string {
  switch (n.type) {
    case 'identifier': return n.name;
    case 'field': return '.' + n.ident.join('.');
    case 'variable': return n.ident.join('.');
    case 'string': return n.quoted;
    case 'number': return n.text;
    case 'bool': return String(n.value);
    case 'nil': return 'nil';
    case 'dot': return '.';
    case 'chain': return `(${describe(n.node)}).${n.field.join('.')}`;
    case 'pipe': return '(pipeline)';
  }
}

/** An untyped constant as an `interface{}`: int when it is written as an integer, else float64. */
function idealConstant(n: NumberNode, fail: (m: string) => never): Value {
  if (n.isFloat && !/^[+-]?0[xX]/.test(n.text) && !n.isChar && /[.eEpP]/.test(n.text)) return n.float;
  if (n.isInt) {
    if (n.int > 2n ** 63n - 1n || n.int < -(2n ** 63n)) fail(`${n.text} overflows int`);
    return n.int;
  }
  return n.float;
}

export type { FieldNode };
