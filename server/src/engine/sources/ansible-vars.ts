/**
 * The Ansible variables a firewalld task may use, and the Jinja it may use them with: `{{ item }}` (the task's
 * `loop` / `with_items` entry) and `{{ name }}` (a variable of the play's `vars`, the role's `vars/main.yml` or
 * `defaults/main.yml`). Anything else built from variables — filters, attributes, arithmetic, a variable with
 * no definition we can see — is unknown, with the reason in words; never guessed.
 */
import { asMap, asScalar, asSeq, type YNode } from '../parse/yaml';

/** A variable's value: a scalar, or a list of scalars (what a loop goes over). */
export type VarValue = string | number | boolean | null | VarValue[];

export type Vars = ReadonlyMap<string, VarValue>;

/** A YAML node as a variable value (maps are not resolved: undefined). */
export function varValue(n: YNode | null): VarValue | undefined {
  if (!n) return null;
  const s = asScalar(n);
  if (s) return s.template ? undefined : s.value;
  const seq = asSeq(n);
  if (seq) {
    const out: VarValue[] = [];
    for (const i of seq.items) {
      const v = varValue(i);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  return undefined;
}

/** The variables a `vars:` map (or a vars file's root) defines; a value we cannot hold is left out (unknown). */
export function varsOf(n: YNode | null | undefined): Map<string, VarValue> {
  const out = new Map<string, VarValue>();
  for (const p of asMap(n)?.pairs ?? []) {
    const v = varValue(p.value);
    if (v !== undefined) out.set(p.name, v);
  }
  return out;
}

export type Resolved = { value: string } | { reasons: string[] };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A string with Jinja expressions, resolved: each `{{ expr }}` must be a variable name with a scalar value.
 * `{% … %}` statements and `{# … #}` comments are not resolved (unknown).
 */
export function resolveJinja(text: string, vars: Vars): Resolved {
  let out = '';
  const reasons: string[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0 || open + 1 >= text.length) { out += text.slice(i); break; }
    const next = text[open + 1];
    if (next !== '{' && next !== '%' && next !== '#') { out += text.slice(i, open + 1); i = open + 1; continue; }
    out += text.slice(i, open);
    const closer = next === '{' ? '}}' : next + '}';
    const close = text.indexOf(closer, open + 2);
    const inner = close < 0 ? text.slice(open + 2) : text.slice(open + 2, close);
    i = close < 0 ? text.length : close + 2;
    const shown = text.slice(open, i);
    if (next !== '{') { reasons.push(`\`${shown}\` is a Jinja statement, known only when the play runs`); continue; }
    const name = inner.trim();
    if (!NAME.test(name)) { reasons.push(`\`${shown}\` is built from variables, known only when the play runs`); continue; }
    const v = vars.get(name);
    if (v === undefined) { reasons.push(`\`${shown}\`: the variable "${name}" has no definition in the play's vars or the role's defaults/vars`); continue; }
    if (Array.isArray(v) || v === null) { reasons.push(`\`${shown}\`: the variable "${name}" is not a single value`); continue; }
    out += String(v);
  }
  return reasons.length ? { reasons } : { value: out };
}

/** A loop's items: a literal list, or `{{ var }}` naming a list variable; null when there is no loop. */
export function loopItems(n: YNode | null | undefined, vars: Vars): VarValue[] | { reasons: string[] } | null {
  if (n === undefined) return null;
  const seq = asSeq(n);
  if (seq) {
    const out: VarValue[] = [];
    for (const item of seq.items) {
      const s = asScalar(item);
      if (!s) { out.push(null); continue; } // a map item: `{{ item.port }}` is not resolved
      if (!s.template) { out.push(s.value); continue; }
      // `- "{{ list }}"`: with_items flattens a list it is given
      const whole = wholeVar(String(s.value));
      const list = whole !== undefined ? vars.get(whole) : undefined;
      if (Array.isArray(list)) { out.push(...list); continue; }
      const r = resolveJinja(String(s.value), vars);
      if ('reasons' in r) return r;
      out.push(r.value);
    }
    return out;
  }
  const s = asScalar(n);
  if (s && typeof s.value === 'string') {
    const name = wholeVar(s.value);
    const v = name !== undefined ? vars.get(name) : undefined;
    if (Array.isArray(v)) return v;
    return { reasons: [name !== undefined ? `the loop's list "${name}" has no definition in the play's vars or the role's defaults/vars` : `the loop over \`${s.value}\` is built from variables, known only when the play runs`] };
  }
  return { reasons: ['the loop is not a list'] };
}

/** The variable a text names when it is exactly `{{ name }}`. */
function wholeVar(text: string): string | undefined {
  const t = text.trim();
  if (!t.startsWith('{{') || !t.endsWith('}}') || t.indexOf('{{', 2) >= 0) return undefined;
  const name = t.slice(2, -2).trim();
  return NAME.test(name) ? name : undefined;
}
