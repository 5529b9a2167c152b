/** The analysed Service a cursor is in (shared by completion, hover and symbols). */
import type { Analysis, ServiceAnalysis } from '../workspace';

export function serviceAt(analysis: Analysis, path: string, offset: number): ServiceAnalysis | undefined {
  let best: ServiceAnalysis | undefined;
  for (const sa of analysis.services) {
    const o = sa.service.object;
    if (o.path !== path || o.span.start > offset || offset > o.span.end) continue;
    if (!best || o.span.start >= best.service.object.span.start) best = sa;
  }
  return best;
}
