/**
 * What the diagram writes in each box and on each hop, as lines with a style and a tone. Shared by the SVG and
 * anything else that wants the same words (a webview tooltip, a text dump).
 */
import type { DiagramEdge, DiagramFinding, DiagramGuard, DiagramModel, DiagramNode, HopStatus } from '../engine/features/diagram';
import type { TextStyle } from './text';

export type Tone = HopStatus | 'strong' | 'muted' | 'normal' | 'error' | 'warning' | 'info';

export interface LabelLine {
  text: string;
  style: TextStyle;
  tone: Tone;
}

export const STATUS_ICON: Record<HopStatus, string> = {
  allowed: '✓',
  blocked: '✗',
  unknown: '?',
  'managed-by-cloud-controller': '☁',
  'not-applicable': '–',
};

export const STATUS_TEXT: Record<HopStatus, string> = {
  allowed: 'allowed',
  blocked: 'blocked',
  unknown: 'unknown',
  'managed-by-cloud-controller': 'managed by the OCI cloud controller',
  'not-applicable': 'no rule source applies (inside the cluster)',
};

/** Finding numbers `[1]`, `[2]`, … in the order of `model.findings`. */
export function findingNumbers(model: DiagramModel): Map<string, number> {
  return new Map(model.findings.map((f, i) => [f.key, i + 1]));
}

function refs(keys: readonly string[], numbers: Map<string, number>): string {
  const ns = keys.map((k) => numbers.get(k)).filter((n): n is number => n !== undefined);
  return ns.length ? ' ' + ns.map((n) => `[${n}]`).join('') : '';
}

/**
 * Sources a guard blocks: all of them up to ten, past that how many and the first two — the findings' wording
 * (engine/findings/finding.ts `rangesText`; the renderer imports nothing from the engine at run time).
 */
function fromList(items: readonly string[]): string {
  if (items.length <= 10) return items.join(', ');
  const count = (n: number) => n.toLocaleString('en-US');
  return `${count(items.length)} ranges (${items.slice(0, 2).join(', ')}, … ${count(items.length - 2)} more)`;
}

export function guardText(g: DiagramGuard): string {
  const who = g.sources.length ? g.sources.map((s) => s.label).join(', ') : g.title;
  switch (g.status) {
    case 'allowed': return `${who} ${g.sources.length > 1 ? 'allow' : 'allows'}`;
    case 'blocked': return `${who} ${g.sources.length > 1 ? 'block' : 'blocks'} ${fromList(g.blockedFrom)}`;
    case 'managed-by-cloud-controller': return `${who}: OCI cloud controller`;
    case 'unknown': return g.unevaluated.length ? `${who}: unknown, ${g.unevaluated.join('; ')}` : `${g.title}: none in workspace`;
    default: return `${who}: not applicable`;
  }
}

export function edgeLabelLines(edge: DiagramEdge, numbers: Map<string, number>): LabelLine[] {
  const lines: LabelLine[] = [{ text: edge.label, style: 'strong', tone: 'normal' }];
  if (edge.detail) lines.push({ text: edge.detail, style: 'small', tone: 'muted' });
  for (const g of edge.guards) {
    lines.push({ text: `${STATUS_ICON[g.status]} ${guardText(g)}${refs(g.findings, numbers)}`, style: 'small', tone: g.status });
  }
  const guarded = new Set(edge.guards.flatMap((g) => g.findings));
  const others = edge.findings.filter((k) => !guarded.has(k));
  if (edge.guards.length === 0 && edge.status === 'blocked' && edge.reason) {
    lines.push({ text: `${STATUS_ICON.blocked} ${edge.reason}${refs(others, numbers)}`, style: 'small', tone: 'blocked' });
  } else if (others.length) {
    lines.push({ text: `⚠ see${refs(others, numbers)}`, style: 'small', tone: 'warning' });
  }
  return lines;
}

export function nodeLines(node: DiagramNode, model: DiagramModel, numbers: Map<string, number>): LabelLine[] {
  const lines: LabelLine[] = [{ text: node.title, style: 'heading', tone: 'normal' }];
  for (const l of node.lines) lines.push({ text: l, style: 'body', tone: 'normal' });
  for (const k of node.findings) {
    const f = model.findings.find((x) => x.key === k);
    if (f) lines.push({ text: `⚠ ${f.code}${refs([k], numbers)}`, style: 'small', tone: f.severity });
  }
  return lines;
}

/** One sentence for a hop's tooltip and accessible name. */
export function edgeDescription(edge: DiagramEdge, findings: readonly DiagramFinding[]): string {
  const parts = [`${edge.label}${edge.detail ? ` ${edge.detail}` : ''}: ${STATUS_TEXT[edge.status]}`];
  if (edge.reason) parts.push(edge.reason);
  for (const g of edge.guards) {
    const where = g.sources.map((s) => `${s.label} (${s.path})`).join(', ');
    const who = g.topology?.length ? ` (${g.topology.map((t) => t.text).join('; ')})` : '';
    parts.push(`${g.title}: ${g.status}${where ? ` — ${where}` : ''}${who}`);
  }
  for (const k of edge.findings) {
    const f = findings.find((x) => x.key === k);
    if (f) parts.push(`${f.code}: ${f.message}`);
  }
  return parts.join('\n');
}
