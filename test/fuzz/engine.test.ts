/**
 * Property-based tests of the whole engine (fast-check): random and mutated manifests, zones, security lists,
 * Terraform and configs, alone and inside the conformance corpus. For every case `Workspace.analyze()` must
 * not throw, must return within a bound, and every finding (and its related information and fix span) must
 * point inside a file of the workspace (0 ≤ start ≤ end ≤ text length).
 *
 * Seeded and reproducible: the seed is random unless FUZZ_SEED is set, and printed with the case counts at the
 * end (`fuzz: N cases, F failures, seed S`). A failure prints its counterexample and replay path. FUZZ_SCALE
 * multiplies the number of runs (default 1: about 11,000 cases).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { initEngine, Workspace, type Analysis } from '../../server/src/engine';
import { readHclGrammar } from '../../server/src/host/hcl-grammar';
import { checkAnalysis } from './invariants';
import {
  configArb, confusedManifestArb, manifestArb, smallManifestArb, mutate, mutationsArb, securityListJsonArb, seedWorkspaces, terraformArb, zoneArb, type Files,
} from './generators';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
/** one analysis of a few small files; generous, for slow CI machines */
const CASE_BOUND_MS = 3000;

const totals = { cases: 0, failures: 0 };

function analyseFiles(files: Files): void {
  const ws = new Workspace();
  for (const [p, t] of Object.entries(files)) ws.setFile(p, t);
  const started = Date.now();
  const analysis = ws.analyze();
  const took = Date.now() - started;
  assert.ok(took < CASE_BOUND_MS, `analysis took ${took} ms`);
  checkAnalysis(ws, analysis);
}

/** Runs a property, counts its cases and reports a failure with what is needed to replay it. */
function run<T>(name: string, arb: fc.Arbitrary<T>, numRuns: number, predicate: (value: T) => void): void {
  let result: fc.RunDetails<[T]>;
  try {
    result = fc.check(fc.property(arb, predicate), { seed: SEED, numRuns: Math.max(1, Math.round(numRuns * SCALE)) });
  } catch (e) {
    totals.failures++;
    throw new Error(`${name}: the generator failed (replay: FUZZ_SEED=${SEED}): ${e instanceof Error ? e.stack : String(e)}`);
  }
  totals.cases += result.numRuns;
  if (result.failed) {
    totals.failures++;
    let example: string;
    try {
      example = JSON.stringify(result.counterexample, null, 1).slice(0, 4000);
    } catch {
      example = String(result.counterexample);
    }
    assert.fail(`${name}: ${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}\n`
      + `replay: FUZZ_SEED=${result.seed} (path ${JSON.stringify(result.counterexamplePath)})\ncounterexample: ${example}`);
  }
}

// the rule sources every generated manifest is checked against (read from the corpus when it is there)
const BASE: Files = {
  'zones/public.xml': '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n  <port port="30000-30100" protocol="tcp"/>\n</zone>\n',
  'lists.json': '{"data": [{"display-name": "workers", "ingress-security-rules": [{"protocol": "6", "source": "10.0.0.0/16", "tcp-options": {"destination-port-range": {"min": 30000, "max": 32767}}}]}]}\n',
};

suite('fuzz: the engine never throws, stays in bounds and points inside its files', function () {
  this.timeout(600_000);
  const seeds = seedWorkspaces();

  suiteSetup(() => initEngine({ hcl: readHclGrammar() }));

  suiteTeardown(() => {
    // eslint-disable-next-line no-console
    console.log(`      fuzz: ${totals.cases} cases, ${totals.failures} failures, seed ${SEED}`);
  });

  test('generated manifests, mutated (alone, and beside zones and lists)', () => {
    const name = fc.constantFrom('app.yaml', 'app.yaml', 'app.yml', 'app.json', 'chart/templates/app.yaml');
    run('manifests', fc.tuple(manifestArb, mutationsArb, fc.boolean(), name), 2200, ([text, mutations, withSources, file]) => {
      analyseFiles({ ...(withSources ? BASE : {}), [file]: mutate(text, mutations) });
    });
  });

  test('Services and workloads with fields of the wrong type', () => {
    run('type confusion', fc.tuple(confusedManifestArb, fc.boolean()), 1500, ([text, withSources]) => {
      analyseFiles({ ...(withSources ? BASE : {}), 'app.yaml': text });
    });
  });

  test('generated firewalld zones, mutated', () => {
    run('zones', fc.tuple(zoneArb, mutationsArb, smallManifestArb), 1200, ([zone, mutations, manifest]) => {
      analyseFiles({ 'etc/firewalld/zones/public.xml': mutate(zone, mutations), 'app.yaml': manifest });
    });
  });

  test('generated OCI security lists (JSON), mutated', () => {
    run('security lists', fc.tuple(securityListJsonArb, mutationsArb, smallManifestArb), 1200, ([list, mutations, manifest]) => {
      analyseFiles({ 'net/lists.json': mutate(list, mutations), 'app.yaml': manifest });
    });
  });

  test('generated Terraform, mutated', () => {
    run('terraform', fc.tuple(terraformArb, mutationsArb, smallManifestArb), 1200, ([tf, mutations, manifest]) => {
      analyseFiles({ 'infra/network.tf': mutate(tf, mutations), 'app.yaml': manifest });
    });
  });

  test('generated configs, mutated, beside every kind of rule source', () => {
    run('configs', fc.tuple(configArb, mutationsArb, smallManifestArb), 800, ([config, mutations, manifest]) => {
      analyseFiles({
        ...BASE,
        'network.tf': 'resource "oci_core_security_list" "workers" {\n  ingress_security_rules {\n    protocol = "6"\n    source = "0.0.0.0/0"\n  }\n}\n',
        '.service-reach.yaml': mutate(config, mutations),
        'app.yaml': manifest,
      });
    });
  });

  test('the corpus and examples/, one or two files mutated', () => {
    assert.ok(seeds.length > 0, 'no seed workspaces (examples/ is missing)');
    const arb = fc.tuple(
      fc.integer({ min: 0, max: seeds.length - 1 }),
      fc.array(fc.tuple(fc.nat(), mutationsArb), { minLength: 1, maxLength: 2 }),
    );
    run('corpus', arb, 2000, ([which, edits]) => {
      const files = { ...seeds[which].files };
      const names = Object.keys(files);
      for (const [pick, mutations] of edits) {
        const name = names[pick % names.length];
        files[name] = mutate(files[name], mutations);
      }
      analyseFiles(files);
    });
  });

  test('arbitrary text under every kind of file name', () => {
    const names = ['a.yaml', 'b.yml', 'c.json', 'etc/firewalld/zones/d.xml', 'e.tf', 'etc/firewalld/firewalld.conf', '.service-reach.yaml'];
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 400 }),
      fc.array(fc.constantFrom('[', ']', '{', '}', '<', '>', '"', "'", ':', '- ', '\n', ' ', 'a', '=', '&a', '*a', '<<', '${', '#', '\0', '\r'), { maxLength: 300 }).map((a) => a.join('')),
    );
    run('arbitrary text', fc.tuple(fc.subarray(names, { minLength: 1 }), fc.array(text, { minLength: 7, maxLength: 7 })), 1000, ([picked, texts]) => {
      analyseFiles(Object.fromEntries(picked.map((n, i) => [n, texts[i]])));
    });
  });

  test('a workspace edited step by step analyses as one built from its final files', () => {
    const step = fc.record({
      path: fc.constantFrom('app.yaml', 'b.yaml', 'zones/public.xml', 'lists.json', 'network.tf', 'variables.tf', '.service-reach.yaml'),
      action: fc.constantFrom('set', 'set', 'set', 'remove', 'skip'),
      text: fc.oneof(smallManifestArb, zoneArb, securityListJsonArb, terraformArb, configArb),
      mutations: mutationsArb,
    });
    run('edits', fc.array(step, { minLength: 1, maxLength: 6 }), 300, (steps) => {
      const ws = new Workspace();
      const final = new Map<string, { text?: string; skipped?: boolean }>();
      for (const s of steps) {
        const text = mutate(s.text, s.mutations);
        if (s.action === 'set') { ws.setFile(s.path, text); final.set(s.path, { text }); }
        else if (s.action === 'remove') { ws.removeFile(s.path); final.delete(s.path); }
        else { ws.skipFile(s.path, 'file-too-large', `${s.path} was skipped.`); final.set(s.path, { skipped: true }); }
        const skipped = new Set([...final].filter(([, f]) => f.skipped).map(([p]) => p));
        checkAnalysis(ws, ws.analyze(), skipped); // analysed after every step: later steps meet warm caches
      }
      const fresh = new Workspace();
      for (const [p, f] of final) {
        if (f.skipped) fresh.skipFile(p, 'file-too-large', `${p} was skipped.`);
        else fresh.setFile(p, f.text!);
      }
      const view = (a: Analysis) => a.findings.map((f) => `${f.path}:${f.span.start}-${f.span.end} ${f.code} ${f.message}`);
      assert.deepEqual(view(ws.analyze()), view(fresh.analyze()));
    });
  });

  test('the run reached 10,000 cases', function () {
    if (SCALE < 1) this.skip();
    assert.ok(totals.cases >= 10_000, `only ${totals.cases} cases`);
  });
});
