/** The server's file reading under the policy it shares with the CLI (engine/util/load-policy.ts). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readUnderPolicy, walkCandidates } from '../../server/src/lsp/files';
import { inSkippedDirectory, relativeStaysInside, tooLarge, looksBinary } from '../../server/src/engine/util/load-policy';

suite('File-loading policy (shared with the CLI)', () => {
  let root: string;
  let outside: string;

  suiteSetup(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sr-files-')));
    outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sr-outside-')));
    const w = (rel: string, data: string | Buffer) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), data);
    };
    w('a.yaml', 'kind: Service\n');
    w('zones/public.xml', '<zone/>');
    w('notes.txt', 'not read');
    w('node_modules/p/x.yaml', 'skipped');
    w('.git/x.yaml', 'skipped');
    w('big.yaml', 'x'.repeat(2000));
    w('bin.yaml', Buffer.from([0x61, 0x00, 0x62]));
    fs.writeFileSync(path.join(outside, 'secret.yaml'), 'outside');
    fs.mkdirSync(path.join(outside, 'dir'));
    fs.writeFileSync(path.join(outside, 'dir/in-linked-dir.yaml'), 'outside');
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(root, 'link.yaml'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'linked-dir'));
    fs.symlinkSync(path.join(root, 'a.yaml'), path.join(root, 'inner-link.yaml'));
  });

  suiteTeardown(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('the walk skips node_modules, .git, linked folders and files the engine does not read', async () => {
    const seen: string[] = [];
    for await (const rel of walkCandidates(root, root)) seen.push(rel);
    assert.deepEqual(seen.sort(), ['a.yaml', 'big.yaml', 'bin.yaml', 'inner-link.yaml', 'link.yaml', 'zones/public.xml']);
  });

  test('reading: text, too large, binary, links out of the workspace, missing, folders', async () => {
    const read = (rel: string) => readUnderPolicy(root, path.join(root, rel), 1000);
    assert.deepEqual(await read('a.yaml'), { kind: 'text', text: 'kind: Service\n' });
    assert.deepEqual(await read('inner-link.yaml'), { kind: 'text', text: 'kind: Service\n' });
    assert.equal((await read('big.yaml')).kind === 'skipped' && (await read('big.yaml') as { reason: string }).reason, 'too-large');
    assert.equal((await read('bin.yaml') as { reason?: string }).reason, 'binary');
    assert.equal((await read('link.yaml') as { reason?: string }).reason, 'outside');
    assert.deepEqual(await read('gone.yaml'), { kind: 'missing' });
    assert.deepEqual(await read('zones'), { kind: 'directory' });
  });

  test('pure helpers', () => {
    assert.equal(relativeStaysInside('a/b'), true);
    assert.equal(relativeStaysInside(''), true);
    assert.equal(relativeStaysInside('../x'), false);
    assert.equal(relativeStaysInside('..'), false);
    assert.equal(relativeStaysInside('..foo/x'), true);
    assert.equal(relativeStaysInside('/etc/passwd'), false);
    assert.equal(inSkippedDirectory('a/node_modules/b.yaml'), true);
    assert.equal(inSkippedDirectory('node_modules.yaml'), false);
    assert.equal(tooLarge(10, 10), undefined);
    assert.match(tooLarge(11, 10)!, /11 bytes is over the limit of 10/);
    assert.equal(looksBinary(Buffer.from('abc')), false);
    assert.equal(looksBinary(Buffer.from([1, 0])), true);
  });
});
