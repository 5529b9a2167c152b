/**
 * Kubernetes objects out of parsed YAML: which documents are manifests, `kind: List` items, and the objects
 * Service Reach reads (Services and pod-bearing workloads). Values keep their nodes so every finding can point
 * at what the user wrote.
 */
import type { Span } from '../text/span';
import { asMap, asScalar, asSeq, get, getValue, scalarString, type YDocument, type YMap, type YNode } from '../parse/yaml';

export interface K8sObject {
  path: string;
  /** `${path}#${docIndex}` or `${path}#${docIndex}.${itemIndex}` for `kind: List` items: stable within a file */
  id: string;
  docIndex: number;
  apiVersion: string | undefined;
  kind: string | undefined;
  root: YMap;
  span: Span;
}

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController']);

/** Every Kubernetes object in a file's documents (documents without `apiVersion` and `kind` are not manifests). */
export function objectsOf(path: string, documents: readonly YDocument[]): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of documents) {
    const root = asMap(doc.contents);
    if (!root || !isManifest(root)) continue;
    const kind = scalarString(getValue(root, 'kind'));
    const items = asSeq(getValue(root, 'items'));
    if (kind !== undefined && kind.endsWith('List') && items) {
      items.items.forEach((item, i) => {
        const m = asMap(item);
        if (m && isManifest(m)) out.push(makeObject(path, `${path}#${doc.index}.${i}`, doc.index, m));
      });
      continue;
    }
    out.push(makeObject(path, `${path}#${doc.index}`, doc.index, root));
  }
  return out;
}

export function isManifest(root: YMap): boolean {
  return get(root, 'apiVersion') !== undefined && get(root, 'kind') !== undefined;
}

function makeObject(path: string, id: string, docIndex: number, root: YMap): K8sObject {
  return {
    path, id, docIndex, root, span: root.span,
    apiVersion: scalarString(getValue(root, 'apiVersion')),
    kind: scalarString(getValue(root, 'kind')),
  };
}

export function isService(o: K8sObject): boolean {
  return o.kind === 'Service' && o.apiVersion === 'v1';
}

/** `metadata.namespace`, else `default`; undefined when it is a template expression (unknown). */
export function namespaceOf(root: YMap): string | undefined {
  const ns = asScalar(getValue(asMap(getValue(root, 'metadata')), 'namespace'));
  if (!ns || ns.value === null || ns.value === '') return 'default';
  if (ns.template) return undefined;
  return String(ns.value);
}

export function nameOf(root: YMap): string | undefined {
  return scalarString(getValue(asMap(getValue(root, 'metadata')), 'name'));
}

// ------------------------------------------------------------------------------------------------ labels

/** A label map: value null = unknown (a template expression). */
export type Labels = Map<string, string | null>;

export function labelsOf(node: YNode | null): Labels | null {
  const m = asMap(node);
  if (!m || m.templated) return null; // template actions among the labels: they may be others
  const out: Labels = new Map();
  for (const p of m.pairs) {
    const s = asScalar(p.value);
    if (p.key.template) return null; // a templated key: we cannot know the labels
    out.set(p.name, !s || s.template ? null : s.value === null ? '' : String(s.value));
  }
  return out;
}

/** Does a selector (equality-based, as a Service's) match these pod labels? Unknown values match. */
export function selectorMatches(selector: Labels, labels: Labels): boolean {
  for (const [k, v] of selector) {
    if (!labels.has(k)) return false;
    const lv = labels.get(k);
    if (v === null || lv === null) continue;
    if (lv !== v) return false;
  }
  return true;
}

// --------------------------------------------------------------------------------------------- workloads

export interface ContainerPort {
  container: string | undefined;
  name: string | undefined;
  containerPort: number | undefined;
  protocol: string;
  span: Span;
}

export interface Workload {
  object: K8sObject;
  kind: string;
  name: string | undefined;
  /** undefined: unknown (template) */
  namespace: string | undefined;
  /** pod template labels; null when they cannot be known */
  labels: Labels | null;
  /** the `labels` key of the pod template, for related information */
  labelsSpan: Span;
  ports: ContainerPort[];
  /** a container's ports could not be read (templates): named-port checks stay quiet */
  portsUnknown: boolean;
}

export function workloadOf(o: K8sObject): Workload | undefined {
  if (!o.kind || !WORKLOAD_KINDS.has(o.kind)) return undefined;
  const spec = asMap(getValue(o.root, 'spec'));
  let template: YMap | null;
  if (o.kind === 'Pod') template = o.root;
  else if (o.kind === 'CronJob') template = asMap(getValue(asMap(getValue(asMap(getValue(spec, 'jobTemplate')), 'spec')), 'template'));
  else template = asMap(getValue(spec, 'template'));
  if (!template) return undefined;
  const metadata = asMap(getValue(template, 'metadata'));
  const labelsPair = get(metadata, 'labels');
  const podSpec = asMap(getValue(template, 'spec'));
  const ports: ContainerPort[] = [];
  let portsUnknown = false;
  const containers = asSeq(getValue(podSpec, 'containers'));
  if (!containers && get(podSpec, 'containers')) portsUnknown = true;
  // template actions among the containers, their ports or a port's fields: some may not be written here
  if (containers?.templated || (!containers && podSpec?.templated)) portsUnknown = true;
  for (const c of containers?.items ?? []) {
    const cm = asMap(c);
    if (!cm) { portsUnknown = true; continue; }
    const cname = scalarString(getValue(cm, 'name'));
    const portsNode = getValue(cm, 'ports');
    if ((portsNode && portsNode.kind !== 'seq') || portsNode?.templated || (!portsNode && cm.templated)) portsUnknown = true;
    for (const p of asSeq(portsNode)?.items ?? []) {
      const pm = asMap(p);
      if (!pm) { portsUnknown = true; continue; }
      if (pm.templated) portsUnknown = true;
      const cp = asScalar(getValue(pm, 'containerPort'));
      const nameNode = asScalar(getValue(pm, 'name'));
      if (cp?.template || nameNode?.template) portsUnknown = true;
      ports.push({
        container: cname,
        name: scalarString(nameNode),
        containerPort: cp && typeof cp.value === 'number' ? cp.value : undefined,
        protocol: scalarString(getValue(pm, 'protocol')) ?? 'TCP',
        span: pm.span,
      });
    }
  }
  return {
    object: o,
    kind: o.kind,
    name: nameOf(o.root),
    namespace: namespaceOf(o.root),
    labels: labelsPair ? labelsOf(labelsPair.value) : new Map(),
    labelsSpan: labelsPair ? labelsPair.key.span : template.span,
    ports,
    portsUnknown,
  };
}
