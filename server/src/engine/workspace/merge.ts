/**
 * The end of an analysis: the incremental analysis's findings with those of the Kustomize overlays and Helm
 * charts (each finding once), then the suppressions — the one place they are applied, after every finding was made.
 */
import type { ChartPhase } from './charts';
import type { FileEntry } from './files';
import type { ManifestReader } from './manifests';
import type { OverlayPhase } from './overlays';
import { dedupe } from './service-checks';
import { withSuppressions } from './suppressions';
import type { Analysis } from './types';

export function mergeAnalysis(analysis: Analysis, built: ReturnType<OverlayPhase['check']>, rendered: ReturnType<ChartPhase['check']>,
  files: Iterable<FileEntry>, manifests: ManifestReader): Analysis {
  const own = rendered.plain.drop.size ? analysis.findings.filter((f) => !rendered.plain.drop.has(f)) : analysis.findings;
  const merged = built.overlays.length === 0 && rendered.charts.length === 0 ? analysis : {
    ...analysis, findings: dedupe([...rendered.plain.add, ...rendered.findings, ...own, ...built.findings]), overlays: built.overlays, charts: rendered.charts,
  };
  const read = [...files].filter((f) => f.isManifest())
    .map((f) => ({ path: f.path, text: f.text, holds: (w: string) => f.words.has(w), parsed: () => manifests.parsed(f) }));
  return withSuppressions(merged, read);
}
