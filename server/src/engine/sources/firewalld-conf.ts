/**
 * `firewalld.conf`: `KEY=value` lines, `#` (or `;`) comments, blank lines. Read as firewalld itself reads it
 * (src/firewall/core/io/firewalld_conf.py): each line is stripped; a line that does not split into exactly two
 * parts on `=` is invalid (firewalld logs it and goes on); an empty value is ignored; the first definition of a
 * key wins. Only `DefaultZone` and `StrictForwardPorts` are read.
 */
import type { ParseProblem } from '../parse/problem';
import type { FirewalldConf, ReadResult } from './model';
import type { Span } from '../text/span';

interface ConfLine {
  key: string;
  keySpan: Span;
  value: string;
  valueSpan: Span;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** The span of `text[start, end)` without leading and trailing whitespace. */
function trimmed(text: string, start: number, end: number): Span {
  let s = start;
  let e = end;
  while (s < e && isBlank(text.charCodeAt(s))) s++;
  while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
  return { start: s, end: e };
}

/** The offset of the first `code` in `text[start, end)`, else -1 (a search bounded by the line: linear overall). */
function indexIn(text: string, code: number, start: number, end: number): number {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === code) return i;
  return -1;
}

export function readFirewalldConf(path: string, text: string): ReadResult<FirewalldConf> {
  const problems: ParseProblem[] = [];
  const lines: ConfLine[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = trimmed(text, lineStart, lineEnd);
    const first = text[line.start];
    if (line.end > line.start && first !== '#' && first !== ';') {
      const eq = indexIn(text, 61 /* = */, line.start, line.end);
      const secondEq = eq >= 0 ? indexIn(text, 61, eq + 1, line.end) : -1;
      if (eq < 0 || secondEq >= 0) {
        if (problems.length < 50) problems.push({ message: 'invalid line: expected KEY=value', span: line });
      } else {
        const keySpan = trimmed(text, line.start, eq);
        const valueSpan = trimmed(text, eq + 1, line.end);
        lines.push({
          key: text.slice(keySpan.start, keySpan.end),
          keySpan,
          value: text.slice(valueSpan.start, valueSpan.end),
          valueSpan,
        });
      }
    }
    lineStart = lineEnd + 1;
  }

  const conf: FirewalldConf = { kind: 'firewalld-conf', path };
  const seen = new Set<string>();
  for (const l of lines) {
    if (l.value === '') continue;
    if (seen.has(l.key)) {
      if ((l.key === 'DefaultZone' || l.key === 'StrictForwardPorts') && problems.length < 50) {
        problems.push({ message: `${l.key} is defined more than once; firewalld uses the first definition`, span: l.keySpan });
      }
      continue;
    }
    seen.add(l.key);
    if (l.key === 'DefaultZone') {
      conf.defaultZone = { value: l.value, span: l.valueSpan };
    } else if (l.key === 'StrictForwardPorts') {
      const v = l.value.toLowerCase();
      if (v === 'yes' || v === 'true') conf.strictForwardPorts = { value: true, span: l.valueSpan };
      else if (v === 'no' || v === 'false') conf.strictForwardPorts = { value: false, span: l.valueSpan };
      else problems.push({ message: `StrictForwardPorts must be yes or no, not "${l.value}"; firewalld uses the default (no)`, span: l.valueSpan });
    }
  }
  return { value: conf, problems };
}
