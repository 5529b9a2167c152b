import * as assert from 'node:assert/strict';
import { applyEdits } from '../../../server/src/engine/fixes';
import { fits, mergeableEdit, overlaps, plainEdit, renderPlanned } from '../../../server/src/engine/fixes/edits';

const at = (start: number, end = start) => ({ start, end });

suite('Fixes: edits', () => {
  test('applyEdits: any order, insertions at one offset in the given order, the rest untouched', () => {
    assert.equal(applyEdits('abcdef', [{ span: at(4, 6), newText: 'XY' }, { span: at(0, 1), newText: 'A' }]), 'AbcdXY');
    assert.equal(applyEdits('abc', [{ span: at(1), newText: '1' }, { span: at(1), newText: '2' }]), 'a12bc');
    assert.equal(applyEdits('abc', [{ span: at(1, 2), newText: 'B' }, { span: at(1), newText: '>' }]), 'a>Bc', 'an insertion at the start of a replacement goes first');
    assert.equal(applyEdits('abc', [{ span: at(3), newText: '!' }]), 'abc!');
    assert.equal(applyEdits('abc', []), 'abc');
  });

  test('applyEdits refuses overlapping edits and edits outside the text', () => {
    assert.throws(() => applyEdits('abcdef', [{ span: at(1, 4), newText: '' }, { span: at(3, 5), newText: '' }]), RangeError);
    assert.throws(() => applyEdits('abcdef', [{ span: at(1, 4), newText: '' }, { span: at(2), newText: 'x' }]), RangeError);
    assert.throws(() => applyEdits('abc', [{ span: at(2, 4), newText: '' }]), RangeError);
    assert.throws(() => applyEdits('abc', [{ span: at(2, 1), newText: '' }]), RangeError);
  });

  test('overlaps: two insertions never do; an insertion at a boundary does not; one inside does', () => {
    assert.equal(overlaps(at(2), at(2)), false);
    assert.equal(overlaps(at(2), at(2, 4)), false);
    assert.equal(overlaps(at(4), at(2, 4)), false);
    assert.equal(overlaps(at(3), at(2, 4)), true);
    assert.equal(overlaps(at(1, 3), at(2, 4)), true);
    assert.equal(overlaps(at(1, 2), at(2, 4)), false);
  });

  test('renderPlanned merges additions to the same place, keeping each distinct part once, in order', () => {
    const render = (values: string[]) => values.map((v) => `<${v}/>`).join('');
    const a = mergeableEdit('z.xml', at(5), 'insert', [{ id: 'p1', value: 'p1' }], render);
    const b = mergeableEdit('z.xml', at(5), 'insert', [{ id: 'p2', value: 'p2' }, { id: 'p1', value: 'p1' }], render);
    const c = plainEdit('s.yaml', at(0, 1), 'x');
    assert.deepEqual(renderPlanned([a, c, b]), [
      { path: 'z.xml', span: at(5), newText: '<p1/><p2/>' },
      { path: 's.yaml', span: at(0, 1), newText: 'x' },
    ]);
  });

  test('fits: the same merge key always fits; overlapping plain edits of one file do not', () => {
    const render = (v: unknown[]) => String(v.length);
    const m1 = mergeableEdit('z.xml', at(5), 'k', [{ id: '1', value: 1 }], render);
    const m2 = mergeableEdit('z.xml', at(5), 'k', [{ id: '2', value: 2 }], render);
    assert.equal(fits([m1], [m2]), true);
    assert.equal(fits([plainEdit('a', at(1, 3), '')], [plainEdit('a', at(2, 4), '')]), false);
    assert.equal(fits([plainEdit('a', at(1, 3), '')], [plainEdit('b', at(2, 4), '')]), true);
    assert.equal(fits([], [plainEdit('a', at(1, 3), ''), plainEdit('a', at(2, 4), '')]), false, 'a plan must not collide with itself');
  });
});
