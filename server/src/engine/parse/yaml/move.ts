/**
 * Documents moved in place (every span listed once, then shifted), copied, and compared: what `YamlFile` needs to
 * keep a document's tree between edits while the text around it changes. What is worked out from a tree (objects,
 * Services, workloads) holds its spans by reference (never copies), so it moves along.
 */
import type { Span } from '../../text/span';
import type { ParseProblem } from '../problem';
import { SHARED, type YDocument, type YMap, type YNode, type YPair, type YScalar, type YSeq } from './tree';

/** A copy of a document's tree with every span moved by `delta` (shared nodes stay shared). */
export function copyDocument(doc: YDocument, delta: number, index: number): YDocument {
  const span = (s: Span): Span => ({ start: s.start + delta, end: s.end + delta });
  const nodes = new Map<YNode, YNode>();
  const pairs = new Map<YPair, YPair>();
  const pair = (p: YPair): YPair => {
    let out = pairs.get(p);
    if (!out) {
      const key = node(p.key) as YScalar;
      out = { key, name: key.value === p.name ? key.value : p.name, value: p.value && node(p.value), span: span(p.span) };
      pairs.set(p, out);
    }
    return out;
  };
  const node = (n: YNode): YNode => {
    let out = nodes.get(n);
    if (out) return out;
    if (n.kind === 'scalar') out = { kind: 'scalar', value: n.value, span: span(n.span), style: n.style, template: n.template };
    else if (n.kind === 'seq') out = { kind: 'seq', items: n.items.map((i) => i && node(i)), span: span(n.span), flow: n.flow, templated: n.templated };
    else out = { kind: 'map', pairs: n.pairs.map(pair), span: span(n.span), flow: n.flow, templated: n.templated };
    nodes.set(n, out);
    return out;
  };
  const out: YDocument = { index, span: span(doc.span), contents: doc.contents && node(doc.contents) };
  if (doc.headerOnly) out.headerOnly = true;
  if (SHARED.has(doc)) SHARED.add(out);
  return out;
}

/**
 * Every span of a document's tree (its own, each node's, pair's and key's), each once — a tree that holds a node
 * or pair twice (aliases, merge keys) lists its spans once —, added to `out`: what `moveSpans` moves.
 */
export function spansOf(doc: YDocument, out: Span[]): Span[] {
  out.push(doc.span);
  const shared = SHARED.has(doc) ? new Set<object>() : undefined;
  const add = (s: Span) => {
    if (shared) {
      if (shared.has(s)) return;
      shared.add(s);
    }
    out.push(s);
  };
  const stack: (YNode | null)[] = [doc.contents];
  while (stack.length > 0) {
    const n = stack.pop();
    if (!n) continue;
    if (shared) {
      if (shared.has(n)) continue;
      shared.add(n);
    }
    add(n.span);
    if (n.kind === 'map') {
      for (const p of n.pairs) {
        if (shared) {
          if (shared.has(p)) continue;
          shared.add(p);
        }
        add(p.span);
        stack.push(p.key);
        if (p.value) stack.push(p.value);
      }
    } else if (n.kind === 'seq') {
      for (const i of n.items) if (i) stack.push(i);
    }
  }
  return out;
}

/** Move every span of a list (`spansOf`) by `delta`, in place. */
export function moveSpans(spans: readonly Span[], delta: number): void {
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    s.start += delta;
    s.end += delta;
  }
}

export function sameNode(a: YNode | null, b: YNode | null, delta: number, seen: Set<YNode>): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind !== b.kind || a.span.start !== b.span.start + delta || a.span.end !== b.span.end + delta) return false;
  if (seen.has(a)) return true; // a shared node (an alias) compared once
  seen.add(a);
  if (a.kind === 'scalar') {
    const s = b as YScalar;
    return (a.value === s.value || (Number.isNaN(a.value) && Number.isNaN(s.value))) && a.style === s.style && a.template === s.template;
  }
  if (a.kind === 'seq') {
    const s = b as YSeq;
    return a.flow === s.flow && a.templated === s.templated && a.items.length === s.items.length && a.items.every((x, i) => sameNode(x, s.items[i], delta, seen));
  }
  const m = b as YMap;
  return a.flow === m.flow && a.templated === m.templated && a.pairs.length === m.pairs.length && a.pairs.every((p, i) => {
    const q = m.pairs[i];
    return p.name === q.name && p.span.start === q.span.start + delta && p.span.end === q.span.end + delta
      && sameNode(p.key, q.key, delta, seen) && sameNode(p.value, q.value, delta, seen);
  });
}

/** Copies of problems, their spans moved by `delta` (a list of problems is never changed in place). */
export function movedProblems(problems: readonly ParseProblem[], delta: number): ParseProblem[] {
  return problems.map((x) => ({ ...x, span: { start: x.span.start + delta, end: x.span.end + delta } }));
}

export function sameProblems(a: readonly ParseProblem[], b: readonly ParseProblem[], delta: number): boolean {
  return a.length === b.length && a.every((p, i) => p.message === b[i].message && !!p.limit === !!b[i].limit
    && p.span.start === b[i].span.start + delta && p.span.end === b[i].span.end + delta);
}
