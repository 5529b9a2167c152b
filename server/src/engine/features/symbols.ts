/** Document symbols: each Service of a file, with its ports as children. Pure: spans, names, details. */
import type { Workspace } from '../workspace';
import { asScalar, get } from '../parse/yaml';
import { portItemHead } from '../k8s/spans';
import type { Span } from '../text/span';

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
    const s = sa.service;
    if (s.path !== path) continue;
    const namePair = get(s.metadata, 'name');
    const nameNode = asScalar(namePair?.value);
    const children: SymbolInfo[] = s.ports.map((p) => {
      const np = p.nodePort !== null ? ` nodePort ${p.nodePort}` : '';
      const tp = p.targetPort !== null && p.targetPort !== p.port ? ` → ${p.targetPort}` : '';
      const head = portItemHead(p);
      return {
        name: p.name ?? `port ${p.port ?? '?'}`,
        detail: `${p.port ?? '?'}${tp}/${p.protocol ?? '?'}${np}`,
        kind: 'port', span: p.span, selectionSpan: head, children: [],
      };
    });
    const selection = nameNode?.span ?? s.typePair?.key.span ?? s.object.span;
    out.push({
      name: s.name ?? '(unnamed Service)',
      detail: `Service ${s.type ?? '(type unknown)'}${s.namespace && s.namespace !== 'default' ? ` · ${s.namespace}` : ''}`,
      kind: 'service', span: s.object.span,
      selectionSpan: selection.start >= s.object.span.start && selection.end <= s.object.span.end ? selection : { start: s.object.span.start, end: s.object.span.start },
      children,
    });
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}
