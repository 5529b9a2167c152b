/**
 * The pieces `YamlFile` cuts a file into (one document each, usually): each parsed alone and placed where it is
 * in the file, copied when its text is there twice, moved when the text before it changed (its place at once,
 * its tree when something reads it: `settlePiece`), and checked against its neighbours when it may read
 * differently beside them.
 */
import type { ParseProblem } from '../problem';
import { isSpaceCode } from './chars';
import { optionsKeyOf, YAML_LIMITS, type YamlParseOptions } from './limits';
import { copyDocument, movedProblems, moveSpans, sameNode, sameProblems, spansOf } from './move';
import type { Span } from '../../text/span';
import { parseCounted, type CountedParse } from './read';
import type { YDocument, YNode } from './tree';

/** A copy of `s` that does not keep the string it was cut from alive (V8 keeps a slice's parent). */
function detached(s: string): string {
  return (' ' + s).slice(1);
}

/**
 * One piece of a YAML file: the text from one document marker to the next (one document, with the comments and
 * markers around it), parsed alone, placed where it is in the file: spans from the file's start, documents
 * numbered through the file.
 */
export interface Piece {
  /** its text (a copy, unless read with the file's first text: see `parsePiece`) */
  text: string;
  documents: YDocument[];
  problems: ParseProblem[];
  stats: CountedParse;
  /** where its text is in the file's last text, and the index of its first document there */
  base: number;
  firstIndex: number;
  /**
   * where its tree is: the offset its spans (and its problems') count from, and the index its first document has.
   * The same as `base` and `firstIndex` once settled (`settlePiece`); a piece the last edit moved is behind.
   */
  treeBase: number;
  treeFirstIndex: number;
  /** every span of its tree once (aliases' shared ones too), made when it is first placed away from 0 */
  spans?: Span[];
  /**
   * It may parse differently beside its neighbours: it has syntax errors, or its last line that is not blank
   * holds a comment and its last node is empty (the `yaml` package then ends the collection before that
   * line's break when a marker follows, and after it at the end of the text).
   */
  suspect: boolean;
  /** the piece after it, when the two were found to parse together as they do alone */
  fitsBefore?: Piece;
  /** the parse (`YamlFile` generation) whose layout it was last part of */
  generation: number;
  /** the options it was parsed with (template or not, limits) */
  optionsKey: string;
}

function suspectPiece(text: string, parse: CountedParse): boolean {
  if (parse.errors) return true;
  let end = text.length;
  while (end > 0 && isSpaceCode(text.charCodeAt(end - 1))) end--;
  const lineStart = Math.max(text.lastIndexOf('\n', end - 1), text.lastIndexOf('\r', end - 1)) + 1;
  if (!text.slice(lineStart, end).includes('#')) return false;
  const docs = parse.result.documents;
  return emptyEnd(docs[docs.length - 1]?.contents ?? null);
}

/** The last node of a tree (in the order of the text) is missing or an empty value. */
function emptyEnd(n: YNode | null): boolean {
  for (let depth = 0; depth < YAML_LIMITS.maxDepth; depth++) {
    if (!n) return true;
    if (n.kind === 'scalar') return n.value === null;
    if (n.kind === 'seq') {
      if (n.items.length === 0) return true;
      n = n.items[n.items.length - 1];
    } else {
      if (n.pairs.length === 0) return true;
      n = n.pairs[n.pairs.length - 1].value;
    }
  }
  return true;
}

/**
 * Parse a piece's text alone and place the result at `base`, its documents numbered from `firstIndex`.
 * `detach`: read a copy of the text, so that the piece and its tree (whose strings may be slices of what was read)
 * do not keep the file's text alive once the file changed — needed for a file that was already read (each edit
 * would otherwise keep one more version of the text alive), not on the first read, when the text is the file's
 * own (at most that one version outlives an edit).
 */
export function parsePiece(text: string, base: number, firstIndex: number, options: YamlParseOptions, generation: number, detach = true): Piece {
  const own = detach ? detached(text) : text;
  const stats = parseCounted(own, options);
  const { documents, problems } = stats.result;
  for (const d of documents) d.index += firstIndex;
  // placed at `base`: its spans listed as they are moved there (every later move is a loop over the list)
  let spans: Span[] | undefined;
  if (base !== 0) {
    spans = [];
    for (const d of documents) spansOf(d, spans);
    moveSpans(spans, base);
  }
  return {
    text: own, documents, stats, base, firstIndex, treeBase: base, treeFirstIndex: firstIndex, spans, generation, suspect: suspectPiece(own, stats), optionsKey: optionsKeyOf(options, !!options.template),
    problems: base === 0 ? problems : movedProblems(problems, base),
  };
}

/** The same piece a second time in a file: a copy of its trees, placed (and settled) at `base`. */
export function copyPiece(p: Piece, base: number, firstIndex: number, generation: number): Piece {
  const delta = base - p.treeBase;
  return {
    ...p, base, firstIndex, treeBase: base, treeFirstIndex: firstIndex, generation, fitsBefore: undefined, spans: undefined,
    documents: p.documents.map((d) => copyDocument(d, delta, d.index - p.treeFirstIndex + firstIndex)),
    problems: movedProblems(p.problems, delta),
  };
}

/** Place a piece where its text now is; its tree follows when it is settled (`settlePiece`). */
export function movePiece(p: Piece, base: number, firstIndex: number): void {
  p.base = base;
  p.firstIndex = firstIndex;
}

/** A piece's tree is where its text is (true after `settlePiece`, and for a piece that did not move). */
export function isSettled(p: Piece): boolean {
  return p.treeBase === p.base && p.treeFirstIndex === p.firstIndex;
}

/**
 * Move a piece's tree, in place, where its text now is: every span (the tree's, the problems') by the distance
 * its text moved since the tree was last settled, its documents renumbered. True when it had to move.
 */
export function settlePiece(p: Piece): boolean {
  if (isSettled(p)) return false;
  const delta = p.base - p.treeBase;
  if (p.firstIndex !== p.treeFirstIndex) for (const d of p.documents) d.index = d.index - p.treeFirstIndex + p.firstIndex;
  if (delta !== 0) {
    // its spans are listed once (a walk of its trees: here for a piece parsed at 0), then every move is a loop over the list
    if (!p.spans) {
      const spans: Span[] = [];
      for (const d of p.documents) spansOf(d, spans);
      p.spans = spans;
    }
    moveSpans(p.spans, delta);
    p.problems = movedProblems(p.problems, delta);
  }
  p.treeBase = p.base;
  p.treeFirstIndex = p.firstIndex;
  return true;
}

/** Two neighbouring pieces parsed together (offsets from the first one's start) give what they give alone. */
export function sameAsPieces(joined: CountedParse, a: Piece, b: Piece): boolean {
  settlePiece(a);
  settlePiece(b);
  if (joined.limited) return false;
  const docs = joined.result.documents;
  if (docs.length !== a.documents.length + b.documents.length) return false;
  for (let i = 0; i < docs.length; i++) {
    const first = i < a.documents.length;
    const mine = first ? a.documents[i] : b.documents[i - a.documents.length];
    const delta = -a.base;
    if (docs[i].index !== mine.index - a.firstIndex || docs[i].span.start !== mine.span.start + delta || docs[i].span.end !== mine.span.end + delta) return false;
    if (!sameNode(docs[i].contents, mine.contents, delta, new Set())) return false;
  }
  const mine = [...a.problems, ...b.problems];
  return sameProblems(joined.result.problems, mine, -a.base);
}
