/**
 * Editor features in a Helm chart's templates, which are analysed through the render (docs/helm.md): where an
 * offset of a template is in the rendered text (`renderedPlace`), what an action renders as, and the rendered
 * Services whose object begins in a template, with their chains moved back onto the template's lines.
 */
import type { Analysis, ServiceAnalysis } from '../workspace';
import type { SourcePiece } from '../helm/output';
import type { Span } from '../text/span';
import { findingAt, renderedAt, type RenderedFile } from '../workspace/chart-map';
import type { ChartResult } from '../workspace/types';
import { mdCode, mdText } from './markdown';

/** A place of a template in one of its chart's rendered files. */
export interface RenderedPlace {
  chart: ChartResult;
  file: RenderedFile;
  /** the offset in the rendered text */
  out: number;
  /** the action the offset is in, when it is in one */
  action?: SourcePiece;
}

/** Where `offset` of the template `path` is in the rendered text (the first rendered file that printed it). */
export function renderedPlace(analysis: Analysis, path: string, offset: number): RenderedPlace | undefined {
  for (const chart of analysis.charts) {
    if (chart.render.failure) continue;
    for (const file of chart.files) {
      for (const p of file.template.pieces) {
        if (file.paths.get(p.file) !== path) continue;
        if (p.kind === 'action' && offset >= p.start && offset <= p.end) return { chart, file, out: p.outStart, action: p };
        if (p.kind === 'text' && offset >= p.start && offset < p.end) return { chart, file, out: p.outStart + (offset - p.start) };
      }
    }
  }
  return undefined;
}

/** Markdown for what the action at `offset` renders as (every time it printed, up to a few), with its span. */
export function actionHover(analysis: Analysis, path: string, offset: number): { contents: string; span: Span } | undefined {
  const files = analysis.charts.flatMap((c) => (c.render.failure ? [] : c.files));
  const r = renderedAt(files, path, offset);
  if (!r) return undefined;
  const chart = analysis.charts.find((c) => c.files.some((f) => files.includes(f) && f.template.pieces.some((p) => p.kind === 'action' && p.start === r.action.start && f.paths.get(p.file) === path)));
  const distinct = [...new Set(r.outputs)];
  const shown = (s: string) => (s.includes('\n') ? ['', '```yaml', ...s.replace(/`/g, "'").split('\n').slice(0, 30), '```'].join('\n') : mdCode(s));
  const with_ = chart ? ` with the values of chart ${mdCode(chart.chart)}` : '';
  const head = distinct.length <= 1 ? `**Renders as** ${shown(distinct[0] ?? '')}${with_}` : `**Renders as**${with_}, each time:`;
  const lines = [head];
  if (distinct.length > 1) for (const d of distinct.slice(0, 5)) lines.push(`- ${shown(d)}`);
  if (distinct.length > 5) lines.push(`- ${mdText(`… and ${distinct.length - 5} more`)}`);
  return { contents: lines.join('\n'), span: r.action };
}

/** The rendered Services whose object begins in the template `path`, with the chart and rendered file of each. */
export function renderedServicesIn(analysis: Analysis, path: string): { chart: ChartResult; file: RenderedFile; sa: ServiceAnalysis }[] {
  const out: { chart: ChartResult; file: RenderedFile; sa: ServiceAnalysis }[] = [];
  for (const chart of analysis.charts) {
    if (chart.render.failure) continue;
    for (const sa of chart.analyses) {
      const file = chart.files.find((f) => f.virtual === sa.service.path);
      if (!file) continue;
      if (findingAt(file, sa.service.object.span, chart.firstLine, chart.path).path === path) out.push({ chart, file, sa });
    }
  }
  return out;
}

/** A span of a rendered file moved back onto the template (see `findingAt`). */
export function spanBack(chart: ChartResult, file: RenderedFile, span: Span): { path: string; span: Span } {
  const to = findingAt(file, span, chart.firstLine, chart.path);
  return { path: to.path, span: to.span };
}

/** The analysis a rendered Service's chain is worked out in: its chart's workloads are the ones it may select. */
export function chartAnalysis(analysis: Analysis, chart: ChartResult): Analysis {
  return { ...analysis, workloads: chart.workloads };
}
