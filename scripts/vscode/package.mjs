#!/usr/bin/env node
// `npm run package`: the extension as `service-reach-<version>.vsix`, offline, with @vscode/vsce.
// vsce runs `vscode:prepublish` (build + both bundles); `--no-dependencies` because everything is bundled, and
// .vscodeignore is an allow-list. Afterwards the .vsix's entries are read back and checked: exactly what runs,
// nothing else. Prints the path and the size. Exit status 1 on any problem.
//
//   node scripts/vscode/package.mjs [--out FILE]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipEntries } from './zip.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = path.resolve(outIdx >= 0 ? args[outIdx + 1] : path.join(repo, `${pkg.name}-${pkg.version}.vsix`));

/** What the .vsix must hold under `extension/` (vsce adds the manifest files at the top level). */
const EXPECTED = [
  'extension/package.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/dist/client/extension.js',
  'extension/dist/server.js',
  'extension/dist/tree-sitter.wasm',
  'extension/dist/tree-sitter-hcl.wasm',
  'extension/syntaxes/service-reach.injection.tmLanguage.json',
];
const ALLOWED = [/^extension\.vsixmanifest$/, /^\[Content_Types\]\.xml$/];

const started = Date.now();
fs.rmSync(out, { force: true });
const vsce = path.join(repo, 'node_modules', '@vscode', 'vsce', 'vsce');
try {
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
} catch (err) {
  console.error(`package: vsce package failed (${err.message.split('\n')[0]})`);
  process.exit(1);
}
if (!fs.existsSync(out)) {
  console.error(`package: vsce did not write ${out}`);
  process.exit(1);
}

const entries = zipEntries(fs.readFileSync(out));
const names = entries.map((e) => e.name);
const problems = [];
for (const e of EXPECTED) if (!names.includes(e)) problems.push(`missing ${e}`);
for (const n of names) if (!EXPECTED.includes(n) && !ALLOWED.some((re) => re.test(n))) problems.push(`unexpected ${n}`);
const manifest = JSON.parse(entries.find((e) => e.name === 'extension/package.json')?.text() ?? '{}');
if (manifest.main !== './dist/client/extension.js') problems.push(`package.json main is ${manifest.main}`);
if (problems.length) {
  console.error(`package: ${path.basename(out)} is not what it should be:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

const size = fs.statSync(out).size;
console.log(`package: ${path.relative(process.cwd(), out) || out} — ${(size / 1024).toFixed(0)} KiB (${size} bytes), ${names.length} entries, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const e of entries) console.log(`  ${String(e.size).padStart(9)}  ${e.name}`);
