import type { Span } from '../text/span';
import { CODES, type Code, type Severity } from './codes';

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
  /** what a quick fix needs to know (opaque to the CLI and the server) */
  fix?: FixHint;
}

/** Data the fix module reads back; the kinds are defined there. Kept loose here so findings stay plain data. */
export interface FixHint {
  kind: string;
  [key: string]: unknown;
}

export function finding(
  code: Code,
  path: string,
  span: Span,
  message: string,
  extra: { severity?: Severity; related?: RelatedInfo[]; fix?: FixHint } = {},
): Finding {
  return {
    code,
    severity: extra.severity ?? CODES[code].severity,
    message,
    path,
    span,
    related: extra.related ?? [],
    ...(extra.fix ? { fix: extra.fix } : {}),
  };
}
