/**
 * Evaluates one HCL expression (`HclExpr`) to a value, as Terraform does: literals, templates with interpolation
 * and `%{ if }` / `%{ for }` directives, heredocs, operators, conditionals, `for` expressions (list and map forms,
 * `if` filters, grouping `...`), splats, index and attribute access, and function calls (`functions.ts`).
 * Names are resolved through the `EvalContext` (`scope.ts` builds it for a module): local bindings (`for`
 * variables, `each`, `count`, a `dynamic` block's iterator) first, then the module's namespaces. An operand that
 * is unknown makes the result unknown with its reason; a Terraform error (a wrong type, a missing key) is thrown
 * as `EvalError` (`try` and `can` catch it); the context's budget bounds the work (`BudgetError`).
 */
import type { HclExpr, SplatStep, TemplatePart } from '../parse/hcl';
import type { Span } from '../text/span';
import { withBindings, type EvalContext } from './context';
import { callFunction } from './functions';
import { templateFileExpr } from './template-file';
import {
  BudgetError, EvalError, NULL, asNumber, asString, bool, elements, equal, firstUnknown, list, map, num, str, toBool, toNum, typeName,
  unknown, type Provenance, type Val,
} from './values';

export function evaluate(e: HclExpr, ctx: EvalContext): Val {
  const b = ctx.budget;
  b.tick();
  if (++b.depth > b.maxDepth) {
    b.depth--;
    throw new BudgetError(`the expression is nested deeper than ${b.maxDepth} levels`);
  }
  try {
    return evaluateNode(e, ctx);
  } finally {
    b.depth--;
  }
}

function from(ctx: EvalContext, span: Span): Provenance {
  return { path: ctx.path, span };
}

function evaluateNode(e: HclExpr, ctx: EvalContext): Val {
  switch (e.t) {
    case 'literal':
      if (e.value === null) return NULL;
      if (typeof e.value === 'string') return str(e.value, from(ctx, e.span));
      if (typeof e.value === 'number') return num(e.value, from(ctx, e.span));
      return { k: 'bool', v: e.value, from: from(ctx, e.span) };
    case 'template':
      return template(e.parts, ctx, e.span);
    case 'tuple': {
      const items = e.items.map((x) => evaluate(x, ctx));
      return { k: 'list', items, from: from(ctx, e.span) };
    }
    case 'object': {
      const entries = new Map<string, Val>();
      for (const item of e.items) {
        const k = evaluate(item.key, ctx);
        if (k.k === 'unknown') return unknown(k.reason);
        const key = asString(k);
        if (key === undefined) throw new EvalError(`an object key must be a string, not ${typeName(k)}`);
        entries.set(key, evaluate(item.value, ctx));
      }
      return { ...map(entries), from: from(ctx, e.span) };
    }
    case 'variable':
    case 'attr':
    case 'index':
      return traversal(e, ctx);
    case 'call':
      return call(e, ctx);
    case 'for':
      return forExpr(e, ctx);
    case 'unary': {
      const v = evaluate(e.operand, ctx);
      if (v.k === 'unknown') return v;
      return e.op === '-' ? num(-toNum(v, 'the operand of -')) : bool(!toBool(v, 'the operand of !'));
    }
    case 'binary':
      return binary(e.op, e.left, e.right, ctx);
    case 'conditional': {
      const c = evaluate(e.cond, ctx);
      if (c.k === 'unknown') return c;
      return evaluate(toBool(c, 'the condition') ? e.then : e.else, ctx);
    }
    case 'splat':
      return splat(e.object, e.steps, ctx);
    case 'invalid':
      throw new EvalError(`the expression ${JSON.stringify(e.text.slice(0, 40))} could not be read`);
  }
}

// ----------------------------------------------------------------------------------------------- names

/** `a.b[0].c`: the root name and its leading static names go to the context; the rest is applied here. */
function traversal(e: HclExpr, ctx: EvalContext): Val {
  const steps: HclExpr[] = [];
  let root: HclExpr = e;
  while (root.t === 'attr' || root.t === 'index') {
    steps.unshift(root);
    root = root.object;
  }
  if (root.t !== 'variable') {
    let v = evaluate(root, ctx);
    for (const s of steps) v = step(v, s, ctx);
    return v;
  }
  let value: Val;
  let used = 0;
  const bound = ctx.bindings.get(root.name);
  if (bound) value = bound;
  else {
    const names: string[] = [];
    for (const s of steps) {
      if (s.t === 'attr') names.push(s.name);
      else if (s.t === 'index' && s.key.t === 'literal' && typeof s.key.value === 'string') names.push(s.key.value);
      else break;
    }
    const r = ctx.lookup(root.name, names, e.span);
    value = r.value;
    used = r.used;
  }
  for (const s of steps.slice(used)) value = step(value, s, ctx);
  return value;
}

function step(v: Val, s: HclExpr, ctx: EvalContext): Val {
  if (s.t === 'attr') return getAttr(v, s.name);
  if (s.t === 'index') return getIndex(v, evaluate(s.key, ctx));
  return v;
}

export function getAttr(v: Val, name: string): Val {
  if (v.k === 'unknown') return unknown(v.reason);
  if (v.k === 'map') {
    const x = v.entries.get(name);
    if (x) return x;
    if (v.resource) {
      return name === 'id'
        ? unknown(`\`${v.resource}.id\` is computed by the provider`, v.resource)
        : unknown(`\`${v.resource}.${name}\` is computed by the provider`);
    }
    throw new EvalError(`the object has no attribute "${name}"`);
  }
  if (v.k === 'null') throw new EvalError(`attempt to get attribute "${name}" from a null value`);
  throw new EvalError(`a ${typeName(v)} has no attribute "${name}"`);
}

export function getIndex(v: Val, key: Val): Val {
  if (v.k === 'unknown') return unknown(v.reason);
  if (key.k === 'unknown') return unknown(key.reason);
  if (v.k === 'list' || v.k === 'set') {
    if (v.k === 'set') throw new EvalError('a set has no index: convert it with tolist()');
    const i = asNumber(key);
    if (i === undefined || !Number.isInteger(i)) throw new EvalError('a list index must be a whole number');
    if (i < 0 || i >= v.items.length) throw new EvalError(`the index ${i} is out of range (the list has ${v.items.length} elements)`);
    return v.items[i];
  }
  if (v.k === 'map') {
    const k = asString(key);
    if (k === undefined) throw new EvalError('a map key must be a string');
    return getAttr(v, k);
  }
  throw new EvalError(`a ${typeName(v)} cannot be indexed`);
}

// ------------------------------------------------------------------------------------------- operators

function binary(op: string, l: HclExpr, r: HclExpr, ctx: EvalContext): Val {
  const a = evaluate(l, ctx);
  const b = evaluate(r, ctx);
  if (op === '&&' || op === '||') {
    const known = (x: Val) => (x.k === 'unknown' ? undefined : toBool(x, `the operand of ${op}`));
    const x = known(a);
    const y = known(b);
    if (op === '&&') {
      if (x === false || y === false) return bool(false);
    } else if (x === true || y === true) return bool(true);
    if (x === undefined) return unknown((a as { reason: string }).reason);
    if (y === undefined) return unknown((b as { reason: string }).reason);
    return bool(op === '&&' ? x && y : x || y);
  }
  if (op === '==' || op === '!=') {
    const u = firstUnknown(a) ?? firstUnknown(b);
    if (u) return unknown(u.reason);
    const eq = looseEqual(a, b);
    return bool(op === '==' ? eq : !eq);
  }
  if (a.k === 'unknown') return unknown(a.reason);
  if (b.k === 'unknown') return unknown(b.reason);
  const x = toNum(a, `the left operand of ${op}`);
  const y = toNum(b, `the right operand of ${op}`);
  switch (op) {
    case '+': return num(x + y);
    case '-': return num(x - y);
    case '*': return num(x * y);
    case '/':
      if (y === 0) throw new EvalError('division by zero');
      return num(x / y);
    case '%':
      if (y === 0) throw new EvalError('modulo by zero');
      return num(x % y);
    case '<': return bool(x < y);
    case '<=': return bool(x <= y);
    case '>': return bool(x > y);
    case '>=': return bool(x >= y);
    default: throw new EvalError(`unknown operator ${op}`);
  }
}

/** `==` between a list literal (a tuple) and a list compares elements; otherwise types must agree. */
function looseEqual(a: Val, b: Val): boolean {
  return equal(a, b);
}

// ------------------------------------------------------------------------------------------- templates

function template(parts: TemplatePart[], ctx: EvalContext, span: Span): Val {
  // a template that is one interpolation is that value, unconverted (`"${var.list}"` is the list)
  if (parts.length === 1 && parts[0].t === 'interp') return evaluate(parts[0].expr, ctx);
  const out = render(parts, ctx);
  return typeof out === 'string' ? str(out, from(ctx, span)) : out;
}

function render(parts: TemplatePart[], ctx: EvalContext): string | Val {
  let s = '';
  for (const p of parts) {
    switch (p.t) {
      case 'text':
        s += p.value;
        break;
      case 'interp': {
        const v = evaluate(p.expr, ctx);
        if (v.k === 'unknown') return unknown(v.reason);
        if (v.k === 'null') throw new EvalError('a template cannot interpolate null');
        s += toStrIn(v);
        break;
      }
      case 'if': {
        const c = evaluate(p.cond, ctx);
        if (c.k === 'unknown') return unknown(c.reason);
        const r = render(toBool(c, 'the %{ if } condition') ? p.then : p.else, ctx);
        if (typeof r !== 'string') return r;
        s += r;
        break;
      }
      case 'for': {
        const coll = evaluate(p.collection, ctx);
        if (coll.k === 'unknown') return unknown(coll.reason);
        for (const [k, v] of iterate(coll, ctx)) {
          const inner = withBindings(ctx, p.keyVar ? [[p.keyVar, k], [p.valueVar, v]] : [[p.valueVar, v]]);
          const r = render(p.body, inner);
          if (typeof r !== 'string') return r;
          s += r;
        }
        break;
      }
    }
    ctx.budget.size(s.length / 64, 'the template');
  }
  return s;
}

function toStrIn(v: Val): string {
  const s = asString(v);
  if (s === undefined) throw new EvalError(`a template cannot interpolate a ${typeName(v)}`);
  return s;
}

// -------------------------------------------------------------------------------------------- for, splat

/** The (key, value) pairs a `for` iterates: a list's indexes, a set's values, a map's keys (in order). */
export function iterate(coll: Val, ctx: EvalContext): [Val, Val][] {
  if (coll.k === 'list') {
    ctx.budget.size(coll.items.length, 'the for expression');
    return coll.items.map((v, i) => [num(i), v]);
  }
  if (coll.k === 'set') {
    ctx.budget.size(coll.items.length, 'the for expression');
    return coll.items.map((v) => [v, v]);
  }
  if (coll.k === 'map') {
    ctx.budget.size(coll.entries.size, 'the for expression');
    return [...coll.entries].map(([k, v]) => [str(k), v]);
  }
  throw new EvalError(`a for expression needs a collection, not ${typeName(coll)}`);
}

function forExpr(e: Extract<HclExpr, { t: 'for' }>, ctx: EvalContext): Val {
  const coll = evaluate(e.collection, ctx);
  if (coll.k === 'unknown') return unknown(coll.reason);
  if (coll.k === 'null') throw new EvalError('a for expression cannot iterate null');
  const items: Val[] = [];
  const entries = new Map<string, Val[]>();
  for (const [k, v] of iterate(coll, ctx)) {
    const inner = withBindings(ctx, e.keyVar ? [[e.keyVar, k], [e.valueVar, v]] : [[e.valueVar, v]]);
    if (e.cond) {
      const c = evaluate(e.cond, inner);
      if (c.k === 'unknown') return unknown(c.reason);
      if (!toBool(c, 'the for condition')) continue;
    }
    if (!e.object) {
      items.push(evaluate(e.value, inner));
      continue;
    }
    const kv = evaluate(e.key!, inner);
    if (kv.k === 'unknown') return unknown(kv.reason);
    const key = asString(kv);
    if (key === undefined) throw new EvalError(`a for expression's key must be a string, not ${typeName(kv)}`);
    const value = evaluate(e.value, inner);
    const had = entries.get(key);
    if (had && !e.group) throw new EvalError(`duplicate key "${key}" in a for expression (use ... to group)`);
    if (had) had.push(value);
    else entries.set(key, [value]);
  }
  if (!e.object) return list(items);
  const out = new Map<string, Val>();
  for (const [k, vs] of entries) out.set(k, e.group ? list(vs) : vs[0]);
  return map(out);
}

function splat(objectExpr: HclExpr, steps: SplatStep[], ctx: EvalContext): Val {
  const v = evaluate(objectExpr, ctx);
  if (v.k === 'unknown') return unknown(v.reason);
  const apply = (x: Val): Val => {
    let y = x;
    for (const s of steps) y = s.t === 'attr' ? getAttr(y, s.name) : getIndex(y, evaluate(s.key, ctx));
    return y;
  };
  if (v.k === 'null') return list([]);
  if (v.k === 'list' || v.k === 'set') {
    ctx.budget.size(v.items.length, 'the splat');
    return { k: v.k, items: v.items.map(apply) };
  }
  return list([apply(v)]);
}

// -------------------------------------------------------------------------------------------- functions

function call(e: Extract<HclExpr, { t: 'call' }>, ctx: EvalContext): Val {
  const name = e.name.startsWith('provider::') ? e.name : e.name;
  if (name === 'try') {
    for (const a of e.args) {
      try {
        return evaluate(a, ctx);
      } catch (err) {
        if (!(err instanceof EvalError)) throw err;
      }
    }
    throw new EvalError('no argument of try() could be evaluated');
  }
  if (name === 'can') {
    if (e.args.length !== 1) throw new EvalError('can() takes one argument');
    try {
      const v = evaluate(e.args[0], ctx);
      const u = firstUnknown(v);
      return u ? unknown(u.reason) : bool(true);
    } catch (err) {
      if (!(err instanceof EvalError)) throw err;
      return bool(false);
    }
  }
  if (name === 'templatefile') return templateFile(e, ctx);
  let args = e.args.map((a) => evaluate(a, ctx));
  if (e.expand && args.length > 0) {
    const last = args[args.length - 1];
    if (last.k === 'unknown') return unknown(last.reason);
    args = [...args.slice(0, -1), ...elements(last, 'the expanded argument')];
  }
  return callFunction(name, args, ctx);
}

/** `templatefile(path, vars)`: the file's text as a template, evaluated with only the variables given. */
function templateFile(e: Extract<HclExpr, { t: 'call' }>, ctx: EvalContext): Val {
  if (e.args.length !== 2) throw new EvalError('templatefile() takes 2 arguments');
  const p = evaluate(e.args[0], ctx);
  const vars = evaluate(e.args[1], ctx);
  if (p.k === 'unknown') return unknown(p.reason);
  const u = firstUnknown(vars);
  if (u) return unknown(u.reason);
  const path = asString(p);
  if (path === undefined) throw new EvalError('templatefile(): the path must be a string');
  const text = ctx.readFile(path);
  if (text === undefined) return unknown(`templatefile(${JSON.stringify(path)}): the file is not in the workspace`);
  if (vars.k !== 'map') throw new EvalError(`templatefile(): the variables must be an object, not ${typeName(vars)}`);
  const expr = templateFileExpr(text);
  if (!expr) throw new EvalError('templatefile(): the template could not be read');
  const inner: EvalContext = {
    ...ctx,
    bindings: new Map(vars.entries),
    lookup: (root) => {
      throw new EvalError(`templatefile(): the template has no variable "${root}"`);
    },
    readFile: ctx.readFile,
  };
  const v = evaluate(expr, inner);
  return v.k === 'string' && v.v.endsWith('\n') ? str(v.v.slice(0, -1)) : v;
}
