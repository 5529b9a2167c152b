/** A half-open range of UTF-16 offsets into one file's text. The engine speaks only in spans. */
export interface Span {
  start: number;
  end: number;
}

export function span(start: number, end: number): Span {
  return { start, end };
}

export function spanContains(outer: Span, offset: number): boolean {
  return offset >= outer.start && offset <= outer.end;
}

/** `inner` lies wholly within `outer`. */
export function spanWithin(inner: Span, outer: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

export function spanLength(s: Span): number {
  return s.end - s.start;
}
