#!/usr/bin/env node
// Generates server/src/engine/k8s/generated/k8s-schema.json from the TypeScript
// declarations shipped by the `kubernetes-types` package (which are themselves
// generated from the Kubernetes OpenAPI spec, JSDoc = the API field docs).
//
// Starting from a few root kinds it walks every reachable interface and writes
//   { source, roots: { Kind: "group.version.Type" }, types: { "group.version.Type":
//     { description, fields: { name: { type: TypeRef, description, required } } } } }
// TypeRef: {kind:"object",ref} | {kind:"array",items} | {kind:"map",values}
//        | {kind:"string"|"integer"|"number"|"boolean"|"int-or-string"|"quantity"|"time"|"any"}
//
// Only the parser of `typescript` is used (no type checker), so it runs in well
// under a second. Anything the script does not understand is a hard error: a new
// kubernetes-types release must not silently degrade the schema.
//
// Usage: node scripts/gen-k8s-schema.mjs [--out <file>]

import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(projectRoot, 'package.json'));

function fail(message) {
  console.error(`gen-k8s-schema: ERROR: ${message}`);
  process.exit(1);
}

let ts;
try {
  ts = require('typescript');
} catch (err) {
  fail(`cannot load the "typescript" package (run \`npm install\`): ${err.message}`);
}

let pkgDir;
let pkgVersion;
try {
  const pkgJsonPath = require.resolve('kubernetes-types/package.json');
  pkgDir = dirname(pkgJsonPath);
  pkgVersion = JSON.parse(readFileSync(pkgJsonPath, 'utf8')).version;
} catch (err) {
  fail(
    'the devDependency "kubernetes-types" is not installed, so the Kubernetes API schema cannot be generated.\n' +
      '  Run `npm install` (or `npm install --save-dev kubernetes-types@1.30`) and retry.\n' +
      `  (${err.message.split('\n')[0]})`,
  );
}
if (typeof pkgVersion !== 'string' || pkgVersion === '') fail(`${pkgDir}/package.json has no version`);

const outArgIndex = process.argv.indexOf('--out');
const outFile =
  outArgIndex >= 0 && process.argv[outArgIndex + 1]
    ? resolve(process.argv[outArgIndex + 1])
    : join(projectRoot, 'server/src/engine/k8s/generated/k8s-schema.json');

/** Root kinds: kind name -> [module (path inside kubernetes-types, no extension), interface name]. */
const ROOTS = {
  Service: ['core/v1', 'Service'],
  Pod: ['core/v1', 'Pod'],
  Deployment: ['apps/v1', 'Deployment'],
  StatefulSet: ['apps/v1', 'StatefulSet'],
  DaemonSet: ['apps/v1', 'DaemonSet'],
  ReplicaSet: ['apps/v1', 'ReplicaSet'],
  Job: ['batch/v1', 'Job'],
  CronJob: ['batch/v1', 'CronJob'],
};

/**
 * Aliases with a dedicated TypeRef kind, keyed by "module#Name". Any other type
 * alias reached during the walk is an error (we would not know its meaning).
 */
const KNOWN_ALIASES = {
  'api/resource#Quantity': { kind: 'quantity' },
  'meta/v1#Time': { kind: 'time' },
  'meta/v1#MicroTime': { kind: 'time' },
};

/**
 * kubernetes-types renders every OpenAPI `integer` (int32/int64) AND `number`
 * (double) as TS `number`; the format is not preserved and the JSDoc does not
 * state it. In core/v1, apps/v1, batch/v1 and meta/v1 every numeric field is an
 * int32/int64 in the upstream OpenAPI spec, so `number` maps to "integer" unless
 * the field is listed here as a floating-point field ("module#Interface.field").
 * Add entries here if a root whose tree contains doubles is ever added.
 */
const FLOAT_FIELDS = new Set([]);

/**
 * Words in a numeric field's doc that would suggest a floating-point value; such a
 * field is a hard error until it is classified (FLOAT_FIELDS) -- a safety net for
 * future roots / kubernetes-types releases. ("decimal" is deliberately absent: the
 * file-mode fields say "an octal value ... or a decimal value".)
 */
const FLOAT_HINT = /\b(float|floating[- ]point|double|fractional)\b/i;

// ---------------------------------------------------------------------------

/** @type {Map<string, {sf: import('typescript').SourceFile, text: string, decls: Map<string, any>, imports: Map<string, string>}>} */
const modules = new Map();

function loadModule(mod) {
  let m = modules.get(mod);
  if (m) return m;
  const file = join(pkgDir, `${mod}.d.ts`);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`cannot read ${file}: ${err.message}`);
  }
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, /*setParentNodes*/ true, ts.ScriptKind.TS);
  const decls = new Map();
  const imports = new Map();
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) {
      decls.set(st.name.text, st);
    } else if (ts.isImportDeclaration(st)) {
      const spec = st.moduleSpecifier.text;
      const target = posix.normalize(posix.join(posix.dirname(mod), spec));
      const bindings = st.importClause?.namedBindings;
      if (!bindings || !ts.isNamedImports(bindings)) fail(`${mod}: unsupported import form "${st.getText(sf)}"`);
      for (const el of bindings.elements) imports.set(el.name.text, { mod: target, name: (el.propertyName ?? el.name).text });
    }
  }
  m = { sf, text, decls, imports };
  modules.set(mod, m);
  return m;
}

/** Resolves a type name used in `mod` to its declaring module and declaration. */
function lookup(mod, name) {
  const m = loadModule(mod);
  const local = m.decls.get(name);
  if (local) return { mod, name, decl: local };
  const imp = m.imports.get(name);
  if (imp) return lookup(imp.mod, imp.name);
  fail(`${mod}: cannot resolve type "${name}"`);
}

const qualified = (mod, name) => `${mod.split('/').join('.')}.${name}`;

/** The verbatim text of the last JSDoc block directly before `node`, comment markers stripped. */
function docOf(node, m) {
  const ranges = ts.getLeadingCommentRanges(m.text, node.pos) ?? [];
  const jsdoc = ranges.filter((r) => r.kind === ts.SyntaxKind.MultiLineCommentTrivia && m.text.startsWith('/**', r.pos));
  if (jsdoc.length === 0) return '';
  const last = jsdoc[jsdoc.length - 1];
  const raw = m.text.slice(last.pos + 3, last.end - 2);
  const lines = raw.split(/\r?\n/);
  if (lines.length === 1) return lines[0].trim();
  return lines
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

const types = {}; // qualified name -> { description, fields }
const queue = [];

function objectRef(mod, name) {
  const target = lookup(mod, name);
  const q = qualified(target.mod, target.name);
  if (ts.isTypeAliasDeclaration(target.decl)) {
    const known = KNOWN_ALIASES[`${target.mod}#${target.name}`];
    if (!known) fail(`${q}: type alias "${target.decl.getText(loadModule(target.mod).sf)}" has no mapping in KNOWN_ALIASES`);
    return { ...known };
  }
  // Empty interfaces (meta.v1.FieldsV1, runtime.RawExtension) stand for arbitrary JSON.
  if (target.decl.members.length === 0 && !target.decl.heritageClauses) return { kind: 'any' };
  if (!(q in types)) {
    types[q] = null; // reserve, filled when dequeued
    queue.push(target);
  }
  return { kind: 'object', ref: q };
}

function typeRefOf(node, ctx) {
  const { mod, where } = ctx;
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { kind: 'string' };
    case ts.SyntaxKind.BooleanKeyword:
      return { kind: 'boolean' };
    case ts.SyntaxKind.NumberKeyword:
      return numberRef(ctx);
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
      return { kind: 'any' };
    case ts.SyntaxKind.LiteralType: // apiVersion?: "v1"; kind?: "Service"
      if (ts.isStringLiteral(node.literal)) return { kind: 'string' };
      break;
    case ts.SyntaxKind.ParenthesizedType:
      return typeRefOf(node.type, ctx);
    case ts.SyntaxKind.ArrayType:
      return { kind: 'array', items: typeRefOf(node.elementType, { ...ctx, where: `${where}[]` }) };
    case ts.SyntaxKind.UnionType: {
      const kinds = node.types.map((t) => t.kind).sort();
      // IntOrString is rendered by kubernetes-types as `number | string`.
      if (
        kinds.length === 2 &&
        kinds.includes(ts.SyntaxKind.NumberKeyword) &&
        kinds.includes(ts.SyntaxKind.StringKeyword)
      ) {
        return { kind: 'int-or-string' };
      }
      break;
    }
    case ts.SyntaxKind.TypeLiteral: {
      // `{ [name: string]: T }` -> map
      const members = node.members;
      if (members.length === 1 && ts.isIndexSignatureDeclaration(members[0])) {
        const sig = members[0];
        const keyType = sig.parameters[0]?.type;
        if (keyType && keyType.kind === ts.SyntaxKind.StringKeyword && sig.type) {
          return { kind: 'map', values: typeRefOf(sig.type, { ...ctx, where: `${where}{}` }) };
        }
      }
      break;
    }
    case ts.SyntaxKind.TypeReference: {
      const name = node.typeName.getText(loadModule(mod).sf);
      const args = node.typeArguments ?? [];
      if ((name === 'Array' || name === 'ReadonlyArray') && args.length === 1) {
        return { kind: 'array', items: typeRefOf(args[0], { ...ctx, where: `${where}[]` }) };
      }
      if (name === 'Record' && args.length === 2 && args[0].kind === ts.SyntaxKind.StringKeyword) {
        return { kind: 'map', values: typeRefOf(args[1], { ...ctx, where: `${where}{}` }) };
      }
      if (args.length === 0 && !name.includes('.')) return objectRef(mod, name);
      break;
    }
    default:
      break;
  }
  fail(`${where}: unsupported type "${node.getText(loadModule(mod).sf)}" (extend typeRefOf in scripts/gen-k8s-schema.mjs)`);
}

function numberRef({ mod, iface, field, doc, where }) {
  const key = `${mod}#${iface}.${field}`;
  if (FLOAT_FIELDS.has(key)) return { kind: 'number' };
  if (FLOAT_HINT.test(doc)) {
    fail(`${where}: numeric field whose documentation mentions a non-integer; classify "${key}" in FLOAT_FIELDS or refine FLOAT_HINT`);
  }
  return { kind: 'integer' };
}

function walkInterface({ mod, name, decl }) {
  const m = loadModule(mod);
  const q = qualified(mod, name);
  if (decl.typeParameters?.length) fail(`${q}: generic interfaces are not supported`);
  if (decl.heritageClauses?.length) fail(`${q}: interface inheritance is not supported`);
  const fields = {};
  for (const member of decl.members) {
    if (!ts.isPropertySignature(member) || !member.type) {
      fail(`${q}: unsupported member "${member.getText(m.sf)}"`);
    }
    const fieldName = ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : undefined;
    if (fieldName === undefined) fail(`${q}: unsupported property name "${member.name.getText(m.sf)}"`);
    const description = docOf(member, m);
    const type = typeRefOf(member.type, {
      mod,
      iface: name,
      field: fieldName,
      doc: description,
      where: `${q}.${fieldName}`,
    });
    fields[fieldName] = { type, description, required: member.questionToken === undefined };
  }
  types[q] = { description: docOf(decl, m), fields };
}

// ---------------------------------------------------------------------------

const started = process.hrtime.bigint();
const roots = {};
for (const [kind, [mod, name]] of Object.entries(ROOTS)) {
  const ref = objectRef(mod, name);
  if (ref.kind !== 'object') fail(`root ${kind} (${mod}.${name}) is not an interface`);
  roots[kind] = ref.ref;
}
while (queue.length > 0) walkInterface(queue.shift());

// Sanity checks: the Service tree is what the checker depends on.
const svc = types['core.v1.ServiceSpec'];
const port = types['core.v1.ServicePort'];
if (!svc || !svc.fields.ports || !svc.fields.selector || !port || port.fields.targetPort?.type.kind !== 'int-or-string') {
  fail('generated schema lacks core.v1.ServiceSpec / ServicePort in the expected shape');
}
for (const [kind, ref] of Object.entries(roots)) {
  for (const f of ['apiVersion', 'kind', 'metadata']) {
    if (!types[ref].fields[f]) fail(`${kind} (${ref}) has no "${f}" field`);
  }
}

/** JSON with object keys sorted at every level (deterministic, compact). */
function sortedJson(value) {
  return JSON.stringify(value, (_key, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const out = {};
      for (const k of Object.keys(v).sort()) out[k] = v[k];
      return out;
    }
    return v;
  });
}

const json = sortedJson({ source: `kubernetes-types@${pkgVersion}`, roots, types }) + '\n';
mkdirSync(dirname(outFile), { recursive: true });
let previous;
try {
  previous = readFileSync(outFile, 'utf8');
} catch {
  previous = undefined;
}
// Only touch the file when it changed, so tsc/watchers see a stable mtime.
if (previous !== json) writeFileSync(outFile, json);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(
  `gen-k8s-schema: ${Object.keys(types).length} types from kubernetes-types@${pkgVersion} -> ` +
    `${relative(process.cwd(), outFile) || outFile} (${(json.length / 1024).toFixed(0)} KiB, ` +
    `${previous === json ? 'unchanged' : 'written'}, ${ms.toFixed(0)} ms)`,
);
