/**
 * Workspace text shown where a terminal, a CI log or a viewer could act on it: every character that moves the
 * cursor, starts an escape sequence (ESC, CSI, OSC 52 clipboard writes, hyperlinks), rings the bell, ends a line
 * or reorders what is shown (bidi overrides) is written as a visible escape instead, so that a Service name, a
 * port name, an annotation value or a file name can neither act on the terminal nor forge a line of output.
 *
 * `\n` `\r` `\t` for those three; `\xHH` for the other C0 controls, DEL and the C1 controls (U+0080–U+009F);
 * `\uHHHH` for the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the line and
 * paragraph separators (U+2028, U+2029) and lone surrogates. Every other character is kept (a backslash too:
 * the output is for reading, not for parsing back).
 */

/** Does the text hold a character `escapeControls` rewrites? (Linear; no allocation when it does not.) */
export function hasControls(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (needsEscape(text, i)) return true;
  return false;
}

export function escapeControls(text: string): string {
  if (!hasControls(text)) return text;
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (!needsEscape(text, i)) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) i++; // a valid pair: both halves kept
      continue;
    }
    out += text.slice(from, i) + escapeOne(text.charCodeAt(i));
    from = i + 1;
  }
  return out + text.slice(from);
}

function needsEscape(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  if (c < 0x2028) return false;
  if (c <= 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(i + 1);
    return !(d >= 0xdc00 && d <= 0xdfff);
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const b = text.charCodeAt(i - 1);
    return !(i > 0 && b >= 0xd800 && b <= 0xdbff);
  }
  return false;
}

function escapeOne(c: number): string {
  switch (c) {
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
  }
  if (c <= 0xff) return `\\x${c.toString(16).padStart(2, '0')}`;
  return `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
}
