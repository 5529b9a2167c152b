/**
 * Charts as Helm loads them, from the workspace's files: a folder with `Chart.yaml` and `templates/` is a chart;
 * its `values.yaml`, `values.schema.json`, templates (any depth under `templates/`), other files (`.Files`), and dependencies: the
 * folders and `.tgz` archives in `charts/`, then those Chart.yaml names that `charts/` lacks, found as a
 * `file://` repository or a folder of the same name in the workspace (a sibling such as a `common` library chart).
 * Bounded in depth; never throws: what cannot be loaded is an `error` naming why.
 */
import { readTar } from './tar';
import { fromUtf8, type GoMap, type Value } from './value';
import { readValues, readYaml } from './yaml-values';

export interface ChartWorkspace {
  /** every file's workspace-relative path, forward slashes */
  paths: readonly string[];
  text(path: string): string | undefined;
  /** the bytes of a binary file (a `.tgz`), when the host read them */
  bytes?(path: string): Uint8Array | undefined;
  /** gunzip, handed in by the host (the engine holds no zlib) */
  gunzip?(data: Uint8Array): Uint8Array;
}

export interface ChartTemplate {
  /** `templates/…` inside its chart */
  rel: string;
  text: string;
  /** its workspace path (undefined inside an archive) */
  path?: string;
}

export interface LoadedChart {
  /** the name it is known by (Chart.yaml's, or the dependency's alias) */
  name: string;
  meta: GoMap;
  values: GoMap;
  templates: ChartTemplate[];
  files: Map<string, string>;
  deps: LoadedChart[];
  /** its folder in the workspace (undefined inside an archive) */
  dir?: string;
  library: boolean;
  /** its `values.schema.json`: the text, and its workspace path (undefined inside an archive) */
  schema?: { text: string; path?: string };
}

export type Loaded = { chart: LoadedChart; error?: undefined } | { chart?: undefined; error: string };

type Entries = Map<string, { text?: string; bytes?: Uint8Array; path?: string }>;

const MAX_DEPTH = 8;

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function join(dir: string, rel: string): string {
  const parts = (dir ? dir.split('/') : []);
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/**
 * The chart folders of a workspace: `Chart.yaml` beside a `templates/` folder, except a dependency: a chart in
 * the `charts/` folder of another chart (a repository's own `charts/` folder, with no Chart.yaml beside it, is
 * no chart's).
 */
export function findCharts(paths: readonly string[]): string[] {
  const set = new Set(paths);
  const out: string[] = [];
  const inChartsOfChart = (dir: string): boolean => {
    const segs = dir.split('/');
    for (let i = 0; i < segs.length - 1; i++) {
      if (segs[i] !== 'charts') continue;
      const parent = segs.slice(0, i).join('/');
      if (set.has(parent ? `${parent}/Chart.yaml` : 'Chart.yaml')) return true;
    }
    return false;
  };
  for (const p of paths) {
    if (!(p === 'Chart.yaml' || p.endsWith('/Chart.yaml'))) continue;
    const dir = dirOf(p);
    if (inChartsOfChart(dir)) continue;
    const prefix = dir ? `${dir}/templates/` : 'templates/';
    if (underPrefix(paths, prefix).length > 0 && set.has(p)) out.push(dir);
  }
  return out.sort();
}

const SORTED = new WeakMap<readonly string[], readonly string[]>();

/** The paths that start with `prefix`: a block of the sorted paths, found by bisection (sorted once per list). */
function underPrefix(paths: readonly string[], prefix: string): readonly string[] {
  let sorted = SORTED.get(paths);
  if (!sorted) {
    sorted = paths.every((p, i) => i === 0 || paths[i - 1] <= p) ? paths : [...paths].sort();
    SORTED.set(paths, sorted);
  }
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < prefix) lo = mid + 1; else hi = mid;
  }
  let end = lo;
  while (end < sorted.length && sorted[end].startsWith(prefix)) end++;
  return sorted.slice(lo, end);
}

function entriesOfDir(ws: ChartWorkspace, dir: string): Entries {
  const prefix = dir ? `${dir}/` : '';
  const out: Entries = new Map();
  for (const p of underPrefix(ws.paths, prefix)) {
    const rel = p.slice(prefix.length);
    if (rel.endsWith('.tgz') && rel.startsWith('charts/') && !rel.slice(7).includes('/')) {
      out.set(rel, { bytes: ws.bytes?.(p), path: p });
    } else out.set(rel, { text: ws.text(p), path: p });
  }
  return out;
}

export function loadChart(ws: ChartWorkspace, dir: string): Loaded {
  return load(ws, entriesOfDir(ws, dir), dir, 0, new Set([dir]));
}

function load(ws: ChartWorkspace, entries: Entries, dir: string | undefined, depth: number, seen: Set<string>): Loaded {
  if (depth > MAX_DEPTH) return { error: `dependencies nested more than ${MAX_DEPTH} deep` };
  const where = dir ?? 'an archive';
  const chartText = entries.get('Chart.yaml')?.text;
  if (chartText === undefined) return { error: `Chart.yaml file is missing in ${where}` };
  const metaRead = readYaml(chartText);
  if (metaRead.error || !(metaRead.value instanceof Map)) return { error: `Chart.yaml of ${where} cannot be read: ${metaRead.error ?? 'not a map'}` };
  const meta = metaRead.value;
  const name = meta.get('name');
  if (typeof name !== 'string' || name === '') return { error: `Chart.yaml of ${where} has no name` };
  const valuesText = entries.get('values.yaml')?.text;
  const values = valuesText === undefined ? { values: new Map() as GoMap } : readValues(valuesText);
  if (values.error) return { error: `values.yaml of ${name} cannot be read: ${values.error}` };
  const chart: LoadedChart = { name, meta, values: values.values, templates: [], files: new Map(), deps: [], library: meta.get('type') === 'library' };
  if (dir !== undefined) chart.dir = dir;
  const schema = entries.get('values.schema.json');
  if (schema !== undefined) {
    chart.schema = { text: schema.text ?? '' };
    if (schema.path !== undefined && dir !== undefined) chart.schema.path = schema.path;
  }
  const sub = new Map<string, Entries>();
  for (const [rel, e] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (rel === 'Chart.yaml' || rel === 'values.yaml' || rel === 'values.schema.json' || rel === 'Chart.lock') continue;
    if (rel.startsWith('templates/')) {
      const t: ChartTemplate = { rel, text: e.text ?? '' };
      if (e.path !== undefined && dir !== undefined) t.path = e.path;
      chart.templates.push(t);
    } else if (rel.startsWith('charts/')) {
      const rest = rel.slice(7);
      if (rest.endsWith('.tgz') && !rest.includes('/')) {
        const bytes = e.bytes;
        if (!bytes) return { error: `charts/${rest} of ${name} cannot be read (the host did not read its bytes)` };
        if (!ws.gunzip) return { error: `charts/${rest} of ${name} cannot be read (the host handed in no gunzip)` };
        let tarBytes: Uint8Array;
        try {
          tarBytes = ws.gunzip(bytes);
        } catch (err) {
          return { error: `charts/${rest} of ${name} cannot be unpacked: ${(err as Error).message}` };
        }
        const tar = readTar(tarBytes);
        if (tar.error) return { error: `charts/${rest} of ${name}: ${tar.error}` };
        const ents: Entries = new Map();
        for (const [p, b] of tar.files) ents.set(p, { text: fromUtf8(b), bytes: b });
        sub.set(`tgz:${rest}`, ents);
      } else if (rest.includes('/')) {
        const key = rest.slice(0, rest.indexOf('/'));
        if (!sub.has(key)) sub.set(key, new Map());
        sub.get(key)!.set(rest.slice(key.length + 1), e);
      }
    } else chart.files.set(rel, e.text ?? '');
  }
  for (const key of [...sub.keys()].sort()) {
    const subDir = key.startsWith('tgz:') || dir === undefined ? undefined : join(dir, `charts/${key}`);
    const d = load(ws, sub.get(key)!, subDir, depth + 1, seen);
    if (!d.chart) return d;
    chart.deps.push(d.chart);
  }
  const have = new Set(chart.deps.map((d) => d.name));
  const declared = Array.isArray(meta.get('dependencies')) ? (meta.get('dependencies') as Value[]) : [];
  for (const dv of declared) {
    if (!(dv instanceof Map)) continue;
    const depName = dv.get('name');
    if (typeof depName !== 'string' || have.has(depName)) continue;
    const found = dir === undefined ? undefined : findDependency(ws, dir, depName, dv.get('repository') ?? null);
    if (found === undefined) return { error: `${depName} is in Chart.yaml of ${name}, but missing in charts/ and not found in the workspace` };
    if (seen.has(found)) return { error: `${name} depends on itself through ${found}` };
    const d = load(ws, entriesOfDir(ws, found), found, depth + 1, new Set([...seen, found]));
    if (!d.chart) return d;
    chart.deps.push(d.chart);
    have.add(depName);
  }
  return { chart };
}

/** A dependency's folder in the workspace: its `file://` repository, a sibling of the same name, or any chart so named. */
function findDependency(ws: ChartWorkspace, dir: string, name: string, repository: Value): string | undefined {
  const isChart = (d: string): boolean => {
    const t = ws.text(d ? `${d}/Chart.yaml` : 'Chart.yaml');
    if (t === undefined) return false;
    const m = readYaml(t).value;
    return m instanceof Map && m.get('name') === name;
  };
  if (typeof repository === 'string' && repository.startsWith('file://')) {
    const d = join(dir, repository.slice(7));
    if (isChart(d)) return d;
  }
  const sibling = join(dirOf(dir), name);
  if (sibling !== dir && isChart(sibling)) return sibling;
  return findCharts(ws.paths).concat(ws.paths.filter((p) => p.endsWith('/Chart.yaml') || p === 'Chart.yaml').map(dirOf))
    .filter((d, i, a) => a.indexOf(d) === i && d !== dir).sort().find(isChart);
}
