/**
 * What was worked out from a text (a parsed template, a values file read), kept by that text and bounded by the
 * length of the texts it holds: the least recently used go first. A chart rendered again after an edit finds its
 * other templates here, and a dependency's (Bitnami's `common` under every chart) is worked out once while it is
 * in use; a workspace of many charts does not keep every chart's trees alive.
 */
export class TextCache<T> {
  private readonly entries = new Map<string, T>();
  private held = 0;

  /** `maxChars`: the total length of the texts kept. */
  constructor(private readonly maxChars: number) {}

  get(text: string, make: (text: string) => T): T {
    const hit = this.entries.get(text);
    if (hit !== undefined) {
      // most recently used last
      this.entries.delete(text);
      this.entries.set(text, hit);
      return hit;
    }
    const value = make(text);
    this.entries.set(text, value);
    this.held += text.length;
    for (const [k] of this.entries) {
      if (this.held <= this.maxChars || k === text) break;
      this.entries.delete(k);
      this.held -= k.length;
    }
    return value;
  }
}
