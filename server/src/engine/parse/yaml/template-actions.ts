/**
 * The template actions of a text, found by scanning it as the template languages do: Go templates (Helm and any
 * YAML holding `{{`) — `{{ … }}` with its trim markers, quoted and raw strings, `{{/* … *\/}}` comments over
 * many lines — and Terraform `templatefile` syntax — `${ … }` interpolations and `%{ … }` directives with their
 * `~` strip markers, nested braces and quoted strings; `$${` and `%%{` are literal text. An opening that is never
 * closed is text. The scan is linear: once an action runs to the end of the text unclosed, no later opening of
 * that syntax is tried.
 */

/** One action: `[start, end)` in the text, and what it is. */
export interface TemplateAction {
  start: number;
  end: number;
  /**
   * `quiet`: renders nothing itself (`end`, `endif`, `endfor`, a comment, a variable assignment); `control`: a
   * branch or loop (`if`, `else`, `range`, `with`, `for`); `output`: anything else (a value, `include`, `toYaml`)
   */
  role: 'quiet' | 'control' | 'output';
}

const GO_CONTROL = new Set(['if', 'else', 'range', 'with', 'define', 'block', 'break', 'continue']);
const TF_CONTROL = new Set(['if', 'else', 'for']);
const TF_QUIET = new Set(['endif', 'endfor']);

export function hasTemplateSyntax(text: string, holds = (word: string) => text.includes(word)): boolean {
  return holds('{{') || holds('${') || holds('%{');
}

/** Every action of the text, in order, none overlapping. */
export function templateActions(text: string): TemplateAction[] {
  return scanTemplate(text).actions;
}

/**
 * The actions, and whether an opening runs unclosed to the end of the text (in a piece of a file, an action
 * that may close in the next piece: a comment over a `---` line).
 */
export function scanTemplate(text: string): { actions: TemplateAction[]; openToEnd: boolean } {
  const out: TemplateAction[] = [];
  const n = text.length;
  let goOpen = true; // an unclosed `{{` ran to the end: no later one closes
  let tfOpen = true;
  let i = 0;
  while (i < n - 1) {
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    if (c === OPEN && d === OPEN && goOpen) {
      const end = goActionEnd(text, i);
      if (end === -2) goOpen = false;
      if (end >= 0) { out.push({ start: i, end, role: goRole(text.slice(i + 2, end - 2)) }); i = end; continue; }
      i += 2;
      continue;
    }
    if ((c === DOLLAR || c === PERCENT) && d === OPEN && tfOpen) {
      if (i > 0 && text.charCodeAt(i - 1) === c) { i += 2; continue; } // `$${`, `%%{`: literal
      const end = tfActionEnd(text, i);
      if (end === -2) tfOpen = false;
      if (end >= 0) { out.push({ start: i, end, role: c === DOLLAR ? 'output' : tfRole(text.slice(i + 2, end - 1)) }); i = end; continue; }
    }
    i++;
  }
  return { actions: out, openToEnd: !goOpen || !tfOpen };
}

const OPEN = 123; // {
const CLOSE = 125; // }
const DOLLAR = 36;
const PERCENT = 37;
const QUOTE = 34;
const BACKTICK = 96;
const APOS = 39;
const BACKSLASH = 92;
const LF = 10;

/** The end of the Go action opening at `at` (after its `}}`); -1: not an action; -2: unclosed to the end. */
function goActionEnd(text: string, at: number): number {
  const n = text.length;
  let i = at + 2;
  // a comment: `{{/*` or `{{- /*`, up to `*/`, then `}}` or ` -}}`
  let j = i;
  if (text.charCodeAt(j) === 45 /* - */) j++;
  while (j < n && isWhite(text.charCodeAt(j))) j++;
  if (text.startsWith('/*', j)) {
    const close = text.indexOf('*/', j + 2);
    if (close < 0) return -2;
    let k = close + 2;
    while (k < n && isWhite(text.charCodeAt(k))) k++;
    if (text.charCodeAt(k) === 45) k++;
    return text.startsWith('}}', k) ? k + 2 : -1;
  }
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === CLOSE && text.charCodeAt(i + 1) === CLOSE) return i + 2;
    if (c === QUOTE || c === APOS) {
      // interpreted strings and rune literals end on their line
      i++;
      while (i < n && text.charCodeAt(i) !== c && text.charCodeAt(i) !== LF) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
      if (i >= n) return -2;
      if (text.charCodeAt(i) === LF) return -1;
      i++;
    } else if (c === BACKTICK) {
      const close = text.indexOf('`', i + 1);
      if (close < 0) return -2;
      i = close + 1;
    } else if (c === OPEN && text.charCodeAt(i + 1) === OPEN) {
      return -1; // `{{` again before `}}`: the first one was text
    } else i++;
  }
  return -2;
}

/** The end of the Terraform interpolation or directive opening at `at` (after its `}`); -1, -2 as above. */
function tfActionEnd(text: string, at: number): number {
  const n = text.length;
  let depth = 1;
  let i = at + 2;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === OPEN) depth++;
    else if (c === CLOSE && --depth === 0) return i + 1;
    else if (c === QUOTE) {
      i++;
      while (i < n && text.charCodeAt(i) !== QUOTE && text.charCodeAt(i) !== LF) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
      if (i >= n) return -2;
      if (text.charCodeAt(i) === LF) return -1;
    }
    i++;
  }
  return -2;
}

function isWhite(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The words of an action without its trim markers (string methods: no backtracking regex over long blanks). */
function words(inner: string, marker: string): string {
  let s = inner.startsWith(marker) ? inner.slice(1) : inner;
  s = s.trimStart();
  s = s.endsWith(marker) ? s.slice(0, -1) : s;
  return s.trimEnd();
}

function firstWord(s: string): string {
  let k = 0;
  while (k < s.length && /[A-Za-z_]/.test(s[k])) k++;
  return s.slice(0, k);
}

function goRole(inner: string): TemplateAction['role'] {
  const w = words(inner, '-');
  if (w === 'end' || (w.startsWith('/*') && w.endsWith('*/'))) return 'quiet';
  if (isAssignment(w)) return 'quiet';
  const first = firstWord(w);
  return GO_CONTROL.has(first) && (w.length === first.length || !/[A-Za-z0-9_]/.test(w[first.length])) ? 'control' : 'output';
}

/** `$x := …`, `$x = …`: a variable set, nothing rendered. */
function isAssignment(w: string): boolean {
  if (!w.startsWith('$')) return false;
  let k = 1;
  while (k < w.length && /[A-Za-z0-9_]/.test(w[k])) k++;
  while (k < w.length && (w[k] === ' ' || w[k] === '\t')) k++;
  return w.startsWith(':=', k) || (w[k] === '=' && w[k + 1] !== '=');
}

function tfRole(inner: string): TemplateAction['role'] {
  const w = words(inner, '~');
  const first = firstWord(w);
  if (TF_QUIET.has(first) && w.length === first.length) return 'quiet';
  return TF_CONTROL.has(first) ? 'control' : 'output';
}
