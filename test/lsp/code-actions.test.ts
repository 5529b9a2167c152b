/**
 * The code actions' "fix all in this file" (in-process, no server): the engine's fix loop, every pass, worked out
 * once per state of the files — the client asks again at every cursor move, and each run of the loop edits,
 * analyses and puts the workspace back.
 */
import * as assert from 'node:assert/strict';
import type { CodeAction } from 'vscode-languageserver';
import { LineIndex, Workspace } from '../../server/src/engine';
import { codeActions } from '../../server/src/lsp/code-actions';
import { Positions } from '../../server/src/lsp/convert';
import { ready } from '../support/workspace';

const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - name: http\n      port: 80\n';
const ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';

function fixAll(ws: Workspace, extra: { annotations?: boolean; versionOf?: (uri: string) => number | undefined } = {}): CodeAction | undefined {
  const actions = codeActions(ws, 'svc.yaml', [], new Positions((p) => ws.getText(p)), (p) => `file:///w/${p}`, { commands: false, only: ['source.fixAll'], ...extra });
  return actions.find((a) => a.kind?.startsWith('source.fixAll'));
}

function applied(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const index = new LineIndex(text);
  let out = text;
  for (const e of [...edits].sort((a, b) => index.offsetAt(b.range.start) - index.offsetAt(a.range.start))) {
    out = out.slice(0, index.offsetAt(e.range.start)) + e.newText + out.slice(index.offsetAt(e.range.end));
  }
  return out;
}

suite('Language server: fix all in this file (code actions, in-process)', () => {
  suiteSetup(ready);

  test('asked for by its own kind, by source.fixAll or by source; never for another source kind', () => {
    const ws = new Workspace();
    ws.setFile('svc.yaml', SVC);
    ws.setFile('public.xml', ZONE);
    const kinds = (only: string[]) => codeActions(ws, 'svc.yaml', [], new Positions((p) => ws.getText(p)), (p) => `file:///w/${p}`, { commands: false, only }).map((a) => a.kind);
    for (const only of [['source.fixAll.serviceReach'], ['source.fixAll'], ['source']]) assert.deepEqual(kinds(only), ['source.fixAll.serviceReach'], only[0]);
    assert.deepEqual(kinds(['source.organizeImports']), []);
    assert.deepEqual(kinds(['source.fixAll.other']), []);
  });

  test('every pass of the fix loop, in one WorkspaceEdit; worked out again only when a file changed', () => {
    const ws = new Workspace();
    ws.setFile('svc.yaml', SVC);
    ws.setFile('public.xml', ZONE);
    const first = fixAll(ws)!;
    const changes = first.edit!.changes!;
    assert.equal(applied(SVC, changes['file:///w/svc.yaml']), SVC + '      nodePort: 30000\n');
    assert.equal(applied(ZONE, changes['file:///w/public.xml']), ZONE.replace('</zone>', '  <port port="30000" protocol="tcp"/>\n</zone>'));
    assert.equal(ws.getText('svc.yaml'), SVC, 'the workspace is put back');

    ws.analyze();
    const analyses = ws.stats.analyses;
    assert.deepEqual(fixAll(ws), first);
    assert.equal(ws.stats.analyses, analyses, 'the same files: the loop does not run again');

    ws.setFile('public.xml', ZONE.replace('</zone>', '  <port port="30000-32767" protocol="tcp"/>\n</zone>'));
    assert.equal(fixAll(ws), undefined, 'the range is open now: nothing to fix');
  });

  test('a client with change annotations: the edits to other files need confirmation, and the label names them', () => {
    const ws = new Workspace();
    ws.setFile('svc.yaml', SVC);
    ws.setFile('public.xml', ZONE);
    const plain = fixAll(ws)!;
    assert.equal(plain.title, 'Fix all 1 auto-fixable problem in svc.yaml (also edits public.xml)');
    assert.ok(plain.edit!.changes && !plain.edit!.documentChanges, 'without the capability: plain changes');

    const a = fixAll(ws, { annotations: true, versionOf: (uri) => (uri.endsWith('svc.yaml') ? 7 : undefined) })!;
    const edit = a.edit!;
    assert.equal(edit.changes, undefined);
    const docs = edit.documentChanges as { textDocument: { uri: string; version: number | null }; edits: { annotationId?: string; newText: string }[] }[];
    const byUri = new Map(docs.map((d) => [d.textDocument.uri, d]));
    assert.deepEqual([...byUri.keys()].sort(), ['file:///w/public.xml', 'file:///w/svc.yaml']);
    const home = byUri.get('file:///w/svc.yaml')!;
    const other = byUri.get('file:///w/public.xml')!;
    assert.equal(home.textDocument.version, 7, 'an open document: the version the edit was made for');
    assert.equal(other.textDocument.version, null);
    assert.ok(home.edits.every((e) => e.annotationId === undefined), 'the file the user is in: no confirmation');
    assert.ok(other.edits.length > 0 && other.edits.every((e) => e.annotationId === 'serviceReach.otherFiles'));
    assert.deepEqual(edit.changeAnnotations, { 'serviceReach.otherFiles': { label: 'Service Reach: edit public.xml', needsConfirmation: true, description: 'public.xml' } });
  });
});
