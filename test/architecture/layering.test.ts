/**
 * The rules of ARCHITECTURE.md ("Invariants") that a test can check, over the TypeScript sources under
 * `server/src` and `client/src`. Imports are read with the TypeScript compiler (`ts.preProcessFile`: `import`,
 * `import type`, `export … from`, `require()`, `import()`), global references with `ts.createSourceFile`.
 *
 *  (a) imports only go down the declared order of layers (`LAYERS`);
 *  (b) neither folders nor files form a circle;
 *  (c) only `server/src/lsp` imports `vscode-languageserver*`, only `client/src` imports `vscode`, and the engine
 *      does no I/O: no Node built-in module, no `process`, no `require`;
 *  (d) no source file is over 500 lines;
 *  (e) one module wraps each parser package.
 *
 * The allow-lists below hold what the code does today that it should not: each entry is being fixed, and an
 * entry that no longer matches the code fails the test too, so the lists only shrink.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');
const SOURCE_ROOTS = ['server/src', 'client/src'];

/**
 * The layers, lowest first: a file may import from its own layer and the layers before it. A layer is a folder
 * of `server/src/engine/` (the engine's root files, `index.ts` and `workspace.ts`, are the layer `engine`), a
 * folder of `server/src/`, or `client` for `client/src/`.
 */
const LAYERS = [
  'text', // spans and the line index
  'util', // small pure helpers (paths, edit distance, number parsing, the hosts' load policy)
  'net', // CIDRs and address sets
  'findings', // the table of codes, the finding shape
  'parse', // one wrapper per parser, and the problems they report
  'oci', // the OCI cloud controller's annotations
  'terraform', // Terraform's language evaluated: values, expressions, functions, modules
  'topology', // the OKE topology Terraform declares: node pools, clusters, subnets, and what they attribute
  'sources', // rule-source readers and the normalised `Rule`
  'k8s', // manifests, workloads, Services after API defaults, the schema
  'kustomize', // `kustomize build` in process: overlays of bases and patches
  'helm', // Helm charts rendered: Go's text/template, Sprig, Helm's functions, charts and their values
  'config', // `.service-reach.yaml`
  'exposure', // requirements, matching, statuses
  'rules', // per finding code (or small family): its wording, its severity decisions, its fix hints
  'checks', // the findings' detection
  'workspace', // parts of the `Workspace`, when it is split into `engine/workspace/`
  'engine', // `engine/index.ts` (the public surface), `engine/workspace.ts`
  'features', // what an editor asks for, over a `Workspace`
  'fixes', // edits for findings, over a `Workspace`
  'registry', // every finding code as a unit: its detection, wording, fix, tests and doc, one entry per code
  'render', // the exposure diagram as SVG
  'host', // what every host does on its side of the engine (reading the HCL grammar)
  'cli',
  'lsp',
  'client', // the VS Code extension (reads the language server's request types)
];

/** Imports that run up the layers today, file to file, each with what should happen to it. */
const KNOWN_UPWARD: readonly { from: string; to: string; why: string }[] = [
];

/** Source files over `MAX_LINES` lines today: each one is being split (none now: keep it so). */
const TOO_LONG: readonly string[] = [
];
const MAX_LINES = 500;

/** Each parser package (and `ipaddr.js`, `@cfworker/json-schema`), and the only modules that may import it. */
const WRAPPERS: Readonly<Record<string, readonly string[]>> = {
  'yaml': ['server/src/engine/parse/yaml/read.ts'],
  // the webview's page builder reads the server's SVG with saxes itself, to write it again through an allow-list
  // (the client's bundle holds no engine code)
  'saxes': ['server/src/engine/parse/xml.ts', 'client/src/exposure-html.ts'],
  'jsonc-parser': ['server/src/engine/parse/json.ts'],
  'web-tree-sitter': ['server/src/engine/parse/hcl/tree-sitter.ts'],
  // JSON Schema for a chart's values.schema.json, as Helm checks it
  '@cfworker/json-schema': ['server/src/engine/helm/values-schema.ts'],
  'ipaddr.js': ['server/src/engine/net/cidr.ts', 'server/src/engine/sources/source-common.ts'],
};

// ------------------------------------------------------------------------------------------- the sources

interface Source {
  /** repository-relative, with forward slashes */
  rel: string;
  text: string;
  layer: string | undefined;
  /** every module specifier, and for a relative one the file it names (undefined: none found) */
  imports: { spec: string; target?: string }[];
}

function walk(dir: string, out: string[]): string[] {
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) walk(rel, out);
    else if (entry.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

function layerOf(rel: string): string | undefined {
  const parts = rel.split('/');
  if (parts[0] === 'client' && parts[1] === 'src') return 'client';
  if (parts[0] !== 'server' || parts[1] !== 'src' || parts.length < 4) return undefined;
  if (parts[2] !== 'engine') return parts[2];
  return parts.length === 4 ? 'engine' : parts[3];
}

function isFile(rel: string): boolean {
  return fs.statSync(path.join(ROOT, rel), { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The file a relative specifier names, as TypeScript (module `node16`, CommonJS) finds it. */
function resolve(from: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  if (base.endsWith('.json')) return base; // generated at build time: named, maybe not there yet
  return [`${base}.ts`, `${base}/index.ts`, base.replace(/\.js$/, '.ts')].find(isFile);
}

function read(rel: string): Source {
  const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const imports = info.importedFiles.map(({ fileName: spec }) => (spec.startsWith('.') ? { spec, target: resolve(rel, spec) } : { spec }));
  return { rel, text, layer: layerOf(rel), imports };
}

const SOURCES: Source[] = SOURCE_ROOTS.flatMap((dir) => walk(dir, [])).sort().map(read);

/** Import edges between source files (targets outside the source roots, such as `package.json`, left out). */
function fileEdges(): { from: Source; to: string; toLayer: string }[] {
  const edges: { from: Source; to: string; toLayer: string }[] = [];
  for (const s of SOURCES) {
    for (const i of s.imports) {
      const toLayer = i.target && layerOf(i.target);
      if (i.target && toLayer) edges.push({ from: s, to: i.target, toLayer });
    }
  }
  return edges;
}

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** The strongly connected components with more than one node (Tarjan's algorithm, iterative enough for ~200 files). */
function circles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

function addEdge(graph: Map<string, Set<string>>, from: string, to: string): void {
  if (!graph.has(from)) graph.set(from, new Set());
  if (!graph.has(to)) graph.set(to, new Set());
  graph.get(from)!.add(to);
}

const isKnownUpward = (from: string, to: string): boolean => KNOWN_UPWARD.some((k) => k.from === from && k.to === to);

/** Identifiers that name a global in expression position (not a property name, a declaration or a type). */
function globalReferences(s: Source, names: ReadonlySet<string>): string[] {
  if (![...names].some((n) => s.text.includes(n))) return []; // not even the letters: nothing to parse
  const file = ts.createSourceFile(s.rel, s.text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && names.has(node.text)) {
      const parent = node.parent;
      const named = (ts.isPropertyAccessExpression(parent) && parent.name === node)
        || ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertySignature(parent)
          || ts.isMethodDeclaration(parent) || ts.isVariableDeclaration(parent) || ts.isParameter(parent)) && parent.name === node)
        || ts.isQualifiedName(parent) || ts.isTypeReferenceNode(parent);
      if (!named) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
        found.push(`${s.rel}:${line + 1} uses \`${node.text}\``);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

// ----------------------------------------------------------------------------------------------- the rules

suite('architecture: layering and invariants', () => {
  test('the sources were found, each is in a declared layer, and every relative import names a file', () => {
    assert.ok(SOURCES.length > 50, `only ${SOURCES.length} source files found under ${SOURCE_ROOTS.join(', ')}`);
    const undeclared = SOURCES.filter((s) => !s.layer || !LAYERS.includes(s.layer)).map((s) => `${s.rel} (layer ${s.layer ?? '?'})`);
    assert.deepEqual(undeclared, [], 'a folder that is in no layer: add it to LAYERS where it belongs');
    const unresolved = SOURCES.flatMap((s) => s.imports.filter((i) => i.spec.startsWith('.') && !i.target).map((i) => `${s.rel}: ${i.spec}`));
    assert.deepEqual(unresolved, []);
  });

  test('(a) imports only go down the layers', () => {
    const upward: string[] = [];
    const seen = new Set<string>();
    for (const e of fileEdges()) {
      const from = LAYERS.indexOf(e.from.layer!);
      const to = LAYERS.indexOf(e.toLayer);
      if (to <= from) continue;
      seen.add(`${e.from.rel} -> ${e.to}`);
      if (!isKnownUpward(e.from.rel, e.to)) upward.push(`${e.from.rel} (${e.from.layer}) imports ${e.to} (${e.toLayer}), a layer above it`);
    }
    assert.deepEqual(upward, [], 'move what both need down into a lower layer');
    const stale = KNOWN_UPWARD.filter((k) => !seen.has(`${k.from} -> ${k.to}`)).map((k) => `${k.from} -> ${k.to}`);
    assert.deepEqual(stale, [], 'these no longer import upward: remove them from KNOWN_UPWARD');
  });

  test('(b) neither folders nor files form a circle', () => {
    const folders = new Map<string, Set<string>>();
    const files = new Map<string, Set<string>>();
    for (const e of fileEdges()) {
      addEdge(files, e.from.rel, e.to);
      if (e.from.layer !== e.toLayer && !isKnownUpward(e.from.rel, e.to)) addEdge(folders, e.from.layer!, e.toLayer);
    }
    assert.deepEqual(circles(folders), [], 'folders that import each other (KNOWN_UPWARD aside)');
    assert.deepEqual(circles(files), [], 'files that import each other: move what both need into a third module');
  });

  test('(c) protocol and editor libraries stay in their hosts; the engine does no I/O', () => {
    const wrong: string[] = [];
    for (const s of SOURCES) {
      for (const { spec } of s.imports) {
        if (spec.startsWith('vscode-languageserver') && !s.rel.startsWith('server/src/lsp/')) wrong.push(`${s.rel} imports ${spec} (only server/src/lsp may)`);
        if ((spec === 'vscode' || spec.startsWith('vscode/')) && !s.rel.startsWith('client/src/')) wrong.push(`${s.rel} imports ${spec} (only client/src may)`);
        if (s.rel.startsWith('server/src/engine/') && isBuiltin(spec)) wrong.push(`${s.rel} imports the Node built-in ${spec} (the engine does no I/O: the host does it)`);
      }
    }
    assert.deepEqual(wrong, []);
    const engine = SOURCES.filter((s) => s.rel.startsWith('server/src/engine/'));
    assert.deepEqual(engine.flatMap((s) => globalReferences(s, new Set(['process', 'require']))), [],
      'the engine reads no process state and loads no module at run time: the host hands in what it needs');
  });

  test(`(d) no source file is over ${MAX_LINES} lines`, () => {
    const long = SOURCES.filter((s) => lineCount(s.text) > MAX_LINES);
    assert.deepEqual(long.filter((s) => !TOO_LONG.includes(s.rel)).map((s) => `${s.rel}: ${lineCount(s.text)} lines`), [],
      'split it into modules named for what they hold');
    const fine = TOO_LONG.filter((rel) => !long.some((s) => s.rel === rel));
    assert.deepEqual(fine, [], `these are ${MAX_LINES} lines or fewer now (or gone): remove them from TOO_LONG`);
  });

  test('(e) one module wraps each parser package', () => {
    const importers = new Map<string, string[]>(Object.keys(WRAPPERS).map((pkg) => [pkg, []]));
    for (const s of SOURCES) {
      for (const { spec } of s.imports) {
        for (const pkg of importers.keys()) if (spec === pkg || spec.startsWith(`${pkg}/`)) importers.get(pkg)!.push(s.rel);
      }
    }
    for (const [pkg, files] of importers) {
      assert.deepEqual([...new Set(files)].sort(), [...WRAPPERS[pkg]].sort(), `${pkg} is imported by its wrapper only`);
    }
  });

  test('the checks themselves see what they look for', () => {
    // the extraction: every kind of import the rules rely on is found
    const probe: Source = {
      rel: 'server/src/engine/parse/probe.ts', layer: 'parse', imports: [],
      text: "import type { A } from './a';\nexport { b } from '../checks/b';\nconst fs = require('node:fs');\nvoid import('yaml');\nprocess.exit(1);\nconst o = { process: 1 }; o.process;\n",
    };
    assert.deepEqual(ts.preProcessFile(probe.text, true, true).importedFiles.map((f) => f.fileName), ['./a', '../checks/b', 'node:fs', 'yaml']);
    assert.deepEqual(globalReferences(probe, new Set(['process', 'require'])), [
      'server/src/engine/parse/probe.ts:3 uses `require`',
      'server/src/engine/parse/probe.ts:5 uses `process`',
    ]);
    // the order: a circle of three is found, a chain is not
    const g = new Map<string, Set<string>>();
    addEdge(g, 'a', 'b');
    addEdge(g, 'b', 'c');
    assert.deepEqual(circles(g), []);
    addEdge(g, 'c', 'a');
    assert.deepEqual(circles(g), [['a', 'b', 'c']]);
    assert.equal(layerOf('server/src/engine/parse/yaml/read.ts'), 'parse');
    assert.equal(layerOf('server/src/engine/workspace.ts'), 'engine');
    assert.equal(layerOf('server/src/cli/main.ts'), 'cli');
    assert.equal(layerOf('client/src/extension.ts'), 'client');
  });
});
