/**
 * The language server over stdio, as a client sees it: `service-reach-lsp --stdio` as a child process and
 * JSON-RPC through vscode-jsonrpc. Everything is awaited by event (notifications, responses), never by sleeping.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspClient, cursorPosition, scratchWorkspace, uriOf, writeFile, type Diagnostic } from './support/lsp-client';
import { API, WEB, ZONE, ZONE_OPEN } from './support/fixtures';

const codes = (d: Diagnostic[]) => d.map((x) => x.code).sort();
const hasClosed = (d: Diagnostic[]) => d.some((x) => x.code === 'firewalld-port-closed');

suite('Language server over stdio (JSON-RPC)', function () {
  this.timeout(30000);
  let root: string;
  let client: LspClient;
  const zoneRel = 'infra/firewalld/zones/public.xml';

  suiteSetup(async () => {
    root = scratchWorkspace({ 'web.yaml': WEB, 'k8s/api.yaml': API, [zoneRel]: ZONE, 'node_modules/x/svc.yaml': API.replace('api', 'ignored') });
    client = LspClient.start(root);
  });

  suiteTeardown(async () => {
    await client?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('initialize: capabilities; indexing reports work-done progress', async () => {
    const r = await client.initialize(root, { initializationOptions: { trusted: true, copyCommand: true } });
    const caps = r.capabilities;
    assert.ok(caps.hoverProvider);
    assert.ok(caps.completionProvider);
    assert.ok(caps.codeLensProvider);
    assert.ok(caps.documentSymbolProvider);
    assert.ok(caps.codeActionProvider);
    await client.waitFor('progress end', () => (client.progress.some((p) => p.kind === 'end') ? true : undefined));
    assert.equal(client.progress[0].kind, 'begin');
  });

  test('diagnostics of files that are not open, with codeDescription, relatedInformation and source', async () => {
    const web = await client.waitForDiagnostics(uriOf(root, 'web.yaml'), hasClosed);
    const api = await client.waitForDiagnostics(uriOf(root, 'k8s/api.yaml'), hasClosed);
    assert.deepEqual(codes(web), ['firewalld-port-closed']);
    assert.ok(codes(api).includes('firewalld-port-closed'));
    const d = web[0];
    assert.equal(d.source, 'service-reach');
    assert.match(d.codeDescription!.href, /#firewalld-port-closed$/);
    assert.equal(d.range.start.line, 13); // nodePort: 30080
    assert.ok(d.relatedInformation?.some((r) => r.location.uri === uriOf(root, zoneRel)));
    assert.equal(client.diagnostics.has(uriOf(root, 'node_modules/x/svc.yaml')), false, 'node_modules is not read');
  });

  test('open a Service: its diagnostics; edit it: diagnostics follow the editor text', async () => {
    const uri = uriOf(root, 'web.yaml');
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: WEB } });
    await client.waitForDiagnostics(uri, hasClosed);
    await client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: WEB.replace('type: NodePort', 'type: NodPort').replace('      nodePort: 30080\n', '') }],
    });
    const d = await client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'invalid-service-type'));
    assert.deepEqual(codes(d), ['invalid-service-type']);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: WEB }] });
    await client.waitForDiagnostics(uri, (x) => codes(x).join() === 'firewalld-port-closed');
  });

  test('quick fixes attached to the diagnostic; copy-only fixes as the serviceReach.copyText command', async function () {
    const uri = uriOf(root, 'web.yaml');
    const d = client.diagnostics.get(uri)!.filter((x) => x.code === 'firewalld-port-closed');
    const actions = await client.request<{ title: string; kind: string; edit?: { changes: Record<string, unknown[]> }; command?: { command: string; arguments: unknown[] }; diagnostics?: unknown[] }[]>(
      'textDocument/codeAction', { textDocument: { uri }, range: d[0].range, context: { diagnostics: d } });
    if (actions.length === 0 && client.logs.some((l) => l.includes('quick fixes are off'))) this.skip();
    const withEdit = actions.filter((a) => a.edit);
    assert.ok(withEdit.length > 0, JSON.stringify(actions));
    assert.ok(Object.keys(withEdit[0].edit!.changes).includes(uriOf(root, zoneRel)));
    assert.ok(withEdit[0].diagnostics?.length);
    const copy = actions.filter((a) => a.command);
    assert.ok(copy.every((a) => a.command!.command === 'serviceReach.copyText' && typeof a.command!.arguments[0] === 'string'));
    assert.ok(copy.some((a) => String(a.command!.arguments[0]).includes('firewall-cmd')), JSON.stringify(copy));
  });

  test('edit a firewalld zone on disk + didChangeWatchedFiles: every affected Service file is refreshed, open or not', async () => {
    writeFile(root, zoneRel, ZONE_OPEN);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, zoneRel), type: 2 }] });
    await client.waitForDiagnostics(uriOf(root, 'web.yaml'), (x) => !hasClosed(x), 'web.yaml without firewalld-port-closed');
    await client.waitForDiagnostics(uriOf(root, 'k8s/api.yaml'), (x) => !hasClosed(x), 'k8s/api.yaml (not open) without firewalld-port-closed');
  });

  test('a zone deleted on disk: the findings come back', async () => {
    fs.rmSync(path.join(root, 'infra'), { recursive: true });
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, 'infra'), type: 3 }] });
    // without any zone file firewalld is not configured: no firewalld finding at all
    await client.waitForDiagnostics(uriOf(root, 'web.yaml'), (x) => !hasClosed(x));
    writeFile(root, zoneRel, ZONE);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, 'infra'), type: 1 }] });
    await client.waitForDiagnostics(uriOf(root, 'web.yaml'), hasClosed, 'web.yaml with firewalld-port-closed again');
  });

  test('completion of `type: |` offers the four types, each with the chain it implies', async () => {
    const uri = uriOf(root, 'web.yaml');
    const c = cursorPosition(WEB.replace('type: NodePort', 'type: |'));
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ text: c.text }] });
    const r = await client.request<{ items: { label: string; detail?: string; textEdit: { range: unknown; newText: string } }[] }>(
      'textDocument/completion', { textDocument: { uri }, position: { line: c.line, character: c.character } });
    assert.deepEqual(r.items.map((i) => i.label), ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
    assert.match(r.items.find((i) => i.label === 'LoadBalancer')!.detail!, /LoadBalancer :port → nodes :nodePort → ClusterIP :port → pods/);
    assert.equal(r.items[2].textEdit.newText, 'LoadBalancer');
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ text: WEB }] });
  });

  test('edits by range (one range, several in one change, a range given end first): diagnostics and completion follow the editor text', async () => {
    const uri = uriOf(root, 'web.yaml');
    const line = WEB.split('\n').indexOf('  type: NodePort');
    const e = { line, character: '  type: Nod'.length }; // the `e` of NodePort
    const after = { line, character: e.character + 1 };
    const change = (version: number, contentChanges: unknown[]) => client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
    await change(6, [{ range: { start: e, end: after }, text: '' }]);
    await client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'invalid-service-type'), 'NodPort by one range');
    // back, then a comment line added at the top and taken out again, all in one change
    const top = { line: 0, character: 0 };
    await change(7, [{ range: { start: e, end: e }, text: 'e' }, { range: { start: top, end: top }, text: '# x\n' }, { range: { start: top, end: { line: 1, character: 0 } }, text: '' }]);
    await client.waitForDiagnostics(uri, (x) => codes(x).join() === 'firewalld-port-closed', 'NodePort again');
    // the `e` deleted by a range given end first; completion at the value sees the edited text
    await change(8, [{ range: { start: after, end: e }, text: '' }]);
    await client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'invalid-service-type'), 'NodPort by a range given end first');
    const r = await client.request<{ items: { label: string; textEdit: { range: { start: unknown; end: unknown } } }[] }>(
      'textDocument/completion', { textDocument: { uri }, position: { line, character: '  type: NodPort'.length } });
    assert.deepEqual(r.items.map((i) => i.label), ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
    assert.deepEqual(r.items[0].textEdit.range, { start: { line, character: '  type: '.length }, end: { line, character: '  type: NodPort'.length } });
    // a line added above the node port by one range: the finding is a line lower (the line index follows the range)
    const nodePort = WEB.split('\n').indexOf('      nodePort: 30080');
    await change(9, [{ range: { start: e, end: e }, text: 'e' }]);
    await client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'firewalld-port-closed' && y.range.start.line === nodePort), 'NodePort, the finding on its line');
    await change(10, [{ range: { start: { line: nodePort, character: 0 }, end: { line: nodePort, character: 0 } }, text: '      # the port\n' }]);
    const moved = await client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'firewalld-port-closed' && y.range.start.line === nodePort + 1), 'the finding a line lower');
    assert.deepEqual(codes(moved), ['firewalld-port-closed']);
    await change(11, [{ text: WEB }]);
    await client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'firewalld-port-closed' && y.range.start.line === nodePort), 'the whole text again');
  });

  test('hover on nodePort: the chain, one line per hop, and per layer who allows it and who manages it', async () => {
    const uri = uriOf(root, 'web.yaml');
    const line = WEB.split('\n').findIndex((l) => l.includes('nodePort: 30080'));
    const h = await client.request<{ contents: { kind: string; value: string }; range: unknown }>(
      'textDocument/hover', { textDocument: { uri }, position: { line, character: 18 } });
    assert.equal(h.contents.kind, 'markdown');
    const md = h.contents.value;
    assert.match(md, /nodes :30080\/TCP ⚠ → ClusterIP :80 → 3 pods :8080/);
    // the rule source as a link to its line, the file's URI as the server has it
    const zone = `${uriOf(root, 'infra/firewalld/zones/public.xml')}#L2`;
    assert.ok(md.includes(`firewalld zone "public" ([infra/firewalld/zones/public.xml:2](${zone})) does not allow it`), md);
    assert.match(md, /Yours to manage: node firewall \(firewalld\)/);
    assert.match(md, /3 pods of Deployment web/);
  });

  test('code lens, document symbols', async () => {
    const uri = uriOf(root, 'web.yaml');
    const lenses = await client.request<{ range: { start: { line: number } }; command: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri } });
    // on the port's item, marked ⚠: a node port only firewalld closes is a warning (kube-proxy's DNAT usually gets past it)
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command.title]), [[WEB.split('\n').indexOf('    - name: http'), 'nodes :30080/TCP ⚠ → ClusterIP :80 → 3 pods :8080']]);
    const symbols = await client.request<{ name: string; detail: string; children: { name: string; detail: string }[] }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => [s.name, s.detail, s.children.map((c) => `${c.name} ${c.detail}`)]), [['web', 'Service NodePort · shop', ['http 80 → http/TCP nodePort 30080']]]);
  });

  test('never crashes: bad requests become answers or LSP errors, and the server keeps serving', async () => {
    const unknownDoc = await client.request('textDocument/hover', { textDocument: { uri: 'file:///nowhere/x.yaml' }, position: { line: 0, character: 0 } });
    assert.equal(unknownDoc, null);
    const farAway = await client.request('textDocument/hover', { textDocument: { uri: uriOf(root, 'web.yaml') }, position: { line: 9999, character: -5 } });
    assert.equal(farAway, null);
    // params without the method's shape: InvalidParams (-32602), the client's error, not an InternalError of ours
    for (const [method, params] of [
      ['textDocument/completion', { textDocument: null, position: null }],
      ['textDocument/hover', { textDocument: { uri: uriOf(root, 'web.yaml') }, position: { line: '3', character: 1 } }],
      ['textDocument/codeLens', { textDocument: { uri: 42 } }],
      ['textDocument/documentSymbol', []],
      ['textDocument/codeAction', { textDocument: { uri: uriOf(root, 'web.yaml') }, range: null, context: { diagnostics: [] } }],
      ['textDocument/codeAction', { textDocument: { uri: uriOf(root, 'web.yaml') }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [{}] } }],
      ['textDocument/codeAction', { textDocument: { uri: uriOf(root, 'web.yaml') }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: 'quickfix' } }],
      ['serviceReach/exposure', { uri: 5 }],
      ['serviceReach/exposure', { uri: uriOf(root, 'web.yaml'), service: { offset: 'x' } }],
      ['serviceReach/fixFinding', { uri: uriOf(root, 'web.yaml') }],
    ] as const) {
      await assert.rejects(client.request(method, params), (err: { code?: number }) => err.code === -32602, `${method} ${JSON.stringify(params)}`);
    }
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: 'not a uri', type: 2 }, null] });
    const uri = uriOf(root, 'bad.yaml');
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: 'apiVersion: v1\nkind: Service\nspec: [\n  a: &x [*x, {\n' } });
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'yaml-syntax'));
    const still = await client.request<{ items: unknown[] }>('textDocument/completion', { textDocument: { uri: uriOf(root, 'web.yaml') }, position: { line: 6, character: 8 } });
    assert.ok(Array.isArray(still.items));
    assert.equal(client.hasExited, false);
  });
});

suite('Language server: untrusted workspace', function () {
  this.timeout(30000);
  test('no command actions when the workspace is not trusted', async function () {
    const root = scratchWorkspace({ 'web.yaml': WEB, 'infra/firewalld/zones/public.xml': ZONE });
    const client = LspClient.start(root);
    try {
      await client.initialize(root, { initializationOptions: { trusted: false, copyCommand: true } });
      const uri = uriOf(root, 'web.yaml');
      const d = await client.waitForDiagnostics(uri, hasClosed);
      const actions = await client.request<{ command?: unknown; edit?: unknown }[]>('textDocument/codeAction', { textDocument: { uri }, range: d[0].range, context: { diagnostics: d } });
      if (actions.length === 0 && client.logs.some((l) => l.includes('quick fixes are off'))) this.skip();
      assert.ok(actions.length > 0);
      assert.ok(actions.every((a) => a.command === undefined), JSON.stringify(actions));
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

suite('Language server: the config file and settings', function () {
  this.timeout(30000);
  const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n';

  test('.service-reach.yaml created, changed and deleted on disk: the Service file follows', async () => {
    const root = scratchWorkspace({ 'web.yaml': SERVICE });
    const client = LspClient.start(root);
    const uri = uriOf(root, 'web.yaml');
    const outOfRange = (d: Diagnostic[]) => d.some((x) => x.code === 'nodeport-out-of-range');
    try {
      await client.initialize(root);
      await client.waitFor('indexing', () => (client.progress.some((p) => p.kind === 'end') ? true : undefined));
      writeFile(root, '.service-reach.yaml', 'nodePortRange: 31000-32000\n');
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, '.service-reach.yaml'), type: 1 }] });
      await client.waitForDiagnostics(uri, outOfRange, 'nodeport-out-of-range after the config appears');
      writeFile(root, '.service-reach.yaml', 'nodePortRange: 30000-32000\nnodes: {bogus: 1}\n');
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, '.service-reach.yaml'), type: 2 }] });
      await client.waitForDiagnostics(uri, (d) => !outOfRange(d));
      await client.waitForDiagnostics(uriOf(root, '.service-reach.yaml'), (d) => d.some((x) => x.code === 'config-invalid'));
      fs.rmSync(path.join(root, '.service-reach.yaml'));
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, '.service-reach.yaml'), type: 3 }] });
      await client.waitForDiagnostics(uriOf(root, '.service-reach.yaml'), (d) => d.length === 0, 'the config\'s own diagnostics cleared');
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('settings: configPath names another config file; maxFileSize skips (and reports) larger files', async () => {
    const big = `${SERVICE}# ${'x'.repeat(400)}\n`;
    const root = scratchWorkspace({ 'web.yaml': SERVICE, 'big.yaml': big, 'conf/reach.yaml': 'nodePortRange: 31000-32000\n' });
    const client = LspClient.start(root);
    try {
      await client.initialize(root, { initializationOptions: { settings: { configPath: 'conf/reach.yaml', maxFileSize: 300 } } });
      await client.waitForDiagnostics(uriOf(root, 'web.yaml'), (d) => d.some((x) => x.code === 'nodeport-out-of-range'));
      const d = await client.waitForDiagnostics(uriOf(root, 'big.yaml'), (x) => x.length > 0);
      assert.deepEqual(codes(d), ['file-too-large']);
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
