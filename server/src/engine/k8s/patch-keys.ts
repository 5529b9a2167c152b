/**
 * How a strategic-merge patch merges the lists of the types in the generated schema (`schema.ts`): per list field,
 * the keys its items are matched on. The Kubernetes API types carry them as Go struct tags (`patchStrategy:"merge"`,
 * `patchMergeKey`, `listMapKeys`), which the `kubernetes-types` declarations the schema is generated from do not
 * keep, so they are transcribed here for the types the schema holds (Service and the pod-bearing workloads);
 * `test/engine/kustomize/patch-keys.test.ts` checks that every entry names a list field of the schema. Where the
 * API lists several keys (`listMapKeys`: a Service port is `port` + `protocol`), all are given, the first being
 * the patch merge key: an item matches when the keys both sides set are equal (a missing `protocol` matches any),
 * as kustomize merges them.
 */
import { fieldsOf, type TypeRef } from './schema';

const KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ['core.v1.ServiceSpec.ports', ['port', 'protocol']],
  ['core.v1.PodSpec.containers', ['name']],
  ['core.v1.PodSpec.initContainers', ['name']],
  ['core.v1.PodSpec.ephemeralContainers', ['name']],
  ['core.v1.PodSpec.volumes', ['name']],
  ['core.v1.PodSpec.imagePullSecrets', ['name']],
  ['core.v1.PodSpec.hostAliases', ['ip']],
  ['core.v1.PodSpec.topologySpreadConstraints', ['topologyKey', 'whenUnsatisfiable']],
  ['core.v1.PodSpec.resourceClaims', ['name']],
  ['core.v1.PodSpec.schedulingGates', ['name']],
  ['core.v1.Container.ports', ['containerPort', 'protocol']],
  ['core.v1.Container.env', ['name']],
  ['core.v1.Container.volumeMounts', ['mountPath']],
  ['core.v1.Container.volumeDevices', ['devicePath']],
  ['core.v1.EphemeralContainer.ports', ['containerPort', 'protocol']],
  ['core.v1.EphemeralContainer.env', ['name']],
  ['core.v1.EphemeralContainer.volumeMounts', ['mountPath']],
  ['core.v1.EphemeralContainer.volumeDevices', ['devicePath']],
  ['meta.v1.ObjectMeta.ownerReferences', ['uid']],
]);

/** Every entry, for the test that checks them against the schema. */
export function patchKeyEntries(): [string, readonly string[]][] {
  return [...KEYS];
}

/** The merge keys of a list field of an object type (undefined: the list is replaced by a patch). */
export function patchKeysOf(typeRef: string, field: string): readonly string[] | undefined {
  return KEYS.get(`${typeRef}.${field}`);
}

/** The type of a field of an object type, for walking a patch along the schema (undefined: not in the schema). */
export function fieldType(type: TypeRef | undefined, field: string): TypeRef | undefined {
  if (!type) return undefined;
  if (type.kind === 'object') return fieldsOf(type.ref).get(field)?.type;
  if (type.kind === 'map') return type.values;
  return undefined;
}
