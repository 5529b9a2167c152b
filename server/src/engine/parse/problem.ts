/**
 * What a reader reports about a file it could not read in full: a syntax error or a limit hit, with its span in
 * that file. Every parser and every rule-source reader returns these (never throws).
 */
import type { Span } from '../text/span';

export interface ParseProblem {
  message: string;
  span: Span;
  /** a safety limit was hit (depth, size, alias expansion, time): reported as `input-too-complex`, not as a syntax error */
  limit?: boolean;
}
