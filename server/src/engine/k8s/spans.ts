import type { YPair } from '../parse/yaml';
import type { ServicePort } from './service';
import type { Span } from '../text/span';

/** The value of a pair, or its key when the value is missing. */
export function valueSpan(pair: YPair): Span {
  return pair.value?.span ?? pair.key.span;
}

/** The first line of a `ports[]` item: from the item's start to the end of its first pair. */
export function portItemHead(p: ServicePort): Span {
  const first = p.node.pairs[0];
  if (!first) return p.span;
  const end = first.value && first.value.kind === 'scalar' ? first.value.span.end : first.key.span.end;
  return { start: p.span.start, end: Math.max(end, p.span.start) };
}
