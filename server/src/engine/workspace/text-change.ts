/**
 * Text changes: edits by range, for a host that holds them (an editor sends the ranges it changed), applied in
 * order, each to the text the ones before it left — as LSP applies the changes of one `didChange` (offsets out
 * of the text are clamped: an edit never throws); and the range a whole new text changed, found by comparing it
 * with the text before, for what is kept from one text to the next (a file's line index).
 */

/** Replace `[start, end)` of the current text (UTF-16 offsets) by `text`. */
export interface TextChange {
  start: number;
  end: number;
  text: string;
}

export function applyChanges(text: string, changes: readonly TextChange[]): string {
  let out = text;
  for (const c of changes) {
    const start = clamp(c.start, out.length);
    const end = Math.max(start, clamp(c.end, out.length));
    out = out.slice(0, start) + String(c.text ?? '') + out.slice(end);
  }
  return out;
}

function clamp(n: number, length: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.min(Math.trunc(n), length)) : 0;
}

/** Where two texts differ: `before[start, oldEnd)` became `after[start, newEnd)`. */
export interface ChangedRange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * The range a new text changed: the texts' common prefix and suffix, compared a block at a time (slices share
 * the texts' characters: nothing is copied), then a character at a time. Linear in the shorter text; undefined
 * when the texts are equal.
 */
export function changedRange(before: string, after: string): ChangedRange | undefined {
  if (before === after) return undefined;
  const limit = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix + BLOCK <= limit && before.slice(prefix, prefix + BLOCK) === after.slice(prefix, prefix + BLOCK)) prefix += BLOCK;
  while (prefix < limit && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  const rest = limit - prefix;
  let suffix = 0;
  const b = before.length;
  const a = after.length;
  while (suffix + BLOCK <= rest && before.slice(b - suffix - BLOCK, b - suffix) === after.slice(a - suffix - BLOCK, a - suffix)) suffix += BLOCK;
  while (suffix < rest && before.charCodeAt(b - 1 - suffix) === after.charCodeAt(a - 1 - suffix)) suffix++;
  return { start: prefix, oldEnd: b - suffix, newEnd: a - suffix };
}

const BLOCK = 4096;

/** A changed range that can be one between `before` and `after`: within both, the lengths agreeing. */
export function fitsTexts(before: string, after: string, c: ChangedRange): boolean {
  return Number.isInteger(c.start) && Number.isInteger(c.oldEnd) && Number.isInteger(c.newEnd) && c.start >= 0
    && c.start <= c.oldEnd && c.oldEnd <= before.length && c.start <= c.newEnd && c.newEnd <= after.length
    && before.length - c.oldEnd === after.length - c.newEnd;
}
