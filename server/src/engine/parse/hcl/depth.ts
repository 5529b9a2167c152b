/** How deep a HCL text nests, found by a light scan before tree-sitter reads it (its memory grows with nesting). */

/**
 * The offset of the first bracket, string or template interpolation nested deeper than `maxDepth`, else
 * undefined. A light scan (comments, strings with their escapes and `${…}` / `%{…}` interpolations, heredocs);
 * where it errs, tree-sitter's own time and memory bounds still hold.
 */
export function hclDepthCut(text: string, maxDepth: number): number | undefined {
  // the stack holds what is open: ( [ { for brackets, $ for an interpolation, " for a string, or a heredoc marker
  const stack: string[] = [];
  const n = text.length;
  let i = 0;
  const push = (what: string): boolean => {
    if (stack.length >= maxDepth) return false;
    stack.push(what);
    return true;
  };
  while (i < n) {
    const top = stack[stack.length - 1];
    const c = text.charCodeAt(i);
    if (top === '"' || (top !== undefined && top.length > 1)) {
      // inside a string (ends at its quote or the line's end) or a heredoc (ends at its marker line)
      if (top === '"') {
        if (c === 92 /* \ */) { i += 2; continue; }
        if (c === 34 /* " */ || c === 10 || c === 13) { stack.pop(); i++; continue; }
      } else if (c === 10) {
        const lineEnd = text.indexOf('\n', i + 1);
        const line = text.slice(i + 1, lineEnd < 0 ? n : lineEnd).trim();
        if (line === top.slice(2)) { stack.pop(); i = lineEnd < 0 ? n : lineEnd; continue; }
      }
      if ((c === 36 /* $ */ || c === 37 /* % */) && text.charCodeAt(i + 1) === 123 /* { */) {
        if (!push('$')) return i;
        i += 2;
        continue;
      }
      if ((c === 36 || c === 37) && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === 123) { i += 3; continue; }
      i++;
      continue;
    }
    // expressions: at the top level, inside brackets or inside an interpolation
    if (c === 35 /* # */ || (c === 47 /* / */ && text.charCodeAt(i + 1) === 47)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 34) {
      if (!push('"')) return i;
      i++;
      continue;
    }
    if (c === 60 /* < */ && text.charCodeAt(i + 1) === 60) {
      let j = i + 2;
      if (text.charCodeAt(j) === 45 /* - */) j++;
      const start = j;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      if (j > start && (text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13)) {
        if (!push('<<' + text.slice(start, j))) return i;
        i = j;
        continue;
      }
      i += 2;
      continue;
    }
    if (c === 40 /* ( */ || c === 91 /* [ */ || c === 123 /* { */) {
      if (!push(text[i])) return i;
      i++;
      continue;
    }
    if (c === 41 /* ) */ || c === 93 /* ] */ || c === 125 /* } */) {
      const want = c === 41 ? '(' : c === 93 ? '[' : '{';
      if (top === want || (c === 125 && top === '$')) stack.pop();
      i++;
      continue;
    }
    i++;
  }
  return undefined;
}

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}
