/** Character codes and small scans over text, shared by the YAML reader's modules. */

export const DASH = 45;
export const DOT = 46;
export const PERCENT = 37;
export const HASH = 35;
export const COLON = 58;
export const SPACE = 32;
export const TAB = 9;
export const LF = 10;
export const CR = 13;
export const CLOSE_BRACE = 125;
export const BOM = 0xfeff;

export function isBlankCode(c: number): boolean {
  return c === SPACE || c === TAB;
}

export function isSpaceCode(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

/**
 * The text as the YAML reader reads it: YAML (and kubectl) take a lone CR as a line break, the `yaml` package does
 * not, so each is read as an LF (offsets unchanged). `hasCr`: whether the text holds a CR, when known.
 */
export function loneCrAsLf(text: string, hasCr = text.includes('\r')): string {
  return hasCr ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** The offset after the line break of the line that starts at `i` (or the text's end). */
export function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl + 1;
}
