/** Completion after `type: `: the four Service types, each with the chain it implies; in an empty file, a Service. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activate, fileUri, open, positionAfter } from './util';

suite('VS Code: completion', () => {
  test('after "type: " the Service types, with their chains', async () => {
    await activate();
    const editor = await open('k8s/checkout.yaml');
    const doc = editor.document;
    const at = positionAfter(doc, '  type: ');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const t of ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']) assert.ok(labels.includes(t), `${t} in ${labels.join(', ')}`);
    const lb = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'LoadBalancer')!;
    assert.equal(lb.detail, 'LoadBalancer :port → nodes :nodePort → ClusterIP :port → pods :targetPort');
    // the chain beside the label too: a row unlike a schema's bare enum value (Red Hat YAML's)
    assert.equal(typeof lb.label === 'string' ? undefined : lb.label.description, '→ nodes → ClusterIP → pods');
    assert.equal(lb.kind, vscode.CompletionItemKind.EnumMember);
    // the item replaces the value that is there
    const range = lb.range instanceof vscode.Range ? lb.range : lb.range?.replacing;
    assert.ok(range, 'the item has a range');
    assert.equal(doc.getText(range), 'LoadBalancer');
  });

  test('in an empty YAML file: a new Service, from the first keystroke', async () => {
    await activate();
    const uri = fileUri('k8s/empty.yaml');
    fs.writeFileSync(uri.fsPath, '');
    const editor = await open('k8s/empty.yaml');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(0, 0));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.some((l) => l.startsWith('Service')), `a Service in ${labels.join(', ')}`);
  });
});
