/**
 * The lexer of Go's `text/template` (default delimiters `{{` `}}`): text, actions with their `{{-` / `-}}`
 * trimming, `{{/* … *\/}}` comments (dropped), and inside actions the tokens of Go's grammar. Offsets are UTF-16
 * offsets into the template's text. It never throws: a lexical error is an `error` token that ends the stream.
 */

export type TokenKind =
  | 'text' | 'left' | 'right' | 'space' | 'identifier' | 'keyword' | 'field' | 'variable' | 'string' | 'rawString'
  | 'char' | 'number' | 'bool' | 'nil' | 'dot' | 'pipe' | 'leftParen' | 'rightParen' | 'declare' | 'assign'
  | 'comma' | 'eof' | 'error';

export interface Token {
  kind: TokenKind;
  /** the token's text (for `text`: after trimming; for `error`: the message) */
  value: string;
  start: number;
  end: number;
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);
const LEFT = '{{';
const RIGHT = '}}';

export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isAlnum(c: string | undefined): boolean {
  if (c === undefined) return false;
  const x = c.charCodeAt(0);
  if (x < 0x80) return (x >= 48 && x <= 57) || (x >= 65 && x <= 90) || (x >= 97 && x <= 122) || x === 95;
  return /[\p{L}\p{Nd}]/u.test(c);
}

function hasLeftTrim(s: string, i: number): boolean {
  return s[i] === '-' && isSpace(s[i + 1]);
}

function hasRightTrim(s: string, i: number): boolean {
  return isSpace(s[i]) && s[i + 1] === '-';
}

export function lex(input: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let trimNextText = false;
  const fail = (message: string, at: number): Token[] => {
    out.push({ kind: 'error', value: message, start: at, end: at });
    return out;
  };
  while (pos <= input.length) {
    // text up to the next action
    let next = input.indexOf(LEFT, pos);
    const textEnd = next < 0 ? input.length : next;
    let textStart = pos;
    if (trimNextText) while (textStart < textEnd && isSpace(input[textStart])) textStart++;
    let trimmedEnd = textEnd;
    const leftTrim = next >= 0 && hasLeftTrim(input, next + LEFT.length);
    if (leftTrim) while (trimmedEnd > textStart && isSpace(input[trimmedEnd - 1])) trimmedEnd--;
    if (trimmedEnd > textStart) out.push({ kind: 'text', value: input.slice(textStart, trimmedEnd), start: textStart, end: trimmedEnd });
    trimNextText = false;
    if (next < 0) break;
    // the action
    const actionStart = next;
    pos = next + LEFT.length + (leftTrim ? 2 : 0);
    if (input.startsWith('/*', pos)) {
      const close = input.indexOf('*/', pos + 2);
      if (close < 0) return fail('unclosed comment', pos);
      let after = close + 2;
      let rightTrim = false;
      if (hasRightTrim(input, after)) { rightTrim = true; after += 2; }
      if (!input.startsWith(RIGHT, after)) return fail('comment ends before closing delimiter', after);
      pos = after + RIGHT.length;
      trimNextText = rightTrim;
      continue;
    }
    out.push({ kind: 'left', value: LEFT, start: actionStart, end: pos });
    let parens = 0;
    for (;;) {
      if (pos >= input.length) return fail('unclosed action', pos);
      const rt = hasRightTrim(input, pos) && input.startsWith(RIGHT, pos + 2);
      if (rt || input.startsWith(RIGHT, pos)) {
        if (parens > 0) return fail('unclosed left paren', pos);
        if (rt) { out.push({ kind: 'space', value: ' ', start: pos, end: pos + 1 }); pos += 2; }
        out.push({ kind: 'right', value: RIGHT, start: pos, end: pos + RIGHT.length });
        pos += RIGHT.length;
        trimNextText = rt;
        break;
      }
      const c = input[pos]!;
      const start = pos;
      if (isSpace(c)) {
        while (pos < input.length && isSpace(input[pos]) && !(hasRightTrim(input, pos) && input.startsWith(RIGHT, pos + 2))) pos++;
        if (pos === start) pos++;
        out.push({ kind: 'space', value: input.slice(start, pos), start, end: pos });
      } else if (c === '=') {
        pos++;
        out.push({ kind: 'assign', value: '=', start, end: pos });
      } else if (c === ':') {
        if (input[pos + 1] !== '=') return fail('expected :=', pos);
        pos += 2;
        out.push({ kind: 'declare', value: ':=', start, end: pos });
      } else if (c === '|') {
        pos++;
        out.push({ kind: 'pipe', value: '|', start, end: pos });
      } else if (c === '"') {
        pos++;
        for (;;) {
          const d = input[pos];
          if (d === '\\' && pos + 1 < input.length) { pos += 2; continue; }
          if (d === undefined || d === '\n') return fail('unterminated quoted string', start);
          pos++;
          if (d === '"') break;
        }
        out.push({ kind: 'string', value: input.slice(start, pos), start, end: pos });
      } else if (c === '`') {
        const close = input.indexOf('`', pos + 1);
        if (close < 0) return fail('unterminated raw quoted string', start);
        pos = close + 1;
        out.push({ kind: 'rawString', value: input.slice(start, pos), start, end: pos });
      } else if (c === '\'') {
        pos++;
        for (;;) {
          const d = input[pos];
          if (d === '\\' && pos + 1 < input.length) { pos += 2; continue; }
          if (d === undefined || d === '\n') return fail('unterminated character constant', start);
          pos++;
          if (d === '\'') break;
        }
        out.push({ kind: 'char', value: input.slice(start, pos), start, end: pos });
      } else if (c === '$') {
        pos++;
        while (isAlnum(input[pos])) pos++;
        out.push({ kind: 'variable', value: input.slice(start, pos), start, end: pos });
      } else if (c === '.') {
        if (/[0-9]/.test(input[pos + 1] ?? '')) {
          pos = scanNumber(input, pos);
          if (isAlnum(input[pos])) return fail(`bad number syntax: ${input.slice(start, pos + 1)}`, start);
          out.push({ kind: 'number', value: input.slice(start, pos), start, end: pos });
          continue;
        }
        pos++;
        while (isAlnum(input[pos])) pos++;
        out.push({ kind: pos === start + 1 ? 'dot' : 'field', value: input.slice(start, pos), start, end: pos });
      } else if (c === '+' || c === '-' || /[0-9]/.test(c)) {
        pos = scanNumber(input, pos);
        if (isAlnum(input[pos]) || pos === start + 1 && (c === '+' || c === '-')) return fail(`bad number syntax: ${input.slice(start, pos + 1)}`, start);
        out.push({ kind: 'number', value: input.slice(start, pos), start, end: pos });
      } else if (isAlnum(c)) {
        while (isAlnum(input[pos])) pos++;
        const word = input.slice(start, pos);
        const term = input[pos];
        if (!(term === undefined || isSpace(term) || '.,|:)('.includes(term) || input.startsWith(RIGHT, pos))) {
          return fail(`bad character ${JSON.stringify(term)}`, pos);
        }
        const kind: TokenKind = KEYWORDS.has(word) ? 'keyword' : word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : 'identifier';
        out.push({ kind, value: word, start, end: pos });
      } else if (c === '(') {
        parens++;
        pos++;
        out.push({ kind: 'leftParen', value: '(', start, end: pos });
      } else if (c === ')') {
        parens--;
        if (parens < 0) return fail('unexpected right paren', pos);
        pos++;
        out.push({ kind: 'rightParen', value: ')', start, end: pos });
      } else if (c === ',') {
        pos++;
        out.push({ kind: 'comma', value: ',', start, end: pos });
      } else {
        return fail(`unrecognized character in action: ${JSON.stringify(c)}`, pos);
      }
    }
  }
  out.push({ kind: 'eof', value: '', start: input.length, end: input.length });
  return out;
}

/** Go's number syntax (sign, 0x/0o/0b prefixes, underscores, fraction, exponent, `i`). */
function scanNumber(s: string, pos: number): number {
  if (s[pos] === '+' || s[pos] === '-') pos++;
  let digits = '0123456789_';
  if (s[pos] === '0' && /[xXoObB]/.test(s[pos + 1] ?? '')) {
    const b = s[pos + 1]!.toLowerCase();
    digits = b === 'x' ? '0123456789abcdefABCDEF_' : b === 'o' ? '01234567_' : '01_';
    pos += 2;
  }
  while (pos < s.length && digits.includes(s[pos]!)) pos++;
  if (s[pos] === '.') { pos++; while (pos < s.length && digits.includes(s[pos]!)) pos++; }
  if (digits.length > 11 ? /[pP]/.test(s[pos] ?? '') : /[eE]/.test(s[pos] ?? '')) {
    pos++;
    if (s[pos] === '+' || s[pos] === '-') pos++;
    while (/[0-9_]/.test(s[pos] ?? '')) pos++;
  }
  if (s[pos] === 'i') pos++;
  return pos;
}
