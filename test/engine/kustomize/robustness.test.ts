/**
 * The builder on hostile input: it never throws, fails with a reason, and is bounded (nesting, nodes). Random
 * kustomizations and patches (fast-check, seeded) always give a value.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseYaml } from '../../../server/src/engine/parse/yaml';
import { build } from '../../../server/src/engine/kustomize/build';
import { buildOf, k, type Files } from './harness';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261202;

function buildWith(files: Files, path: string, limits = { nodes: 200_000, depth: 32 }) {
  const parsed = new Map(Object.entries(files).map(([p, t]) => [p, { text: t, ...parseYaml(t) }]));
  return build(path, { read: (p) => { const f = parsed.get(p); return f && { text: f.text, documents: f.documents, syntaxError: f.problems.length > 0 }; } }, limits);
}

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n';

suite('kustomize build: hostile input', () => {
  test('odd shapes fail with a reason, never a throw', () => {
    const cases: Files[] = [
      k('.', 'just a string\n'),
      k('.', 'resources: {a: 1}\npatches: 7\n'),
      { ...k('.', 'resources:\n- s.yaml\npatches:\n- patch: "- op: remove\\n  path: /spec/nope"\n  target: {kind: Service}\n'), 's.yaml': SERVICE },
      { ...k('.', 'resources:\n- s.yaml\npatches:\n- patch: "- op: bogus\\n  path: /spec"\n  target: {kind: Service}\n'), 's.yaml': SERVICE },
      { ...k('.', 'resources:\n- s.yaml\npatches:\n- patch: "- op: test\\n  path: /spec/ports/0/port\\n  value: 81"\n  target: {kind: Service}\n'), 's.yaml': SERVICE },
      { ...k('.', 'resources:\n- s.yaml\npatches:\n- patch: "{{ not yaml"\n'), 's.yaml': SERVICE },
      { ...k('.', 'resources:\n- s.yaml\n- s.yaml\n'), 's.yaml': SERVICE },
      { ...k('.', 'resources:\n- ../../etc/passwd\n') },
      { ...k('.', 'resources:\n- s.yaml\npatches:\n- target: {kind: Service, name: "("}\n  patch: "- op: add\\n  path: /x\\n  value: 1"\n'), 's.yaml': SERVICE },
    ];
    for (const files of cases) {
      const out = buildOf(files, '.');
      assert.ok(out.error || out.resources.length >= 0, JSON.stringify(files));
    }
    assert.match(buildOf(cases[2], '.').error!.message, /does not exist/);
    assert.match(buildOf(cases[4], '.').error!.message, /test failed/);
    assert.match(buildOf(cases[6], '.').error!.message, /added twice/);
    assert.match(buildOf(cases[7], '.').error!.message, /outside the workspace/);
  });

  test('nesting and size are bounded', () => {
    const chain: Files = {};
    for (let i = 0; i < 40; i++) Object.assign(chain, k(`l${i}`, `resources:\n- ../l${i + 1}\n`));
    Object.assign(chain, k('l40', 'resources: []\n'));
    assert.match(buildOf(chain, 'l0').error!.message, /nested deeper than 32/);
    const big = { ...k('.', 'resources:\n- s.yaml\n'), 's.yaml': SERVICE };
    assert.match(buildWith(big, 'kustomization.yaml', { nodes: 5, depth: 32 }).error!.message, /more than 5 YAML nodes/);
  });

  test('random kustomizations and patches always give a value', () => {
    const scalar = fc.oneof(fc.constantFrom('s.yaml', '../x', 'https://h/x', '.', '', '/', '$patch', 'delete', 'replace', '- op: add'), fc.string({ maxLength: 8 }), fc.integer());
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.constant(null), fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('op', 'path', 'value', 'from', 'kind', 'name', 'metadata', 'spec', 'ports', 'port', '$patch', 'target', 'patch'), tie('node'), { maxKeys: 4 })),
    })).node;
    const kustomization = fc.record({
      resources: fc.array(scalar, { maxLength: 3 }), patches: fc.array(value, { maxLength: 3 }), patchesJson6902: fc.array(value, { maxLength: 2 }),
      namespace: scalar, namePrefix: scalar, commonLabels: fc.dictionary(fc.string({ maxLength: 4 }), scalar, { maxKeys: 2 }),
      components: fc.array(scalar, { maxLength: 2 }), replicas: fc.array(value, { maxLength: 2 }),
    }, { requiredKeys: [] });
    fc.assert(fc.property(kustomization, value, (kz, patch) => {
      const files: Files = { 'kustomization.yaml': JSON.stringify(kz), 's.yaml': SERVICE, 'p.yaml': JSON.stringify(patch) };
      const out = buildWith(files, 'kustomization.yaml');
      return out.error !== undefined || Array.isArray(out.resources);
    }), { seed: SEED, numRuns: 300 });
  });
});
