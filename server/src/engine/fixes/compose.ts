/**
 * Edits composed over several passes: each pass edits the text the pass before left, and the editor (or the
 * disk) wants edits of the original text. A `Composer` keeps the current text as pieces — ranges of the original
 * and inserted text — so that the edits of the original are the gaps between the original ranges it still holds,
 * each then trimmed to the characters that really changed.
 */
import type { Span } from '../text/span';
import { applyEdits, type Edit } from './edits';

/** A range of the original text, or text that an edit put there. */
type Piece = { from: number; to: number } | string;

function length(p: Piece): number {
  return typeof p === 'string' ? p.length : p.to - p.from;
}

export class Composer {
  private pieces: Piece[];

  constructor(readonly original: string) {
    this.pieces = original.length > 0 ? [{ from: 0, to: original.length }] : [];
  }

  /** Applies edits given in offsets of the current text (non-overlapping, in the order `applyEdits` takes them). */
  apply(edits: readonly Edit[]): void {
    const sorted = edits
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.span.start - b.e.span.start || spanLength(a.e.span) - spanLength(b.e.span) || a.i - b.i)
      .map((x) => x.e);
    const out: Piece[] = [];
    let i = 0; // the piece that holds `base`
    let base = 0; // offset in the current text where piece i starts
    /** the pieces of the current text between `a` and `b` (a never before the previous call's b) */
    const take = (a: number, b: number) => {
      while (i < this.pieces.length && base + length(this.pieces[i]) <= a) base += length(this.pieces[i++]);
      for (let j = i, at = base; j < this.pieces.length && at < b; at += length(this.pieces[j++])) {
        const p = this.pieces[j];
        const lo = Math.max(a, at) - at;
        const hi = Math.min(b, at + length(p)) - at;
        if (hi > lo) out.push(typeof p === 'string' ? p.slice(lo, hi) : { from: p.from + lo, to: p.from + hi });
      }
    };
    let cursor = 0;
    for (const e of sorted) {
      take(cursor, e.span.start);
      if (e.newText !== '') out.push(e.newText);
      cursor = Math.max(cursor, e.span.end);
    }
    take(cursor, Infinity);
    this.pieces = merged(out);
  }

  /** The current text. */
  text(): string {
    return this.pieces.map((p) => (typeof p === 'string' ? p : this.original.slice(p.from, p.to))).join('');
  }

  /** Edits of the original text that give the current text: few, non-overlapping, each as small as it can be. */
  edits(): Edit[] {
    const out: Edit[] = [];
    let pos = 0;
    let pending = '';
    for (const p of this.pieces) {
      if (typeof p === 'string') {
        pending += p;
        continue;
      }
      if (p.from !== pos || pending !== '') out.push(this.trimmed({ start: pos, end: p.from }, pending));
      pending = '';
      pos = p.to;
    }
    if (pos !== this.original.length || pending !== '') out.push(this.trimmed({ start: pos, end: this.original.length }, pending));
    const edits = out.filter((e) => e.span.start !== e.span.end || e.newText !== '');
    const text = this.text();
    // a safety net: edits that would not give the text become one edit of the range that changed
    return applyEdits(this.original, edits) === text ? edits : [changedRange(this.original, text)].filter((e) => e.span.start !== e.span.end || e.newText !== '');
  }

  /** The edit without the characters its old and new text share at either end. */
  private trimmed(span: Span, newText: string): Edit {
    const old = this.original.slice(span.start, span.end);
    const e = changedRange(old, newText);
    return { span: { start: span.start + e.span.start, end: span.start + e.span.end }, newText: e.newText };
  }
}

function spanLength(s: Span): number {
  return s.end - s.start;
}

/** Neighbouring pieces joined: inserted texts, and ranges that continue each other. */
function merged(pieces: readonly Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    if (length(p) === 0) continue;
    const last = out[out.length - 1];
    if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
    else if (typeof p !== 'string' && last !== undefined && typeof last !== 'string' && last.to === p.from) out[out.length - 1] = { from: last.from, to: p.to };
    else out.push(p);
  }
  return out;
}

/** Never cut between the two halves of a surrogate pair or of a CRLF. */
function splits(text: string, at: number): boolean {
  if (at <= 0 || at >= text.length) return false;
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at);
  return (before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff) || (before === 13 && after === 10);
}

/** The one edit that turns `before` into `after`: the range between their common prefix and common suffix. */
export function changedRange(before: string, after: string): Edit {
  const limit = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < limit && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  while (prefix > 0 && (splits(before, prefix) || splits(after, prefix))) prefix--;
  let suffix = 0;
  while (suffix < limit - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  while (suffix > 0 && (splits(before, before.length - suffix) || splits(after, after.length - suffix))) suffix--;
  return { span: { start: prefix, end: before.length - suffix }, newText: after.slice(prefix, after.length - suffix) };
}
