/**
 * The exposure diagram of a Service a Kustomize overlay builds: drawn in the overlay (its workloads, the findings
 * made on its built objects), then every place in the model moved to the file the value came from — the base or
 * the patch — as the overlay's findings are (docs/kustomize.md), and the title naming the overlay.
 */
import type { Analysis, ServiceAnalysis } from '../../workspace';
import type { OverlayResult } from '../../workspace/types';
import type { Span } from '../../text/span';
import type { YNode } from '../../parse/yaml';
import { diagramOf } from './build';
import { findingKey, type DiagramModel } from './model';

export interface OverlayService {
  overlay: OverlayResult;
  service: ServiceAnalysis;
  /** the file and span of the Service object the overlay built it from */
  from: { path: string; span: Span };
}

/** The Services overlays build, each with where it was written (`path`: only those written in that file), in overlay order. */
export function overlayServices(analysis: Analysis, path?: string): OverlayService[] {
  const out: OverlayService[] = [];
  for (const o of analysis.overlays) {
    for (const sa of o.analyses) {
      const from = o.build.segments.origin(sa.service.object.span);
      if (from && (path === undefined || from.path === path)) out.push({ overlay: o, service: sa, from });
    }
  }
  return out;
}

/** The diagram of a Service an overlay builds, its places in the workspace's files. */
export function overlayDiagramOf(analysis: Analysis, o: OverlayResult, sa: ServiceAnalysis): DiagramModel {
  const view: Analysis = { ...analysis, workloads: o.workloads, findings: o.builtFindings };
  // the Service's findings: those on any node of its built object (whichever file, base or patch, the node came from)
  const nodes: Span[] = [];
  const walk = (n: YNode | null): void => {
    if (!n) return;
    nodes.push(n.span);
    if (n.kind === 'map') for (const p of n.pairs) { nodes.push(p.key.span); walk(p.value); }
    else if (n.kind === 'seq') for (const i of n.items) walk(i);
  };
  walk(sa.service.object.root);
  const own = o.builtFindings.filter((f) => f.path === sa.service.path && nodes.some((s) => s.start <= f.span.start && f.span.end <= s.end));
  const model = diagramOf(view, sa, own);
  const virtual = sa.service.path;
  const fallback = { path: o.path, span: { start: 0, end: 0 } };
  // a place moves to its file; a text that names the build (a workload's `(path)`) names the overlay
  const moved = carry(model, (x) => (x.path === virtual ? o.build.segments.origin(x.span) ?? fallback : undefined),
    (t) => t.split(virtual).join(`overlay ${o.overlay}`)) as DiagramModel;
  // the findings as the analysis reports them: keys of the carried findings, the message naming the overlay, fixable when they carry a fix
  const keys = new Map<string, string>();
  for (const f of moved.findings) {
    const before = f.key;
    f.key = findingKey(f);
    keys.set(before, f.key);
    const reported = analysis.findings.find((g) => findingKey(g) === f.key);
    if (reported) f.message = reported.message;
    f.fixable = !!reported?.fix;
  }
  const rekey = (list: string[]) => list.map((k) => keys.get(k) ?? k);
  for (const n of moved.nodes) n.findings = rekey(n.findings);
  for (const e of moved.edges) e.findings = rekey(e.findings);
  moved.title = `${moved.title} in overlay ${o.overlay}`;
  return moved;
}

/**
 * A deep copy of plain data in which every `{ path, span }` that `move` moves is replaced by where it goes, and
 * every string but an object's id by what `text` makes of it.
 */
function carry(value: unknown, move: (x: { path: string; span: Span }) => { path: string; span: Span } | undefined, text: (s: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => carry(v, move, text));
  if (typeof value === 'string') return text(value);
  if (!value || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = k === 'objectId' ? v : carry(v, move, text);
  if (typeof obj.path === 'string' && isSpan(obj.span)) {
    const to = move({ path: obj.path, span: obj.span });
    if (to) {
      out.path = to.path;
      out.span = { start: to.span.start, end: to.span.end };
    }
  }
  return out;
}

function isSpan(v: unknown): v is Span {
  return !!v && typeof v === 'object' && typeof (v as Span).start === 'number' && typeof (v as Span).end === 'number';
}
