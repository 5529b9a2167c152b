/**
 * From a rendered chart file back to its templates, through the renderer's source map (`SourcePiece[]`: every
 * piece of output is the literal text of a template or the value an action printed). A span in the rendered
 * text lands on the literal text that produced it, offset for offset, or on the whole action that printed it;
 * what no piece covers lands on the nearest piece before it.
 */
import type { RenderedTemplate } from '../helm/chart-render';
import type { SourcePiece } from '../helm/output';
import type { YDocument, YNode, YPair } from '../parse/yaml';
import type { Span } from '../text/span';

/** One rendered template of a chart, as the analysis reads it. */
export interface RenderedFile {
  /** the path its objects carry (`templates/service.yaml#rendered`): no file of the workspace */
  virtual: string;
  template: RenderedTemplate;
  /** template name → workspace path */
  paths: ReadonlyMap<string, string>;
  documents: YDocument[];
  /** the first line of its template file (where what has no piece goes) */
  firstLine: Span;
}

/** The piece of output at `offset` (the nearest one before it when none covers it). */
export function pieceAt(pieces: readonly SourcePiece[], offset: number): SourcePiece | undefined {
  let lo = 0;
  let hi = pieces.length - 1;
  let best: SourcePiece | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (pieces[mid].outStart <= offset) { best = pieces[mid]; lo = mid + 1; } else hi = mid - 1;
  }
  // an offset at a piece's very end belongs to it (a span ending there), unless the next piece starts there
  return best ?? pieces[0];
}

/**
 * Where a span of the rendered text came from: the template path and span, and the action piece when the value
 * was printed by one. `fallbackSpan`/`fallbackPath`: where what maps to no workspace file goes.
 */
export function findingAt(file: RenderedFile, span: Span, fallbackSpan: Span, fallbackPath: string):
  { path: string; span: Span; action: SourcePiece | undefined } {
  const own = file.template.path;
  const whole = { path: own ?? fallbackPath, span: own ? file.firstLine : fallbackSpan, action: undefined };
  const p = pieceAt(file.template.pieces, span.start);
  if (!p) return whole;
  const path = file.paths.get(p.file);
  if (path === undefined) {
    // a piece of a template inside an archive: the action in this file that called it, else the file's first line
    const via = p.via && file.paths.get(p.via.file);
    return via ? { path: via, span: { start: p.via!.start, end: p.via!.end }, action: undefined } : whole;
  }
  if (p.kind === 'action') return { path, span: { start: p.start, end: p.end }, action: p };
  const inside = Math.min(Math.max(span.start - p.outStart, 0), p.end - p.start);
  const start = p.start + inside;
  const end = Math.min(p.end, start + Math.max(span.end - span.start, 0));
  return { path, span: { start, end }, action: undefined };
}

/** What a finding on a value an action printed adds: "`nodePort` renders as 30080 with the chart's values." */
export function renderedNote(file: RenderedFile, span: Span, action: SourcePiece): string {
  const text = file.template.text;
  const pair = pairAt(file.documents, span.start);
  const fromPair = pair?.value && pair.value.kind === 'scalar' ? text.slice(pair.value.span.start, pair.value.span.end) : undefined;
  let value = fromPair ?? text.slice(Math.max(span.start, action.outStart), Math.min(Math.max(span.end, span.start + 1), action.outEnd));
  value = value.trim().split('\n', 1)[0];
  if (value.length > 60) value = `${value.slice(0, 57)}...`;
  if (value === '') return '';
  return pair ? `\`${pair.name}\` renders as ${value} with the chart's values.` : `It renders as ${value} with the chart's values.`;
}

/** The deepest pair whose key or value holds `offset`. */
export function pairAt(documents: readonly YDocument[], offset: number): YPair | undefined {
  const inside = (s: Span) => offset >= s.start && offset < Math.max(s.end, s.start + 1);
  const walk = (n: YNode | null, depth: number): YPair | undefined => {
    if (!n || depth > 200 || !inside(n.span)) return undefined;
    if (n.kind === 'map') {
      for (const p of n.pairs) {
        if (!inside(p.span)) continue;
        return walk(p.value, depth + 1) ?? p;
      }
    } else if (n.kind === 'seq') {
      for (const item of n.items) {
        const hit = walk(item, depth + 1);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  for (const d of documents) {
    const hit = walk(d.contents, 0);
    if (hit) return hit;
  }
  return undefined;
}

/** The rendered output of the action at `offset` of a template file (for hover): the text of every time it printed. */
export function renderedAt(files: readonly RenderedFile[], path: string, offset: number): { action: Span; outputs: string[] } | undefined {
  let action: Span | undefined;
  const outputs: string[] = [];
  for (const f of files) {
    for (const p of f.template.pieces) {
      if (p.kind !== 'action' || offset < p.start || offset > p.end || f.paths.get(p.file) !== path) continue;
      action ??= { start: p.start, end: p.end };
      if (p.start !== action.start) continue;
      if (outputs.length < 20) outputs.push(f.template.text.slice(p.outStart, p.outEnd));
    }
  }
  return action ? { action, outputs } : undefined;
}
