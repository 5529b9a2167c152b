#!/usr/bin/env node
// `npm run test:vscode`: package the extension (`npm run package`), then run the VS Code suites in whichever real
// VS Code works here —
//   1. @vscode/test-electron, when it can download VS Code (machines with internet);
//   2. otherwise code-server + Debian's Chromium (these offline machines, and CI), installing the same .vsix.
// SERVICE_REACH_VSCODE_RUNNER=electron|code-server picks one and never falls back.
// A runner that cannot start is a failure (exit 1, with the reason): there is no silent pass, and the fallback
// happens only for a failed download, never for failing tests.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { log } from './code-server.mjs';
import { packageVsix, report, runCodeServer } from './run-code-server.mjs';
import { DownloadError, downloadVSCode } from './run-electron.mjs';

const started = Date.now();
const forced = process.env.SERVICE_REACH_VSCODE_RUNNER;
if (forced && !['electron', 'code-server'].includes(forced)) {
  console.error(`test:vscode: SERVICE_REACH_VSCODE_RUNNER must be electron or code-server, not "${forced}"`);
  process.exit(2);
}
const keep = process.argv.includes('--keep');

class CannotRunHere extends Error {}

function hasDisplay() {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return true;
  return spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0;
}

let runner = forced;
let status = 1;
try {
  const vsix = packageVsix();
  if (runner !== 'code-server') {
    try {
      await downloadVSCode();
      if (!hasDisplay()) throw new CannotRunHere('the desktop VS Code needs a display: DISPLAY is unset and xvfb-run is missing');
      runner = 'electron';
    } catch (err) {
      const unavailable = err instanceof DownloadError || err instanceof CannotRunHere;
      if (!unavailable || runner === 'electron') throw err;
      log(err.message);
      log('test-electron cannot run here: running the suites in code-server + Chromium instead');
      runner = 'code-server';
    }
  }
  if (runner === 'electron') {
    // its own process: it re-runs itself under xvfb-run when there is no display
    const args = [path.join(path.dirname(fileURLToPath(import.meta.url)), 'run-electron.mjs'), '--vsix', vsix, ...(keep ? ['--keep'] : [])];
    status = spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
  } else {
    const { result, seconds } = await runCodeServer({ vsix, keep });
    status = report(result, 'code-server', seconds);
  }
} catch (err) {
  console.error(`test:vscode: FAILED (${runner ?? 'no runner'}) — ${err.message}`);
  status = 1;
}
console.log(`test:vscode: ${status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s (runner: ${runner ?? 'none'})`);
process.exit(status);
