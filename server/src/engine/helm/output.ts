/**
 * The rendered text with its source map: every piece of output is the literal text of a template or the value an
 * action printed, with where it was written (file and span). Pieces printed by a `{{ template }}` call also
 * carry `via`, the action in the rendered file that called it.
 */

export interface SourcePiece {
  /** offsets in the rendered text */
  outStart: number;
  outEnd: number;
  /** the template file and the span (UTF-16 offsets in its text) of the literal text or action */
  file: string;
  start: number;
  end: number;
  kind: 'text' | 'action';
  /** for output of a named template: the action in the rendered file that called it (first call in the chain) */
  via?: { file: string; start: number; end: number };
}

export class OutputLimitError extends Error {}

export class Output {
  private readonly chunks: string[] = [];
  length = 0;
  readonly pieces: SourcePiece[] = [];
  via: SourcePiece['via'] = undefined;

  constructor(private readonly maxLength: number, private readonly track: boolean) {}

  write(text: string, file: string, start: number, end: number, kind: 'text' | 'action'): void {
    if (text.length === 0) return;
    if (this.length + text.length > this.maxLength) throw new OutputLimitError(`the output is larger than ${this.maxLength} characters`);
    this.chunks.push(text);
    if (this.track) {
      const piece: SourcePiece = { outStart: this.length, outEnd: this.length + text.length, file, start, end, kind };
      if (this.via) piece.via = this.via;
      this.pieces.push(piece);
    }
    this.length += text.length;
  }

  text(): string {
    const s = this.chunks.join('');
    this.chunks.length = 0;
    if (s.length) this.chunks.push(s);
    return s;
  }
}

/**
 * Helm removes every `<no value>` from a rendered file (what Go prints for a missing value with
 * `missingkey=zero`); the pieces are cut to match, so the map still points where each character came from.
 */
export function removeNoValue(text: string, pieces: SourcePiece[]): { text: string; pieces: SourcePiece[] } {
  const NV = '<no value>';
  if (!text.includes(NV)) return { text, pieces };
  const cuts: number[] = [];
  for (let i = text.indexOf(NV); i >= 0; i = text.indexOf(NV, i + NV.length)) cuts.push(i);
  const removedBefore = (offset: number): number => {
    // characters removed before `offset` (cuts are disjoint, each NV.length long)
    let n = 0;
    for (const c of cuts) {
      if (c >= offset) break;
      n += Math.min(NV.length, offset - c);
    }
    return n;
  };
  const out = text.split(NV).join('');
  const moved: SourcePiece[] = [];
  for (const p of pieces) {
    const s = p.outStart - removedBefore(p.outStart);
    const e = p.outEnd - removedBefore(p.outEnd);
    if (e > s) moved.push({ ...p, outStart: s, outEnd: e });
  }
  return { text: out, pieces: moved };
}
