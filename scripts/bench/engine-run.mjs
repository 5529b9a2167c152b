/**
 * One engine measurement in a fresh process (the benchmark starts one per run, so every run starts cold, as a
 * language server or a CLI does). Prints one JSON line.
 *
 *   node scripts/bench/engine-run.mjs floor FILE [WARM_REPEATS]
 *     `yaml`'s parseAllDocuments on the file's text: the first parse (cold) and the median of the next ones.
 *   node scripts/bench/engine-run.mjs engine ROOT EDIT_JSON [EDITS]
 *     Service Reach's engine: every file of ROOT into a Workspace, analyze() (cold, then again on a fresh
 *     Workspace: warm), then EDITS one-character edits (EDIT_JSON: {rel, offset, deleted}) alternately made and
 *     undone, each followed by analyze(): the median of those.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTree } from './generate.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function time(fn) {
  const t0 = performance.now();
  const v = fn();
  return { ms: performance.now() - t0, v };
}

async function floor(file, repeats) {
  const { parseAllDocuments } = require(path.join(ROOT, 'node_modules/yaml'));
  const text = fs.readFileSync(file, 'utf8');
  const cold = time(() => parseAllDocuments(text));
  const documents = cold.v.length;
  const warm = [];
  for (let i = 0; i < repeats; i++) warm.push(time(() => parseAllDocuments(text)).ms);
  return { coldMs: cold.ms, warmMs: median(warm), documents };
}

async function engine(root, edit, edits) {
  const { initEngine, Workspace } = require(path.join(ROOT, 'out/server/src/engine/index.js'));
  const { readHclGrammar } = require(path.join(ROOT, 'out/server/src/host/hcl-grammar.js'));
  await initEngine({ hcl: readHclGrammar() });
  const files = readTree(root);
  const load = () => {
    const ws = new Workspace();
    for (const [rel, text] of files) ws.setFile(rel, text);
    return ws;
  };
  const cold = time(() => load().analyze());
  const ws = load();
  const warm = time(() => ws.analyze());
  const original = files.get(edit.rel);
  const broken = original.slice(0, edit.offset) + original.slice(edit.offset + edit.deleted.length);
  const editMs = [];
  let findingsBroken = 0;
  for (let i = 0; i < edits; i++) {
    const t = i % 2 === 0 ? broken : original;
    const r = time(() => { ws.setFile(edit.rel, t); return ws.analyze(); });
    if (i % 2 === 0) findingsBroken = r.v.findings.length;
    editMs.push(r.ms);
  }
  return {
    coldMs: cold.ms, warmMs: warm.ms, editMs: median(editMs), editMaxMs: Math.max(...editMs),
    findings: cold.v.findings.length, findingsAfterEdit: findingsBroken,
    services: cold.v.services.length, workloads: cold.v.workloads.length,
    chartServices: cold.v.charts.reduce((n, c) => n + c.services.length, 0), chartsRendered: ws.stats.chartsRendered,
    heapMB: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

const [mode, ...args] = process.argv.slice(2);
let out;
if (mode === 'floor') out = await floor(args[0], Number(args[1] ?? 4));
else if (mode === 'engine') out = await engine(args[0], JSON.parse(args[1]), Number(args[2] ?? 20));
else { process.stderr.write('usage: engine-run.mjs floor FILE | engine ROOT EDIT_JSON [EDITS]\n'); process.exit(2); }
process.stdout.write(JSON.stringify(out) + '\n');
