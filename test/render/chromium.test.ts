/**
 * The SVG in a real browser: headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM_PATH) driven by
 * playwright-core. Skipped, with the reason, when Chromium cannot start.
 */
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromiumOrSkip } from '../support/chromium';
import { initEngine } from '../../server/src/engine';
import { readHclGrammar } from '../../server/src/host/hcl-grammar';
import { diagramsOf, type DiagramModel } from '../../server/src/engine/features/diagram';
import { diagramToSvg, type SvgOptions } from '../../server/src/render';
import { loadCase } from '../engine/diagram/corpus';
import { countPixels, decodePng, type Image } from './png';

/** In the page (the root tsconfig has no DOM lib). */
declare const getComputedStyle: (el: unknown) => { stroke: string; fill: string };


const isRed = (r: number, g: number, b: number) => r > 170 && g < 110 && b < 110;
const isGreen = (r: number, g: number, b: number) => g > 100 && r < 90 && b < 110 && g > r + 40;
const isBlue = (r: number, g: number, b: number) => b > 170 && r < 90 && g < 90;

/** The gateway Service of the reachability/firewalld-zone conformance case: its UDP node port blocked, its TCP one allowed. */
function twoHopModel(): DiagramModel {
  return diagramsOf(loadCase('reachability/firewalld-zone').analysis).find((m) => m.service.name === 'gateway')!;
}

suite('render: the SVG in headless Chromium', function () {
  let browser: Browser | undefined;
  let page: Page;

  suiteSetup(async function () {
    this.timeout(60_000);
    browser = await launchChromiumOrSkip(this);
    await initEngine({ hcl: readHclGrammar() });
  });

  setup(async () => {
    page = await browser!.newPage({ viewport: { width: 1200, height: 1400 }, deviceScaleFactor: 1 });
  });

  teardown(async () => {
    await page?.close();
  });

  suiteTeardown(async () => {
    await browser?.close();
  });

  async function show(model: DiagramModel, options: SvgOptions = {}, bodyStyle = ''): Promise<string[]> {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    const requests: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url()); });
    const svg = await diagramToSvg(model, options);
    await page.setContent(`<!doctype html><html><body style="margin:0;${bodyStyle}">${svg}</body></html>`);
    return [...errors, ...requests.map((u) => `request to ${u}`)];
  }

  /** Screenshot of the hop's route (its bounding box, a little padded), decoded. */
  async function routeShot(edgeId: string): Promise<{ image: Image; stroke: string; length: number }> {
    const path = page.locator(`g.sr-edge[data-edge-id="${edgeId}"] path`);
    const stroke = await path.evaluate((el) => getComputedStyle(el).stroke);
    const box = await path.boundingBox();
    assert.ok(box, `hop ${edgeId} is not drawn`);
    const clip = { x: Math.max(0, box.x - 2), y: Math.max(0, box.y - 2), width: box.width + 4, height: box.height + 4 };
    return { image: decodePng(await page.screenshot({ clip })), stroke, length: Math.max(box.width, box.height) };
  }

  test('the SVG renders at its own size, without errors or requests', async () => {
    const model = twoHopModel();
    assert.deepEqual(await show(model), []);
    const size = await page.locator('svg').evaluate((el) => {
      const r = el.getBoundingClientRect();
      return [Math.round(r.width), Math.round(r.height), Number(el.getAttribute('width')), Number(el.getAttribute('height'))];
    });
    assert.equal(size[0], size[2]);
    assert.equal(size[1], size[3]);
    assert.ok(size[0] > 300 && size[1] > 300, String(size));
    // every label's text fits inside its box (the width estimate is on the safe side for the installed fonts)
    const overflow = await page.locator('g.sr-label, g.sr-node').evaluateAll((groups) => groups.flatMap((g) => {
      const rect = g.querySelector('rect')!.getBBox();
      return [...g.querySelectorAll('text')].map((t) => t.getBBox()).filter((b) => b.x + b.width > rect.x + rect.width + 0.5)
        .map((b) => `${g.getAttribute('data-edge-id') ?? g.getAttribute('data-node-id')}: ${b.x + b.width} > ${rect.x + rect.width}`);
    }));
    assert.deepEqual(overflow, []);
  });

  test('a blocked hop is drawn red, an allowed one green', async () => {
    const model = twoHopModel();
    const blocked = model.edges.find((e) => e.status === 'blocked')!;
    const allowed = model.edges.find((e) => e.status === 'allowed')!;
    assert.ok(blocked && allowed, 'the model has a blocked and an allowed hop');
    await show(model);

    const b = await routeShot(blocked.id);
    assert.equal(b.stroke, 'rgb(209, 36, 47)');
    // a 3 px stroke: about 3 red pixels per px of route (the arrowhead alone gives far fewer)
    const red = countPixels(b.image, isRed);
    assert.ok(red >= 2 * b.length, `only ${red} red pixels on the blocked hop ${blocked.id} (${b.length} px long)`);
    assert.equal(countPixels(b.image, isGreen), 0, 'green pixels on the blocked hop');

    const a = await routeShot(allowed.id);
    assert.equal(a.stroke, 'rgb(26, 127, 55)');
    const green = countPixels(a.image, isGreen);
    assert.ok(green >= 1.2 * a.length, `only ${green} green pixels on the allowed hop ${allowed.id} (${a.length} px long)`);
    assert.equal(countPixels(a.image, isRed), 0, 'red pixels on the allowed hop');

    // the label of the blocked hop names the finding in red too
    const label = page.locator(`g.sr-label[data-edge-id="${blocked.id}"]`);
    const labelShot = decodePng(await label.screenshot());
    assert.ok(countPixels(labelShot, isRed) > 20, 'the blocked label has no red');
  });

  test('a host can map the colours to its theme through CSS variables', async () => {
    const model = twoHopModel();
    const blocked = model.edges.find((e) => e.status === 'blocked')!;
    await show(model, {}, '--sr-blocked: rgb(0, 0, 255);');
    const b = await routeShot(blocked.id);
    assert.equal(b.stroke, 'rgb(0, 0, 255)');
    assert.ok(countPixels(b.image, isBlue) >= 2 * b.length);
    assert.equal(countPixels(b.image, isRed), 0);
  });

  test('colorScheme auto follows prefers-color-scheme', async () => {
    const model = twoHopModel();
    const blocked = model.edges.find((e) => e.status === 'blocked')!;
    await page.emulateMedia({ colorScheme: 'dark' });
    await show(model, { colorScheme: 'auto' });
    const b = await routeShot(blocked.id);
    assert.equal(b.stroke, 'rgb(248, 81, 73)');
    const bg = await page.locator('svg rect.sr-bg').evaluate((el) => getComputedStyle(el).fill);
    assert.equal(bg, 'rgb(13, 17, 23)');
  });
});
