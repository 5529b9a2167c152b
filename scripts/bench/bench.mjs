#!/usr/bin/env node
/**
 * `npm run bench` — Service Reach's performance, measured in one run on the same generated inputs:
 *
 *  - the floor: `yaml`'s parseAllDocuments of the big file's text alone (cold: the first parse in a fresh
 *    process; warm: a re-parse);
 *  - Service Reach's engine (Workspace.analyze(): full, then after a one-character edit), in fresh processes;
 *  - Service Reach's language server over stdio: diagnostics after opening the file, after a one-character
 *    edit, completion latency while typing (p50/p95), hover latency (p50/p95);
 *  - the peer: yaml-language-server (npm) over stdio on the same file, same edits, same completion requests;
 *  - edit latency in repositories of several sizes (does the cost of an edit grow with unrelated files?);
 *  - a Helm chart of 30 templates: a keystroke in one template → fresh diagnostics (the engine, fresh processes);
 *  - the CLI on the largest repository: wall time and peak memory.
 *
 * It prints a table (absolute numbers and ratios) and writes it as JSON (and the table as text). Timings
 * never live in tests; this is where they are. Every quantity is measured in several fresh processes (--runs)
 * and reported as a median; the machine and its load average are printed with the numbers.
 *
 * usage: node scripts/bench/bench.mjs [--services 1000] [--files 500,5000] [--cli-files 5000] [--runs 3]
 *          [--edits 20] [--hovers 50] [--json docs/bench/results.json] [--text docs/bench/results.txt]
 *          [--no-peer] [--cpu-prof DIR] [--work DIR] [--keep]
 */
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { chartRepo, singleFile, repository, repoPathOf } from './generate.mjs';
import { LspClient, EDITOR_CAPABILITIES, uriOf } from './lsp-client.mjs';

const require = createRequire(import.meta.url);
const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, '../..');
const OUR_SERVER = path.join(ROOT, 'bin/service-reach-lsp.js');
const OUR_CLI = path.join(ROOT, 'bin/service-reach.js');
const PEER_SERVER = path.join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server');
const PEER_VERSION = require(path.join(ROOT, 'node_modules/yaml-language-server/package.json')).version;
const YAML_VERSION = require(path.join(ROOT, 'node_modules/yaml/package.json')).version;

const { values: opts } = parseArgs({
  options: {
    services: { type: 'string', default: '1000' },
    files: { type: 'string', default: '500,5000' },
    'cli-files': { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    edits: { type: 'string', default: '20' },
    hovers: { type: 'string', default: '50' },
    'typing-interval': { type: 'string', default: '100' },
    json: { type: 'string', default: path.join(ROOT, 'docs/bench/results.json') },
    text: { type: 'string', default: path.join(ROOT, 'docs/bench/results.txt') },
    'no-peer': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    work: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opts.help) {
  process.stdout.write('usage: node scripts/bench/bench.mjs [--services 1000] [--files 500,5000] [--cli-files 5000] [--runs 3] [--edits 20]\n'
    + '         [--hovers 50] [--json FILE] [--text FILE] [--no-peer] [--cpu-prof DIR] [--work DIR] [--keep]\n');
  process.exit(0);
}
const SERVICES = Number(opts.services);
const REPO_SIZES = opts.files.split(',').filter(Boolean).map(Number);
const CLI_FILES = Number(opts['cli-files']);
const RUNS = Number(opts.runs);
const EDITS = Number(opts.edits);
const CHART_TEMPLATES = 30;
const HOVERS = Number(opts.hovers);
/** ms from one keystroke to the next while typing (a fast typist: 10 keys a second); 0: back to back */
const TYPING_INTERVAL = Number(opts['typing-interval']);
const PROFILE_DIR = opts['cpu-prof'] ? path.resolve(opts['cpu-prof']) : undefined;

// ------------------------------------------------------------------------------------------------ helpers

const median = (xs) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** nearest-rank percentile */
const percentile = (xs, q) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const round = (x, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const log = (s) => process.stderr.write(`[bench] ${s}\n`);

function loadAverage() {
  return os.loadavg().map((x) => round(x, 2));
}

function machine() {
  const cpus = os.cpus();
  let model = cpus[0]?.model ?? 'unknown';
  return {
    cpu: model.trim(),
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryGB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** Run a child node process and parse the JSON line it prints. */
function nodeJson(args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      else {
        try { resolve(JSON.parse(out.trim().split('\n').pop())); } catch (e) { reject(new Error(`bad output from ${args.join(' ')}: ${out.slice(-500)} ${err.slice(-500)}`)); }
      }
    });
  });
}

/** Line/character ↔ offset over a text that the client edits (UTF-16, as LSP counts by default). */
class Doc {
  constructor(text) { this.text = text; this.version = 1; this.starts = null; }
  lineStarts() {
    if (!this.starts) {
      const s = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) s.push(i + 1);
      this.starts = s;
    }
    return this.starts;
  }
  position(offset) {
    const s = this.lineStarts();
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: offset - s[lo] };
  }
  /** Replace [offset, offset + deleteCount) by `insert`; returns the LSP content change. */
  edit(offset, deleteCount, insert) {
    const change = { range: { start: this.position(offset), end: this.position(offset + deleteCount) }, text: insert };
    this.text = this.text.slice(0, offset) + insert + this.text.slice(offset + deleteCount);
    this.starts = null;
    this.version++;
    return change;
  }
}

const pad = (i) => String(i).padStart(5, '0');

/** Offsets of the lines of Service i that the benchmark edits, completes and hovers on. */
function serviceAnchors(text, i) {
  const head = `kind: Service\nmetadata:\n  name: app-${pad(i)}\n`;
  const start = text.indexOf(head);
  if (start < 0) throw new Error(`Service app-${pad(i)} not found`);
  const find = (needle) => {
    const at = text.indexOf(needle, start);
    const next = text.indexOf('\n---\n', start);
    return at < 0 || (next >= 0 && at > next) ? undefined : at + 1; // the line's first character
  };
  const anchors = {
    spec: find('\nspec:\n'),
    type: find('\n  type: '),
    selectorValue: find('\n    app.kubernetes.io/name: '),
    port: find('\n      port: '),
    targetPort: find('\n      targetPort: '),
    nodePort: find('\n      nodePort: '),
  };
  return anchors;
}

/** The line's value after `key: ` (offset and length). */
function valueOf(text, lineStart) {
  const colon = text.indexOf(': ', lineStart) + 2;
  const end = text.indexOf('\n', colon);
  return { offset: colon, length: end - colon };
}

/** The Service to edit in a workspace of n pairs: a LoadBalancer one near the middle with a finding of its own. */
function editedIndex(n) {
  for (let i = Math.floor(n / 2); i >= 0; i--) if (i % 4 === 3 && i % 97 === 96) return i;
  for (let i = Math.floor(n / 2); i >= 0; i--) if (i % 4 === 3) return i;
  return 3;
}

/** The one-character edit: `type: LoadBalancer` → `type: LoadBalancr` (and back). */
function typeEdit(text, i) {
  const a = serviceAnchors(text, i);
  const v = valueOf(text, a.type);
  if (text.slice(v.offset, v.offset + v.length) !== 'LoadBalancer') throw new Error(`Service ${i} is not a LoadBalancer`);
  return { offset: v.offset + 'LoadBalanc'.length, deleted: 'e' };
}

// ------------------------------------------------------------------------------------------------- servers

const PEER_SETTINGS = {
  validate: true, hover: true, completion: true, format: { enable: false },
  schemaStore: { enable: false }, schemas: {}, kubernetesCRDStore: { enable: false }, keyOrdering: false,
};

function startServer(kind, root, label) {
  if (kind === 'ours') {
    const nodeArgs = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=server-${label}-${Date.now()}.cpuprofile`] : [];
    return new LspClient(OUR_SERVER, ['--stdio'], { cwd: root, nodeArgs, configuration: (s) => (s === 'serviceReach' ? {} : null) });
  }
  return new LspClient(PEER_SERVER, ['--stdio'], {
    cwd: root,
    configuration: (s) => (s === 'yaml' ? PEER_SETTINGS : s === 'http' ? { proxy: '', proxyStrictSSL: false } : {}),
  });
}

/** For our server: the diagnostics reflect the edit (the type typo is reported, or no longer). For the peer: its next publication. */
function editSettled(kind, broken) {
  return kind === 'ours' ? (d) => d.some((x) => x.code === 'invalid-service-type') === broken : () => true;
}

/** Open `rel`, then make `edits` one-character edits (alternately made and undone), timing diagnostics. */
async function openAndEdit(client, kind, root, rel, text, edited, anyFile = false) {
  const uri = uriOf(root, rel);
  const init = await client.initialize(root, EDITOR_CAPABILITIES, kind === 'ours' ? { trusted: true } : undefined);
  if (!init?.capabilities) throw new Error(`${kind}: initialize failed`);
  const doc = new Doc(text);
  const t0 = performance.now();
  await client.notify('initialized', {});
  await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: doc.version, text } });
  // in a repository the opened file may have nothing to report: the first diagnostics of any file then
  const opened = anyFile
    ? await client.waitFor(`${kind}: first diagnostics`, () => [...client.published.values()].flat().filter((p) => p.at >= t0).sort((a, b) => a.at - b.at)[0])
    : await client.diagnosticsAfter(uri, t0, () => true, `${kind}: diagnostics after open`);
  const openMs = opened.at - t0;
  const editMs = [];
  const edit = typeEdit(text, edited);
  for (let k = 0; k < EDITS; k++) {
    const broken = k % 2 === 0;
    const change = broken ? doc.edit(edit.offset, 1, '') : doc.edit(edit.offset, 0, edit.deleted);
    const t = performance.now();
    await client.notify('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [change] });
    const p = await client.diagnosticsAfter(uri, t, editSettled(kind, broken), `${kind}: diagnostics after edit ${k}`);
    editMs.push(p.at - t);
  }
  // the same edits from a client that syncs whole texts (a change without a range): ours only, the peer's fixed
  // delay would say nothing about it
  const fullMs = [];
  for (let k = 0; kind === 'ours' && k < EDITS; k++) {
    const broken = k % 2 === 0;
    if (broken) doc.edit(edit.offset, 1, ''); else doc.edit(edit.offset, 0, edit.deleted);
    const t = performance.now();
    await client.notify('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [{ text: doc.text }] });
    const p = await client.diagnosticsAfter(uri, t, editSettled(kind, broken), `${kind}: diagnostics after whole-text edit ${k}`);
    fullMs.push(p.at - t);
  }
  return { uri, doc, openMs, firstAt: opened.at, editMs, fullMs, openDiagnostics: opened.diagnostics.length };
}

/**
 * Completion while typing, in several Services: a new key in `spec` (6 characters typed), the `type` value
 * (4), the `targetPort` value (2), the `nodePort` value (1), a selector value (1). Each character is a
 * one-character didChange followed at once by a completion request; the request's latency is timed.
 */
async function typing(client, uri, doc, services, interval) {
  const latencies = [];
  /** per kind of position: a new key, the type value, targetPort, nodePort, a selector value */
  const byKind = {};
  let kind = '';
  let items = 0;
  const change = async (offset, del, ins) => {
    const c = doc.edit(offset, del, ins);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [c] });
  };
  const complete = async (offset) => {
    const params = { textDocument: { uri }, position: doc.position(offset), context: { triggerKind: 1 } };
    const t = performance.now();
    const r = await client.request('textDocument/completion', params);
    latencies.push(performance.now() - t);
    (byKind[kind] ??= []).push(performance.now() - t);
    items += Array.isArray(r) ? r.length : r?.items?.length ?? 0;
  };
  const typeInto = async (offset, word) => {
    for (let i = 0; i < word.length; i++) {
      const keystroke = performance.now();
      await change(offset + i, 0, word[i]);
      await complete(offset + i + 1);
      // the next key comes `interval` after this one (at once when the answer took longer)
      const rest = interval - (performance.now() - keystroke);
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    }
  };
  const retype = async (lineStart, word) => {
    const v = valueOf(doc.text, lineStart);
    const old = doc.text.slice(v.offset, v.offset + v.length);
    await change(v.offset, v.length, '');
    await typeInto(v.offset, word);
    await change(v.offset, word.length, old);
  };
  for (const s of services) {
    let a = serviceAnchors(doc.text, s);
    // a new key in spec
    const line = a.spec + 'spec:\n'.length;
    kind = 'key';
    await change(line, 0, '  \n');
    await typeInto(line + 2, 'extern');
    await change(line, '  extern\n'.length, '');
    a = serviceAnchors(doc.text, s);
    kind = 'type';
    await retype(a.type, 'Node');
    a = serviceAnchors(doc.text, s);
    kind = 'targetPort';
    await retype(a.targetPort, 'ht');
    a = serviceAnchors(doc.text, s);
    kind = 'nodePort';
    if (a.nodePort !== undefined) await retype(a.nodePort, '3');
    a = serviceAnchors(doc.text, s);
    kind = 'selector';
    await retype(a.selectorValue, 'a');
  }
  return { latencies, items, byKind };
}

async function hovers(client, uri, doc, n, count) {
  const latencies = [];
  let answered = 0;
  const keys = ['type', 'port', 'targetPort', 'nodePort'];
  for (let k = 0; k < count; k++) {
    const s = Math.floor(((k + 0.5) * n) / count);
    const a = serviceAnchors(doc.text, s);
    let key = keys[k % keys.length];
    if (a[key] === undefined) key = 'port';
    const on = doc.text.indexOf(`${key}:`, a[key]) + 1; // inside the key
    const params = { textDocument: { uri }, position: doc.position(on) };
    const t = performance.now();
    const r = await client.request('textDocument/hover', params);
    latencies.push(performance.now() - t);
    if (r) answered++;
  }
  return { latencies, answered };
}

/** Services to type in: exposed ones (a nodePort to complete) spread over the file. */
function typingServices(n) {
  const out = [];
  for (let k = 0; k < 5; k++) {
    let s = Math.floor(((k + 0.5) * n) / 5);
    while (s % 2 === 0) s++;
    out.push(Math.min(s, n - 1));
  }
  return out;
}

async function lspSingle(kind, ws, run) {
  const client = startServer(kind, ws.root, `single-${run}`);
  try {
    const edited = editedIndex(SERVICES);
    const r = await openAndEdit(client, kind, ws.root, ws.rel, ws.text, edited);
    // the file as it was opened again (the edits come in pairs), its diagnostics settled
    const typed = await typing(client, r.uri, r.doc, typingServices(SERVICES), TYPING_INTERVAL);
    // the same again with every key at once after the answer to the last one (a stress: no pause for the server)
    const rushed = kind === 'ours' && TYPING_INTERVAL > 0 ? await typing(client, r.uri, r.doc, typingServices(SERVICES), 0) : undefined;
    const hovered = await hovers(client, r.uri, r.doc, SERVICES, HOVERS);
    return {
      openMs: r.openMs, editMs: r.editMs, fullMs: r.fullMs, completionMs: typed.latencies, completionItems: typed.items, completionByKind: typed.byKind,
      rushedMs: rushed?.latencies ?? [],
      hoverMs: hovered.latencies, hoverAnswered: hovered.answered, openDiagnostics: r.openDiagnostics,
    };
  } finally {
    await client.stop();
  }
}

async function lspRepo(ws, n, run) {
  const edited = editedIndex(n);
  const rel = repoPathOf(edited);
  const text = fs.readFileSync(path.join(ws.root, rel), 'utf8');
  // time to first diagnostics, as a user opening the folder waits for it: from starting `service-reach-lsp
  // --stdio` (the process, initialize, initialized, didOpen of a YAML file) to its first publishDiagnostics
  const started = performance.now();
  const client = startServer('ours', ws.root, `repo${n}-${run}`);
  try {
    const r = await openAndEdit(client, 'ours', ws.root, rel, text, edited, true);
    return { openMs: r.openMs, startMs: r.firstAt - started, editMs: r.editMs };
  } finally {
    await client.stop();
  }
}

async function cliRun(root, run) {
  const rssFile = path.join(os.tmpdir(), `sr-bench-rss-${process.pid}-${run}`);
  const profArgs = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=cli-${run}-${Date.now()}.cpuprofile`] : [];
  const args = [...profArgs, '--require', path.join(HERE, 'rss-probe.cjs'), OUR_CLI, 'check', '.', '--format', 'json'];
  const t0 = performance.now();
  let out = '';
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_RSS_FILE: rssFile } });
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', resolve);
  });
  const wallMs = performance.now() - t0;
  if (code !== 0 && code !== 1) throw new Error(`the CLI exited ${code}`);
  const rss = Number(fs.readFileSync(rssFile, 'utf8'));
  fs.rmSync(rssFile, { force: true });
  let findings = 0;
  try { findings = JSON.parse(out).findings.length; } catch { /* counted as 0 */ }
  return { wallMs, peakRssMB: rss / 2 ** 20, findings, exitCode: code };
}

// --------------------------------------------------------------------------------------------------- main

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'out/server/src/engine/index.js'))) {
    throw new Error('out/ is missing: run `npm run build` first (npm run bench does)');
  }
  const work = opts.work ? path.resolve(opts.work) : fs.mkdtempSync(path.join(os.tmpdir(), 'service-reach-bench-'));
  fs.mkdirSync(work, { recursive: true });
  if (PROFILE_DIR) fs.mkdirSync(PROFILE_DIR, { recursive: true });
  const started = new Date();
  const loadStart = loadAverage();
  const results = {
    date: started.toISOString(),
    machine: machine(),
    load: { start: loadStart },
    settings: { services: SERVICES, repoSizes: REPO_SIZES, cliFiles: CLI_FILES, runs: RUNS, edits: EDITS, hovers: HOVERS, typingIntervalMs: TYPING_INTERVAL },
    peer: { name: 'yaml-language-server', version: PEER_VERSION, note: 'started over stdio without schemas (schema store and Kubernetes CRD store off): offline it validates YAML syntax only; it validates 200 ms after a change (its own fixed delay)' },
    floor: { library: `yaml ${YAML_VERSION}`, call: 'parseAllDocuments(text)' },
  };

  log(`generating workspaces in ${work}`);
  const single = singleFile(path.join(work, 'single'), SERVICES);
  const repos = new Map();
  for (const n of new Set([...REPO_SIZES, CLI_FILES])) repos.set(n, repository(path.join(work, `repo-${n}`), n));
  results.workspaces = {
    single: { file: single.rel, services: SERVICES, deployments: SERVICES, lines: single.lines, bytes: single.bytes },
    repos: [...repos].map(([n, r]) => ({ manifests: n, files: r.files, lines: r.lines, bytes: r.bytes })),
  };
  log(`single file: ${single.lines} lines, ${single.bytes} bytes`);

  // the floor
  const floorRuns = [];
  for (let r = 0; r < RUNS; r++) floorRuns.push(await nodeJson([path.join(HERE, 'engine-run.mjs'), 'floor', path.join(single.root, single.rel), '4']));
  results.floor.coldMs = median(floorRuns.map((x) => x.coldMs));
  results.floor.warmMs = median(floorRuns.map((x) => x.warmMs));
  results.floor.documents = floorRuns[0].documents;
  log(`floor: cold ${round(results.floor.coldMs)} ms, warm ${round(results.floor.warmMs)} ms`);

  // the engine
  const engineOn = async (root, rel, text, edited) => {
    const e = typeEdit(text, edited);
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await nodeJson([path.join(HERE, 'engine-run.mjs'), 'engine', root, JSON.stringify({ rel, ...e }), String(EDITS)]));
    return {
      coldMs: median(runs.map((x) => x.coldMs)), warmMs: median(runs.map((x) => x.warmMs)),
      editMs: median(runs.map((x) => x.editMs)), findings: runs[0].findings, findingsAfterEdit: runs[0].findingsAfterEdit,
      services: runs[0].services, workloads: runs[0].workloads,
    };
  };
  results.single = { engine: await engineOn(single.root, single.rel, single.text, editedIndex(SERVICES)) };
  log(`engine (single file): ${JSON.stringify(results.single.engine)}`);

  // the language servers on the single file
  for (const kind of opts['no-peer'] ? ['ours'] : ['ours', 'peer']) {
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      runs.push(await lspSingle(kind, single, r));
      log(`${kind} run ${r}: open ${round(runs[r].openMs)} ms, edit median ${round(median(runs[r].editMs))} ms, completion p95 ${round(percentile(runs[r].completionMs, 0.95))} ms `
        + JSON.stringify(Object.fromEntries(Object.entries(runs[r].completionByKind).map(([k, xs]) => [k, [round(percentile(xs, 0.5)), round(percentile(xs, 0.95))]]))));
    }
    const all = (k) => runs.flatMap((x) => x[k]);
    // per run, then the median over runs (a run disturbed by another process weighs one vote); `pooled`: all
    // requests of all runs together
    const perRun = (k, q) => median(runs.map((x) => percentile(x[k], q)));
    const latency = (k) => ({
      p50Ms: perRun(k, 0.5), p95Ms: perRun(k, 0.95), requests: all(k).length,
      runsP95Ms: runs.map((x) => round(percentile(x[k], 0.95))),
      pooled: { p50Ms: percentile(all(k), 0.5), p95Ms: percentile(all(k), 0.95), maxMs: Math.max(...all(k)) },
    });
    results.single[kind] = {
      openMs: median(runs.map((x) => x.openMs)),
      openRunsMs: runs.map((x) => round(x.openMs)),
      editMs: perRun('editMs', 0.5), editP95Ms: perRun('editMs', 0.95), edits: all('editMs').length,
      editRunsMs: runs.map((x) => round(median(x.editMs))),
      ...(kind === 'ours' ? { fullSyncEditMs: perRun('fullMs', 0.5), fullSyncEditRunsMs: runs.map((x) => round(median(x.fullMs))) } : {}),
      completion: {
        ...latency('completionMs'),
        itemsPerRequest: round(runs.reduce((a, x) => a + x.completionItems, 0) / all('completionMs').length),
        byKind: Object.fromEntries(Object.keys(runs[0].completionByKind).map((k) => {
          const xs = runs.flatMap((x) => x.completionByKind[k] ?? []);
          return [k, { requests: xs.length, p50Ms: percentile(xs, 0.5), p95Ms: percentile(xs, 0.95), maxMs: Math.max(...xs) }];
        })),
      },
      completionBackToBack: all('rushedMs').length ? latency('rushedMs') : undefined,
      hover: { ...latency('hoverMs'), answered: runs.reduce((a, x) => a + x.hoverAnswered, 0) },
      openDiagnostics: runs[0].openDiagnostics,
    };
  }

  // repositories: does an edit cost more with more unrelated files?
  results.repos = [];
  for (const n of REPO_SIZES) {
    const ws = repos.get(n);
    const edited = editedIndex(n);
    const rel = repoPathOf(edited);
    const text = fs.readFileSync(path.join(ws.root, rel), 'utf8');
    const engine = await engineOn(ws.root, rel, text, edited);
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await lspRepo(ws, n, r));
    const edits = runs.flatMap((x) => x.editMs);
    results.repos.push({
      manifests: n, files: ws.files, engine,
      lsp: {
        openMs: median(runs.map((x) => x.openMs)), startMs: median(runs.map((x) => x.startMs)), editMs: median(runs.map((x) => median(x.editMs))),
        editP95Ms: median(runs.map((x) => percentile(x.editMs, 0.95))), edits: edits.length,
      },
    });
    log(`repo ${n}: engine ${JSON.stringify(engine)}, lsp start → first diagnostics ${round(median(runs.map((x) => x.startMs)))} ms, open ${round(median(runs.map((x) => x.openMs)))} ms, edit ${round(median(edits))} ms`);
  }

  // a Helm chart: a keystroke in one of its templates (the chart rendered again, its Services checked again)
  const chart = chartRepo(path.join(work, 'chart'), CHART_TEMPLATES);
  const chartEdit = { rel: chart.rel, offset: chart.text.indexOf('targetPort: http') + 'targetPort: htt'.length, deleted: 'p' };
  const chartRuns = [];
  for (let r = 0; r < RUNS; r++) chartRuns.push(await nodeJson([path.join(HERE, 'engine-run.mjs'), 'engine', chart.root, JSON.stringify(chartEdit), String(EDITS)]));
  results.chart = {
    templates: chart.templates, services: chartRuns[0].chartServices, findings: chartRuns[0].findings, findingsAfterEdit: chartRuns[0].findingsAfterEdit,
    engine: { coldMs: median(chartRuns.map((x) => x.coldMs)), warmMs: median(chartRuns.map((x) => x.warmMs)), editMs: median(chartRuns.map((x) => x.editMs)) },
  };
  log(`chart: ${JSON.stringify(results.chart)}`);

  // the CLI
  const cliRuns = [];
  for (let r = 0; r < RUNS; r++) cliRuns.push(await cliRun(repos.get(CLI_FILES).root, r));
  results.cli = {
    manifests: CLI_FILES, files: repos.get(CLI_FILES).files,
    wallMs: median(cliRuns.map((x) => x.wallMs)), peakRssMB: median(cliRuns.map((x) => x.peakRssMB)),
    maxPeakRssMB: Math.max(...cliRuns.map((x) => x.peakRssMB)), findings: cliRuns[0].findings,
    runs: cliRuns.map((x) => ({ wallMs: round(x.wallMs), peakRssMB: round(x.peakRssMB) })),
  };
  log(`cli: ${JSON.stringify(results.cli)}`);

  results.load.end = loadAverage();
  results.durationS = round((Date.now() - started.getTime()) / 1000, 0);
  computeRatios(results);
  const table = render(results);
  process.stdout.write(table);
  if (opts.json) { fs.mkdirSync(path.dirname(opts.json), { recursive: true }); fs.writeFileSync(opts.json, JSON.stringify(roundDeep(results), null, 2) + '\n'); }
  if (opts.text) { fs.mkdirSync(path.dirname(opts.text), { recursive: true }); fs.writeFileSync(opts.text, table); }
  if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
}

function computeRatios(r) {
  const s = r.single;
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null);
  r.ratios = {
    openOursPerPeer: ratio(s.ours?.openMs, s.peer?.openMs),
    editOursPerPeer: ratio(s.ours?.editMs, s.peer?.editMs),
    fullSyncPerIncremental: ratio(s.ours?.fullSyncEditMs, s.ours?.editMs),
    completionP50OursPerPeer: ratio(s.ours?.completion.p50Ms, s.peer?.completion.p50Ms),
    completionP95OursPerPeer: ratio(s.ours?.completion.p95Ms, s.peer?.completion.p95Ms),
    hoverP95OursPerPeer: ratio(s.ours?.hover.p95Ms, s.peer?.hover.p95Ms),
    openOursPerColdFloor: ratio(s.ours?.openMs, r.floor.coldMs),
    editOursPerWarmFloor: ratio(s.ours?.editMs, r.floor.warmMs),
    engineFullPerColdFloor: ratio(s.engine.coldMs, r.floor.coldMs),
    engineEditPerWarmFloor: ratio(s.engine.editMs, r.floor.warmMs),
    peerOpenPerColdFloor: ratio(s.peer?.openMs, r.floor.coldMs),
    peerEditPerWarmFloor: ratio(s.peer?.editMs, r.floor.warmMs),
  };
  if (r.repos.length >= 2) {
    const a = r.repos[0];
    const b = r.repos[r.repos.length - 1];
    r.ratios.repoEditGrowth = { from: a.manifests, to: b.manifests, lsp: ratio(b.lsp.editMs, a.lsp.editMs), engine: ratio(b.engine.editMs, a.engine.editMs) };
  }
  const t = [];
  const target = (name, value, limit, unit) => t.push({ name, value: round(value, 3), limit, unit, met: value !== null && value <= limit });
  target('diagnostics after open, ours / yaml-language-server', r.ratios.openOursPerPeer, 1.0, '×');
  target('diagnostics after a one-character edit, ours / yaml-language-server', r.ratios.editOursPerPeer, 0.25, '×');
  target('diagnostics after a one-character edit, ours / re-parsing the whole file (warm floor)', r.ratios.editOursPerWarmFloor, 1.0, '×');
  target('diagnostics after a one-character edit, whole text sent (full sync) / ranges sent', r.ratios.fullSyncPerIncremental, 1.2, '×');
  target('completion p95 (ms)', s.ours?.completion.p95Ms ?? null, 30, 'ms');
  const firstRepo = r.repos[0];
  if (firstRepo) target(`time to first diagnostics, ${firstRepo.files} files: start of service-reach-lsp --stdio → first publishDiagnostics (s)`, firstRepo.lsp.startMs / 1000, 3, 's');
  if (r.chart) target(`Helm chart of ${r.chart.templates} templates, a keystroke in a template → diagnostics (ms)`, r.chart.engine.editMs, 100, 'ms');
  target(`CLI on ${r.cli.manifests} files, wall time (s)`, r.cli.wallMs / 1000, 10, 's');
  target(`CLI on ${r.cli.manifests} files, peak memory (MB)`, r.cli.maxPeakRssMB, 500, 'MB');
  r.targets = t;
}

function roundDeep(v) {
  if (typeof v === 'number') return Number.isInteger(v) ? v : round(v, 3);
  if (Array.isArray(v)) return v.map(roundDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)]));
  return v;
}

function render(r) {
  const ms = (x) => (Number.isFinite(x) ? (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 1 : 0)} ms`) : '—');
  const x = (v) => (v === null || v === undefined ? '—' : `${v.toFixed(v < 0.1 ? 3 : 2)}×`);
  const rows = [];
  const line = (cells, widths) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  const s = r.single;
  const o = s.ours;
  const p = s.peer;
  const W = [58, 17, 10, 10, 10, 10];
  rows.push(`Service Reach benchmark, ${r.date}`);
  rows.push(`machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGB} GB, ${r.machine.os}, Node ${r.machine.node}`);
  rows.push(`load average (1/5/15 min): ${r.load.start.join(' ')} at the start, ${r.load.end.join(' ')} at the end (other processes were running)`);
  rows.push(`every number: the median over ${r.settings.runs} runs, each in fresh processes (a latency: its percentile within a run, then the median over runs); the benchmark took ${r.durationS} s`);
  rows.push(`single file: ${r.workspaces.single.file}, ${r.settings.services} Services + ${r.settings.services} Deployments, ${r.workspaces.single.lines.toLocaleString('en')} lines, ${Math.round(r.workspaces.single.bytes / 1024)} KiB, beside a firewalld zone, OCI security lists (Terraform) and a config`);
  rows.push(`peer: ${r.peer.name} ${r.peer.version} — ${r.peer.note}`);
  rows.push(`floor: ${r.floor.library} ${r.floor.call} on the file's text: ${ms(r.floor.coldMs)} cold (first parse in a process), ${ms(r.floor.warmMs)} warm (a re-parse)`);
  rows.push('');
  rows.push(line(['single file', 'ours', 'peer', 'ours/peer', 'ours/floor', 'target'], W));
  rows.push(line(['diagnostics after open', ms(o?.openMs), ms(p?.openMs), x(r.ratios.openOursPerPeer), x(r.ratios.openOursPerColdFloor), '≤ 1.0× peer'], W));
  rows.push(line([`diagnostics after a one-character edit`, ms(o?.editMs), ms(p?.editMs), x(r.ratios.editOursPerPeer), x(r.ratios.editOursPerWarmFloor), '≤ 0.25× peer, < 1× floor'], W));
  if (o?.fullSyncEditMs !== undefined) rows.push(line(['  the same edit, the whole text sent (full sync)', ms(o.fullSyncEditMs), '', '', '', `${x(r.ratios.fullSyncPerIncremental)} of ranges, ≤ 1.2×`], W));
  const pace = r.settings.typingIntervalMs > 0 ? `, a key every ${r.settings.typingIntervalMs} ms` : ', keys back to back';
  rows.push(line([`completion while typing${pace}, p50`, ms(o?.completion.p50Ms), ms(p?.completion.p50Ms), x(r.ratios.completionP50OursPerPeer), '', ''], W));
  rows.push(line([`completion while typing${pace}, p95`, ms(o?.completion.p95Ms), ms(p?.completion.p95Ms), x(r.ratios.completionP95OursPerPeer), '', '≤ 30 ms'], W));
  if (o?.completionBackToBack) {
    rows.push(line(['completion, keys back to back, p50 / p95', `${ms(o.completionBackToBack.p50Ms)} / ${ms(o.completionBackToBack.p95Ms)}`, '', '', '', '(stress)'], W));
  }
  rows.push(line(['hover, p50', ms(o?.hover.p50Ms), ms(p?.hover.p50Ms), '', '', ''], W));
  rows.push(line(['hover, p95', ms(o?.hover.p95Ms), ms(p?.hover.p95Ms), x(r.ratios.hoverP95OursPerPeer), '', ''], W));
  rows.push(line(['engine call: full analysis (cold process)', ms(s.engine.coldMs), '', '', x(r.ratios.engineFullPerColdFloor), ''], W));
  rows.push(line(['engine call: full analysis (warm)', ms(s.engine.warmMs), '', '', '', ''], W));
  rows.push(line(['engine call: one-character edit + analyze', ms(s.engine.editMs), '', '', x(r.ratios.engineEditPerWarmFloor), ''], W));
  rows.push(`  (diagnostics: ${o?.openDiagnostics ?? '—'} published for the file after open; requests: ${o?.completion.requests ?? '—'} completions, ${o?.hover.requests ?? '—'} hovers per server; ${o?.edits ?? '—'} edits; peer items per completion: ${p?.completion.itemsPerRequest ?? '—'}, ours: ${o?.completion.itemsPerRequest ?? '—'})`);
  rows.push('');
  const R = [34, 10, 12, 14, 16, 14, 14];
  rows.push(line(['repository (one pair per file)', 'files', 'engine full', 'engine edit', 'start→1st diag', 'LSP open', 'LSP edit p50'], R));
  for (const repo of r.repos) rows.push(line([`${repo.manifests.toLocaleString('en')} manifests`, repo.files, ms(repo.engine.coldMs), ms(repo.engine.editMs), ms(repo.lsp.startMs), ms(repo.lsp.openMs), ms(repo.lsp.editMs)], R));
  rows.push('  (start→1st diag: from spawning service-reach-lsp --stdio — initialize, initialized, didOpen of a YAML file — to its first publishDiagnostics)');
  if (r.ratios.repoEditGrowth) rows.push(`  edit latency at ${r.ratios.repoEditGrowth.to} / at ${r.ratios.repoEditGrowth.from} files: LSP ${x(r.ratios.repoEditGrowth.lsp)}, engine ${x(r.ratios.repoEditGrowth.engine)}`);
  if (r.chart) {
    rows.push('');
    rows.push(`Helm chart of ${r.chart.templates} templates (${r.chart.services} Services rendered): a keystroke in a template → fresh diagnostics (engine), ${ms(r.chart.engine.editMs)}; full analysis ${ms(r.chart.engine.coldMs)} cold, ${ms(r.chart.engine.warmMs)} warm`);
  }
  rows.push('');
  rows.push(`CLI (service-reach check . --format json) on ${r.cli.manifests.toLocaleString('en')} manifests (${r.cli.files} files): wall ${ms(r.cli.wallMs)}, peak RSS ${r.cli.peakRssMB.toFixed(0)} MB (max of runs ${r.cli.maxPeakRssMB.toFixed(0)} MB), ${r.cli.findings} findings`);
  rows.push('');
  rows.push('targets');
  for (const t of r.targets) rows.push(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${t.value ?? '—'}${t.unit === '×' ? '×' : ` ${t.unit}`} (≤ ${t.limit}${t.unit === '×' ? '×' : ` ${t.unit}`})`);
  return rows.join('\n') + '\n';
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.stack ?? err}\n`);
  process.exit(1);
});
