/**
 * Which Service of a file a host means: the one place a Service is chosen by name or by offset, for the CLI's
 * `graph FILE#[NAMESPACE/]NAME`, the language server's exposure view and its "Show exposure" lens, hover and
 * completion (`serviceAt`).
 *
 * The candidates are the Services of the one file `path` (never another file's, whatever its order in the
 * analysis), in file order. The tie breaks:
 *
 * - **no query**: the first Service of the file;
 * - **an offset**: the Service whose object holds it (from its first character to its end, both included); an
 *   offset in no Service (between documents, on a `---`) picks none; where two objects touch at the offset, the
 *   one that starts later (the one whose text begins there);
 * - **a name and a namespace**: the Service with both (`null` is a name or namespace we cannot know, a template
 *   expression; a Service without `metadata.namespace` is in `default`); when the same name and namespace are
 *   written twice in the file, the first of them. When none has that namespace but exactly one Service has the
 *   name, that one, marked `namespaceIgnored` (its namespace was edited since the query was made: a view keeps
 *   following it; a command line that asked for NAMESPACE/NAME refuses it); else none;
 * - **a name alone**: the one Service of that name; several of that name in one namespace, the first; in
 *   several namespaces, none: `ambiguous`, with the Services that match.
 */
import type { Analysis, ServiceAnalysis } from '../workspace';
import { renderedServicesIn } from './chart-features';

export type ServiceQuery =
  | { offset: number }
  | { name: string | null; namespace?: string | null };

export type ServicePick =
  | { ok: true; service: ServiceAnalysis; namespaceIgnored: boolean }
  /**
   * `no-service`: the file holds no Service; `no-match`: none is at the offset or has the name (and namespace);
   * `ambiguous`: a name without a namespace that Services of several namespaces have. `candidates`: for
   * `ambiguous` the Services of that name, else every Service of the file; in file order.
   */
  | { ok: false; reason: 'no-service' | 'no-match' | 'ambiguous'; candidates: ServiceAnalysis[] };

/** The Services of one file, in file order; in a Helm chart's template, then the Services rendered from it. */
export function servicesInFile(analysis: Analysis, path: string): ServiceAnalysis[] {
  return analysis.services
    .filter((s) => s.service.path === path)
    .sort((a, b) => a.service.object.span.start - b.service.object.span.start)
    .concat(renderedServicesIn(analysis, path).map((r) => r.sa));
}

function picked(service: ServiceAnalysis, namespaceIgnored = false): ServicePick {
  return { ok: true, service, namespaceIgnored };
}

/** The Service of the file `path` that `query` names (see the tie breaks above). */
export function pickService(analysis: Analysis, path: string, query?: ServiceQuery): ServicePick {
  if (query !== undefined && 'offset' in query) {
    const best = serviceAt(analysis, path, query.offset);
    if (best) return picked(best);
  }
  const inFile = servicesInFile(analysis, path);
  if (inFile.length === 0) return { ok: false, reason: 'no-service', candidates: [] };
  if (query === undefined) return picked(inFile[0]);
  if ('offset' in query) return { ok: false, reason: 'no-match', candidates: inFile };
  const name = query.name ?? undefined;
  const byName = inFile.filter((s) => s.service.name === name);
  if (byName.length === 0) return { ok: false, reason: 'no-match', candidates: inFile };
  if (query.namespace !== undefined) {
    const namespace = query.namespace ?? undefined;
    const exact = byName.find((s) => s.service.namespace === namespace);
    if (exact) return picked(exact);
    if (byName.length === 1) return picked(byName[0], true);
    return { ok: false, reason: 'no-match', candidates: inFile };
  }
  const namespaces = new Set(byName.map((s) => s.service.namespace));
  if (namespaces.size > 1) return { ok: false, reason: 'ambiguous', candidates: byName };
  return picked(byName[0]);
}

/**
 * The Service whose object holds `offset` in the file `path` (the offset tie break of `pickService`), without
 * ordering the file's Services: hover and completion ask on every keystroke.
 */
export function serviceAt(analysis: Analysis, path: string, offset: number): ServiceAnalysis | undefined {
  if (typeof offset !== 'number' || !Number.isFinite(offset)) return undefined;
  let best: ServiceAnalysis | undefined;
  for (const sa of analysis.services) {
    const o = sa.service.object;
    if (o.path !== path || o.span.start > offset || offset > o.span.end) continue;
    if (!best || o.span.start > best.service.object.span.start) best = sa;
  }
  return best;
}
