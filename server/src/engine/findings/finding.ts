import type { Span } from '../text/span';
import { CODES, type Code, type Severity } from './codes';
import type { FixHint } from './fix-hint';

export type { FixHint } from './fix-hint';

/** Points at a place that explains a finding: the rule sources that were checked, the other Service, … */
export interface RelatedInfo {
  path: string;
  span: Span;
  message: string;
}

/** One finding: plain data, in offsets. The CLI and the language server turn spans into positions at their edge. */
export interface Finding {
  code: Code;
  severity: Severity;
  message: string;
  /** workspace-relative POSIX path of the file the finding is in */
  path: string;
  span: Span;
  related: RelatedInfo[];
  /** what a quick fix needs to know (fix-hint.ts; opaque to the CLI and the server) */
  fix?: FixHint;
}

export function finding(
  code: Code,
  path: string,
  span: Span,
  message: string,
  extra: { severity?: Severity; related?: RelatedInfo[]; fix?: FixHint } = {},
): Finding {
  const related = extra.related ?? [];
  return {
    code,
    severity: extra.severity ?? CODES[code].severity,
    message,
    path,
    span,
    related: related.length > MAX_RELATED ? relatedList(related, (r) => r) : related,
    ...(extra.fix ? { fix: extra.fix } : {}),
  };
}

// ------------------------------------------------------------------------------------ bounded lists
// A workspace may hold thousands of Services sharing a node port or thousands of security lists: a finding names
// a few of them and counts the rest, so that findings stay small whatever the workspace (docs/robustness.md).

/** At most this many related locations per finding. */
export const MAX_RELATED = 20;

/** At most this many names are spelt out in a message. */
export const MAX_LISTED = 10;

/** Related information for the first MAX_RELATED items; the last one says how many more there are. */
export function relatedList<T>(items: readonly T[], info: (item: T) => RelatedInfo): RelatedInfo[] {
  const out = items.slice(0, MAX_RELATED).map(info);
  if (items.length > MAX_RELATED) {
    const last = out[out.length - 1];
    out[out.length - 1] = { ...last, message: `${last.message} (and ${items.length - MAX_RELATED} more)` };
  }
  return out;
}

/**
 * Addresses or ranges in a message: every one up to MAX_LISTED; past that, how many there are and the first two
 * (`100,000 ranges (203.0.113.0/24, 198.51.100.0/24, … 99,998 more)`), so that a message stays small however many a
 * Service or the config lists (each used to be copied into every message about them).
 */
export function rangesText(items: readonly string[], noun = 'ranges'): string {
  if (items.length <= MAX_LISTED) return items.join(', ');
  return `${countText(items.length)} ${noun} (${items.slice(0, 2).join(', ')}, … ${countText(items.length - 2)} more)`;
}

/** A count with thousands separators: 100,000. */
export function countText(n: number): string {
  return n.toLocaleString('en-US');
}

/** `a, b, c`; past MAX_LISTED: `a, b, …, j and 12 more` (`total`: how many there are when `items` is a prefix). */
export function listText(items: readonly string[], total = items.length): string {
  const shown = items.slice(0, MAX_LISTED);
  const more = total - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
