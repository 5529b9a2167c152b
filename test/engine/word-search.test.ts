import * as assert from 'assert';
import { changedRange } from '../../server/src/engine/workspace/text-change';
import { WordSearch } from '../../server/src/engine/workspace/word-search';

/** A file's texts one after another, each search made from the one before (as `FileEntry` does). */
function searches(texts: string[], asked: (s: WordSearch, i: number) => void): WordSearch[] {
  const out: WordSearch[] = [];
  let before: WordSearch | undefined;
  texts.forEach((text, i) => {
    const s: WordSearch = new WordSearch(text, before, (b) => changedRange(b, text));
    asked(s, i);
    out.push(s);
    before = s;
  });
  return out;
}

/** A small deterministic generator (no Math.random: a failure can be replayed). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
}

suite('word search carried across edits', () => {
  const WORDS = ['firewall', 'service-reach-ignore', '{{', '${', '%{', 'ab'];

  test('an answer carried past an edit is what searching the new text says', () => {
    const pieces = ['firewall', 'fire', 'wall', '{', '{{', '$', '${', '%', '%{', 'a', 'b', 'ab', 'service-reach-', 'ignore', ' ', '\n', 'x: 1\n'];
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      let text = Array.from({ length: 30 }, () => pieces[Math.floor(r() * pieces.length)]).join('');
      const texts = [text];
      for (let k = 0; k < 40; k++) {
        const start = Math.floor(r() * (text.length + 1));
        const end = Math.min(text.length, start + Math.floor(r() * 6));
        const insert = r() < 0.4 ? '' : pieces[Math.floor(r() * pieces.length)];
        text = text.slice(0, start) + insert + text.slice(end);
        texts.push(text);
      }
      // every text asks every word (carried each time), or only some (carried from an older text)
      for (const every of [true, false]) {
        searches(texts, (s, i) => {
          for (const w of WORDS) {
            if (every || (i + w.length) % 3 === 0) {
              assert.strictEqual(s.indexOf(w), s.text.indexOf(w), `seed ${seed}, text ${i}, ${JSON.stringify(w)} in ${JSON.stringify(s.text)}`);
            }
          }
        });
      }
    }
  });

  test('a text that held no word and is edited far from where it appears is searched around the edit only', () => {
    const filler = 'key: value\n'.repeat(2000);
    const texts = [filler + 'x', filler + 'y', 'firewall' + filler + 'y', 'firewall' + filler + 'yy'];
    const seen: string[] = [];
    searches(texts, (s) => {
      // the text handed to indexOf: a whole-text search passes the text itself
      const original = String.prototype.indexOf;
      String.prototype.indexOf = function (this: string, ...args: [string, number?]) {
        seen.push(this.length === s.text.length ? 'whole' : 'window');
        return original.apply(this, args);
      };
      try { s.has('firewall'); } finally { String.prototype.indexOf = original; }
    });
    // the first text is searched; the second only around its edit; the third's edit starts before
    // nothing (it holds the word now, in the window); the fourth keeps the occurrence before its edit
    assert.deepStrictEqual(seen, ['whole', 'window', 'window']);
  });
});
