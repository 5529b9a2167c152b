#!/usr/bin/env node
// Builds the reference renderer (test/tools/refrender: Go's text/template + the real Sprig + Helm's additions)
// in GOPATH mode over Debian's Go packages, offline: golang-go, golang-github-masterminds-sprig-dev,
// golang-k8s-sigs-yaml-dev. Prints the binary's path; exits 2 with the reason on stderr when it cannot be built
// (tests then skip). Rebuilt only when a source is newer than the binary.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'test/tools/refrender');
const work = path.join(root, 'out/refrender');
const bin = path.join(work, 'refrender');
const GOCODE = '/usr/share/gocode';

function skip(reason) {
  process.stderr.write(`${reason}\n`);
  process.exit(2);
}

const go = spawnSync('go', ['version'], { encoding: 'utf8' });
if (go.error || go.status !== 0) skip('go is not installed (apt-get install golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev)');
for (const pkg of ['github.com/Masterminds/sprig', 'sigs.k8s.io/yaml']) {
  if (!fs.existsSync(path.join(GOCODE, 'src', pkg))) skip(`${pkg} is not in ${GOCODE} (Debian's golang-*-dev packages)`);
}
const sources = fs.readdirSync(src).filter((f) => f.endsWith('.go'));
const newest = Math.max(...sources.map((f) => fs.statSync(path.join(src, f)).mtimeMs));
if (fs.existsSync(bin) && fs.statSync(bin).mtimeMs >= newest) {
  process.stdout.write(bin + '\n');
  process.exit(0);
}
const pkgDir = path.join(work, 'gopath/src/refrender');
fs.mkdirSync(pkgDir, { recursive: true });
for (const f of sources) fs.copyFileSync(path.join(src, f), path.join(pkgDir, f));
const build = spawnSync('go', ['build', '-o', bin, 'refrender'], {
  encoding: 'utf8',
  env: { ...process.env, GO111MODULE: 'off', GOPATH: `${GOCODE}:${path.join(work, 'gopath')}`, GOCACHE: path.join(work, 'cache'), GOFLAGS: '' },
});
if (build.status !== 0) skip(`the reference renderer did not build:\n${build.stderr}`);
process.stdout.write(bin + '\n');
