/**
 * JSON reading (and, for fixes, editing). This is the only module that imports `jsonc-parser`.
 *
 * `parseJson` is tolerant: it returns as much of a tree as it can read together with problems (with spans), and
 * never throws. Offsets are UTF-16 offsets into the text, as everywhere in the engine.
 *
 * Limits: jsonc-parser's parser recurses once per nesting level, so the text is first scanned (with its own,
 * iterative scanner) and only the part before the first value nested deeper than `maxDepth` is parsed; that
 * cut is a problem with `limit: true`. A byte-order mark is read as white space (offsets unchanged).
 */
import * as jsonc from 'jsonc-parser';
import type { ParseProblem } from './problem';
import type { Span } from '../text/span';

/** A node of the JSON tree (jsonc-parser's node: `type`, `offset`, `length`, `value`, `children`, `parent`). */
export type JsonNode = jsonc.Node;
export type JsonPath = jsonc.JSONPath;

export interface JsonParseOptions {
  /** accept `//` and block comments silently (default false: a comment is a problem, as in strict JSON) */
  allowComments?: boolean;
  /** accept a trailing comma silently (default false) */
  allowTrailingComma?: boolean;
  /** objects and arrays nested deeper than this are not read (default 256) */
  maxDepth?: number;
}

export const JSON_LIMITS = { maxDepth: 256 } as const;

// jsonc-parser's SyntaxKind values (a const enum in its typings, which a bundler cannot inline)
const TOKEN = { openBrace: 1, closeBrace: 2, openBracket: 3, closeBracket: 4, eof: 17 } as const;

export interface JsonParseResult {
  root: JsonNode | null;
  problems: ParseProblem[];
}

const MAX_PROBLEMS = 20;

// jsonc-parser's ParseErrorCode values (a const enum in its typings)
const ERROR_MESSAGES: Record<number, string> = {
  1: 'invalid symbol',
  2: 'invalid number format',
  3: 'property name expected',
  4: 'value expected',
  5: 'colon expected',
  6: 'comma expected',
  7: 'closing brace expected',
  8: 'closing bracket expected',
  9: 'end of file expected',
  10: 'comments are not permitted in JSON',
  11: 'unexpected end of comment',
  12: 'unexpected end of string',
  13: 'unexpected end of number',
  14: 'invalid unicode sequence',
  15: 'invalid escape character',
  16: 'invalid character',
};

export function parseJson(text: string, options: JsonParseOptions = {}): JsonParseResult {
  const errors: jsonc.ParseError[] = [];
  let root: JsonNode | undefined;
  const maxDepth = options.maxDepth ?? JSON_LIMITS.maxDepth;
  // a BOM is not JSON, but editors write it: read it as a space, which keeps every offset
  const source = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  const cut = depthCut(source, maxDepth);
  try {
    root = jsonc.parseTree(cut === undefined ? source : source.slice(0, cut), errors, {
      disallowComments: !options.allowComments,
      allowTrailingComma: !!options.allowTrailingComma,
      allowEmptyContent: false,
    });
  } catch (e) {
    // e.g. a stack overflow on absurdly deep nesting
    const message = e instanceof Error ? e.message : String(e);
    return { root: null, problems: [{ message: `JSON could not be read: ${message}`, span: { start: 0, end: Math.min(1, text.length) } }] };
  }
  const problems: ParseProblem[] = [];
  for (const err of errors) {
    if (cut !== undefined && err.offset >= cut) continue; // the end of the part that was read, not of the text
    if (problems.length >= MAX_PROBLEMS) {
      problems.push({ message: `too many JSON problems; only the first ${MAX_PROBLEMS} are shown`, span: problems[problems.length - 1].span });
      break;
    }
    const start = Math.max(0, Math.min(err.offset, text.length));
    const end = Math.max(start, Math.min(text.length, err.offset + Math.max(err.length, 0)));
    const message = ERROR_MESSAGES[err.error] ?? `JSON syntax error (${jsonc.printParseErrorCode(err.error)})`;
    problems.push({ message, span: { start, end: end === start ? Math.min(text.length, start + 1) : end } });
  }
  if (cut !== undefined) {
    problems.push({
      message: `the JSON is nested deeper than ${maxDepth} levels here; the rest of the file was not read`,
      span: { start: cut, end: cut + 1 },
      limit: true,
    });
  }
  return { root: root ?? null, problems };
}

/**
 * The offset of the first `{` or `[` nested deeper than `maxDepth`, else undefined. Scanned with jsonc-parser's
 * own scanner (strings and comments as it reads them); a closer pops only a matching opener, so the count never
 * falls below the parser's own depth.
 */
function depthCut(text: string, maxDepth: number): number | undefined {
  const scanner = jsonc.createScanner(text, true);
  const open: number[] = [];
  for (let t: number = scanner.scan(); t !== TOKEN.eof; t = scanner.scan()) {
    if (t === TOKEN.openBrace || t === TOKEN.openBracket) {
      if (open.length >= maxDepth) return scanner.getTokenOffset();
      open.push(t);
    } else if (t === TOKEN.closeBrace || t === TOKEN.closeBracket) {
      if (open[open.length - 1] === (t === TOKEN.closeBrace ? TOKEN.openBrace : TOKEN.openBracket)) open.pop();
    }
  }
  return undefined;
}

export function jsonSpan(node: JsonNode): Span {
  return { start: node.offset, end: node.offset + node.length };
}

export interface JsonProperty {
  /** the `property` node (key, colon and value) */
  node: JsonNode;
  key: JsonNode;
  /** undefined when the value is missing (broken document) */
  value: JsonNode | undefined;
}

/** The property `key` of an object node (the last one when a key is repeated, as JSON.parse does). */
export function findProperty(obj: JsonNode | undefined, key: string): JsonProperty | undefined {
  if (!obj || obj.type !== 'object' || !obj.children) return undefined;
  for (let i = obj.children.length - 1; i >= 0; i--) {
    const prop = obj.children[i];
    const k = prop.children?.[0];
    if (prop.type === 'property' && k && k.value === key) return { node: prop, key: k, value: prop.children?.[1] };
  }
  return undefined;
}

/** The value node of property `key`, or undefined. */
export function propertyValue(obj: JsonNode | undefined, key: string): JsonNode | undefined {
  return findProperty(obj, key)?.value;
}

/** The keys of an object node, in document order. */
export function propertyKeys(obj: JsonNode | undefined): string[] {
  if (!obj || obj.type !== 'object' || !obj.children) return [];
  const keys: string[] = [];
  for (const prop of obj.children) {
    const k = prop.children?.[0];
    if (prop.type === 'property' && k && typeof k.value === 'string') keys.push(k.value);
  }
  return keys;
}

/** Array elements (empty for anything that is not an array). */
export function arrayItems(node: JsonNode | undefined): JsonNode[] {
  return node && node.type === 'array' && node.children ? node.children : [];
}

export function stringValue(node: JsonNode | undefined): string | undefined {
  return node && node.type === 'string' && typeof node.value === 'string' ? node.value : undefined;
}

export function numberValue(node: JsonNode | undefined): number | undefined {
  return node && node.type === 'number' && typeof node.value === 'number' ? node.value : undefined;
}

export function booleanValue(node: JsonNode | undefined): boolean | undefined {
  return node && node.type === 'boolean' && typeof node.value === 'boolean' ? node.value : undefined;
}

export function isJsonNull(node: JsonNode | undefined): boolean {
  return !!node && node.type === 'null';
}

/** The plain JavaScript value of a node (objects, arrays, literals). */
export function jsonValue(node: JsonNode | undefined): unknown {
  if (!node) return undefined;
  try {
    return jsonc.getNodeValue(node);
  } catch {
    return undefined;
  }
}

/** The path of a node from the root, e.g. ['data', 0, 'ingress-security-rules']. */
export function jsonPathOf(node: JsonNode): JsonPath {
  return jsonc.getNodePath(node);
}

// ------------------------------------------------------------------------------------------------ editing

export interface JsonTextEdit {
  offset: number;
  length: number;
  content: string;
}

export interface JsonModifyOptions {
  /**
   * Format the inserted value (default true). Note that jsonc-parser then also reformats the neighbouring
   * elements of the changed object or array; pass false to change only the bytes of the value itself (plus the
   * comma), e.g. when the caller formats the value text on its own.
   */
  format?: boolean;
  insertSpaces?: boolean;
  tabSize?: number;
  eol?: string;
  /** when the path ends in an array index: insert there instead of replacing */
  isArrayInsertion?: boolean;
}

/**
 * The edits that set `path` to `value` (undefined removes it), formatted like the rest of the file as far as
 * jsonc-parser can. Returns no edits (rather than throwing) when the change cannot be computed.
 */
export function modifyJson(text: string, path: JsonPath, value: unknown, options: JsonModifyOptions = {}): JsonTextEdit[] {
  try {
    return jsonc.modify(text, path, value, {
      formattingOptions:
        options.format === false
          ? undefined
          : { insertSpaces: options.insertSpaces ?? true, tabSize: options.tabSize ?? 2, eol: options.eol ?? '\n' },
      isArrayInsertion: options.isArrayInsertion,
    });
  } catch {
    return [];
  }
}

/** Applies edits as returned by modifyJson. */
export function applyJsonEdits(text: string, edits: JsonTextEdit[]): string {
  return jsonc.applyEdits(text, edits);
}
