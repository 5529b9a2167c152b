/**
 * The Kubernetes API schema used for unknown-field detection and field documentation.
 *
 * The data is generated at build time by scripts/gen-k8s-schema.mjs from the declarations
 * (and their JSDoc, i.e. the API reference docs) of the `kubernetes-types` package; see
 * that script for how TypeScript types are mapped to {@link TypeRef}s. Type references are
 * qualified as "<group>.<version>.<Type>", e.g. "core.v1.ServicePort".
 */
import schemaJson from './generated/k8s-schema.json';
import { closest } from '../util/edit-distance';

export type ScalarKind = 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'quantity' | 'time' | 'any';

export type TypeRef =
  | { readonly kind: 'object'; readonly ref: string }
  | { readonly kind: 'array'; readonly items: TypeRef }
  | { readonly kind: 'map'; readonly values: TypeRef }
  | { readonly kind: ScalarKind };

export interface FieldSchema {
  /** The field's JSON/YAML name. */
  readonly name: string;
  readonly type: TypeRef;
  /** The API documentation, verbatim (may be empty: a few upstream fields are undocumented). */
  readonly description: string;
  readonly required: boolean;
}

export interface TypeSchema {
  /** Qualified reference, e.g. "core.v1.ServiceSpec". */
  readonly ref: string;
  /** Short name, e.g. "ServiceSpec". */
  readonly name: string;
  readonly description: string;
  readonly fields: ReadonlyMap<string, FieldSchema>;
}

export interface ResolvedPath {
  /** The type of the value at the path. */
  readonly type: TypeRef;
  /** Set when the last path step named a field of an object (not for array indices / map keys / steps into `any`). */
  readonly field?: FieldSchema;
}

export type SchemaPath = readonly (string | number)[];

// ---------------------------------------------------------------------------
// Loading

interface SchemaFile {
  source: string;
  roots: Record<string, string>;
  types: Record<string, { description: string; fields: Record<string, { type: TypeRef; description: string; required: boolean }> }>;
}

const file = schemaJson as unknown as SchemaFile;

/** Where the schema came from, e.g. "kubernetes-types@1.30.0". */
export const SCHEMA_SOURCE: string = file.source;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const roots: ReadonlyMap<string, string> = new Map(Object.entries(file.roots));
const types: ReadonlyMap<string, TypeSchema> = new Map(
  Object.entries(file.types).map(([ref, t]): [string, TypeSchema] => {
    const fields = new Map<string, FieldSchema>();
    for (const [name, f] of Object.entries(t.fields)) {
      fields.set(name, Object.freeze({ name, type: deepFreeze(f.type), description: f.description, required: f.required }));
    }
    const name = ref.slice(ref.lastIndexOf('.') + 1);
    return [ref, Object.freeze({ ref, name, description: t.description, fields })];
  }),
);
const EMPTY_FIELDS: ReadonlyMap<string, FieldSchema> = new Map();

// ---------------------------------------------------------------------------
// Lookup

/** The kinds the schema has a root type for (Service, Pod, Deployment, ...). */
export function rootKinds(): readonly string[] {
  return [...roots.keys()];
}

/** The qualified type of a top-level object of `kind` (case-sensitive, e.g. "Service" -> "core.v1.Service"). */
export function rootType(kind: string): string | undefined {
  return roots.get(kind);
}

export function typeInfo(ref: string): TypeSchema | undefined {
  return types.get(ref);
}

/** The fields of object type `ref`; empty for unknown refs. */
export function fieldsOf(ref: string): ReadonlyMap<string, FieldSchema> {
  return types.get(ref)?.fields ?? EMPTY_FIELDS;
}

/**
 * The type found by walking `path` from the root type of `kind`. String steps name object
 * fields or map keys (any string steps into a map); number steps (non-negative integers)
 * index arrays; any step into an `any` value stays `any`. Undefined when `kind` is unknown
 * or a step does not fit (unknown field, index into an object, field of an array, ...).
 * An empty path resolves to the root object type.
 */
export function resolvePath(kind: string, path: SchemaPath): ResolvedPath | undefined {
  const root = rootType(kind);
  if (root === undefined) return undefined;
  let type: TypeRef = { kind: 'object', ref: root };
  let field: FieldSchema | undefined;
  for (const step of path) {
    field = undefined;
    switch (type.kind) {
      case 'object': {
        if (typeof step !== 'string') return undefined;
        field = fieldsOf(type.ref).get(step);
        if (field === undefined) return undefined;
        type = field.type;
        break;
      }
      case 'array':
        if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) return undefined;
        type = type.items;
        break;
      case 'map':
        if (typeof step !== 'string') return undefined;
        type = type.values;
        break;
      case 'any':
        break;
      default:
        return undefined; // scalars have no children
    }
  }
  return field === undefined ? { type } : { type, field };
}

/**
 * The type in words, in `kubectl explain` style: "string", "integer", "boolean", "number",
 * "IntOrString", "Quantity", "Time", "Object" (arbitrary JSON), "ServicePort",
 * "[]ServicePort", "map[string]string".
 */
export function typeName(type: TypeRef): string {
  switch (type.kind) {
    case 'object':
      return type.ref.slice(type.ref.lastIndexOf('.') + 1);
    case 'array':
      return `[]${typeName(type.items)}`;
    case 'map':
      return `map[string]${typeName(type.values)}`;
    case 'int-or-string':
      return 'IntOrString';
    case 'quantity':
      return 'Quantity';
    case 'time':
      return 'Time';
    case 'any':
      return 'Object';
    default:
      return type.kind;
  }
}

/**
 * Markdown documentation for the value at `path` in an object of `kind`, for hovers:
 *
 *     **targetPort** `IntOrString`
 *
 *     Number or name of the port to access on the pods ...
 *
 * A field gets its name, type (plus "(required)") and description; a path that ends in
 * an object without naming a field (the root, an array element, a map value) gets the
 * object type's own description. Undefined for unknown paths and for scalar array
 * elements / map values. `<` and `>` in the API text are escaped (outside code spans) so
 * that placeholders like `<namespace>` are not swallowed as HTML by the renderer.
 */
export function describeField(kind: string, path: SchemaPath): string | undefined {
  const resolved = resolvePath(kind, path);
  if (resolved === undefined) return undefined;
  const { type, field } = resolved;
  if (field !== undefined) {
    const header = `**${field.name}** \`${typeName(type)}\`${field.required ? ' (required)' : ''}`;
    return field.description ? `${header}\n\n${escapeMarkdownText(field.description)}` : header;
  }
  if (type.kind === 'object') {
    const info = typeInfo(type.ref);
    if (info === undefined) return undefined;
    const header = `**${info.name}**`;
    return info.description ? `${header}\n\n${escapeMarkdownText(info.description)}` : header;
  }
  return undefined;
}

/**
 * Did-you-mean for a misspelt field name: a case-insensitive match first (`targetport` ->
 * `targetPort`), otherwise the closest candidate by Damerau-Levenshtein distance
 * (`poarts` -> `ports`, `slector` -> `selector`); undefined if `unknown` is itself a
 * candidate or nothing is within max(2, floor(length / 3)) edits (see {@link closest}).
 */
export function suggestField(candidates: Iterable<string>, unknown: string): string | undefined {
  const list = [...candidates];
  if (list.includes(unknown)) return undefined;
  return closest(list, unknown);
}

/** escapeMarkdownText's results: the schema's descriptions are a fixed set, escaped once each */
const escapedDescriptions = new Map<string, string>();

/** Escapes `<` and `>` outside inline code spans, so CommonMark renderers keep them as text (once per text). */
function escapeMarkdownText(text: string): string {
  let out = escapedDescriptions.get(text);
  if (out === undefined) escapedDescriptions.set(text, (out = escapeMarkdownTextNow(text)));
  return out;
}

function escapeMarkdownTextNow(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '`') {
      let run = 1;
      while (text[i + run] === '`') run++;
      const fence = '`'.repeat(run);
      const close = text.indexOf(fence, i + run);
      if (close !== -1) {
        out += text.slice(i, close + run);
        i = close + run;
        continue;
      }
      out += fence;
      i += run;
      continue;
    }
    const ch = text[i]!;
    out += ch === '<' || ch === '>' ? `\\${ch}` : ch;
    i++;
  }
  return out;
}
