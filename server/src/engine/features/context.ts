/**
 * Where in a YAML document the cursor is, for completion and hover — also in half-typed documents.
 *
 * The YAML tree of a half-typed document is partial: `spec:\n  ty|` parses as `spec: "ty"`, and `- |` as an
 * empty item. So the cursor's line is looked at token by token (indentation, `- ` markers, the word being
 * typed — never the document's structure), the word is replaced by a placeholder key, and the real parser
 * decides by indentation which mapping that key belongs to. Values are found in the tree as it is: a pair
 * whose key is on the cursor's line and whose (empty or scalar) value the cursor is in.
 */
import { asMap, asSeq, get, parseYaml, scalarString, type YDocument, type YMap, type YNode, type YPair, type YScalar } from '../parse/yaml';
import type { Span } from '../text/span';

export type PathStep = string | number;

/** The Kubernetes object the cursor is in (its root map), and where that root sits in the document. */
export interface ObjectRef {
  root: YMap;
  kind: string | undefined;
  apiVersion: string | undefined;
}

interface Common {
  /**
   * Path from the object's root (or the document's root when there is no object). For a key: the mapping that
   * will hold it. For a value: the value's own path (its key last, or an index for a sequence item).
   */
  path: PathStep[];
  object: ObjectRef | undefined;
  /** what the completion replaces (in the original text) */
  replace: Span;
  /** the text typed so far in `replace`, up to the cursor */
  typed: string;
  /** the indentation step the document uses (for inserted nested lines) */
  indentUnit: number;
}

export interface KeyContext extends Common {
  kind: 'key';
  /** the keys already in that mapping (the one being typed excluded) */
  siblings: string[];
  /** the word is followed by `:` already: insert only the key */
  hasColon: boolean;
  /** the cursor's line starts a sequence item (`- |`) */
  dashItem: boolean;
  /** the document holds nothing but the key being typed */
  documentEmpty: boolean;
}

export interface ValueContext extends Common {
  kind: 'value';
  /** no space between the `:` and the cursor: inserted values need one in front */
  needsSpace: boolean;
  /** the value is quoted: `replace` is the text inside the quotes */
  quoted: boolean;
}

export type CursorContext = KeyContext | ValueContext;

const PLACEHOLDER = '__service_reach_cursor__';

function isLineBreak(c: string): boolean {
  return c === '\n' || c === '\r';
}

/** Characters that end a plain key or value word on one line. */
function isWordChar(c: string): boolean {
  return !(c === ' ' || c === '\t' || isLineBreak(c) || c === ':' || c === '#' || c === ',' || c === '[' || c === ']'
    || c === '{' || c === '}' || c === '"' || c === "'");
}

export function lineBounds(text: string, offset: number): { start: number; end: number } {
  let start = offset;
  while (start > 0 && !isLineBreak(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && !isLineBreak(text[end])) end++;
  return { start, end };
}

/**
 * The indentation step of a document: the smallest indentation (in spaces) of an indented line that is not a
 * comment, among the text's first 2,000 lines; 2 when none is. (Character codes: it runs on every completion.)
 */
export function indentUnitOf(text: string): number {
  const SPACE = 32;
  const LF = 10;
  const CR = 13;
  const HASH = 35;
  const length = text.length;
  let best = 0;
  let i = 0;
  let lines = 0;
  while (i < length && lines < 2000 && best !== 1) {
    let k = i;
    while (k < length && text.charCodeAt(k) === SPACE) k++;
    const c = text.charCodeAt(k);
    if (k > i && k < length && c !== LF && c !== CR && c !== HASH && (best === 0 || k - i < best)) best = k - i;
    i = k;
    while (i < length && text.charCodeAt(i) !== LF && text.charCodeAt(i) !== CR) i++;
    while (i < length && (text.charCodeAt(i) === LF || text.charCodeAt(i) === CR)) i++;
    lines++;
  }
  return best > 0 && best <= 8 ? best : 2;
}

/** The document of `documents` that holds `offset` (the last one starting at or before it). */
export function documentAt(documents: readonly YDocument[], offset: number): YDocument | undefined {
  let found: YDocument | undefined;
  for (const d of documents) if (d.span.start <= offset) found = d;
  return found;
}

/** The object a document's root is: itself, or the `kind: …List` item that `path` leads into. */
function objectOf(doc: YDocument, path: PathStep[]): { object: ObjectRef | undefined; rest: PathStep[] } {
  const root = asMap(doc.contents);
  if (!root) return { object: undefined, rest: path };
  const kind = scalarString(get(root, 'kind')?.value);
  const apiVersion = scalarString(get(root, 'apiVersion')?.value);
  if (kind !== undefined && kind.endsWith('List') && path[0] === 'items' && typeof path[1] === 'number') {
    const item = asMap(asSeq(get(root, 'items')?.value)?.items[path[1]]);
    if (item) {
      return {
        object: { root: item, kind: scalarString(get(item, 'kind')?.value), apiVersion: scalarString(get(item, 'apiVersion')?.value) },
        rest: path.slice(2),
      };
    }
  }
  const hasManifestKeys = get(root, 'kind') !== undefined || get(root, 'apiVersion') !== undefined;
  return { object: hasManifestKeys ? { root, kind, apiVersion } : undefined, rest: path };
}

/** Depth-first search for a node; returns the path of steps leading to it. */
function findPath(node: YNode | null, hit: (n: YNode, pair?: YPair) => boolean, path: PathStep[] = [], seen = new Set<YNode>()): PathStep[] | undefined {
  if (!node || seen.has(node)) return undefined;
  seen.add(node);
  if (node.kind === 'map') {
    for (const p of node.pairs) {
      if (hit(node, p)) return path;
      const r = findPath(p.value, hit, [...path, p.name], seen);
      if (r) return r;
    }
  } else if (node.kind === 'seq') {
    for (let i = 0; i < node.items.length; i++) {
      const r = findPath(node.items[i], hit, [...path, i], seen);
      if (r) return r;
    }
  }
  return undefined;
}

/** The node at a path below a root. */
export function nodeAt(root: YNode | null, path: readonly PathStep[]): YNode | null {
  let n: YNode | null = root;
  for (const step of path) {
    if (!n) return null;
    if (typeof step === 'number') n = asSeq(n)?.items[step] ?? null;
    else n = get(n, step)?.value ?? null;
  }
  return n;
}

/**
 * The cursor's context, or undefined where nothing can be completed (in a comment, inside a flow collection,
 * inside a multi-line scalar).
 */
export function cursorContext(text: string, offset: number, documents: readonly YDocument[]): CursorContext | undefined {
  offset = Math.max(0, Math.min(offset, text.length));
  const line = lineBounds(text, offset);
  const indentUnit = indentUnitOf(text);
  const doc = documentAt(documents, offset);

  // ---- a value: a pair whose key is on this line, before the cursor, past its `:`
  if (doc) {
    const v = valueAt(text, offset, line, doc);
    if (v) return { ...v, indentUnit };
  }

  // ---- a key: indentation, `- ` markers, then a word
  let i = line.start;
  while (i < offset && (text[i] === ' ' || text[i] === '\t')) i++;
  let dashItem = false;
  while (i < offset && text[i] === '-' && (i + 1 === offset || text[i + 1] === ' ' || text[i + 1] === '\t')) {
    dashItem = true;
    i++;
    while (i < offset && (text[i] === ' ' || text[i] === '\t')) i++;
  }
  const wordStart = i;
  for (; i < offset; i++) if (!isWordChar(text[i])) return undefined;
  if (text.startsWith('---', line.start) || text.startsWith('...', line.start)) return undefined; // a document marker
  let wordEnd = offset;
  while (wordEnd < line.end && isWordChar(text[wordEnd])) wordEnd++;
  let after = wordEnd;
  while (after < line.end && (text[after] === ' ' || text[after] === '\t')) after++;
  const hasColon = text[after] === ':' && after === wordEnd;

  // parse the cursor's document alone, with the word replaced by a placeholder key
  const sliceStart = doc ? doc.span.start : 0;
  const next = documents.find((d) => d.span.start > sliceStart);
  const sliceEnd = next ? next.span.start : text.length;
  if (wordStart < sliceStart || wordEnd > sliceEnd) return undefined;
  const patched = text.slice(sliceStart, wordStart) + PLACEHOLDER + (hasColon ? '' : ':') + text.slice(wordEnd, sliceEnd);
  const reparsed = parseYaml(patched, { template: true });
  const keyAt = wordStart - sliceStart;
  for (const d of reparsed.documents) {
    let holder: YMap | undefined;
    const path = findPath(d.contents, (n, p) => {
      if (p && p.key.span.start === keyAt && p.name === PLACEHOLDER) { holder = n as YMap; return true; }
      return false;
    });
    if (!path || !holder) continue;
    const { object, rest } = objectOf(d, path);
    const siblings = holder.pairs.map((p) => p.name).filter((n) => n !== PLACEHOLDER);
    const documentEmpty = path.length === 0 && siblings.length === 0;
    return {
      kind: 'key', path: rest, object, replace: { start: wordStart, end: wordEnd }, typed: text.slice(wordStart, offset),
      indentUnit, siblings, hasColon, dashItem, documentEmpty,
    };
  }
  return undefined;
}

function valueAt(text: string, offset: number, line: Span, doc: YDocument): Omit<ValueContext, 'indentUnit'> | undefined {
  let found: { pair: YPair } | undefined;
  const path = findPath(doc.contents, (_n, p) => {
    if (!p || found) return false;
    const k = p.key.span;
    if (k.start < line.start || k.end > offset || k.start > line.end) return false;
    // past the `:` that follows the key
    let i = k.end;
    while (i < offset && (text[i] === ' ' || text[i] === '\t')) i++;
    if (text[i] !== ':' || i >= offset) return false;
    const v = p.value;
    if (v === null) { found = { pair: p }; return true; }
    if (v.kind !== 'scalar' || v.style === 'block') return false;
    // the cursor must be in the value, and the value on this line
    if (v.span.start > offset || v.span.end < offset || v.span.start < line.start || v.span.end > line.end) return false;
    found = { pair: p };
    return true;
  });
  if (!found || !path) return undefined;
  const full = [...path, found.pair.name];
  const { object, rest } = objectOf(doc, full);
  const colon = text.indexOf(':', found.pair.key.span.end);
  const needsSpace = colon >= 0 && colon + 1 === offset;
  const v = found.pair.value as YScalar | null;
  if (v && v.span.start <= offset && offset <= v.span.end && v.span.start >= line.start) {
    const quoted = v.style === 'single' || v.style === 'double';
    const replace = quoted ? { start: v.span.start + 1, end: Math.max(v.span.start + 1, v.span.end - 1) } : { start: v.span.start, end: v.span.end };
    if (quoted && (offset <= v.span.start || offset > replace.end)) return undefined;
    return { kind: 'value', path: rest, object, replace, typed: text.slice(replace.start, offset), needsSpace: !quoted && text[replace.start - 1] === ':', quoted };
  }
  let wordStart = offset;
  while (wordStart > line.start && isWordChar(text[wordStart - 1])) wordStart--;
  let wordEnd = offset;
  while (wordEnd < line.end && isWordChar(text[wordEnd])) wordEnd++;
  return { kind: 'value', path: rest, object, replace: { start: wordStart, end: wordEnd }, typed: text.slice(wordStart, offset), needsSpace, quoted: false };
}

// ------------------------------------------------------------------------------------------------ hover

export interface NodeAtOffset {
  object: ObjectRef | undefined;
  /** path from the object root to the pair or item under the cursor */
  path: PathStep[];
  /** the pair under the cursor (on its key or on its scalar value) */
  pair?: YPair;
  onKey: boolean;
  /** the span of what the cursor is on (a key, a scalar, a `- ` item) */
  span: Span;
}

/** What the cursor is on in the tree as parsed (for hover). */
export function nodeAtOffset(documents: readonly YDocument[], offset: number): NodeAtOffset | undefined {
  const doc = documentAt(documents, offset);
  if (!doc || !doc.contents) return undefined;
  const path: PathStep[] = [];
  let node: YNode | null = doc.contents;
  let result: { pair?: YPair; onKey: boolean; span: Span } | undefined;
  const seen = new Set<YNode>();
  while (node && !seen.has(node)) {
    seen.add(node);
    if (node.kind === 'map') {
      const p: YPair | undefined = node.pairs.find((q) => q.span.start <= offset && offset <= q.span.end);
      if (!p) break;
      path.push(p.name);
      if (p.key.span.start <= offset && offset <= p.key.span.end) { result = { pair: p, onKey: true, span: p.key.span }; break; }
      if (p.value && p.value.kind === 'scalar') {
        if (p.value.span.start <= offset && offset <= p.value.span.end) result = { pair: p, onKey: false, span: p.value.span };
        break;
      }
      node = p.value;
    } else if (node.kind === 'seq') {
      const idx: number = node.items.findIndex((it) => !!it && it.span.start <= offset && offset <= it.span.end);
      if (idx < 0) break;
      path.push(idx);
      const item: YNode | null = node.items[idx];
      if (item && item.kind === 'scalar') { result = { onKey: false, span: item.span }; break; }
      node = item;
    } else break;
  }
  if (!result) return undefined;
  const { object, rest } = objectOf(doc, path);
  return { object, path: rest, ...result };
}
