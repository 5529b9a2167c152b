/**
 * A parse crosses threads as numbers (`packDocuments` / `unpackDocuments`): what comes out is the tree that went
 * in — every value of every type, every span and flag, a document's header-only and shared marks — and what the
 * tree shared (aliases, merge keys) is shared again, not copied.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseYaml, type YDocument, type YNode, type YPair } from '../../../server/src/engine/parse/yaml';
import { SHARED } from '../../../server/src/engine/parse/yaml/tree';
import { packDocuments, unpackDocuments } from '../../../server/src/engine/parse/yaml/pack';
import { manifestArb, mutate, mutationsArb, NASTY } from '../../fuzz/generators';

const TEXTS: Record<string, string> = {
  scalars: `plain: text
single: 'it''s'
double: "tab\\there \\u00e9"
folded: >
  one
  two
literal: |
  keep
   this
int: 0x1F
float: 1.5e3
nan: .nan
inf: -.inf
negzero: -0
yes: true
no: false
nothing: null
tilde: ~
empty:
80: numeric key
true: boolean key
? null
: null key
`,
  aliases: `base: &b
  app: web
  tier: [front, back]
copy: *b
merged:
  <<: *b
  extra: 1
list:
  - &item { name: a, port: 80 }
  - *item
`,
  documents: `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
---
# empty
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  ports: [{ port: 80 }, null, ~]
...
`,
  template: `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-web
  labels:
    {{- include "labels" . | nindent 4 }}
    tier: web
spec:
  ports:
  {{- range .Values.ports }}
    - port: {{ . }}
  {{- end }}
    - port: 8080
`,
  broken: 'a: [1, 2\nb: : c\n  - d\n"e\n',
  crlf: 'a: 1\r\nb:\r\n  - "x"\r\n  - y\r\n',
};

/** Both trees walked side by side: equal, and an object met twice in one is met twice, at the same places, in the other. */
function assertSameTrees(out: readonly YDocument[], expected: readonly YDocument[], what: string): void {
  assert.deepStrictEqual(out, expected, what);
  const there = new Map<object, object>();
  const back = new Map<object, object>();
  const same = (a: object, b: object): boolean => {
    if (there.has(a) || back.has(b)) {
      assert.equal(there.get(a), b, `${what}: sharing differs`);
      assert.equal(back.get(b), a, `${what}: sharing differs`);
      return true;
    }
    there.set(a, b);
    back.set(b, a);
    return false;
  };
  const node = (a: YNode | null, b: YNode | null): void => {
    if (a === null || b === null || same(a, b)) return;
    if (a.kind === 'map' && b.kind === 'map') a.pairs.forEach((p, i) => pair(p, b.pairs[i]));
    if (a.kind === 'seq' && b.kind === 'seq') a.items.forEach((x, i) => node(x, b.items[i]));
  };
  const pair = (a: YPair, b: YPair): void => {
    if (same(a, b)) return;
    node(a.key, b.key);
    node(a.value, b.value);
  };
  out.forEach((d, i) => {
    assert.equal(SHARED.has(d), SHARED.has(expected[i]), `${what}: shared mark of document ${i}`);
    node(d.contents, expected[i].contents);
  });
}

function roundTrip(text: string, options: { template?: boolean; headersOnly?: boolean } = {}): { out: YDocument[]; expected: YDocument[] } {
  const expected = parseYaml(text, options).documents;
  const packed = packDocuments(expected, text);
  // what crosses threads: the numbers' buffer, the strings and the count (a structured clone keeps them as they are)
  const crossed = structuredClone(packed, { transfer: [packed.numbers.buffer as ArrayBuffer] });
  return { out: unpackDocuments(crossed, text), expected };
}

suite('YAML trees as numbers (a parse crossing threads)', () => {
  for (const [name, text] of Object.entries(TEXTS)) {
    test(`${name}: the same tree comes out`, () => {
      const { out, expected } = roundTrip(text, { headersOnly: true });
      assertSameTrees(out, expected, name);
    });
  }

  test('what aliases and merge keys share is shared again (one object, not a copy)', () => {
    const { out } = roundTrip(TEXTS.aliases);
    const root = out[0].contents;
    assert.ok(root?.kind === 'map');
    const base = root.pairs[0].value;
    assert.equal(root.pairs[1].value, base);
    const merged = root.pairs[2].value;
    assert.ok(merged?.kind === 'map' && base?.kind === 'map');
    assert.equal(merged.pairs.find((p) => p.name === 'app'), base.pairs.find((p) => p.name === 'app'));
    const list = root.pairs[3].value;
    assert.ok(list?.kind === 'seq');
    assert.equal(list.items[0], list.items[1]);
    assert.ok(SHARED.has(out[0]));
  });

  test('a header-only document stays header-only; a value that is not its own text is kept as it was', () => {
    const { out } = roundTrip(TEXTS.documents, { headersOnly: true });
    assert.equal(out[0].headerOnly, true);
    assert.equal(out[2].headerOnly, undefined);
    const { out: scalars } = roundTrip(TEXTS.scalars);
    const root = scalars[0].contents;
    assert.ok(root?.kind === 'map');
    const value = (name: string) => root.pairs.find((p) => p.name === name)?.value;
    assert.equal((value('double') as { value: unknown }).value, 'tab\there é');
    assert.ok(Object.is((value('negzero') as { value: unknown }).value, -0));
    assert.ok(Number.isNaN((value('nan') as { value: unknown }).value));
  });

  test('any manifest, mutated (broken, nasty, templated): the same tree comes out', () => {
    fc.assert(fc.property(manifestArb, mutationsArb, fc.constantFrom(...NASTY), fc.boolean(), (manifest, mutations, nasty, headers) => {
      for (const text of [mutate(manifest, mutations), `${manifest}\n${nasty}`]) {
        const { out, expected } = roundTrip(text, { headersOnly: headers });
        assertSameTrees(out, expected, JSON.stringify(text));
      }
    }), { numRuns: 300 });
  });
});
