/**
 * `wrapText`: the lines it makes, and how much text it measures to make them. A host may pass its own measure (a
 * canvas), so the work is counted in characters measured, not in time.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { estimateTextWidth, wrapText, type TextMeasure, type TextStyle } from '../../server/src/render/text';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261127;

/** The wrapping as it was first written (every prefix of the rest of a long word measured, longest first): the oracle. */
function referenceWrap(text: string, max: number, style: TextStyle, measure: TextMeasure, indent = ''): string[] {
  if (measure(text, style) <= max) return [text];
  const words = text.split(' ');
  const lines: string[] = [];
  let current = '';
  const push = (line: string) => lines.push(lines.length ? indent + line : line);
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    const room = max - (lines.length ? measure(indent, style) : 0);
    if (measure(candidate, style) <= room) { current = candidate; continue; }
    if (current) push(current);
    current = word;
    while (measure(current, style) > max - measure(indent, style) && current.length > 1) {
      let cut = current.length - 1;
      while (cut > 1 && measure(current.slice(0, cut), style) > max - measure(indent, style)) cut--;
      push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  if (current) push(current);
  return lines;
}

/** A measure that counts the characters it is given. */
function counting(): { measure: TextMeasure; chars: () => number } {
  let chars = 0;
  return { measure: (t, s) => { chars += t.length; return estimateTextWidth(t, s); }, chars: () => chars };
}

suite('render: wrapText', () => {
  test('lines as the first version made them: words kept whole where they fit, long words cut', () => {
    const word = fc.oneof(fc.stringMatching(/^[a-zA-Z0-9.:/-]{0,12}$/), fc.stringMatching(/^[a-zA-Z0-9_]{20,300}$/), fc.constantFrom('', '⚠', '→', 'mmmm', 'iiii'));
    fc.assert(fc.property(
      fc.array(word, { maxLength: 12 }), fc.integer({ min: 20, max: 400 }), fc.constantFrom<TextStyle>('title', 'body', 'small'), fc.constantFrom('', '  '),
      (words, max, style, indent) => {
        const text = words.join(' ');
        assert.deepEqual(wrapText(text, max, style, estimateTextWidth, indent), referenceWrap(text, max, style, estimateTextWidth, indent));
      },
    ), { seed: SEED, numRuns: 400 });
  });

  test('a word of 8,000 characters: every line fits, and the text measured is a few times the word, not its square', () => {
    const name = 'p'.repeat(8000);
    const { measure, chars } = counting();
    const lines = wrapText(`port "${name}" (80/TCP)`, 300, 'body', measure, '  ');
    assert.equal(lines.map((l, i) => (i ? l.slice(2) : l)).join('').replace(/ /g, ''), `port"${name}"(80/TCP)`);
    for (const l of lines) assert.ok(estimateTextWidth(l, 'body') <= 300, l);
    // about 8,000 × log2(a line's length) characters; the first version measured some 8,000³ / (2 × 45)
    assert.ok(chars() < 40 * 8000, `${chars()} characters measured`);
  });

  test('a measure that gives no character room still ends, one character per line', () => {
    const lines = wrapText('abcdef', 1, 'body', () => 5);
    assert.deepEqual(lines, ['a', 'b', 'c', 'd', 'e', 'f']);
  });
});
