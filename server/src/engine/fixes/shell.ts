/**
 * Shell words for the commands a fix offers to copy (`firewall-cmd`, `oci`). They are shown or copied, never
 * run. Every value that is not made only of characters that are safe everywhere is single-quoted, a quote
 * inside becoming `'\''`, so that a POSIX shell hands the program exactly the intended argument whatever the
 * value holds (spaces, quotes, `$()`, backticks, newlines).
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word that a POSIX shell reads back as exactly `value`. */
export function shellQuote(value: string): string {
  if (SAFE.test(value)) return value;
  return `'${value.split("'").join(`'\\''`)}'`;
}

/** `--name=value` as one word: the option name as is, the value quoted when it needs to be. */
export function shellOption(name: string, value: string): string {
  return `${name}=${shellQuote(value)}`;
}

/** A command line: the words are already quoted where needed. */
export function commandLine(words: readonly string[]): string {
  return words.join(' ');
}
