/** Where the documents of a YAML stream start: a scan for its document markers, from any document start on. */
import { CR, DASH, DOT, HASH, LF, PERCENT, SPACE, TAB } from './chars';

/** `---` or `...` at `i`, followed by white space or the end of the line (or of the text). */
function markerAt(text: string, i: number, ch: number): boolean {
  if (text.charCodeAt(i) !== ch || text.charCodeAt(i + 1) !== ch || text.charCodeAt(i + 2) !== ch) return false;
  const c = text.charCodeAt(i + 3);
  return Number.isNaN(c) || c === SPACE || c === TAB || c === LF || c === CR;
}

/**
 * Where the documents of a YAML stream start, found by a scan of line starts: before every `---` line (unless
 * only blank and comment lines precede it since the stream's start or the last `...`, which belong to it) and
 * after every `...` line. These are the YAML spec's document markers (c-forbidden lines); the `yaml` package
 * ends every construct at them too — except an unclosed quote, which `YamlFile` detects. Null when a line
 * starts with `%`: a `%YAML 1.1` directive reaches past its own document in the `yaml` package.
 */
export function documentStarts(text: string): number[] | null {
  return splitFrom(text, 0, true)?.starts ?? null;
}

export interface Split {
  starts: number[];
  /** per start: the scan's state on arriving at it (only blank and comment lines since a `...` or the start) */
  preludes: boolean[];
  /** where the scan stopped because `sync` said the rest is known (undefined: at the end of the text) */
  synced?: number;
}

/**
 * The scan of `documentStarts`, from `from` (a document start, reached in state `prelude`), to the end of the
 * text or to the first line start where `sync(offset, prelude)` holds.
 */
export function splitFrom(text: string, from: number, prelude: boolean, sync?: (offset: number, prelude: boolean) => boolean): Split | null {
  const starts = [from];
  const preludes = [prelude];
  const n = text.length;
  let i = from;
  while (i < n) {
    if (sync && i > from && sync(i, prelude)) {
      if (starts[starts.length - 1] === i) { starts.pop(); preludes.pop(); }
      return { starts, preludes, synced: i };
    }
    const nl = text.indexOf('\n', i);
    const next = nl < 0 ? n : nl + 1;
    const c = text.charCodeAt(i);
    if (c === DASH && markerAt(text, i, DASH)) {
      if (!prelude && i > from) { starts.push(i); preludes.push(false); }
      prelude = false;
    } else if (c === DOT && markerAt(text, i, DOT)) {
      if (next < n) { starts.push(next); preludes.push(true); }
      prelude = true;
    } else if (c === PERCENT) {
      return null;
    } else if (prelude) {
      let j = i;
      while (j < next && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j++;
      const k = text.charCodeAt(j);
      if (!(j >= next || k === LF || k === CR || k === HASH)) prelude = false;
    }
    i = next;
  }
  return { starts, preludes };
}
