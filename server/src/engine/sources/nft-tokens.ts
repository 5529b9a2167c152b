/**
 * The words of `nft list ruleset` text and `nft -f` scripts: words, quoted strings, the punctuation `{ } ; ,`,
 * line ends (which end a statement as `;` does), `#` comments to the end of the line and `\` line continuations.
 * Offsets and 1-based lines kept for every token.
 */
export interface NftToken {
  /** the word (a string without its quotes), or `{ } ; , \n` */
  t: string;
  kind: 'word' | 'string' | 'punct' | 'newline';
  start: number;
  end: number;
  line: number;
}

const PUNCT = new Set(['{', '}', ';', ',']);

export function nftTokens(text: string): { tokens: NftToken[]; error?: { message: string; start: number; end: number } } {
  const tokens: NftToken[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') { tokens.push({ t: '\n', kind: 'newline', start: i, end: i + 1, line }); line++; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || /\s/.test(c)) { i++; continue; } // (a byte-order mark, a no-break space: white space)
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      line++;
      continue;
    }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (PUNCT.has(c)) { tokens.push({ t: c, kind: 'punct', start: i, end: i + 1, line }); i++; continue; }
    if (c === '"') {
      const start = i;
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') {
        if (text[j] === '\\' && j + 1 < text.length && text[j + 1] !== '\n') { s += text[j + 1]; j += 2; continue; }
        s += text[j++];
      }
      if (text[j] !== '"') return { tokens, error: { message: 'a string is not closed on this line', start, end: j } };
      tokens.push({ t: s, kind: 'string', start, end: j + 1, line });
      i = j + 1;
      continue;
    }
    const start = i;
    while (i < text.length && !/[\s{};,#"]/.test(text[i])) i++;
    if (i === start) i++; // (never an empty word: every turn of the loop moves on)
    tokens.push({ t: text.slice(start, i), kind: 'word', start, end: i, line });
  }
  return { tokens };
}
