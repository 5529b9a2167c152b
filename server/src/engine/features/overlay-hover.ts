/**
 * What each Kustomize overlay makes of a base Service, for the hover on that Service: the base file is analysed
 * through its overlays only (docs/kustomize.md), so the hover names every overlay that builds the Service, with
 * the name, namespace, type and ports it gets there and how many findings it has there.
 */
import type { Analysis } from '../workspace';
import type { Span } from '../text/span';
import { mdCode, mdText } from './markdown';

/** Markdown for the overlays that build the Service written at `objectStart` in `path`; undefined when none does. */
export function overlaysHover(analysis: Analysis, path: string, objectStart: number): string | undefined {
  const lines: string[] = [];
  for (const o of analysis.overlays) {
    for (const sa of o.analyses) {
      const svc = sa.service;
      const from = o.build.segments.origin(svc.object.span);
      if (!from || from.path !== path || from.span.start !== objectStart) continue;
      const ports = svc.ports.map((p) => `${p.port ?? '?'}${p.protocol && p.protocol !== 'TCP' ? `/${p.protocol}` : ''}${p.nodePort ? ` (node port ${p.nodePort})` : ''}`);
      const mine = analysis.findings.filter((f) => f.message.startsWith('In overlay') && f.message.includes(`\`${o.overlay}\``) && within(f.path, f.span, o, svc.object.span));
      lines.push(`- overlay ${mdCode(o.overlay)}: ${mdCode(`${svc.namespace ?? '?'}/${svc.name ?? '?'}`)}, ${mdText(svc.type ?? 'ClusterIP')}`
        + `${ports.length ? `, ports ${mdText(ports.join(', '))}` : ''}${mine.length ? ` — ${mine.length} finding${mine.length === 1 ? '' : 's'}` : ''}`);
    }
  }
  if (lines.length === 0) return undefined;
  return [`**Built by ${lines.length === 1 ? 'one overlay' : `${lines.length} overlays`}** (this file is analysed through them)`, '', ...lines].join('\n');
}

/** Is a finding (carried back to a file) about this built Service: does it point into what the Service was built from? */
function within(path: string, span: Span, o: Analysis['overlays'][number], object: Span): boolean {
  const from = o.build.segments.origin(object);
  if (from && from.path === path && span.start >= from.span.start && span.start <= from.span.end) return true;
  return false;
}
