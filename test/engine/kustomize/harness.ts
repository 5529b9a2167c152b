/**
 * A small stand-in for kustomize's test harness (`api/testutils/kusttest`): `k(dir, text)` writes a kustomization
 * as `th.WriteK` does, `run(files, dir)` builds it with our builder and gives the built objects as plain data, and
 * `expected(yaml)` reads upstream's expected output the same way, so that the two can be compared exactly.
 */
import { parseYaml } from '../../../server/src/engine/parse/yaml';
import { build, kustomizationIn, type BuildOutput } from '../../../server/src/engine/kustomize/build';
import { plain } from '../../../server/src/engine/kustomize/vtree';

export type Files = Record<string, string>;

/** `th.WriteK(dir, text)`: the kustomization of a folder (`.` is the root). */
export function k(dir: string, text: string): Files {
  return { [dir === '.' ? 'kustomization.yaml' : `${dir}/kustomization.yaml`]: text };
}

export function buildOf(files: Files, dir: string): BuildOutput {
  const parsed = new Map(Object.entries(files).map(([p, t]) => [p, { text: t, ...parseYaml(t) }]));
  const root = kustomizationIn(dir === '.' ? '' : dir, (p) => parsed.has(p));
  if (!root) throw new Error(`no kustomization in ${dir}`);
  return build(root, {
    read: (p) => {
      const f = parsed.get(p);
      return f && { text: f.text, documents: f.documents, syntaxError: f.problems.length > 0 };
    },
  });
}

/** The built objects as plain data (`th.Run`); fails the test with the build's error, if any. */
export function run(files: Files, dir: string): unknown[] {
  const out = buildOf(files, dir);
  if (out.error) throw new Error(`the build failed: ${out.error.message}`);
  return out.resources.map((r) => plain(r.root));
}

/** Upstream's expected output (`th.AssertActualEqualsExpected`) as plain data. */
export function expected(yaml: string): unknown[] {
  return parseYaml(yaml).documents.filter((d) => d.contents).map((d) => plain(d.contents));
}
