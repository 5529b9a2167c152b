/**
 * Writes a laid-out diagram as one self-contained SVG string: inline stylesheet (colours are CSS variables with
 * defaults, see theme.ts), no scripts, no external references, every text escaped. Elements carry
 * `data-*` attributes (node and hop ids, statuses, finding keys) so that a webview can wire clicks to fixes.
 */
import type { LaidOutDiagram, PlacedLine, Point } from './layout';
import { stylesheet, type ColorScheme } from './theme';
import { escapeXml } from './text';

export interface SvgOptions {
  /** default `light`; `auto` follows the viewer's `prefers-color-scheme` */
  colorScheme?: ColorScheme;
  /** prefix for element ids, to keep them unique when several diagrams share a page (default `sr`) */
  idPrefix?: string;
  /** the root element's class (default `sr-diagram`); the stylesheet is scoped to it */
  rootClass?: string;
}

const n = (x: number) => String(Math.round(x * 10) / 10);

function toneClass(l: PlacedLine): string {
  const style = l.style === 'title' ? 'sr-title' : l.style === 'heading' ? 'sr-heading' : l.style === 'strong' ? 'sr-strong' : l.style === 'small' ? 'sr-small' : '';
  const tone = l.tone === 'normal' || l.tone === 'strong' ? '' : `sr-tone-${l.tone}`;
  return [style, tone].filter(Boolean).join(' ');
}

function text(l: PlacedLine): string {
  const cls = toneClass(l);
  return `<text x="${n(l.x)}" y="${n(l.y)}"${cls ? ` class="${cls}"` : ''}>${escapeXml(l.text)}</text>`;
}

function pathOf(points: Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)} ${n(p.y)}`).join(' ');
}

/** An arrowhead at the end of a route, pointing along its last segment. */
function arrowHead(points: Point[], size: number): string {
  if (points.length < 2) return '';
  const end = points[points.length - 1];
  let k = points.length - 2;
  while (k > 0 && points[k].x === end.x && points[k].y === end.y) k--;
  const from = points[k];
  const dx = end.x - from.x;
  const dy = end.y - from.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const bx = end.x - ux * size;
  const by = end.y - uy * size;
  const w = size * 0.45;
  return `<polygon points="${n(end.x)},${n(end.y)} ${n(bx - uy * w)},${n(by + ux * w)} ${n(bx + uy * w)},${n(by - ux * w)}"/>`;
}

/** The route without its last few px, so that a thick stroke does not poke out of the arrowhead. */
function shortened(points: Point[], by: number): Point[] {
  if (points.length < 2) return points;
  const out = points.slice();
  const end = out[out.length - 1];
  const prev = out[out.length - 2];
  const len = Math.hypot(end.x - prev.x, end.y - prev.y);
  if (len <= by) return out;
  out[out.length - 1] = { x: end.x - ((end.x - prev.x) / len) * by, y: end.y - ((end.y - prev.y) / len) * by };
  return out;
}

function attr(name: string, value: string): string {
  return ` ${name}="${escapeXml(value)}"`;
}

export function renderSvg(d: LaidOutDiagram, options: SvgOptions = {}): string {
  const scheme = options.colorScheme ?? 'light';
  const prefix = (options.idPrefix ?? 'sr').replace(/[^A-Za-z0-9_-]/g, '_');
  const root = (options.rootClass ?? 'sr-diagram').replace(/[^A-Za-z0-9_-]/g, '_');
  const m = d.model;
  const out: string[] = [];
  const summary = `${m.edges.filter((e) => e.status === 'blocked').length} blocked of ${m.edges.length} hops; ${m.findings.length} finding${m.findings.length === 1 ? '' : 's'}`;

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="${root}" width="${d.width}" height="${d.height}" viewBox="0 0 ${d.width} ${d.height}" role="img"` +
      ` aria-labelledby="${prefix}-title ${prefix}-desc"${attr('data-service', m.service.display)}${attr('data-service-type', m.service.type ?? 'unknown')}>`,
    `<title id="${prefix}-title">${escapeXml(`Exposure of ${m.title}`)}</title>`,
    `<desc id="${prefix}-desc">${escapeXml(summary)}</desc>`,
    `<style>\n${stylesheet(root, scheme)}\n</style>`,
    `<rect class="sr-bg" x="0" y="0" width="${d.width}" height="${d.height}"/>`,
    `<g class="sr-header">${d.header.map(text).join('')}</g>`,
  );

  // hops first, then boxes, then labels on top
  out.push('<g class="sr-edges">');
  for (const e of d.edges) {
    const status = e.edge.status;
    const size = status === 'blocked' ? 11 : 9;
    out.push(
      `<g class="sr-edge sr-status-${status}"${attr('data-edge-id', e.edge.id)}${attr('data-hop', e.edge.hop)}${attr('data-status', status)}` +
        `${attr('data-codes', e.edge.codes.join(' '))}${attr('data-findings', JSON.stringify(e.edge.findings))}>` +
        `<title>${escapeXml(e.description)}</title>` +
        `<path d="${pathOf(shortened(e.points, size * 0.6))}"/>${arrowHead(e.points, size)}</g>`,
    );
  }
  out.push('</g>');

  out.push('<g class="sr-nodes">');
  for (const b of d.nodes) {
    const node = b.node;
    out.push(
      `<g class="sr-node sr-node-${node.kind}"${attr('data-node-id', node.id)}${attr('data-codes', node.codes.join(' '))}` +
        `${attr('data-findings', JSON.stringify(node.findings))}>` +
        `<rect x="${n(b.box.x)}" y="${n(b.box.y)}" width="${n(b.box.width)}" height="${n(b.box.height)}" rx="6"/>` +
        `${b.lines.map(text).join('')}</g>`,
    );
  }
  out.push('</g>');

  out.push('<g class="sr-labels">');
  for (const e of d.edges) {
    if (!e.label) continue;
    const { box, lines } = e.label;
    out.push(
      `<g class="sr-label sr-status-${e.edge.status}"${attr('data-edge-id', e.edge.id)}>` +
        `<title>${escapeXml(e.description)}</title>` +
        `<rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}" rx="3"/>` +
        `${lines.map(text).join('')}</g>`,
    );
  }
  out.push('</g>');

  out.push('<g class="sr-legend">');
  for (const item of d.legend.items) {
    const [a, b] = item.line;
    out.push(
      `<g class="sr-status-${item.status}"><title>${escapeXml(item.text)}</title>` +
        `<path d="M${n(a.x)} ${n(a.y)} L${n(b.x - 5)} ${n(b.y)}"/>${arrowHead([a, b], 8)}${text(item.textLine)}</g>`,
    );
  }
  out.push('</g>');

  if (d.findings) {
    out.push(`<g class="sr-findings">${text(d.findings.heading)}`);
    for (const f of d.findings.entries) {
      out.push(
        `<g class="sr-finding"${attr('data-finding', f.finding.key)}${attr('data-code', f.finding.code)}${attr('data-severity', f.finding.severity)}>` +
          `${f.lines.map(text).join('')}</g>`,
      );
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
