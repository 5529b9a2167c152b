/**
 * A workspace folder inside another (a multi-root workspace that holds the repository and one of its folders):
 * the outer folder serves the files of the inner one — what `service-reach check OUTER` sees, with the rule
 * sources outside the inner folder — so no file gets two analyses. When the outer folder is removed, the inner one
 * is served on its own; when it comes back, the outer one serves again. Awaited by event, never by sleeping.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { LspClient, scratchWorkspace, uriOf, type Diagnostic } from './support/lsp-client';
import { WEB, ZONE } from './support/fixtures';

const hasClosed = (d: Diagnostic[]) => d.some((x) => x.code === 'firewalld-port-closed');
const folder = (abs: string) => ({ uri: URI.file(abs).toString(), name: path.basename(abs) });

suite('Language server: a workspace folder inside another', function () {
  this.timeout(30000);
  let root: string;
  let inner: string;
  let client: LspClient;
  const zoneRel = 'infra/firewalld/zones/public.xml';

  suiteSetup(async () => {
    // the zone is outside the inner folder: only the outer folder's analysis sees that it closes 30080
    root = scratchWorkspace({ [zoneRel]: ZONE, 'teams/shop/web.yaml': WEB });
    inner = path.join(root, 'teams', 'shop');
    client = LspClient.start(root);
    await client.request('initialize', {
      processId: process.pid,
      rootUri: URI.file(root).toString(),
      workspaceFolders: [folder(inner), folder(root)],
      capabilities: {
        workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } },
        textDocument: { publishDiagnostics: { relatedInformation: true } },
      },
    });
    await client.notify('initialized', {});
  });

  suiteTeardown(async () => {
    await client?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('the outer folder serves the inner one: diagnostics and hover see the zone outside it', async () => {
    const uri = uriOf(root, 'teams/shop/web.yaml');
    await client.waitForDiagnostics(uri, hasClosed);
    const lines = WEB.split('\n');
    const line = lines.findIndex((l) => l.includes('nodePort: 30080'));
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri }, position: { line, character: lines[line].indexOf('30080') + 1 },
    });
    assert.ok(hover, 'a hover on the nodePort');
    assert.match(hover.contents.value, /firewalld zone "public"/, 'the hover comes from the analysis that sees the zone');
  });

  test('the outer folder removed: the inner one is served alone; added again: the outer serves again', async () => {
    const uri = uriOf(root, 'teams/shop/web.yaml');
    await client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder(root)] } });
    // alone, the inner folder has no rule source: nothing is closed
    await client.waitForDiagnostics(uri, (d) => !hasClosed(d), 'the inner folder\'s own diagnostics');
    await client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [folder(root)], removed: [] } });
    await client.waitForDiagnostics(uri, hasClosed, 'the outer folder\'s diagnostics again');
  });

  test('an open document goes with the folder that serves it: its editor text, not the disk\'s', async () => {
    const uri = uriOf(root, 'teams/shop/web.yaml');
    const edited = WEB.replace('type: NodePort', 'type: NodPort').replace('      nodePort: 30080\n', '');
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: edited } });
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'invalid-service-type'));
    const invalidType = (d: Diagnostic[]) => d.some((x) => x.code === 'invalid-service-type');
    // each change withdraws the diagnostics of the folder that stops serving, then the one that serves publishes
    // its own: from the editor's text (the disk still says NodePort, and the zone closes its node port)
    await client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder(root)] } });
    await client.waitForDiagnostics(uri, (d) => d.length === 0, 'the outer folder\'s diagnostics withdrawn');
    await client.waitForDiagnostics(uri, invalidType, 'the inner folder\'s diagnostics of the editor text');
    await client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [folder(root)], removed: [] } });
    await client.waitForDiagnostics(uri, (d) => d.length === 0, 'the inner folder\'s diagnostics withdrawn');
    const d = await client.waitForDiagnostics(uri, invalidType, 'the outer folder\'s diagnostics of the editor text');
    assert.equal(hasClosed(d), false);
    assert.equal(client.hasExited, false);
  });
});
