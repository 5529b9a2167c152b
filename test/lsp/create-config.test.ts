/**
 * "Create .service-reach.yaml" over stdio: a code action on a finding that rests on a guess, and the command
 * `serviceReach.createConfig`, both a WorkspaceEdit that creates the file and inserts the text under a change
 * annotation that needs confirmation; the server itself never writes the file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspClient, scratchWorkspace, uriOf, type Diagnostic } from './support/lsp-client';
import { WEB } from './support/fixtures';

interface DocChange { kind?: string; uri?: string; annotationId?: string; textDocument?: { uri: string }; edits?: { newText: string; annotationId?: string }[] }
interface Edit { documentChanges: DocChange[]; changeAnnotations: Record<string, { needsConfirmation?: boolean }> }

const LIST = JSON.stringify({ 'display-name': 'workers', 'ingress-security-rules': [{ protocol: '6', source: '0.0.0.0/0', 'tcp-options': { 'destination-port-range': { min: 22, max: 22 } } }] });

function checkEdit(edit: Edit, configUri: string): string {
  const [create, insert] = edit.documentChanges;
  assert.equal(create.kind, 'create');
  assert.equal(create.uri, configUri);
  assert.equal(insert.textDocument?.uri, configUri);
  const text = insert.edits![0].newText;
  assert.match(text, /^ {4}- "oci\/workers.json#workers" {3}# security list "workers"$/m);
  for (const id of [create.annotationId, insert.edits![0].annotationId]) assert.equal(edit.changeAnnotations[id!]?.needsConfirmation, true, 'the user confirms it');
  return text;
}

suite('Language server: create .service-reach.yaml', function () {
  this.timeout(30000);
  let root: string;
  let client: LspClient;
  const applied: Edit[] = [];
  const shown: string[] = [];

  suiteSetup(async () => {
    root = scratchWorkspace({ 'web.yaml': WEB, 'oci/workers.json': LIST });
    client = LspClient.start(root);
    client.conn.onRequest('workspace/applyEdit', (p: { edit: Edit }) => { applied.push(p.edit); return { applied: true }; });
    client.conn.onRequest('window/showDocument', (p: { uri: string }) => { shown.push(p.uri); return { success: true }; });
    const r = await client.initialize(root, {
      capabilities: {
        window: { showDocument: { support: true } },
        workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'], changeAnnotationSupport: {} } },
        textDocument: { publishDiagnostics: { relatedInformation: true } },
      },
    });
    assert.deepEqual((r.capabilities.executeCommandProvider as { commands: string[] }).commands, ['serviceReach.createConfig']);
  });

  suiteTeardown(async () => {
    await client?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('a code action on a finding the guess decides: the edit creates the file, nothing is written', async () => {
    const uri = uriOf(root, 'web.yaml');
    const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'security-list-port-closed'));
    const d = diags.find((x) => x.code === 'security-list-port-closed') as Diagnostic;
    const actions = await client.request<{ title: string; edit?: Edit }[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const create = actions.find((a) => a.title.startsWith('Create .service-reach.yaml'));
    assert.ok(create?.edit, JSON.stringify(actions.map((a) => a.title)));
    checkEdit(create.edit, uriOf(root, '.service-reach.yaml'));
    assert.equal(fs.existsSync(path.join(root, '.service-reach.yaml')), false);
  });

  test('the command applies the same edit through the client and shows the new file; the server writes nothing', async () => {
    const r = await client.request<{ created: boolean; uri: string }>('workspace/executeCommand', { command: 'serviceReach.createConfig', arguments: [] });
    assert.equal(r.created, true);
    assert.equal(applied.length, 1);
    const text = checkEdit(applied[0], uriOf(root, '.service-reach.yaml'));
    assert.match(text, /check every line against your\n# cluster/);
    assert.deepEqual(shown, [uriOf(root, '.service-reach.yaml')]);
    assert.equal(fs.existsSync(path.join(root, '.service-reach.yaml')), false, 'the client creates it, when the user accepts');
  });
});
