/**
 * The only module that imports `yaml`. It turns a file's text into a small plain tree of maps, sequences and
 * scalars, each with its span, plus the problems the parser found. Aliases point at the node they name (shared,
 * never expanded), merge keys (`<<`) are folded into their map, and nothing here throws.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar } from 'yaml';
import type { Node as YamlLibNode, Document } from 'yaml';
import type { Span } from '../text/span';
import type { ParseProblem } from '../sources/model';

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
}

export interface YSeq {
  kind: 'seq';
  items: (YNode | null)[];
  span: Span;
  flow: boolean;
}

export type YNode = YMap | YSeq | YScalar;

export interface YDocument {
  /** 0-based index of the document in its file */
  index: number;
  /** from the document's first byte (its `---` marker or first content) to its end */
  span: Span;
  contents: YNode | null;
}

export interface YamlParseResult {
  documents: YDocument[];
  problems: ParseProblem[];
}

export interface YamlParseOptions {
  /** the file holds Helm template syntax: syntax problems are not reported */
  template?: boolean;
  /** at most this many nodes are converted per file (bounds work on hostile input) */
  maxNodes?: number;
}

const DEFAULT_MAX_NODES = 2_000_000;

export function isTemplateText(text: string): boolean {
  return text.includes('{{');
}

export function parseYaml(text: string, options: YamlParseOptions = {}): YamlParseResult {
  const template = options.template ?? isTemplateText(text);
  const problems: ParseProblem[] = [];
  const documents: YDocument[] = [];
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, { merge: true, prettyErrors: false, keepSourceTokens: false, uniqueKeys: true });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (err) {
    if (!template) problems.push({ message: `YAML could not be read: ${(err as Error).message}`, span: { start: 0, end: 0 } });
    return { documents, problems };
  }
  const budget = { left: options.maxNodes ?? DEFAULT_MAX_NODES, exceeded: false };
  docs.forEach((doc, index) => {
    if (!template) {
      for (const e of doc.errors) {
        const [start, end] = e.pos;
        problems.push({ message: firstLine(e.message), span: { start, end: Math.max(end, start) } });
      }
    }
    const converter = new Converter(doc, budget, template ? text : undefined);
    const contents = converter.node(doc.contents as YamlLibNode | null);
    const range = doc.range;
    documents.push({ index, span: { start: range[0], end: range[2] }, contents });
  });
  if (budget.exceeded) {
    problems.push({ message: 'the YAML holds too many nodes; the rest of the file was not analysed', span: { start: 0, end: 0 } });
  }
  return { documents, problems };
}

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  const line = nl < 0 ? message : message.slice(0, nl);
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}

class Converter {
  private readonly done = new Map<YamlLibNode, YNode | null>();
  private readonly inProgress = new Set<YamlLibNode>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly budget: { left: number; exceeded: boolean },
    /** the file's text when it holds templates: `{{ … }}` read as a flow map is a template value */
    private readonly templateText?: string,
  ) {}

  node(n: YamlLibNode | null | undefined): YNode | null {
    if (!n) return null;
    if (isAlias(n)) {
      const target = n.resolve(this.doc) as YamlLibNode | undefined;
      if (!target || this.inProgress.has(target)) return null;
      return this.node(target);
    }
    const cached = this.done.get(n);
    if (cached !== undefined) return cached;
    if (--this.budget.left < 0) {
      this.budget.exceeded = true;
      return null;
    }
    this.inProgress.add(n);
    let out: YNode | null = null;
    const range = n.range;
    if (this.templateText !== undefined && range && (isMap(n) || isSeq(n)) && n.flow && this.templateText.startsWith('{{', range[0])) {
      // `key: {{ .Values.x }}` parses as a nested flow map; it is one template value
      const end = this.templateText.indexOf('}}', range[0]);
      const stop = end < 0 ? range[1] : end + 2;
      out = { kind: 'scalar', value: this.templateText.slice(range[0], stop), span: { start: range[0], end: stop }, style: 'plain', template: true };
    } else if (isScalar(n)) out = this.scalar(n);
    else if (isMap(n)) out = this.map(n);
    else if (isSeq(n)) out = this.seq(n);
    this.inProgress.delete(n);
    this.done.set(n, out);
    return out;
  }

  private scalar(n: Scalar): YScalar {
    const range = n.range ?? [0, 0, 0];
    const raw = n.value;
    let value: ScalarValue;
    if (raw === null || raw === undefined) value = null;
    else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') value = raw;
    else if (typeof raw === 'bigint') value = Number(raw);
    else value = String(raw);
    const style =
      n.type === Scalar.QUOTE_SINGLE ? 'single'
      : n.type === Scalar.QUOTE_DOUBLE ? 'double'
      : n.type === Scalar.BLOCK_FOLDED || n.type === Scalar.BLOCK_LITERAL ? 'block'
      : 'plain';
    const source = typeof n.source === 'string' ? n.source : typeof value === 'string' ? value : '';
    return { kind: 'scalar', value, span: { start: range[0], end: range[1] }, style, template: source.includes('{{') };
  }

  private map(n: import('yaml').YAMLMap): YMap {
    const range = n.range ?? [0, 0, 0];
    const out: YMap = { kind: 'map', pairs: [], span: { start: range[0], end: range[1] }, flow: !!n.flow };
    const merged: YPair[] = [];
    for (const item of n.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as YamlLibNode | null;
      if (!keyNode || !isScalar(keyNode)) continue; // complex keys are not Kubernetes
      const key = this.scalar(keyNode);
      const value = this.node(item.value as YamlLibNode | null);
      if (key.value === '<<' && keyNode.source === '<<') {
        // merge key: fold the pairs of the named map(s) in, behind the map's own pairs
        const sources = value?.kind === 'seq' ? value.items : [value];
        for (const s of sources) if (s && s.kind === 'map') merged.push(...s.pairs);
        continue;
      }
      const end = value ? Math.max(value.span.end, key.span.end) : key.span.end;
      out.pairs.push({ key, name: String(key.value), value, span: { start: key.span.start, end } });
    }
    for (const p of merged) if (!out.pairs.some((q) => q.name === p.name)) out.pairs.push(p);
    return out;
  }

  private seq(n: import('yaml').YAMLSeq): YSeq {
    const range = n.range ?? [0, 0, 0];
    const items = n.items.map((i) => this.node(i as YamlLibNode | null));
    return { kind: 'seq', items, span: { start: range[0], end: range[1] }, flow: !!n.flow };
  }
}

// ------------------------------------------------------------------------------------------ tree helpers

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
