/**
 * The YAML texts an analysis of a new workspace will read, in about the order it reads them, for a host that
 * parses them ahead on another thread (`parse/yaml/ahead.ts`): the charts' values files first (the charts render
 * before the manifests are read), then the pieces of every manifest — a chart's templates aside (they are read
 * through the render). A text listed and never read costs the other thread only; a text read and not listed is
 * parsed where it is read.
 */
import { firstPieceTexts, isTemplateText, type ReadAhead } from '../parse/yaml';
import { baseName, dirName } from '../util/paths';
import type { FileEntry } from './files';

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
      values.push({ text: f.text, template: false, headersOnly: false });
      continue;
    }
    if (inTemplatesOfChart(p, chartDirs) || !f.isManifest()) continue;
    const template = isTemplateText(f.text, (w) => f.words.has(w));
    for (const text of firstPieceTexts(f.text)) manifests.push({ text, template, headersOnly: true });
  }
  return [...values, ...manifests];
}

function inTemplatesOfChart(path: string, chartDirs: ReadonlySet<string>): boolean {
  const segs = path.split('/');
  for (let i = 0; i < segs.length - 1; i++) {
    if (segs[i] === 'templates' && chartDirs.has(segs.slice(0, i).join('/'))) return true;
  }
  return false;
}
