/**
 * kustomize's built-in transformers on the fields it puts them (its default field specs, for the kinds Service
 * Reach reads): `namespace`, `namePrefix`/`nameSuffix`, `commonLabels` and `labels` (metadata, pod templates, and
 * selectors when `includeSelectors` — `commonLabels` always —, which kustomize adds to a Service without one),
 * `commonAnnotations` and `replicas`. A value a transformer sets points at the kustomization line that set it; a
 * prefixed name keeps the span of the name it was made from.
 */
import type { Span } from '../text/span';
import type { YMap, YNode } from '../parse/yaml';
import { asMap, getValue } from '../parse/yaml';
import type { Entry, LabelEntry, LabelSet } from './kustomization';
import { groupVersion, kindOf, apiVersionOf, metadataOf, remember, type Resource } from './resource';
import { childMap, pairOf, scalar, setPair, textOf } from './vtree';

/** Kinds that have no namespace (the ones a GitOps repository commonly holds). */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass',
  'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'IngressClass',
  'RuntimeClass', 'Node', 'CSIDriver', 'VolumeAttachment', 'PodSecurityPolicy', 'ClusterIssuer',
]);

interface Spec {
  path: string[];
  create: boolean;
  kinds?: string[];
  group?: string;
  version?: string;
}

const TEMPLATE_KINDS = ['ReplicationController', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job'];

const METADATA_LABELS: Spec[] = [
  { path: ['metadata', 'labels'], create: true },
  { path: ['spec', 'template', 'metadata', 'labels'], create: true, kinds: TEMPLATE_KINDS },
  { path: ['spec', 'jobTemplate', 'metadata', 'labels'], create: true, kinds: ['CronJob'] },
  { path: ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'], create: true, kinds: ['CronJob'] },
];

const AFFINITY = ['podAffinity', 'podAntiAffinity'].flatMap((a) => [
  ['spec', 'template', 'spec', 'affinity', a, 'preferredDuringSchedulingIgnoredDuringExecution', 'podAffinityTerm', 'labelSelector', 'matchLabels'],
  ['spec', 'template', 'spec', 'affinity', a, 'requiredDuringSchedulingIgnoredDuringExecution', 'labelSelector', 'matchLabels'],
]).concat([['spec', 'template', 'spec', 'topologySpreadConstraints', 'labelSelector', 'matchLabels']]);

const SELECTORS: Spec[] = [
  { path: ['spec', 'selector'], create: true, kinds: ['Service', 'ReplicationController'] },
  { path: ['spec', 'selector', 'matchLabels'], create: true, kinds: ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'] },
  ...AFFINITY.map((path) => ({ path, create: false, kinds: ['Deployment', 'StatefulSet'] })),
  { path: ['spec', 'selector', 'matchLabels'], create: false, kinds: ['Job', 'PodDisruptionBudget'] },
  { path: ['spec', 'jobTemplate', 'spec', 'selector', 'matchLabels'], create: false, kinds: ['CronJob'] },
  { path: ['spec', 'podSelector', 'matchLabels'], create: false, kinds: ['NetworkPolicy'] },
  { path: ['spec', 'ingress', 'from', 'podSelector', 'matchLabels'], create: false, kinds: ['NetworkPolicy'] },
  { path: ['spec', 'egress', 'to', 'podSelector', 'matchLabels'], create: false, kinds: ['NetworkPolicy'] },
];

const VOLUME_CLAIM_LABELS: Spec = { path: ['spec', 'volumeClaimTemplates', 'metadata', 'labels'], create: true, kinds: ['StatefulSet'] };

const ANNOTATIONS: Spec[] = [
  { path: ['metadata', 'annotations'], create: true },
  { path: ['spec', 'template', 'metadata', 'annotations'], create: true, kinds: TEMPLATE_KINDS },
  { path: ['spec', 'jobTemplate', 'metadata', 'annotations'], create: true, kinds: ['CronJob'] },
  { path: ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'annotations'], create: true, kinds: ['CronJob'] },
];

const REPLICA_KINDS = new Set(['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet']);

/** The maps a field spec names in a resource (lists on the way are walked item by item). */
function mapsAt(r: Resource, spec: Spec, create: Span): YMap[] {
  const kind = kindOf(r);
  if (spec.kinds && (!kind || !spec.kinds.includes(kind))) return [];
  if (spec.group !== undefined && groupVersion(apiVersionOf(r)).group !== spec.group) return [];
  if (spec.version !== undefined && groupVersion(apiVersionOf(r)).version !== spec.version) return [];
  const out: YMap[] = [];
  const walk = (n: YNode | null | undefined, i: number): void => {
    if (!n) return;
    if (n.kind === 'seq') { for (const item of n.items) walk(item, i); return; }
    if (n.kind !== 'map') return;
    if (i === spec.path.length) { out.push(n); return; }
    // a spec that creates makes the maps missing on its path (never a list)
    const next = childMap(n, spec.path[i], spec.create ? create : undefined);
    walk(next ?? getValue(n, spec.path[i]), i + 1);
  };
  walk(r.root, 0);
  return out;
}

function addPairs(target: YMap, pairs: readonly LabelEntry[]): void {
  for (const e of pairs) setPair(target, pairOf(e.name, e.keySpan, scalar(e.value, e.valueSpan)));
}

/** `only`: the set's own field specs, none of kustomize's (a LabelTransformer's or AnnotationsTransformer's configuration). */
export function applyLabels(resources: readonly Resource[], set: LabelSet, only = false): void {
  if (set.pairs.length === 0) return;
  const own: Spec[] = set.fields.map((f) => ({ path: f.path, create: f.create, kinds: f.kind ? [f.kind] : undefined, group: f.group, version: f.version }));
  const specs = only ? own : [...(set.includeSelectors ? [...METADATA_LABELS, ...SELECTORS, VOLUME_CLAIM_LABELS]
    : set.includeTemplates ? METADATA_LABELS : [METADATA_LABELS[0]]), ...own];
  const at = set.pairs[0].keySpan;
  for (const r of resources) for (const spec of specs) for (const m of mapsAt(r, spec, at)) addPairs(m, set.pairs);
}

export function applyAnnotations(resources: readonly Resource[], pairs: readonly LabelEntry[]): void {
  if (pairs.length === 0) return;
  for (const r of resources) for (const spec of ANNOTATIONS) for (const m of mapsAt(r, spec, pairs[0].keySpan)) addPairs(m, pairs);
}

export function applyNamespace(resources: readonly Resource[], ns: Entry): void {
  for (const r of resources) {
    const kind = kindOf(r);
    const meta = childMap(r.root, 'metadata', r.root.span);
    if (!meta) continue;
    if (kind === 'Namespace') {
      remember(r);
      setPair(meta, pairOf('name', ns.span, scalar(ns.value, ns.span)));
      continue;
    }
    if (kind && CLUSTER_SCOPED.has(kind)) continue;
    remember(r);
    setPair(meta, pairOf('namespace', ns.span, scalar(ns.value, ns.span)));
    // a RoleBinding's ServiceAccount subjects follow (kustomize's default)
    if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
      const subjects = getValue(r.root, 'subjects');
      for (const s of subjects?.kind === 'seq' ? subjects.items : []) {
        const sm = asMap(s);
        if (sm && textOf(getValue(sm, 'kind')) === 'ServiceAccount' && textOf(getValue(sm, 'name')) !== undefined) {
          setPair(sm, pairOf('namespace', ns.span, scalar(ns.value, ns.span)));
        }
      }
    }
  }
}

export function applyPrefixSuffix(resources: readonly Resource[], prefix: Entry | undefined, suffix: Entry | undefined): void {
  if (!prefix && !suffix) return;
  for (const r of resources) {
    const kind = kindOf(r);
    if (kind === 'Namespace' || kind === 'CustomResourceDefinition' || kind === 'APIService') continue;
    const meta = metadataOf(r);
    const p = meta?.pairs.find((x) => x.name === 'name');
    const name = textOf(p?.value);
    if (!meta || !p || name === undefined) continue;
    remember(r);
    const made = `${prefix?.value ?? ''}${name}${suffix?.value ?? ''}`;
    setPair(meta, { ...p, value: { ...scalar(made, p.value!.span), style: p.value!.kind === 'scalar' ? p.value!.style : 'plain' } });
  }
}

export function applyReplicas(resources: readonly Resource[], replicas: readonly { name: string; count: number | undefined; span: Span }[]): void {
  for (const rep of replicas) {
    if (rep.count === undefined) continue;
    for (const r of resources) {
      const kind = kindOf(r);
      if (!kind || !REPLICA_KINDS.has(kind)) continue;
      if (!r.previous.concat([{ name: textOf(getValue(metadataOf(r), 'name')), namespace: undefined }]).some((id) => id.name === rep.name)) continue;
      const spec = childMap(r.root, 'spec', rep.span);
      if (spec) setPair(spec, pairOf('replicas', rep.span, scalar(rep.count, rep.span)));
    }
  }
}
