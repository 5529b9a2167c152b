/**
 * The one place where offsets become positions. The engine works in offsets (see span.ts); the CLI and the
 * language server convert at their edge through a LineIndex. Lines and characters here are 0-based, as in LSP;
 * the CLI adds 1.
 */
export interface Position {
  line: number;
  character: number;
}

export class LineIndex {
  /** the offset of every line's start (a typed array: an edit copies it, which costs little even for 36,000 lines) */
  private readonly starts: Int32Array;

  /** `starts`: the line starts of `text` when they are known already (see `edited`). */
  constructor(private readonly text: string, starts?: Int32Array) {
    if (starts) {
      this.starts = starts;
      return;
    }
    const found = [0];
    if (!text.includes('\r')) {
      // LF only (the usual case): indexOf is many times faster than a loop over every character
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) found.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 /* \n */) found.push(i + 1);
        else if (c === 13 /* \r */) {
          if (text.charCodeAt(i + 1) === 10) i++;
          found.push(i + 1);
        }
      }
    }
    this.starts = Int32Array.from(found);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const lineStart = this.starts[position.line];
    const nextStart = position.line + 1 < this.starts.length ? this.starts[position.line + 1] : this.text.length;
    let lineEnd = nextStart;
    // do not step past the line break
    while (lineEnd > lineStart && (this.text.charCodeAt(lineEnd - 1) === 10 || this.text.charCodeAt(lineEnd - 1) === 13)) lineEnd--;
    return Math.max(lineStart, Math.min(lineStart + Math.max(0, position.character), lineEnd));
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /**
   * The index of `text`, which is this index's text with `[start, oldEnd)` replaced by `text[start, newEnd)`: the
   * same index `new LineIndex(text)` makes, at the cost of the change. The line starts before the change are kept,
   * those after it moved, and only the lines it touched are scanned (a line start depends on the character before
   * it, and on the one at it after a CR).
   */
  edited(text: string, start: number, oldEnd: number, newEnd: number): LineIndex {
    const old = this.starts;
    const kept = Math.max(1, firstAtOrAfter(old, start)); // the starts before the change (and 0)
    const touched: number[] = [];
    const limit = newEnd + 1; // from here on, every line start is an old one, moved
    for (let i = old[kept - 1]; i < Math.min(text.length, limit); i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 /* \n */ && c !== 13 /* \r */) continue;
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (i + 1 >= limit) break;
      touched.push(i + 1);
    }
    const moved = firstAtOrAfter(old, oldEnd + 1);
    const out = new Int32Array(kept + touched.length + old.length - moved);
    out.set(old.subarray(0, kept));
    for (let k = 0; k < touched.length; k++) out[kept + k] = touched[k];
    const delta = newEnd - oldEnd;
    for (let k = moved, w = kept + touched.length; k < old.length; k++, w++) out[w] = old[k] + delta;
    return new LineIndex(text, out);
  }
}

/** The index of the first of the sorted `xs` that is at least `x` (`xs.length` when none is). */
function firstAtOrAfter(xs: Int32Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}
