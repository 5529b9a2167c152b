/**
 * `YamlFile`: one YAML file kept between edits, parsed document by document (only the documents whose text
 * changed are parsed again), always with the result `parseYaml` gives for the whole text.
 */
import { lineEnd, loneCrAsLf } from './chars';
import { isTemplateText } from './template-text';
import { optionsKeyOf, YAML_LIMITS, type YamlParseOptions } from './limits';
import { copyDocument, movedProblems } from './move';
import { copyPiece, movePiece, parsePiece, sameAsPieces, settlePiece, type Piece } from './pieces';
import { parseCounted, parseYaml } from './read';
import { splitFrom, type Split } from './split';
import type { YDocument, YamlParseResult } from './tree';

/** Where a text differs from an earlier one: `before[start, oldEnd)` became `[start, newEnd)` of the new text. */
export interface TextChangeRange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * What the caller knows of how the new text differs from an earlier one (`before`): its changed range (undefined
 * when the texts are equal). Without it the texts are compared.
 */
export type ChangedSince = (before: string) => TextChangeRange | undefined;

/** A range of the text of the previous parse that is in this one too, moved by `delta`. */
export interface DocumentMove {
  start: number;
  end: number;
  delta: number;
}

export interface YamlFileStats {
  /** calls to `parse` that had new text */
  parses: number;
  /** pieces (one document each, usually) parsed, in all */
  piecesParsed: number;
  /** calls that parsed the whole text at once (directives, a limit, an error that reaches past its document) */
  wholeFile: number;
  /** pieces whose tree was moved where their text had moved (`settlePiece`), in all */
  piecesMoved: number;
}

/** Pieces that left the file are kept a while (undo, redo, a toggled character): at most this many. */
const KEPT_PIECES = 64;

/**
 * One YAML file, parsed document by document. The result is the one `parseYaml` gives for the whole text — the
 * same documents, spans and problems — at the cost of the documents that changed:
 *
 *  - the text is cut into pieces at its document markers (`documentStarts`), each parsed alone; after an edit,
 *    only the lines between the first and the last changed character are scanned again (until the scan meets
 *    a piece start of the unchanged end in the same state), and only pieces whose text is new are parsed;
 *  - a piece that did not change keeps its tree; when it moved, the tree is moved in place (its spans shifted,
 *    its documents renumbered), so that what was worked out from it (objects, Services, workloads: they hold
 *    the tree's spans by reference) stays valid and keeps its identity — not at the edit (`update`) but when
 *    the documents are read: all of them (`result`, `parse`), or those around one place (`documentsAround`), so
 *    that a reader of one place does not wait for every later document of a long file to move;
 *  - a piece that may read differently beside its neighbours (`Piece.suspect`) is parsed once more with each
 *    of them; when that differs from the two parsed alone (an error that reaches past a marker, such as an
 *    unclosed quote), or when the file has directives or hits a limit, the whole text is parsed at once.
 *
 * The documents handed out are the pieces' own: a later call moves them (a caller keeps the last result only);
 * between `update` and the reads that settle them, the trees of the pieces the edit moved are where their text
 * was, and nothing may read them.
 */
export class YamlFile {
  /** the pieces of the last call, in order (none when it parsed the whole text) */
  private layout: { text: string; template: boolean; options: YamlParseOptions; pieces: Piece[]; preludes: boolean[] } | undefined;
  /** pieces by text: those of the layout, and the last few that left it */
  private byText = new Map<string, Piece[]>();
  private gone: Piece[] = [];
  private generation = 0;
  /** the pieces of the layout before this index are settled (`settleSome`; from 0 again after each new text) */
  private settledUpTo = 0;
  /** the last text read, and its result once asked for (every piece settled) */
  private last: { original: string; hasCr: boolean; options: YamlParseOptions; result: YamlParseResult | undefined } | undefined;
  /** what the last call kept of the text of the call before it (sorted, not overlapping) */
  moves: DocumentMove[] = [];
  readonly stats: YamlFileStats = { parses: 0, piecesParsed: 0, wholeFile: 0, piecesMoved: 0 };

  /** The documents of a text: `update`, then `result`. */
  parse(original: string, options: YamlParseOptions = {}, changed?: ChangedSince): YamlParseResult {
    this.update(original, options, changed);
    return this.result();
  }

  /**
   * Read a new text: the changed pieces parsed, every piece placed where its text is (`moves` says what was
   * kept), the trees of the pieces after the change left where they were until a read settles them.
   */
  update(original: string, options: YamlParseOptions = {}, changed?: ChangedSince): void {
    const last = this.last;
    if (last && last.original === original && sameOptions(last.options, options)) {
      this.moves = keptMoves(this.layout?.pieces ?? []);
      return;
    }
    this.stats.parses++;
    // the range that changed, when the caller knows it: only for texts without a carriage return (a lone one
    // reads as a line break, so a change may reach the character before it)
    let range: TextChangeRange | undefined | null = null;
    let hasCr: boolean | undefined;
    if (changed && last && !last.hasCr) {
      range = changed(last.original);
      if (range && original.slice(range.start, range.newEnd).includes('\r')) range = null;
      else hasCr = false;
    }
    hasCr ??= original.includes('\r');
    this.settledUpTo = 0;
    const result = this.parseNew(original, options, hasCr, range ?? undefined);
    this.last = { original, hasCr, options, result };
  }

  /** The documents and problems of the last text read (`update`), every tree where its text is. */
  result(): YamlParseResult {
    const last = this.last;
    if (!last) return { documents: [], problems: [] };
    if (!last.result) {
      const result: YamlParseResult = { documents: [], problems: [] };
      let problems = 0;
      for (const p of this.layout?.pieces ?? []) {
        this.settle(p);
        for (const d of p.documents) result.documents.push(d);
        for (const x of p.problems) if (problems++ < YAML_LIMITS.maxProblems) result.problems.push(x);
      }
      last.result = result;
    }
    return last.result;
  }

  /**
   * The documents around `offset` in the last text read, their trees where their text is: the document that
   * holds it (the last one that starts at or before it) and the next one, with those of the pieces between —
   * what a reader of one place needs (`documentAt` over them finds what it finds over all the documents) without
   * moving the trees of the rest of the file. All the documents once `result` was asked for.
   */
  documentsAround(offset: number): YDocument[] {
    const last = this.last;
    if (!last) return [];
    const pieces = this.layout?.pieces;
    if (last.result || !pieces) return this.result().documents;
    // the piece whose text holds the offset: the last that starts at or before it
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid].base <= offset) lo = mid; else hi = mid - 1;
    }
    // back to a piece with a document that starts at or before the offset, on to the next piece with a document
    let from = lo;
    this.settle(pieces[from]);
    while (from > 0 && !pieces[from].documents.some((d) => d.span.start <= offset)) this.settle(pieces[--from]);
    let to = lo + 1;
    while (to < pieces.length) {
      this.settle(pieces[to]);
      if (pieces[to].documents.length > 0) break;
      to++;
    }
    const out: YDocument[] = [];
    for (let k = from; k <= to && k < pieces.length; k++) for (const d of pieces[k].documents) out.push(d);
    return out;
  }

  /**
   * Move the trees of at most `limit` pieces where their text is (from the start of the file on); true when every
   * tree is there. A host with time before its next read can so do the moves a slice at a time.
   */
  settleSome(limit: number): boolean {
    const pieces = this.layout?.pieces;
    if (!pieces || this.last?.result) return true;
    let moved = 0;
    let k = this.settledUpTo;
    for (; k < pieces.length && moved < limit; k++) if (settlePiece(pieces[k])) { this.stats.piecesMoved++; moved++; }
    this.settledUpTo = k;
    return k >= pieces.length;
  }

  private settle(p: Piece): void {
    if (settlePiece(p)) this.stats.piecesMoved++;
  }

  /** The result of a text parsed at once; undefined when it was read piece by piece (`result` builds it). */
  private parseNew(original: string, options: YamlParseOptions, hasCr: boolean, range: TextChangeRange | undefined): YamlParseResult | undefined {
    const template = options.template ?? isTemplateText(original);
    const text = loneCrAsLf(original, hasCr);
    const started = Date.now();
    const maxMillis = options.maxMillis ?? YAML_LIMITS.maxMillis;
    const pieceOptions = () => ({ ...options, template, maxMillis: Math.max(1, maxMillis - (Date.now() - started)) });
    const generation = ++this.generation;
    const before = this.layout;
    const wanted = optionsKeyOf(options, template);
    const whole = (): YamlParseResult => {
      this.stats.wholeFile++;
      this.moves = [];
      const left = this.layout?.pieces ?? [];
      this.layout = undefined;
      // the text read as one piece, which hit no limit: that read is the whole text's (the same text and options),
      // copied (a piece left may be placed again later, its trees moved in place)
      const p0 = left.length === 1 ? left[0] : undefined;
      const one = p0 && p0.base === 0 && p0.firstIndex === 0 && !p0.stats.limited && p0.optionsKey === wanted && p0.text === text ? p0 : undefined;
      if (one) this.settle(one);
      for (const p of left) this.leave(p);
      if (one) {
        return { documents: one.documents.map((d) => copyDocument(d, 0, d.index)), problems: movedProblems(one.problems, 0) };
      }
      return parseYaml(text, { ...options, template });
    };

    // the pieces: those before the first change and after the last one are the last call's, the lines between
    // are scanned again
    let kept = 0; // pieces kept at the start
    let split: Split | null;
    let tail: Piece[] = [];
    let tailPreludes: boolean[] = [];
    let delta = 0;
    if (before && before.template === template && sameOptions(before.options, options) && before.pieces.length > 0) {
      const old = before.text;
      const limit = Math.min(old.length, text.length);
      // (a range the caller gave is one of the texts read: `before.text` is the last one when the layout is kept)
      const prefix = range ? range.start : commonPrefix(old, text, limit);
      const suffix = range ? old.length - range.oldEnd : commonSuffix(old, text, limit - prefix);
      delta = text.length - old.length;
      // the piece holding the last unchanged character may end differently (its end depends on the next line),
      // and a piece start is kept only when the line that makes it one (its own first line) did not change
      while (kept < before.pieces.length && before.pieces[kept].base + before.pieces[kept].text.length < prefix) kept++;
      if (kept === before.pieces.length) kept--;
      while (kept > 0 && lineEnd(old, before.pieces[kept].base) > prefix) kept--;
      const from = before.pieces[kept].base;
      const unchangedEnd = old.length - suffix; // old offsets from here on are in the new text at + delta
      let j = before.pieces.length - 1;
      // the old piece that starts at `offset` in the unchanged end (pieces are in order: a binary search)
      const oldStart = (offset: number): number | undefined => {
        if (offset < unchangedEnd) return undefined;
        let lo = kept + 1;
        let hi = before.pieces.length - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const base = before.pieces[mid].base;
          if (base === offset) return mid;
          if (base < offset) lo = mid + 1; else hi = mid - 1;
        }
        return undefined;
      };
      split = splitFrom(text, from, before.preludes[kept], (offset, prelude) => {
        const k = oldStart(offset - delta);
        if (k === undefined || before.preludes[k] !== prelude) return false;
        j = k;
        return true;
      });
      if (split?.synced !== undefined) {
        tail = before.pieces.slice(j);
        tailPreludes = before.preludes.slice(j);
      }
    } else {
      split = splitFrom(text, 0, true);
    }
    if (!split) return whole();

    const pieces: Piece[] = before ? before.pieces.slice(0, kept) : [];
    const preludes: boolean[] = before ? before.preludes.slice(0, kept) : [];
    /** pieces parsed in this call, by text (a text twice in the file is parsed once, its tree copied) */
    const fresh = new Map<string, Piece>();
    /** every piece made in this call, copies too (all are indexed by text for the next call) */
    const made: Piece[] = [];
    const reused = new Set<Piece>(pieces);
    for (const p of tail) reused.add(p);
    let documents = 0;
    for (const p of pieces) documents += p.documents.length;
    const place = (p: Piece, start: number) => {
      if (p.generation === generation - 1) addMove(this.moves, p.base, p.base + p.text.length, start - p.base);
      movePiece(p, start, documents);
      p.generation = generation;
      documents += p.documents.length;
      pieces.push(p);
    };
    this.moves = keptMoves(pieces);
    for (const p of pieces) p.generation = generation;
    const ends = [...split.starts.slice(1), split.synced ?? text.length];
    for (let k = 0; k < split.starts.length; k++) {
      const start = split.starts[k];
      const key = text.slice(start, ends[k]);
      const found = this.byText.get(key)?.find((x) => !reused.has(x) && x.optionsKey === wanted);
      let p: Piece;
      if (found) {
        p = found;
        reused.add(p);
      } else {
        const twin = fresh.get(key);
        if (twin) p = copyPiece(twin, start, documents, generation);
        else {
          p = parsePiece(key, start, documents, pieceOptions(), generation, generation > 1);
          this.stats.piecesParsed++;
        }
        if (!twin) fresh.set(key, p);
        made.push(p);
        reused.add(p);
      }
      place(p, start);
      preludes.push(split.preludes[k]);
    }
    for (let k = 0; k < tail.length; k++) {
      place(tail[k], tail[k].base + delta);
      preludes.push(tailPreludes[k]);
    }
    this.moves.sort((a, b) => a.start - b.start);

    // pieces that left the layout are kept a while; the index by text follows
    for (const p of before?.pieces ?? []) if (!reused.has(p)) this.leave(p);
    for (const p of made) this.index(p);
    this.layout = { text, template, options, pieces, preludes };

    let nodes = 0;
    let aliasNodes = 0;
    for (const p of pieces) {
      // a limit hit; a template action that may close in the next piece (a comment over a `---` line)
      if (p.stats.limited || p.stats.openTemplate) return whole();
      nodes += p.stats.nodes;
      aliasNodes += p.stats.aliasNodes;
    }
    if (nodes > (options.maxNodes ?? YAML_LIMITS.maxNodes) || aliasNodes > (options.maxAliasExpansion ?? YAML_LIMITS.maxAliasExpansion)
      || documents > (options.maxDocuments ?? YAML_LIMITS.maxDocuments)) return whole();

    // an error may reach past a marker: each neighbour of a suspect piece is parsed with it (once per pair)
    for (let i = 0; i < pieces.length; i++) {
      if (!pieces[i].suspect) continue;
      for (const j of [i - 1, i]) {
        if (j < 0 || j + 1 >= pieces.length) continue;
        const [a, b] = [pieces[j], pieces[j + 1]];
        if (a.fitsBefore === b) continue;
        this.settle(a);
        this.settle(b);
        if (!sameAsPieces(parseCounted(a.text + b.text, pieceOptions()), a, b)) return whole();
        a.fitsBefore = b;
      }
    }
    return undefined;
  }

  private index(p: Piece): void {
    const list = this.byText.get(p.text);
    if (list) list.push(p); else this.byText.set(p.text, [p]);
  }

  /** A piece left the layout: kept a while for its text coming back, then dropped. */
  private leave(p: Piece): void {
    this.gone.push(p);
    if (this.gone.length <= KEPT_PIECES) return;
    const dropped = this.gone.shift()!;
    if (dropped.generation === this.generation || this.gone.includes(dropped)) return; // back in the layout, or left again since
    const list = this.byText.get(dropped.text);
    if (!list) return;
    const rest = list.filter((x) => x !== dropped);
    if (rest.length > 0) this.byText.set(dropped.text, rest); else this.byText.delete(dropped.text);
  }
}

/**
 * The texts a first `parse` of `original` reads, one per piece (what a host may parse ahead, see `ahead.ts`): the
 * pieces `parse` cuts a new file into, or the whole text when it reads it at once (JSON, directives).
 */
export function firstPieceTexts(original: string): string[] {
  const text = loneCrAsLf(original);
  const split = splitFrom(text, 0, true);
  if (!split) return [text];
  const ends = [...split.starts.slice(1), split.synced ?? text.length];
  return split.starts.map((start, k) => text.slice(start, ends[k]));
}

/**
 * Add the move of a range of the old text; a range that continues the last one with the same delta extends it
 * (the text between two kept pieces that moved together is kept too): a few moves per edit, not one per piece.
 */
function addMove(moves: DocumentMove[], start: number, end: number, delta: number): void {
  const last = moves[moves.length - 1];
  if (last && last.end === start && last.delta === delta) last.end = end;
  else moves.push({ start, end, delta });
}

/** The moves of pieces kept where they were. */
function keptMoves(pieces: readonly Piece[]): DocumentMove[] {
  const moves: DocumentMove[] = [];
  for (const p of pieces) addMove(moves, p.base, p.base + p.text.length, 0);
  return moves;
}

function sameOptions(a: YamlParseOptions, b: YamlParseOptions): boolean {
  return a.template === b.template && a.maxNodes === b.maxNodes && a.maxDepth === b.maxDepth && a.maxAliasExpansion === b.maxAliasExpansion
    && a.maxMillis === b.maxMillis && a.maxDocuments === b.maxDocuments && !!a.headersOnly === !!b.headersOnly;
}

/** How many characters `a` and `b` share at their start (compared a block at a time). */
function commonPrefix(a: string, b: string, limit: number): number {
  const BLOCK = 4096;
  let i = 0;
  while (i + BLOCK <= limit && a.slice(i, i + BLOCK) === b.slice(i, i + BLOCK)) i += BLOCK;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** How many characters `a` and `b` share at their end, at most `limit`. */
function commonSuffix(a: string, b: string, limit: number): number {
  const BLOCK = 4096;
  let i = 0;
  while (i + BLOCK <= limit && a.slice(a.length - i - BLOCK, a.length - i) === b.slice(b.length - i - BLOCK, b.length - i)) i += BLOCK;
  while (i < limit && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}
