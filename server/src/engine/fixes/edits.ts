/**
 * Text edits in offsets, and the plan behind them. A fix first says *what* it adds where (a `PlannedEdit`);
 * edits that add to the same place (the same zone file, the same ingress array, the same resource body) are
 * merged before they are rendered, so that "fix all" writes one well-formed insertion instead of several that
 * would collide.
 */
import type { Span } from '../text/span';

export interface Edit {
  span: Span;
  newText: string;
}

/**
 * Applies non-overlapping edits to `text`. Edits may come in any order; insertions at the same offset keep
 * their given order, and an insertion at the start of a replaced range goes before the replacement. Throws a
 * RangeError when an edit lies outside the text or two edits overlap: that is a bug in the caller, and
 * writing a half-applied fix would be worse.
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.span.start - b.e.span.start || spanLen(a.e.span) - spanLen(b.e.span) || a.i - b.i)
    .map((x) => x.e);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    const { start, end } = e.span;
    if (!(Number.isInteger(start) && Number.isInteger(end)) || start < 0 || end < start || end > text.length) {
      throw new RangeError(`edit ${start}-${end} lies outside the text (length ${text.length})`);
    }
    if (start < pos) throw new RangeError(`edits overlap at offset ${start}`);
    out += text.slice(pos, start) + e.newText;
    pos = end;
  }
  return out + text.slice(pos);
}

function spanLen(s: Span): number {
  return s.end - s.start;
}

/** True when the two spans share a character, or one is an insertion strictly inside the other. */
export function overlaps(a: Span, b: Span): boolean {
  if (a.start === a.end && b.start === b.end) return false; // two insertions: both apply, in order
  return a.start < b.end && b.start < a.end;
}

/** One part of a mergeable edit; parts with the same `id` are the same addition and kept once. */
export interface Part<T> {
  id: string;
  value: T;
}

/**
 * An edit as a fix plans it. A plain edit has `newText`; a mergeable one has a `mergeKey` (same key = same
 * place in the same file) and parts that `render` turns into the text of the one edit at that place.
 */
export interface PlannedEdit {
  path: string;
  span: Span;
  newText?: string;
  merge?: {
    key: string;
    parts: Part<unknown>[];
    render: (values: unknown[]) => string;
  };
}

export function plainEdit(path: string, span: Span, newText: string): PlannedEdit {
  return { path, span, newText };
}

export function mergeableEdit<T>(path: string, span: Span, key: string, parts: Part<T>[], render: (values: T[]) => string): PlannedEdit {
  return { path, span, merge: { key: `${path}\u0000${key}`, parts, render: render as (values: unknown[]) => string } };
}

export interface RenderedEdit {
  path: string;
  span: Span;
  newText: string;
}

/** Merges planned edits with the same key (parts deduplicated by id, first one kept) and renders them. */
export function renderPlanned(planned: readonly PlannedEdit[]): RenderedEdit[] {
  const out: RenderedEdit[] = [];
  // the parts' ids in a set: one edit may merge 100,000 parts (a rule per source range)
  const merged = new Map<string, { path: string; span: Span; parts: Part<unknown>[]; ids: Set<string>; render: (values: unknown[]) => string }>();
  const order: (string | RenderedEdit)[] = [];
  for (const p of planned) {
    if (!p.merge) {
      order.push({ path: p.path, span: p.span, newText: p.newText ?? '' });
      continue;
    }
    let m = merged.get(p.merge.key);
    if (!m) {
      m = { path: p.path, span: p.span, parts: [], ids: new Set(), render: p.merge.render };
      merged.set(p.merge.key, m);
      order.push(p.merge.key);
    }
    for (const part of p.merge.parts) if (!m.ids.has(part.id)) { m.ids.add(part.id); m.parts.push(part); }
  }
  for (const o of order) {
    if (typeof o !== 'string') out.push(o);
    else {
      const m = merged.get(o)!;
      out.push({ path: m.path, span: m.span, newText: m.render(m.parts.map((x) => x.value)) });
    }
  }
  return out;
}

/**
 * Does a new fix's plan fit beside those already accepted? Edits with the same merge key always fit (they are
 * merged); otherwise two edits of one file must not overlap.
 */
export function fits(accepted: readonly PlannedEdit[], candidate: readonly PlannedEdit[]): boolean {
  for (const c of candidate) {
    for (const a of accepted) {
      if (a.path !== c.path) continue;
      if (a.merge && c.merge && a.merge.key === c.merge.key) continue;
      if (overlaps(a.span, c.span)) return false;
      // a mergeable insertion and another edit at the same offset would interleave unpredictably
      if (a.span.start === c.span.start && a.span.end === c.span.end && (a.merge || c.merge) && a.span.start === a.span.end) return false;
    }
    for (const d of candidate) {
      if (d === c || d.path !== c.path) continue;
      if (d.merge && c.merge && d.merge.key === c.merge.key) continue;
      if (overlaps(d.span, c.span)) return false;
    }
  }
  return true;
}
