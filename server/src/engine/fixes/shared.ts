/**
 * YAML that anchors and aliases share: `ports: &ports [...]` in one Service and `ports: *ports` in another are
 * one node in the tree (parse/yaml.ts never copies an alias; merge keys `<<` share the pairs they fold in). An
 * edit inside such a node changes every place that uses it: pinning a node port there pins it for both Services
 * and makes a `nodeport-conflict` by itself. So a fix never edits a shared node; it says it cannot instead.
 */
import type { YDocument, YNode, YPair } from '../parse/yaml';
import type { Span } from '../text/span';

/** The places of one manifest's text that its tree holds more than once. */
export interface SharedPlaces {
  /** collections and pairs: any edit within them (an insertion at either end too) */
  wide: Span[];
  /** scalars: an edit within them, an insertion right after one excepted */
  scalars: Span[];
}

export const SHARED_REFUSAL = 'the fix would edit YAML that an anchor shares with an alias (or a merge key), so it would change every place that uses it; edit it by hand';

/** Walks each document once; a node or pair met a second time is shared (so is all it holds, inside its span). */
export function sharedPlaces(documents: readonly YDocument[]): SharedPlaces {
  const out: SharedPlaces = { wide: [], scalars: [] };
  const seen = new Set<YNode | YPair>();
  /** shared ones already noted (an anchor named by a thousand aliases is one place) */
  const noted = new Set<YNode | YPair>();
  for (const d of documents) {
    const stack: (YNode | null)[] = [d.contents];
    while (stack.length > 0) {
      const n = stack.pop();
      if (!n) continue;
      if (seen.has(n)) {
        if (!noted.has(n)) (n.kind === 'scalar' ? out.scalars : out.wide).push(n.span);
        noted.add(n);
        continue;
      }
      seen.add(n);
      if (n.kind === 'seq') {
        for (const i of n.items) stack.push(i);
      } else if (n.kind === 'map') {
        for (const p of n.pairs) {
          if (seen.has(p)) {
            if (!noted.has(p)) out.wide.push(p.span);
            noted.add(p);
            continue;
          }
          seen.add(p);
          stack.push(p.key, p.value);
        }
      }
    }
  }
  return out;
}

/** Does an edit of `span` change something `places` holds more than once? */
export function editsShared(places: SharedPlaces, span: Span): boolean {
  for (const s of places.wide) if (span.start >= s.start && span.end <= s.end) return true;
  for (const s of places.scalars) {
    if (span.start >= s.start && span.end <= s.end && (span.start < s.end || s.start === s.end)) return true;
  }
  return false;
}
