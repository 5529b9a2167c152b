/**
 * Strategic merge patches as kustomize applies them (its `patchesStrategicMerge` and the map patches of
 * `patches`): maps merge key by key, a `null` value deletes the key, `$patch: delete` deletes the map (a list item,
 * or the whole object), `$patch: replace` puts the patch in its place; a list whose field has merge keys in the
 * schema (`k8s/patch-keys.ts`: Service ports on `port`, containers on `name`, …) merges item by item — the patch's
 * items first, in its order, then the object's items it did not name, as kustomize orders them — and any other list
 * is replaced. A list the schema does not know is merged on `name` when every item has one (kustomize infers
 * that key too). The object is changed in place; patch nodes are copied, so one patch can apply to many objects.
 */
import type { YMap, YNode, YSeq } from '../parse/yaml';
import { rootType, type TypeRef } from '../k8s/schema';
import { fieldType, patchKeysOf } from '../k8s/patch-keys';
import { copyNode, textOf, type Budget } from './vtree';

const DELETE = Symbol('delete');
type Merged = YNode | null | typeof DELETE;

/** Applies a patch to an object's root; false when the patch deletes the object. */
export function strategicMerge(root: YMap, patch: YMap, kind: string | undefined, budget: Budget): boolean {
  const ref = kind ? rootType(kind) : undefined;
  const out = mergeNode(root, withoutId(patch), ref ? { kind: 'object', ref } : undefined, budget);
  if (out === DELETE) return false;
  if (out !== root && out && out.kind === 'map') root.pairs = out.pairs;
  return true;
}

/**
 * The patch less what names its object (kind, apiVersion, metadata.name and namespace): kustomize gives the patch
 * the object's own before it merges, so a patch never renames what it applies to.
 */
function withoutId(patch: YMap): YMap {
  const pairs = patch.pairs.filter((p) => p.name !== 'kind' && p.name !== 'apiVersion').map((p) => {
    if (p.name !== 'metadata' || p.value?.kind !== 'map') return p;
    return { ...p, value: { ...p.value, pairs: p.value.pairs.filter((x) => x.name !== 'name' && x.name !== 'namespace') } };
  });
  return { ...patch, pairs };
}

function directive(m: YMap): string | undefined {
  return textOf(m.pairs.find((p) => p.name === '$patch')?.value);
}

/** A patch node without its directives, copied. */
function clean(n: YNode, budget: Budget): YNode {
  const c = copyNode(n, 0, budget);
  strip(c);
  return c;
}

function strip(n: YNode): void {
  if (n.kind === 'map') {
    n.pairs = n.pairs.filter((p) => !p.name.startsWith('$'));
    for (const p of n.pairs) if (p.value) strip(p.value);
  } else if (n.kind === 'seq') {
    n.items = n.items.filter((i) => !(i?.kind === 'map' && directive(i) !== undefined && i.pairs.length === 1));
    for (const i of n.items) if (i) strip(i);
  }
}

function isNull(n: YNode | null): boolean {
  return !n || (n.kind === 'scalar' && n.value === null);
}

/** `keys`: the merge keys of the list field `patch` is the value of (from the schema), when it is one */
function mergeNode(dest: YNode | null, patch: YNode, type: TypeRef | undefined, budget: Budget, keys?: readonly string[]): Merged {
  if (patch.kind === 'map') {
    const d = directive(patch);
    if (d === 'delete') return DELETE;
    if (d === 'replace') return clean(patch, budget);
    if (!dest || dest.kind !== 'map') return clean(patch, budget);
    for (const p of patch.pairs) {
      if (p.name.startsWith('$')) continue;
      const i = dest.pairs.findIndex((x) => x.name === p.name);
      if (isNull(p.value)) {
        if (i >= 0) dest.pairs.splice(i, 1);
        continue;
      }
      const before = i >= 0 ? dest.pairs[i].value : null;
      const known = fieldType(type, p.name);
      const keys = type?.kind === 'object' ? patchKeysOf(type.ref, p.name) ?? (known ? [] : undefined) : undefined;
      const merged = mergeNode(before, p.value!, known, budget, keys);
      if (merged === DELETE) {
        if (i >= 0) dest.pairs.splice(i, 1);
        continue;
      }
      if (i >= 0) {
        // the value is the patch's when it replaced the base's: the pair then points at the patch
        const replaced = merged !== before;
        dest.pairs[i] = replaced ? { ...dest.pairs[i], key: { ...p.key }, value: merged, span: p.span } : dest.pairs[i];
      } else {
        dest.pairs.push({ key: { ...p.key }, name: p.name, value: merged, span: p.span });
      }
    }
    return dest;
  }
  if (patch.kind === 'seq') {
    if (!dest || dest.kind !== 'seq') return clean(patch, budget);
    return mergeList(dest, patch, type, budget, keys);
  }
  return copyNode(patch, 0, budget);
}

/** `schemaKeys`: [] when the schema knows the list and it has no merge keys (replaced), undefined when unknown */
function mergeList(dest: YSeq, patch: YSeq, type: TypeRef | undefined, budget: Budget, schemaKeys: readonly string[] | undefined): YNode {
  if (patch.items.some((i) => i?.kind === 'map' && directive(i) === 'replace' && i.pairs.length === 1)) return clean(patch, budget);
  const itemType = type?.kind === 'array' ? type.items : undefined;
  const keys = schemaKeys ?? inferredKeys(dest, patch);
  if (keys.length === 0) return clean(patch, budget);
  const out: (YNode | null)[] = [];
  const used = new Set<YNode>();
  for (const item of patch.items) {
    if (!item || item.kind !== 'map') continue;
    const match = dest.items.find((d) => d?.kind === 'map' && !used.has(d) && sameItem(d, item, keys)) as YMap | undefined;
    if (match) used.add(match);
    const merged = mergeNode(match ?? null, item, itemType, budget);
    if (merged === DELETE || !merged) continue;
    out.push(merged);
  }
  // a patch item that deletes names an item, and so does one that merges: the others follow in their order
  for (const d of dest.items) if (!d || !used.has(d)) out.push(d);
  return { ...dest, items: out };
}

/** The key of a list the schema does not know: `name` when every item has one ([]: replaced, not merged). */
function inferredKeys(dest: YSeq, patch: YSeq): readonly string[] {
  const all = [...dest.items, ...patch.items].filter((i) => !(i?.kind === 'map' && directive(i) !== undefined && i.pairs.length === 1));
  if (all.length > 0 && all.every((i) => i?.kind === 'map' && (i.pairs.some((p) => p.name === 'name') || directive(i) !== undefined))) return ['name'];
  return [];
}

/** Two items are the same when the keys both set are equal, and they share at least one. */
function sameItem(a: YMap, b: YMap, keys: readonly string[]): boolean {
  let common = false;
  for (const k of keys) {
    const x = textOf(a.pairs.find((p) => p.name === k)?.value);
    const y = textOf(b.pairs.find((p) => p.name === k)?.value);
    if (x === undefined || y === undefined) continue;
    if (x !== y) return false;
    common = true;
  }
  return common;
}
