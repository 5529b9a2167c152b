/**
 * What the CLI reads and refuses (server/src/cli/load.ts), on real files in a temporary folder: the size limit,
 * binary files, FIFOs and devices, and configured paths that leave the workspace (`..`, absolute, symbolic links
 * to a file or a folder outside).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../server/src/cli/main';
import { DEFAULT_MAX_FILE_SIZE, loadFiles } from '../../server/src/cli/load';

interface JsonFinding { file: string; line: number; column: number; code: string; message: string }

async function check(args: string[], cwd: string): Promise<{ code: number; findings: JsonFinding[]; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['check', '--format', 'json', ...args], { cwd, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, findings: (JSON.parse(out) as { findings: JsonFinding[] }).findings, err };
}

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30080\n';

function tempDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sr-robust-')));
}

function write(root: string, rel: string, text: string | Buffer): string {
  const abs = path.join(root, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text);
  return abs;
}

function trySymlink(target: string, at: string): boolean {
  try {
    fs.symlinkSync(target, at);
    return true;
  } catch {
    return false;
  }
}

suite('robustness: files the CLI reads and refuses', function () {
  this.timeout(30_000);
  let root: string;
  setup(() => { root = tempDir(); });
  teardown(() => fs.rmSync(root, { recursive: true, force: true }));

  test('a file over --max-file-size is skipped with a file-too-large warning at its start; the rest is analysed', async () => {
    write(root, 'ws/svc.yaml', SERVICE.replace('30080', '80'));
    write(root, 'ws/big.yaml', SERVICE + '#'.repeat(5000));
    const r = await check(['ws', '--max-file-size', '4000'], root);
    const big = r.findings.find((f) => f.code === 'file-too-large');
    assert.ok(big, JSON.stringify(r.findings));
    assert.equal(big.file, 'ws/big.yaml');
    assert.deepEqual([big.line, big.column], [1, 1]);
    assert.match(big.message, /over the limit of 4000/);
    assert.ok(r.findings.some((f) => f.file === 'ws/svc.yaml' && f.code === 'nodeport-out-of-range'));
    assert.equal(r.code, 1); // the error in svc.yaml; the skipped file is only a warning
  });

  test(`the default limit is ${DEFAULT_MAX_FILE_SIZE} bytes`, async () => {
    write(root, 'ws/at-limit.yaml', '#'.repeat(DEFAULT_MAX_FILE_SIZE));
    write(root, 'ws/over-limit.yaml', '#'.repeat(DEFAULT_MAX_FILE_SIZE + 1));
    const r = await check(['ws'], root);
    assert.deepEqual(r.findings.map((f) => `${f.file} ${f.code}`), ['ws/over-limit.yaml file-too-large']);
    assert.equal(r.code, 0);
  });

  test('a binary file (NUL bytes) is ignored without a word', async () => {
    write(root, 'ws/svc.yaml', SERVICE);
    write(root, 'ws/image.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]));
    const r = await check(['ws'], root);
    assert.deepEqual(r.findings, []);
    assert.equal(r.err, '');
    const loaded = loadFiles([path.join(root, 'ws')]);
    assert.deepEqual(loaded.files.map((f) => f.path), ['svc.yaml']);
    assert.deepEqual(loaded.skipped.map((s) => `${s.path} ${s.reason}`), ['image.yaml binary']);
  });

  test('a FIFO or a device is never read (it would block or never end)', async function () {
    const fifo = path.join(root, 'ws/pipe.yaml');
    fs.mkdirSync(path.dirname(fifo), { recursive: true });
    if (spawnSync('mkfifo', [fifo]).status !== 0) { console.log('      (skipped: mkfifo (coreutils) cannot make a FIFO here)'); this.skip(); }
    write(root, 'ws/svc.yaml', SERVICE);
    // walked: ignored; named: refused
    assert.deepEqual(loadFiles([path.join(root, 'ws')]).files.map((f) => f.path), ['svc.yaml']);
    const named = loadFiles([fifo, path.join(root, 'ws/svc.yaml')]);
    assert.deepEqual(named.skipped.map((s) => `${s.path} ${s.reason} ${s.detail}`), ['pipe.yaml unreadable not a regular file']);
    if (fs.existsSync('/dev/zero')) {
      write(root, 'ws/.service-reach.yaml', 'provider: oci\n');
      const r = loadFiles([path.join(root, 'ws')], { configAbs: '/dev/zero' });
      assert.ok(r.skipped.some((s) => s.detail === 'not a regular file'));
    }
  });

  test('configured paths that leave the workspace: "..", absolute, and links to a file or folder outside', async function () {
    write(root, 'outside/public.xml', '<zone><port port="30080" protocol="tcp"/></zone>\n');
    write(root, 'outside/dir/z.xml', '<zone><port port="30080" protocol="tcp"/></zone>\n');
    write(root, 'ws/svc.yaml', SERVICE);
    write(root, 'ws/inside/zone.xml', '<zone><port port="30080" protocol="tcp"/></zone>\n');
    fs.mkdirSync(path.join(root, 'ws/zones'), { recursive: true });
    if (!trySymlink(path.join(root, 'outside/public.xml'), path.join(root, 'ws/zones/public.xml'))
      || !trySymlink(path.join(root, 'outside/dir'), path.join(root, 'ws/linked'))
      || !trySymlink(path.join(root, 'ws/inside/zone.xml'), path.join(root, 'ws/zones/alias.xml'))) { console.log('      (skipped: symbolic links cannot be made here)'); this.skip(); }
    write(root, 'ws/.service-reach.yaml', [
      'nodes:',
      '  firewalld:',
      '    zones:',
      '    - zones/public.xml',
      '    - linked/z.xml',
      '    - ../outside/public.xml',
      `    - ${path.join(root, 'outside/public.xml')}`,
      '    - zones/alias.xml',
      '',
    ].join('\n'));
    const r = await check(['ws'], root);
    const outside = r.findings.filter((f) => f.code === 'config-path-outside-workspace');
    assert.deepEqual(outside.map((f) => `${f.file}:${f.line}`), [
      'ws/.service-reach.yaml:4', 'ws/.service-reach.yaml:5', 'ws/.service-reach.yaml:6', 'ws/.service-reach.yaml:7',
    ]);
    assert.match(outside[0].message, /symbolic link to .*outside\/public\.xml/);
    assert.match(outside[1].message, /symbolic link to .*outside\/dir/);
    // nothing behind the links was read; the link that stays inside is read and used
    assert.match(r.err, /skipped zones\/public\.xml: is a link to .*outside/);
    assert.match(r.err, /skipped linked: is a link to .*outside/);
    assert.ok(!r.findings.some((f) => f.file.includes('outside')));
    assert.ok(!r.findings.some((f) => f.code === 'config-path-not-found'), JSON.stringify(r.findings));
    assert.equal(r.code, 1);
  });
});
