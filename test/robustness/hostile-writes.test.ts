/**
 * `check --fix` against a workspace that changes under it: a folder swapped for a link that leads out while the
 * fix writes, the file edited and saved meanwhile (a second process, 200 rounds), a read-only file, a file of
 * another user, hard links, a file replaced by an identical copy; and a fix into YAML that an anchor shares.
 */
import * as assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir, writeFile } from '../support/cli';
import { readIdentified, SkipError, writeAtomically } from '../../server/src/cli/safe-write';
import { fixesFor } from '../../server/src/engine/fixes';
import { ready, workspace } from '../support/workspace';

const WEB = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n';
const ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';
const FIXED = /<port port="30080" protocol="tcp"\/>/;

const run = runCli;

const newDir = (): string => tempDir('sr-hostile-writes-');

const write = writeFile;

/** Every file under `dir` (links not followed), relative. */
function walk(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d) => {
    const r = path.join(rel, d.name);
    return d.isDirectory() ? walk(dir, r) : [r];
  });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

suite('robustness: check --fix in a workspace that changes under it', function () {
  this.timeout(60_000);
  suiteSetup(ready);
  let root: string;
  setup(() => { root = newDir(); });
  teardown(() => fs.rmSync(root, { recursive: true, force: true }));

  test('a read-only file (0444) is skipped and said so; it keeps its text and mode; the exit code is that of the findings left', async () => {
    write(root, 'web.yaml', WEB);
    const zone = write(root, 'zones/public.xml', ZONE);
    fs.chmodSync(zone, 0o444);
    const before = await run(['check', '.'], root);
    const r = await run(['check', '--fix', '.'], root);
    assert.match(r.err, /did not write zones\/public\.xml: is read-only \(mode 0444\)/);
    assert.equal(fs.readFileSync(zone, 'utf8'), ZONE);
    assert.equal(fs.statSync(zone).mode & 0o7777, 0o444);
    assert.equal(r.out, before.out, 'the report describes the file as it is on disk');
    assert.equal(r.code, before.code);
    assert.deepEqual(walk(root).sort(), ['web.yaml', 'zones/public.xml'], 'no temporary file left');
  });

  test('a file of another user is skipped, never replaced nor re-owned', async function () {
    if (!isRoot) this.skip(); // only root can give a file away
    write(root, 'web.yaml', WEB);
    const zone = write(root, 'zones/public.xml', ZONE);
    fs.chownSync(zone, 65534, 65534);
    const ino = fs.statSync(zone).ino;
    const r = await run(['check', '--fix', '.'], root);
    assert.match(r.err, /did not write zones\/public\.xml: belongs to another user \(uid 65534\)/);
    const st = fs.statSync(zone);
    assert.deepEqual([st.uid, st.gid, st.ino], [65534, 65534, ino]);
    assert.equal(fs.readFileSync(zone, 'utf8'), ZONE);
  });

  test('hard links stay one file (written in place); the mode is kept', async () => {
    write(root, 'web.yaml', WEB);
    const zone = write(root, 'zones/public.xml', ZONE);
    fs.chmodSync(zone, 0o640);
    const other = path.join(root, 'backup', 'public.xml.orig');
    fs.mkdirSync(path.dirname(other));
    fs.linkSync(zone, other);
    const r = await run(['check', '--fix', '.'], root);
    assert.match(r.err, /wrote zones\/public\.xml/);
    const [a, b] = [fs.statSync(zone), fs.statSync(other)];
    assert.equal(a.ino, b.ino, 'the same inode');
    assert.equal(a.nlink, 2);
    assert.equal(a.mode & 0o7777, 0o640);
    assert.match(fs.readFileSync(other, 'utf8'), FIXED, 'the other name sees the fix');
    // one link: replaced by a new file, with the mode kept
    fs.unlinkSync(other);
    fs.writeFileSync(zone, ZONE);
    const ino = fs.statSync(zone).ino;
    await run(['check', '--fix', '.'], root);
    assert.match(fs.readFileSync(zone, 'utf8'), FIXED);
    assert.notEqual(fs.statSync(zone).ino, ino);
    assert.equal(fs.statSync(zone).mode & 0o7777, 0o640);
  });

  test('a file that is no longer the one read is left alone: replaced by an identical copy, touched, edited', () => {
    const zone = write(root, 'zones/public.xml', ZONE);
    const fixed = ZONE.replace('</zone>', '  <port port="30080" protocol="tcp"/>\n</zone>');
    // an identical copy under the same name (another inode)
    let { identity } = readIdentified(zone);
    write(root, 'zones/copy.tmp', ZONE);
    fs.renameSync(path.join(root, 'zones/copy.tmp'), zone);
    assert.throws(() => writeAtomically(zone, ZONE, fixed, { identity, realRoot: root }), (e: Error) => e instanceof SkipError && /changed on disk/.test(e.message));
    // the same inode, touched
    ({ identity } = readIdentified(zone));
    fs.utimesSync(zone, new Date(2001, 1, 1), new Date(2001, 1, 1));
    assert.throws(() => writeAtomically(zone, ZONE, fixed, { identity, realRoot: root }), /changed on disk/);
    // unchanged: written
    ({ identity } = readIdentified(zone));
    writeAtomically(zone, ZONE, fixed, { identity, realRoot: root });
    assert.equal(fs.readFileSync(zone, 'utf8'), fixed);
    assert.deepEqual(fs.readdirSync(path.dirname(zone)), ['public.xml']);
  });

  test('a folder that leads out of the workspace when the write starts is refused', () => {
    const outside = newDir();
    try {
      const zone = write(root, 'zones/public.xml', ZONE);
      write(outside, 'public.xml', ZONE);
      const { identity } = readIdentified(zone);
      fs.renameSync(path.join(root, 'zones'), path.join(root, 'zones-real'));
      fs.symlinkSync(outside, path.join(root, 'zones'));
      assert.throws(() => writeAtomically(zone, ZONE, 'x', { identity, realRoot: root }), /outside the workspace/);
      assert.equal(fs.readFileSync(path.join(outside, 'public.xml'), 'utf8'), ZONE);
      assert.deepEqual(fs.readdirSync(outside), ['public.xml']);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

suite('robustness: check --fix racing a second process that swaps the folder and edits the file', function () {
  this.timeout(180_000);
  suiteSetup(ready);
  let base: string;
  let attacker: ChildProcess;

  suiteSetup(() => {
    base = newDir();
    attacker = fork(path.join(__dirname, 'race-attacker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  });
  suiteTeardown(() => {
    attacker?.kill();
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  /** The attacker's next message of `kind`. */
  const next = <T>(kind: string) => new Promise<T>((resolve, reject) => {
    const onMessage = (m: { kind: string }) => {
      if (m.kind !== kind) return;
      attacker.off('message', onMessage);
      attacker.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`the attacker exited (${code})`));
    attacker.on('message', onMessage);
    attacker.on('exit', onExit);
  });

  test('200 rounds: no write outside, no temporary file left, no edit lost', async () => {
    const ws = path.join(base, 'ws');
    const outside = path.join(base, 'outside');
    const folder = path.join(ws, 'zones');
    write(ws, 'web.yaml', WEB);
    fs.mkdirSync(outside, { recursive: true });
    const tally = { wrote: 0, swaps: 0, edits: 0, notWritten: new Map<string, number>(), lost: 0, outsideWrites: 0, leftovers: 0 };
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    for (let i = 0; i < 200; i++) {
      // the same start each round: the folder as a folder, the zone that needs the port, a twin of it outside
      fs.rmSync(folder, { recursive: true, force: true });
      write(ws, 'zones/public.xml', ZONE);
      fs.rmSync(outside, { recursive: true, force: true });
      write(outside, 'public.xml', ZONE);

      const mode = i % 2 === 0 ? 'targeted' : 'storm';
      const going = next('going');
      attacker.send({ kind: 'go', folder, outside, file: 'public.xml', mode, seed: seed + i });
      await going;
      const r = await run(['check', '--fix', '--format', 'json', ws], base);
      const stopped = next<{ edits: string[]; swaps: number; skipped: number; error?: string }>('stopped');
      attacker.send({ kind: 'stop' });
      const s = await stopped;
      assert.equal(s.error, undefined, s.error);

      // nothing written outside the workspace, nothing left behind
      const outsideFiles = walk(outside);
      if (outsideFiles.length !== 1 || fs.readFileSync(path.join(outside, 'public.xml'), 'utf8') !== ZONE) tally.outsideWrites++;
      const leftovers = walk(ws).filter((f) => f.includes('service-reach'));
      tally.leftovers += leftovers.length;
      assert.ok(fs.lstatSync(folder).isDirectory(), 'the folder is back');
      // every edit the second process made is in the file (edits build on each other: a lost one stays lost)
      const final = fs.readFileSync(path.join(folder, 'public.xml'), 'utf8');
      const lost = s.edits.filter((m) => !final.includes(`<!-- ${m} -->`));
      tally.lost += lost.length;
      assert.deepEqual({ round: i, mode, outside: outsideFiles, leftovers, lost }, { round: i, mode, outside: ['public.xml'], leftovers: [], lost: [] }, r.err);

      tally.swaps += s.swaps;
      tally.edits += s.edits.length;
      if (/wrote zones\/public\.xml/.test(r.err)) tally.wrote++;
      const why = /did not write zones\/public\.xml: ([^;(\n]*)/.exec(r.err)?.[1] ?? /skipped zones: is a link/.exec(r.err)?.[0] ?? (/wrote/.test(r.err) ? undefined : 'nothing to write (read while edited)');
      if (why) {
        const key = why.trim().slice(0, 60);
        tally.notWritten.set(key, (tally.notWritten.get(key) ?? 0) + 1);
      }
    }
    console.log(`    race: 200 rounds (seed ${seed}): wrote ${tally.wrote}, not written ${JSON.stringify(Object.fromEntries(tally.notWritten))}; `
      + `${tally.swaps} swaps, ${tally.edits} edits; ${tally.outsideWrites} writes outside, ${tally.leftovers} files left, ${tally.lost} edits lost`);
    assert.equal(tally.outsideWrites + tally.leftovers + tally.lost, 0);
    assert.ok(tally.wrote > 0, 'some rounds wrote the fix');
    assert.ok(tally.notWritten.size > 0, 'some rounds gave the fix up');
  });
});

suite('robustness: a fix into YAML that anchors share', function () {
  this.timeout(30_000);
  suiteSetup(ready);

  const LIST = (ports: string) => `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
    spec:
      type: NodePort
      selector: {app: a}
      ports: &ports
${ports}
  - apiVersion: v1
    kind: Service
    metadata: {name: b}
    spec:
      type: NodePort
      selector: {app: b}
      ports: *ports
`;

  test('an unpinned port in a shared ports list is not pinned there (that would pin it for both Services)', async () => {
    const ws = workspace({ 'svc.yaml': LIST('        - port: 80'), 'zones/public.xml': ZONE });
    const unpinned = ws.analyze().findings.find((f) => f.code === 'nodeport-unpinned');
    assert.ok(unpinned);
    for (const a of fixesFor(ws, unpinned)) assert.ok(a.edits.every((e) => e.path !== 'svc.yaml'), `${a.title} edits the shared list`);

    const root = newDir();
    try {
      write(root, 'svc.yaml', LIST('        - port: 80'));
      write(root, 'zones/public.xml', ZONE);
      const r = await run(['check', '--fix', '--format', 'json', '.'], root);
      assert.equal(fs.readFileSync(path.join(root, 'svc.yaml'), 'utf8'), LIST('        - port: 80'), 'the shared list is not edited');
      const codes = (JSON.parse(r.out) as { findings: { code: string }[] }).findings.map((f) => f.code);
      assert.ok(!codes.includes('nodeport-conflict'), `the fix made a conflict: ${codes.join(', ')}`);
      assert.equal(r.code, 0, r.err);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('what cannot be fixed without editing the shared YAML is reported as left, with why', async () => {
    const root = newDir();
    try {
      const text = LIST('        - port: 80\n        - port: 443');
      write(root, 'svc.yaml', text);
      const r = await run(['check', '--fix', '.'], root);
      assert.match(r.err, /--fix left svc\.yaml:11 port-name-required: the fix would edit YAML that an anchor shares with an alias/);
      assert.match(r.err, /--fix left svc\.yaml:12 port-name-required/);
      assert.equal(fs.readFileSync(path.join(root, 'svc.yaml'), 'utf8'), text);
      assert.equal(r.code, 1);
      // the same names written without an anchor are fixed
      write(root, 'svc.yaml', text.replace('ports: &ports', 'ports:').replace('ports: *ports', 'ports:\n        - port: 80\n        - port: 443'));
      const plain = await run(['check', '--fix', '.'], root);
      assert.equal(plain.code, 0, plain.out + plain.err);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('merge keys: a pair folded in by << is shared too', () => {
    const ws = workspace({
      's.yaml': `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
    spec: &spec
      type: NodePort
      selector: {app: a}
      ports:
        - port: 80
  - apiVersion: v1
    kind: Service
    metadata: {name: b}
    spec:
      <<: *spec
      selector: {app: b}
`, 'zones/public.xml': ZONE,
    });
    const findings = ws.analyze().findings.filter((f) => f.code === 'nodeport-unpinned');
    assert.ok(findings.length > 0);
    for (const f of findings) for (const a of fixesFor(ws, f)) assert.ok(a.edits.every((e) => e.path !== 's.yaml'), a.title);
  });
});
