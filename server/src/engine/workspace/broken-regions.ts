/**
 * Where a manifest's YAML syntax problems make what the checks would say about a Service untrustworthy (the
 * parser's recovery is not what the user wrote): findings there are left out, only the syntax problem is said.
 */
import type { ServiceModel } from '../k8s/service';
import type { YNode } from '../parse/yaml';
import type { LineIndex } from '../text/line-index';
import type { Span } from '../text/span';
import type { ParsedManifest } from './types';

/**
 * Where a manifest's YAML syntax problems leave a Service's tree unreliable: the line of each problem inside a
 * Service, and the innermost collection (map or sequence) of the Service that holds it — what the parser's
 * recovery made of it (an item split in two, a key that swallowed its value) is not what the user wrote. A Service
 * finding there is left out, so that only the syntax problem is reported; the rest of the document
 * and the file is analysed as usual. Problems outside the Services (a broken ConfigMap) are not looked at.
 */
export function brokenRegions(m: ParsedManifest, services: readonly ServiceModel[], lines: () => LineIndex): Span[] {
  if (m.template || services.length === 0) return [];
  const out: Span[] = [];
  let seen = 0;
  for (const p of m.problems) {
    if (p.limit) continue;
    // (at most so many: garbage gives a problem per token; the first ones cover what follows them anyway)
    if (++seen > MAX_BROKEN_REGIONS) break;
    const svc = services.find((x) => x.object.span.start <= p.span.start && p.span.start <= x.object.span.end);
    if (!svc) continue;
    const index = lines();
    let start = index.lineStart(index.positionAt(p.span.start).line);
    let end = index.offsetAt({ line: index.positionAt(p.span.end).line, character: Number.MAX_SAFE_INTEGER });
    const holder = innermostCollection(svc.object.root, p.span.start);
    if (holder) { start = Math.min(start, holder.start); end = Math.max(end, holder.end); }
    out.push({ start, end });
  }
  return out;
}

const MAX_BROKEN_REGIONS = 50;

/** The span of the innermost map or sequence of a tree whose span holds `offset` (children are in text order). */
function innermostCollection(root: YNode | null, offset: number): Span | undefined {
  const holds = (n: YNode | null | undefined): n is YNode => !!n && n.kind !== 'scalar' && n.span.start <= offset && offset <= n.span.end;
  let found: Span | undefined;
  let n: YNode | null | undefined = root;
  for (let depth = 0; holds(n) && depth < 1000; depth++) {
    found = n.span;
    let next: YNode | null | undefined;
    if (n.kind === 'map') {
      // the last pair that starts at or before the offset (a binary search: maps may have thousands of keys)
      let lo = 0;
      let hi = n.pairs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (n.pairs[mid].span.start <= offset) lo = mid; else hi = mid - 1;
      }
      next = n.pairs[lo]?.value;
    } else if (n.kind === 'seq') {
      for (const item of n.items) {
        if (item && item.span.start > offset) break;
        if (holds(item)) { next = item; break; }
      }
    }
    n = next;
  }
  return found;
}
