/**
 * Document symbols: each Service of a file, with its ports as children; in a base file, each Service a Kustomize
 * overlay builds from it too, named by the overlay. Pure: spans, names, details.
 */
import type { Workspace } from '../workspace';
import { asScalar, get } from '../parse/yaml';
import { portItemHead } from '../k8s/spans';
import type { Span } from '../text/span';
import type { ServiceModel } from '../k8s/service';

export interface SymbolInfo {
  name: string;
  detail: string;
  kind: 'service' | 'port';
  /** the whole thing (the Service's object, the `ports[]` item) */
  span: Span;
  /** what to reveal: the name */
  selectionSpan: Span;
  children: SymbolInfo[];
}

export function documentSymbols(ws: Workspace, path: string): SymbolInfo[] {
  const analysis = ws.analyze();
  const out: SymbolInfo[] = [];
  for (const sa of analysis.services) {
    if (sa.service.path === path) out.push(serviceSymbol(sa.service, (s) => s, ''));
  }
  // the Services overlays build from this file: their spans moved to it (what a patch added sits at the head)
  for (const o of analysis.overlays) {
    for (const svc of o.services) {
      const from = o.build.segments.origin(svc.object.span);
      if (!from || from.path !== path) continue;
      const head: Span = { start: from.span.start, end: from.span.start };
      const place = (span: Span): Span => {
        const x = o.build.segments.origin(span);
        return x && x.path === path && x.span.start >= from.span.start && x.span.end <= from.span.end ? x.span : head;
      };
      out.push(serviceSymbol(svc, place, ` (overlay ${o.overlay})`));
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** A Service's symbol; `place` moves its spans into the file (the identity for a Service analysed on its own). */
function serviceSymbol(s: ServiceModel, place: (span: Span) => Span, suffix: string): SymbolInfo {
  const namePair = get(s.metadata, 'name');
  const nameNode = asScalar(namePair?.value);
  const object = place(s.object.span);
  const children: SymbolInfo[] = s.ports.map((p) => {
    const np = p.nodePort !== null ? ` nodePort ${p.nodePort}` : '';
    const tp = p.targetPort !== null && p.targetPort !== p.port ? ` → ${p.targetPort}` : '';
    return {
      name: p.name ?? `port ${p.port ?? '?'}`,
      detail: `${p.port ?? '?'}${tp}/${p.protocol ?? '?'}${np}`,
      kind: 'port', span: place(p.span), selectionSpan: place(portItemHead(p)), children: [],
    };
  });
  const selection = place(nameNode?.span ?? s.typePair?.key.span ?? s.object.span);
  return {
    name: `${s.name ?? '(unnamed Service)'}${suffix}`,
    detail: `Service ${s.type ?? '(type unknown)'}${s.namespace && s.namespace !== 'default' ? ` · ${s.namespace}` : ''}`,
    kind: 'service', span: object,
    selectionSpan: selection.start >= object.start && selection.end <= object.end ? selection : { start: object.start, end: object.start },
    children,
  };
}
