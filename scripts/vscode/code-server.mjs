// code-server (VS Code 1.100 for the browser, published on npm) as a real VS Code for the extension's suites and
// screenshots, driven by Debian's Chromium through playwright-core. The install (`ensureCodeServer` below: the npm
// package unpacked, its install scripts skipped, the native modules rebuilt against this Node, Debian's ripgrep)
// is cached OUTSIDE the repository:
//
//   ${SERVICE_REACH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/service-reach}/code-server-4.100.3/
//
// A marker file (`.service-reach-installed`) is written last; a cache without it is removed and installed again,
// so an interrupted install never counts. Everything here fails loudly (throws) — nothing is skipped.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3'; // 4.100.x = VS Code 1.100, the last line that runs on Node 20
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];
const MARKER = '.service-reach-installed';

export function cacheRoot() {
  if (process.env.SERVICE_REACH_CACHE) return path.resolve(process.env.SERVICE_REACH_CACHE);
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'service-reach');
}

export function codeServerDir() {
  return path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

/** `entry.js` of the cached code-server. */
export function codeServerEntry() {
  return path.join(codeServerDir(), 'package', 'out', 'node', 'entry.js');
}

export function log(msg) {
  process.stderr.write(`[vscode] ${msg}\n`);
}

function run(cmd, args, cwd, extraEnv = {}) {
  log(`${path.relative(cacheRoot(), cwd) || '.'}$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...extraEnv } });
}

// ------------------------------------------------------------------------------------------ system packages

const SYSTEM = [
  { pkg: 'chromium', present: () => fs.existsSync(CHROMIUM) },
  { pkg: 'ripgrep', present: () => fs.existsSync('/usr/bin/rg') },
  { pkg: 'libkrb5-dev', present: () => dpkgInstalled('libkrb5-dev') },
];

function dpkgInstalled(pkg) {
  try {
    return /install ok installed/.test(execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return false;
  }
}

/** For the screenshots: the chains' ⛔ and ⚠ need a colour emoji font, which Chromium otherwise draws as boxes. */
export const SCREENSHOT_SYSTEM = [
  { pkg: 'fonts-noto-color-emoji', present: () => dpkgInstalled('fonts-noto-color-emoji') },
];

/** chromium, ripgrep and libkrb5-dev (kerberos builds against it) from Debian, when missing (and `extra`). */
export function ensureSystemPackages(extra = []) {
  const wanted = [...SYSTEM, ...extra];
  const missing = wanted.filter((s) => !s.present()).map((s) => s.pkg);
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  log(`installing Debian packages: ${missing.join(' ')}`);
  try {
    const apt = (args) => {
      const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
      execFileSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    };
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  } catch (err) {
    throw new Error(`cannot install ${missing.join(', ')} (need root or passwordless sudo): ${err.message}`);
  }
  const still = wanted.filter((s) => !s.present()).map((s) => s.pkg);
  if (still.length) throw new Error(`still missing after apt-get install: ${still.join(', ')}`);
}

// ------------------------------------------------------------------------------------------------- install

/**
 * Installs code-server into the cache unless the marker says it is there. Idempotent; returns the entry point.
 * The package's own postinstall is skipped (it refuses root under npm 11 and downloads ripgrep), native modules
 * are rebuilt against this Node (`argon2` in package/ too, without which entry.js cannot load), ripgrep is
 * Debian's.
 */
export function ensureCodeServer() {
  ensureSystemPackages();
  const dir = codeServerDir();
  const marker = path.join(dir, MARKER);
  if (fs.existsSync(marker) && fs.existsSync(codeServerEntry())) return codeServerEntry();

  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (once; later runs use the cache)`);
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const tmp = `${dir}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    run('npm', ['pack', `code-server@${CODE_SERVER_VERSION}`, '--silent'], tmp);
    run('tar', ['xzf', `code-server-${CODE_SERVER_VERSION}.tgz`], tmp);
    fs.rmSync(path.join(tmp, `code-server-${CODE_SERVER_VERSION}.tgz`));
    const pkg = path.join(tmp, 'package');
    const vscode = path.join(pkg, 'lib', 'vscode');
    const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
    run('npm', ['install', '--omit=dev', '--ignore-scripts', ...quiet], pkg);
    // argon2 (password auth; loaded at start even with --auth none): its prebuilt download fails offline and
    // node-pre-gyp falls back to building it here
    run('npm', ['rebuild', 'argon2'], pkg);
    run('npm', ['install', '--omit=dev', '--ignore-scripts', ...quiet], vscode);
    for (const p of ['@parcel/watcher', '@vscode/spdlog', 'native-watchdog', 'kerberos']) run('npm', ['rebuild', p], vscode);
    run('npm', ['rebuild', 'node-pty'], vscode, { npm_config_yes: 'true' });
    const rgDir = path.join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin');
    fs.mkdirSync(rgDir, { recursive: true });
    fs.rmSync(path.join(rgDir, 'rg'), { force: true });
    fs.symlinkSync('/usr/bin/rg', path.join(rgDir, 'rg'));
    fs.rmSync(path.join(vscode, 'node_modules.asar'), { force: true });
    fs.symlinkSync('node_modules', path.join(vscode, 'node_modules.asar'));
    run('npm', ['install', '--omit=dev', '--ignore-scripts', ...quiet], path.join(vscode, 'extensions'));
    fs.writeFileSync(path.join(tmp, MARKER), JSON.stringify({ version: CODE_SERVER_VERSION, node: process.version, at: new Date().toISOString() }) + '\n');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`installing code-server ${CODE_SERVER_VERSION} failed: ${err.message}`);
  }
  log(`code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return codeServerEntry();
}

// ---------------------------------------------------------------------------------------------------- run

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** code-server writes a default config file on first start: keep it beside the temp user-data dir, not in ~/.config. */
function ownConfig(userDataDir) {
  return { CODE_SERVER_CONFIG: path.join(path.dirname(userDataDir), 'code-server.yaml') };
}

/** `code-server --install-extension VSIX` into `extensionsDir`; throws with code-server's output when it fails. */
export function installVsix(vsix, extensionsDir, userDataDir) {
  const out = execFileSync(process.execPath, [codeServerEntry(), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--install-extension', vsix], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...ownConfig(userDataDir) } });
  log(out.trim().split('\n').filter(Boolean).map((l) => `code-server: ${l}`).join('\n[vscode] '));
  const installed = fs.readdirSync(extensionsDir).filter((d) => d.startsWith('service-reach.service-reach-'));
  if (installed.length !== 1) throw new Error(`the .vsix did not install into ${extensionsDir}: ${out}`);
  return path.join(extensionsDir, installed[0]);
}

/**
 * Starts code-server on a free loopback port with its own user-data and extensions dirs, waits until it answers
 * HTTP, and returns `{ url, port, stop(), output() }`. `env` is passed on (the extension host inherits it).
 */
export async function startCodeServer({ userDataDir, extensionsDir, folder, env = {}, timeoutMs = 60_000 }) {
  const port = await freePort();
  const settingsDir = path.join(userDataDir, 'User');
  fs.mkdirSync(settingsDir, { recursive: true });
  const settingsFile = path.join(settingsDir, 'settings.json');
  if (!fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify(workbenchSettings(), null, 2));
  const args = [codeServerEntry(), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, folder];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...ownConfig(userDataDir), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const url = `http://127.0.0.1:${port}/`;
  // ready when it says so on its output (an event, not a poll), or fails loudly when it exits or times out
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); child.kill('SIGKILL'); reject(new Error(`code-server did not start on ${url} within ${timeoutMs / 1000} s:\n${output}`)); }, timeoutMs);
    const onData = () => { if (/HTTP server listening on/.test(output)) { cleanup(); resolve(); } };
    const onExit = () => { cleanup(); reject(new Error(`code-server exited (${JSON.stringify(exited)}) before it served:\n${output}`)); };
    const cleanup = () => { clearTimeout(timer); child.stdout.off('data', onData); child.stderr.off('data', onData); child.off('exit', onExit); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', onExit);
  });
  const health = await fetch(`${url}healthz`);
  if (!health.ok) throw new Error(`code-server on ${url} answers /healthz with ${health.status}`);
  return {
    url, port, child,
    output: () => output,
    stop: () => new Promise((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5_000).unref();
    }),
  };
}

/** User settings for a quiet, deterministic workbench. */
export function workbenchSettings() {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.colorTheme': 'Default Light Modern',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'editor.minimap.enabled': false,
    'editor.stickyScroll.enabled': false,
    'editor.fontSize': 14,
    'editor.hover.delay': 100,
    'window.commandCenter': false,
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'files.autoSave': 'off',
  };
}

/** The workbench URL that opens `folder` and runs `extensionTestsPath` (the web workbench's `payload`). */
export function testUrl(server, folder, { extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)], ['extensionTestsPath', remote(extensionTestsPath)]];
  return `${server.url}?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function launchChromium() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** A copy of the fixture workspace in a fresh temp dir (the suites edit files; the repository's copy never changes). */
export function copyFixture(tmpRoot) {
  const dest = path.join(tmpRoot, 'workspace');
  fs.cpSync(path.join(REPO, 'test', 'vscode', 'fixture'), dest, { recursive: true });
  return dest;
}

// `node scripts/vscode/code-server.mjs install`: install (or confirm) the cached code-server
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2] ?? 'install';
  if (cmd === 'install') {
    const t = Date.now();
    console.log(ensureCodeServer());
    log(`ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } else {
    console.error(`usage: node scripts/vscode/code-server.mjs install`);
    process.exit(2);
  }
}
