/**
 * Helm's built-in objects: `.Files` (with `Get`, `GetBytes`, `Glob`, `Lines`, `AsConfig`, `AsSecrets`),
 * `.Capabilities` (`KubeVersion`, `APIVersions.Has`, `HelmVersion`), `.Chart` (the metadata of Chart.yaml and
 * `IsRoot`), `.Release`.
 */
import { formatV } from './fmt';
import { base64Encode } from './sprig-strings';
import { GoStruct, utf8, type GoMap, type Value } from './value';
import { toYaml } from './yaml-emit';

/** Go's `path.Match` as a regular expression ('*' and '?' never cross '/'). */
export function globRegex(pattern: string): RegExp | null {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') { i++; if (i >= pattern.length) return null; re += pattern[i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) return null;
      let cls = pattern.slice(i + 1, close);
      if (cls.startsWith('^')) cls = '^' + cls.slice(1).replace(/\\/g, '\\\\');
      else cls = cls.replace(/\\/g, '\\\\');
      re += `[${cls}]`;
      i = close;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  try {
    return new RegExp(re + '$');
  } catch {
    return null;
  }
}

export function filesObject(files: ReadonlyMap<string, string>): GoStruct {
  const f = filesStruct(files);
  f.size = files.size;
  f.entries = () => [...files.keys()].sort().map((k) => [k, files.get(k)!]);
  return f;
}

function filesStruct(files: ReadonlyMap<string, string>): GoStruct {
  const sortedNames = (): string[] => [...files.keys()].sort();
  /** how `fmt` prints it (every file's bytes in decimal: large), worked out once (the files never change) */
  let printed: string | undefined;
  const byBase = (enc: (s: string) => string): string => {
    if (files.size === 0) return toYaml(new Map());
    const m: GoMap = new Map();
    for (const k of sortedNames()) m.set(k.slice(k.lastIndexOf('/') + 1), enc(files.get(k)!));
    return toYaml(m);
  };
  return new GoStruct('engine.files', new Map(), {
    Get: { params: ['string'], fn: ([n]) => files.get(n as string) ?? '' },
    GetBytes: { params: ['string'], fn: ([n]) => [...utf8(files.get(n as string) ?? '')].map((b) => BigInt(b)) },
    Glob: { params: ['string'], fn: ([p]) => {
      const re = globRegex(p as string);
      const out = new Map<string, string>();
      if (re) for (const [k, v] of files) if (re.test(k)) out.set(k, v);
      return filesObject(out);
    } },
    Lines: { params: ['string'], fn: ([p]) => {
      const s = files.get(p as string);
      if (s === undefined) return [];
      return (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n');
    } },
    AsConfig: { params: [], fn: () => byBase((s) => s) },
    AsSecrets: { params: [], fn: () => byBase((s) => base64Encode(utf8(s))) },
  }, () => (printed ??= `map[${sortedNames().map((k) => `${k}:[${utf8(files.get(k)!).join(' ')}]`).join(' ')}]`));
}

/** The API group versions a default `helm template` knows (client-go's scheme). */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1', 'admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1beta1', 'apiextensions.k8s.io/v1',
  'apiregistration.k8s.io/v1', 'apps/v1', 'authentication.k8s.io/v1', 'authorization.k8s.io/v1', 'autoscaling/v1',
  'autoscaling/v2', 'batch/v1', 'certificates.k8s.io/v1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1',
  'events.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta3',
  'networking.k8s.io/v1', 'node.k8s.io/v1', 'policy/v1', 'rbac.authorization.k8s.io/v1', 'scheduling.k8s.io/v1',
  'storage.k8s.io/v1', 'storage.k8s.io/v1beta1',
];
export const DEFAULT_KUBE_VERSION = 'v1.31.0';

export function capabilitiesObject(kubeVersion: string, apiVersions: readonly string[]): GoStruct {
  const parts = kubeVersion.replace(/^v/, '').split('.');
  const kv = new GoStruct('chartutil.KubeVersion', new Map<string, Value>([
    ['Version', kubeVersion], ['Major', parts[0] ?? ''], ['Minor', parts[1] ?? ''], ['GitVersion', kubeVersion],
  ]));
  const list = [...apiVersions];
  const vs = new GoStruct('chartutil.VersionSet', new Map(), {
    Has: { params: ['string'], fn: ([v]) => list.includes(v as string) },
  }, () => formatV(list));
  return new GoStruct('chartutil.Capabilities', new Map<string, Value>([
    ['APIVersions', vs], ['KubeVersion', kv], ['HelmVersion', new Map<string, Value>([['Version', 'v3.16.0']])],
  ]), {}, undefined, true);
}

const STRING_FIELDS: [string, string][] = [
  ['Name', 'name'], ['Home', 'home'], ['Version', 'version'], ['Description', 'description'], ['Icon', 'icon'],
  ['APIVersion', 'apiVersion'], ['Condition', 'condition'], ['Tags', 'tags'], ['AppVersion', 'appVersion'],
  ['KubeVersion', 'kubeVersion'], ['Type', 'type'],
];

/** `.Chart`: the fields of Chart.yaml (absent ones zero), and `IsRoot`. */
export function chartObject(meta: GoMap, isRoot: boolean, name: string): GoStruct {
  const fields = new Map<string, Value>();
  for (const [f, k] of STRING_FIELDS) {
    const v = f === 'Name' ? name : meta.get(k);
    fields.set(f, typeof v === 'string' ? v : '');
  }
  const strs = (k: string): Value[] => (Array.isArray(meta.get(k)) ? (meta.get(k) as Value[]).map((x) => formatV(x)) : []);
  fields.set('Sources', strs('sources'));
  fields.set('Keywords', strs('keywords'));
  fields.set('Maintainers', Array.isArray(meta.get('maintainers')) ? meta.get('maintainers')! : []);
  fields.set('Dependencies', Array.isArray(meta.get('dependencies')) ? meta.get('dependencies')! : []);
  const ann = meta.get('annotations');
  const annotations: GoMap = new Map();
  if (ann instanceof Map) for (const [k, v] of ann) annotations.set(k, formatV(v));
  fields.set('Annotations', annotations);
  fields.set('Deprecated', meta.get('deprecated') === true);
  fields.set('IsRoot', isRoot);
  return new GoStruct('struct { chart.Metadata; IsRoot bool }', fields);
}
