/**
 * A storm of didOpen/didClose over stdio: 1,000 pairs of the workspace's files, each opened with an edited text
 * (a rule source among them, whose every change makes the whole workspace be checked again) and closed again.
 * The request sent after it must be answered, with what the files on disk say, and the work done must have been
 * coalesced: the closed documents read again from disk once per batch (not once per didClose), and about one
 * analysis for the whole storm (the server's own counters, `serviceReach/stats`; no timing is asserted).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { LspClient, scratchWorkspace, uriOf, type Diagnostic } from './support/lsp-client';
import { API, WEB, ZONE, ZONE_OPEN } from './support/fixtures';
import type { ServerStats } from '../../server/src/lsp/stats';

const ZONE_REL = 'infra/firewalld/zones/public.xml';
const PAIRS = 1000;

function frame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

const analyses = (s: ServerStats) => s.folders.reduce((n, f) => n + f.analyses, 0);
const codes = (d: Diagnostic[]) => d.map((x) => String(x.code)).sort().join();

suite('Language server: a storm of didOpen/didClose is coalesced', function () {
  this.timeout(120000);

  test(`${PAIRS} open/close pairs with edited texts, then a hover: answered from the disk's state; a few reads per file and about one analysis`, async () => {
    const files: Record<string, string> = { 'web.yaml': WEB, 'k8s/api.yaml': API, [ZONE_REL]: ZONE };
    for (let i = 0; i < 5; i++) files[`k8s/svc-${i}.yaml`] = API.replace('name: api', `name: svc-${i}`).replace('30900', String(31000 + i));
    const root = scratchWorkspace(files);
    const rels = Object.keys(files);
    const web = uriOf(root, 'web.yaml');
    const nodePortLine = WEB.split('\n').findIndex((l) => l.includes('nodePort: 30080'));
    const client = LspClient.start(root);
    try {
      await client.initialize(root, { initializationOptions: { stats: true } });
      // the zone on disk keeps 30080 closed
      await client.waitForDiagnostics(web, (d) => codes(d) === 'firewalld-port-closed', 'web.yaml: firewalld-port-closed (indexing done)');
      const before = await client.requestWithin<ServerStats>('serviceReach/stats', null);

      // the storm, written at once: each file opened with a text that differs from the disk's (the zone opened
      // up), then closed; the files on disk are the truth again afterwards
      const storm: Buffer[] = [];
      for (let i = 0; i < PAIRS; i++) {
        const rel = rels[i % rels.length];
        const uri = uriOf(root, rel);
        const text = rel === ZONE_REL ? ZONE_OPEN.replace('</zone>', `<!-- ${i} --></zone>`) : `${files[rel]}# edit ${i}\n`;
        storm.push(frame({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: rel.endsWith('.xml') ? 'xml' : 'yaml', version: i + 1, text } } }));
        storm.push(frame({ jsonrpc: '2.0', method: 'textDocument/didClose', params: { textDocument: { uri } } }));
      }
      await client.writeRaw(Buffer.concat(storm));
      const hover = await client.requestWithin<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: web }, position: { line: nodePortLine, character: 18 } }, 60000);
      assert.ok(hover, 'a hover on nodePort');
      assert.match(hover.contents.value, /nodes :30080\/TCP ⚠ → ClusterIP :80 → 3 pods :8080/);
      const after = await client.requestWithin<ServerStats>('serviceReach/stats', null);

      const closes = after.closes.keysAdded - before.closes.keysAdded;
      const batches = after.closes.batches - before.closes.batches;
      const reloads = after.closeReloads - before.closeReloads;
      const work = analyses(after) - analyses(before);
      console.log(`      storm: ${closes} didClose in ${batches} batches, ${reloads} files read again, ${work} analyses`);
      assert.equal(closes, PAIRS);
      assert.ok(reloads <= batches * rels.length, `${reloads} reads in ${batches} batches of ${rels.length} files`);
      assert.ok(batches <= PAIRS / 10, `${batches} batches for ${PAIRS} didClose`);
      assert.ok(work >= 1 && work <= 3, `${work} analyses for the storm`);
      // and the diagnostics end where the disk is
      await client.waitForDiagnostics(web, (d) => codes(d) === 'firewalld-port-closed', 'web.yaml: firewalld-port-closed after the storm');
      assert.equal(client.hasExited, false);
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
