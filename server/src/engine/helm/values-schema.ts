/**
 * A chart's `values.schema.json` checked as Helm checks it before rendering: the chart's coalesced values (and each
 * enabled dependency's values, under its name, against that dependency's own schema) validated with JSON Schema
 * (draft 4 when the schema's `$schema` says so, else draft 7, which also reads draft 6). A violation, or a schema
 * that cannot be read, is a failure whose message is Helm's: the chart's name, then one `- path: message` line per
 * violation, in gojsonschema's wording for the common keywords.
 *
 * This is the only module that imports `@cfworker/json-schema`: a validator that interprets the schema (it
 * generates no code, so nothing derived from the workspace is ever compiled and run) and needs no compile step
 * (a 300 KiB schema of Bitnami's is ready in milliseconds). Pure: nothing is fetched. A `$ref` to a schema that is
 * not in the file (a remote or unknown URI) is no constraint: it is registered as the empty schema. Read schemas
 * are kept by their text, bounded (`TextCache`).
 */
import { Validator, type OutputUnit } from '@cfworker/json-schema';
import { jsonValue, parseJson } from '../parse/json';
import type { LoadedChart } from './chart-load';
import { TextCache } from './text-cache';
import { intOf, isInt, isMap, type Value } from './value';

/** Violations listed per chart; the rest are counted. */
export const MAX_VIOLATIONS = 20;
/** A schema longer than this is not checked; the chart is then not rendered, a limit. */
export const MAX_SCHEMA_CHARS = 512 * 1024;
/** Unknown `$ref`s a schema may hold before it is reported as unreadable. */
const MAX_MISSING_REFS = 64;

type Compiled = { validator: Validator; schema: unknown; error?: undefined } | { validator?: undefined; error: string };

const compiled = new TextCache<Compiled>(4_000_000);

/** The `$ref`s of a schema that point outside it (not `#…`), each once. */
function outsideRefs(schema: unknown): string[] {
  const out = new Set<string>();
  const stack: unknown[] = [schema];
  let seen = 0;
  while (stack.length > 0 && seen++ < 1_000_000) {
    const x = stack.pop();
    if (Array.isArray(x)) { for (const y of x) stack.push(y); continue; }
    if (x === null || typeof x !== 'object') continue;
    for (const [k, v] of Object.entries(x)) {
      if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) out.add(v.split('#')[0]);
      else stack.push(v);
    }
  }
  return [...out].filter((r) => r !== '');
}

function compile(text: string): Compiled {
  const read = parseJson(text);
  const problem = read.problems[0];
  if (problem || !read.root) return { error: `invalid JSON: ${problem?.message ?? 'empty'}` };
  const schema = jsonValue(read.root);
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    return { error: 'the schema is not a JSON object' };
  }
  const draft4 = typeof schema === 'object' && typeof (schema as { $schema?: unknown }).$schema === 'string'
    && (schema as { $schema: string }).$schema.includes('draft-04');
  try {
    const validator = new Validator(schema as object, draft4 ? '4' : '7', false);
    const refs = outsideRefs(schema);
    if (refs.length > MAX_MISSING_REFS) return { error: `the schema refers to more than ${MAX_MISSING_REFS} schemas that are not in it` };
    // a schema that is not here is never fetched: it constrains nothing
    for (const r of refs) validator.addSchema({}, r);
    return { validator, schema };
  } catch (err) {
    return { error: `the schema cannot be read: ${(err as Error).message}` };
  }
}

/** Go values as JSON sees them (Helm marshals the values to JSON before validating them). */
export function toJson(v: Value): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (isInt(v)) return Number(intOf(v));
  if (Array.isArray(v)) return v.map(toJson);
  if (isMap(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) Object.defineProperty(o, k, { value: toJson(x), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return String(v);
}

/** The segments of a `#/a/b` location. */
function segments(location: string): string[] {
  const pointer = location.startsWith('#') ? location.slice(1) : location;
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function fieldOf(location: string): string {
  const segs = segments(location);
  return segs.length === 0 ? '(root)' : segs.join('.');
}

function at(root: unknown, location: string): unknown {
  let cur = root;
  for (const k of segments(location)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, k) ? (cur as Record<string, unknown>)[k] : undefined;
  }
  return cur;
}

/** The schema value at a keyword location, following the schema's own `#…` references on the way. */
function schemaAt(schema: unknown, location: string): unknown {
  let cur = schema;
  for (const k of segments(location)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const next = Object.prototype.hasOwnProperty.call(cur, k) ? (cur as Record<string, unknown>)[k] : undefined;
    cur = k === '$ref' && typeof next === 'string' && next.startsWith('#') ? at(schema, next) : next;
  }
  return cur;
}

function typeOf(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'number') return Number.isInteger(x) ? 'integer' : 'number';
  return typeof x;
}

/** The keyword `name` beside the one at `location`. */
function sibling(schema: unknown, location: string, name: string): unknown {
  return schemaAt(schema, `${location.slice(0, location.lastIndexOf('/'))}/${name}`);
}

/** The first two items of a list that are equal (as JSON). */
function firstTwin(value: unknown): [number, number] {
  const items = Array.isArray(value) ? value.map((x) => JSON.stringify(x)) : [];
  const first = new Map<string, number>();
  for (let j = 0; j < items.length; j++) {
    const i = first.get(items[j]!);
    if (i !== undefined) return [i, j];
    first.set(items[j]!, j);
  }
  return [0, 0];
}

/** Keywords that only say a part below them failed: the part's own error says what. */
const WRAPPERS = new Set(['properties', 'items', 'additionalItems', 'allOf', '$ref', 'patternProperties', 'dependencies',
  'dependentSchemas', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'prefixItems', 'then', 'else', 'contains']);

/** One violation as gojsonschema words it: `field: description`. */
function describe(e: OutputUnit, data: unknown, schema: unknown): string | undefined {
  if (WRAPPERS.has(e.keyword)) return undefined;
  const field = fieldOf(e.instanceLocation);
  const value = at(data, e.instanceLocation);
  const limit = schemaAt(schema, e.keywordLocation);
  const list = (xs: unknown): string => (Array.isArray(xs) ? xs : [xs]).map((x) => JSON.stringify(x)).join(', ');
  let text: string;
  switch (e.keyword) {
    case 'required': {
      const missing = Array.isArray(limit) ? limit.filter((k) => typeof k === 'string' && (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, k))) : [];
      return missing.length ? missing.map((k) => `${field}: ${String(k)} is required`).join('\n- ') : `${field}: ${e.error}`;
    }
    case 'type': text = `Invalid type. Expected: ${(Array.isArray(limit) ? limit : [limit]).map(String).join(', ')}, given: ${typeOf(value)}`; break;
    case 'enum': text = `${field} must be one of the following: ${list(limit)}`; break;
    case 'const': text = `${field} does not match: ${JSON.stringify(limit)}`; break;
    case 'additionalProperties': {
      // a schema for the other properties: its own errors below say what; `false`: the property is not allowed
      if (limit !== false) return undefined;
      const m = /"([^"]*)"/.exec(e.error);
      text = m ? `Additional property ${m[1]} is not allowed` : e.error;
      break;
    }
    // draft 4: a boolean exclusiveMinimum / exclusiveMaximum beside the bound makes it exclusive
    case 'minimum': text = `Must be greater than ${sibling(schema, e.keywordLocation, 'exclusiveMinimum') === true ? '' : 'or equal to '}${String(limit)}`; break;
    case 'maximum': text = `Must be less than ${sibling(schema, e.keywordLocation, 'exclusiveMaximum') === true ? '' : 'or equal to '}${String(limit)}`; break;
    case 'exclusiveMinimum': text = `Must be greater than ${String(typeof limit === 'number' ? limit : schemaAt(schema, e.keywordLocation.replace(/exclusiveMinimum$/, 'minimum')))}`; break;
    case 'exclusiveMaximum': text = `Must be less than ${String(typeof limit === 'number' ? limit : schemaAt(schema, e.keywordLocation.replace(/exclusiveMaximum$/, 'maximum')))}`; break;
    case 'minLength': text = `String length must be greater than or equal to ${String(limit)}`; break;
    case 'maxLength': text = `String length must be less than or equal to ${String(limit)}`; break;
    case 'minItems': text = `Array must have at least ${String(limit)} items`; break;
    case 'maxItems': text = `Array must have at most ${String(limit)} items`; break;
    case 'pattern': text = `Does not match pattern '${String(limit)}'`; break;
    case 'format': text = `Does not match format '${String(limit)}'`; break;
    case 'minProperties': text = `Must have at least ${String(limit)} properties`; break;
    case 'maxProperties': text = `Must have at most ${String(limit)} properties`; break;
    case 'multipleOf': text = `Must be a multiple of ${String(limit)}`; break;
    case 'uniqueItems': {
      const [i, j] = firstTwin(value);
      text = `array items[${i},${j}] must be unique`;
      break;
    }
    case 'oneOf': text = 'Must validate one and only one schema (oneOf)'; break;
    case 'anyOf': text = 'Must validate at least one schema (anyOf)'; break;
    case 'not': text = 'Must not validate the schema (not)'; break;
    case 'if': text = e.error.includes('"else"') ? 'Must validate "else" as "if" was not valid' : 'Must validate "then" as "if" was valid'; break;
    default: text = e.error;
  }
  return `${field}: ${text}`;
}

export interface SchemaViolation {
  /** the chart whose schema the values break (its name, as Helm prints it) */
  chart: string;
  /** the schema file's workspace path (undefined inside an archive) */
  path?: string;
  /** Helm's lines for this chart: `- path: message` (or why the schema cannot be read) */
  lines: string[];
  /** the schema was too large to check */
  limit?: boolean;
}

/** The values of a chart checked against its schema, then each dependency's (under its name) against its own. */
export function checkValues(c: LoadedChart, values: Value): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  if (c.schema !== undefined) {
    const lines: string[] = [];
    const big = c.schema.text.length > MAX_SCHEMA_CHARS;
    const got: Compiled = big ? { error: `longer than ${MAX_SCHEMA_CHARS} characters, not checked (a limit)` } : compiled.get(c.schema.text, compile);
    let result: ReturnType<Validator['validate']> | undefined;
    let error = got.error;
    const data = isMap(values) ? toJson(values) : {};
    if (got.validator) {
      try {
        result = got.validator.validate(data);
      } catch (err) {
        error = `the schema cannot be read: ${(err as Error).message}`;
      }
    }
    if (error !== undefined) lines.push(`values.schema.json: ${error}`);
    else if (result && got.validator) {
      const schema = got.error === undefined ? got.schema : undefined;
      if (!result.valid) {
        // a property `additionalProperties: false` refuses is said once, as that keyword's error (not also as the
        // `false` schema's below it)
        const refused = new Set(result.errors.filter((e) => e.keyword === 'additionalProperties').map((e) => e.instanceLocation));
        const units = result.errors.filter((e) => !(e.keyword === 'false' && refused.has(e.instanceLocation.slice(0, e.instanceLocation.lastIndexOf('/')))));
        const errors = units.map((e) => describe(e, data, schema)).filter((e): e is string => e !== undefined);
        const unique = errors.filter((e, i) => errors.indexOf(e) === i);
        for (const e of unique.slice(0, MAX_VIOLATIONS)) lines.push(`- ${e}`);
        if (unique.length > MAX_VIOLATIONS) lines.push(`- … and ${unique.length - MAX_VIOLATIONS} more`);
      }
    }
    if (lines.length > 0) {
      const v: SchemaViolation = { chart: c.name, lines };
      if (c.schema.path !== undefined) v.path = c.schema.path;
      if (big) v.limit = true;
      out.push(v);
    }
  }
  for (const d of c.deps) {
    const dv = isMap(values) ? values.get(d.name) : undefined;
    if (dv === undefined || dv === null) continue;
    out.push(...checkValues(d, dv));
  }
  return out;
}

/** Helm's message for the violations of a chart and its dependencies. */
export function schemaMessage(violations: readonly SchemaViolation[]): string {
  const body = violations.map((v) => `${v.chart}:\n${v.lines.join('\n')}`).join('\n');
  return `values don't meet the specifications of the schema(s) in the following chart(s):\n${body}`;
}
