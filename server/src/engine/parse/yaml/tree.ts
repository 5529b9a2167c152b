/**
 * The tree the YAML reader hands out: maps, sequences and scalars, each with its span (UTF-16 offsets into the
 * file's text), documents, and the helpers that walk it. Plain data: nothing here knows the `yaml` package.
 * Aliases and merge keys make a node or pair appear more than once in a tree (shared, never copied).
 */
import type { Span } from '../../text/span';
import type { ParseProblem } from '../problem';

export type ScalarValue = string | number | boolean | null;

export interface YScalar {
  kind: 'scalar';
  value: ScalarValue;
  span: Span;
  style: 'plain' | 'single' | 'double' | 'block';
  /** the value holds a template expression (`{{ … }}`): it is unknown, never wrong */
  template: boolean;
}

export interface YPair {
  key: YScalar;
  /** the key as text (`String(key.value)`) */
  name: string;
  value: YNode | null;
  /** from the key's start to the end of the value (or of the key when there is no value) */
  span: Span;
}

export interface YMap {
  kind: 'map';
  pairs: YPair[];
  span: Span;
  flow: boolean;
  /**
   * Template actions sit among its pairs (a Helm `if`, `range`, `include` line): rendered, it may hold more
   * pairs, fewer or other ones. What is written is read, but a missing or duplicate key or a count is unknown.
   */
  templated: boolean;
}

export interface YSeq {
  kind: 'seq';
  items: (YNode | null)[];
  span: Span;
  flow: boolean;
  /** Template actions sit among its items: missing or duplicate items and the count are unknown (see `YMap`). */
  templated: boolean;
}

export type YNode = YMap | YSeq | YScalar;

export interface YDocument {
  /** 0-based index of the document in its file */
  index: number;
  /** from the document's first byte (its `---` marker or first content) to its end */
  span: Span;
  contents: YNode | null;
  /**
   * Only the document's header (`apiVersion`, `kind`, `metadata`) is in `contents`: it is a kind whose body no
   * analysis reads (`HEADER_ONLY_KINDS` in `read.ts`); the body was parsed, its syntax checked, and not kept.
   */
  headerOnly?: true;
}

export interface YamlParseResult {
  documents: YDocument[];
  problems: ParseProblem[];
}

/** Documents whose tree holds a node or pair twice (aliases, merge keys): marked by the reader, read by the moves. */
export const SHARED = new WeakSet<YDocument>();

export function get(map: YNode | null | undefined, key: string): YPair | undefined {
  if (!map || map.kind !== 'map') return undefined;
  for (const p of map.pairs) if (p.name === key) return p;
  return undefined;
}

export function getValue(map: YNode | null | undefined, key: string): YNode | null {
  return get(map, key)?.value ?? null;
}

export function asMap(n: YNode | null | undefined): YMap | null {
  return n && n.kind === 'map' ? n : null;
}

export function asSeq(n: YNode | null | undefined): YSeq | null {
  return n && n.kind === 'seq' ? n : null;
}

export function asScalar(n: YNode | null | undefined): YScalar | null {
  return n && n.kind === 'scalar' ? n : null;
}

/** A scalar's value as a string when it is a plain string (not a template), else undefined. */
export function scalarString(n: YNode | null | undefined): string | undefined {
  const s = asScalar(n);
  if (!s || s.template) return undefined;
  return typeof s.value === 'string' ? s.value : undefined;
}

/** A scalar's text as Kubernetes would read it as a string (numbers and booleans included). */
export function scalarText(n: YNode | null | undefined): string | undefined {
  const s = asScalar(n);
  if (!s || s.template || s.value === null) return undefined;
  return String(s.value);
}

/** What a parse used, for reading a file document by document (`YamlFile`). */
export interface CountedParse {
  result: YamlParseResult;
  /** nodes converted, and nodes aliases added to the tree */
  nodes: number;
  aliasNodes: number;
  /** the `yaml` package reported errors (also in templates, where they are not problems) */
  errors: boolean;
  /** a limit was hit, or the composer failed */
  limited: boolean;
  /** a template action opens and runs unclosed to the end: the text may not be read apart from what follows */
  openTemplate?: boolean;
}
