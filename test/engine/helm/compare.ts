/**
 * Renders a chart on disk with both renderers — ours (through a `ChartWorkspace` over the folder) and the Go
 * reference — and lists every template whose text differs, or the failures when only one fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ChartWorkspace } from '../../../server/src/engine/helm/chart-load';
import { renderChart } from '../../../server/src/engine/helm/chart-render';
import { DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION } from '../../../server/src/engine/helm/objects';
import { referenceChart } from './reference';

export function diskWorkspace(root: string): ChartWorkspace {
  const paths: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) paths.push(r);
    }
  };
  walk('');
  paths.sort();
  return {
    paths,
    text: (p) => (paths.includes(p) ? fs.readFileSync(path.join(root, p), 'utf8') : undefined),
    bytes: (p) => (paths.includes(p) ? new Uint8Array(fs.readFileSync(path.join(root, p))) : undefined),
    gunzip: (d) => new Uint8Array(gunzipSync(d)),
  };
}

export interface Comparison {
  same: string[];
  /** the same but for lines that differ between two runs of the reference too (random values, their checksums) */
  sameButRandom: string[];
  different: { name: string; ours: string; reference: string }[];
  oursError?: string;
  referenceError?: string;
}

/** `chart`: the chart's folder relative to `root`; `depDirs`: Chart.yaml dependencies found beside it (absolute). */
export function compareChart(root: string, chart: string, opts: { valuesFiles?: string[]; depDirs?: Record<string, string> } = {}): Comparison {
  const ws = diskWorkspace(root);
  const ours = renderChart(ws, chart, {
    release: { name: 'rel', namespace: 'default' },
    valuesFiles: (opts.valuesFiles ?? []).map((p) => ({ path: p, text: fs.readFileSync(path.join(root, p), 'utf8') })),
  });
  const job = {
    dir: path.join(root, chart),
    valuesFiles: (opts.valuesFiles ?? []).map((p) => path.join(root, p)),
    release: { Name: 'rel', Namespace: 'default', Revision: 1, IsInstall: true, IsUpgrade: false, Service: 'Helm' },
    kubeVersion: DEFAULT_KUBE_VERSION,
    apiVersions: [...DEFAULT_API_VERSIONS],
    depDirs: opts.depDirs ?? {},
  };
  const ref = referenceChart(job);
  const result: Comparison = { same: [], sameButRandom: [], different: [] };
  if (ours.failure) result.oursError = ours.failure.message;
  if (ref.error) result.referenceError = ref.error;
  if (ours.failure || ref.error) return result;
  const mine = new Map(ours.templates.map((t) => [t.name, t.text]));
  const theirs = ref.templates ?? {};
  let again: Record<string, string> | undefined;
  for (const name of new Set([...mine.keys(), ...Object.keys(theirs)])) {
    const a = mine.get(name);
    const b = theirs[name];
    if (a !== undefined && a === b) { result.same.push(name); continue; }
    if (a !== undefined && b !== undefined) {
      again ??= referenceChart(job).templates ?? {};
      if (onlyRandomLinesDiffer(a, b, again[name] ?? '')) { result.sameButRandom.push(name); continue; }
    }
    result.different.push({ name, ours: a ?? '<missing>', reference: b ?? '<missing>' });
  }
  return result;
}

/** Every line where ours differs from the reference also differs between two runs of the reference. */
function onlyRandomLinesDiffer(ours: string, ref: string, ref2: string): boolean {
  const a = ours.split('\n');
  const b = ref.split('\n');
  const c = ref2.split('\n');
  if (a.length !== b.length || b.length !== c.length) return false;
  return a.every((line, i) => line === b[i] || b[i] !== c[i]);
}
