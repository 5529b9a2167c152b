/**
 * A chart's `values.schema.json` checked as Helm checks it before rendering: the chart's coalesced values (and each
 * enabled dependency's values, under its name, against that dependency's own schema) validated with JSON Schema
 * (draft 4 when the schema's `$schema` says so, else draft 7, which also reads draft 6). A violation, or a schema
 * that cannot be read or compiled, is a failure whose message is Helm's: the chart's name, then one `- path: message`
 * line per violation, in gojsonschema's wording for the common keywords.
 *
 * This is the only module that imports `ajv`. Pure: nothing is fetched. A `$ref` to a schema that is not in the file
 * (a remote or unknown URI) is no constraint: it is compiled as the empty schema. Compiled schemas are kept by their
 * text, bounded (`TextCache`).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { jsonValue, parseJson } from '../parse/json';
import type { LoadedChart } from './chart-load';
import { TextCache } from './text-cache';
import { intOf, isInt, isMap, type Value } from './value';

/** Violations listed per chart; the rest are counted. */
export const MAX_VIOLATIONS = 20;
/**
 * A schema longer than this is not compiled (ajv generates code for every keyword: about 1 s per 100 KiB, read and
 * compiled, on a loaded 2-core machine); the chart is then not rendered, a limit.
 */
export const MAX_SCHEMA_CHARS = 512 * 1024;
/** Unknown `$ref`s a schema may hold before it is reported as unreadable. */
const MAX_MISSING_REFS = 64;

type Compiled = { validate: ValidateFunction; error?: undefined } | { validate?: undefined; error: string };

const compiled = new TextCache<Compiled>(4_000_000);

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
  // no optimising pass over the generated code: it halves the compile time of a large schema
  const options = { strict: false, allErrors: true, logger: false as const, validateSchema: false, code: { optimize: false } };
  const ajv = draft4 ? new AjvDraft04(options) : new Ajv(options);
  addFormats(ajv);
  for (let i = 0; i <= MAX_MISSING_REFS; i++) {
    try {
      return { validate: ajv.compile(schema as object) };
    } catch (err) {
      const missing = (err as { missingSchema?: unknown }).missingSchema;
      if (typeof missing !== 'string' || missing === '' || ajv.getSchema(missing)) {
        return { error: `the schema cannot be compiled: ${(err as Error).message}` };
      }
      // a schema that is not here is never fetched: it constrains nothing
      ajv.addSchema({}, missing);
    }
  }
  return { error: `the schema refers to more than ${MAX_MISSING_REFS} schemas that are not in it` };
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

function fieldOf(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

function typeOf(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'number') return Number.isInteger(x) ? 'integer' : 'number';
  return typeof x;
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  if (pointer === '') return cur;
  for (const raw of pointer.slice(1).split('/')) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** One violation as gojsonschema words it: `field: description`. */
function describe(e: ErrorObject, data: unknown): string {
  const field = fieldOf(e.instancePath);
  const p = e.params as Record<string, unknown>;
  const list = (xs: unknown): string => (Array.isArray(xs) ? xs : [xs]).map((x) => JSON.stringify(x)).join(', ');
  let text: string;
  switch (e.keyword) {
    case 'required': text = `${String(p.missingProperty)} is required`; break;
    case 'type': text = `Invalid type. Expected: ${String(p.type).split(',').join(', ')}, given: ${typeOf(valueAt(data, e.instancePath))}`; break;
    case 'enum': text = `${field} must be one of the following: ${list(p.allowedValues)}`; break;
    case 'const': text = `${field} does not match: ${JSON.stringify(p.allowedValue)}`; break;
    case 'additionalProperties': text = `Additional property ${String(p.additionalProperty)} is not allowed`; break;
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum': {
      const cmp = String(p.comparison);
      const word = cmp === '>=' ? 'greater than or equal to' : cmp === '>' ? 'greater than' : cmp === '<=' ? 'less than or equal to' : 'less than';
      text = `Must be ${word} ${String(p.limit)}`;
      break;
    }
    case 'minLength': text = `String length must be greater than or equal to ${String(p.limit)}`; break;
    case 'maxLength': text = `String length must be less than or equal to ${String(p.limit)}`; break;
    case 'minItems': text = `Array must have at least ${String(p.limit)} items`; break;
    case 'maxItems': text = `Array must have at most ${String(p.limit)} items`; break;
    case 'pattern': text = `Does not match pattern '${String(p.pattern)}'`; break;
    case 'format': text = `Does not match format '${String(p.format)}'`; break;
    case 'minProperties': text = `Must have at least ${String(p.limit)} properties`; break;
    case 'maxProperties': text = `Must have at most ${String(p.limit)} properties`; break;
    case 'multipleOf': text = `Must be a multiple of ${String(p.multipleOf)}`; break;
    case 'uniqueItems': text = `array items[${Math.min(Number(p.i), Number(p.j))},${Math.max(Number(p.i), Number(p.j))}] must be unique`; break;
    case 'oneOf': text = 'Must validate one and only one schema (oneOf)'; break;
    case 'anyOf': text = 'Must validate at least one schema (anyOf)'; break;
    case 'not': text = 'Must not validate the schema (not)'; break;
    case 'if': text = p.failingKeyword === 'else' ? 'Must validate "else" as "if" was not valid' : 'Must validate "then" as "if" was valid'; break;
    default: text = e.message ?? e.keyword;
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
    if (got.error !== undefined) lines.push(`values.schema.json: ${got.error}`);
    else {
      const data = isMap(values) ? toJson(values) : {};
      if (!got.validate(data)) {
        const errors = (got.validate.errors ?? []).map((e) => describe(e, data));
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
