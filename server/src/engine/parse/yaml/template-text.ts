/**
 * Templates read as YAML: the text the parser reads instead of a template's (offsets and line breaks unchanged,
 * so every span still points into the user's text), and where its template constructs are, which the reader
 * (`read.ts`) marks as known unknowns. Actions are found by `template-actions.ts` (Go templates and Terraform
 * `templatefile` syntax alike).
 *  - A control line — a line (or lines: a comment over many) that holds only actions, `{{- if … }}`,
 *    `{{- end }}`, `{{- include … | nindent 4 }}`, `%{ for p in ports ~}` — is read as blank lines; a collection
 *    among whose entries one sits is `templated`, an empty value followed by one is that action's output.
 *  - An action ending the line after `key:` (`labels: {{- include … | nindent 4 }}`, `port: {{ $key }}`) is
 *    read as blank too: what follows it, deeper, is the value's literal part (templated: the action may add
 *    entries), and when nothing follows, the action is the value.
 *  - Any other action (part of a scalar, a key) is read as `_`s of its length, and the scalar it falls in is a
 *    template value: `{{ $key }}-tcp`, `"{{ .Values.x }}"`.
 */
import { BOM, CR, isBlankCode } from './chars';
import { hasTemplateSyntax, scanTemplate, type TemplateAction } from './template-actions';

/** Whether the text holds template syntax; `holds`: whether it holds a word, when the caller knows it cheaper. */
export function isTemplateText(text: string, holds?: (word: string) => boolean): boolean {
  return hasTemplateSyntax(text, holds);
}

/** A template's reading: the text the parser reads and where the template constructs are. */
export interface ControlLines {
  /** the text with control lines as spaces and other actions as `_`s */
  text: string;
  /**
   * per control line, in order, three numbers: where its actions start (the first action) and end (after the
   * last), and 1 when they render nothing themselves (only `end`s, comments, assignments: the block's first line
   * says what it renders), else 0
   */
  lines: number[];
  /** the actions read as `_`s, as `[start, end)` pairs in order */
  actions: number[];
  /**
   * an opening runs unclosed to the end of the text: read as a piece of a file (`YamlFile`), the action may
   * close in the next piece (a comment over a `---` line), so the file is read as a whole
   */
  openToEnd: boolean;
}

/** The reading of a template text (see the module's comment). */
export function blankControlLines(text: string): ControlLines {
  const { actions: found, openToEnd } = scanTemplate(text);
  const lines: number[] = [];
  const actions: number[] = [];
  if (found.length === 0) return { text, lines, actions, openToEnd };
  const parts: string[] = [];
  let copied = 0;
  /** text[from, to) as `ch`s, its line breaks kept */
  const fill = (from: number, to: number, ch: string) => {
    parts.push(text.slice(copied, from));
    let k = from;
    while (k < to) {
      let nl = text.indexOf('\n', k);
      if (nl < 0 || nl >= to) nl = to;
      const lineEnd = nl > k && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      parts.push(ch.repeat(lineEnd - k), text.slice(lineEnd, Math.min(nl + 1, to)));
      k = nl + 1;
    }
    copied = Math.max(copied, to);
  };
  let a = 0;
  while (a < found.length) {
    const first = found[a];
    const lineStart = text.lastIndexOf('\n', first.start - 1) + 1;
    let i = lineStart;
    while (i < first.start && (isBlankCode(text.charCodeAt(i)) || (i === 0 && text.charCodeAt(i) === BOM))) i++;
    const run = runToLineEnd(text, found, a);
    if (i === first.start && run) {
      // a control line: only actions, white space around them
      let quiet = true;
      for (let k = a; k <= run.last; k++) if (found[k].role !== 'quiet') quiet = false;
      lines.push(first.start, found[run.last].end, quiet ? 1 : 0);
      fill(lineStart, run.contentEnd, ' ');
      a = run.last + 1;
      continue;
    }
    if (run && afterKey(text, lineStart, first.start)) {
      // `key: {{ … }}` ending the line: the value's output
      lines.push(first.start, found[run.last].end, 0);
      fill(first.start, run.contentEnd, ' ');
      a = run.last + 1;
      continue;
    }
    actions.push(first.start, first.end);
    fill(first.start, first.end, '_');
    a++;
  }
  parts.push(text.slice(copied));
  return { text: parts.join(''), lines, actions, openToEnd };
}

/** From action `a` on, actions separated only by white space up to the end of a line: the last one's index. */
function runToLineEnd(text: string, found: TemplateAction[], a: number): { last: number; contentEnd: number } | undefined {
  let k = a;
  for (;;) {
    let i = found[k].end;
    while (i < text.length && isBlankCode(text.charCodeAt(i))) i++;
    if (i >= text.length || text.charCodeAt(i) === 10 || (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === 10)) {
      return { last: k, contentEnd: i };
    }
    if (k + 1 < found.length && found[k + 1].start === i) { k++; continue; }
    return undefined;
  }
}

/** The line's text before `at` is a block mapping key and its colon (`  name:`, `- port:`), nothing after. */
function afterKey(text: string, lineStart: number, at: number): boolean {
  let j = at - 1;
  while (j >= lineStart && isBlankCode(text.charCodeAt(j))) j--;
  if (j < lineStart || text.charCodeAt(j) !== 58 /* : */ || j === at - 1) return false;
  // a key before the colon, and no flow collection or quote left open on the line
  const before = text.slice(lineStart, j).trim();
  return before.length > 0 && !/[[\]{}"']/.test(before.replace(/^(-\s+)+/, ''));
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

/** An action read as `_`s overlaps [from, to). */
export function actionIn(control: ControlLines | undefined, from: number, to: number): boolean {
  const a = control?.actions;
  if (!a || a.length === 0) return false;
  let lo = 0;
  let hi = a.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[2 * mid + 1] <= from) lo = mid + 1; else hi = mid;
  }
  return 2 * lo < a.length && a[2 * lo] < to;
}
