/**
 * The function map Helm gives templates: Go's builtins, Sprig (without `env` and `expandenv`), and Helm's own
 * (`include`, `tpl`, `required`, `toYaml`, `fromYaml`, `fromYamlArray`, `toJson`, `fromJson`, `fromJsonArray`,
 * `lookup` — always an empty map: nothing here talks to a cluster).
 */
import { BUILTINS } from './builtins';
import { def, type FuncDef, type FuncMap } from './funcs';
import { JsonError, marshal, unmarshal } from './json';
import { SPRIG_COLLECTIONS } from './sprig-collections';
import { SPRIG_MISC } from './sprig-misc';
import { SPRIG_RANDOM } from './sprig-random';
import { SPRIG_REFLECT } from './sprig-reflect';
import { SPRIG_STRINGS } from './sprig-strings';
import { GoError, type GoMap, type Value } from './value';
import { marshalYaml, toYaml } from './yaml-emit';
import { readYaml } from './yaml-values';

function jsonKind(v: Value): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Map) return 'object';
  return 'number';
}

function fromYaml(s: string): GoMap {
  const r = readYaml(s);
  if (r.error) return new Map([['Error', `error converting YAML to JSON: ${r.error}`]]);
  if (r.value === null) return new Map();
  if (!(r.value instanceof Map)) return new Map([['Error', `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(r.value)} into Go value of type map[string]interface {}`]]);
  return r.value;
}

function fromYamlArray(s: string): Value[] {
  const r = readYaml(s);
  if (r.error) return [`error converting YAML to JSON: ${r.error}`];
  if (r.value === null) return [];
  if (!Array.isArray(r.value)) return [`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(r.value)} into Go value of type []interface {}`];
  return r.value;
}

function fromJson(s: string): GoMap {
  try {
    const v = unmarshal(s);
    if (v instanceof Map) return v;
    if (v === null) return new Map();
    return new Map([['Error', 'json: cannot unmarshal into Go value of type map[string]interface {}']]);
  } catch (e) {
    return new Map([['Error', (e as Error).message]]);
  }
}

function fromJsonArray(s: string): Value[] {
  try {
    const v = unmarshal(s);
    if (Array.isArray(v)) return v;
    if (v === null) return [];
    return ['json: cannot unmarshal into Go value of type []interface {}'];
  } catch (e) {
    return [(e as Error).message];
  }
}

const HELM: [string, FuncDef][] = [
  ['toYaml', def(['any'], ([v]) => toYaml(v!))],
  ['mustToYaml', def(['any'], ([v]) => {
    try { return marshalYaml(v!).replace(/\n$/, ''); } catch (e) { throw new GoError((e as Error).message); }
  })],
  ['fromYaml', def(['string'], ([s]) => fromYaml(s as string))],
  ['fromYamlArray', def(['string'], ([s]) => fromYamlArray(s as string))],
  ['toJson', def(['any'], ([v]) => { try { return marshal(v!); } catch (e) { if (e instanceof JsonError) return ''; throw e; } })],
  ['mustToJson', def(['any'], ([v]) => { try { return marshal(v!); } catch (e) { throw new GoError((e as Error).message); } })],
  ['fromJson', def(['string'], ([s]) => fromJson(s as string))],
  ['fromJsonArray', def(['string'], ([s]) => fromJsonArray(s as string))],
  ['include', def(['string', 'any'], ([name, data], ctx) => ctx.include(name as string, data!))],
  ['tpl', def(['string', 'map'], ([text, data], ctx) => ctx.tpl(text as string, data!))],
  ['required', def(['string', 'any'], ([warn, v]) => {
    if (v === null || v === '') throw new GoError(warn as string);
    return v!;
  })],
  ['lookup', def(['string', 'string', 'string', 'string'], () => new Map())],
];

/** Every function a Helm template may call, Go's checks included. */
export const HELM_FUNCS: FuncMap = new Map<string, FuncDef>([
  ...SPRIG_STRINGS, ...SPRIG_COLLECTIONS, ...SPRIG_REFLECT, ...SPRIG_MISC, ...SPRIG_RANDOM, ...HELM, ...BUILTINS,
]);
