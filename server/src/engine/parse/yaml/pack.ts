/**
 * Documents' trees as numbers, and back: how a parse made on another thread crosses to the engine
 * (`ahead.ts`). A structured clone of the trees cost the two threads 1.3 s of a 9 s check of a large repository
 * (every node, pair and span an object serialized, then deserialized, then copied again as the reader builds it);
 * the numbers travel in one buffer, moved rather than copied, and the engine builds the trees once, as the reader
 * builds them (a scalar whose value is its own text is that text's slice).
 *
 * Each node is a record in pre-order — `SCALAR start end flags value`, `SEQ start end flags count` then its
 * items, `MAP start end flags count` then its pairs (`PAIR start end name` then key and value), `NULL` for a
 * missing node — and a node or pair met a second time (aliases, merge keys) is `REF id`, ids given in the order
 * nodes and pairs are finished: the tree that comes out shares what the tree that went in shared.
 */
import { SHARED, type ScalarValue, type YDocument, type YMap, type YNode, type YPair, type YScalar, type YSeq } from './tree';

export interface PackedTrees {
  /** the records; its buffer may be transferred */
  numbers: Float64Array;
  /** string values that are not their own text, and pair names that are not their key's value */
  strings: string[];
  documents: number;
}

const NULL = 0;
const SCALAR = 1;
const SEQ = 2;
const MAP = 3;
const PAIR = 4;
const REF = 5;

const STYLES: readonly YScalar['style'][] = ['plain', 'single', 'double', 'block'];
const STYLE_CODE: Record<YScalar['style'], number> = { plain: 0, single: 1, double: 2, block: 3 };
/** a scalar's value: in the flags above the style and template bits */
const V_NULL = 0;
const V_FALSE = 1;
const V_TRUE = 2;
const V_NUMBER = 3;
const V_SLICE = 4;
const V_STRING = 5;

/** `text`: what was parsed (string values at their own span in it are sent as that span). */
export function packDocuments(documents: readonly YDocument[], text: string): PackedTrees {
  const numbers: number[] = [];
  const strings: string[] = [];
  const ids = new Map<YNode | YPair, number>();
  let finished = 0;
  const node = (n: YNode | null): void => {
    if (n === null) { numbers.push(NULL); return; }
    const id = ids.get(n);
    if (id !== undefined) { numbers.push(REF, id); return; }
    const { start, end } = n.span;
    if (n.kind === 'scalar') {
      const v = n.value;
      let type: number;
      let value = 0;
      if (v === null) type = V_NULL;
      else if (v === false) type = V_FALSE;
      else if (v === true) type = V_TRUE;
      else if (typeof v === 'number') { type = V_NUMBER; value = v; }
      else if (end - start === v.length && text.startsWith(v, start)) type = V_SLICE;
      else { type = V_STRING; value = strings.push(v) - 1; }
      numbers.push(SCALAR, start, end, STYLE_CODE[n.style] | (n.template ? 4 : 0) | (type << 3), value);
    } else if (n.kind === 'seq') {
      numbers.push(SEQ, start, end, (n.flow ? 1 : 0) | (n.templated ? 2 : 0), n.items.length);
      for (const item of n.items) node(item);
    } else {
      numbers.push(MAP, start, end, (n.flow ? 1 : 0) | (n.templated ? 2 : 0), n.pairs.length);
      for (const p of n.pairs) pair(p);
    }
    ids.set(n, finished++);
  };
  const pair = (p: YPair): void => {
    const id = ids.get(p);
    if (id !== undefined) { numbers.push(REF, id); return; }
    numbers.push(PAIR, p.span.start, p.span.end, p.key.value === p.name ? -1 : strings.push(p.name) - 1);
    node(p.key);
    node(p.value);
    ids.set(p, finished++);
  };
  for (const d of documents) {
    numbers.push(d.index, d.span.start, d.span.end, (d.headerOnly ? 1 : 0) | (SHARED.has(d) ? 2 : 0));
    node(d.contents);
  }
  return { numbers: Float64Array.from(numbers), strings, documents: documents.length };
}

/** The documents `packDocuments` packed, built as the reader builds them; `text`: the text that was parsed. */
export function unpackDocuments(packed: PackedTrees, text: string): YDocument[] {
  const { numbers, strings } = packed;
  const finished: (YNode | YPair)[] = [];
  let at = 0;
  const scalarValue = (type: number, value: number, start: number, end: number): ScalarValue =>
    type === V_NULL ? null : type === V_FALSE ? false : type === V_TRUE ? true : type === V_NUMBER ? value
      : type === V_SLICE ? text.slice(start, end) : strings[value];
  const node = (): YNode | null => {
    const op = numbers[at++];
    if (op === NULL) return null;
    if (op === REF) return finished[numbers[at++]] as YNode;
    const start = numbers[at++];
    const end = numbers[at++];
    const flags = numbers[at++];
    const count = numbers[at++];
    let out: YNode;
    if (op === SCALAR) {
      out = { kind: 'scalar', value: scalarValue(flags >> 3, count, start, end), span: { start, end }, style: STYLES[flags & 3], template: (flags & 4) !== 0 };
    } else if (op === SEQ) {
      const items = new Array<YNode | null>(count);
      for (let i = 0; i < count; i++) items[i] = node();
      out = { kind: 'seq', items, span: { start, end }, flow: (flags & 1) !== 0, templated: (flags & 2) !== 0 } satisfies YSeq;
    } else {
      const pairs = new Array<YPair>(count);
      for (let i = 0; i < count; i++) pairs[i] = pair();
      out = { kind: 'map', pairs, span: { start, end }, flow: (flags & 1) !== 0, templated: (flags & 2) !== 0 } satisfies YMap;
    }
    finished.push(out);
    return out;
  };
  const pair = (): YPair => {
    const op = numbers[at++];
    if (op === REF) return finished[numbers[at++]] as YPair;
    const start = numbers[at++];
    const end = numbers[at++];
    const name = numbers[at++];
    const key = node() as YScalar;
    const value = node();
    const out: YPair = { key, name: name < 0 ? key.value as string : strings[name], value, span: { start, end } };
    finished.push(out);
    return out;
  };
  const documents: YDocument[] = [];
  for (let d = 0; d < packed.documents; d++) {
    const index = numbers[at++];
    const start = numbers[at++];
    const end = numbers[at++];
    const flags = numbers[at++];
    const doc: YDocument = { index, span: { start, end }, contents: node() };
    if (flags & 1) doc.headerOnly = true;
    if (flags & 2) SHARED.add(doc);
    documents.push(doc);
  }
  return documents;
}
