/**
 * Edits by range, for a host that holds them (an editor sends the ranges it changed): applied in order, each to
 * the text the ones before it left — as LSP applies the changes of one `didChange`. Offsets out of the text are
 * clamped (an edit never throws).
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
