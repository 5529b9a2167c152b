/**
 * Whether a file's text holds a word (`firewall`, `service-reach-ignore`, `{{`…), for the cheap tests asked on
 * every edit of a file: the answer for the new text is carried from an earlier text past the range that changed,
 * so an edit of a large file costs what it changed, not a scan of the whole text per word.
 *
 * Where a word first occurs is kept per text. For a new text: an occurrence wholly before the changed range is
 * still the first one; a text that held none holds one only across the changed range (anything else was there
 * before), so only the range and a word's length either side of it are searched; otherwise the text is searched.
 */
import type { ChangedRange } from './text-change';

export class WordSearch {
  /** per word: where it first occurs in `text` (-1: nowhere) */
  private readonly first = new Map<string, number>();
  /** an earlier text and what was found in it, to carry answers from (only one: no chain of texts) */
  private readonly base?: { text: string; first: Map<string, number> };
  private change?: ChangedRange | null;

  /** `before`: the search of the file's previous text, if any; `changed` works out the range that changed. */
  constructor(readonly text: string, before: WordSearch | undefined, private readonly changed: (before: string) => ChangedRange | undefined) {
    this.base = before && before.first.size > 0 ? { text: before.text, first: before.first } : before?.base;
  }

  has(word: string): boolean {
    return this.indexOf(word) >= 0;
  }

  /** Where `word` first occurs in the text (-1: nowhere); `word` is not empty. */
  indexOf(word: string): number {
    let at = this.first.get(word);
    if (at === undefined) {
      at = this.carried(word) ?? this.text.indexOf(word);
      this.first.set(word, at);
    }
    return at;
  }

  private carried(word: string): number | undefined {
    const base = this.base;
    const was = base?.first.get(word);
    if (!base || was === undefined) return undefined;
    if (this.change === undefined) this.change = this.changed(base.text) ?? null;
    const c = this.change;
    if (!c) return was; // the same text
    if (was >= 0) return was + word.length <= c.start ? was : undefined;
    // none before: an occurrence now overlaps the changed range (or, after a deletion, spans where it was)
    const from = Math.max(0, c.start - word.length + 1);
    const found = this.text.slice(from, Math.min(this.text.length, Math.max(c.newEnd, c.start + 1) + word.length - 1)).indexOf(word);
    return found < 0 ? -1 : from + found;
  }
}
