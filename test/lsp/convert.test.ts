/** The server's one conversion point: engine offsets ↔ LSP positions (UTF-16), findings → diagnostics, items. */
import * as assert from 'node:assert/strict';
import { Positions, toCompletionItem, toDiagnostic } from '../../server/src/lsp/convert';
import type { Finding } from '../../server/src/engine';

suite('LSP conversion', () => {
  test('offsets and positions in UTF-16 code units, CRLF and CR line ends, clamped', () => {
    const texts: Record<string, string> = { 'a.yaml': 'a😀b\r\nc\rd', 'b.yaml': '' };
    const pos = new Positions((p) => texts[p]);
    assert.deepEqual(pos.position('a.yaml', 3), { line: 0, character: 3 }); // after the surrogate pair
    assert.deepEqual(pos.position('a.yaml', 6), { line: 1, character: 0 });
    assert.deepEqual(pos.position('a.yaml', 8), { line: 2, character: 0 });
    assert.equal(pos.offset('a.yaml', { line: 1, character: 0 }), 6);
    assert.equal(pos.offset('a.yaml', { line: 0, character: 99 }), 4, 'clamped to the line, before its break');
    assert.equal(pos.offset('a.yaml', { line: 99, character: 0 }), 9);
    assert.equal(pos.offset('b.yaml', { line: 3, character: 3 }), 0);
    assert.deepEqual(pos.range('a.yaml', { start: 6, end: 7 }), { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } });
    texts['a.yaml'] = 'changed\ntext';
    assert.deepEqual(pos.position('a.yaml', 8), { line: 1, character: 0 }, 'a new text gets a new index');
  });

  test('a finding becomes a diagnostic: severity, code, docs link, source, related information, tags, data', () => {
    const texts: Record<string, string> = { 's.yaml': 'spec:\n  poarts: []\n', 'z.xml': '<zone/>' };
    const pos = new Positions((p) => texts[p]);
    const f: Finding = {
      code: 'unknown-field', severity: 'warning', message: 'Unknown field "poarts"', path: 's.yaml', span: { start: 8, end: 14 },
      related: [{ path: 'z.xml', span: { start: 0, end: 7 }, message: 'zone' }],
    };
    const d = toDiagnostic(f, pos, (p) => `file:///w/${p}`);
    assert.deepEqual(d.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 8 } });
    assert.equal(d.severity, 2);
    assert.equal(d.code, 'unknown-field');
    assert.match(d.codeDescription!.href, /#unknown-field$/);
    assert.equal(d.source, 'service-reach');
    assert.deepEqual(d.tags, [1]);
    assert.deepEqual(d.relatedInformation, [{ location: { uri: 'file:///w/z.xml', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } } }, message: 'zone' }]);
    assert.deepEqual(d.data, { path: 's.yaml', code: 'unknown-field', start: 8, end: 14 });
    assert.equal(toDiagnostic({ ...f, code: 'invalid-protocol', severity: 'error', related: [] }, pos, String).severity, 1);
    assert.equal(toDiagnostic({ ...f, code: 'target-port-not-declared', severity: 'info', related: [] }, pos, String).severity, 3);
  });

  test('completion items: a text edit over the replaced span; snippets as plain text for clients without them', () => {
    const pos = new Positions(() => 'spec:\n  ty\n');
    const item = { label: 'type', kind: 'field' as const, insertText: 'type: ${1|ClusterIP,NodePort|}', snippet: true, replace: { start: 8, end: 10 }, sortText: '0', documentation: '**type**' };
    const withSnippets = toCompletionItem(item, 's.yaml', pos, true);
    assert.equal(withSnippets.insertTextFormat, 2);
    assert.deepEqual(withSnippets.textEdit, { range: { start: { line: 1, character: 2 }, end: { line: 1, character: 4 } }, newText: 'type: ${1|ClusterIP,NodePort|}' });
    assert.deepEqual(withSnippets.documentation, { kind: 'markdown', value: '**type**' });
    const plain = toCompletionItem(item, 's.yaml', pos, false);
    assert.equal(plain.insertTextFormat, 1);
    assert.equal((plain.textEdit as { newText: string }).newText, 'type: ClusterIP');
    // the chain beside the label, for clients that show labelDetails
    const lb = { ...item, label: 'LoadBalancer', snippet: false, insertText: 'LoadBalancer', labelDescription: '→ nodes → ClusterIP → pods' };
    assert.deepEqual(toCompletionItem(lb, 's.yaml', pos, true, true).labelDetails, { description: '→ nodes → ClusterIP → pods' });
    assert.equal(toCompletionItem(lb, 's.yaml', pos, true, false).labelDetails, undefined);
  });
});
