/**
 * Latency, measured over the protocol: the server on a copy of examples/ (and on that copy repeated 40 times),
 * diagnostics after an edit (the debounce included) and completion right after an edit. The numbers are
 * printed; the bounds asserted are loose, only to catch a server that got slow by an order of magnitude.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, uriOf, writeFile } from './support/lsp-client';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

function copyTree(from: string, to: string): void {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, e.name);
    const b = path.join(to, e.name);
    if (e.isDirectory()) { fs.mkdirSync(b, { recursive: true }); copyTree(a, b); } else if (e.isFile()) fs.copyFileSync(a, b);
  }
}

function stats(ms: number[]): { median: number; p95: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: +at(0.5).toFixed(1), p95: +at(0.95).toFixed(1), max: +s[s.length - 1].toFixed(1) };
}

async function measure(root: string, label: string): Promise<{ diagnostics: ReturnType<typeof stats>; ruleSource: ReturnType<typeof stats>; completion: ReturnType<typeof stats>; files: number }> {
  const client = LspClient.start(root);
  try {
    await client.initialize(root);
    const rel = 'k8s/storefront.yaml';
    const uri = uriOf(root, rel);
    const text = fs.readFileSync(path.join(root, rel), 'utf8');
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await client.waitForDiagnostics(uriOf(root, 'k8s/ingress.yaml'), () => true, 'the first diagnostics (indexing done)');
    const typeLine = text.split('\n').findIndex((l) => l.startsWith('  type: LoadBalancer'));
    let version = 1;

    // diagnostics after an edit: a typo in `type` appears, then goes again
    const diagnostics: number[] = [];
    for (let i = 0; i < 16; i++) {
      const broken = i % 2 === 0;
      const t0 = performance.now();
      await client.notify('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text: broken ? text.replace('type: LoadBalancer', 'type: LoadBalancr') : text }] });
      await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'invalid-service-type') === broken);
      diagnostics.push(performance.now() - t0);
    }

    // a rule source edited on disk: the zone opens 30443, then closes it again
    const zoneRel = 'infra/etc/firewalld/zones/public.xml';
    const zone = fs.readFileSync(path.join(root, zoneRel), 'utf8');
    const ingressUri = uriOf(root, 'k8s/ingress.yaml');
    const ruleSource: number[] = [];
    for (let i = 0; i < 10; i++) {
      const open = i % 2 === 0;
      writeFile(root, zoneRel, open ? zone.replace('</zone>', '  <port port="30080" protocol="tcp"/>\n</zone>') : zone);
      const t0 = performance.now();
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, zoneRel), type: 2 }] });
      await client.waitForDiagnostics(ingressUri, (d) => d.some((x) => x.code === 'firewalld-port-closed' && x.range.start.line === 41) !== open);
      ruleSource.push(performance.now() - t0);
    }

    // completion right after each keystroke (the analysis cache is cold every time)
    const completion: number[] = [];
    for (let i = 0; i < 30; i++) {
      const edited = text.replace('type: LoadBalancer', `type: ${'LoadBalancer'.slice(0, i % 12)}`);
      await client.notify('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text: edited }] });
      const t0 = performance.now();
      const r = await client.request<{ items: { label: string }[] }>('textDocument/completion', { textDocument: { uri }, position: { line: typeLine, character: 8 + (i % 12) } });
      completion.push(performance.now() - t0);
      assert.ok(r.items.some((x) => x.label === 'LoadBalancer'));
    }
    const files = Number(/: (\d+) files/.exec(client.logs.find((l) => l.startsWith('indexed')) ?? '')?.[1] ?? 0);
    const out = { diagnostics: stats(diagnostics), ruleSource: stats(ruleSource), completion: stats(completion), files };
    console.log(`    latency (${label}, ${files} files): diagnostics after an edit ${JSON.stringify(out.diagnostics)} ms (120 ms debounce included); `
      + `after a zone edit on disk ${JSON.stringify(out.ruleSource)} ms; completion after an edit ${JSON.stringify(out.completion)} ms`);
    return out;
  } finally {
    await client.stop();
  }
}

suite('Latency on examples/', function () {
  this.timeout(120000);
  let dir: string;

  suiteSetup(function () {
    if (!fs.existsSync(path.join(EXAMPLES, 'k8s/storefront.yaml'))) this.skip();
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sr-latency-')));
  });

  suiteTeardown(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  test('examples/ as it is', async () => {
    const root = path.join(dir, 'one');
    fs.mkdirSync(root);
    copyTree(EXAMPLES, root);
    const r = await measure(root, 'examples/');
    assert.ok(r.diagnostics.median < 1000 && r.completion.median < 250 && r.ruleSource.median < 1000, JSON.stringify(r));
  });

  test('examples/ with its manifests repeated 40 times', async () => {
    const root = path.join(dir, 'many');
    fs.mkdirSync(root);
    copyTree(EXAMPLES, root);
    for (let i = 0; i < 40; i++) {
      const to = path.join(root, `copies/c${i}`);
      fs.mkdirSync(to, { recursive: true });
      copyTree(path.join(EXAMPLES, 'k8s'), to);
    }
    const r = await measure(root, 'examples/ ×40');
    assert.ok(r.diagnostics.median < 3000 && r.completion.median < 1500, JSON.stringify(r));
  });
});
