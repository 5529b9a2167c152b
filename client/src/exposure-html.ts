/**
 * The HTML of the exposure webview, as pure functions (no `vscode`, no DOM): unit-testable, and the only place
 * that decides what the webview may load and run.
 *
 * - Content Security Policy: nothing by default; styles and the one script only with this page's nonce; images
 *   only from the webview's own resources or `data:`. No remote resource, no inline event handler, no
 *   `style="…"` attribute (the CSP would block them).
 * - The server's SVG is not pasted in as text: it is read with an XML parser and written again with an allow
 *   list of SVG elements and attributes (the renderer's own vocabulary). Anything else — scripts,
 *   `foreignObject`, event handlers, links, `xmlns` URLs — is dropped, every text and attribute value is escaped
 *   again, and the SVG's `<style>` gets the page's nonce (the CSP would block it otherwise).
 * - Theme: the diagram's `--sr-*` variables are mapped to VS Code's theme colours (`--vscode-*`), so the picture
 *   follows light, dark and high-contrast themes.
 */
import { SaxesParser } from 'saxes';

/** One finding as the view lists it. */
export interface ViewFinding {
  key: string;
  /** `[n]` in the diagram */
  number: number;
  severity: 'error' | 'warning' | 'info';
  code: string;
  title: string;
  message: string;
  /** `web.yaml:14` */
  location: string;
  /** the first quick fix that edits files, when there is one */
  fix: { title: string } | null;
}

export interface ViewContent {
  /** the page title, e.g. `Exposure: shop/web` */
  title: string;
  /** the heading, e.g. `Service shop/web (NodePort)` */
  heading: string;
  /** the server's SVG; null when there is no diagram (then `message` says why) */
  svg: string | null;
  findings: ViewFinding[];
  /** remarks about the whole diagram */
  notes: string[];
  /** shown instead of (or above) the diagram: "the Service is gone", "still reading the workspace", … */
  message?: string;
  /** quick fixes may be applied (a Fix button per finding that has one) */
  fixes: boolean;
}

export interface HtmlOptions {
  /** `webview.cspSource` */
  cspSource: string;
  /** a fresh random nonce for this page (see `isValidNonce`) */
  nonce: string;
}

/** Each `--sr-*` variable of the renderer (server/src/render/theme.ts) → a VS Code theme colour, with fallbacks. */
export const THEME_MAP: Readonly<Record<string, string>> = {
  '--sr-background': 'var(--vscode-editor-background)',
  '--sr-foreground': 'var(--vscode-editor-foreground, var(--vscode-foreground))',
  '--sr-muted': 'var(--vscode-descriptionForeground)',
  '--sr-node-background': 'var(--vscode-editorWidget-background, var(--vscode-sideBar-background, var(--vscode-editor-background)))',
  '--sr-node-border': 'var(--vscode-editorWidget-border, var(--vscode-widget-border, var(--vscode-contrastBorder, var(--vscode-descriptionForeground))))',
  '--sr-label-background': 'var(--vscode-editor-background)',
  '--sr-allowed': 'var(--vscode-testing-iconPassed, var(--vscode-charts-green))',
  '--sr-blocked': 'var(--vscode-errorForeground)',
  '--sr-unknown': 'var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow))',
  '--sr-managed': 'var(--vscode-charts-blue, var(--vscode-textLink-foreground))',
  '--sr-not-applicable': 'var(--vscode-disabledForeground, var(--vscode-descriptionForeground))',
  '--sr-error': 'var(--vscode-editorError-foreground, var(--vscode-errorForeground))',
  '--sr-warning': 'var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow))',
  '--sr-info': 'var(--vscode-editorInfo-foreground, var(--vscode-charts-blue))',
  '--sr-font-family': 'var(--vscode-font-family)',
};

/** Nonces are 16+ characters of the base64/base64url alphabet (what a CSP `'nonce-…'` source may hold). */
export function isValidNonce(nonce: string): boolean {
  if (nonce.length < 16 || nonce.length > 128) return false;
  for (const ch of nonce) {
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '+' || ch === '/' || ch === '-' || ch === '_' || ch === '=')) return false;
  }
  return true;
}

/** `webview.cspSource` is one or more CSP source expressions (`'self' https://*.vscode-cdn.net`): no `"`, `;`, `,`, line breaks. */
function safeCspSource(s: string): string {
  for (const ch of s) {
    if (ch === ';' || ch === ',' || ch === '"' || ch === '&' || ch === '<' || ch === '>' || ch === '\n' || ch === '\r') throw new Error(`unexpected webview.cspSource: ${s}`);
  }
  return s.trim();
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  const src = safeCspSource(cspSource);
  return [
    `default-src 'none'`,
    `style-src ${src} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${src} data:`,
  ].join('; ');
}

export function escapeHtml(text: string): string {
  let out = '';
  for (const ch of text) {
    switch (ch) {
      case '&': out += '&amp;'; break;
      case '<': out += '&lt;'; break;
      case '>': out += '&gt;'; break;
      case '"': out += '&quot;'; break;
      case "'": out += '&#39;'; break;
      default: out += ch;
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------- the SVG

/** The SVG vocabulary kept (what the renderer writes, plus plain shapes). */
const SVG_ELEMENTS = new Set(['svg', 'g', 'rect', 'path', 'polygon', 'polyline', 'line', 'circle', 'ellipse', 'text', 'tspan', 'title', 'desc', 'style']);
const SVG_ATTRIBUTES = new Set([
  'id', 'class', 'x', 'y', 'dx', 'dy', 'width', 'height', 'viewBox', 'rx', 'ry', 'd', 'points', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r',
  'role', 'aria-label', 'aria-labelledby', 'aria-describedby', 'aria-hidden', 'text-anchor', 'dominant-baseline', 'preserveAspectRatio',
]);
/** Elements whose content is text only. */
const TEXT_ELEMENTS = new Set(['text', 'tspan', 'title', 'desc', 'style']);
/** Groups a click means something on: they become focusable buttons. */
const ACTIVE_GROUP_ATTRIBUTES = ['data-edge-id', 'data-node-id', 'data-finding'];

const MAX_SVG_LENGTH = 4 * 1024 * 1024;
const MAX_DEPTH = 32;

function isDataAttribute(name: string): boolean {
  if (!name.startsWith('data-') || name.length === 5) return false;
  for (const ch of name.slice(5)) if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '-')) return false;
  return true;
}

/** CSS that can fetch: `@import`, `url(…)`, `image-set(…)` (checked loosely: any mention drops the sheet). */
function loadsSomething(css: string): boolean {
  const lower = css.toLowerCase();
  return lower.includes('@import') || lower.includes('url(') || lower.includes('image-set(') || lower.includes('\\');
}

class StopParsing extends Error {}

/**
 * The server's SVG, re-written for inlining into the page: allow-listed elements and attributes only, every
 * text and value escaped, `nonce` on `<style>`, no `xmlns` (the HTML parser puts `<svg>` in the SVG namespace).
 * Null when it is not well-formed XML with an `<svg>` root.
 */
export function sanitizeSvg(svg: string, nonce: string): string | null {
  return sanitizeSvgSized(svg, nonce)?.svg ?? null;
}

/** `sanitizeSvg`, with the width the SVG is drawn for (its root's `width`, px), when it says one. */
export function sanitizeSvgSized(svg: string, nonce: string): { svg: string; width: number | null } | null {
  if (svg.length > MAX_SVG_LENGTH) return null;
  let width: number | null = null;
  const out: string[] = [];
  // per open element: kept? (a dropped element drops its whole subtree)
  const stack: { name: string; kept: boolean }[] = [];
  let dropping = 0;
  let sawRoot = false;
  let failed = false;
  const parser = new SaxesParser({ xmlns: false });
  parser.on('error', () => { failed = true; throw new StopParsing(); });
  parser.on('doctype', () => { failed = true; throw new StopParsing(); });
  parser.on('opentag', (tag) => {
    if (stack.length === 0) {
      if (sawRoot || tag.name !== 'svg') { failed = true; throw new StopParsing(); }
      sawRoot = true;
      const w = Number((tag.attributes as Record<string, string>).width);
      if (Number.isFinite(w) && w > 0 && w < 100_000) width = w;
    }
    if (stack.length >= MAX_DEPTH) { failed = true; throw new StopParsing(); }
    const parent = stack[stack.length - 1];
    const kept = dropping === 0 && SVG_ELEMENTS.has(tag.name) && !(parent && TEXT_ELEMENTS.has(parent.name) && parent.name !== 'text');
    stack.push({ name: tag.name, kept });
    if (!kept) { dropping++; return; }
    const attrs = tag.attributes as Record<string, string>;
    let s = `<${tag.name}`;
    for (const [name, value] of Object.entries(attrs)) {
      if (SVG_ATTRIBUTES.has(name) || isDataAttribute(name)) s += ` ${name}="${escapeHtml(value)}"`;
    }
    if (tag.name === 'style') s += ` nonce="${escapeHtml(nonce)}"`;
    if (tag.name === 'g' && ACTIVE_GROUP_ATTRIBUTES.some((a) => a in attrs)) s += ' tabindex="0" role="button"';
    out.push(s + '>');
  });
  const text = (t: string) => {
    const top = stack[stack.length - 1];
    if (dropping !== 0 || !top || !TEXT_ELEMENTS.has(top.name)) return;
    // a stylesheet that would load something (the renderer's never does) is not kept; the CSP would block it anyway
    if (top.name === 'style' && loadsSomething(t)) return;
    out.push(escapeHtml(t));
  };
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('closetag', () => {
    const top = stack.pop();
    if (!top) return;
    if (!top.kept) { dropping--; return; }
    out.push(`</${top.name}>`);
  });
  try {
    parser.write(svg).close();
  } catch (err) {
    if (!(err instanceof StopParsing)) return null;
  }
  if (failed || !sawRoot || stack.length !== 0) return null;
  return { svg: out.join(''), width };
}

/** The diagram never drawn smaller than this (its smallest text is 11 px at 1×) nor larger than ×1.5 of it. */
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 1.5;

/**
 * The diagram fits the panel's width: it fills it (up to ×1.5), and never shrinks below its own size, where its
 * smallest text is 11 px — a panel narrower than that scrolls sideways instead of making the text unreadable.
 */
export function fitRule(width: number | null): string {
  if (width === null) return '';
  return `.diagram svg { width: 100%; min-width: ${Math.ceil(width * MIN_ZOOM)}px; max-width: ${Math.ceil(width * MAX_ZOOM)}px; }`;
}

// ------------------------------------------------------------------------------------------- the page

const PAGE_STYLE = `
:root { color-scheme: light dark; }
body { margin: 0; padding: 12px 16px 24px; color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
h1 { font-size: 1.25em; font-weight: 600; margin: 0 0 4px; }
h2 { font-size: 1.05em; font-weight: 600; margin: 16px 0 6px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.notes, .message { color: var(--vscode-descriptionForeground); margin: 4px 0; }
.message { padding: 6px 10px; border-left: 3px solid var(--vscode-editorWarning-foreground, var(--vscode-descriptionForeground));
  background: var(--vscode-textBlockQuote-background); }
.diagram { overflow-x: auto; }
.diagram svg { display: block; height: auto; }
.diagram g[tabindex] { cursor: pointer; }
.diagram g[tabindex]:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
.diagram g.sr-selected path { stroke-width: 5; }
ol.findings { list-style: none; padding: 0; margin: 0; }
li.finding { display: grid; grid-template-columns: auto 1fr auto; gap: 2px 10px; align-items: start; padding: 6px 8px; margin: 0 0 4px;
  border-left: 3px solid var(--vscode-descriptionForeground); background: var(--vscode-editorWidget-background, transparent); }
li.finding.sev-error { border-left-color: var(--vscode-editorError-foreground, var(--vscode-errorForeground)); }
li.finding.sev-warning { border-left-color: var(--vscode-editorWarning-foreground); }
li.finding.sev-info { border-left-color: var(--vscode-editorInfo-foreground); }
li.finding.highlight { outline: 1px solid var(--vscode-focusBorder); }
li.finding .number { font-weight: 600; }
li.finding .text { min-width: 0; }
li.finding .title { font-weight: 600; }
li.finding .detail { color: var(--vscode-descriptionForeground); overflow-wrap: anywhere; }
button { font-family: inherit; font-size: inherit; cursor: pointer; }
button.reveal { all: unset; cursor: pointer; color: var(--vscode-textLink-foreground); }
button.reveal:hover { text-decoration: underline; }
button.reveal:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
button.fix { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent);
  padding: 3px 10px; border-radius: 2px; white-space: nowrap; }
button.fix:hover { background: var(--vscode-button-hoverBackground); }
button.fix:disabled { opacity: 0.6; cursor: default; }
`;

/**
 * The page's one script. It carries no data (the keys are in `data-*` attributes) and only posts messages:
 * `{type:'reveal', key}`, `{type:'revealNode', id}`, `{type:'fix', key}`. The extension checks every message.
 */
const PAGE_SCRIPT = `
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const post = (m) => vscode.postMessage(m);
  function findingsOf(el) {
    try { const v = JSON.parse(el.getAttribute('data-findings') || '[]'); return Array.isArray(v) ? v.filter((k) => typeof k === 'string') : []; }
    catch (e) { return []; }
  }
  function highlight(keys) {
    let first = null;
    for (const li of document.querySelectorAll('li.finding')) {
      const on = keys.indexOf(li.getAttribute('data-key')) >= 0;
      li.classList.toggle('highlight', on);
      if (on && !first) first = li;
    }
    if (first) first.scrollIntoView({ block: 'nearest' });
  }
  function select(el) {
    for (const e of document.querySelectorAll('.sr-selected')) e.classList.remove('sr-selected');
    if (el) el.classList.add('sr-selected');
  }
  function activate(target) {
    const fix = target.closest('button[data-fix]');
    if (fix) {
      if (fix.disabled) return;
      fix.disabled = true;
      fix.setAttribute('data-label', fix.textContent);
      fix.textContent = 'Applying…';
      post({ type: 'fix', key: fix.getAttribute('data-fix') });
      return;
    }
    const reveal = target.closest('[data-reveal]');
    if (reveal) { post({ type: 'reveal', key: reveal.getAttribute('data-reveal') }); return; }
    const finding = target.closest('g[data-finding]');
    if (finding) {
      const key = finding.getAttribute('data-finding');
      highlight([key]);
      post({ type: 'reveal', key: key });
      return;
    }
    const hop = target.closest('g[data-edge-id]');
    if (hop) {
      const id = hop.getAttribute('data-edge-id');
      let edge = null;
      for (const e of document.querySelectorAll('g.sr-edge[data-edge-id]')) if (e.getAttribute('data-edge-id') === id) edge = e;
      select(edge);
      highlight(edge ? findingsOf(edge) : []);
      return;
    }
    const node = target.closest('g[data-node-id]');
    if (node) {
      select(null);
      highlight(findingsOf(node));
      post({ type: 'revealNode', id: node.getAttribute('data-node-id') });
    }
  }
  document.addEventListener('click', (e) => { if (e.target instanceof Element) activate(e.target); });
  document.addEventListener('keydown', (e) => {
    if ((e.key === 'Enter' || e.key === ' ') && e.target instanceof Element && e.target.matches('g[tabindex]')) {
      e.preventDefault();
      activate(e.target);
    }
  });
  window.addEventListener('message', (e) => {
    const m = e.data;
    if (!m || m.type !== 'fixFailed' || typeof m.key !== 'string') return;
    for (const b of document.querySelectorAll('button[data-fix]')) {
      if (b.getAttribute('data-fix') !== m.key) continue;
      b.disabled = false;
      b.textContent = b.getAttribute('data-label') || 'Fix';
    }
  });
  // the scroll position survives a refresh of the page
  const state = vscode.getState();
  if (state && typeof state.x === 'number' && typeof state.y === 'number') window.scrollTo(state.x, state.y);
  let timer;
  window.addEventListener('scroll', () => {
    clearTimeout(timer);
    timer = setTimeout(() => vscode.setState({ x: window.scrollX, y: window.scrollY }), 100);
  });
})();
`;

function themeBlock(): string {
  return `.diagram {\n${Object.entries(THEME_MAP).map(([k, v]) => `  ${k}: ${v};`).join('\n')}\n}`;
}

function findingItem(f: ViewFinding, fixes: boolean): string {
  const key = escapeHtml(f.key);
  const fix = fixes && f.fix
    ? `<button class="fix" type="button" data-fix="${key}" title="${escapeHtml(f.fix.title)}">Fix</button>`
    : '<span></span>';
  return `<li class="finding sev-${escapeHtml(f.severity)}" data-key="${key}">` +
    `<span class="number">[${f.number}]</span>` +
    `<div class="text"><button class="reveal" type="button" data-reveal="${key}"><span class="title">${escapeHtml(f.title)}</span> · ${escapeHtml(f.location)}</button>` +
    `<div class="detail">${escapeHtml(f.message)}</div>` +
    (fixes && f.fix ? `<div class="detail">Fix: ${escapeHtml(f.fix.title)}</div>` : '') +
    `</div>${fix}</li>`;
}

/** The whole page. Throws only for a bad nonce or cspSource (programming errors). */
export function exposureHtml(content: ViewContent, options: HtmlOptions): string {
  if (!isValidNonce(options.nonce)) throw new Error('exposureHtml: the nonce must be 16-128 base64 characters');
  const nonce = escapeHtml(options.nonce);
  const sized = content.svg === null ? null : sanitizeSvgSized(content.svg, options.nonce);
  const svg = sized?.svg ?? null;
  // the SVG draws its own title: the heading is then for screen readers only
  const body: string[] = [`<header><h1${svg !== null ? ' class="visually-hidden"' : ''}>${escapeHtml(content.heading)}</h1>`];
  for (const n of content.notes) body.push(`<p class="notes">${escapeHtml(n)}</p>`);
  if (content.message) body.push(`<p class="message" role="status">${escapeHtml(content.message)}</p>`);
  if (content.svg !== null && svg === null) body.push('<p class="message" role="status">The diagram could not be shown (the server sent an SVG this view does not accept).</p>');
  body.push('</header>');
  if (svg !== null) body.push(`<section class="diagram" aria-label="Exposure diagram">${svg}</section>`);
  if (content.findings.length) {
    body.push('<section aria-labelledby="findings-heading"><h2 id="findings-heading">Findings</h2><ol class="findings">');
    for (const f of content.findings) body.push(findingItem(f, content.fixes));
    body.push('</ol></section>');
  } else if (svg !== null) {
    body.push('<p class="notes">No findings for this Service.</p>');
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="UTF-8">',
    // (the policy holds no `"`, `&`, `<` or `>`: a nonce and a cspSource are checked above)
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options.cspSource, options.nonce)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<title>${escapeHtml(content.title)}</title>`,
    `<style nonce="${nonce}">${PAGE_STYLE}${themeBlock()}\n${fitRule(sized?.width ?? null)}\n</style>`,
    '</head>',
    '<body>',
    ...body,
    `<script nonce="${nonce}">${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
