import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli';
import { writeAtomically, writeTarget, MAX_PASSES } from '../../server/src/cli/fix';
import { CONFORMANCE_DIR } from '../conformance/cases';

const run = runCli;

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sr-fix-'));
}

/** A scratch copy of a conformance case (test/conformance/<family>/<case>). */
function copyCase(name: string): string {
  const dir = scratch();
  fs.cpSync(path.join(CONFORMANCE_DIR, name), dir, { recursive: true });
  for (const f of walk(dir)) fs.chmodSync(f, 0o644);
  return dir;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n';
const ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';

suite('CLI: service-reach check --fix', () => {
  const dirs: string[] = [];
  const mk = (d: string) => { dirs.push(d); return d; };
  teardown(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });

  test('fixes, writes, then reports what is left in the normal format (json); running again finds nothing to fix', async () => {
    const dir = mk(copyCase('reachability/unpinned'));
    const zone = path.join(dir, 'etc/firewalld/zones/internal.xml');
    fs.chmodSync(zone, 0o640);
    const files = walk(dir).sort();
    const r = await run(['check', '--fix', '--format', 'json', '.'], dir);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.findings, []);
    assert.match(r.err, /--fix cleared 1 finding in 1 pass; wrote etc\/firewalld\/zones\/internal\.xml, office\.yaml/);
    assert.match(fs.readFileSync(path.join(dir, 'office.yaml'), 'utf8'), /\n      protocol: UDP\n      nodePort: 30000\n$/);
    assert.match(fs.readFileSync(zone, 'utf8'), /\n  <port port="30000" protocol="udp"\/>\n<\/zone>\n$/);
    assert.equal(fs.statSync(zone).mode & 0o777, 0o640, 'the file mode is kept');
    assert.deepEqual(walk(dir).sort(), files, 'no temporary file is left behind');

    const again = await run(['check', '--fix', '.'], dir);
    assert.equal(again.code, 0);
    assert.match(again.err, /found nothing it could fix/);
  });

  test('what cannot be fixed is reported, with the exit code it deserves', async () => {
    const dir = mk(copyCase('api/ports'));
    const r = await run(['check', '--fix', '--format', 'json', '.'], dir);
    assert.equal(r.code, 1);
    const codes = JSON.parse(r.out).findings.map((f: { code: string }) => f.code).sort();
    assert.deepEqual(codes, ['duplicate-port', 'duplicate-port', 'invalid-port-name', 'invalid-port-name', 'invalid-target-port']);
    const text = fs.readFileSync(path.join(dir, 'radio.yaml'), 'utf8');
    assert.match(text, /    - name: port-8443\n      port: 8443 # expect: port-name-required\n      targetPort: icecast-secure\n/);
    assert.match(text, /\n      protocol: TCP # expect: invalid-protocol\n      targetPort: icecast-relay-v2 # expect: invalid-target-port\n/);
  });

  test('text format after --fix; a file given by name', async () => {
    const dir = mk(scratch());
    fs.mkdirSync(path.join(dir, 'zones'));
    fs.writeFileSync(path.join(dir, 'web.yaml'), SVC);
    fs.writeFileSync(path.join(dir, 'zones', 'public.xml'), ZONE);
    const r = await run(['check', '--fix', 'web.yaml', 'zones/public.xml'], dir);
    assert.equal(r.code, 0);
    assert.match(r.out, /^0 errors, 0 warnings, 0 notes in 1 Service \(2 files read, \d+ rules? read, 0 not evaluated\)\n$/);
    assert.equal(fs.readFileSync(path.join(dir, 'zones', 'public.xml'), 'utf8'), ZONE.replace('</zone>', '  <port port="30080" protocol="tcp"/>\n</zone>'));
  });

  test('a link inside the workspace is written through and stays a link', async () => {
    const dir = mk(scratch());
    fs.mkdirSync(path.join(dir, 'shared'));
    fs.writeFileSync(path.join(dir, 'web.yaml'), SVC);
    fs.writeFileSync(path.join(dir, 'shared', 'zone.txt'), ZONE);
    fs.mkdirSync(path.join(dir, 'zones'));
    fs.symlinkSync(path.join('..', 'shared', 'zone.txt'), path.join(dir, 'zones', 'public.xml'));
    const r = await run(['check', '--fix', '.'], dir);
    assert.equal(r.code, 0, r.err + r.out);
    assert.ok(fs.lstatSync(path.join(dir, 'zones', 'public.xml')).isSymbolicLink());
    assert.match(fs.readFileSync(path.join(dir, 'shared', 'zone.txt'), 'utf8'), /<port port="30080" protocol="tcp"\/>/);
  });

  test('never writes outside the workspace: no ../ path, no link that leads out', () => {
    const outside = mk(scratch());
    const dir = mk(scratch());
    fs.writeFileSync(path.join(outside, 'public.xml'), ZONE);
    fs.symlinkSync(path.join(outside, 'public.xml'), path.join(dir, 'public.xml'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.symlinkSync(outside, path.join(dir, 'sub', 'out'));
    assert.match(writeTarget(dir, 'public.xml').reason ?? '', /outside the workspace/);
    assert.match(writeTarget(dir, 'sub/out/public.xml').reason ?? '', /outside the workspace/);
    assert.match(writeTarget(dir, '../x.yaml').reason ?? '', /not inside the workspace/);
    assert.match(writeTarget(dir, '/etc/passwd').reason ?? '', /not inside the workspace/);
    assert.equal(writeTarget(dir, 'nope.yaml').target, undefined);
  });

  test('a zone linked from outside is not read, so never written', async () => {
    const outside = mk(scratch());
    const dir = mk(scratch());
    fs.writeFileSync(path.join(outside, 'public.xml'), ZONE);
    fs.writeFileSync(path.join(dir, 'web.yaml'), SVC);
    fs.mkdirSync(path.join(dir, 'zones'));
    fs.symlinkSync(path.join(outside, 'public.xml'), path.join(dir, 'zones', 'public.xml'));
    const r = await run(['check', '--fix', '.'], dir);
    assert.match(r.err, /skipped zones\/public\.xml: is a link to .*outside the workspace/);
    assert.equal(fs.readFileSync(path.join(outside, 'public.xml'), 'utf8'), ZONE, 'the file outside is untouched');
    assert.ok(fs.lstatSync(path.join(dir, 'zones', 'public.xml')).isSymbolicLink());
  });

  test('a file changed on disk since it was read, or not valid UTF-8, is left alone', () => {
    const dir = mk(scratch());
    const f = path.join(dir, 'a.yaml');
    fs.writeFileSync(f, 'changed: yes\n');
    assert.throws(() => writeAtomically(f, 'original: yes\n', 'fixed: yes\n'), /changed on disk/);
    assert.equal(fs.readFileSync(f, 'utf8'), 'changed: yes\n');
    const latin1 = Buffer.from('<zone><!-- caf\xe9 --></zone>\n', 'latin1');
    fs.writeFileSync(f, latin1);
    assert.throws(() => writeAtomically(f, latin1.toString('utf8'), 'x'), /not valid UTF-8/);
    assert.ok(fs.readFileSync(f).equals(latin1), 'not a byte lost');
  });

  test('the CLI refuses to rewrite a file that is not valid UTF-8, and says so', async () => {
    const dir = mk(scratch());
    fs.writeFileSync(path.join(dir, 'web.yaml'), SVC);
    const zone = Buffer.from('<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <!-- caf\xe9 -->\n</zone>\n', 'latin1');
    fs.writeFileSync(path.join(dir, 'public.xml'), zone);
    const r = await run(['check', '--fix', '--format', 'json', '.'], dir);
    assert.match(r.err, /did not write public\.xml: .*not valid UTF-8/);
    assert.ok(fs.readFileSync(path.join(dir, 'public.xml')).equals(zone));
    assert.deepEqual(JSON.parse(r.out).findings.map((x: { code: string }) => x.code), ['firewalld-port-closed'], 'the report says what is on disk');
  });

  test('a write that fails half-way loses nothing and leaves no temporary file', () => {
    const dir = mk(scratch());
    const f = path.join(dir, 'a.yaml');
    fs.writeFileSync(f, 'a: 1\n');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs = require('node:fs') as typeof fs;
    const rename = nodeFs.renameSync;
    nodeFs.renameSync = () => { throw new Error('disk full'); };
    try {
      assert.throws(() => writeAtomically(f, 'a: 1\n', 'a: 2\n'), /disk full/);
    } finally {
      nodeFs.renameSync = rename;
    }
    assert.equal(fs.readFileSync(f, 'utf8'), 'a: 1\n');
    assert.deepEqual(fs.readdirSync(dir), ['a.yaml']);
    writeAtomically(f, 'a: 1\n', 'a: 2\n');
    assert.equal(fs.readFileSync(f, 'utf8'), 'a: 2\n');
  });

  test('the pass limit is ten', () => {
    assert.equal(MAX_PASSES, 10);
  });
});
