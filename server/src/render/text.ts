/**
 * Text for the diagram: escaping for XML, and width estimates so that boxes fit their text without a DOM.
 * A host with a real text measurer (a canvas in the webview) can pass its own `TextMeasure`.
 */

export type TextStyle = 'title' | 'heading' | 'strong' | 'body' | 'small';

/** Width in px of `text` drawn in `style`. */
export type TextMeasure = (text: string, style: TextStyle) => number;

export const FONT_SIZE: Record<TextStyle, number> = { title: 15, heading: 13, strong: 12, body: 12, small: 11 };
const BOLD: Record<TextStyle, boolean> = { title: true, heading: true, strong: true, body: false, small: false };

export function lineHeight(style: TextStyle): number {
  return Math.round(FONT_SIZE[style] * 1.4);
}

/**
 * Escape text for XML character data and attribute values. Characters XML 1.0 cannot hold at all (most C0
 * controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD, so that no manifest value can break the document.
 */
export function escapeXml(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x26: out += '&amp;'; continue;
      case 0x3c: out += '&lt;'; continue;
      case 0x3e: out += '&gt;'; continue;
      case 0x22: out += '&quot;'; continue;
      case 0x27: out += '&#39;'; continue;
      case 0x09: out += '&#9;'; continue;
      case 0x0a: out += '&#10;'; continue;
      case 0x0d: out += '&#13;'; continue;
    }
    if (c < 0x20 || c === 0xfffe || c === 0xffff) { out += '\ufffd'; continue; }
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { out += text[i] + text[i + 1]; i++; continue; }
      out += '\ufffd';
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) { out += '\ufffd'; continue; }
    out += text[i];
  }
  return out;
}

/** A conservative estimate (a little wider than common sans-serif fonts), in px. */
export const estimateTextWidth: TextMeasure = (text, style) => {
  let em = 0;
  for (const ch of text) {
    if ('il.,:;|!\'`'.includes(ch)) em += 0.3;
    else if ('fjrtI()[]{} /\\-'.includes(ch)) em += 0.4;
    else if ('mwMW@%'.includes(ch)) em += 0.9;
    else if (ch >= 'A' && ch <= 'Z') em += 0.7;
    else if (ch.charCodeAt(0) > 0x2000) em += 1.0; // symbols: arrows, check marks
    else em += 0.6;
  }
  return Math.ceil(em * FONT_SIZE[style] * (BOLD[style] ? 1.08 : 1));
};

/**
 * Break `text` into lines no wider than `max` (breaking at spaces; a word longer than a line is cut).
 *
 * Linear in the text (times the log of a line's length): a word is measured as a whole once, and a word wider
 * than a line is cut at the longest prefix that fits, found by doubling and then halving the prefix, so each cut
 * measures at most a few times the line it makes — never the rest of the word (an 8,000-character port name used
 * to take minutes, measuring every prefix of the rest for every line).
 */
export function wrapText(text: string, max: number, style: TextStyle, measure: TextMeasure, indent = ''): string[] {
  if (measure(text, style) <= max) return [text];
  const words = text.split(' ');
  const lines: string[] = [];
  let current = '';
  const indentWidth = measure(indent, style);
  const push = (line: string) => lines.push(lines.length ? indent + line : line);
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    const room = max - (lines.length ? indentWidth : 0);
    if (measure(candidate, style) <= room) { current = candidate; continue; }
    if (current) push(current);
    // a single word wider than the line: cut it (at least one character per line)
    const limit = max - indentWidth;
    let from = 0;
    while (word.length - from > 1) {
      const fit = longestFit(word, from, limit, style, measure);
      if (fit === word.length - from) break; // the rest fits
      const cut = Math.max(1, fit);
      push(word.slice(from, from + cut));
      from += cut;
    }
    current = word.slice(from);
  }
  if (current) push(current);
  return lines;
}

/** The length of the longest prefix of `word.slice(from)` no wider than `limit` (0 when not one character fits). */
function longestFit(word: string, from: number, limit: number, style: TextStyle, measure: TextMeasure): number {
  const rest = word.length - from;
  const fits = (n: number) => measure(word.slice(from, from + n), style) <= limit;
  let lo = 0; // fits
  let hi = 1;
  for (;;) {
    const probe = Math.min(hi, rest);
    if (!fits(probe)) { hi = probe; break; }
    lo = probe;
    if (probe === rest) return rest;
    hi *= 2;
  }
  // prefix lo fits, prefix hi does not
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (fits(mid)) lo = mid; else hi = mid;
  }
  return lo;
}

/** Shorten to at most `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}
