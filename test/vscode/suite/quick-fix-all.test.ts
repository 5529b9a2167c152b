/**
 * "Fix all in this file" as the editor runs it (`editor.action.codeAction` with the server's
 * `source.fixAll.serviceReach` kind: the workbench applies the action's edit itself, change annotations included).
 * Its edits to other files carry an annotation that needs confirmation, so VS Code shows its refactor preview and
 * writes nothing until the user accepts. In that preview, edits that need confirmation start unchecked. The preview
 * is observed through its documents: while it is shown, the workbench holds a preview model of
 * every file of the edit (scheme `vscode-bulkeditpreview-editor`, the file's URI in the query), which the
 * extension host sees open and change. Runs before quick-fix.test (same prefix, sorts first) and reverts every
 * document it changed, so the later suite sees the fixture as it was.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activate, fileUri, hasCodes, open, waitForDiagnostics, waitForEvent } from './util';

const PREVIEW_SCHEME = 'vscode-bulkeditpreview-editor';
const PORT_LINE = '<port port="30080" protocol="tcp"/>';

function previewOf(doc: vscode.TextDocument, target: vscode.Uri): boolean {
  // (the query holds the file's URI as the workbench knows it: `vscode-remote:` in code-server, `file:` in the desktop)
  return doc.uri.scheme === PREVIEW_SCHEME && vscode.Uri.parse(doc.uri.query).path === target.path;
}

async function revert(uri: vscode.Uri): Promise<void> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!doc || !doc.isDirty) return;
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
}

suite('VS Code: fix all in this file', () => {
  const touched = ['k8s/web.yaml', 'infra/firewalld/zones/public.xml', 'infra/terraform/network.tf'];
  teardown(async () => {
    for (const rel of touched) await revert(fileUri(rel));
  });

  test('edits to other files wait in the refactor preview, unticked: nothing is written behind the user\'s back', async () => {
    await activate();
    const web = await open('k8s/web.yaml');
    await waitForDiagnostics(web.document.uri, hasCodes('firewalld-port-closed'), 'firewalld-port-closed');
    const zone = fileUri('infra/firewalld/zones/public.xml');
    const before = fs.readFileSync(zone.fsPath, 'utf8');
    assert.ok(!before.includes(PORT_LINE), before);

    const zoneChanges: string[] = [];
    const watch = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === zone.toString() && e.contentChanges.length) zoneChanges.push(e.document.getText());
    });
    try {
      const offered = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', web.document.uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll.serviceReach');
      const fixAll = offered.find((a) => a.kind?.value === 'source.fixAll.serviceReach');
      assert.ok(fixAll && (fixAll.edit?.entries() ?? []).some(([u]) => u.toString() === zone.toString()),
        `a fix-all that edits public.xml; offered: ${offered.map((a) => `${a.title} (${a.kind?.value})`).join(' | ') || 'nothing'}`);
      await vscode.window.showTextDocument(web.document, { preview: false });
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
      const shown = waitForEvent(vscode.workspace.onDidOpenTextDocument, (d) => previewOf(d, zone), 'the refactor preview of public.xml');
      // (the command returns once the action is asked for, before it is applied: the preview's documents tell when it is shown)
      await vscode.commands.executeCommand('editor.action.codeAction', { kind: 'source.fixAll.serviceReach', apply: 'first' });
      const preview = await shown.catch((err: Error) => {
        throw new Error(`${err.message}; documents: ${vscode.workspace.textDocuments.map((d) => `${d.uri.toString()}${d.isDirty ? ' (dirty)' : ''}`).join(', ')}; tabs: ${
          vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)).join(', ')}`);
      });

      // pending: nothing written, no document of the zone changed
      assert.equal(fs.readFileSync(zone.fsPath, 'utf8'), before, 'public.xml on disk while the preview is pending');
      assert.deepEqual(zoneChanges, [], 'public.xml was not edited while the preview is pending');
      const pendingDoc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === zone.toString());
      assert.ok(!pendingDoc || (!pendingDoc.isDirty && !pendingDoc.getText().includes(PORT_LINE)), 'no dirty public.xml');
      // the preview starts with the edits that need confirmation unchecked
      assert.ok(!preview.getText().includes(PORT_LINE), `preview before ticking: ${preview.getText()}`);

      // (what accepting does with the unticked edits is VS Code's; the preview is put away unapplied)
      await vscode.commands.executeCommand('refactorPreview.discard');
      assert.equal(fs.readFileSync(zone.fsPath, 'utf8'), before, 'public.xml on disk after the preview was put away');
      assert.deepEqual(zoneChanges, [], 'public.xml was not edited');
    } finally {
      watch.dispose();
    }
  });
});
