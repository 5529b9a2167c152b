#!/usr/bin/env node
/**
 * Latency on the bundled `examples/` repository, through the language server over stdio, as an editor sees it:
 *  - diagnostics of a Service file after a one-character edit in it (a `nodePort` closed in the zone and back);
 *  - diagnostics of that file after the firewalld zone it depends on changes on disk (didChangeWatchedFiles);
 *  - completion after `type: ` in a Service.
 * Medians and p95 over --edits / --completions requests. Timings only here, never in tests.
 *
 * usage: node scripts/bench/examples.mjs [--edits 40] [--completions 100]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LspClient, EDITOR_CAPABILITIES, uriOf } from './lsp-client.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, '../..');
const { values: opts } = parseArgs({ options: { edits: { type: 'string', default: '40' }, completions: { type: 'string', default: '100' } } });
const EDITS = Number(opts.edits);
const COMPLETIONS = Number(opts.completions);

const SERVICE_FILE = 'k8s/storefront.yaml';
const ZONE_FILE = 'infra/etc/firewalld/zones/public.xml';

const percentile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const summary = (xs) => `median ${percentile(xs, 0.5).toFixed(1)} ms, p95 ${percentile(xs, 0.95).toFixed(1)} ms (n=${xs.length})`;

function position(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'service-reach-examples-'));
fs.cpSync(path.join(ROOT, 'examples'), work, { recursive: true });
for (const f of [SERVICE_FILE, ZONE_FILE]) if (!fs.existsSync(path.join(work, f))) throw new Error(`examples/${f} is missing`);

const client = new LspClient(path.join(ROOT, 'bin/service-reach-lsp.js'), ['--stdio'], { cwd: work });
try {
  const started = performance.now();
  await client.initialize(work, EDITOR_CAPABILITIES, {});
  await client.notify('initialized', {});
  const uri = uriOf(work, SERVICE_FILE);
  let text = fs.readFileSync(path.join(work, SERVICE_FILE), 'utf8');
  let version = 1;
  await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  // the first diagnostics (of any file: the folder is indexed, then analysed as a whole)
  await client.waitFor('the first diagnostics', () => (client.published.size > 0 ? true : undefined));
  const opened = performance.now() - started;
  let since = 0;

  // a one-character edit that changes the diagnostics (the server publishes only what changed): the nodePort
  // 30443, which the zone opens, becomes 30440, which it does not, and back
  const at = text.indexOf('nodePort: 30443');
  if (at < 0) throw new Error(`${SERVICE_FILE} has no nodePort 30443`);
  const digit = at + 'nodePort: 3044'.length;
  const edits = [];
  for (let i = 0; i < EDITS; i++) {
    const next = i % 2 === 0 ? '0' : '3';
    text = text.slice(0, digit) + next + text.slice(digit + 1);
    version++;
    since = performance.now();
    await client.notify('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: position(text, digit), end: position(text, digit + 1) }, text: next }],
    });
    const v = version;
    await client.diagnosticsAfter(uri, since, (_d, p) => p.version === undefined || p.version >= v);
    edits.push(performance.now() - since);
  }

  // the zone on disk: the port 30443 closed and opened again; the Service file's diagnostics follow
  const zonePath = path.join(work, ZONE_FILE);
  const zone = fs.readFileSync(zonePath, 'utf8');
  const closed = zone.replace('  <port port="30443" protocol="tcp"/>\n', '');
  if (closed === zone) throw new Error(`${ZONE_FILE} does not open 30443`);
  const zoneEdits = [];
  for (let i = 0; i < Math.min(EDITS, 20); i++) {
    fs.writeFileSync(zonePath, i % 2 === 0 ? closed : zone);
    since = performance.now();
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(work, ZONE_FILE), type: 2 }] });
    await client.diagnosticsAfter(uri, since);
    zoneEdits.push(performance.now() - since);
  }

  // completion after `type: `
  const typeAt = text.indexOf('  type: ');
  const valueAt = typeAt + '  type: '.length;
  const completions = [];
  for (let i = 0; i < COMPLETIONS; i++) {
    since = performance.now();
    await client.request('textDocument/completion', { textDocument: { uri }, position: position(text, valueAt) });
    completions.push(performance.now() - since);
  }

  process.stdout.write([
    `examples/ (${fs.readdirSync(work, { recursive: true }).length} entries), Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
    `first diagnostics after start (initialize, index the folder, analyse, publish): ${opened.toFixed(1)} ms`,
    `diagnostics after a one-character edit: ${summary(edits)}`,
    `diagnostics of ${SERVICE_FILE} after ${ZONE_FILE} changed on disk: ${summary(zoneEdits)}`,
    `completion after "type: ": ${summary(completions)}`,
  ].join('\n') + '\n');
} finally {
  await client.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
