#!/usr/bin/env node
// Bundles the extension for packaging: each side one file, everything it imports inlined (the Kubernetes schema
// and the firewalld services JSON too, through their imports), so the .vsix ships no node_modules.
//
//   node scripts/vscode/bundle.mjs [client|server]...     (default: both)
//
//   dist/client/extension.js  ← client/src/extension.ts   (`main`; `vscode` stays external)
//   dist/server.js            ← server/src/lsp/main.ts     (started by the client over IPC)
//   dist/tree-sitter.wasm, dist/tree-sitter-hcl.wasm       (web-tree-sitter's runtime and the HCL grammar; the
//                                                           server reads them beside itself and hands their
//                                                           bytes to the engine)
// Needs the generated Kubernetes schema (`npm run build` makes it).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(repo, 'package.json'));
const dist = path.join(repo, 'dist');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // jsonc-parser's `main` is a UMD build that loads its parts through a factory esbuild cannot follow (the bundle
  // would require './impl/format' at run time): take its ESM build
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  plugins: [{
    // web-tree-sitter's `import` condition is an ES module that locates its wasm through import.meta.url, which a
    // CommonJS bundle does not have: take its CommonJS build (the `require` condition) instead
    name: 'web-tree-sitter-cjs',
    setup(build) {
      build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
    },
  }],
  logLevel: 'warning',
  absWorkingDir: repo,
  metafile: true,
  minify: true,
  keepNames: true,
  legalComments: 'none',
};

const targets = {
  client: {
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'dist/client/extension.js',
    external: ['vscode'],
  },
  server: {
    ...common,
    entryPoints: ['server/src/lsp/main.ts'],
    outfile: 'dist/server.js',
    // elkjs asks for `web-worker` only when a worker URL is given (never here); the host reads the HCL grammar
    // (host/hcl-grammar.ts) from the installed packages only when no wasm directory is given, and the bundled
    // server gives dist/, which holds both files (lsp/server.ts)
    external: ['web-worker', '@tree-sitter-grammars/tree-sitter-hcl/package.json', 'web-tree-sitter/tree-sitter.wasm'],
  },
};

function copyWasm() {
  const runtime = require.resolve('web-tree-sitter/tree-sitter.wasm');
  const grammar = path.join(path.dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json')), 'tree-sitter-hcl.wasm');
  for (const file of [runtime, grammar]) fs.copyFileSync(file, path.join(dist, path.basename(file)));
}

const which = process.argv.slice(2);
const names = which.length ? which : Object.keys(targets);
for (const name of names) {
  if (!targets[name]) {
    console.error(`bundle: unknown target "${name}" (client, server)`);
    process.exit(2);
  }
}
fs.mkdirSync(dist, { recursive: true });
for (const name of names) {
  const started = Date.now();
  const result = await esbuild.build(targets[name]);
  if (result.errors.length) process.exit(1);
  if (name === 'server') copyWasm();
  const out = path.join(repo, targets[name].outfile);
  const inputs = Object.keys(result.metafile.inputs).length;
  console.log(`bundle: ${targets[name].outfile} ${(fs.statSync(out).size / 1024).toFixed(0)} KiB from ${inputs} modules in ${Date.now() - started} ms`);
}
