/**
 * The exposure view: the "Show exposure" CodeLens carries the command and its arguments; running that command
 * (as a click on the lens does) opens the Service's webview panel, titled after the Service.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, fileUri, hasCodes, open, waitForDiagnostics, waitForEvent } from './util';

const VIEW_TYPE = 'serviceReach.exposure';

function exposureTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEW_TYPE));
}

suite('VS Code: exposure view', () => {
  suiteTeardown(async () => {
    const tabs = exposureTabs();
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  });

  test('the "Show exposure" CodeLens opens the webview of its Service', async () => {
    await activate();
    await waitForDiagnostics(fileUri('k8s/web.yaml'), hasCodes('firewalld-port-closed'), 'web.yaml analysed');
    const editor = await open('k8s/web.yaml');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 10);
    const lens = lenses.find((l) => l.command?.command === 'serviceReach.showExposure');
    assert.ok(lens?.command, `a Show exposure lens; got ${lenses.map((l) => `${l.command?.title} (${l.command?.command})`).join(' | ')}`);
    assert.equal(lens.command.title, 'Show exposure');
    const [uri, selector] = lens.command.arguments ?? [];
    assert.deepEqual(selector, { name: 'web', namespace: 'shop' });
    // the lens sits at the top of the Service's document (after `---`), not the Deployment's
    assert.equal(lens.range.start.line, editor.document.getText().split('\n').indexOf('---') + 1);

    assert.equal(exposureTabs().length, 0);
    const opened = waitForEvent(vscode.window.tabGroups.onDidChangeTabs, () => exposureTabs().some((t) => t.label.includes('web')), 'the exposure tab of web');
    await vscode.commands.executeCommand(lens.command.command, uri, selector);
    await opened;
    const tabs = exposureTabs();
    assert.equal(tabs.length, 1, tabs.map((t) => t.label).join(', '));
    assert.match(tabs[0].label, /^Exposure: .*web/);
  });

  test('showExposure with a Service name, as the brief names it: one panel per Service', async () => {
    await activate();
    const uri = fileUri('k8s/checkout.yaml');
    const before = exposureTabs().length;
    const opened = waitForEvent(vscode.window.tabGroups.onDidChangeTabs, () => exposureTabs().some((t) => t.label.includes('checkout')), 'the exposure tab of checkout');
    await vscode.commands.executeCommand('serviceReach.showExposure', uri, { name: 'checkout', namespace: 'shop' });
    await opened;
    assert.equal(exposureTabs().length, before + 1);
    // the same Service again: revealed, not opened twice
    await vscode.commands.executeCommand('serviceReach.showExposure', uri, { name: 'checkout', namespace: 'shop' });
    assert.equal(exposureTabs().length, before + 1);
  });
});
