/**
 * A small, safe XML reader. This is the only module that imports `saxes`.
 *
 * It turns a document into a plain element tree with UTF-16 offset spans, and never throws.
 *
 * Security:
 *  - saxes does not process DTDs: a DOCTYPE's internal subset is handed to us as a string and ignored, so no
 *    entity it declares is ever defined or expanded (references to them become "undefined entity" problems),
 *    and nothing external is ever fetched. A DOCTYPE that declares entities is reported as a problem.
 *  - The element tree is bounded in depth (MAX_DEPTH) and size (MAX_ELEMENTS); parsing stops with a problem
 *    when either bound is exceeded.
 *  - At most MAX_PROBLEMS problems are collected; then parsing stops (a binary file would otherwise produce one
 *    problem per byte).
 */
import { SaxesParser } from 'saxes';
import type { ParseProblem } from './problem';
import type { Span } from '../text/span';

export interface XmlAttribute {
  /** the attribute value with entities and character references decoded */
  value: string;
  /** span of the value between the quotes (quotes excluded) */
  span: Span;
  /** span of the attribute name */
  nameSpan: Span;
}

export interface XmlElement {
  name: string;
  attributes: Map<string, XmlAttribute>;
  children: XmlElement[];
  /** the whole element, from `<` of its start tag to `>` of its end tag (or of the self-closing tag) */
  span: Span;
  /** `<name …>` or `<name …/>` */
  startTagSpan: Span;
  selfClosing: boolean;
  /** `</name>`, when the element has a proper end tag */
  endTagSpan?: Span;
}

export interface XmlParseResult {
  /** the first (root) element; present even when the document has problems, as far as it could be read */
  root: XmlElement | null;
  problems: ParseProblem[];
}

export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
  maxProblems: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 64, maxElements: 100_000, maxProblems: 20 };

/** Thrown from inside a saxes handler to stop parsing; never escapes parseXml. */
class StopParsing extends Error {}

/** saxes prefixes its messages with `line:column: `; spans already say where, so drop it. */
function cleanSaxesMessage(message: string): string {
  let i = 0;
  let colons = 0;
  // skip "<digits>:<digits>: " (at most once)
  while (i < message.length && colons < 2) {
    const c = message.charCodeAt(i);
    if (c >= 48 && c <= 57) i++;
    else if (c === 58 /* : */) {
      colons++;
      i++;
    } else break;
  }
  if (colons === 2 && message.charCodeAt(i) === 32) return message.slice(i + 1);
  return message;
}

function isXmlSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlParseResult {
  const problems: ParseProblem[] = [];
  let root: XmlElement | null = null;
  const stack: XmlElement[] = [];
  let elementCount = 0;

  const parser = new SaxesParser({ position: true });

  const addProblem = (message: string, s: Span, limit = false): void => {
    problems.push(limit ? { message, span: s, limit } : { message, span: s });
    if (problems.length >= limits.maxProblems) {
      problems.push({ message: `too many XML problems; stopped reading after ${limits.maxProblems}`, span: s });
      throw new StopParsing();
    }
  };

  const pointSpan = (pos: number): Span => {
    const p = Math.max(0, Math.min(pos, text.length));
    const start = p > 0 ? p - 1 : 0;
    return { start, end: Math.max(start, Math.min(text.length, start + 1)) };
  };

  // the element whose start tag is being read (an object, so that TypeScript does not narrow it away)
  const reading: { current: XmlElement | null } = { current: null };

  parser.on('opentagstart', (tag) => {
    const pos = parser.position;
    const lt = Math.max(0, text.lastIndexOf('<', Math.max(0, pos - 1)));
    const depth = stack.length + 1;
    if (depth > limits.maxDepth) {
      addProblem(`XML elements are nested deeper than ${limits.maxDepth} levels; stopped reading`, { start: lt, end: pos }, true);
      throw new StopParsing();
    }
    elementCount++;
    if (elementCount > limits.maxElements) {
      addProblem(`the XML document has more than ${limits.maxElements} elements; stopped reading`, { start: lt, end: pos }, true);
      throw new StopParsing();
    }
    reading.current = {
      name: tag.name,
      attributes: new Map(),
      children: [],
      span: { start: lt, end: pos },
      startTagSpan: { start: lt, end: pos },
      selfClosing: false,
    };
  });

  parser.on('attribute', (a) => {
    const current = reading.current;
    if (!current) return;
    const pos = parser.position; // just after the closing quote (when quoted)
    const closing = text.charCodeAt(pos - 1);
    let valueStart: number;
    let valueEnd: number;
    if (closing === 34 /* " */ || closing === 39 /* ' */) {
      valueEnd = pos - 1;
      const open = text.lastIndexOf(closing === 34 ? '"' : "'", valueEnd - 1);
      valueStart = open >= 0 ? open + 1 : valueEnd;
    } else {
      // unquoted value (already reported by saxes): best effort
      valueEnd = pos;
      valueStart = Math.max(current.startTagSpan.start, pos - a.value.length);
    }
    // name: before the opening quote, skip spaces, '=', spaces
    let i = valueStart - 1;
    if (closing === 34 || closing === 39) i--; // the opening quote
    while (i > current.startTagSpan.start && isXmlSpace(text.charCodeAt(i))) i--;
    if (text.charCodeAt(i) === 61 /* = */) i--;
    while (i > current.startTagSpan.start && isXmlSpace(text.charCodeAt(i))) i--;
    const nameEnd = i + 1;
    const nameStart = Math.max(current.startTagSpan.start, nameEnd - a.name.length);
    if (!current.attributes.has(a.name)) {
      current.attributes.set(a.name, {
        value: a.value,
        span: { start: valueStart, end: valueEnd },
        nameSpan: { start: nameStart, end: nameEnd },
      });
    }
  });

  parser.on('opentag', (tag) => {
    const el = reading.current;
    reading.current = null;
    if (!el) return;
    const pos = parser.position;
    el.startTagSpan = { start: el.startTagSpan.start, end: pos };
    el.span = { start: el.span.start, end: pos };
    el.selfClosing = tag.isSelfClosing;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (!root) root = el;
    // a second root element is reported by saxes; it is not part of the tree
    stack.push(el);
  });

  parser.on('closetag', () => {
    const el = stack.pop();
    if (!el) return;
    const pos = parser.position;
    el.span = { start: el.span.start, end: pos };
    if (!el.selfClosing) {
      const lt = text.lastIndexOf('<', Math.max(0, pos - 1));
      // only a real `</name>` is this element's end tag (saxes also closes elements implicitly on errors)
      if (lt >= 0 && text.startsWith('</' + el.name, lt)) {
        const after = text.charCodeAt(lt + 2 + el.name.length);
        if (after === 62 /* > */ || isXmlSpace(after)) el.endTagSpan = { start: lt, end: pos };
      }
    }
  });

  parser.on('doctype', (doctype) => {
    const pos = parser.position;
    const start = Math.max(0, text.lastIndexOf('<!DOCTYPE', Math.max(0, pos - 1)));
    if (doctype.includes('<!ENTITY')) {
      addProblem('the DOCTYPE declares entities; DTDs are not processed and entities are not expanded', {
        start,
        end: pos,
      }, true);
    }
  });

  parser.on('error', (err) => {
    addProblem(cleanSaxesMessage(err.message), pointSpan(parser.position));
  });

  try {
    parser.write(text);
    parser.close();
  } catch (e) {
    if (!(e instanceof StopParsing)) {
      const message = e instanceof Error ? e.message : String(e);
      problems.push({ message: `XML could not be read: ${cleanSaxesMessage(message)}`, span: pointSpan(parser.position) });
    }
  }

  // elements left open (truncated document or stopped early) end at the end of the text
  for (const el of stack) el.span = { start: el.span.start, end: text.length };
  if (reading.current && !root) {
    const el: XmlElement = reading.current;
    el.span = { start: el.span.start, end: text.length };
    root = el;
  }
  return { root, problems };
}

/** The value of an attribute, or undefined. */
export function attr(el: XmlElement, name: string): string | undefined {
  return el.attributes.get(name)?.value;
}
