/**
 * YAML merge keys (`<<: *anchor`), which kubectl accepts: applied as YAML 1.1 merge does (a key written in the map
 * wins, then the first source that has it), the merged pairs shared with the map they come from (their spans are
 * where they are written), never an `unknown-field`, and bounded by the alias-expansion budget.
 */
import * as assert from 'node:assert/strict';
import { YAML_LIMITS, YamlFile, asMap, asScalar, asSeq, get, getValue, parseYaml, type YMap, type YNode } from '../../../server/src/engine/parse/yaml';
import { keys, ready } from '../../support/workspace';
import { cpuMs } from '../../support/cpu-time';

function map(text: string, key: string): YMap {
  const m = asMap(getValue(asMap(parseYaml(text).documents[0]?.contents), key));
  assert.ok(m, `no map at ${key}`);
  return m;
}

function values(m: YMap): Record<string, unknown> {
  return Object.fromEntries(m.pairs.map((p) => [p.name, asScalar(p.value)?.value]));
}

/** Nodes a walk without a visited set meets. */
function naiveSize(n: YNode | null): number {
  let count = 0;
  const stack: YNode[] = n ? [n] : [];
  while (stack.length > 0 && count < 10_000_000) {
    const x = stack.pop()!;
    count++;
    if (x.kind === 'map') for (const p of x.pairs) { if (p.value) stack.push(p.value); }
    else if (x.kind === 'seq') for (const i of x.items) { if (i) stack.push(i); }
  }
  return count;
}

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  type: NodePort
  ports:
    - &http
      name: http
      port: 80
      nodePort: 30080
    - <<: *http
      name: alt
      port: 81
`;

suite('YAML merge keys: parse', () => {
  test('the pairs of the named map are folded in; keys written in the map win, wherever they are written', () => {
    const text = 'base: &b {a: 1, b: 2}\nm:\n  b: 3\n  <<: *b\n  c: 4\n';
    const root = asMap(parseYaml(text).documents[0].contents);
    const m = asMap(getValue(root, 'm'))!;
    assert.deepEqual(m.pairs.map((p) => p.name), ['b', 'c', 'a']);
    assert.deepEqual(values(m), { a: 1, b: 3, c: 4 });
    // the merged pair is the anchor's own (shared, as aliases are): its span is where it is written
    const base = asMap(getValue(root, 'base'))!;
    const a = get(m, 'a')!;
    assert.equal(a, get(base, 'a'));
    assert.equal(text.slice(a.span.start, a.span.end), 'a: 1');
  });

  test('a sequence of sources merges in order, the earlier wins; an inline map merges too', () => {
    const text = 'x: &x {k: x, only-x: 1}\ny: &y {k: y, only-y: 2}\nm:\n  <<: [*x, *y]\nn:\n  <<: {k: inline}\n  z: 0\n';
    assert.deepEqual(values(map(text, 'm')), { k: 'x', 'only-x': 1, 'only-y': 2 });
    assert.deepEqual(values(map(text, 'n')), { z: 0, k: 'inline' });
  });

  test('no pair is named after the merge key; a quoted "<<" is a plain key', () => {
    const text = 'a: &a {k: 1}\nm:\n  <<: *a\nq:\n  "<<": *a\n';
    assert.deepEqual(map(text, 'm').pairs.map((p) => p.name), ['k']);
    assert.deepEqual(map(text, 'q').pairs.map((p) => p.name), ['<<']);
    assert.deepEqual(parseYaml(text).problems, []);
  });

  test('a merge source that is not a map is a problem (kubectl rejects it), except in a template', () => {
    const text = 's: &s x\nm:\n  <<: *s\n  k: 1\n';
    const r = parseYaml(text);
    assert.deepEqual(r.problems.map((p) => p.message), ['Merge sources must be maps or map aliases']);
    assert.equal(r.problems[0].span.start, text.indexOf('*s'));
    assert.deepEqual(values(map(text, 'm')), { k: 1 });
    assert.deepEqual(parseYaml(text, { template: true }).problems, []);
  });

  test('merges are bounded by the alias-expansion budget: nested merges are an alias bomb, a long chain of merges is not', () => {
    // each level merges the one before it twice: what a YAML 1.1 loader copies doubles at every level
    const bomb = 'b0: &b0 {k0: 0}\n' + Array.from({ length: 40 }, (_, i) => `b${i + 1}: &b${i + 1}\n  <<: [*b${i}, *b${i}]\n  k${i + 1}: ${i}\n`).join('');
    let r!: ReturnType<typeof parseYaml>;
    assert.ok(cpuMs(() => { r = parseYaml(bomb); }) < 1000, 'answered quickly');
    const limit = r.problems.find((p) => p.limit);
    assert.ok(limit, JSON.stringify(r.problems));
    assert.match(limit.message, /alias/);
    assert.ok(naiveSize(r.documents[0].contents) <= 2 * bomb.length + YAML_LIMITS.maxAliasExpansion);
    // below the budget, every level has every key of the levels before it
    const chain = 'c0: &c0 {k0: 0}\n' + Array.from({ length: 100 }, (_, i) => `c${i + 1}: &c${i + 1}\n  <<: *c${i}\n  k${i + 1}: ${i + 1}\n`).join('');
    const c = parseYaml(chain);
    assert.deepEqual(c.problems, []);
    const last = map(chain, 'c100');
    assert.equal(last.pairs.length, 101);
    assert.equal(asScalar(getValue(last, 'k0'))?.value, 0);
  });

  test('read document by document (YamlFile), merges read as in the whole text', () => {
    const text = `${SERVICE}---\n${SERVICE.replace('name: a', 'name: b')}---\nx: &x {a: 1}\ny: {<<: *x}\n`;
    const file = new YamlFile();
    assert.deepEqual(file.parse(text), parseYaml(text));
    const edited = text.replace('port: 81', 'port: 82');
    assert.deepEqual(file.parse(edited), parseYaml(edited));
    const ports = asSeq(getValue(asMap(getValue(asMap(file.parse(edited).documents[0].contents), 'spec')), 'ports'))!;
    assert.deepEqual(values(asMap(ports.items[1])!), { name: 'alt', port: 82, nodePort: 30080 });
  });
});

suite('YAML merge keys: findings', () => {
  suiteSetup(ready);

  test('a merged port: no unknown-field, and the node port it repeats is a duplicate, as the API server says', () => {
    // the merged nodePort is the anchor's pair: the finding is where it is written
    assert.deepEqual(keys({ 'svc.yaml': SERVICE }), ['svc.yaml:11 duplicate-port']);
    assert.deepEqual(keys({ 'svc.yaml': `${SERVICE}      nodePort: 30081\n` }), []);
  });

  test('a quoted "<<" is an unknown field', () => {
    assert.deepEqual(keys({ 'svc.yaml': SERVICE.replace('- <<: *http', '- "<<": *http') }), ['svc.yaml:12 unknown-field']);
  });
});
