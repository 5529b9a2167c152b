/**
 * The values of a Terraform plan or state JSON as the readers ask for them: a resource with where it sits, and a
 * value of it known, known only after apply, or absent.
 */
import { arrayItems, booleanValue, isJsonNull, propertyValue, type JsonNode } from '../parse/json';

/** A resource of the plan or state, with where it sits. */
export interface Resource {
  node: JsonNode;
  values: JsonNode | undefined;
  address: string;
  type: string;
  /** the module's address (`module.a[0].module.b`), '' for the root module */
  module: string;
  /** `[0]`, `["a"]` of a resource with count or for_each, else '' */
  indexText: string;
  /** its `after_unknown` (plans only) */
  unknown: JsonNode | undefined;
  /** its block in the plan's `configuration` (plans only) */
  config: JsonNode | undefined;
}

/** A value of the plan or state: known (a node, possibly null), unknown until apply, or absent. */
export type Field = { kind: 'known'; node: JsonNode } | { kind: 'unknown' } | { kind: 'absent' };

/** Does `after_unknown` mark the value at `steps` (or a value holding it) unknown? */
function unknownAt(au: JsonNode | undefined, steps: readonly (string | number)[]): boolean {
  let node = au;
  for (const s of steps) {
    if (!node) return false;
    if (booleanValue(node) === true) return true;
    node = typeof s === 'number' ? arrayItems(node)[s] : propertyValue(node, s);
  }
  return !!node && booleanValue(node) === true;
}

/**
 * The value `key` of the object at `steps` under a resource's values. In a plan, a value absent from
 * `planned_values` is one Terraform knows only after apply; in a state an absent value is null.
 */
export function known(r: Resource, from: 'plan' | 'state', steps: readonly (string | number)[], key: string, obj?: JsonNode): Field {
  if (unknownAt(r.unknown, [...steps, key])) return { kind: 'unknown' };
  const holder = obj ?? r.values;
  const node = propertyValue(holder, key);
  if (node === undefined) return from === 'plan' && holder !== undefined ? { kind: 'unknown' } : { kind: 'absent' };
  return isJsonNull(node) ? { kind: 'absent' } : { kind: 'known', node };
}

