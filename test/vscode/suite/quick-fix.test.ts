/**
 * Quick fixes, as the light bulb runs them: `vscode.executeCodeActionProvider` on the diagnostic, then
 * `workspace.applyEdit` with the action's edit. The rule source changes (in the editor, then on disk once
 * saved) and the finding goes away. Runs last: it edits the workspace (a temp copy of the fixture).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activate, codeOf, describe, fileUri, hasCodes, open, waitForDiagnostics } from './util';

async function fixFor(uri: vscode.Uri, d: vscode.Diagnostic, target: string): Promise<vscode.CodeAction> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value);
  const fixes = actions.filter((a): a is vscode.CodeAction => a instanceof vscode.CodeAction || 'edit' in a);
  const edits = (a: vscode.CodeAction) => (a.edit?.entries() ?? []).map(([u]) => vscode.workspace.asRelativePath(u));
  // (the actions come back without their `diagnostics`: the command's converter drops them; the range chose them)
  const fix = fixes.find((a) => edits(a).length === 1 && edits(a)[0] === target);
  assert.ok(fix, `a quick fix for ${codeOf(d)} that edits ${target} only; offered: ${
    fixes.map((a) => `${a.title} [edits ${edits(a).join(', ') || 'nothing'}]`).join(' | ')}`);
  return fix;
}

/** What `after` adds to `before`, when it only inserts one run of text (else throws). */
function insertion(before: string, after: string): string {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  assert.equal(p + s, before.length, 'nothing of the old text was changed or removed');
  return after.slice(p, after.length - s);
}

suite('VS Code: quick fixes', () => {
  test('firewalld-port-closed: the zone file gets the port, and the finding clears', async () => {
    await activate();
    const web = await open('k8s/web.yaml');
    const uri = web.document.uri;
    const ds = await waitForDiagnostics(uri, hasCodes('firewalld-port-closed'), 'firewalld-port-closed');
    const d = ds.find((x) => codeOf(x) === 'firewalld-port-closed')!;
    const zone = fileUri('infra/firewalld/zones/public.xml');
    const before = fs.readFileSync(zone.fsPath, 'utf8');

    const fix = await fixFor(uri, d, 'infra/firewalld/zones/public.xml');
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'applyEdit');

    const zoneDoc = await vscode.workspace.openTextDocument(zone);
    assert.ok(zoneDoc.getText().includes('<port port="30080" protocol="tcp"/>'), zoneDoc.getText());
    // a pure insertion of one line (beside the zone's other ports): without it, the text is byte for byte what was there
    const lines = zoneDoc.getText().split('\n');
    const added = lines.findIndex((l) => l.trim() === '<port port="30080" protocol="tcp"/>');
    assert.ok(added >= 0, zoneDoc.getText());
    assert.equal([...lines.slice(0, added), ...lines.slice(added + 1)].join('\n'), before, 'nothing else changed');
    insertion(before, zoneDoc.getText()); // (throws if anything of the old text was changed or removed)
    const after = await waitForDiagnostics(uri, (xs) => !xs.some((x) => codeOf(x) === 'firewalld-port-closed') && xs.some((x) => codeOf(x) === 'security-list-port-closed'),
      'firewalld-port-closed to clear (the security list still closed)');
    assert.deepEqual(after.map(codeOf).sort(), ['security-list-port-closed', 'unknown-field'], describe(after));

    assert.ok(await zoneDoc.save(), 'save');
    const onDisk = fs.readFileSync(zone.fsPath, 'utf8');
    assert.notEqual(onDisk, before);
    assert.ok(onDisk.includes('<port port="30080" protocol="tcp"/>'), onDisk);
  });

  test('security-list-port-closed: the Terraform list gets an ingress rule, and the finding clears', async () => {
    await activate();
    const web = await open('k8s/web.yaml');
    const uri = web.document.uri;
    const ds = await waitForDiagnostics(uri, hasCodes('security-list-port-closed'), 'security-list-port-closed');
    const d = ds.find((x) => codeOf(x) === 'security-list-port-closed')!;
    const tf = fileUri('infra/terraform/network.tf');

    const fix = await fixFor(uri, d, 'infra/terraform/network.tf');
    assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'applyEdit');
    const tfDoc = await vscode.workspace.openTextDocument(tf);
    assert.match(tfDoc.getText(), /ingress_security_rules \{[^}]*source\s*= "0\.0\.0\.0\/0"[^}]*tcp_options \{\s*min\s*= 30080\s*max\s*= 30080/);
    const after = await waitForDiagnostics(uri, (xs) => !xs.some((x) => codeOf(x) === 'security-list-port-closed'), 'security-list-port-closed to clear');
    assert.deepEqual(after.map(codeOf), ['unknown-field'], describe(after));
  });

  test('unknown-field: replaced with the suggestion', async () => {
    await activate();
    const web = await open('k8s/web.yaml');
    const uri = web.document.uri;
    const ds = await waitForDiagnostics(uri, hasCodes('unknown-field'), 'unknown-field');
    const d = ds.find((x) => codeOf(x) === 'unknown-field')!;
    const fix = await fixFor(uri, d, 'k8s/web.yaml');
    assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'applyEdit');
    assert.equal(web.document.lineAt(30).text, '  sessionAffinity: None');
    await waitForDiagnostics(uri, (xs) => xs.length === 0, 'no finding left');
  });
});
