/**
 * Span relocation: what one analysis said is kept for the next one with its spans moved where the text moved.
 * `YamlFile` reports, per parse, which ranges of the previous text it kept and by how much they moved
 * (`DocumentMove`); a chain of those (every parse since the last analysis) relocates an offset, or says that the
 * text around it changed (then what was said there is worked out again).
 */
import type { Finding } from '../findings/finding';
import type { DocumentMove } from '../parse/yaml';
import type { Span } from '../text/span';
import type { OwnFindings } from './types';

/** An offset's place in the current text, or undefined when the text around it changed. */
export type Relocate = (path: string, span: Span) => Span | undefined;

export function relocator(moves: ReadonlyMap<string, readonly (readonly DocumentMove[])[]>): Relocate {
  return (path, span) => {
    const chain = moves.get(path);
    if (!chain) return span;
    let start = span.start;
    const length = span.end - span.start;
    for (const list of chain) {
      const m = moveAt(list, start);
      if (!m || start + length > m.end) return undefined;
      start += m.delta;
    }
    return start === span.start ? span : { start, end: start + length };
  };
}

/** The move whose range holds `offset` (ranges are sorted and do not overlap). */
function moveAt(list: readonly DocumentMove[], offset: number): DocumentMove | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = list[mid];
    if (offset < m.start) hi = mid - 1;
    else if (offset >= m.end) lo = mid + 1;
    else return m;
  }
  return undefined;
}

/**
 * A finding whose spans are its own: a check may hand out a span of the YAML tree itself, which moves with its
 * document (YamlFile moves trees in place); what is kept from one analysis to the next is moved by `relocate`.
 */
export function detach(f: Finding): Finding {
  return relocateFinding(f, (_path, s) => ({ start: s.start, end: s.end }))!;
}

/** A finding with its spans where they are now (the same object when nothing moved), or undefined. */
export function relocateFinding(f: Finding, relocate: Relocate): Finding | undefined {
  const span = relocate(f.path, f.span);
  if (!span) return undefined;
  let related = f.related;
  for (let i = 0; i < f.related.length; i++) {
    const r = f.related[i];
    const s = relocate(r.path, r.span);
    if (!s) return undefined;
    if (s !== r.span) {
      if (related === f.related) related = [...f.related];
      related[i] = { ...r, span: s };
    }
  }
  // a fix's spans are in the finding's file
  const fix = f.fix ? relocateValue(f.fix, (s) => relocate(f.path, s)) : undefined;
  if (fix === null) return undefined;
  if (span === f.span && related === f.related && fix === f.fix) return f;
  return { ...f, span, related, ...(fix ? { fix: fix as Finding['fix'] } : {}) };
}

function isSpan(v: object): v is Span {
  const o = v as Record<string, unknown>;
  return typeof o.start === 'number' && typeof o.end === 'number' && Object.keys(o).length === 2;
}

/** Plain data with every span in it relocated; the same object when nothing moved; null when a span cannot be. */
function relocateValue(v: unknown, move: (s: Span) => Span | undefined): unknown {
  if (!v || typeof v !== 'object') return v;
  if (isSpan(v)) return move(v) ?? null;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = relocateValue(v[i], move);
      if (x === null && v[i] !== null) return null;
      if (x !== v[i]) (out ??= [...v])[i] = x;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const y = relocateValue(x, move);
    if (y === null && x !== null) return null;
    if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
  }
  return out ?? v;
}

export function relocateList(list: Finding[], relocate: Relocate): Finding[] | undefined {
  let out: Finding[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const f = relocateFinding(list[i], relocate);
    if (!f) return undefined;
    if (f !== list[i]) (out ??= [...list])[i] = f;
  }
  return out ?? list;
}

export function relocateOwn(own: OwnFindings, relocate: Relocate): OwnFindings | undefined {
  const api = relocateList(own.api, relocate);
  const unknown = relocateList(own.unknown, relocate);
  const oci = relocateList(own.oci, relocate);
  const reach = relocateList(own.reach, relocate);
  return api && unknown && oci && reach ? { api, unknown, oci, reach } : undefined;
}
