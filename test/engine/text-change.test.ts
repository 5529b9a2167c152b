/**
 * Text changes (workspace/text-change.ts) and the line index moved past one (text/line-index.ts `edited`): the
 * range a whole new text changed, found by comparing it with the text before; edits by ranges applied as LSP
 * applies a didChange; and an index made from the one before an edit that is the index of the new text.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineIndex } from '../../server/src/engine/text/line-index';
import { applyChanges, changedRange } from '../../server/src/engine/workspace/text-change';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261202;

/** Everything a LineIndex answers, for every offset and line of its text. */
function answers(index: LineIndex, text: string) {
  const positions = [];
  for (let o = 0; o <= text.length + 1; o++) positions.push(index.positionAt(o));
  const lines = [];
  for (let l = 0; l <= index.lineCount; l++) lines.push([index.lineStart(l), index.offsetAt({ line: l, character: 3 })]);
  return { count: index.lineCount, positions, lines };
}

/** Texts made of line breaks of every kind and a few other characters (blocks of 4 KB too, past the block compare). */
const textArb = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '\n\n', 'x'.repeat(5000)), { maxLength: 30 }).map((xs) => xs.join(''));

suite('Text changes: the changed range of a whole text, edits by ranges, the line index moved past an edit', () => {
  test('changedRange: the common prefix and suffix, the middle between', () => {
    assert.equal(changedRange('abc', 'abc'), undefined);
    assert.deepEqual(changedRange('abc', 'abXc'), { start: 2, oldEnd: 2, newEnd: 3 });
    assert.deepEqual(changedRange('abc', 'ac'), { start: 1, oldEnd: 2, newEnd: 1 });
    assert.deepEqual(changedRange('aaaa', 'aa'), { start: 2, oldEnd: 4, newEnd: 2 }, 'prefix first: the suffix never overlaps it');
    assert.deepEqual(changedRange('', 'new'), { start: 0, oldEnd: 0, newEnd: 3 });
    const long = 'y'.repeat(10000);
    assert.deepEqual(changedRange(long + 'a' + long, long + 'bc' + long), { start: 10000, oldEnd: 10001, newEnd: 10002 });
  });

  test('changedRange: before with its range replaced by the new text\'s range is the new text (random texts)', () => {
    fc.assert(fc.property(textArb, textArb, (before, after) => {
      const c = changedRange(before, after);
      if (!c) return assert.equal(before, after);
      assert.ok(c.start <= c.oldEnd && c.start <= c.newEnd);
      assert.equal(before.slice(0, c.start) + after.slice(c.start, c.newEnd) + before.slice(c.oldEnd), after);
    }), { seed: SEED, numRuns: 300 });
  });

  test('applyChanges: in order, each on the text the ones before left; offsets clamped', () => {
    assert.equal(applyChanges('hello', [{ start: 0, end: 1, text: 'J' }, { start: 5, end: 5, text: '!' }]), 'Jello!');
    assert.equal(applyChanges('abc', [{ start: 1, end: 2, text: 'XY' }, { start: 0, end: 3, text: '' }]), 'c', 'the second on "aXYc"');
    assert.equal(applyChanges('abc', [{ start: -3, end: 99, text: 'z' }]), 'z');
    assert.equal(applyChanges('abc', [{ start: 2, end: 1, text: '-' }]), 'ab-c', 'an end before the start: an insertion');
    assert.equal(applyChanges('abc', [{ start: Number.NaN, end: Number.POSITIVE_INFINITY, text: 'q' }]), 'qabc');
    assert.equal(applyChanges('abc', []), 'abc');
  });

  test('LineIndex.edited: the index a fresh LineIndex gives, for LF, CRLF and lone CR texts (random edits)', () => {
    const edit = fc.tuple(fc.nat(), fc.nat(8), fc.constantFrom('', 'a', '\n', '\r', '\r\n', '\n\r', 'b\nc', '\r\r\n', 'z'.repeat(4500)));
    fc.assert(fc.property(textArb, fc.array(edit, { minLength: 1, maxLength: 5 }), (text, edits) => {
      let index = new LineIndex(text);
      let current = text;
      for (const [at, del, ins] of edits) {
        const start = at % (current.length + 1);
        const next = current.slice(0, start) + ins + current.slice(start + del);
        const c = changedRange(current, next);
        if (c) index = index.edited(next, c.start, c.oldEnd, c.newEnd);
        current = next;
        assert.deepEqual(answers(index, current), answers(new LineIndex(current), current), JSON.stringify({ start, del, ins }));
      }
    }), { seed: SEED, numRuns: 300 });
  });

  test('LineIndex.edited: a CR that a change joins to an LF (or parts from it) is one line break, as a fresh index says', () => {
    const cases: [string, number, number, string][] = [
      ['a\rb', 2, 2, '\n'], // "a\r\nb": the CR's line start moves past the LF
      ['a\r\nb', 2, 3, ''], // "a\rb": the CR ends a line alone again
      ['a\nb', 1, 1, '\r'], // "a\r\nb"
      ['\r', 1, 1, '\n'],
      ['\n', 0, 0, '\r'],
    ];
    for (const [before, start, end, ins] of cases) {
      const after = before.slice(0, start) + ins + before.slice(end);
      const c = changedRange(before, after)!;
      const moved = new LineIndex(before).edited(after, c.start, c.oldEnd, c.newEnd);
      assert.deepEqual(answers(moved, after), answers(new LineIndex(after), after), JSON.stringify(after));
    }
  });
});
