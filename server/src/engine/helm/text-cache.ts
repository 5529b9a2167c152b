/**
 * What was worked out from a text (a parsed template, a values file read), kept by that text and bounded by the
 * length of the texts it holds. A chart rendered again after an edit finds its other templates here, and a
 * dependency's (Bitnami's `common` under every chart, a database chart under a dozen) is worked out once while it
 * is in use; a workspace of many charts does not keep every chart's trees alive.
 *
 * Two segments, least recently used first in each: a text is first kept on probation; asked for again, it is
 * kept in the protected segment, which one-off texts never push out (a repository's 120 charts each read their
 * own values once; the dependencies they share are read again and again, far apart). What the protected segment
 * drops goes back on probation.
 */
export class TextCache<T> {
  private readonly probation = new Map<string, T>();
  private readonly protectedEntries = new Map<string, T>();
  private probationChars = 0;
  private protectedChars = 0;

  /**
   * `maxChars`: the total length of the texts kept on probation; `maxProtected`: of those asked for more than
   * once (default: as many).
   */
  constructor(private readonly maxChars: number, private readonly maxProtected = maxChars) {}

  get(text: string, make: (text: string) => T): T {
    const kept = this.protectedEntries.get(text);
    if (kept !== undefined) {
      // most recently used last
      this.protectedEntries.delete(text);
      this.protectedEntries.set(text, kept);
      return kept;
    }
    const hit = this.probation.get(text);
    if (hit !== undefined) {
      this.probation.delete(text);
      this.probationChars -= text.length;
      this.protect(text, hit);
      return hit;
    }
    const value = make(text);
    this.onProbation(text, value);
    return value;
  }

  private protect(text: string, value: T): void {
    if (text.length > this.maxProtected) { this.onProbation(text, value); return; }
    this.protectedEntries.set(text, value);
    this.protectedChars += text.length;
    for (const [k, v] of this.protectedEntries) {
      if (this.protectedChars <= this.maxProtected) break;
      this.protectedEntries.delete(k);
      this.protectedChars -= k.length;
      this.onProbation(k, v);
    }
  }

  private onProbation(text: string, value: T): void {
    this.probation.set(text, value);
    this.probationChars += text.length;
    for (const [k] of this.probation) {
      if (this.probationChars <= this.maxChars || k === text) break;
      this.probation.delete(k);
      this.probationChars -= k.length;
    }
  }
}
