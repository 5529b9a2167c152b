/**
 * The YAML texts an analysis of a new workspace will read, for a host that parses them ahead on another thread
 * (`parse/yaml/ahead.ts`): the pieces of every manifest — a chart's templates aside (they are read through the
 * render) — then the charts' values files. The engine reads the values first, chart by chart as it renders, and
 * the manifests once the charts are done: the other thread starts where the engine will be, not where it is
 * (racing it through the values, it left the manifests for the end and the engine waited for them; measured on
 * a repository of 117 charts: 8.1 s instead of 8.8). A values file the engine has not read yet when the other
 * thread gets there is read there. A text listed and never read costs the other thread only; a text read and
 * not listed is parsed where it is read.
 */
import { firstPieceTexts, type ReadAhead } from '../parse/yaml';
import { baseName, dirName } from '../util/paths';
import type { FileEntry } from './files';
import { manifestReadOptions } from './manifests';
import { VALUES_READ } from '../helm/yaml-values';

export type { ReadAhead };

export function yamlReadsAhead(paths: readonly string[], file: (path: string) => FileEntry | undefined): ReadAhead[] {
  const chartDirs = new Set<string>();
  for (const p of paths) if (baseName(p) === 'Chart.yaml') chartDirs.add(dirName(p));
  const values: ReadAhead[] = [];
  const manifests: ReadAhead[] = [];
  for (const p of paths) {
    const f = file(p);
    if (!f) continue;
    const dir = dirName(p);
    if (baseName(p) === 'values.yaml' && chartDirs.has(dir)) {
      values.push({ text: f.text, ...VALUES_READ });
      continue;
    }
    if (inTemplatesOfChart(p, chartDirs) || !f.isManifest()) continue;
    const { template, headersOnly } = manifestReadOptions(f);
    for (const text of firstPieceTexts(f.text)) manifests.push({ text, template: !!template, headersOnly: !!headersOnly });
  }
  return [...manifests, ...values];
}

function inTemplatesOfChart(path: string, chartDirs: ReadonlySet<string>): boolean {
  const segs = path.split('/');
  for (let i = 0; i < segs.length - 1; i++) {
    if (segs[i] === 'templates' && chartDirs.has(segs.slice(0, i).join('/'))) return true;
  }
  return false;
}
