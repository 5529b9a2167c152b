/**
 * A kustomization file read into what the builder needs, each entry with the span it was written at (spans of the
 * build's offset space, see `vtree.ts`). Fields that could change the objects but are not built (`replacements`,
 * plugin `transformers`/`generators`, `helmCharts`, `vars`) are listed in `unsupported`; fields that change
 * nothing a Service check reads (`images`, ConfigMap and Secret generators, `generatorOptions`, …) are ignored.
 */
import type { Span } from '../text/span';
import { asMap, asScalar, asSeq, get, getValue, type YMap, type YNode, type YScalar } from '../parse/yaml';
import { textOf } from './vtree';

export interface Entry {
  value: string;
  span: Span;
}

/** An entry of `images`: the image `name` takes `newName`, `newTag` or `digest`. */
export interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  span: Span;
}

export interface LabelEntry {
  name: string;
  keySpan: Span;
  value: string;
  valueSpan: Span;
}

export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export interface PatchEntry {
  /** the file the patch is in */
  path?: Entry;
  /** the patch written in the kustomization (a string of YAML, or for `patchesStrategicMerge` a string too) */
  inline?: YScalar;
  /** an inline patch written as YAML rather than as a string (a map or a list of operations) */
  node?: YNode;
  target?: Selector;
  span: Span;
}

export interface LabelSet {
  pairs: LabelEntry[];
  includeSelectors: boolean;
  includeTemplates: boolean;
  /** the entry's own field specs (`fields`) */
  fields: FieldSpec[];
}

export interface FieldSpec {
  path: string[];
  create: boolean;
  kind?: string;
  group?: string;
  version?: string;
}

export interface Kustomization {
  kind: string;
  resources: Entry[];
  components: Entry[];
  patchesStrategicMerge: PatchEntry[];
  patches: PatchEntry[];
  patchesJson6902: PatchEntry[];
  namespace?: Entry;
  namePrefix?: Entry;
  nameSuffix?: Entry;
  labels: LabelSet[];
  commonAnnotations: LabelEntry[];
  replicas: { name: string; count: number | undefined; span: Span }[];
  images: ImageEntry[];
  /** `transformers`: configuration files of built-in transformers (others are unknown) */
  transformers: Entry[];
  unsupported: { name: string; span: Span }[];
}

/** Fields that may change what is built and that the builder does not evaluate. */
const UNSUPPORTED = ['replacements', 'generators', 'helmCharts', 'helmChartInflationGenerator', 'vars', 'validators', 'crds', 'configurations', 'openapi'];

export function readKustomization(root: YMap): Kustomization {
  const k: Kustomization = {
    kind: textOf(getValue(root, 'kind')) ?? 'Kustomization',
    resources: [...entries(getValue(root, 'resources')), ...entries(getValue(root, 'bases'))],
    components: entries(getValue(root, 'components')),
    patchesStrategicMerge: [],
    patches: [],
    patchesJson6902: [],
    labels: [],
    commonAnnotations: labelEntries(getValue(root, 'commonAnnotations')),
    replicas: [],
    images: [],
    transformers: entries(getValue(root, 'transformers')),
    unsupported: [],
  };
  for (const item of asSeq(getValue(root, 'patchesStrategicMerge'))?.items ?? []) {
    const s = asScalar(item);
    if (!s || s.value === null) continue;
    const text = String(s.value);
    // a string that holds YAML (a map) is an inline patch; else a file name
    if (/[\n:]/.test(text)) k.patchesStrategicMerge.push({ inline: s, span: s.span });
    else k.patchesStrategicMerge.push({ path: { value: text, span: s.span }, span: s.span });
  }
  for (const key of ['patches', 'patchesJson6902'] as const) {
    for (const item of asSeq(getValue(root, key))?.items ?? []) {
      const m = asMap(item);
      if (!m) {
        const s = asScalar(item);
        if (s && s.value !== null) k[key].push({ path: { value: String(s.value), span: s.span }, span: s.span });
        continue;
      }
      k[key].push(patchEntryOf(m));
    }
  }
  for (const key of ['namespace', 'namePrefix', 'nameSuffix'] as const) {
    const v = getValue(root, key);
    const t = textOf(v);
    if (t !== undefined && t !== '') k[key] = { value: t, span: v!.span };
  }
  const common = labelEntries(getValue(root, 'commonLabels'));
  if (common.length > 0) k.labels.push({ pairs: common, includeSelectors: true, includeTemplates: true, fields: [] });
  for (const item of asSeq(getValue(root, 'labels'))?.items ?? []) {
    const m = asMap(item);
    if (!m) continue;
    k.labels.push({
      pairs: labelEntries(getValue(m, 'pairs')),
      includeSelectors: asScalar(getValue(m, 'includeSelectors'))?.value === true,
      includeTemplates: asScalar(getValue(m, 'includeTemplates'))?.value === true,
      fields: fieldSpecs(getValue(m, 'fields')),
    });
  }
  for (const item of asSeq(getValue(root, 'replicas'))?.items ?? []) {
    const m = asMap(item);
    const name = textOf(getValue(m, 'name'));
    if (!m || name === undefined) continue;
    const c = asScalar(getValue(m, 'count'));
    k.replicas.push({ name, count: typeof c?.value === 'number' ? c.value : undefined, span: (c ?? m).span });
  }
  for (const item of asSeq(getValue(root, 'images'))?.items ?? []) {
    const m = asMap(item);
    const name = textOf(getValue(m, 'name'));
    if (!m || name === undefined) continue;
    k.images.push({ name, newName: textOf(getValue(m, 'newName')), newTag: textOf(getValue(m, 'newTag')), digest: textOf(getValue(m, 'digest')), span: m.span });
  }
  for (const name of UNSUPPORTED) {
    const p = get(root, name);
    if (p && p.value && !(p.value.kind === 'seq' && p.value.items.length === 0)) k.unsupported.push({ name, span: p.key.span });
  }
  return k;
}

/** A list of field specs (`path`, `create`, `kind`, `group`, `version`). */
export function fieldSpecs(n: YNode | null): FieldSpec[] {
  return (asSeq(n)?.items ?? []).map(asMap).filter((f): f is YMap => !!f && textOf(getValue(f, 'path')) !== undefined).map((f) => ({
    path: textOf(getValue(f, 'path'))!.split('/'),
    create: asScalar(getValue(f, 'create'))?.value === true,
    kind: textOf(getValue(f, 'kind')), group: textOf(getValue(f, 'group')), version: textOf(getValue(f, 'version')),
  }));
}

/** The `patch` / `path` and `target` of a patch entry, or of a PatchTransformer's configuration. */
export function patchEntryOf(m: YMap): PatchEntry {
  const pathNode = get(m, 'path');
  const patchNode = getValue(m, 'patch');
  const entry: PatchEntry = { span: m.span, target: selectorOf(asMap(getValue(m, 'target'))) };
  if (pathNode && textOf(pathNode.value) !== undefined) entry.path = { value: textOf(pathNode.value)!, span: pathNode.value!.span };
  else if (patchNode?.kind === 'scalar') entry.inline = patchNode;
  else if (patchNode) entry.node = patchNode;
  return entry;
}

export function labelEntriesOf(n: YNode | null): LabelEntry[] {
  return labelEntries(n);
}

function entries(n: YNode | null): Entry[] {
  const out: Entry[] = [];
  for (const item of asSeq(n)?.items ?? []) {
    const t = textOf(item);
    if (t !== undefined && t !== '') out.push({ value: t, span: item!.span });
  }
  return out;
}

function labelEntries(n: YNode | null): LabelEntry[] {
  const out: LabelEntry[] = [];
  for (const p of asMap(n)?.pairs ?? []) {
    out.push({ name: p.name, keySpan: p.key.span, value: textOf(p.value) ?? '', valueSpan: (p.value ?? p.key).span });
  }
  return out;
}

function selectorOf(m: YMap | null): Selector | undefined {
  if (!m) return undefined;
  const s: Selector = {};
  for (const key of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const t = textOf(getValue(m, key));
    if (t !== undefined) s[key] = t;
  }
  return s;
}
