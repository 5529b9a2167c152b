/**
 * The reference renderer (test/tools/refrender, Go's own text/template + Sprig + Helm's additions), built by
 * scripts/build-refrender.mjs. `reference()` is undefined, with `why`, when it cannot be built (no Go): suites
 * skip with that reason.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
let built: { bin?: string; why?: string } | undefined;

export function reference(): { bin?: string; why?: string } {
  if (built) return built;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-refrender.mjs')], { encoding: 'utf8' });
  built = r.status === 0 ? { bin: r.stdout.trim() } : { why: (r.stderr || 'the reference renderer did not build').trim() };
  return built;
}

export interface RefResult { out: string; error?: string }

function run(job: unknown): unknown {
  const { bin } = reference();
  if (!bin) throw new Error('no reference renderer');
  const r = spawnSync(bin, [], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`refrender failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Renders each template with `.Values` = its values (plain JSON), as one Helm template named `t`. */
export function referenceTemplates(cases: { template: string; values: unknown }[]): RefResult[] {
  return run({ mode: 'templates', cases }) as RefResult[];
}

export interface ChartJob {
  dir: string;
  valuesFiles?: string[];
  release: { Name: string; Namespace: string; Revision: number; IsInstall: boolean; IsUpgrade: boolean; Service: string };
  kubeVersion: string;
  apiVersions: string[];
  depDirs?: Record<string, string>;
}

export function referenceChart(job: ChartJob): { templates?: Record<string, string>; error?: string } {
  return run({ mode: 'chart', ...job }) as { templates?: Record<string, string>; error?: string };
}
