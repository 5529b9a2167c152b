/**
 * The exposure view's protocol over stdio: `serviceReach/exposure` (the diagram of one Service as SVG
 * plus its model and findings), `serviceReach/fixFinding` (the WorkspaceEdit of a finding's first quick fix),
 * the "Show exposure" CodeLens, and the `serviceReach/analysisChanged` notification. Awaited by event, never by
 * sleeping.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from '../../server/src/engine';
import type {
  AnalysisChangedParams, ExposureResult, FixFindingResult,
} from '../../server/src/lsp/exposure';
import { LspClient, scratchWorkspace, uriOf, writeFile } from './support/lsp-client';

const WEB = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: NodePort
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
      nodePort: 30080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: internal
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: 8080
`;

const ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <service name="ssh"/>
</zone>
`;

const ZONE_OPEN = ZONE.replace('<service name="ssh"/>\n', '<service name="ssh"/>\n  <port port="30080" protocol="tcp"/>\n');

const zoneRel = 'infra/firewalld/zones/public.xml';

interface TextEdit { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }

/** Apply LSP text edits to a text (the edits of one file do not overlap). */
function applyTextEdits(text: string, edits: TextEdit[]): string {
  const index = new LineIndex(text);
  const spans = edits.map((e) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}

/** Count `serviceReach/analysisChanged` notifications; wait for the next one by event. */
class ChangeWatcher {
  readonly seen: AnalysisChangedParams[] = [];
  private waiters: (() => void)[] = [];

  constructor(client: LspClient) {
    client.conn.onNotification('serviceReach/analysisChanged', (p: AnalysisChangedParams) => {
      this.seen.push(p);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves with the first notification after `after` notifications (a deadline only turns a hang into a failure). */
  next(after: number, what: string, timeoutMs = 15000): Promise<AnalysisChangedParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for serviceReach/analysisChanged (${what})`)), timeoutMs);
      const check = () => {
        if (this.seen.length > after) {
          clearTimeout(timer);
          resolve(this.seen[after]);
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }
}

suite('Language server: the exposure view protocol', function () {
  this.timeout(30000);
  let root: string;
  let client: LspClient;
  let changes: ChangeWatcher;
  const webUri = () => uriOf(root, 'web.yaml');

  suiteSetup(async () => {
    root = scratchWorkspace({ 'web.yaml': WEB, [zoneRel]: ZONE });
    client = LspClient.start(root);
    changes = new ChangeWatcher(client);
    await client.initialize(root, { initializationOptions: { trusted: true, copyCommand: true, exposureView: true } });
    await client.waitForDiagnostics(webUri(), (d) => d.some((x) => x.code === 'firewalld-port-closed'));
  });

  suiteTeardown(async () => {
    await client?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('serviceReach/exposure: an SVG with the blocked hop in red, the model, the findings with their fix and place', async () => {
    const r = await client.request<ExposureResult | null>('serviceReach/exposure', { uri: webUri(), service: { name: 'web', namespace: 'shop' } });
    assert.ok(r && r.service && r.svg && r.model);
    assert.equal(r.service.display, 'shop/web');
    assert.equal(r.service.uri, webUri());
    assert.equal(r.service.range.start.line, 0);
    assert.equal(r.indexed, true);
    // the hop into the nodes is blocked by the zone: drawn with the blocked status, whose colour is --sr-blocked (red)
    const hop = r.model.edges.find((e) => e.hop === 'clients-to-nodes');
    assert.ok(hop);
    assert.equal(hop.status, 'blocked');
    assert.ok(r.svg.startsWith('<svg'));
    assert.ok(r.svg.includes(`class="sr-edge sr-status-blocked" data-edge-id="${hop.id}"`), 'the blocked hop is drawn as blocked');
    assert.match(r.svg, /\.sr-edge\.sr-status-blocked path\{stroke:var\(--_sr-blocked\);\}/);
    assert.match(r.svg, /--_sr-blocked:var\(--sr-blocked,#d1242f\)/);
    assert.ok(hop.guards.some((g) => g.layer === 'firewalld' && g.status === 'blocked' && g.sources.some((s) => s.path === zoneRel)));
    // the in-cluster hops are not blocked
    assert.ok(r.model.edges.filter((e) => e.hop === 'cluster-ip-to-pods').every((e) => e.status === 'not-applicable'));
    // the finding: numbered as in the diagram, with its place, and the title of its first editing fix
    const closed = r.findings.find((f) => f.code === 'firewalld-port-closed');
    assert.ok(closed);
    assert.equal(closed.number, r.model.findings.findIndex((f) => f.key === closed.key) + 1);
    assert.equal(closed.uri, webUri());
    assert.equal(closed.range.start.line, 13);
    assert.equal(closed.location, 'web.yaml:14');
    assert.ok(closed.fix && closed.fix.title.length > 0, JSON.stringify(closed));
    assert.ok(hop.findings.includes(closed.key));
    // the view lists the findings itself (with their place and Fix button): the SVG has no list of its own
    assert.ok(!r.svg.includes('class="sr-findings"'), 'the SVG lists no findings');
    // the boxes' places: the pods box leads to the selector
    assert.equal(r.places.pods?.uri, webUri());
    // every Service of the folder, in file order
    assert.deepEqual(r.services.map((s) => [s.display, s.type, s.range.start.line]), [['shop/web', 'NodePort', 0], ['shop/internal', 'ClusterIP', WEB.split('\n').indexOf('kind: Service', 5) - 1]]);
  });

  test('serviceReach/exposure picks the Service by name, by offset, by position, or the first of the file', async () => {
    const internalAt = WEB.indexOf('name: internal');
    const byOffset = await client.request<ExposureResult>('serviceReach/exposure', { uri: webUri(), service: { offset: internalAt } });
    assert.equal(byOffset.service?.display, 'shop/internal');
    assert.ok(byOffset.svg?.includes('data-service="shop/internal"'));
    assert.ok(!byOffset.svg?.includes('class="sr-edge sr-status-blocked"'), 'a ClusterIP Service has no blocked hop here');
    const line = WEB.slice(0, internalAt).split('\n').length - 1;
    const byPosition = await client.request<ExposureResult>('serviceReach/exposure', { uri: webUri(), service: { position: { line, character: 4 } } });
    assert.equal(byPosition.service?.display, 'shop/internal');
    const byNameOnly = await client.request<ExposureResult>('serviceReach/exposure', { uri: webUri(), service: { name: 'internal' } });
    assert.equal(byNameOnly.service?.display, 'shop/internal');
    const first = await client.request<ExposureResult>('serviceReach/exposure', { uri: webUri() });
    assert.equal(first.service?.display, 'shop/web');
    // between the documents (the Deployment): no Service there, the list only
    const outside = await client.request<ExposureResult>('serviceReach/exposure', { uri: webUri(), service: { offset: WEB.indexOf('kind: Deployment') } });
    assert.equal(outside.service, null);
    assert.equal(outside.svg, null);
    assert.equal(outside.services.length, 2);
    const wrongNamespace = await client.request<ExposureResult>('serviceReach/exposure', { uri: webUri(), service: { name: 'web', namespace: 'other' } });
    assert.equal(wrongNamespace.service?.display, 'shop/web', 'one Service of that name: the namespace is not needed to find it');
    const none = await client.request<ExposureResult>('serviceReach/exposure', { uri: webUri(), service: { name: 'nope' } });
    assert.equal(none.service, null);
    // the folder itself: every Service, no diagram
    const folder = await client.request<ExposureResult>('serviceReach/exposure', { uri: uriOf(root, '') });
    assert.equal(folder.service, null);
    assert.deepEqual(folder.services.map((s) => s.display), ['shop/web', 'shop/internal']);
    // a file the server does not hold
    assert.equal(await client.request('serviceReach/exposure', { uri: 'file:///nowhere/x.yaml' }), null);
    assert.equal(await client.request('serviceReach/exposure', { uri: uriOf(root, zoneRel).replace('public', 'nope') }), null);
    // bad params: an LSP error, and the server goes on
    await assert.rejects(client.request('serviceReach/exposure', { uri: 42 }));
    await assert.rejects(client.request('serviceReach/exposure', { uri: webUri(), service: { offset: 'x' } }));
    await assert.rejects(client.request('serviceReach/fixFinding', {}));
    assert.equal(await client.request('serviceReach/fixFinding', { findingKey: 'web.yaml|0|no-such-code' }), null);
    assert.equal(client.hasExited, false);
  });

  test('the "Show exposure" CodeLens of each Service, beside its chain', async () => {
    const lenses = await client.request<{ range: { start: { line: number } }; command: { title: string; command: string; arguments?: unknown[] } }[]>(
      'textDocument/codeLens', { textDocument: { uri: webUri() } });
    const show = lenses.filter((l) => l.command.command === 'serviceReach.showExposure');
    assert.deepEqual(show.map((l) => [l.range.start.line, l.command.title, l.command.arguments]), [
      [0, 'Show exposure', [webUri(), { name: 'web', namespace: 'shop' }]],
      [WEB.split('\n').indexOf('kind: Service', 5) - 1, 'Show exposure', [webUri(), { name: 'internal', namespace: 'shop' }]],
    ]);
    assert.ok(lenses.some((l) => l.range.start.line > 0 && l.command.command === '' && /⛔|⚠/.test(l.command.title)), 'the chain lens is still there, on the port');
    // what the lens passes is what the request takes
    const r = await client.request<ExposureResult>('serviceReach/exposure', { uri: show[1].command.arguments![0], service: show[1].command.arguments![1] });
    assert.equal(r.service?.display, 'shop/internal');
  });

  test('serviceReach/fixFinding: the edit of the first quick fix; applied to the file, the finding is gone after re-analysis', async () => {
    const before = await client.request<ExposureResult>('serviceReach/exposure', { uri: webUri(), service: { name: 'web', namespace: 'shop' } });
    const closed = before.findings.find((f) => f.code === 'firewalld-port-closed')!;
    const fix = await client.request<FixFindingResult | null>('serviceReach/fixFinding', { findingKey: closed.key, uri: webUri() });
    assert.ok(fix, 'a fix');
    assert.equal(fix.title, closed.fix!.title);
    const changesByUri = fix.edit.changes as Record<string, TextEdit[]>;
    assert.deepEqual(Object.keys(changesByUri), [uriOf(root, zoneRel)], 'the fix edits the zone');
    // without the uri hint, the same edit
    assert.deepEqual(await client.request('serviceReach/fixFinding', { findingKey: closed.key }), fix);

    const seen = changes.seen.length;
    const zoneText = fs.readFileSync(path.join(root, zoneRel), 'utf8');
    const fixed = applyTextEdits(zoneText, changesByUri[uriOf(root, zoneRel)]);
    assert.match(fixed, /<port port="30080" protocol="tcp"\/>/);
    writeFile(root, zoneRel, fixed);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, zoneRel), type: 2 }] });
    await client.waitForDiagnostics(webUri(), (d) => !d.some((x) => x.code === 'firewalld-port-closed'), 'web.yaml without firewalld-port-closed');
    await changes.next(seen, 'after the fix');

    const after = await client.request<ExposureResult>('serviceReach/exposure', { uri: webUri(), service: { name: 'web', namespace: 'shop' } });
    assert.ok(!after.findings.some((f) => f.key === closed.key));
    assert.equal(after.model!.edges.find((e) => e.hop === 'clients-to-nodes')!.status, 'allowed');
    assert.ok(!after.svg!.includes('class="sr-edge sr-status-blocked"'));
    assert.ok(after.svg!.includes('class="sr-edge sr-status-allowed"'));
    // the finding is gone: no fix for its key any more
    assert.equal(await client.request('serviceReach/fixFinding', { findingKey: closed.key, uri: webUri() }), null);
  });

  test('serviceReach/analysisChanged arrives after a rule source changes on disk (didChangeWatchedFiles)', async () => {
    const seen = changes.seen.length;
    writeFile(root, zoneRel, ZONE); // close the port again
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, zoneRel), type: 2 }] });
    const p = await changes.next(seen, 'after the zone changed on disk');
    assert.deepEqual(p.folders, [uriOf(root, '')]);
    // by then the server's analysis is the new one: the hop is blocked again
    const r = await client.request<ExposureResult>('serviceReach/exposure', { uri: webUri(), service: { name: 'web', namespace: 'shop' } });
    assert.equal(r.model!.edges.find((e) => e.hop === 'clients-to-nodes')!.status, 'blocked');
    assert.ok(ZONE_OPEN.includes('30080'));
  });

  test('analysisChanged after an editor change of the manifest too', async () => {
    const seen = changes.seen.length;
    await client.notify('textDocument/didOpen', { textDocument: { uri: webUri(), languageId: 'yaml', version: 1, text: WEB.replace('nodePort: 30080', 'nodePort: 30081') } });
    await changes.next(seen, 'after didOpen with other text');
    const r = await client.request<ExposureResult>('serviceReach/exposure', { uri: webUri(), service: { name: 'web', namespace: 'shop' } });
    assert.ok(r.model!.edges.some((e) => e.label.includes('30081')));
  });
});

suite('Language server: no exposure extras for clients that do not ask', function () {
  this.timeout(30000);
  test('without initializationOptions.exposureView: no "Show exposure" lens, no analysisChanged; the requests still answer', async () => {
    const root = scratchWorkspace({ 'web.yaml': WEB, [zoneRel]: ZONE });
    const client = LspClient.start(root);
    const changes = new ChangeWatcher(client);
    try {
      await client.initialize(root, { initializationOptions: { trusted: true } });
      const uri = uriOf(root, 'web.yaml');
      await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'firewalld-port-closed'));
      const lenses = await client.request<{ command: { command: string } }[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.ok(lenses.length > 0);
      assert.ok(lenses.every((l) => l.command.command !== 'serviceReach.showExposure'));
      const r = await client.request<ExposureResult>('serviceReach/exposure', { uri });
      assert.equal(r.service?.display, 'shop/web');
      // a request after the diagnostics: any notification would have come before its answer
      assert.equal(changes.seen.length, 0);
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
