/**
 * The kustomizations of a workspace and how they include one another: a kustomization that no other includes
 * (as a resource or a component) and that is not a component is an output — an overlay, built and analysed on its
 * own; the files any kustomization names as patches, so that they are never read as objects of their own.
 */
import { asMap } from '../parse/yaml';
import { baseName, dirName, normaliseWorkspacePath } from '../util/paths';
import { isRemote, kustomizationIn, KUSTOMIZATION_NAMES, type KustomizeFiles } from './build';
import { readKustomization } from './kustomization';

export interface KustomizePlan {
  kustomizations: string[];
  /** the outputs, in path order */
  overlays: string[];
  /** every file a kustomization names as a patch */
  patchFiles: Set<string>;
}

export function isKustomizationPath(path: string): boolean {
  return KUSTOMIZATION_NAMES.includes(baseName(path));
}

export function planOf(paths: readonly string[], files: KustomizeFiles): KustomizePlan {
  const has = new Set(paths);
  const kustomizations = paths.filter((p) => isKustomizationPath(p) && kustomizationIn(dirName(p), (x) => has.has(x)) === p);
  const included = new Set<string>();
  const components = new Set<string>();
  const patchFiles = new Set<string>();
  for (const path of kustomizations) {
    const root = asMap(files.read(path)?.documents[0]?.contents ?? null);
    if (!root) continue;
    const k = readKustomization(root);
    if (k.kind === 'Component') components.add(path);
    const dir = dirName(path);
    const at = (v: string) => normaliseWorkspacePath(dir === '' ? v : `${dir}/${v}`);
    for (const e of [...k.resources, ...k.components]) {
      if (isRemote(e.value)) continue;
      const p = at(e.value);
      const sub = p === null || has.has(p) ? undefined : kustomizationIn(p, (x) => has.has(x));
      if (sub) included.add(sub);
    }
    for (const e of [...k.patchesStrategicMerge, ...k.patches, ...k.patchesJson6902]) {
      const p = e.path ? at(e.path.value) : null;
      if (p !== null && has.has(p)) patchFiles.add(p);
    }
  }
  const overlays = kustomizations.filter((p) => !included.has(p) && !components.has(p)).sort();
  return { kustomizations, overlays, patchFiles };
}
