/**
 * The literal collections that Terraform rules are made from: a `for_each` (of an NSG rule resource) or a `dynamic`
 * block (of a security list) iterates a map or list written in `locals`, one rule per entry. Here: finding the entry
 * a generated rule came from (by the provenance of its value, else by its key), the map or list that holds it, and
 * writing a new entry in the style of one of its neighbours — the same keys, the same way of writing each value,
 * the `local.*` / `var.*` names the other entries use where they mean the value the new rule needs.
 */
import type { HclExpr, HclObjectItem } from '../parse/hcl/expr-tree';
import type { Protocol, Rule, TerraformElement } from '../sources/model';
import { cidrSource, indentBefore } from '../sources/source-common';
import { parseCached } from '../sources/terraform';
import type { Span } from '../text/span';

/** The map (object constructor) or list (tuple) of a `locals` value that holds rules' entries. */
export interface Collection {
  path: string;
  /** the local whose value holds it */
  local: string;
  node: Extract<HclExpr, { t: 'object' } | { t: 'tuple' }>;
  /** it is a branch of a conditional: what is added to it is there only when the condition says so */
  conditional: boolean;
}

/** An entry of a collection that an evaluated rule came from. */
export interface Entry {
  collection: Collection;
  /** its index in the collection */
  index: number;
  /** the entry's value: an object constructor */
  value: Extract<HclExpr, { t: 'object' }>;
  /** the rule it made */
  rule: Rule;
}

/** A rule made from an element, and the file of the resource that made it. */
export interface Site {
  resourcePath: string;
  element: TerraformElement;
  rule: Rule;
}

/** The text of a key written as a literal (`a`, `"a"`), else undefined. */
export function literalKey(e: HclExpr): string | undefined {
  if (e.t === 'literal') return typeof e.value === 'string' ? e.value : undefined;
  if (e.t === 'template' && !e.heredoc && e.parts.every((p) => p.t === 'text')) return e.parts.map((p) => (p as { value: string }).value).join('');
  return undefined;
}

/** Every object constructor and tuple in an expression, with the expression tree walked to a bounded depth. */
function collections(e: HclExpr, visit: (c: Collection['node'], conditional: boolean) => void, cond = false, depth = 0): void {
  if (depth > 40) return;
  const d = depth + 1;
  switch (e.t) {
    case 'object':
      visit(e, cond);
      for (const i of e.items) { collections(i.key, visit, cond, d); collections(i.value, visit, cond, d); }
      return;
    case 'tuple':
      visit(e, cond);
      for (const i of e.items) collections(i, visit, cond, d);
      return;
    case 'call': for (const a of e.args) collections(a, visit, cond, d); return;
    case 'conditional': collections(e.then, visit, true, d); collections(e.else, visit, true, d); return;
    case 'for': collections(e.collection, visit, cond, d); return;
    case 'binary': collections(e.left, visit, cond, d); collections(e.right, visit, cond, d); return;
    default: return;
  }
}

/** The collections written in the `locals` blocks of a file. */
function localsCollections(path: string, text: string): Collection[] {
  const out: Collection[] = [];
  for (const b of parseCached(text).body.blocks) {
    if (b.type !== 'locals') continue;
    for (const a of b.body.attributes) collections(a.expr.ast, (node, conditional) => out.push({ path, local: a.name, node, conditional }));
  }
  return out;
}

const sameSpan = (a: Span, b: Span) => a.start === b.start && a.end === b.end;

/**
 * The entries the sites' rules came from: by the provenance of the element's value (the span of an object
 * constructor inside a collection of `locals`), else by a string key that a map of the resource's folder writes
 * literally. `texts` gives a file's text (undefined: not in the workspace).
 */
export function entriesOf(sites: readonly Site[], texts: (path: string) => string | undefined, folderFiles: (dir: string) => string[]): Entry[] {
  const cache = new Map<string, Collection[]>();
  const collectionsOf = (path: string): Collection[] => {
    let c = cache.get(path);
    if (!c) {
      const t = texts(path);
      cache.set(path, (c = t === undefined ? [] : localsCollections(path, t)));
    }
    return c;
  };
  const out: Entry[] = [];
  const seen = new Set<string>();
  const add = (collection: Collection, index: number, rule: Rule) => {
    const value = collection.node.t === 'object' ? collection.node.items[index].value : collection.node.items[index];
    const id = `${collection.path}:${value.span.start}`;
    if (value.t !== 'object' || seen.has(id)) return;
    seen.add(id);
    out.push({ collection, index, value, rule });
  };
  for (const s of sites) {
    const from = s.element.from;
    let found = false;
    if (from) {
      for (const c of collectionsOf(from.path)) {
        const i = c.node.t === 'object' ? c.node.items.findIndex((x) => sameSpan(x.value.span, from.span)) : c.node.items.findIndex((x) => sameSpan(x.span, from.span));
        if (i >= 0) { add(c, i, s.rule); found = true; break; }
      }
    }
    if (found || typeof s.element.key !== 'string') continue;
    const dir = s.resourcePath.includes('/') ? s.resourcePath.slice(0, s.resourcePath.lastIndexOf('/')) : '';
    for (const p of folderFiles(dir)) {
      const c = collectionsOf(p).find((x) => x.node.t === 'object' && x.node.items.some((i) => literalKey(i.key) === s.element.key && i.value.t === 'object'));
      if (c && c.node.t === 'object') { add(c, c.node.items.findIndex((i) => literalKey(i.key) === s.element.key && i.value.t === 'object'), s.rule); break; }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ roles

/** What an entry's key means for the rule it makes, by its name. */
type Role = 'protocol' | 'port' | 'min' | 'max' | 'source' | 'sourceType' | 'description' | 'direction' | 'stateless';
const ROLE_NAMES: ReadonlyMap<string, Role> = new Map([
  ['protocol', 'protocol'], ['proto', 'protocol'],
  ['port', 'port'],
  ['port_min', 'min'], ['min_port', 'min'], ['min', 'min'], ['from_port', 'min'], ['destination_port_min', 'min'], ['port_from', 'min'],
  ['port_max', 'max'], ['max_port', 'max'], ['max', 'max'], ['to_port', 'max'], ['destination_port_max', 'max'], ['port_to', 'max'],
  ['source', 'source'], ['cidr', 'source'], ['source_cidr', 'source'], ['cidr_block', 'source'], ['source_cidr_block', 'source'],
  ['source_type', 'sourceType'],
  ['description', 'description'],
  ['direction', 'direction'],
  ['stateless', 'stateless'],
]);
const EGRESS_KEYS = new Set(['destination', 'destination_type', 'destination_cidr', 'destination_cidr_block']);

/** Values of the same kind share names: a port's name may serve a range's end. */
type Family = 'protocol' | 'port' | 'source' | 'sourceType' | 'direction';
const FAMILY: Partial<Record<Role, Family>> = { protocol: 'protocol', port: 'port', min: 'port', max: 'port', source: 'source', sourceType: 'sourceType', direction: 'direction' };

function roleOf(item: HclObjectItem): Role | undefined {
  const k = literalKey(item.key);
  return k === undefined ? undefined : ROLE_NAMES.get(k.toLowerCase());
}

function keysOf(value: Extract<HclExpr, { t: 'object' }>): Set<string> {
  return new Set(value.items.map((i) => literalKey(i.key)?.toLowerCase() ?? ''));
}

/** The rule a new entry must make. */
export interface NewEntryRule {
  protocol: Protocol;
  range: { min: number; max: number };
  source: string;
  description: string;
}

export const PROTOCOL_NUMBER: Record<Protocol, string> = { TCP: '6', UDP: '17', SCTP: '132' };

/**
 * How like the new rule an entry is (higher: more), or null when its keys cannot say the new rule (a range with
 * only a `port` key, an egress entry): keys that say its ports, a CIDR source, a collection that is always there
 * (not a branch of a conditional, whose entries exist only while its condition holds), the same protocol.
 */
export function likeness(e: Entry, r: NewEntryRule): number | null {
  const keys = keysOf(e.value);
  if ([...keys].some((k) => EGRESS_KEYS.has(k))) return null;
  const roles = new Set(e.value.items.map(roleOf));
  const single = r.range.min === r.range.max;
  const hasRange = roles.has('min') && roles.has('max');
  if (!single && !hasRange) return null;
  let score = 0;
  if (single ? roles.has('port') : hasRange) score += 4;
  if (e.rule.source.kind === 'cidr' || e.rule.source.kind === 'any') score += 3;
  if (!e.collection.conditional) score += 3;
  if (e.rule.protocol.kind === 'one' && e.rule.protocol.protocol === r.protocol) score += 2;
  if (e.rule.ports.kind === 'ranges' && e.rule.ports.ranges.length === 1 && (e.rule.ports.ranges[0].min === e.rule.ports.ranges[0].max) === single) score += 1;
  return score;
}

/** What the names written in a collection mean: from the rules its entries made, and from literal locals. */
export class Meanings {
  private readonly known = new Map<string, string>();

  constructor(entries: readonly Entry[], literals: ReadonlyMap<string, string | number>) {
    for (const [name, v] of literals) this.known.set(`*|local.${name}`, String(v));
    for (const e of entries) {
      const r = e.rule;
      const range = r.ports.kind === 'ranges' && r.ports.ranges.length === 1 ? r.ports.ranges[0] : undefined;
      for (const item of e.value.items) {
        const role = roleOf(item);
        const name = referenceName(item.value);
        if (!role || !name) continue;
        let meaning: string | undefined;
        if (role === 'protocol' && r.protocol.kind === 'one') meaning = PROTOCOL_NUMBER[r.protocol.protocol];
        else if (role === 'port' && range && range.min === range.max) meaning = String(range.min);
        else if (role === 'min' && range) meaning = String(range.min);
        else if (role === 'max' && range) meaning = String(range.max);
        else if (role === 'source' && r.source.kind === 'cidr') meaning = r.source.cidr;
        if (meaning !== undefined) this.known.set(`${FAMILY[role]}|${name}`, meaning);
      }
    }
  }

  /** Does `name` mean `value` (as a value of this family)? */
  means(family: Family, name: string, value: string): boolean {
    const m = this.known.get(`${family}|${name}`) ?? this.known.get(`*|${name}`);
    if (m === undefined) return false;
    if (family === 'source') {
      const a = cidrSource(m);
      const b = cidrSource(value);
      return a.kind === 'cidr' && b.kind === 'cidr' && a.cidr === b.cidr;
    }
    return m === value;
  }
}

/** The entries of a collection that are written as object constructors. */
export function objectValues(c: Collection): Extract<HclExpr, { t: 'object' }>[] {
  const values = c.node.t === 'object' ? c.node.items.map((i) => i.value) : c.node.items;
  return values.filter((v): v is Extract<HclExpr, { t: 'object' }> => v.t === 'object');
}

/** `local.x` / `var.x` as written, else undefined. */
function referenceName(e: HclExpr): string | undefined {
  if (e.t === 'attr' && e.object.t === 'variable' && (e.object.name === 'local' || e.object.name === 'var')) return `${e.object.name}.${e.name}`;
  return undefined;
}

// ------------------------------------------------------------------------------------------------ writing

/** What a role's value is for the new rule: its text as a literal in the model's manner, and its family's value. */
function wanted(role: Role, r: NewEntryRule, model: HclExpr, quote: (s: string) => string): { value: string; literal: string } | undefined {
  switch (role) {
    case 'protocol': {
      const n = PROTOCOL_NUMBER[r.protocol];
      return { value: n, literal: model.t === 'literal' && typeof model.value === 'number' ? n : quote(n) };
    }
    case 'port': return { value: String(r.range.min), literal: String(r.range.min) };
    case 'min': return { value: String(r.range.min), literal: String(r.range.min) };
    case 'max': return { value: String(r.range.max), literal: String(r.range.max) };
    case 'source': return { value: r.source, literal: quote(r.source) };
    case 'sourceType': return { value: 'CIDR_BLOCK', literal: quote('CIDR_BLOCK') };
    case 'description': return { value: r.description, literal: quote(r.description) };
    case 'direction': return { value: 'INGRESS', literal: quote('INGRESS') };
    case 'stateless': return { value: 'false', literal: 'false' };
  }
}

/**
 * The value of a new entry, written as `model` is (its text, with the value of every key that says part of the
 * rule replaced; other keys kept as the model writes them): a name another entry (of the collection, else of the
 * collections the same rules come from) uses for the same key where it means the value the new rule needs, else a
 * literal. Continuation lines move from the model's
 * indentation to `indent`.
 */
export function entryValueText(text: string, model: Entry, r: NewEntryRule, meanings: Meanings, indent: string, quote: (s: string) => string, others: readonly Collection[]): string {
  const value = model.value;
  const replacements: { span: Span; text: string }[] = [];
  for (const item of value.items) {
    const role = roleOf(item);
    if (!role) continue;
    const w = wanted(role, r, item.value, quote);
    if (!w) continue;
    const family = FAMILY[role];
    let chosen: string | undefined;
    if (family) {
      const key = literalKey(item.key);
      // names the entries write for this key: the model's, its collection's, then those of the collections merged with it
      const names = [referenceName(item.value), ...[model.collection, ...others].flatMap(objectValues).flatMap((v) => v.items.filter((i) => literalKey(i.key) === key).map((i) => referenceName(i.value)))];
      chosen = names.find((n): n is string => n !== undefined && meanings.means(family, n, w.value));
    }
    replacements.push({ span: item.value.span, text: chosen ?? w.literal });
  }
  replacements.sort((a, b) => a.span.start - b.span.start);
  let out = '';
  let pos = value.span.start;
  for (const x of replacements) {
    out += text.slice(pos, x.span.start) + x.text;
    pos = x.span.end;
  }
  out += text.slice(pos, value.span.end);
  const start = model.collection.node.t === 'object' ? model.collection.node.items[model.index].span.start : value.span.start;
  const modelIndent = indentBefore(text, start);
  if (modelIndent === null || modelIndent === indent) return out;
  return out.split('\n').map((line, i) => (i > 0 && line.startsWith(modelIndent) ? indent + line.slice(modelIndent.length) : line)).join('\n');
}
