#!/usr/bin/env node
// The VS Code suites (test/vscode/suite, compiled to out/test/vscode/suite) in a real VS Code without internet:
// code-server 4.100 (VS Code 1.100) from the cache (installed on first use, scripts/vscode/code-server.mjs),
// driven by Debian's Chromium through playwright-core.
//
//   node scripts/vscode/run-code-server.mjs [--vsix FILE] [--keep]
//
// 1. The .vsix (default: `npm run package` makes a fresh one) is installed with `code-server --install-extension`
//    into a temp extensions dir — the suites run against that installed copy, which proves the package complete.
// 2. code-server opens a temp copy of test/vscode/fixture; Chromium loads the workbench with the `payload`
//    query parameter (extensionDevelopmentPath = the installed extension, extensionTestsPath = the suite), so
//    the extension host runs the mocha suites.
// 3. The suite writes its result to a JSON file; this driver waits for it (fs.watch, with a deadline) and
//    fails loudly when it never comes, when code-server exits, or when any test failed or none ran.
// Exit status: 0 all passed; 1 a failure of any kind (never a silent pass).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  REPO, copyFixture, ensureCodeServer, installVsix, launchChromium, log, startCodeServer, testUrl,
} from './code-server.mjs';

const RESULT_TIMEOUT_MS = Number(process.env.SERVICE_REACH_VSCODE_TIMEOUT_MS ?? 300_000);
const SUITE = path.join(REPO, 'out', 'test', 'vscode', 'suite', 'index.js');

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function packageVsix() {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const vsix = path.join(REPO, `${pkg.name}-${pkg.version}.vsix`);
  log('npm run package');
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  return vsix;
}

/**
 * Resolves with the parsed result file once it appears (fs.watch on its folder). Rejects after `timeoutMs`, or
 * as soon as `abort` (a promise that only ever rejects: code-server exited, the page crashed) does.
 */
function waitForResult(file, timeoutMs, abort) {
  let watcher;
  let timer;
  const appeared = new Promise((resolve, reject) => {
    const check = () => {
      if (!fs.existsSync(file)) return;
      try {
        resolve(JSON.parse(fs.readFileSync(file, 'utf8')));
      } catch (err) {
        reject(new Error(`the result file ${file} is not JSON: ${err.message}`));
      }
    };
    watcher = fs.watch(path.dirname(file), (_event, name) => { if (name === path.basename(file)) check(); });
    timer = setTimeout(() => reject(new Error(`no result from the VS Code suites within ${timeoutMs / 1000} s (${file} never appeared)`)), timeoutMs);
    check();
  });
  return Promise.race([appeared, abort]).finally(() => { watcher.close(); clearTimeout(timer); });
}

export async function runCodeServer({ vsix, keep = false } = {}) {
  const started = Date.now();
  ensureCodeServer();
  log(`code-server ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!vsix) vsix = packageVsix();
  if (!fs.existsSync(vsix)) throw new Error(`no .vsix at ${vsix}`);
  if (!fs.existsSync(SUITE)) throw new Error(`${SUITE} is missing: compile the suites first (npx tsc -p .)`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'service-reach-vscode-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  const workspace = copyFixture(tmp);
  const resultFile = path.join(tmp, 'result', 'result.json');
  fs.mkdirSync(path.dirname(resultFile));

  let server;
  let browser;
  const pageErrors = [];
  try {
    const installed = installVsix(vsix, extensionsDir, userDataDir);
    log(`installed ${path.basename(vsix)} → ${installed}`);
    server = await startCodeServer({
      userDataDir, extensionsDir, folder: workspace,
      env: { SERVICE_REACH_VSCODE_RESULT: resultFile, SERVICE_REACH_EXPECT_EXTENSION_DIR: installed },
    });
    log(`code-server (${server.url}) up after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    const abort = new Promise((_resolve, reject) => {
      server.child.once('exit', (code, signal) => reject(new Error(`code-server exited (${code ?? signal}) before the suites reported`)));
      page.once('crash', () => reject(new Error('the workbench page crashed before the suites reported')));
    });
    abort.catch(() => {}); // observed through the race below
    await page.goto(testUrl(server, workspace, { extensionDevelopmentPath: installed, extensionTestsPath: SUITE }));
    const t = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    log(`workbench loaded after ${t()}; the extension host runs the suites`);
    const result = await waitForResult(resultFile, RESULT_TIMEOUT_MS, abort);
    log(`suites reported after ${t()} (mocha: ${(result.durationMs / 1000).toFixed(1)} s)`);
    return { result, seconds: (Date.now() - started) / 1000, vscodeVersion: result.vscodeVersion };
  } catch (err) {
    if (server) process.stderr.write(`--- code-server output (last 60 lines)\n${server.output().split('\n').slice(-60).join('\n')}\n`);
    if (pageErrors.length) process.stderr.write(`--- workbench page errors\n${pageErrors.slice(-20).join('\n')}\n`);
    const logs = path.join(userDataDir, 'logs');
    if (fs.existsSync(logs)) process.stderr.write(`--- VS Code logs: ${logs}${keep ? '' : ' (pass --keep to keep them)'}\n`);
    throw err;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }
}

/** Prints a result the way mocha's spec reporter would; returns the exit status. */
export function report(result, runner, seconds) {
  for (const t of result.tests) {
    const mark = t.state === 'passed' ? '✔' : t.state === 'pending' ? '-' : '✘';
    console.log(`  ${mark} ${t.title}${t.durationMs !== undefined ? ` (${t.durationMs} ms)` : ''}`);
    if (t.error) console.log(`      ${t.error.split('\n').join('\n      ')}`);
  }
  if (result.error) console.log(`  the suites did not run: ${result.error}`);
  console.log(`${runner} (VS Code ${result.vscodeVersion}): ${result.passes} passing, ${result.failures} failing, ${result.pending} pending, in ${seconds.toFixed(1)} s`);
  return result.failures === 0 && result.passes > 0 && !result.error ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  try {
    const vsix = arg('--vsix');
    const { result, seconds } = await runCodeServer({ vsix: vsix && path.resolve(vsix), keep: process.argv.includes('--keep') });
    process.exit(report(result, 'code-server', seconds));
  } catch (err) {
    console.error(`VS Code suites (code-server): FAILED — ${err.message}`);
    process.exit(1);
  }
}
