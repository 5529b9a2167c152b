/** The inline chain: a CodeLens above each Service with the hops its traffic takes. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, hasCodes, open, waitForDiagnostics, fileUri } from './util';

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
}

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  return (await lenses(uri)).map((l) => l.command?.title ?? '');
}

suite('VS Code: CodeLens chain', () => {
  test('above each port, its chain; a blocked hop is marked', async () => {
    await activate();
    await waitForDiagnostics(fileUri('k8s/web.yaml'), hasCodes('firewalld-port-closed'), 'web.yaml analysed');
    const checkout = await open('k8s/checkout.yaml');
    assert.ok((await lensTitles(checkout.document.uri)).some((t) => t.includes('LoadBalancer :443 → nodes :30443/TCP → ClusterIP :443 → 2 pods :8443')),
      (await lensTitles(checkout.document.uri)).join(' | '));
    const web = await open('k8s/web.yaml');
    const titles = await lensTitles(web.document.uri);
    assert.ok(titles.some((t) => t.includes('nodes :30080/TCP ⛔ → ClusterIP :80 → 3 pods :8080')), titles.join(' | '));
    // on the port's own item, not stacked above the Service
    const chain = (await lenses(web.document.uri)).find((l) => l.command?.title.includes('nodes :30080/TCP'))!;
    assert.match(web.document.lineAt(chain.range.start.line).text, /^\s*- /, `line ${chain.range.start.line}`);
  });
});
