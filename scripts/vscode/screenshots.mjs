#!/usr/bin/env node
// Regenerates the README's screenshots from a real VS Code: code-server (scripts/vscode/code-server.mjs) with
// the packaged extension installed from its .vsix, opened on a temp copy of test/vscode/fixture, driven by
// Debian's Chromium through playwright-core the way a person would (quick open, go to line, mouse hover,
// Ctrl+., the Problems panel, a click on a CodeLens).
//
//   npm run screenshots [-- --vsix FILE] [--out DIR]      (default: `npm run package`, docs/images/)
//
// Each picture is taken only once what it claims is on the screen (the hover holds the chain, the menu the fix,
// the panel the findings, the webview its SVG); otherwise the script fails and writes nothing for it.
//
//   vscode-hover.png     the squiggle on a closed nodePort, with its hover: the findings and the chain
//   vscode-codelens.png  the chain CodeLens above a Service
//   vscode-quickfix.png  the quick-fix menu on the same nodePort
//   vscode-problems.png  the Problems panel
//   vscode-exposure.png  the exposure view (webview) opened from the "Show exposure" CodeLens
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  REPO, SCREENSHOT_SYSTEM, copyFixture, ensureCodeServer, ensureSystemPackages, installVsix, launchChromium, log, startCodeServer,
} from './code-server.mjs';
import { packageVsix } from './run-code-server.mjs';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const outDir = path.resolve(opt('--out') ?? path.join(REPO, 'docs', 'images'));
const TIMEOUT = 30_000;
const VIEWPORT = { width: 1280, height: 900 };

async function main() {
  ensureSystemPackages(SCREENSHOT_SYSTEM);
  ensureCodeServer();
  const vsix = opt('--vsix') ? path.resolve(opt('--vsix')) : packageVsix();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'service-reach-shots-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  const workspace = copyFixture(tmp);
  let server;
  let browser;
  try {
    installVsix(vsix, extensionsDir, userDataDir);
    server = await startCodeServer({ userDataDir, extensionsDir, folder: workspace });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench .part.editor').waitFor();
    fs.mkdirSync(outDir, { recursive: true });
    const shot = async (name, what, clip) => {
      const file = path.join(outDir, name);
      await page.screenshot({ path: file, clip });
      log(`${path.relative(REPO, file)}: ${what} (${(fs.statSync(file).size / 1024).toFixed(0)} KiB)`);
    };

    // --- the squiggle and its hover
    await openFile(page, 'web.yaml');
    await waitForProblems(page, 1, 2);
    const squiggle = page.locator('.view-overlays .squiggly-error').first();
    await squiggle.waitFor();
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'nodes :30080/TCP' });
    const chainLine = page.locator('.monaco-hover:not(.hidden) code').filter({ hasText: 'nodes :30080/TCP ⛔ → ClusterIP :80 → 3 pods :8080' });
    await attempt('the hover, grown to show the chain', 3, async () => {
      await page.mouse.move(5, VIEWPORT.height / 2);
      await page.keyboard.press('Escape');
      // the squiggle lies under the text: move the mouse to its middle, as a person would
      const box = await squiggle.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
      await hover.waitFor();
      await page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'The port on each node' }).waitFor(); // the last part
      await settled(page, hover);
      // the hover opens at most 250 px tall, so the chain is below the fold: drag its top edge up, as a person would
      await growHover(page, 420);
      await chainLine.waitFor();
      await expectInView(page, chainLine);
    });
    await expectText(hover, ['security-list-port-closed', 'firewalld-port-closed', 'nodes :30080/TCP ⛔ → ClusterIP :80 → 3 pods :8080']);
    await shot('vscode-hover.png', 'squiggle with its hover');
    await page.mouse.move(5, VIEWPORT.height / 2);
    await page.keyboard.press('Escape');
    await hover.waitFor({ state: 'hidden' });

    // --- the quick-fix menu on the same nodePort
    await goTo(page, 38, 19);
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget').filter({ hasText: 'Allow 30080/tcp in firewalld zone' });
    await menu.waitFor();
    await expectText(menu, ['Add an ingress_security_rules block for 30080/tcp']);
    await shot('vscode-quickfix.png', 'quick-fix menu');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });

    // --- the Problems panel
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel');
    await problems.waitFor();
    await page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'security-list-port-closed' }).first().waitFor();
    await expectText(problems, ['firewalld-port-closed', 'unknown-field', 'web.yaml']);
    await shot('vscode-problems.png', 'Problems panel');
    await page.keyboard.press('Control+J'); // View: Toggle Panel
    await problems.waitFor({ state: 'hidden' });

    // --- the chain CodeLens
    await openFile(page, 'checkout.yaml');
    const lens = page.locator('.codelens-decoration').filter({ hasText: 'LoadBalancer :443 → nodes :30443/TCP → ClusterIP :443 → 2 pods :8443' });
    await lens.waitFor();
    // the editor alone, from the Deployment's containers to the end of the Service
    const editorBox = await page.locator('.part.editor').boundingBox();
    const from = await page.locator('.view-line').filter({ hasText: 'containers:' }).boundingBox();
    const to = await page.locator('.view-line').filter({ hasText: 'nodePort: 30443' }).boundingBox();
    await shot('vscode-codelens.png', 'chain CodeLens', { x: editorBox.x, y: from.y, width: Math.min(editorBox.width, 900), height: to.y + to.height + 2 - from.y });

    // --- the exposure view, from the "Show exposure" CodeLens of web (the side bar closed, for room)
    await openFile(page, 'web.yaml');
    await page.keyboard.press('Control+B');
    await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
    const show = page.locator('.codelens-decoration a').filter({ hasText: 'Show exposure' }).first();
    await show.waitFor();
    await show.click();
    const tab = page.locator('.tabs-container .tab').filter({ hasText: 'Exposure' });
    await tab.waitFor();
    const frame = await webviewFrame(page, 'svg');
    await frame.locator('svg').first().waitFor();
    await expectText(frame.locator('body'), ['30080']);
    // the diagram fits its panel with readable text: the smallest text, its font size × the zoom, is at least 11 px
    const size = await frame.locator('.diagram svg').first().evaluate((svg) => {
      const zoom = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      let min = Infinity;
      for (const t of svg.querySelectorAll('text')) min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * zoom);
      const section = svg.closest('.diagram');
      return { min, zoom, panel: section.clientWidth, drawn: svg.getBoundingClientRect().width, findingsInSvg: svg.querySelectorAll('g.sr-finding').length };
    });
    log(`exposure view: smallest text ${size.min.toFixed(1)} px (zoom ${size.zoom.toFixed(2)}; diagram ${Math.round(size.drawn)} px in a ${size.panel} px panel)`);
    if (!(size.min >= 11)) throw new Error(`the exposure view's smallest text is ${size.min.toFixed(1)} px (< 11 px)`);
    if (size.findingsInSvg !== 0) throw new Error('the exposure view lists the findings twice (in the SVG and in the page)');
    await shot('vscode-exposure.png', 'exposure view (webview)');
  } catch (err) {
    if (process.env.SERVICE_REACH_SHOTS_DEBUG && browser) {
      for (const p of browser.contexts().flatMap((c) => c.pages())) await p.screenshot({ path: path.join(os.tmpdir(), 'service-reach-shots-failure.png') }).catch(() => {});
      log(`failure screenshot: ${path.join(os.tmpdir(), 'service-reach-shots-failure.png')}`);
    }
    throw err;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------------- helpers

async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }).first();
  await row.waitFor();
  await row.click();
  await page.locator('.tabs-container .tab.active').filter({ hasText: name }).waitFor();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

async function goTo(page, line, column) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The status bar's problem counts reach `errors` and `warnings` (the extension has analysed the workspace). */
async function waitForProblems(page, errors, warnings) {
  const item = page.locator('#status\\.problems');
  await page.waitForFunction(([e, w]) => {
    const label = document.getElementById('status.problems')?.textContent ?? '';
    const nums = label.match(/\d+/g)?.map(Number) ?? [];
    return nums[0] === e && nums[1] === w;
  }, [errors, warnings], { timeout: 60_000 }).catch(async () => {
    throw new Error(`the status bar never showed ${errors} error(s), ${warnings} warning(s); it shows "${await item.textContent()}"`);
  });
}

/** Runs `step` up to `times` times (a hover can move while it is being grabbed); throws the last error. */
async function attempt(what, times, step) {
  for (let i = 1; ; i++) {
    try {
      return await step();
    } catch (err) {
      if (i >= times) throw new Error(`${what}: ${err.message}`);
      log(`${what}: try ${i} failed (${err.message.split('\n')[0]}); again`);
    }
  }
}

/** Resolves once the element's box is the same on two consecutive animation frames. */
async function settled(page, locator) {
  let prev = '';
  for (let i = 0; i < 120; i++) {
    const b = JSON.stringify(await locator.boundingBox());
    if (b === prev) return;
    prev = b;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  throw new Error('the element never stopped moving');
}

/** Drags the top edge (sash) of the visible editor hover up by `dy` pixels. */
async function growHover(page, dy) {
  const widget = page.locator('.monaco-resizable-hover').filter({ has: page.locator('.monaco-hover:not(.hidden)') }).first();
  const wbox = await widget.boundingBox();
  const sashes = await widget.locator(':scope > .monaco-sash.horizontal').all();
  let top;
  for (const s of sashes) {
    const b = await s.boundingBox();
    if (b && (!top || b.y < top.y)) top = b;
  }
  if (!top || Math.abs(top.y - wbox.y) > 10) throw new Error('the hover has no resizable top edge');
  const x = top.x + top.width / 2;
  const y = top.y + top.height / 2;
  await page.mouse.move(x, y, { steps: 3 });
  await page.mouse.down();
  await page.mouse.move(x, y - dy, { steps: 10 });
  await page.mouse.up();
}

/** The element is inside the viewport and not scrolled out of its scrollable hover. */
async function expectInView(page, locator) {
  const b = await locator.boundingBox();
  const hoverBox = await page.locator('.monaco-hover:not(.hidden)').first().boundingBox();
  if (!b || !hoverBox || b.y < hoverBox.y || b.y + b.height > hoverBox.y + hoverBox.height) {
    throw new Error(`not visible in the hover (element ${JSON.stringify(b)}, hover ${JSON.stringify(hoverBox)})`);
  }
}

async function expectText(locator, parts) {
  const text = await locator.innerText();
  const missing = parts.filter((p) => !text.includes(p));
  if (missing.length) throw new Error(`expected ${missing.map((m) => `"${m}"`).join(', ')} on screen; it shows:\n${text}`);
}

/** The innermost frame of a webview (VS Code nests the page in two iframes) that holds `selector`. */
async function webviewFrame(page, selector) {
  const deadline = Date.now() + TIMEOUT;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      if (await f.locator(selector).count().catch(() => 0)) return f;
    }
    await page.waitForEvent('framenavigated', { timeout: 1_000 }).catch(() => {});
  }
  throw new Error(`no webview frame with ${selector}`);
}

try {
  await main();
} catch (err) {
  console.error(`screenshots: FAILED — ${err.message}`);
  process.exit(1);
}
