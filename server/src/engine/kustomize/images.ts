/**
 * kustomize's `images` transformer: a container image named in the list takes its new name, tag or digest —
 * in the containers and init containers of every pod template. It changes no port, but the built objects are
 * kustomize's own only with it.
 */
import type { ImageEntry } from './kustomization';
import type { YNode } from '../parse/yaml';
import { asMap, asSeq, getValue } from '../parse/yaml';
import { kindOf, type Resource } from './resource';
import { scalar, textOf } from './vtree';


const PODS_AT: Record<string, string[]> = {
  Pod: ['spec'], Deployment: ['spec', 'template', 'spec'], ReplicaSet: ['spec', 'template', 'spec'], DaemonSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'], Job: ['spec', 'template', 'spec'], ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** `registry/name:tag@digest` → its name (what the entry's `name` is compared with). */
function split(image: string): { name: string; tag: string } {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = noDigest.lastIndexOf(':');
  const slash = noDigest.lastIndexOf('/');
  if (colon > slash) return { name: noDigest.slice(0, colon), tag: image.slice(colon) };
  return { name: noDigest, tag: image.slice(noDigest.length) };
}

export function applyImages(resources: readonly Resource[], images: readonly ImageEntry[]): void {
  if (images.length === 0) return;
  for (const r of resources) {
    const path = PODS_AT[kindOf(r) ?? ''];
    if (!path) continue;
    let pod: YNode | null = r.root;
    for (const step of path) pod = getValue(asMap(pod), step);
    for (const key of ['containers', 'initContainers']) {
      for (const c of asSeq(getValue(asMap(pod), key))?.items ?? []) {
        const p = asMap(c)?.pairs.find((x) => x.name === 'image');
        const image = textOf(p?.value);
        if (!p || image === undefined) continue;
        const { name, tag } = split(image);
        const e = images.find((x) => x.name === name);
        if (!e) continue;
        const suffix = e.digest ? `@${e.digest}` : e.newTag !== undefined ? `:${e.newTag}` : tag;
        p.value = scalar(`${e.newName ?? name}${suffix}`, p.value!.span);
      }
    }
  }
}
