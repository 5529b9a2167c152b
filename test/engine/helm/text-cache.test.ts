import * as assert from 'node:assert';
import { TextCache } from '../../../server/src/engine/helm/text-cache';

/** A cache that counts what it had to work out, text by text. */
function counted(maxChars: number, maxProtected?: number) {
  const cache = new TextCache<string>(maxChars, maxProtected);
  const made = new Map<string, number>();
  const get = (text: string) => cache.get(text, (t) => { made.set(t, (made.get(t) ?? 0) + 1); return t.toUpperCase(); });
  return { get, made };
}

suite('TextCache', () => {
  test('a text is worked out once while it is kept, and the result is the one made', () => {
    const c = counted(100);
    assert.strictEqual(c.get('abc'), 'ABC');
    assert.strictEqual(c.get('abc'), 'ABC');
    assert.strictEqual(c.made.get('abc'), 1);
  });

  test('texts read once push out the least recently used of them', () => {
    const c = counted(10);
    c.get('aaaa'); c.get('bbbb'); c.get('cccc'); // 12 characters: `aaaa` goes
    c.get('bbbb'); c.get('aaaa');
    assert.strictEqual(c.made.get('aaaa'), 2);
    assert.strictEqual(c.made.get('bbbb'), 1);
  });

  test('a text asked for again is kept while many texts read once go by (a dependency every chart reads)', () => {
    const c = counted(10, 10);
    c.get('dependency');
    c.get('dependency');
    for (let i = 0; i < 50; i++) { c.get(`chart-${String(i).padStart(3, '0')}`); c.get('dependency'); }
    assert.strictEqual(c.made.get('dependency'), 1);
    // the same traffic through one segment alone works the dependency out again and again
    const lru = counted(10, 0);
    lru.get('dependency');
    for (let i = 0; i < 50; i++) { lru.get(`chart-${String(i).padStart(3, '0')}`); lru.get('dependency'); }
    assert.ok(lru.made.get('dependency')! > 1);
  });

  test('the protected segment is bounded: what it drops goes back on probation, then out', () => {
    const c = counted(8, 8);
    for (const t of ['aaaa', 'bbbb', 'cccc']) { c.get(t); c.get(t); } // `aaaa` dropped from protected, on probation
    assert.strictEqual(c.made.get('aaaa'), 1);
    c.get('aaaa'); // still kept (on probation): protected again, `bbbb` moves to probation
    assert.strictEqual(c.made.get('aaaa'), 1);
    for (const t of ['dddd', 'eeee', 'ffff']) c.get(t); // probation overflows: `bbbb` goes
    c.get('bbbb');
    assert.strictEqual(c.made.get('bbbb'), 2);
  });

  test('a text longer than either bound is returned and not kept past the next text', () => {
    const c = counted(4, 4);
    c.get('longer than four'); c.get('longer than four'); c.get('x'); c.get('longer than four');
    assert.strictEqual(c.made.get('longer than four'), 2);
  });
});
