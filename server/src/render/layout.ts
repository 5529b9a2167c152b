/**
 * Lays out a diagram model with ELK (layered, top to bottom) and places every text line: the result holds
 * absolute coordinates for the title, boxes, hop routes and labels, legend and findings list, ready for the
 * SVG writer. Pure apart from the (async) layout engine; no DOM, no Node APIs.
 */
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { DiagramEdge, DiagramFinding, DiagramModel, DiagramNode, HopStatus } from '../engine/features/diagram';
import type { Span } from '../engine/text/span';
import { edgeDescription, edgeLabelLines, findingNumbers, nodeLines, STATUS_TEXT, type LabelLine } from './labels';
import { estimateTextWidth, FONT_SIZE, lineHeight, wrapText, type TextMeasure, type TextStyle } from './text';

export interface Point { x: number; y: number }
export interface Box { x: number; y: number; width: number; height: number }
export interface PlacedLine extends LabelLine { x: number; y: number }

export interface LaidOutNode { node: DiagramNode; box: Box; lines: PlacedLine[] }
export interface LaidOutEdge { edge: DiagramEdge; points: Point[]; label: { box: Box; lines: PlacedLine[] } | null; description: string }
export interface LegendItem { status: HopStatus; text: string; line: [Point, Point]; textLine: PlacedLine }
export interface FindingEntry { finding: DiagramFinding; number: number; lines: PlacedLine[] }

export interface LaidOutDiagram {
  model: DiagramModel;
  width: number;
  height: number;
  header: PlacedLine[];
  graph: Box;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  legend: { box: Box; items: LegendItem[] };
  /** the findings list under the legend; null when the host lists the findings itself (`findingsList: false`) */
  findings: { box: Box; heading: PlacedLine; entries: FindingEntry[] } | null;
}

/** The part of ELK the layout uses (an `ELK` instance from `elkjs` fits). */
export interface ElkLike {
  layout(graph: ElkNode): Promise<ElkNode>;
}

export interface LayoutOptions {
  /** measures text; default: a conservative estimate */
  measure?: TextMeasure;
  /** the layout engine; default: `elkjs/lib/elk.bundled.js` (works in Node and in a browser bundle) */
  elk?: ElkLike;
  /** how the findings list names a finding's place, e.g. `web.yaml:14`; default: its path */
  locate?: (path: string, span: Span) => string;
  /** widest hop label, px (default 320) */
  maxLabelWidth?: number;
  /** widest box, px (default 340) */
  maxNodeWidth?: number;
  /** narrowest content, px (default 560: the legend on one line) */
  minWidth?: number;
  /** draw the findings list under the legend (default true); a host that lists them itself (the webview) says false */
  findingsList?: boolean;
}

const PAD = 16;
const BOX_PAD_X = 10;
const BOX_PAD_Y = 8;
const LABEL_PAD_X = 6;
const LABEL_PAD_Y = 4;

let defaultElk: ElkLike | undefined;

function elkInstance(): ElkLike {
  if (!defaultElk) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ElkCtor = require('elkjs/lib/elk.bundled.js') as new () => ELK;
    defaultElk = new ElkCtor();
  }
  return defaultElk;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** Lines stacked from `top`, starting at `left`; returns the placed lines and the height used. */
function stack(lines: LabelLine[], left: number, top: number): { placed: PlacedLine[]; height: number } {
  const placed: PlacedLine[] = [];
  let y = top;
  for (const l of lines) {
    const lh = lineHeight(l.style);
    placed.push({ ...l, x: r1(left), y: r1(y + (lh + FONT_SIZE[l.style]) / 2 - 2) });
    y += lh;
  }
  return { placed, height: y - top };
}

function wrapLines(lines: LabelLine[], max: number, measure: TextMeasure): LabelLine[] {
  return lines.flatMap((l) => wrapText(l.text, max, l.style, measure, '  ').map((text) => ({ ...l, text })));
}

function widest(lines: LabelLine[], measure: TextMeasure): number {
  let w = 0; // a loop, not Math.max(...lines): a spread of some 100,000 lines throws
  for (const l of lines) w = Math.max(w, measure(l.text, l.style));
  return w;
}

const LEGEND: { status: HopStatus; text: string }[] = [
  { status: 'allowed', text: 'allowed' },
  { status: 'blocked', text: 'blocked' },
  { status: 'unknown', text: 'unknown: no rule source, or a rule not evaluated' },
  { status: 'managed-by-cloud-controller', text: 'OCI cloud controller writes the rules' },
  { status: 'not-applicable', text: 'inside the cluster' },
];

export async function layoutDiagram(model: DiagramModel, options: LayoutOptions = {}): Promise<LaidOutDiagram> {
  const measure = options.measure ?? estimateTextWidth;
  const elk = options.elk ?? elkInstance();
  const maxLabel = options.maxLabelWidth ?? 320;
  const maxNode = options.maxNodeWidth ?? 340;
  const locate = options.locate ?? ((path: string) => path);
  const numbers = findingNumbers(model);

  // ----------------------------------------------------------------------------------- measure the parts
  const nodeText = new Map<string, LabelLine[]>();
  const children: ElkNode[] = model.nodes.map((n) => {
    const lines = wrapLines(nodeLines(n, model, numbers), maxNode - 2 * BOX_PAD_X, measure);
    nodeText.set(n.id, lines);
    const height = lines.reduce((h, l) => h + lineHeight(l.style), 0) + 2 * BOX_PAD_Y;
    return { id: `n:${n.id}`, width: Math.max(140, widest(lines, measure) + 2 * BOX_PAD_X), height };
  });
  const labelText = new Map<string, LabelLine[]>();
  const elkEdges: ElkExtendedEdge[] = model.edges.map((e) => {
    const lines = wrapLines(edgeLabelLines(e, numbers), maxLabel - 2 * LABEL_PAD_X, measure);
    labelText.set(e.id, lines);
    const height = lines.reduce((h, l) => h + lineHeight(l.style), 0) + 2 * LABEL_PAD_Y;
    return {
      id: `e:${e.id}`, sources: [`n:${e.from}`], targets: [`n:${e.to}`],
      labels: [{ id: `l:${e.id}`, text: e.label, width: widest(lines, measure) + 2 * LABEL_PAD_X, height }],
    };
  });

  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.spacing.nodeNodeBetweenLayers': '28',
      'elk.layered.spacing.edgeNodeBetweenLayers': '14',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeNode': '18',
      'elk.spacing.edgeEdge': '14',
      'elk.spacing.edgeLabel': '6',
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
    },
    children,
    edges: elkEdges,
  };
  const laid = await elk.layout(graph);

  // ------------------------------------------------------------------------------------------ the header
  const headerLines: LabelLine[] = [
    { text: model.title, style: 'title', tone: 'normal' },
    { text: model.service.path, style: 'small', tone: 'muted' },
    ...model.notes.map((n): LabelLine => ({ text: n, style: 'small', tone: 'warning' })),
  ];
  const header = stack(headerLines, PAD, PAD);
  const graphTop = PAD + header.height + 14;
  const graphWidth = laid.width ?? 0;
  const graphHeight = laid.height ?? 0;
  const contentWidth = Math.max(graphWidth, widest(headerLines, measure), options.minWidth ?? 560);
  // centre the graph in the content width
  const gx = PAD + Math.max(0, (contentWidth - graphWidth) / 2);
  const gy = graphTop;

  // ---------------------------------------------------------------------------------------- boxes, hops
  const nodes: LaidOutNode[] = [];
  for (const c of laid.children ?? []) {
    const node = model.nodes.find((n) => `n:${n.id}` === c.id)!;
    const box = { x: r1(gx + (c.x ?? 0)), y: r1(gy + (c.y ?? 0)), width: r1(c.width ?? 0), height: r1(c.height ?? 0) };
    nodes.push({ node, box, lines: stack(nodeText.get(node.id)!, box.x + BOX_PAD_X, box.y + BOX_PAD_Y).placed });
  }
  nodes.sort((a, b) => model.nodes.indexOf(a.node) - model.nodes.indexOf(b.node));

  const edges: LaidOutEdge[] = [];
  for (const le of laid.edges ?? []) {
    const edge = model.edges.find((e) => `e:${e.id}` === le.id)!;
    const points: Point[] = [];
    for (const s of le.sections ?? []) {
      const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
      for (const p of pts) {
        const q = { x: r1(gx + p.x), y: r1(gy + p.y) };
        const last = points[points.length - 1];
        if (!last || last.x !== q.x || last.y !== q.y) points.push(q);
      }
    }
    const l = le.labels?.[0];
    let label: LaidOutEdge['label'] = null;
    if (l && l.x !== undefined && l.y !== undefined) {
      const box = { x: r1(gx + l.x), y: r1(gy + l.y), width: r1(l.width ?? 0), height: r1(l.height ?? 0) };
      label = { box, lines: stack(labelText.get(edge.id)!, box.x + LABEL_PAD_X, box.y + LABEL_PAD_Y).placed };
    }
    edges.push({ edge, points, label, description: edgeDescription(edge, model.findings) });
  }
  edges.sort((a, b) => model.edges.indexOf(a.edge) - model.edges.indexOf(b.edge));

  // -------------------------------------------------------------------------------------------- legend
  const legendTop = gy + graphHeight + 24;
  const items: LegendItem[] = [];
  let lx = PAD;
  let ly = legendTop;
  const rowHeight = lineHeight('small') + 4;
  for (const item of LEGEND) {
    const w = 30 + 6 + measure(item.text, 'small') + 20;
    if (lx > PAD && lx + w > PAD + contentWidth) { lx = PAD; ly += rowHeight; }
    const mid = ly + rowHeight / 2;
    items.push({
      status: item.status, text: STATUS_TEXT[item.status],
      line: [{ x: lx, y: r1(mid) }, { x: lx + 30, y: r1(mid) }],
      textLine: { text: item.text, style: 'small', tone: 'normal', x: lx + 36, y: r1(mid + FONT_SIZE.small / 2 - 1) },
    });
    lx += w;
  }
  const legendBox = { x: PAD, y: legendTop, width: contentWidth, height: ly + rowHeight - legendTop };

  if (options.findingsList === false) {
    return {
      model, width: Math.ceil(contentWidth + 2 * PAD), height: Math.ceil(legendBox.y + legendBox.height + PAD), header: header.placed,
      graph: { x: r1(gx), y: r1(gy), width: r1(graphWidth), height: r1(graphHeight) }, nodes, edges, legend: { box: legendBox, items }, findings: null,
    };
  }

  // ------------------------------------------------------------------------------------------ findings
  const findingsTop = legendBox.y + legendBox.height + 16;
  const heading = stack([{ text: model.findings.length ? 'Findings' : 'No findings for this Service', style: 'heading', tone: 'normal' }], PAD, findingsTop);
  let fy = findingsTop + heading.height + 2;
  const entries: FindingEntry[] = [];
  model.findings.forEach((f, i) => {
    const number = i + 1;
    const head: LabelLine = { text: `[${number}] ${f.severity} ${f.code} — ${locate(f.path, f.span)}${f.fixable ? ' (quick fix available)' : ''}`, style: 'strong', tone: f.severity };
    const body = wrapText(f.message, contentWidth - 20, 'body', measure).map((text): LabelLine => ({ text, style: 'body', tone: 'normal' }));
    const headLines = wrapLines([head], contentWidth, measure);
    const a = stack(headLines, PAD, fy);
    const b = stack(body, PAD + 20, fy + a.height);
    entries.push({ finding: f, number, lines: [...a.placed, ...b.placed] });
    fy += a.height + b.height + 6;
  });
  const findingsBox = { x: PAD, y: findingsTop, width: contentWidth, height: fy - findingsTop };

  return {
    model,
    width: Math.ceil(contentWidth + 2 * PAD),
    height: Math.ceil(findingsBox.y + findingsBox.height + PAD),
    header: header.placed,
    graph: { x: r1(gx), y: r1(gy), width: r1(graphWidth), height: r1(graphHeight) },
    nodes,
    edges,
    legend: { box: legendBox, items },
    findings: { box: findingsBox, heading: heading.placed[0], entries },
  };
}
