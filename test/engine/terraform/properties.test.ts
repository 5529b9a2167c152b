/**
 * Property tests (fast-check, seeded) of the evaluator: functions against their documented behaviour on
 * generated inputs, arithmetic against JavaScript's, and no input that crashes it (an answer, or an unknown with
 * a reason, every time).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { initHcl } from '../../../server/src/engine/parse/hcl';
import { readHclGrammar } from '../../../server/src/host/hcl-grammar';
import { ev } from './evaluate-support';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const runs = (n: number) => ({ numRuns: n, seed: SEED });

const hcl = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
const list = (xs: readonly (string | number)[]) => `[${xs.map((x) => (typeof x === 'string' ? hcl(x) : String(x))).join(', ')}]`;

function ipv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

suite('terraform: properties', () => {
  suiteSetup(async () => {
    await initHcl(readHclGrammar(path.dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json'))));
  });

  test('cidrsubnet: the netnum-th subnet of newbits more bits, inside its base', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 8, max: 28 }), fc.integer({ min: 0, max: 4 }), fc.nat(),
      (addr, prefix, newbits, n) => {
        const netnum = n % 2 ** newbits;
        const base = (addr & (prefix === 0 ? 0 : ~(2 ** (32 - prefix) - 1))) >>> 0;
        const expected = `${ipv4((base + netnum * 2 ** (32 - prefix - newbits)) >>> 0)}/${prefix + newbits}`;
        assert.equal(ev(`cidrsubnet("${ipv4(addr)}/${prefix}", ${newbits}, ${netnum})`), expected);
      }), runs(200));
  });

  test('cidrhost: the n-th address from the start (or, negative, from the end)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 16, max: 30 }), fc.nat(), fc.boolean(), (addr, prefix, n, fromEnd) => {
      const size = 2 ** (32 - prefix);
      const k = n % size;
      const base = (addr - (addr % size)) >>> 0;
      const host = fromEnd ? -(k + 1) : k;
      const expected = ipv4(fromEnd ? base + size - (k + 1) : base + k);
      assert.equal(ev(`cidrhost("${ipv4(addr)}/${prefix}", ${host})`), expected);
    }), runs(200));
  });

  test('split and join are inverse; upper, lower, trimspace, substr as strings do', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '-', 'é'), maxLength: 12 });
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), fc.constantFrom(',', ';', '--'), (parts, sep) => {
      const safe = parts.map((p) => p.split(sep).join(''));
      assert.equal(ev(`join(${hcl(sep)}, split(${hcl(sep)}, ${hcl(safe.join(sep))}))`), safe.join(sep));
      assert.deepEqual(ev(`split(${hcl(sep)}, ${hcl(safe.join(sep))})`), safe.join(sep) === '' ? [''] : safe.join(sep).split(sep));
    }), runs(150));
    fc.assert(fc.property(word, fc.nat(12), fc.nat(12), (s, o, l) => {
      assert.equal(ev(`upper(${hcl(s)})`), s.toUpperCase());
      assert.equal(ev(`trimspace(${hcl(s)})`), s.trim());
      const chars = [...s];
      if (o <= chars.length) assert.equal(ev(`substr(${hcl(s)}, ${o}, ${l})`), chars.slice(o, o + l).join(''));
    }), runs(150));
  });

  test('collections: merge, concat, distinct, reverse, slice, range, zipmap, setunion, keys and values', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const obj = fc.dictionary(key, fc.integer({ min: -50, max: 50 }), { maxKeys: 5 });
    const obj2hcl = (o: Record<string, number>) => `{ ${Object.entries(o).map(([k, v]) => `${k} = ${v}`).join(', ')} }`;
    const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
    fc.assert(fc.property(obj, obj, (a, b) => {
      assert.deepEqual(ev(`merge(${obj2hcl(a)}, ${obj2hcl(b)})`), sorted({ ...a, ...b }));
      assert.deepEqual(ev(`keys(${obj2hcl(a)})`), Object.keys(a).sort());
      assert.deepEqual(ev(`values(${obj2hcl(a)})`), Object.keys(a).sort().map((k) => a[k]));
    }), runs(150));
    const ints = fc.array(fc.integer({ min: -9, max: 9 }), { maxLength: 8 });
    fc.assert(fc.property(ints, ints, fc.nat(8), fc.nat(8), (xs, ys, i, j) => {
      assert.deepEqual(ev(`concat(${list(xs)}, ${list(ys)})`), [...xs, ...ys]);
      assert.deepEqual(ev(`distinct(${list(xs)})`), [...new Set(xs)]);
      assert.deepEqual(ev(`reverse(reverse(${list(xs)}))`), xs);
      const [from, to] = [Math.min(i, j, xs.length), Math.min(Math.max(i, j), xs.length)];
      assert.deepEqual(ev(`slice(${list(xs)}, ${from}, ${to})`), xs.slice(from, to));
      const strs = xs.map(String);
      assert.deepEqual(ev(`setunion(${list(strs)}, ${list(ys.map(String))})`), [...new Set([...strs, ...ys.map(String)])].sort());
      assert.deepEqual(ev(`length(${list(xs)})`), xs.length);
    }), runs(150));
    fc.assert(fc.property(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 }), fc.integer({ min: 1, max: 5 }), (a, b, s) => {
      const expected: number[] = [];
      for (let x = a; x < b; x += s) expected.push(x);
      if (a <= b) assert.deepEqual(ev(`range(${a}, ${b}, ${s})`), expected);
      else assert.deepEqual(ev(`range(${a}, ${b}, ${-s})`), (() => { const out: number[] = []; for (let x = a; x > b; x -= s) out.push(x); return out; })());
    }), runs(150));
  });

  test('arithmetic and comparison as numbers do; format %d of a whole number is its decimal text', () => {
    const num = fc.integer({ min: -1000, max: 1000 });
    fc.assert(fc.property(num, num, num, (a, b, c) => {
      assert.equal(ev(`${a} + ${b} * ${c}`), a + b * c);
      assert.equal(ev(`(${a} - ${b}) * ${c} >= ${a}`), (a - b) * c >= a);
      assert.equal(ev(`format("%d", ${a})`), String(a));
      assert.equal(ev(`max(${a}, ${b}, ${c}) - min(${a}, ${b}, ${c})`), Math.max(a, b, c) - Math.min(a, b, c));
    }), runs(150));
  });

  test('no input crashes the evaluator: random expressions give a value or an unknown with a reason', () => {
    const atom = fc.constantFrom('1', '"a"', 'true', 'null', '[1, 2]', '{ a = 1 }', 'var.x', 'local.x', 'each.key', 'data.a.b', 'module.m.o',
      'range(3)', 'null[*]', '"${1}"', 'x.y', '[for v in [1] : v]');
    const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
      e: fc.oneof({ depthSize: 'small' },
        atom,
        fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '&&', '||'), tie('e')).map(([a, o, b]) => `(${a} ${o} ${b})`),
        fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
        fc.tuple(fc.constantFrom('merge', 'concat', 'flatten', 'lookup', 'element', 'keys', 'length', 'compact', 'coalesce', 'one', 'toset', 'tomap',
          'join', 'split', 'format', 'cidrsubnet', 'jsonencode', 'try', 'can', 'min', 'sort', 'zipmap', 'transpose', 'nosuch'), fc.array(tie('e'), { maxLength: 3 }))
          .map(([f, args]) => `${f}(${args.join(', ')})`),
        fc.tuple(tie('e'), fc.constantFrom('[0]', '.a', '[*]', '["a"]')).map(([a, s]) => `${a}${s}`),
        tie('e').map((a) => `[for k, v in ${a} : v]`),
        tie('e').map((a) => `"x%{ if ${a} }y%{ endif }"`),
      ),
    })).e;
    fc.assert(fc.property(expr, (e) => {
      const v = ev(e);
      assert.ok(v === null || ['string', 'number', 'boolean', 'object'].includes(typeof v), e);
      if (typeof v === 'string' && v.startsWith('(unknown: ')) assert.ok(v.length > '(unknown: )'.length, e);
    }), runs(400));
  });
});
