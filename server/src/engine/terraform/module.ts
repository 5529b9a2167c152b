/**
 * One module instance evaluated as Terraform would, without providers or network: a folder's `.tf` files with
 * the values of its variables (a root module: defaults, then its variable files, then the config's; a called
 * module: its caller's inputs). Everything is lazy and memoised per name, with cycle detection
 * (`cycle: local.a → local.b → local.a`): `var.x`, `local.x`, `resource_type.name` (its configured arguments;
 * what is not configured is computed by the provider, and its `id` carries its address as identity),
 * `module.x` (a local module is evaluated with its inputs and gives its outputs), `data.x.y` (unknown: a data
 * source), `each`, `count`, `path`, `terraform.workspace`. One budget bounds the whole evaluation.
 */
import { hclAttribute, hclBlocks, type HclAttribute, type HclBlock } from '../parse/hcl';
import type { Span } from '../text/span';
import { blockValue, evalBody, MODULE_META, RESOURCE_META, safeEvaluate, short, type EvalBlock } from './blocks';
import { Budget, type EvalContext } from './context';
import { iterate } from './expressions';
import { joinPath } from './paths';
import { BudgetError, EvalError, NULL, list, map, num, str, unknown, type Val } from './values';
import { convert } from './types';
import { localSource, sourceKind, type TfFolder, type TfWorld } from './world';

interface Decl<T> {
  node: T;
  path: string;
}

/** One instance of a resource (or module call): its key (`count.index` or `each.key`), address and body. */
export interface Instance {
  key?: Val;
  /** the element it was made from (`each.value`), with its provenance */
  value?: Val;
  /** its `lifecycle { precondition { … } }` blocks evaluated (on demand: only a fix checking its edit asks) */
  preconditions?: () => Precondition[];
  address: string;
  block: EvalBlock;
}

/** A precondition of an instance: does its condition hold (undefined: unknown), and its error message. */
export interface Precondition {
  holds: boolean | undefined;
  message: string;
}

/** A resource block evaluated: its instances; `generatedAt`: the `for_each`/`count` that made them; why unknown. */
export interface ResourceInstances {
  type: string;
  name: string;
  /** `type.name`, with the module path before it in a called module (`module.network.type.name`) */
  address: string;
  path: string;
  block: HclBlock;
  instances: Instance[];
  generatedAt?: Span;
  /** the `for_each`/`count` could not be evaluated: one instance was read, with `each`/`count` unknown */
  reason?: string;
}

/** The instances a `count`/`for_each` makes: the bindings of each, where it is, why it is unknown (if it is). */
interface Repetition {
  each: { key?: Val; value?: Val; bindings: Map<string, Val>; suffix: string }[];
  at?: Span;
  reason?: string;
}

export class ModuleInstance {
  private readonly variables = new Map<string, Decl<HclBlock>>();
  private readonly locals = new Map<string, Decl<HclAttribute>>();
  private readonly resources = new Map<string, Decl<HclBlock>>();
  private readonly dataSources = new Set<string>();
  private readonly calls = new Map<string, Decl<HclBlock>>();
  private readonly outputs = new Map<string, Decl<HclBlock>>();
  private readonly cache = new Map<string, Val>();
  private readonly stack: string[] = [];
  private readonly resourceCache = new Map<string, ResourceInstances>();
  private readonly childCache = new Map<string, { children: { key?: Val; module: ModuleInstance }[]; value: Val }>();

  constructor(
    private readonly world: TfWorld,
    readonly folder: TfFolder,
    private readonly inputs: ReadonlyMap<string, Val> | null,
    /** `''` for a root module, else `module.a.module.b.` */
    readonly prefix: string,
    private readonly rootFolder: string,
    private readonly chain: readonly string[],
    readonly budget: Budget,
  ) {
    for (const f of folder.files) {
      for (const b of f.body.blocks) {
        const l = b.labels.map((x) => x.value);
        if (b.type === 'variable' && l.length === 1) this.variables.set(l[0], { node: b, path: f.path });
        else if (b.type === 'locals') for (const a of b.body.attributes) this.locals.set(a.name, { node: a, path: f.path });
        else if (b.type === 'resource' && l.length === 2) this.resources.set(`${l[0]}.${l[1]}`, { node: b, path: f.path });
        else if (b.type === 'data' && l.length === 2) this.dataSources.add(`${l[0]}.${l[1]}`);
        else if (b.type === 'module' && l.length === 1) this.calls.set(l[0], { node: b, path: f.path });
        else if (b.type === 'output' && l.length === 1) this.outputs.set(l[0], { node: b, path: f.path });
      }
    }
  }

  /** The context an expression of `path` is evaluated in, with `bindings` (`each`, `count`). */
  context(path: string, bindings: ReadonlyMap<string, Val> = new Map()): EvalContext {
    return {
      path,
      bindings,
      lookup: (root, names, span) => this.lookup(root, names, span),
      readFile: (rel) => {
        const p = joinPath(this.rootFolder, rel);
        return p === undefined ? undefined : this.world.readFile(p);
      },
      budget: this.budget,
    };
  }

  private named(key: string, compute: () => Val): Val {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const at = this.stack.indexOf(key);
    if (at >= 0) return unknown(`cycle: ${[...this.stack.slice(at), key].join(' → ')}`);
    this.stack.push(key);
    let v: Val;
    try {
      v = compute();
    } catch (e) {
      if (e instanceof EvalError) v = unknown(`\`${key}\`: ${e.message}`);
      else if (e instanceof BudgetError) v = unknown(e.message);
      else throw e;
    } finally {
      this.stack.pop();
    }
    this.cache.set(key, v);
    return v;
  }

  lookup(root: string, names: readonly string[], _span: Span): { value: Val; used: number } {
    const first = names[0];
    switch (root) {
      case 'var':
        if (first === undefined) throw new EvalError('`var` needs a variable name');
        return { value: this.variable(first), used: 1 };
      case 'local':
        if (first === undefined) throw new EvalError('`local` needs a name');
        return { value: this.local(first), used: 1 };
      case 'module':
        if (first === undefined) throw new EvalError('`module` needs a name');
        return { value: this.moduleValue(first), used: 1 };
      case 'data': {
        const used = Math.min(2, names.length);
        return { value: unknown(`\`data.${names.slice(0, used).join('.')}\` is a data source`), used };
      }
      case 'path':
        if (first === 'module') return { value: str(relative(this.rootFolder, this.folder.path)), used: 1 };
        if (first === 'root' || first === 'cwd') return { value: str('.'), used: 1 };
        throw new EvalError(`\`path.${first ?? ''}\` is not a path Terraform knows`);
      case 'terraform':
        if (first === 'workspace') return { value: str('default'), used: 1 };
        return { value: unknown(`\`terraform.${first ?? ''}\` is not evaluated`), used: Math.min(1, names.length) };
      case 'each':
      case 'count':
        throw new EvalError(`\`${root}\` is only valid in a block with ${root === 'each' ? 'for_each' : 'count'}`);
      case 'self':
        return { value: unknown('`self` is only known to provisioners'), used: 0 };
      default:
        if (first !== undefined && this.resources.has(`${root}.${first}`)) return { value: this.resourceValue(`${root}.${first}`), used: 1 };
        if (first !== undefined && root.includes('_')) throw new EvalError(`no resource \`${root}.${first}\` is declared in this module`);
        throw new EvalError(`\`${root}\` is not a name Terraform knows`);
    }
  }

  // -------------------------------------------------------------------------------------------- variables

  variable(name: string): Val {
    return this.named(`var.${name}`, () => {
      const decl = this.variables.get(name);
      const v = this.variableValue(name, decl);
      const type = decl && hclAttribute(decl.node.body, 'type');
      return type ? convert(v, { expr: type.expr.ast, ctx: this.context(decl.path) }, '') : v;
    });
  }

  /** A variable's value as given (an input, a variable file, its default), before its type converts it. */
  private variableValue(name: string, decl: Decl<HclBlock> | undefined): Val {
    if (!decl) {
      const given = this.inputs?.get(name);
      if (given) return given;
      throw new EvalError(`no variable "${name}" is declared`);
    }
    if (this.inputs) {
      const v = this.inputs.get(name);
      if (v) return v;
    } else {
      const files = [...this.folder.varFiles, ...this.world.configVarFiles];
      for (let i = files.length - 1; i >= 0; i--) {
        const v = files[i].values.get(name);
        if (v) return v;
      }
    }
    const def = hclAttribute(decl.node.body, 'default');
    if (def) return safeEvaluate(def.expr, this.context(decl.path));
    return unknown(this.inputs
      ? `\`var.${name}\` has no value: the module call sets no \`${name}\` and the variable has no default`
      : `\`var.${name}\` has no value: no default, and no variable file sets it`);
  }

  local(name: string): Val {
    return this.named(`local.${name}`, () => {
      const decl = this.locals.get(name);
      if (!decl) throw new EvalError(`no local value "${name}" is declared`);
      return safeEvaluate(decl.node.expr, this.context(decl.path));
    });
  }

  output(name: string): Val {
    return this.named(`output.${name}`, () => {
      const decl = this.outputs.get(name);
      const value = decl && hclAttribute(decl.node.body, 'value');
      if (!decl || !value) throw new EvalError(`the module has no output "${name}"`);
      return safeEvaluate(value.expr, this.context(decl.path));
    });
  }

  private outputsValue(): Val {
    return map(new Map([...this.outputs.keys()].map((k) => [k, this.output(k)])));
  }

  // -------------------------------------------------------------------------------- count and for_each

  /** The instances a `count`/`for_each` block makes: its bindings per instance, or why they are unknown. */
  private repetition(block: HclBlock, path: string): Repetition {
    const forEach = hclAttribute(block.body, 'for_each');
    const count = hclAttribute(block.body, 'count');
    const ctx = this.context(path);
    if (forEach) {
      const v = safeEvaluate(forEach.expr, ctx);
      const unknownEach = (reason: string) => ({
        each: [{ bindings: new Map([['each', map(new Map([['key', unknown(reason)], ['value', unknown(reason)]]))]]), suffix: '[?]' }],
        at: forEach.span, reason,
      });
      if (v.k === 'unknown') return unknownEach(v.reason);
      if (v.k !== 'map' && v.k !== 'set') return unknownEach(`\`${short(forEach.expr.text)}\`: for_each needs a map or a set, not ${v.k}`);
      let pairs: [Val, Val][];
      try {
        pairs = iterate(v, ctx);
      } catch (e) {
        if (e instanceof BudgetError || e instanceof EvalError) return unknownEach(e.message);
        throw e;
      }
      return {
        each: pairs.map(([k, x]) => ({ key: k, value: x, bindings: new Map([['each', map(new Map([['key', k], ['value', x]]))]]), suffix: `[${JSON.stringify(k.k === 'string' ? k.v : '?')}]` })),
        at: forEach.span,
      };
    }
    if (count) {
      const v = safeEvaluate(count.expr, ctx);
      const n = v.k === 'number' ? v.v : v.k === 'string' && /^\d+$/.test(v.v) ? Number(v.v) : undefined;
      if (n === undefined || !Number.isInteger(n) || n < 0 || n > this.budget.maxElements) {
        const reason = v.k === 'unknown' ? v.reason : `\`${short(count.expr.text)}\`: count must be a whole number`;
        return { each: [{ bindings: new Map([['count', map(new Map([['index', unknown(reason)]]))]]), suffix: '[?]' }], at: count.span, reason };
      }
      this.budget.size(n, 'count');
      return {
        each: Array.from({ length: n }, (_, i) => ({ key: num(i), bindings: new Map([['count', map(new Map([['index', num(i)]]))]]), suffix: `[${i}]` })),
        at: count.span,
      };
    }
    return { each: [{ bindings: new Map(), suffix: '' }] };
  }

  // -------------------------------------------------------------------------------------------- resources

  /** A resource's instances, evaluated (memoised). */
  resourceInstances(addr: string): ResourceInstances {
    const hit = this.resourceCache.get(addr);
    if (hit) return hit;
    const decl = this.resources.get(addr)!;
    const [type, name] = addr.split('.');
    const rep = this.guard(() => this.repetition(decl.node, decl.path));
    const out: ResourceInstances = { type, name, address: this.prefix + addr, path: decl.path, block: decl.node, instances: [] };
    if (rep.at) out.generatedAt = rep.at;
    if (rep.reason) out.reason = rep.reason;
    this.resourceCache.set(addr, out);
    for (const r of rep.each) {
      const ctx = this.context(decl.path, r.bindings);
      const block = evalBody(decl.node, decl.node.body, ctx, RESOURCE_META);
      const checks = hclBlocks(decl.node.body, 'lifecycle').flatMap((l) => hclBlocks(l.body, 'precondition'));
      const preconditions = checks.length === 0 ? undefined : () => checks.map((c) => this.precondition(c, ctx));
      out.instances.push({ ...(r.key ? { key: r.key } : {}), ...(r.value ? { value: r.value } : {}), ...(preconditions ? { preconditions } : {}), address: this.prefix + addr + r.suffix, block });
    }
    return out;
  }

  private precondition(block: HclBlock, ctx: EvalContext): Precondition {
    const condition = hclAttribute(block.body, 'condition');
    const message = hclAttribute(block.body, 'error_message');
    // (safeEvaluate turns Terraform's errors and a spent budget into unknowns)
    const c = condition ? safeEvaluate(condition.expr, ctx) : undefined;
    const m = message ? safeEvaluate(message.expr, ctx) : undefined;
    return { holds: c?.k === 'bool' ? c.v : undefined, message: m?.k === 'string' ? m.v : message?.expr.text ?? '' };
  }

  private resourceValue(addr: string): Val {
    return this.named(addr, () => {
      const decl = this.resources.get(addr)!;
      const r = this.resourceInstances(addr);
      const count = hclAttribute(decl.node.body, 'count');
      const forEach = hclAttribute(decl.node.body, 'for_each');
      if (r.reason) return unknown(r.reason);
      const values = r.instances.map((i) => blockValue(i.block, i.address));
      if (forEach) return map(new Map(r.instances.map((i, n) => [i.key!.k === 'string' ? (i.key as { v: string }).v : String(n), values[n]])));
      if (count) return list(values);
      return values[0] ?? NULL;
    });
  }

  /** Every resource of these types, in this module and the modules it calls (each instance of each call). */
  collect(types: ReadonlySet<string>, into: ResourceInstances[] = []): ResourceInstances[] {
    for (const addr of this.resources.keys()) {
      if (types.has(addr.split('.')[0])) into.push(this.resourceInstances(addr));
    }
    for (const name of this.calls.keys()) {
      for (const c of this.children(name).children) c.module.collect(types, into);
    }
    return into;
  }

  // ---------------------------------------------------------------------------------------------- modules

  private moduleValue(name: string): Val {
    if (!this.calls.has(name)) throw new EvalError(`no module "${name}" is called in this module`);
    return this.children(name).value;
  }

  /** The instances of a module call (memoised), and the value `module.NAME` has. */
  private children(name: string): { children: { key?: Val; module: ModuleInstance }[]; value: Val } {
    const hit = this.childCache.get(name);
    if (hit) return hit;
    const decl = this.calls.get(name)!;
    const result = this.guardChildren(name, decl);
    this.childCache.set(name, result);
    return result;
  }

  private guardChildren(name: string, decl: Decl<HclBlock>): { children: { key?: Val; module: ModuleInstance }[]; value: Val } {
    const src = hclAttribute(decl.node.body, 'source')?.expr;
    const source = src?.kind === 'string' && typeof src.value === 'string' ? src.value : undefined;
    if (source === undefined) return { children: [], value: unknown(`\`module.${name}\` has no literal source`) };
    const folderPath = localSource(this.folder.path, source);
    if (folderPath === undefined) return { children: [], value: unknown(`\`module.${name}\` comes from ${sourceKind(source)} (${short(source)})`) };
    const folder = this.world.folders.get(folderPath);
    if (!folder) return { children: [], value: unknown(`\`module.${name}\`: the folder "${folderPath}" is not in the workspace`) };
    if (this.chain.includes(folderPath)) return { children: [], value: unknown(`\`module.${name}\` calls itself (${[...this.chain, folderPath].join(' → ')})`) };
    const rep = this.guard(() => this.repetition(decl.node, decl.path));
    const children = rep.each.map((r) => {
      const args = evalBody(decl.node, decl.node.body, this.context(decl.path, r.bindings), MODULE_META);
      const inputs = new Map([...args.attrs].map(([k, a]) => [k, a.value]));
      const child = new ModuleInstance(this.world, folder, inputs, `${this.prefix}module.${name}${r.suffix}.`, this.rootFolder, [...this.chain, folderPath], this.budget);
      return { ...(r.key ? { key: r.key } : {}), module: child };
    });
    let value: Val;
    if (rep.reason) value = unknown(rep.reason);
    else if (hclAttribute(decl.node.body, 'for_each')) value = map(new Map(children.map((c) => [c.key!.k === 'string' ? (c.key as { v: string }).v : '?', c.module.outputsValue()])));
    else if (hclAttribute(decl.node.body, 'count')) value = list(children.map((c) => c.module.outputsValue()));
    else value = children[0].module.outputsValue();
    return { children, value };
  }

  private guard(f: () => Repetition): Repetition {
    try {
      return f();
    } catch (e) {
      if (e instanceof BudgetError || e instanceof EvalError) return { each: [], reason: e.message };
      throw e;
    }
  }
}

/** `to` relative to `from` (both workspace-relative folders), as Terraform's `path.module` is. */
function relative(from: string, to: string): string {
  if (from === to) return '.';
  const a = from === '' ? [] : from.split('/');
  const b = to === '' ? [] : to.split('/');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

/** A root module of a world, with a budget of its own (that bounds it and the modules it calls). */
export function rootModule(world: TfWorld, root: string, budget = new Budget(), inputs: ReadonlyMap<string, Val> | null = null): ModuleInstance | undefined {
  const folder = world.folders.get(root);
  return folder ? new ModuleInstance(world, folder, inputs, '', root, [root], budget) : undefined;
}
