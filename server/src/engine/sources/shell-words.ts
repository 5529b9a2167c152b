/**
 * Shell scripts cut into simple commands and their words, as a POSIX shell (and bash) reads them — enough to
 * find `firewall-cmd` invocations in node setup scripts and cloud-init: comments, single and double quotes,
 * backslash escapes, `\`-newline continuations, the separators `;` `&` `&&` `||` `|` and newlines, `(` `)`,
 * here-documents (their bodies are data, never commands), and words whose value the shell would only know when
 * it runs (`$VAR`, `${…}`, `$(…)`, backquotes, globs) marked `dynamic` with what makes them so.
 *
 * Never throws; linear in the text. An unterminated quote is a problem, and the word runs to the end of the text.
 */
import type { ParseProblem } from '../parse/problem';
import type { Span } from '../text/span';

export interface ShellWord {
  /** the word's value after quote removal (expansions kept as written) */
  value: string;
  /** the word as written */
  span: Span;
  /** the parts of the word the shell expands when it runs (`$PORT`, `${ports[0]}`, `$(cat f)`), as written */
  expansions: string[];
}

export interface ShellCommand {
  words: ShellWord[];
  /** from the first word to the end of the last */
  span: Span;
}

export interface ShellScript {
  commands: ShellCommand[];
  problems: ParseProblem[];
}

const OPERATOR_CHARS = new Set([';', '&', '|', '(', ')']);

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r';
}

/**
 * Reads `text` (or the part `[start, end)` of it: a script inside a YAML or HCL string keeps the offsets of the
 * file) into commands. `base` is added to no offset: spans are offsets into `text`.
 */
export function readShell(text: string, start = 0, end = text.length): ShellScript {
  const commands: ShellCommand[] = [];
  const problems: ParseProblem[] = [];
  let words: ShellWord[] = [];
  /** here-documents announced on the current line: their delimiters, read after its newline */
  let pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];
  let i = start;

  const endCommand = () => {
    if (words.length) commands.push({ words, span: { start: words[0].span.start, end: words[words.length - 1].span.end } });
    words = [];
  };

  const skipHeredocBodies = () => {
    for (const h of pendingHeredocs) {
      // lines until one that is exactly the delimiter (leading tabs stripped with `<<-`)
      let found = false;
      while (i < end) {
        let nl = text.indexOf('\n', i);
        if (nl < 0 || nl > end) nl = end;
        let line = text.slice(i, nl);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (h.stripTabs) line = line.replace(/^\t+/, '');
        i = Math.min(nl + 1, end);
        if (line === h.delimiter) { found = true; break; }
      }
      if (!found) problems.push({ message: `here-document "${h.delimiter}" is not closed before the end of the script`, span: { start: end, end } });
    }
    pendingHeredocs = [];
  };

  while (i < end) {
    const c = text[i];
    if (c === '\n') {
      endCommand();
      i++;
      if (pendingHeredocs.length) skipHeredocBodies();
      continue;
    }
    if (isBlank(c)) { i++; continue; }
    if (c === '\\' && text[i + 1] === '\n') { i += 2; continue; }
    if (c === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') { i += 3; continue; }
    if (c === '#') {
      // a comment runs to the end of the line (a `#` inside a word is part of it: handled by readWord)
      while (i < end && text[i] !== '\n') i++;
      continue;
    }
    if (OPERATOR_CHARS.has(c)) {
      endCommand();
      i++;
      if ((c === '&' || c === '|' || c === ';') && text[i] === c) i++;
      continue;
    }
    if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      // a here-document: `<<WORD`, `<<-WORD`, `<<'WORD'`, `<<"WORD"`
      let j = i + 2;
      const stripTabs = text[j] === '-';
      if (stripTabs) j++;
      while (j < end && isBlank(text[j])) j++;
      const w = readWord(text, j, end, problems);
      if (w.word) pendingHeredocs.push({ delimiter: w.word.value, stripTabs });
      i = w.next;
      continue;
    }
    if (c === '<' || c === '>') {
      // a redirection: the operator, then its target word (not an argument of the command)
      let j = i + 1;
      while (j < end && (text[j] === '>' || text[j] === '&' || text[j] === '<' || text[j] === '|')) j++;
      while (j < end && isBlank(text[j])) j++;
      const w = readWord(text, j, end, problems);
      i = w.next;
      continue;
    }
    const w = readWord(text, i, end, problems);
    if (w.word) {
      // `2>/dev/null`: a file descriptor number followed by a redirection is not a word
      if (/^[0-9]+$/.test(w.word.value) && (text[w.next] === '>' || text[w.next] === '<')) { i = w.next; continue; }
      words.push(w.word);
    }
    i = Math.max(w.next, i + 1);
  }
  endCommand();
  return { commands, problems };
}

/** The end of `$(…)` or backquotes starting at `i` (nesting and quotes inside followed), or `end`. */
function skipSubstitution(text: string, i: number, end: number): number {
  if (text[i] === '`') {
    let j = i + 1;
    while (j < end && text[j] !== '`') j += text[j] === '\\' ? 2 : 1;
    return Math.min(j + 1, end);
  }
  // `$(` or `${`
  const open = text[i + 1];
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  let j = i + 1;
  while (j < end) {
    const c = text[j];
    if (c === '\\') { j += 2; continue; }
    if (c === "'" && open === '(') {
      const q = text.indexOf("'", j + 1);
      j = q < 0 || q >= end ? end : q + 1;
      continue;
    }
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return end;
}

/** A `$` expansion at `i` (`$NAME`, `${…}`, `$(…)`, `$1`, `$@`): its end, or null when `$` is literal. */
function expansionEnd(text: string, i: number, end: number): number | null {
  const n = text[i + 1];
  if (n === '(' || n === '{') return skipSubstitution(text, i, end);
  if (n !== undefined && /[A-Za-z_]/.test(n)) {
    let j = i + 1;
    while (j < end && /[A-Za-z0-9_]/.test(text[j])) j++;
    return j;
  }
  if (n !== undefined && /[0-9@*#?$!-]/.test(n)) return i + 2;
  return null;
}

const WORD_END = new Set([' ', '\t', '\r', '\n', ';', '&', '|', '(', ')', '<', '>']);
/** characters that end a word or change how it is read: everything else is taken as it is, in runs */
const WORD_SPECIAL = new Set([...WORD_END, '\\', "'", '"', '$', '`', '*', '?', '[', '{']);
/** the same inside double quotes */
const DQ_SPECIAL = new Set(['"', '\\', '$', '`']);

/** One word starting at `i` (quotes, escapes and expansions inside it), and where reading goes on. */
function readWord(text: string, i: number, end: number, problems: ParseProblem[]): { word: ShellWord | null; next: number } {
  const start = i;
  let value = '';
  const expansions: string[] = [];
  while (i < end) {
    const run = i;
    while (i < end && !WORD_SPECIAL.has(text[i])) i++;
    if (i > run) { value += text.slice(run, i); continue; }
    const c = text[i];
    if (WORD_END.has(c)) break;
    if (c === '\\') {
      if (text[i + 1] === '\n') { i += 2; continue; }
      if (i + 1 < end) value += text[i + 1];
      i += 2;
      continue;
    }
    if (c === "'") {
      const q = text.indexOf("'", i + 1);
      if (q < 0 || q >= end) {
        problems.push({ message: 'a single quote is not closed before the end of the script', span: { start: i, end: i + 1 } });
        value += text.slice(i + 1, end);
        i = end;
        break;
      }
      value += text.slice(i + 1, q);
      i = q + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let closed = false;
      while (j < end) {
        // a run of ordinary characters at once
        const run = j;
        while (j < end && !DQ_SPECIAL.has(text[j])) j++;
        if (j > run) { value += text.slice(run, j); continue; }
        const d = text[j];
        if (d === '"') { closed = true; break; }
        if (d === '\\' && j + 1 < end) {
          const e = text[j + 1];
          if (e === '\n') { j += 2; continue; }
          if (e === '$' || e === '`' || e === '"' || e === '\\') { value += e; j += 2; continue; }
          value += d;
          j++;
          continue;
        }
        if (d === '$' || d === '`') {
          const x = d === '`' ? skipSubstitution(text, j, end) : expansionEnd(text, j, end);
          if (x !== null) {
            expansions.push(text.slice(j, x));
            value += text.slice(j, x);
            j = x;
            continue;
          }
        }
        value += d;
        j++;
      }
      if (!closed) {
        problems.push({ message: 'a double quote is not closed before the end of the script', span: { start: i, end: i + 1 } });
        i = end;
        break;
      }
      i = j + 1;
      continue;
    }
    if (c === '$' && text[i + 1] === "'") {
      // ANSI-C quoting `$'…'`: read as a single-quoted string with its escapes kept literal
      const q = text.indexOf("'", i + 2);
      const stop = q < 0 || q >= end ? end : q;
      value += text.slice(i + 2, stop);
      i = Math.min(stop + 1, end);
      continue;
    }
    if (c === '$' || c === '`') {
      const x = c === '`' ? skipSubstitution(text, i, end) : expansionEnd(text, i, end);
      if (x !== null) {
        expansions.push(text.slice(i, x));
        value += text.slice(i, x);
        i = x;
        continue;
      }
    }
    if (c === '*' || c === '?' || c === '[') expansions.push(c);
    if (c === '{') {
      // brace expansion `{80,443}`, `{1..3}`: several words when the shell runs, not one
      let j = i + 1;
      while (j < end && !WORD_END.has(text[j]) && text[j] !== '}' && text[j] !== '{') j++;
      const inner = text.slice(i + 1, j);
      if (text[j] === '}' && (inner.includes(',') || inner.includes('..'))) expansions.push(text.slice(i, j + 1));
    }
    value += c;
    i++;
  }
  if (i === start) return { word: null, next: i };
  return { word: { value, span: { start, end: i }, expansions }, next: i };
}

/** Does the script start with a `sh`/`bash` shebang (`#!/bin/bash`, `#!/usr/bin/env bash`, `#!/bin/sh -e`)? */
export function hasShellShebang(text: string): boolean {
  if (!text.startsWith('#!')) return false;
  let nl = text.indexOf('\n');
  if (nl < 0) nl = text.length;
  const words = text.slice(2, nl).trim().split(/[ \t]+/);
  let prog = words[0] ?? '';
  if (prog.endsWith('/env')) prog = words.find((w, k) => k > 0 && !w.startsWith('-')) ?? '';
  const name = prog.slice(prog.lastIndexOf('/') + 1);
  return name === 'sh' || name === 'bash' || name === 'dash' || name === 'ksh' || name === 'zsh';
}
