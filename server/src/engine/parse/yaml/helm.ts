/**
 * Helm templates in YAML: which texts hold template syntax, and the control lines — the lines that hold only
 * template actions (`{{- if … }}`, `{{- end }}`, `{{ include … }}`) — which the parser reads as blank lines
 * (`blankControlLines`, offsets unchanged). The reader (`read.ts`) marks what they may change as unknown: a
 * value they stand for is a template scalar, a map or sequence among whose entries they sit is `templated`.
 */
import { BOM, CLOSE_BRACE, CR, isBlankCode } from './chars';

export function isTemplateText(text: string): boolean {
  return text.includes('{{');
}

/** The Helm control lines of a text, and the text the parser reads (`blankControlLines`). */
export interface ControlLines {
  /** the text with each control line as spaces */
  text: string;
  /**
   * per control line, in order, three numbers: where its actions start (the first `{{`) and end (after the last
   * `}}`), and 1 when they render nothing themselves (only `end`s and comments: the block's first line says what
   * it renders), else 0
   */
  lines: number[];
}

/**
 * Helm control lines: a line that holds only template actions (`{{- if .Values.x }}`, `{{- end }}`, comments,
 * `{{- toYaml .Values.ports | nindent 4 }}`; white space around them) is no YAML, and breaks the structure around
 * it. The parser reads a copy of the text in which each such line is spaces: offsets and line breaks are
 * unchanged, so every span still points into the user's text. Line by line (an action is never followed onto the
 * next line), so a piece of a file (`YamlFile`) reads as it does in the whole.
 */
export function blankControlLines(text: string): ControlLines {
  const lines: number[] = [];
  const parts: string[] = [];
  let copied = 0;
  let at = text.indexOf('{{');
  while (at >= 0) {
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const contentEnd = nl > lineStart && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    let i = lineStart;
    while (i < at && (isBlankCode(text.charCodeAt(i)) || (i === 0 && text.charCodeAt(i) === BOM))) i++;
    // actions, one after another, until the end of the line
    let end = -1;
    let quiet = true;
    while (i === at || (i < contentEnd && text.startsWith('{{', i))) {
      const close = closingBraces(text, i + 2, contentEnd);
      if (close < 0) break;
      // the action's words without its trim markers; string methods, not /\s*-?$/, which backtracks quadratically
      // over a long run of spaces that does not end the action
      let inner = text.slice(i + 2, close);
      inner = (inner.startsWith('-') ? inner.slice(1) : inner).trimStart();
      inner = (inner.endsWith('-') ? inner.slice(0, -1) : inner).trimEnd();
      if (inner !== 'end' && !(inner.startsWith('/*') && inner.endsWith('*/'))) quiet = false;
      end = close + 2;
      i = end;
      while (i < contentEnd && isBlankCode(text.charCodeAt(i))) i++;
      if (i >= contentEnd) break;
      if (!text.startsWith('{{', i)) { end = -1; break; }
    }
    if (end >= 0 && i >= contentEnd) {
      lines.push(at, end, quiet ? 1 : 0);
      parts.push(text.slice(copied, lineStart), ' '.repeat(contentEnd - lineStart));
      copied = contentEnd;
    }
    at = nl < text.length ? text.indexOf('{{', nl) : -1;
  }
  if (lines.length === 0) return { text, lines };
  parts.push(text.slice(copied));
  return { text: parts.join(''), lines };
}

/** The offset of the first `}}` in text[from, to), or -1. */
function closingBraces(text: string, from: number, to: number): number {
  for (let i = from; i + 1 < to; i++) if (text.charCodeAt(i) === CLOSE_BRACE && text.charCodeAt(i + 1) === CLOSE_BRACE) return i;
  return -1;
}

/** The index (in `control.lines`, by threes) of the first control line that starts at or after `from`. */
export function controlLineFrom(control: ControlLines, from: number): number {
  const lines = control.lines;
  let lo = 0;
  let hi = lines.length / 3;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[3 * mid] < from) lo = mid + 1; else hi = mid;
  }
  return 3 * lo;
}

/** A control line that may render something (with `quiet`: any control line) starts in [from, to). */
export function controlLineIn(control: ControlLines | undefined, from: number, to: number, quiet = false): boolean {
  const lines = control?.lines;
  if (!control || !lines || lines.length === 0 || from >= to) return false;
  for (let k = controlLineFrom(control, from); k < lines.length && lines[k] < to; k += 3) if (quiet || lines[k + 2] === 0) return true;
  return false;
}
