/** Small helpers of the YAML reader (`read.ts`) that need nothing of the `yaml` package. */
import type { Span } from '../../text/span';
import type { ParseProblem } from '../problem';

/**
 * Kinds whose body no analysis reads, and which are large: of a document of such a kind (outside templates) only
 * the header is kept (`YDocument.headerOnly`). A repository's CustomResourceDefinitions (their OpenAPI schemas)
 * are often half of its YAML.
 */
export const HEADER_ONLY_KINDS = new Set(['CustomResourceDefinition']);
export const HEADER_KEYS = new Set(['apiVersion', 'kind', 'metadata']);

/** A map key's identity among its map's keys: by type and value (`1` and `"1"` are two keys). */
export function keyId(value: unknown): string {
  return `${typeof value}:${String(value)}`;
}

export function clampSpan(start: number, end: number, length: number): Span {
  const s = Math.max(0, Math.min(start, length));
  return { start: s, end: Math.max(s, Math.min(end, length)) };
}

export function limitProblem(text: string, at: number, message: string): ParseProblem {
  const start = Math.max(0, Math.min(at, text.length));
  return { message, span: { start, end: Math.min(start + 1, text.length) }, limit: true };
}

/** The first line of the `yaml` package's message, without its position (the span says it). */
export function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  const line = nl < 0 ? message : message.slice(0, nl);
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}

export interface Budget {
  /** nodes that may still be converted */
  left: number;
  /** nodes that aliases may still add to the expanded tree */
  aliasLeft: number;
  /** which limits were already reported (one problem each per file) */
  reported: Set<string>;
}
