/**
 * The exposure webview's HTML (client/src/exposure-html.ts), a pure function: read back with parse5 (the HTML
 * parser of the spec, as a browser parses it) — the CSP, the nonces, no remote resource, the SVG inlined with an
 * allow list — and, when Chromium is there, loaded in headless Chromium with the page's own CSP: no violation,
 * the hops drawn in the theme's colours, the script's messages.
 */
import * as assert from 'node:assert/strict';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import type { Browser, Page } from 'playwright-core';
import { launchChromiumOrSkip } from '../support/chromium';
import {
  THEME_MAP, contentSecurityPolicy, exposureHtml, isValidNonce, sanitizeSvg, type ViewContent, type ViewFinding,
} from '../../client/src/exposure-html';
import { initEngine } from '../../server/src/engine';
import { readHclGrammar } from '../../server/src/host/hcl-grammar';
import { diagramOf, type DiagramModel } from '../../server/src/engine/features/diagram';
import { THEME_VARIABLES, diagramToSvg, layoutDiagram } from '../../server/src/render';
import { VIEW_LAYOUT } from '../../server/src/lsp/exposure';
import { analyse } from '../support/workspace';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

const SVG_NS = 'http://www.w3.org/2000/svg';
const HTML_NS = 'http://www.w3.org/1999/xhtml';
const NONCE = 'n0nce0123456789ABCDEFabcdef';
const CSP_SOURCE = "'self' https://*.vscode-cdn.net";

function elements(node: Node): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    if ('tagName' in n) out.push(n);
    const kids = 'content' in n && n.content ? n.content.childNodes : 'childNodes' in n ? n.childNodes : [];
    for (const c of kids) walk(c);
  };
  walk(node);
  return out;
}

const attr = (e: Element, name: string) => e.attrs.find((a) => a.name === name)?.value;

function textOf(e: Node): string {
  if (e.nodeName === '#text') return (e as DefaultTreeAdapterMap['textNode']).value;
  return 'childNodes' in e ? e.childNodes.map(textOf).join('') : '';
}

/** Two node ports: 30080 open in the zone (allowed), 30081 not (blocked). */
const FILES = {
  'infra/firewalld/zones/public.xml': '<zone>\n  <port port="30080" protocol="tcp"/>\n</zone>\n',
  'web.yaml': [
    'apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', '  namespace: shop', 'spec:', '  type: NodePort',
    '  selector:', '    app: web', '  ports:', '    - name: http', '      port: 80', '      nodePort: 30080',
    '    - name: admin', '      port: 81', '      nodePort: 30081', '',
  ].join('\n'),
};

let model: DiagramModel;
let svg: string;

function contentOf(m: DiagramModel, s: string, extra: Partial<ViewContent> = {}): ViewContent {
  const findings: ViewFinding[] = m.findings.map((f, i) => ({
    key: f.key, number: i + 1, severity: f.severity, code: f.code, title: f.title, message: f.message,
    location: `${f.path}:1`, fix: f.fixable ? { title: `Fix ${f.code}` } : null,
  }));
  return { title: `Exposure: ${m.service.display}`, heading: m.title, svg: s, findings, notes: m.notes, fixes: true, ...extra };
}

suite('exposure webview: the HTML', () => {
  suiteSetup(async () => {
    await initEngine({ hcl: readHclGrammar() });
    const analysis = analyse(FILES);
    model = diagramOf(analysis, analysis.services[0]);
    svg = await diagramToSvg(model);
    assert.ok(model.edges.some((e) => e.status === 'blocked') && model.edges.some((e) => e.status === 'allowed'), 'the fixture has a blocked and an allowed hop');
  });

  test('a Content-Security-Policy meta first in <head>: nothing by default, styles and scripts by nonce only', () => {
    const html = exposureHtml(contentOf(model, svg), { cspSource: CSP_SOURCE, nonce: NONCE });
    const doc = parse(html);
    const all = elements(doc);
    const metas = all.filter((e) => e.tagName === 'meta' && attr(e, 'http-equiv')?.toLowerCase() === 'content-security-policy');
    assert.equal(metas.length, 1);
    const csp = attr(metas[0], 'content')!;
    assert.equal(csp, `default-src 'none'; style-src ${CSP_SOURCE} 'nonce-${NONCE}'; script-src 'nonce-${NONCE}'; img-src ${CSP_SOURCE} data:`);
    assert.equal(csp, contentSecurityPolicy(CSP_SOURCE, NONCE));
    assert.ok(!csp.includes('unsafe-'), 'no unsafe-inline, no unsafe-eval');
    // the policy is in <head> before every style and script, so it applies to all of them
    const head = all.find((e) => e.tagName === 'head')!;
    assert.equal(metas[0].parentNode, head);
    const order = all.filter((e) => e === metas[0] || e.tagName === 'style' || e.tagName === 'script');
    assert.equal(order[0], metas[0]);
  });

  test('every <script> and every <style> (the SVG\'s too) carries the nonce; no script is loaded, no inline handler or style attribute', () => {
    const html = exposureHtml(contentOf(model, svg), { cspSource: CSP_SOURCE, nonce: NONCE });
    const all = elements(parse(html));
    const scripts = all.filter((e) => e.tagName === 'script');
    assert.equal(scripts.length, 1);
    const styles = all.filter((e) => e.tagName === 'style');
    assert.equal(styles.length, 2, 'the page\'s and the SVG\'s');
    assert.ok(styles.some((s) => s.namespaceURI === SVG_NS));
    for (const e of [...scripts, ...styles]) assert.equal(attr(e, 'nonce'), NONCE, `<${e.tagName}> has the nonce`);
    assert.ok(scripts.every((s) => attr(s, 'src') === undefined));
    for (const e of all) {
      for (const a of e.attrs) {
        assert.ok(!a.name.startsWith('on'), `no ${a.name} handler on <${e.tagName}>`);
        assert.notEqual(a.name, 'style', `no style attribute on <${e.tagName}>`);
        assert.ok(!['href', 'src', 'xlink:href', 'action', 'formaction', 'srcset'].includes(a.name), `no ${a.name} on <${e.tagName}>`);
      }
    }
  });

  test('no http: or https: URL anywhere but the CSP\'s own webview source', () => {
    const html = exposureHtml(contentOf(model, svg), { cspSource: CSP_SOURCE, nonce: NONCE });
    const all = elements(parse(html));
    for (const e of all) {
      for (const a of e.attrs) {
        if (e.tagName === 'meta' && a.name === 'content') continue;
        assert.ok(!/https?:/i.test(a.value), `<${e.tagName} ${a.name}="${a.value}">`);
      }
    }
    const withoutCsp = html.replace(contentSecurityPolicy(CSP_SOURCE, NONCE), '');
    assert.ok(!/https?:/i.test(withoutCsp), 'the page names no remote URL (not even the SVG namespace: the HTML parser knows it)');
    assert.ok(svg.includes('xmlns="http://www.w3.org/2000/svg"'), 'the renderer\'s SVG does have one');
  });

  test('the SVG is inlined in the SVG namespace, with its hops, statuses, finding keys and texts intact', () => {
    const html = exposureHtml(contentOf(model, svg), { cspSource: CSP_SOURCE, nonce: NONCE });
    const all = elements(parse(html));
    const root = all.find((e) => e.tagName === 'svg')!;
    assert.equal(root.namespaceURI, SVG_NS);
    assert.equal(attr(root, 'viewBox')?.split(' ').length, 4, 'viewBox survives (case and all)');
    const edges = all.filter((e) => e.tagName === 'g' && attr(e, 'class')?.split(' ').includes('sr-edge'));
    assert.deepEqual(edges.map((e) => [attr(e, 'data-edge-id'), attr(e, 'data-status')]), model.edges.map((e) => [e.id, e.status]));
    for (const [i, e] of edges.entries()) assert.deepEqual(JSON.parse(attr(e, 'data-findings')!), model.edges[i].findings);
    const blocked = edges.find((e) => attr(e, 'data-status') === 'blocked')!;
    assert.equal(attr(blocked, 'tabindex'), '0', 'hops can be reached with the keyboard');
    assert.equal(attr(blocked, 'role'), 'button');
    // the SVG's stylesheet is the renderer's, as it was
    const svgStyle = all.find((e) => e.tagName === 'style' && e.namespaceURI === SVG_NS)!;
    const original = svg.slice(svg.indexOf('<style>') + '<style>'.length, svg.indexOf('</style>'));
    assert.equal(textOf(svgStyle), original);
    assert.match(textOf(svgStyle), /\.sr-edge\.sr-status-blocked path\{stroke:var\(--_sr-blocked\);\}/);
    // texts read the same
    const title = all.find((e) => e.tagName === 'title' && e.namespaceURI === SVG_NS)!;
    assert.equal(textOf(title), `Exposure of ${model.title}`);
  });

  test('the theme: every --sr-* variable of the renderer is mapped to a VS Code colour on the diagram', () => {
    for (const v of THEME_VARIABLES) assert.ok(THEME_MAP[v.name]?.startsWith('var(--vscode-'), `${v.name} is mapped`);
    assert.equal(THEME_MAP['--sr-blocked'], 'var(--vscode-errorForeground)');
    assert.match(THEME_MAP['--sr-allowed'], /^var\(--vscode-testing-iconPassed/);
    assert.match(THEME_MAP['--sr-background'], /--vscode-editor-background/);
    const html = exposureHtml(contentOf(model, svg), { cspSource: CSP_SOURCE, nonce: NONCE });
    const pageStyle = textOf(elements(parse(html)).find((e) => e.tagName === 'style' && e.namespaceURI === HTML_NS)!);
    for (const [k, v] of Object.entries(THEME_MAP)) assert.ok(pageStyle.includes(`${k}: ${v};`), k);
  });

  test('findings: one per line with its place, a Fix button where a fix exists; none when fixes are off', () => {
    const content = contentOf(model, svg);
    const html = exposureHtml(content, { cspSource: CSP_SOURCE, nonce: NONCE });
    const all = elements(parse(html));
    const items = all.filter((e) => e.tagName === 'li' && attr(e, 'class')?.includes('finding'));
    assert.deepEqual(items.map((e) => attr(e, 'data-key')), content.findings.map((f) => f.key));
    const buttons = all.filter((e) => e.tagName === 'button' && attr(e, 'data-fix') !== undefined);
    assert.deepEqual(buttons.map((b) => attr(b, 'data-fix')), content.findings.filter((f) => f.fix).map((f) => f.key));
    assert.ok(buttons.length > 0);
    const reveal = all.filter((e) => e.tagName === 'button' && attr(e, 'data-reveal') !== undefined);
    assert.equal(reveal.length, content.findings.length);
    const off = elements(parse(exposureHtml({ ...content, fixes: false }, { cspSource: CSP_SOURCE, nonce: NONCE })));
    assert.equal(off.filter((e) => e.tagName === 'button' && attr(e, 'data-fix') !== undefined).length, 0);
  });

  test('hostile text cannot break out: titles, messages and keys are escaped; one script, ours', () => {
    const evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    const content: ViewContent = {
      title: evil, heading: evil, svg, notes: [evil], message: evil, fixes: true,
      findings: [{ key: evil, number: 1, severity: 'error', code: 'x', title: evil, message: evil, location: evil, fix: { title: evil } }],
    };
    const html = exposureHtml(content, { cspSource: CSP_SOURCE, nonce: NONCE });
    const all = elements(parse(html));
    assert.equal(all.filter((e) => e.tagName === 'script').length, 1);
    assert.equal(all.filter((e) => e.tagName === 'img').length, 0);
    assert.equal(textOf(all.find((e) => e.tagName === 'h1')!), evil);
    assert.equal(attr(all.find((e) => e.tagName === 'button' && attr(e, 'data-fix') !== undefined)!, 'data-fix'), evil);
  });

  test('sanitizeSvg keeps the SVG vocabulary and drops scripts, foreign content, handlers, links and loading styles', () => {
    const hostile = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" onload="alert(1)">' +
      '<script>alert(1)</script><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>' +
      '<g class="sr-edge" onclick="x()" data-edge-id="a&quot;b" style="fill:red"><a xlink:href="https://evil/"><text>link</text></a>' +
      '<text x="1">&lt;/svg&gt;&lt;script&gt;</text><image href="https://evil/x.png"/></g>' +
      '<style>@import url(https://evil/x.css);</style><style>.a{fill:red}</style></svg>';
    const out = sanitizeSvg(hostile, NONCE)!;
    assert.ok(out);
    const all = elements(parse(`<!DOCTYPE html><html><body>${out}</body></html>`));
    const names = all.filter((e) => e.namespaceURI === SVG_NS).map((e) => e.tagName);
    assert.deepEqual(names, ['svg', 'g', 'text', 'style', 'style']);
    const g = all.find((e) => e.tagName === 'g')!;
    assert.deepEqual(g.attrs.map((a) => [a.name, a.value]), [['class', 'sr-edge'], ['data-edge-id', 'a"b'], ['tabindex', '0'], ['role', 'button']]);
    assert.deepEqual(all.find((e) => e.tagName === 'svg')!.attrs.map((a) => a.name), ['width']);
    assert.equal(textOf(all.find((e) => e.tagName === 'text')!), '</svg><script>');
    const styles = all.filter((e) => e.tagName === 'style');
    assert.deepEqual(styles.map((s) => [attr(s, 'nonce'), textOf(s)]), [[NONCE, ''], [NONCE, '.a{fill:red}']]);
    assert.ok(!/https?:/.test(out));
  });

  test('sanitizeSvg refuses what is not one well-formed <svg>; the page says so instead of showing it', () => {
    for (const bad of ['', 'not xml', '<svg><g></svg>', '<html/>', '<svg/><svg/>', '<!DOCTYPE svg [<!ENTITY x "y">]><svg>&x;</svg>']) {
      assert.equal(sanitizeSvg(bad, NONCE), null, JSON.stringify(bad));
    }
    const html = exposureHtml(contentOf(model, '<svg><script>'), { cspSource: CSP_SOURCE, nonce: NONCE });
    assert.equal(elements(parse(html)).filter((e) => e.tagName === 'svg').length, 0);
    assert.match(html, /could not be shown/);
  });

  test('the view\'s diagram lists no findings (the page lists each once) and fits the panel: never under 1×, at most 1.5×', async () => {
    const viewSvg = await diagramToSvg(model, { findingsList: false, ...VIEW_LAYOUT });
    const content = contentOf(model, viewSvg);
    const all = elements(parse(exposureHtml(content, { cspSource: CSP_SOURCE, nonce: NONCE })));
    assert.equal(all.filter((e) => e.tagName === 'g' && attr(e, 'class') === 'sr-finding').length, 0, 'no findings list in the SVG');
    assert.equal(all.filter((e) => e.tagName === 'li' && attr(e, 'class')?.includes('finding')).length, content.findings.length, 'each finding once');
    assert.ok(content.findings.length > 0);
    const width = Number(attr(all.find((e) => e.tagName === 'svg')!, 'width'));
    const cli = (await layoutDiagram(model)).width;
    assert.ok(width <= cli, `the view's layout is no wider than the CLI's (${width} > ${cli})`);
    const pageStyle = textOf(all.find((e) => e.tagName === 'style' && e.namespaceURI === HTML_NS)!);
    assert.ok(pageStyle.includes(`.diagram svg { width: 100%; min-width: ${width}px; max-width: ${Math.ceil(width * 1.5)}px; }`), pageStyle);
  });

  test('no diagram: the message; a bad nonce or webview source is a programming error', () => {
    const html = exposureHtml({ title: 't', heading: 'Service shop/web', svg: null, findings: [], notes: [], fixes: false, message: 'There is no Service shop/web in web.yaml (any more).' },
      { cspSource: CSP_SOURCE, nonce: NONCE });
    assert.match(html, /There is no Service shop\/web in web\.yaml/);
    assert.equal(elements(parse(html)).filter((e) => e.tagName === 'svg').length, 0);
    assert.equal(isValidNonce(NONCE), true);
    for (const nonce of ['short', `${NONCE}'`, `${NONCE}"`, `${NONCE} x`, `${NONCE};`]) {
      assert.equal(isValidNonce(nonce), false, nonce);
      assert.throws(() => exposureHtml(contentOf(model, svg), { cspSource: CSP_SOURCE, nonce }));
    }
    assert.throws(() => exposureHtml(contentOf(model, svg), { cspSource: 'x; script-src *', nonce: NONCE }));
    assert.throws(() => exposureHtml(contentOf(model, svg), { cspSource: 'x" onload="y', nonce: NONCE }));
  });
});

// ------------------------------------------------------------------------------------------- Chromium

/** In the page (the root tsconfig has no DOM lib). */
declare const document: { documentElement: { style: { setProperty(k: string, v: string): void } }; querySelector(s: string): unknown; querySelectorAll(s: string): ArrayLike<unknown> };
declare const getComputedStyle: (el: unknown) => { stroke: string; fill: string; fontSize: string };
declare const window: { __posted: unknown[]; __violations: string[] } & Record<string, unknown>;

const PAGE_URL = 'https://webview.test/index.html';

/** The colours VS Code would set on <html> (as it does, through the CSSOM). */
const VSCODE_COLOURS: Record<string, string> = {
  '--vscode-editor-background': 'rgb(30, 30, 30)',
  '--vscode-editor-foreground': 'rgb(212, 212, 212)',
  '--vscode-foreground': 'rgb(204, 204, 204)',
  '--vscode-errorForeground': 'rgb(241, 76, 76)',
  '--vscode-testing-iconPassed': 'rgb(115, 201, 145)',
  '--vscode-descriptionForeground': 'rgb(150, 150, 150)',
  '--vscode-font-family': 'sans-serif',
};

suite('exposure webview: the page in headless Chromium, under its own CSP', function () {
  let browser: Browser | undefined;
  let page: Page;
  const problems: string[] = [];

  suiteSetup(async function () {
    this.timeout(60_000);
    browser = await launchChromiumOrSkip(this);
    await initEngine({ hcl: readHclGrammar() });
    if (!model) {
      const analysis = analyse(FILES);
      model = diagramOf(analysis, analysis.services[0]);
      svg = await diagramToSvg(model);
    }
  });

  setup(async () => {
    problems.length = 0;
    page = await browser!.newPage({ viewport: { width: 1100, height: 1200 } });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`); });
    page.on('request', (r) => { if (r.url() !== PAGE_URL && !r.url().startsWith('data:')) problems.push(`request to ${r.url()}`); });
    await page.addInitScript(() => {
      window.__posted = [];
      window.__violations = [];
      let state: unknown;
      window.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => { window.__posted.push(m); },
        getState: () => state,
        setState: (s: unknown) => { state = s; },
      });
      (window as unknown as { addEventListener(t: string, f: (e: { violatedDirective: string; blockedURI: string }) => void, c: boolean): void })
        .addEventListener('securitypolicyviolation', (e) => { window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`); }, true);
    });
  });

  teardown(async () => {
    await page?.close();
  });

  suiteTeardown(async () => {
    await browser?.close();
  });

  async function load(html: string): Promise<void> {
    await page.route(PAGE_URL, (r) => r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await page.goto(PAGE_URL);
    await page.evaluate((colours) => {
      for (const [k, v] of Object.entries(colours)) document.documentElement.style.setProperty(k, v);
    }, VSCODE_COLOURS);
  }

  const violations = () => page.evaluate(() => window.__violations);
  const posted = () => page.evaluate(() => window.__posted);

  test('no CSP violation, no request; the SVG\'s own stylesheet applies (by nonce) with the theme\'s colours', async () => {
    await load(exposureHtml(contentOf(model, svg), { cspSource: PAGE_URL.slice(0, PAGE_URL.lastIndexOf('/')), nonce: NONCE }));
    const blocked = model.edges.find((e) => e.status === 'blocked')!;
    const allowed = model.edges.find((e) => e.status === 'allowed')!;
    const stroke = (id: string) => page.locator(`g.sr-edge[data-edge-id="${id}"] path`).evaluate((el) => getComputedStyle(el).stroke);
    assert.equal(await stroke(blocked.id), VSCODE_COLOURS['--vscode-errorForeground'], 'blocked: errorForeground');
    assert.equal(await stroke(allowed.id), VSCODE_COLOURS['--vscode-testing-iconPassed'], 'allowed: testing.iconPassed');
    assert.equal(await page.locator('rect.sr-bg').evaluate((el) => getComputedStyle(el).fill), VSCODE_COLOURS['--vscode-editor-background']);
    assert.deepEqual(await violations(), []);
    assert.deepEqual(problems, []);
  });

  test('the view\'s diagram at a panel\'s width: fits it where it can, and its smallest text is never under 11 px', async () => {
    const viewSvg = await diagramToSvg(model, { findingsList: false, ...VIEW_LAYOUT });
    const html = exposureHtml(contentOf(model, viewSvg), { cspSource: 'https://webview.test', nonce: NONCE });
    const measured: Record<number, { text: number; zoom: number; fits: boolean }> = {};
    for (const width of [380, 640, 1400]) {
      await page.setViewportSize({ width, height: 900 });
      await load(html);
      measured[width] = await page.evaluate(() => {
        const svgEl = document.querySelector('.diagram svg') as { getBoundingClientRect(): { width: number }; viewBox: { baseVal: { width: number } } };
        const zoom = svgEl.getBoundingClientRect().width / svgEl.viewBox.baseVal.width;
        let min = Infinity;
        for (const t of Array.from(document.querySelectorAll('.diagram svg text'))) min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * zoom);
        const section = document.querySelector('.diagram') as { clientWidth: number; scrollWidth: number };
        return { text: min, zoom, fits: section.scrollWidth <= section.clientWidth };
      });
    }
    for (const [w, m] of Object.entries(measured)) assert.ok(m.text >= 11, `at ${w} px the smallest text is ${m.text.toFixed(1)} px`);
    assert.ok(measured[640].fits, `fits a default split (640 px): zoom ${measured[640].zoom.toFixed(2)}`);
    assert.ok(measured[1400].zoom > 1 && measured[1400].zoom <= 1.5, `a wide panel zooms in, up to 1.5×: ${measured[1400].zoom}`);
    assert.ok(measured[380].zoom >= 1 && !measured[380].fits, 'a narrow panel scrolls rather than shrink the text');
    assert.deepEqual(problems, []);
  });

  test('the check above can fail: an SVG <style> without the nonce is refused by the same CSP', async () => {
    const html = exposureHtml(contentOf(model, svg), { cspSource: 'https://webview.test', nonce: NONCE });
    const at = html.indexOf(`<style nonce="${NONCE}">`, html.indexOf('<svg'));
    assert.ok(at > 0);
    await load(html.slice(0, at) + '<style>' + html.slice(at + `<style nonce="${NONCE}">`.length));
    const blocked = model.edges.find((e) => e.status === 'blocked')!;
    assert.notEqual(await page.locator(`g.sr-edge[data-edge-id="${blocked.id}"] path`).evaluate((el) => getComputedStyle(el).stroke), VSCODE_COLOURS['--vscode-errorForeground']);
    assert.ok((await violations()).some((v) => v.startsWith('style-src')), String(await violations()));
  });

  test('the script: Fix posts {type:"fix", key} once; a finding reveals; a hop highlights its findings; a box reveals its place', async () => {
    const content = contentOf(model, svg);
    await load(exposureHtml(content, { cspSource: 'https://webview.test', nonce: NONCE }));
    const withFix = content.findings.find((f) => f.fix)!;
    const fixButton = page.locator('button[data-fix]').first();
    await fixButton.click();
    await fixButton.click({ force: true }); // disabled now: no second message
    assert.deepEqual(await posted(), [{ type: 'fix', key: withFix.key }]);
    assert.equal(await fixButton.isDisabled(), true);
    // the extension says it failed: the button comes back
    await page.evaluate(() => (window as unknown as { postMessage(m: unknown, o: string): void }).postMessage({ type: 'fixFailed', key: (document.querySelector('button[data-fix]') as { getAttribute(n: string): string }).getAttribute('data-fix') }, '*'));
    await page.waitForFunction(() => !(document.querySelector('button[data-fix]') as { disabled: boolean }).disabled);

    await page.locator('button[data-reveal]').first().click();
    assert.deepEqual((await posted())[1], { type: 'reveal', key: content.findings[0].key });

    const blocked = model.edges.find((e) => e.status === 'blocked' && e.findings.length)!;
    await page.locator(`g.sr-label[data-edge-id="${blocked.id}"]`).click();
    const highlighted = await page.locator('li.finding.highlight').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    assert.deepEqual(highlighted, blocked.findings);
    assert.equal(await page.locator('g.sr-edge.sr-selected').getAttribute('data-edge-id'), blocked.id);

    await page.locator('g.sr-node[data-node-id="pods"] rect').click();
    assert.deepEqual((await posted()).at(-1), { type: 'revealNode', id: 'pods' });
    // the keyboard too
    await page.locator(`g.sr-node[data-node-id="nodes"]`).focus();
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted()).at(-1), { type: 'revealNode', id: 'nodes' });
    assert.deepEqual(await violations(), []);
    assert.deepEqual(problems, []);
  });
});
