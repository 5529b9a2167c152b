/**
 * A resource while a kustomization is built: its tree (in the build's offset space) and the names and namespaces
 * it had before the transformers changed them — patches, targets and name references find an object by any of
 * them, as kustomize does.
 */
import type { YMap } from '../parse/yaml';
import { asMap, getValue } from '../parse/yaml';
import type { Selector } from './kustomization';
import { textOf } from './vtree';

export interface ResId {
  name: string | undefined;
  namespace: string | undefined;
}

export interface Resource {
  root: YMap;
  /** the names and namespaces it had before (the first is where it was written) */
  previous: ResId[];
  /** the file it was written in */
  file: string;
}

export function apiVersionOf(r: Resource): string | undefined {
  return textOf(getValue(r.root, 'apiVersion'));
}

export function kindOf(r: Resource): string | undefined {
  return textOf(getValue(r.root, 'kind'));
}

export function metadataOf(r: Resource): YMap | null {
  return asMap(getValue(r.root, 'metadata'));
}

export function currentId(r: Resource): ResId {
  const m = metadataOf(r);
  return { name: textOf(getValue(m, 'name')), namespace: textOf(getValue(m, 'namespace')) };
}

/** Every id it had, the current one last. */
export function allIds(r: Resource): ResId[] {
  return [...r.previous, currentId(r)];
}

/** Remembers the current id before a transformer changes it. */
export function remember(r: Resource): void {
  r.previous.push(currentId(r));
}

const effective = (ns: string | undefined) => (ns === undefined || ns === '' ? 'default' : ns);

export function groupVersion(apiVersion: string | undefined): { group: string; version: string } {
  const v = apiVersion ?? '';
  const i = v.indexOf('/');
  return i < 0 ? { group: '', version: v } : { group: v.slice(0, i), version: v.slice(i + 1) };
}

/** `a.name === b.name` in the same namespace (unset counts as `default`). */
export function sameId(a: ResId, b: ResId): boolean {
  return a.name === b.name && effective(a.namespace) === effective(b.namespace);
}

/** Does a patch (apiVersion, kind, name, namespace) name this resource, by any id it had? */
export function namedBy(r: Resource, patch: YMap): boolean {
  const kind = textOf(getValue(patch, 'kind'));
  if (kind !== undefined && kind !== kindOf(r)) return false;
  const gv = groupVersion(textOf(getValue(patch, 'apiVersion')));
  const own = groupVersion(apiVersionOf(r));
  if (gv.group !== own.group) return false;
  const id: ResId = { name: textOf(getValue(asMap(getValue(patch, 'metadata')), 'name')), namespace: textOf(getValue(asMap(getValue(patch, 'metadata')), 'namespace')) };
  return allIds(r).some((x) => x.name === id.name && (id.namespace === undefined || effective(x.namespace) === effective(id.namespace)));
}

/** Does a `target` select this resource (kind, group, version exactly; name and namespace as anchored patterns)? */
export function selects(s: Selector, r: Resource): boolean {
  if (s.kind !== undefined && s.kind !== kindOf(r)) return false;
  const gv = groupVersion(apiVersionOf(r));
  if (s.group !== undefined && s.group !== gv.group) return false;
  if (s.version !== undefined && s.version !== gv.version) return false;
  const ids = [r.previous[0] ?? currentId(r), currentId(r)];
  if (s.name !== undefined && !ids.some((id) => matches(s.name!, id.name ?? ''))) return false;
  if (s.namespace !== undefined && !ids.some((id) => matches(s.namespace!, effective(id.namespace)))) return false;
  if (s.labelSelector !== undefined && !labelsMatch(s.labelSelector, asMap(getValue(metadataOf(r), 'labels')))) return false;
  if (s.annotationSelector !== undefined && !labelsMatch(s.annotationSelector, asMap(getValue(metadataOf(r), 'annotations')))) return false;
  return true;
}

function matches(pattern: string, value: string): boolean {
  if (pattern === value) return true;
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

/** An equality-based selector (`a=b,c!=d,e,!f`, `x in (a,b)`) against a label map. */
function labelsMatch(selector: string, labels: YMap | null): boolean {
  const get = (k: string) => textOf(labels?.pairs.find((p) => p.name === k)?.value);
  const has = (k: string) => labels?.pairs.some((p) => p.name === k) ?? false;
  for (const raw of splitSelector(selector)) {
    const term = raw.trim();
    if (term === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term))) {
      const v = get(m[1]);
      if (m[2] === '!=' ? v === m[3] : v !== m[3]) return false;
    } else if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term))) {
      const set = m[3].split(',').map((x) => x.trim());
      const v = get(m[1]);
      if (m[2] === 'in' ? v === undefined || !set.includes(v) : v !== undefined && set.includes(v)) return false;
    } else if (term.startsWith('!')) {
      if (has(term.slice(1))) return false;
    } else if (!has(term)) return false;
  }
  return true;
}

/** Terms of a selector: commas split, except inside `( )`. */
function splitSelector(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}
