/**
 * Diagnostics in a real VS Code, from the installed extension: the fixture's NodePort Service is closed in the
 * firewalld zone (XML) and in the worker security list (Terraform, read through the bundled tree-sitter wasm),
 * and has a misspelt field. Awaited by event, asserted by code, severity and range.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, activate, codeOf, describe, fileUri, hasCodes, open, rangeText, waitForDiagnostics } from './util';

suite('VS Code: the installed extension', () => {
  test('is the packaged one, and activates', async () => {
    const ext = await activate();
    assert.equal(ext.id, EXTENSION_ID);
    assert.ok(ext.isActive);
    assert.equal((ext.packageJSON as { main: string }).main, './dist/client/extension.js');
    // the runner says where the .vsix was installed: the suites must run against that copy, not the sources
    const expected = process.env.SERVICE_REACH_EXPECT_EXTENSION_DIR;
    if (expected) assert.equal(path.resolve(ext.extensionUri.fsPath), path.resolve(expected), 'the extension under test is the installed .vsix');
  });
});

suite('VS Code: diagnostics', () => {
  test('web.yaml: unknown field, firewalld zone and Terraform security list closed, at their ranges', async () => {
    await activate();
    const editor = await open('k8s/web.yaml');
    const uri = editor.document.uri;
    const ds = await waitForDiagnostics(uri, hasCodes('unknown-field', 'firewalld-port-closed', 'security-list-port-closed'), 'the three findings of web.yaml');

    const by = (code: string) => {
      const found = ds.filter((d) => codeOf(d) === code);
      assert.equal(found.length, 1, `one ${code}; got ${describe(ds)}`);
      return found[0];
    };
    assert.equal(ds.length, 3, describe(ds));

    // `sessionAfinity:` — the key (line 31 in the file, 0-based 30)
    const unknown = by('unknown-field');
    assert.equal(rangeText(unknown.range), '30:2-30:16');
    assert.equal(editor.document.getText(unknown.range), 'sessionAfinity');
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(unknown.message, /did you mean "sessionAffinity"/);

    // the nodePort value 30080
    const fw = by('firewalld-port-closed');
    assert.equal(rangeText(fw.range), '37:16-37:21');
    assert.equal(editor.document.getText(fw.range), '30080');
    assert.equal(fw.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(fw.message, /firewalld zone "public"/);
    assert.equal(fw.source, 'service-reach');

    const sl = by('security-list-port-closed');
    assert.equal(rangeText(sl.range), '37:16-37:21');
    assert.equal(sl.severity, vscode.DiagnosticSeverity.Error);
    assert.match(sl.message, /security list "shop-workers" \(infra\/terraform\/network\.tf\)/);

    // related information points into the rule sources: the HCL was really parsed (a located list, not a guess)
    const related = (sl.relatedInformation ?? []).map((r) => `${vscode.workspace.asRelativePath(r.location.uri)}:${r.location.range.start.line}`);
    assert.ok(related.some((r) => r.startsWith('infra/terraform/network.tf:')), `related: ${related.join(', ')}`);
    const code = sl.code as { value: string; target: vscode.Uri };
    assert.equal(code.value, 'security-list-port-closed');
    assert.match(code.target.toString(), /rules\.md#security-list-port-closed$/);
  });

  test('checkout.yaml (allowed everywhere) has none', async () => {
    // the same analysis pass publishes every file it speaks about: once web.yaml's findings are there, checkout's are final
    await waitForDiagnostics(fileUri('k8s/web.yaml'), hasCodes('firewalld-port-closed'), 'web.yaml analysed');
    const editor = await open('k8s/checkout.yaml');
    assert.deepEqual(vscode.languages.getDiagnostics(editor.document.uri).map(codeOf), []);
  });
});
