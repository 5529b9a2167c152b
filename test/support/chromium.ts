/**
 * Debian's Chromium for the suites that render in a real browser (the diagram's SVG, the exposure webview's page):
 * launched headless through playwright-core, or the suite is skipped with the reason when there is none here.
 */
import * as fs from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A headless Chromium, or the calling suite skipped (from its `suiteSetup`) when there is none that starts. */
export async function launchChromiumOrSkip(ctx: Mocha.Context): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    // eslint-disable-next-line no-console
    console.warn(`      (skipped: no Chromium at ${CHROMIUM}; install it with "apt-get install -y chromium" or set CHROMIUM_PATH)`);
    ctx.skip();
  }
  try {
    const { chromium } = await import('playwright-core');
    return await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  } catch (err) {
    // eslint-disable-next-line no-console
    console.warn(`      (skipped: Chromium at ${CHROMIUM} did not start: ${(err as Error).message.split('\n')[0]})`);
    ctx.skip();
  }
}
