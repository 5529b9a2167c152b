/**
 * YAML text into template values as Helm reads it (sigs.k8s.io/yaml: yaml.v2, then a JSON round trip): the first
 * document only; YAML 1.1 scalars (`yes` is true, `010` is 8); every number a float64; keys as strings; a later
 * duplicate key wins. Read with the project's YAML reader (bounded), so it never throws.
 */
import { parseYaml, type YNode } from '../parse/yaml';
import { deepCopy, type GoMap, type Value } from './value';
import { TextCache } from './text-cache';
import { resolvePlain } from './yaml11';

export interface YamlRead { value: Value; error?: string }

/** How a values text is parsed (and listed to a host that parses ahead: `workspace/reads-ahead.ts`). */
export const VALUES_READ = { template: false, headersOnly: false } as const;

function scalarValue(text: string, n: Extract<YNode, { kind: 'scalar' }>): Value {
  if (n.style !== 'plain') return n.value === null ? '' : String(n.value);
  const src = text.slice(n.span.start, n.span.end);
  if (src.includes('\n')) return n.value === null ? null : String(n.value);
  if (src.startsWith('!')) return n.value === null ? null : typeof n.value === 'number' ? n.value : n.value;
  const r = resolvePlain(src);
  switch (r.tag) {
    case 'bool': return r.value;
    case 'null': return null;
    case 'int': return Number(r.value);
    case 'float': return r.value;
    default: return r.value;
  }
}

function keyString(text: string, n: Extract<YNode, { kind: 'scalar' }>): string {
  const v = scalarValue(text, n);
  if (v === null) return 'null';
  return typeof v === 'number' ? String(v) : String(v);
}

function convert(text: string, n: YNode | null, depth: number, budget: { left: number }): Value {
  if (--budget.left < 0) throw new RangeError('the YAML expands to too many nodes');
  if (n === null) return null;
  if (n.kind === 'scalar') return scalarValue(text, n);
  if (depth > 200) throw new RangeError('the YAML is nested too deep');
  if (n.kind === 'seq') return n.items.map((i) => convert(text, i, depth + 1, budget));
  const m: GoMap = new Map();
  for (const p of n.pairs) m.set(keyString(text, p.key), convert(text, p.value, depth + 1, budget));
  return m;
}


// values read take about a byte per character of their text (comments are most of a chart's values file): eight
// million characters, and as many again for those read twice, hold every values file of a 117-chart repository
// (8.3 million characters), so a dependency's values are read once
const READ = new TextCache<YamlRead>(8_000_000);

/**
 * Reads the first document of a YAML text; `error` when it is not valid YAML (the value is then null). Results
 * are kept by text (templates call `fromYaml` on the same text again and again); each caller gets its own copy,
 * since templates may change what they read (`set`).
 */
export function readYaml(text: string, maxNodes = 1_000_000): YamlRead {
  const r = READ.get(text, (t) => readYamlUncached(t, maxNodes));
  return r.error ? r : { value: deepCopy(r.value) };
}

function readYamlUncached(text: string, maxNodes: number): YamlRead {
  const parsed = parseYaml(text, VALUES_READ);
  const problem = parsed.problems.find((p) => !/duplicate|unique/i.test(p.message));
  if (problem) return { value: null, error: problem.message };
  const doc = parsed.documents[0];
  try {
    return { value: doc ? convert(text, doc.contents, 0, { left: maxNodes }) : null };
  } catch (e) {
    return { value: null, error: (e as Error).message };
  }
}

/** A values file: a map (an empty or null document is an empty map), or an error. */
export function readValues(text: string): { values: GoMap; error?: string } {
  const r = readYaml(text);
  if (r.error) return { values: new Map(), error: r.error };
  if (r.value === null) return { values: new Map() };
  if (!(r.value instanceof Map)) return { values: new Map(), error: 'the values are not a map' };
  return { values: r.value };
}
