/**
 * The trees a build works on. Every file a build reads gets a segment of one offset space (`Segments`): its nodes
 * are copied with their spans moved by the segment's start, so that a built object — whose values may come from a
 * base, a patch and the kustomization — is one tree of ordinary nodes in which every span still says which file
 * and which bytes the value came from (`Segments.origin`). Values a transformer makes (a prefixed name, a label)
 * take the span of what set them (the base's name, the kustomization's label entry).
 */
import type { Span } from '../text/span';
import type { ScalarValue, YMap, YNode, YPair, YScalar, YSeq } from '../parse/yaml';

export interface Origin {
  path: string;
  span: Span;
}

/** One offset space for the files of a build: each file a segment, in the order they were first read. */
export class Segments {
  private readonly list: { path: string; start: number; length: number }[] = [];
  private readonly byPath = new Map<string, number>();
  private next = 0;

  /** Where a file's segment starts (given one on first use). */
  start(path: string, length: number): number {
    let at = this.byPath.get(path);
    if (at === undefined) {
      at = this.next;
      this.byPath.set(path, at);
      this.list.push({ path, start: at, length });
      this.next = at + length + 1;
    }
    return at;
  }

  /** The file and its own span behind a span of the build (undefined: not in any segment). */
  origin(span: Span): Origin | undefined {
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.list[mid];
      if (span.start < s.start) hi = mid - 1;
      else if (span.start > s.start + s.length) lo = mid + 1;
      else {
        const end = Math.min(Math.max(span.end, span.start), s.start + s.length);
        return { path: s.path, span: { start: span.start - s.start, end: end - s.start } };
      }
    }
    return undefined;
  }
}

/** Counts the nodes a build copies: evaluation is bounded. */
export class Budget {
  used = 0;
  constructor(readonly limit: number) {}
  charge(n = 1): void {
    this.used += n;
    if (this.used > this.limit) throw new BuildError(`the build makes more than ${this.limit.toLocaleString('en-US')} YAML nodes`);
  }
}

/** Why a kustomization cannot be built (thrown inside the builder, caught at its door). */
export class BuildError extends Error {
  constructor(message: string, readonly at?: Span) {
    super(message);
  }
}

const shifted = (s: Span, by: number): Span => ({ start: s.start + by, end: s.end + by });

/** A deep copy of a node, its spans moved by `by` (0: the same spans). */
export function copyNode(n: YNode, by: number, budget: Budget): YNode {
  budget.charge();
  if (n.kind === 'scalar') return { ...n, span: shifted(n.span, by) };
  if (n.kind === 'seq') return { ...n, span: shifted(n.span, by), items: n.items.map((i) => (i ? copyNode(i, by, budget) : null)) };
  return { ...n, span: shifted(n.span, by), pairs: n.pairs.map((p) => copyPair(p, by, budget)) };
}

export function copyPair(p: YPair, by: number, budget: Budget): YPair {
  return { key: { ...p.key, span: shifted(p.key.span, by) }, name: p.name, value: p.value ? copyNode(p.value, by, budget) : null, span: shifted(p.span, by) };
}

export function scalar(value: ScalarValue, span: Span): YScalar {
  return { kind: 'scalar', value, span, style: 'plain', template: false };
}

export function emptyMap(span: Span): YMap {
  return { kind: 'map', pairs: [], span, flow: false, templated: false };
}

export function emptySeq(span: Span): YSeq {
  return { kind: 'seq', items: [], span, flow: false, templated: false };
}

export function pairOf(name: string, keySpan: Span, value: YNode | null): YPair {
  return { key: scalar(name, keySpan), name, value, span: { start: keySpan.start, end: value ? Math.max(value.span.end, keySpan.end) : keySpan.end } };
}

/** Sets a key of a map (in place; the pair is replaced where it stands, or added at the end). */
export function setPair(m: YMap, p: YPair): void {
  const i = m.pairs.findIndex((x) => x.name === p.name);
  if (i >= 0) m.pairs[i] = p;
  else m.pairs.push(p);
}

export function deletePair(m: YMap, name: string): void {
  m.pairs = m.pairs.filter((p) => p.name !== name);
}

/** The map under a key, made (at `span`) when it is missing or null and `create` is set. */
export function childMap(m: YMap, name: string, create: Span | undefined): YMap | undefined {
  const p = m.pairs.find((x) => x.name === name);
  if (p?.value?.kind === 'map') return p.value;
  if (!create || (p?.value && !(p.value.kind === 'scalar' && p.value.value === null))) return undefined;
  const made = emptyMap(create);
  setPair(m, pairOf(name, p ? p.key.span : create, made));
  return made;
}

/** A scalar's text as kustomize reads a string field (numbers and booleans as written). */
export function textOf(n: YNode | null | undefined): string | undefined {
  if (!n || n.kind !== 'scalar' || n.value === null) return undefined;
  return String(n.value);
}

/** Plain JSON-like value of a node (for comparing, for `test` ops): maps as objects, in order. */
export function plain(n: YNode | null): unknown {
  if (!n) return null;
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(plain);
  return Object.fromEntries(n.pairs.map((p) => [p.name, plain(p.value)]));
}
