#!/usr/bin/env node
// The same VS Code suites with @vscode/test-electron: it downloads a desktop VS Code (default 1.100.3, the
// version code-server 4.100.3 is built from; SERVICE_REACH_VSCODE_VERSION=stable for the latest) into the cache
// outside the repository, installs the .vsix with that VS Code's CLI, and runs the suites in it. For machines
// with internet; on the offline machines the download fails, and this runner says so and exits 1.
//
//   node scripts/vscode/run-electron.mjs [--vsix FILE] [--keep]
//
// Linux without a display: re-runs itself under `xvfb-run -a` when that exists, else fails with the reason.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO, cacheRoot, copyFixture, log } from './code-server.mjs';
import { packageVsix, report } from './run-code-server.mjs';

export const VSCODE_VERSION = process.env.SERVICE_REACH_VSCODE_VERSION ?? '1.100.3';
const SUITE = path.join(REPO, 'out', 'test', 'vscode', 'suite', 'index.js');

/** The download failed: no internet, or the update service refused. Offline machines get this. */
export class DownloadError extends Error {}

/** Downloads (or finds in the cache) the desktop VS Code; throws DownloadError when it cannot. */
export async function downloadVSCode({ timeoutMs = 20_000 } = {}) {
  const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  const cachePath = path.join(cacheRoot(), 'vscode-electron');
  try {
    return await downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath, timeout: timeoutMs, reporter: quietReporter() });
  } catch (err) {
    throw new DownloadError(`@vscode/test-electron cannot download VS Code ${VSCODE_VERSION} into ${cachePath}: ${String(err?.message ?? err).split('\n')[0]}`);
  }
}

function quietReporter() {
  let last = '';
  return {
    report: (r) => {
      if (r.stage !== last) log(`test-electron: ${r.stage}`);
      last = r.stage;
    },
    error: (err) => log(`test-electron: ${String(err?.message ?? err).split('\n')[0]}`),
  };
}

export async function runElectron({ vsix, keep = false, vscodeExecutablePath } = {}) {
  const started = Date.now();
  const { resolveCliArgsFromVSCodeExecutablePath, runTests } = await import('@vscode/test-electron');
  vscodeExecutablePath ??= await downloadVSCode();
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new Error('no display for the desktop VS Code (DISPLAY is unset): run under xvfb-run -a (apt-get install -y xvfb)');
  }
  if (!vsix) vsix = packageVsix();
  if (!fs.existsSync(SUITE)) throw new Error(`${SUITE} is missing: compile the suites first (npx tsc -p .)`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'service-reach-electron-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const workspace = copyFixture(tmp);
  const resultFile = path.join(tmp, 'result.json');
  try {
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
    execFileSync(cli, [...cliArgs, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix],
      { stdio: ['ignore', 'inherit', 'inherit'] });
    const installed = fs.readdirSync(extensionsDir).filter((d) => d.startsWith('service-reach.service-reach-'));
    if (installed.length !== 1) throw new Error(`the .vsix did not install into ${extensionsDir}`);
    const extensionDir = path.join(extensionsDir, installed[0]);
    log(`installed ${path.basename(vsix)} → ${extensionDir}`);

    let exitCode;
    try {
      exitCode = await runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: extensionDir,
        extensionTestsPath: SUITE,
        extensionTestsEnv: { SERVICE_REACH_VSCODE_RESULT: resultFile, SERVICE_REACH_EXPECT_EXTENSION_DIR: extensionDir },
        launchArgs: [workspace, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-workspace-trust',
          '--skip-welcome', '--skip-release-notes', '--disable-gpu'],
      });
    } catch (err) {
      // runTests rejects when VS Code exits non-zero (a failed test, or a crash): the result file tells which
      if (!fs.existsSync(resultFile)) throw new Error(`VS Code ended without a result from the suites: ${err?.message ?? err}`);
    }
    if (!fs.existsSync(resultFile)) throw new Error(`VS Code exited (${exitCode}) without a result from the suites (${resultFile} never appeared)`);
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    return { result, seconds: (Date.now() - started) / 1000 };
  } finally {
    if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !process.env.SERVICE_REACH_UNDER_XVFB
    && spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0) {
    const r = spawnSync('xvfb-run', ['-a', process.execPath, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, SERVICE_REACH_UNDER_XVFB: '1' } });
    process.exit(r.status ?? 1);
  }
  try {
    const i = process.argv.indexOf('--vsix');
    const vsix = i >= 0 ? path.resolve(process.argv[i + 1]) : undefined;
    const { result, seconds } = await runElectron({ vsix, keep: process.argv.includes('--keep') });
    process.exit(report(result, 'test-electron', seconds));
  } catch (err) {
    const hint = err instanceof DownloadError ? '\n  (this runner needs internet; offline, run `npm run test:vscode:code-server`, or `npm run test:vscode`, which falls back to it)' : '';
    console.error(`VS Code suites (test-electron): FAILED — ${err.message}${hint}`);
    process.exit(1);
  }
}
