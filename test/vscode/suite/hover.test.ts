/** Hover on a nodePort: the chain the traffic takes, with each rule source's verdict. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, hasCodes, hoverText, open, positionAfter, waitForDiagnostics } from './util';

suite('VS Code: hover', () => {
  test('on the nodePort: the chain, and which firewall blocks it', async () => {
    await activate();
    const editor = await open('k8s/web.yaml');
    const doc = editor.document;
    await waitForDiagnostics(doc.uri, hasCodes('firewalld-port-closed'), 'web.yaml analysed');
    const at = positionAfter(doc, 'nodePort: 3'); // inside "30080"
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const text = hoverText(hovers);
    // the answer first: the verdict, the chain and why in the first 8 lines
    const top = text.split('\n').slice(0, 8).join('\n');
    assert.ok(top.startsWith('**Service shop/web** · NodePort · ⛔ blocked\n'), text);
    assert.ok(top.includes('`nodes :30080/TCP ⛔ → ClusterIP :80 → 3 pods :8080`'), text);
    assert.match(top, /^⛔ node port 30080\/TCP[ :]/m, text);
    // rule sources as links to their line
    assert.match(text, /firewalld zone "public" \(\[infra\/firewalld\/zones\/public\.xml:\d+\]\(file:[^)\s]+public\.xml#L\d+\)\) does not allow it/);
    assert.match(text, /security list "shop-workers" \(\[infra\/terraform\/network\.tf:\d+\]\(file:[^)\s]+network\.tf#L\d+\)\) does not allow it/);
    assert.match(text, /3 pods of Deployment web \(app=web\) on :8080/);
  });
});
