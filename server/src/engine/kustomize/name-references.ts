/**
 * The references that follow a renamed object (kustomize's name reference config, for the kinds Service Reach
 * reads): a StatefulSet's `serviceName` follows its Service, the ConfigMap and Secret references of a pod template
 * (volumes, projected volumes, `env[].valueFrom`, `envFrom`, `imagePullSecrets`) follow theirs. Done once, when the
 * overlay is built, as kustomize does: a reference names an object by any name it had; when several objects had
 * that name, the one in the referrer's namespace.
 */
import type { YNode } from '../parse/yaml';
import { asMap, getValue } from '../parse/yaml';
import { allIds, currentId, kindOf, type Resource } from './resource';
import { scalar, textOf } from './vtree';

const PODS_AT: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const CONTAINERS = ['containers', 'initContainers'];

const CONFIG_MAP_REFS: string[][] = [
  ['volumes', 'configMap', 'name'],
  ['volumes', 'projected', 'sources', 'configMap', 'name'],
  ...CONTAINERS.flatMap((c) => [[c, 'env', 'valueFrom', 'configMapKeyRef', 'name'], [c, 'envFrom', 'configMapRef', 'name']]),
];

const SECRET_REFS: string[][] = [
  ['volumes', 'secret', 'secretName'],
  ['volumes', 'projected', 'sources', 'secret', 'name'],
  ['imagePullSecrets', 'name'],
  ...CONTAINERS.flatMap((c) => [[c, 'env', 'valueFrom', 'secretKeyRef', 'name'], [c, 'envFrom', 'secretRef', 'name']]),
];

export function fixNameReferences(resources: readonly Resource[]): void {
  const renamed = resources.filter((r) => r.previous.some((id) => id.name !== currentId(r).name));
  if (renamed.length === 0) return;
  for (const r of resources) {
    const kind = kindOf(r);
    if (!kind) continue;
    const ns = currentId(r).namespace;
    if (kind === 'StatefulSet') follow(r.root, ['spec', 'serviceName'], 'Service', renamed, ns);
    const pod = PODS_AT[kind];
    if (!pod) continue;
    for (const path of CONFIG_MAP_REFS) follow(r.root, [...pod, ...path], 'ConfigMap', renamed, ns);
    for (const path of SECRET_REFS) follow(r.root, [...pod, ...path], 'Secret', renamed, ns);
  }
}

/** Every scalar at a path (lists on the way walked item by item) takes the new name of the object it names. */
function follow(n: YNode | null, path: readonly string[], kind: string, renamed: readonly Resource[], ns: string | undefined): void {
  if (!n) return;
  if (n.kind === 'seq') { for (const i of n.items) follow(i, path, kind, renamed, ns); return; }
  const m = asMap(n);
  if (!m || path.length === 0) return;
  if (path.length > 1) { follow(getValue(m, path[0]), path.slice(1), kind, renamed, ns); return; }
  const p = m.pairs.find((x) => x.name === path[0]);
  const name = textOf(p?.value);
  if (!p || name === undefined) return;
  let hits = renamed.filter((t) => kindOf(t) === kind && allIds(t).some((id) => id.name === name));
  if (hits.length > 1) hits = hits.filter((t) => (currentId(t).namespace ?? 'default') === (ns ?? 'default'));
  if (hits.length !== 1) return;
  const to = currentId(hits[0]).name;
  if (to !== undefined && to !== name) p.value = { ...scalar(to, p.value!.span), style: p.value!.kind === 'scalar' ? p.value!.style : 'plain' };
}
