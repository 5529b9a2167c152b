/**
 * Symbolic links that lead out of the workspace, as the language server meets them (over stdio): never read,
 * and where the config names them — or a file under a linked folder — a `config-path-outside-workspace` error on
 * that config line, in the same words as the CLI (test/robustness/cli-files.test.ts); `..` and absolute config
 * paths get the same error from the engine. A link that stays inside is followed. Links made and removed while
 * the server runs (file events) are followed too.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, uriOf, writeFile, type Diagnostic } from './support/lsp-client';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n';
const ZONE_OPEN = '<zone>\n  <port port="30080" protocol="tcp"/>\n</zone>\n';
/** what lies outside: broken XML, so that a read of it would show as an xml-syntax diagnostic */
const OUTSIDE = '<zone><port port="30080" protocol="tcp"\n';

function trySymlink(target: string, at: string): boolean {
  try {
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(target, at);
    return true;
  } catch {
    return false;
  }
}

const byLine = (d: Diagnostic[], code: string) => d.filter((x) => x.code === code).map((x) => x.range.start.line).sort((a, b) => a - b);

suite('Language server: symbolic links that lead out of the workspace', function () {
  this.timeout(30000);
  let base: string;
  let ws: string;
  let client: LspClient | undefined;

  setup(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'service-reach-links-')));
    ws = path.join(base, 'ws');
    writeFile(base, 'outside/public.xml', OUTSIDE);
    writeFile(base, 'outside/dir/z.xml', OUTSIDE);
    writeFile(ws, 'svc.yaml', SERVICE);
    writeFile(ws, 'inside/zone.xml', ZONE_OPEN);
  });

  teardown(async () => {
    await client?.stop();
    client = undefined;
    fs.rmSync(base, { recursive: true, force: true });
  });

  test('a config naming links to a file and a folder outside, "..", an absolute path: refused on their lines; nothing behind them read; a link inside followed', async function () {
    if (!trySymlink(path.join(base, 'outside/public.xml'), path.join(ws, 'zones/public.xml'))
      || !trySymlink(path.join(base, 'outside/dir'), path.join(ws, 'linked'))
      || !trySymlink(path.join(ws, 'inside/zone.xml'), path.join(ws, 'zones/alias.xml'))) { console.log('      (skipped: symbolic links cannot be made here)'); this.skip(); }
    writeFile(ws, '.service-reach.yaml', [
      'nodes:',
      '  firewalld:',
      '    zones:',
      '    - zones/public.xml', // line 3 (0-based)
      '    - linked/z.xml',
      '    - ../outside/public.xml',
      `    - ${path.join(base, 'outside/public.xml')}`,
      '    - zones/alias.xml', // line 7: inside, read
      '',
    ].join('\n'));
    client = LspClient.start(ws);
    await client.initialize(ws);
    const configUri = uriOf(ws, '.service-reach.yaml');
    const d = await client.waitForDiagnostics(configUri, (x) => byLine(x, 'config-path-outside-workspace').length === 4, 'four config-path-outside-workspace errors');
    assert.deepEqual(byLine(d, 'config-path-outside-workspace'), [3, 4, 5, 6]);
    const outside = d.filter((x) => x.code === 'config-path-outside-workspace').sort((a, b) => a.range.start.line - b.range.start.line);
    assert.match(outside[0].message, /"zones\/public\.xml" leads out of the workspace \(a symbolic link to .*outside\/public\.xml\) and is ignored/);
    assert.match(outside[1].message, /"linked\/z\.xml" leads out of the workspace \(a symbolic link to .*outside\/dir\)/);
    assert.equal(outside[0].severity, 1);
    assert.deepEqual(byLine(d, 'config-path-not-found'), [], JSON.stringify(d));
    // the link inside is read and used: the Service's node port is open there
    await client.waitFor('indexing', () => (client!.logs.some((l) => l.startsWith('indexed')) ? true : undefined));
    assert.ok(!(client.diagnostics.get(uriOf(ws, 'svc.yaml')) ?? []).some((x) => x.code === 'firewalld-port-closed'));
    // nothing behind the links was read (it would be broken XML there)
    for (const [uri, list] of client.diagnostics) {
      if (uri.includes('/outside/') || uri.endsWith('/zones/public.xml') || uri.includes('/linked/')) assert.deepEqual(list, [], uri);
    }
    assert.ok(client.logs.some((l) => /skipped zones\/public\.xml: is a link to .*outside\/public\.xml, outside the workspace/.test(l)), client.logs.join('\n'));
    assert.ok(client.logs.some((l) => /skipped linked: is a link to .*outside\/dir, outside the workspace/.test(l)), client.logs.join('\n'));
  });

  test('links removed and made again while the server runs: the config lines follow', async function () {
    if (!trySymlink(path.join(base, 'outside/public.xml'), path.join(ws, 'zones/public.xml'))
      || !trySymlink(path.join(base, 'outside/dir'), path.join(ws, 'linked'))) { console.log('      (skipped: symbolic links cannot be made here)'); this.skip(); }
    writeFile(ws, '.service-reach.yaml', 'nodes:\n  firewalld:\n    zones: [zones/public.xml, linked/z.xml]\n');
    client = LspClient.start(ws);
    await client.initialize(ws);
    const configUri = uriOf(ws, '.service-reach.yaml');
    const codesOf = (x: Diagnostic[]) => x.map((y) => y.code).sort().join();
    await client.waitForDiagnostics(configUri, (x) => codesOf(x) === 'config-path-outside-workspace,config-path-outside-workspace', 'both refused');

    // the file link goes: that entry does not exist any more
    fs.rmSync(path.join(ws, 'zones/public.xml'));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(ws, 'zones/public.xml'), type: 3 }] });
    let d = await client.waitForDiagnostics(configUri, (x) => codesOf(x) === 'config-path-not-found,config-path-outside-workspace', 'the removed link: config-path-not-found');
    assert.match(d.find((x) => x.code === 'config-path-not-found')!.message, /"zones\/public\.xml" does not exist in the workspace/);

    // the folder link goes, then comes back (a created folder link is not followed, but refused again)
    fs.rmSync(path.join(ws, 'linked'));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(ws, 'linked'), type: 3 }] });
    await client.waitForDiagnostics(configUri, (x) => codesOf(x) === 'config-path-not-found,config-path-not-found', 'both entries missing');
    assert.ok(trySymlink(path.join(base, 'outside/dir'), path.join(ws, 'linked')));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(ws, 'linked'), type: 1 }] });
    d = await client.waitForDiagnostics(configUri, (x) => codesOf(x) === 'config-path-not-found,config-path-outside-workspace', 'the folder link refused again');
    assert.match(d.find((x) => x.code === 'config-path-outside-workspace')!.message, /"linked\/z\.xml" leads out of the workspace \(a symbolic link to .*outside\/dir\)/);

    // the file link made again, pointing inside this time: read and used
    writeFile(ws, 'inside/zone.xml', ZONE_OPEN);
    assert.ok(trySymlink(path.join(ws, 'inside/zone.xml'), path.join(ws, 'zones/public.xml')));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(ws, 'zones/public.xml'), type: 1 }, { uri: uriOf(ws, 'inside/zone.xml'), type: 1 }] });
    await client.waitForDiagnostics(configUri, (x) => codesOf(x) === 'config-path-outside-workspace', 'only the folder link refused');
    assert.equal(client.hasExited, false);
  });
});
