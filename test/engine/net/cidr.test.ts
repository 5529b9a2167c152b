/**
 * AddressSet arithmetic against a model (every address of a small IPv4 block, one by one), and on sets of
 * 100,000 intervals: union, intersection and difference walk their lists side by side.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { AddressSet, parseCidr, type Cidr } from '../../../server/src/engine/net/cidr';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261128;

/** CIDRs inside 10.0.0.0/24 (256 addresses: the model enumerates them). */
const smallCidr = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 }))
  .map(([host, prefix]) => parseCidr(`10.0.0.${host}/${prefix}`)!);

const ADDRESSES = Array.from({ length: 256 }, (_, i) => parseCidr(`10.0.0.${i}/32`)!);

function members(s: AddressSet): boolean[] {
  return ADDRESSES.map((a) => s.containsCidr(a));
}

function modelOf(cidrs: readonly Cidr[]): boolean[] {
  return ADDRESSES.map((a) => cidrs.some((c) => c.first <= a.first && a.last <= c.last));
}

suite('net: AddressSet', () => {
  test('union, intersection and difference agree with the model, address by address', () => {
    fc.assert(fc.property(fc.array(smallCidr, { maxLength: 12 }), fc.array(smallCidr, { maxLength: 12 }), (xs, ys) => {
      const a = AddressSet.ofAll(xs);
      const b = ys.reduce((s, c) => s.union(AddressSet.of(c)), AddressSet.EMPTY);
      const ma = modelOf(xs);
      const mb = modelOf(ys);
      assert.deepEqual(members(a), ma);
      assert.deepEqual(members(b), mb);
      assert.deepEqual(members(a.union(b)), ma.map((x, i) => x || mb[i]));
      assert.deepEqual(members(a.intersect(b)), ma.map((x, i) => x && mb[i]));
      assert.deepEqual(members(a.minus(b)), ma.map((x, i) => x && !mb[i]));
      assert.equal(a.minus(b).union(a.intersect(b)).minus(a).isEmpty(), true);
      // results are kept merged: the same set built two ways samples the same
      assert.deepEqual(a.intersect(b).sample(300), b.intersect(a).sample(300));
    }), { seed: SEED, numRuns: 500 });
  });

  test('100,000 ranges: the set of them, and the world minus it, hold every range and nothing between', () => {
    const cidrs = Array.from({ length: 100_000 }, (_, i) => parseCidr(`${(i >> 14) + 1}.${(i >> 6) & 255}.${(i & 63) * 4}.0/24`)!);
    const inside = AddressSet.ofAll(cidrs);
    const outside = AddressSet.ALL.minus(inside);
    assert.ok(inside.containsCidr(cidrs[0]) && inside.containsCidr(cidrs[99_999]));
    assert.ok(!outside.containsCidr(parseCidr('1.0.0.0/32')!));
    assert.ok(outside.containsCidr(parseCidr('1.0.1.0/24')!));
    assert.ok(inside.intersect(outside).isEmpty());
    assert.ok(outside.union(inside).minus(AddressSet.ALL).isEmpty());
    assert.ok(AddressSet.ALL.minus(outside.union(inside)).isEmpty());
  });
});
