/**
 * The values a chart's templates see, as Helm's chartutil computes them: the values files merged (later ones
 * win, maps deeply), coalesced with the chart's `values.yaml` (a user's `null` deletes a default), each
 * dependency's values under its name with its own defaults beneath, `global` copied down (the parent's globals
 * win); dependencies whose `condition` (or `tags`) is false are dropped before rendering.
 */
import type { LoadedChart } from './chart-load';
import { deepCopy, isMap, type GoMap, type Value } from './value';

function istable(v: Value | undefined): v is GoMap {
  return v !== undefined && isMap(v);
}

export function mergeMaps(a: GoMap, b: GoMap): GoMap {
  const out: GoMap = new Map(a);
  for (const [k, v] of b) {
    const cur = out.get(k);
    if (istable(v) && istable(cur)) out.set(k, mergeMaps(cur, v));
    else out.set(k, v);
  }
  return out;
}

function coalesceTables(dst: GoMap, src: GoMap, merge: boolean): GoMap {
  for (const [key, val] of src) {
    const has = dst.has(key);
    const dv = dst.get(key);
    if (has && !merge && dv === null) dst.delete(key);
    else if (!has) dst.set(key, val);
    else if (istable(val) && istable(dv)) coalesceTables(dv, val, merge);
  }
  return dst;
}

function coalesceValues(c: LoadedChart, v: GoMap): void {
  for (const [key, val] of deepCopy(c.values) as GoMap) {
    if (v.has(key)) {
      const value = v.get(key)!;
      if (value === null) v.delete(key);
      else if (istable(value) && istable(val)) coalesceTables(value, val, false);
    } else v.set(key, val);
  }
}

function coalesceGlobals(dest: GoMap, src: GoMap): void {
  let dg: GoMap;
  let sg: GoMap;
  const d = dest.get('global');
  if (d === undefined) dg = new Map();
  else if (istable(d)) dg = d;
  else return;
  const s = src.get('global');
  if (s === undefined) sg = new Map();
  else if (istable(s)) sg = s;
  else return;
  for (const [key, val] of sg) {
    if (istable(val)) {
      const vv: GoMap = new Map(val);
      const destv = dg.get(key);
      if (destv === undefined) dg.set(key, vv);
      else if (istable(destv)) { coalesceTables(vv, destv, true); dg.set(key, vv); }
    } else if (istable(dg.get(key))) {
      // a table is not replaced by a scalar
    } else dg.set(key, val);
  }
  dest.set('global', dg);
}

export function coalesce(c: LoadedChart, dest: GoMap): GoMap {
  coalesceValues(c, dest);
  for (const sub of c.deps) {
    if (!dest.has(sub.name)) dest.set(sub.name, new Map());
    const dv = dest.get(sub.name)!;
    if (!istable(dv)) continue;
    coalesceGlobals(dv, dest);
    dest.set(sub.name, coalesce(sub, dv));
  }
  return dest;
}

function pathValue(vals: GoMap, path: string): Value | undefined {
  let cur: Value = vals;
  for (const k of path.split('.')) {
    if (!istable(cur) || !cur.has(k)) return undefined;
    cur = cur.get(k)!;
  }
  return cur;
}

/** Drops the dependencies whose condition or tags are false (and applies aliases), recursively. */
export function enableDependencies(c: LoadedChart, vals: GoMap): void {
  const declared = Array.isArray(c.meta.get('dependencies')) ? (c.meta.get('dependencies') as Value[]) : [];
  const kept: LoadedChart[] = [];
  for (const d of c.deps) {
    let enabled = true;
    for (const dv of declared) {
      if (!istable(dv) || dv.get('name') !== d.name) continue;
      const alias = dv.get('alias');
      if (typeof alias === 'string' && alias !== '') d.name = alias;
      let tagsOn = true;
      const tags = dv.get('tags');
      if (Array.isArray(tags) && tags.length > 0) {
        let found = false;
        tagsOn = false;
        for (const t of tags) {
          const b = pathValue(vals, `tags.${String(t)}`);
          if (typeof b === 'boolean') { found = true; tagsOn = tagsOn || b; }
        }
        if (!found) tagsOn = true;
      }
      enabled = tagsOn;
      const cond = dv.get('condition');
      if (typeof cond === 'string' && cond !== '') {
        for (const p of cond.split(',')) {
          const b = pathValue(vals, p.trim());
          if (typeof b === 'boolean') { enabled = b; break; }
        }
      }
    }
    if (enabled) kept.push(d);
  }
  c.deps = kept;
}

/** The values of the chart and its dependencies for rendering, from the user's (merged) values. */
export function renderValues(c: LoadedChart, user: GoMap): GoMap {
  enableDependencies(c, coalesce(c, deepCopy(user) as GoMap));
  return coalesce(c, deepCopy(user) as GoMap);
}
