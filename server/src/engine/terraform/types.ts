/**
 * A variable's value converted to its declared `type`, as Terraform converts it: `number` from `"8080"`, `string`
 * from a number or bool, `bool` from `"true"`; `list(T)`, `set(T)`, `map(T)`, `tuple([…])` element by element;
 * `object({…})` attribute by attribute — an attribute the value lacks is null when it is `optional(T)`, its
 * default (converted) when it is `optional(T, default)`, and an error otherwise; attributes the type does not name
 * are dropped. `any` and a type that is not understood leave the value as it is. Unknowns stay unknown.
 */
import type { HclExpr } from '../parse/hcl';
import type { EvalContext } from './context';
import { evaluate } from './expressions';
import { EvalError, NULL, asNumber, asString, list, makeSet, map, num, str, typeName, type Val } from './values';

/** A type constraint as written: its tree, and the context its `optional` defaults are evaluated in. */
export interface TypeConstraint {
  expr: HclExpr;
  ctx: EvalContext;
}

const MAX_DEPTH = 32;

export function convert(v: Val, t: TypeConstraint, what: string): Val {
  return conv(v, t.expr, t.ctx, what, 0);
}

function conv(v: Val, t: HclExpr, ctx: EvalContext, what: string, depth: number): Val {
  if (v.k === 'unknown' || v.k === 'null' || depth > MAX_DEPTH) return v;
  if (t.t === 'variable') {
    switch (t.name) {
      case 'string': {
        if (v.k === 'string') return v;
        const s = asString(v);
        if (s === undefined) throw new EvalError(`${at(what)}a string is required, not ${typeName(v)}`);
        return str(s, v.from);
      }
      case 'number': {
        if (v.k === 'number') return v;
        const n = v.k === 'string' ? asNumber(v) : undefined;
        if (n === undefined) throw new EvalError(`${at(what)}a number is required, not ${v.k === 'string' ? JSON.stringify(v.v) : typeName(v)}`);
        return num(n, v.from);
      }
      case 'bool': {
        if (v.k === 'bool') return v;
        if (v.k === 'string' && (v.v === 'true' || v.v === 'false')) return { k: 'bool', v: v.v === 'true', ...(v.from ? { from: v.from } : {}) };
        throw new EvalError(`${at(what)}a bool is required, not ${typeName(v)}`);
      }
      default: return v; // any, or a name Terraform would refuse: left as it is
    }
  }
  if (t.t !== 'call') return v;
  const arg = t.args[0];
  const keep = (out: Val): Val => (v.from ? { ...out, from: v.from } : out);
  switch (t.name) {
    case 'list':
    case 'set': {
      if (!arg || (v.k !== 'list' && v.k !== 'set')) {
        if (!arg) return v;
        throw new EvalError(`${at(what)}a ${t.name} is required, not ${typeName(v)}`);
      }
      const items = v.items.map((x, i) => conv(x, arg, ctx, `${what}[${i}]`, depth + 1));
      return keep(t.name === 'set' ? makeSet(items) : list(items));
    }
    case 'map': {
      if (!arg) return v;
      if (v.k !== 'map') throw new EvalError(`${at(what)}a map is required, not ${typeName(v)}`);
      return keep(map(new Map([...v.entries].map(([k, x]) => [k, conv(x, arg, ctx, `${what}["${k}"]`, depth + 1)]))));
    }
    case 'tuple': {
      if (!arg || arg.t !== 'tuple') return v;
      if (v.k !== 'list' || v.items.length !== arg.items.length) throw new EvalError(`${at(what)}a tuple of ${arg.items.length} elements is required`);
      return keep(list(v.items.map((x, i) => conv(x, arg.items[i], ctx, `${what}[${i}]`, depth + 1))));
    }
    case 'object': {
      if (!arg || arg.t !== 'object') return v;
      if (v.k !== 'map') throw new EvalError(`${at(what)}an object is required, not ${typeName(v)}`);
      const out = new Map<string, Val>();
      for (const item of arg.items) {
        const name = attributeName(item.key);
        if (name === undefined) return v;
        const type = item.value;
        const optional = type.t === 'call' && type.name === 'optional' ? type : undefined;
        const inner = optional ? optional.args[0] : type;
        const given = v.entries.get(name);
        if (given !== undefined && given.k !== 'null') out.set(name, inner ? conv(given, inner, ctx, (what ? `${what}.${name}` : name), depth + 1) : given);
        else if (optional) {
          const def = optional.args[1] ? evaluate(optional.args[1], ctx) : NULL;
          out.set(name, inner && def.k !== 'null' ? conv(def, inner, ctx, (what ? `${what}.${name}` : name), depth + 1) : def);
        } else if (given !== undefined) out.set(name, given);
        else throw new EvalError(`${at(what)}attribute "${name}" is required`);
      }
      return keep(map(out));
    }
    default:
      return v;
  }
}

/** Where in the value a complaint is about (nothing at the top). */
function at(what: string): string {
  return what === '' ? '' : `${what}: `;
}

function attributeName(e: HclExpr): string | undefined {
  if (e.t === 'literal' && typeof e.value === 'string') return e.value;
  if (e.t === 'variable') return e.name;
  if (e.t === 'template' && e.parts.every((p) => p.t === 'text')) return e.parts.map((p) => (p as { value: string }).value).join('');
  return undefined;
}
