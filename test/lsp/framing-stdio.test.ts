/**
 * Bad framing on the language server's stdin: a negative, non-numeric or huge Content-Length, a header block
 * without one, a length that points past a truncated body, garbage between messages, a body that is not JSON.
 * After each, a valid request must be answered (waited for by event, with a deadline) and the server must have
 * said in its log what it dropped. vscode-jsonrpc's own reader stops answering for good after any of them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspClient, scratchWorkspace, uriOf } from './support/lsp-client';
import { WEB, ZONE } from './support/fixtures';

const request = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///nowhere/x.yaml' }, position: { line: 0, character: 0 } } });

/** [what, the bytes sent] */
const ATTACKS: [string, Buffer][] = [
  ['a negative Content-Length', Buffer.from(`Content-Length: -5\r\n\r\n${request(9001)}`)],
  ['a non-numeric Content-Length', Buffer.from(`Content-Length: abc\r\n\r\n${request(9002)}`)],
  ['a huge Content-Length (over the 64 MiB limit)', Buffer.from(`Content-Length: 99999999999\r\n\r\n${request(9003)}`)],
  ['a header block without Content-Length', Buffer.from(`Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${request(9004)}`)],
  ['a length that points past a truncated body', Buffer.from(`Content-Length: 50000000\r\n\r\n${request(9005).slice(0, 40)}`)],
  ['binary garbage between messages', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
  ['a body that is not JSON', Buffer.from('Content-Length: 12\r\n\r\nnot a json!!')],
];

/** A didOpen framed with bare LFs: lenient, it is read (its diagnostics show it). */
function lfFramedOpen(uri: string): Buffer {
  const body = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'yaml', version: 1, text: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: lf\nspec:\n  type: Bogus\n  ports: [{port: 80}]\n' } } });
  return Buffer.from(`Content-Type: application/vscode-jsonrpc; charset=utf-8\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`);
}

suite('Language server over stdio: bad framing is dropped up to the next header, and the server goes on serving', function () {
  this.timeout(60000);
  let root: string;
  let client: LspClient;
  const line = WEB.split('\n').findIndex((l) => l.includes('nodePort: 30080'));

  suiteSetup(async () => {
    root = scratchWorkspace({ 'web.yaml': WEB, 'infra/firewalld/zones/public.xml': ZONE });
    client = LspClient.start(root);
    await client.initialize(root);
    await client.waitForDiagnostics(uriOf(root, 'web.yaml'), (d) => d.length > 0, 'the first diagnostics');
  });

  suiteTeardown(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  for (const [what, bytes] of ATTACKS) {
    test(`${what}, then a request: it is answered`, async () => {
      const logged = client.logs.length;
      await client.writeRaw(bytes);
      const hover = await client.requestWithin<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf(root, 'web.yaml') }, position: { line, character: 18 } });
      assert.match(hover?.contents.value ?? '', /nodes :30080\/TCP ⚠/);
      await client.waitFor('a log line about the dropped input', () => (client.logs.slice(logged).some((l) => l.includes('input dropped')) ? true : undefined));
      assert.equal(client.hasExited, false);
    });
  }

  test('header lines ended by a bare LF (not CRLF) are read', async () => {
    const uri = uriOf(root, 'lf.yaml');
    await client.writeRaw(lfFramedOpen(uri));
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'invalid-service-type'), 'lf.yaml: invalid-service-type');
  });

  test('what the server would print to the console goes to the log, not into the protocol on stdout', async () => {
    const main = path.resolve(__dirname, '../../server/src/lsp/main.js');
    const script = `require(${JSON.stringify(main)}).start(); console.log('stray output'); console.dir({ stray: 1 }); console.error('stray error');`;
    // (with -e there is no script in argv: `server` stands in for it, so that --stdio is where the server looks)
    const other = LspClient.startNode(root, ['-e', script, 'server', '--stdio']);
    try {
      await other.initialize(root);
      await other.waitForDiagnostics(uriOf(root, 'web.yaml'), (d) => d.length > 0, 'the first diagnostics');
      await other.waitFor('the stray output in the log', () => (['stray output', '{ stray: 1 }'].every((t) => other.logs.includes(t)) ? true : undefined));
      const hover = await other.requestWithin<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf(root, 'web.yaml') }, position: { line, character: 18 } });
      assert.match(hover?.contents.value ?? '', /nodes :30080\/TCP/);
    } finally {
      await other.stop();
    }
  });

  test('the input closed without shutdown: the server exits (no server left behind)', async () => {
    const other = LspClient.start(root);
    await other.initialize(root);
    other.child.stdin.end();
    await other.waitFor('the server to exit', () => (other.hasExited ? true : undefined));
    other.conn.dispose();
  });
});
