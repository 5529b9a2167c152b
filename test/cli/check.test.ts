import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { main } from '../../server/src/cli/main';
import { CONFORMANCE_DIR } from '../conformance/cases';

const ROOT = path.resolve(__dirname, '../../..');
/**
 * A scratch copy of a conformance case (test/conformance/<family>/<case>): a case is a repository of its own, and
 * inside this checkout the CLI would take the checkout (the closest folder with `.git`) as its workspace.
 */
const CASE = (name: string) => tempCopy(path.join(CONFORMANCE_DIR, name));
const EXAMPLES = path.join(ROOT, 'examples');

async function run(args: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

function tempCopy(dir: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-cli-'));
  fs.cpSync(dir, tmp, { recursive: true });
  return tmp;
}

suite('CLI: service-reach check', () => {
  test('text output reads like a compiler: path:line:col severity code message', async () => {
    const dir = CASE('api/ports');
    const r = await run(['check', path.basename(dir)], path.dirname(dir));
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.match(lines[0], new RegExp(`^${path.basename(dir)}/radio\\.yaml:\\d+:\\d+ error [a-z-]+ .+`));
    assert.match(lines[lines.length - 1], /^\d+ errors?, \d+ warnings?, \d+ notes? in \d+ Services? \(\d+ files? read, \d+ rules? read, \d+ not evaluated\)$/);
  });

  test('the summary counts the rules read and the rules not evaluated, in text, JSON and SARIF', async () => {
    // a worker list of two rules in Terraform (one from a data source) and one of two rules in a plan (one source known only after apply)
    const dir = CASE('input/unevaluated');
    const text = await run(['check', '.'], dir);
    assert.equal(text.code, 0);
    assert.match(text.out, /\n0 errors, 0 warnings, 2 notes in 1 Service \(3 files read, 4 rules read, 2 not evaluated\)\n$/);
    const j = JSON.parse((await run(['check', '--format', 'json', '.'], dir)).out);
    // (no cluster or node pool in the Terraform, no list setting in the config: the fallback, said so)
    const fallback = 'OCI lists and NSGs: no cluster or node pool in the Terraform and no list setting in the config: every list and NSG (2) is taken to guard the worker nodes; no list is the load-balancer subnet\'s';
    assert.ok(text.out.includes(`\ntopology: ${fallback}\n`), text.out);
    assert.deepEqual(j.summary, { files: 3, services: 1, servicesFromTemplates: 0, servicesFromCharts: 0, rules: 4, rulesNotEvaluated: 2, errors: 0, warnings: 0, infos: 2, suppressed: 0, topology: [fallback] });
    assert.deepEqual(j.findings.map((f: { code: string }) => f.code), ['rules-not-evaluated', 'rules-not-evaluated']);
    const sarif = JSON.parse((await run(['check', '--format', 'sarif', '.'], dir)).out);
    assert.equal(sarif.runs[0].properties.summary.rules, 4);
    assert.equal(sarif.runs[0].properties.summary.rulesNotEvaluated, 2);
    // nothing read is said too: no rule source, no rule
    const none = await run(['check', '.'], CASE('api/ports'));
    assert.match(none.out, /\(\d+ files? read, 0 rules read, 0 not evaluated\)\n$/);
  });

  test('json output: findings with 1-based positions relative to the cwd, and a summary', async () => {
    const r = await run(['check', '--format', 'json', '.'], CASE('api/nodeport-conflict'));
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['findings', 'summary']);
    const keys = j.findings.map((f: { file: string; line: number; code: string }) => `${f.file}:${f.line} ${f.code}`).sort();
    assert.deepEqual(keys, ['logging/collector.yaml:13 nodeport-conflict', 'logging/collector.yaml:32 nodeport-conflict', 'staging/collector.yaml:14 nodeport-conflict']);
    for (const f of j.findings) {
      for (const k of ['file', 'line', 'column', 'endLine', 'endColumn', 'code', 'severity', 'message']) assert.ok(k in f, k);
      assert.ok(f.line >= 1 && f.column >= 1);
    }
    assert.equal(j.summary.errors, 3);
    assert.equal(r.code, 1);
  });

  test('exit 0 when only warnings remain; 0 on a clean repository', async () => {
    const warnings = await run(['check', CASE('reachability/firewalld-zone')]);
    assert.match(warnings.out, /^0 errors, 3 warnings, 0 notes in 3 Services/m);
    assert.equal(warnings.code, 0);
    const clean = await run(['check', CASE('reachability/clean')]);
    assert.match(clean.out, /^0 errors, 0 warnings, 0 notes in 2 Services/m);
    assert.equal(clean.code, 0);
  });

  test('exit 2 for usage errors and unreadable paths', async () => {
    assert.equal((await run(['check', '--format', 'xml'])).code, 2);
    assert.equal((await run(['frobnicate'])).code, 2);
    assert.equal((await run([])).code, 2);
    assert.equal((await run(['check', '--bogus'])).code, 2);
    const missing = await run(['check', path.join(os.tmpdir(), 'does-not-exist-sr')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read/);
  });

  test('--config points at another config file', async () => {
    const tmp = tempCopy(CASE('reachability/clean'));
    fs.rmSync(path.join(tmp, '.service-reach.yaml'));
    fs.writeFileSync(path.join(tmp, 'sr.yaml'), 'loadBalancers:\n  subnetCidrs: [10.9.9.0/24]\n');
    const without = JSON.parse((await run(['check', '--format', 'json', '.'], tmp)).out);
    const withConfig = JSON.parse((await run(['check', '--format', 'json', '--config', 'sr.yaml', '.'], tmp)).out);
    assert.equal(without.findings.length, 0);
    assert.ok(withConfig.findings.some((f: { code: string }) => f.code === 'security-list-port-closed'), 'the load balancers now come from 10.9.9.0/24, which no rule allows');
  });

  test('an invalid config is reported on the config file and analysis goes on', async () => {
    const tmp = tempCopy(CASE('reachability/firewalld-zone'));
    fs.writeFileSync(path.join(tmp, '.service-reach.yaml'), 'nodePortRange: 30000-2\nnodez: {}\nnodes:\n  firewalld:\n    zones: [../../etc/passwd, nope.xml]\n');
    const j = JSON.parse((await run(['check', '--format', 'json', '.'], tmp)).out);
    const keys = j.findings.map((f: { file: string; line: number; code: string }) => `${f.file}:${f.line} ${f.code}`).sort();
    assert.deepEqual(keys, [
      '.service-reach.yaml:1 config-invalid', '.service-reach.yaml:2 config-invalid',
      '.service-reach.yaml:5 config-path-not-found', '.service-reach.yaml:5 config-path-outside-workspace',
    ]);
  });

  test('folders are walked, skipping node_modules and .git', async () => {
    const tmp = tempCopy(CASE('api/ports'));
    for (const d of ['node_modules/x', '.git/y']) {
      fs.mkdirSync(path.join(tmp, d), { recursive: true });
      fs.copyFileSync(path.join(tmp, 'radio.yaml'), path.join(tmp, d, 'svc.yaml'));
    }
    const j = JSON.parse((await run(['check', '--format', 'json', '.'], tmp)).out);
    assert.ok(j.findings.length > 0);
    assert.ok(j.findings.every((f: { file: string }) => f.file === 'radio.yaml'));
  });

  test('a file given is checked within its workspace (the folder above with .git), reporting and fixing only that file', async () => {
    const tmp = tempCopy(CASE('reachability/firewalld-zone'));
    const whole = JSON.parse((await run(['check', '--format', 'json', '.'], tmp)).out) as { findings: { file: string; code: string }[] };
    const files = [...new Set(whole.findings.filter((f) => f.code === 'firewalld-port-closed').map((f) => f.file))];
    assert.ok(files.length >= 2, 'the case has findings in more than one manifest');
    const [file, other] = files;
    const lone = JSON.parse((await run(['check', '--format', 'json', path.join(tmp, file)], os.tmpdir())).out) as typeof whole;
    // without a marker the file is read on its own: no zone, no firewalld finding
    assert.ok(!lone.findings.some((f) => f.code === 'firewalld-port-closed'));
    fs.mkdirSync(path.join(tmp, '.git'));
    const inRepo = JSON.parse((await run(['check', '--format', 'json', path.join(tmp, file)], os.tmpdir())).out) as typeof whole;
    const expected = whole.findings.filter((f) => f.file === file).map((f) => f.code).sort();
    assert.deepEqual(inRepo.findings.map((f) => f.code).sort(), expected);
    assert.ok(inRepo.findings.every((f) => path.resolve(os.tmpdir(), f.file) === path.join(tmp, file)));
    // --fix clears the file's findings (editing the zone) and leaves the other file's for later
    await run(['check', '--fix', path.join(tmp, file)], os.tmpdir());
    const after = JSON.parse((await run(['check', '--format', 'json', '.'], tmp)).out) as typeof whole;
    assert.ok(!after.findings.some((f) => f.file === file && f.code === 'firewalld-port-closed'));
    assert.ok(after.findings.some((f) => f.file === other && f.code === 'firewalld-port-closed'));
  });

  test('a file over --max-file-size is skipped with a finding', async () => {
    const tmp = tempCopy(CASE('api/ports'));
    const j = JSON.parse((await run(['check', '--format', 'json', '--max-file-size', '100', '.'], tmp)).out);
    assert.deepEqual(j.findings.map((f: { code: string }) => f.code), ['file-too-large']);
  });

  test('the bin runs as a program', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/service-reach.js'), 'check', '--format', 'json', 'examples'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.ok(JSON.parse(r.stdout).findings.length > 0);
  });
});

suite('CLI: SARIF 2.1.0', () => {
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  test('the validator rejects a broken log (it can fail)', () => {
    assert.equal(validate({ version: '2.1.0', runs: [{ results: [{ level: 'fatal' }] }] }), false);
  });

  for (const [name, dir] of [['examples/', EXAMPLES], ['a conformance case with related locations', CASE('reachability/nlb-preserve-source')], ['a conformance case with suppressed findings', CASE('input/suppressions')]] as const) {
    test(`check ${name} --format sarif is valid SARIF 2.1.0 (official schema)`, async () => {
      const r = await run(['check', '--format', 'sarif', dir]);
      const log = JSON.parse(r.out) as { runs: { results: { ruleId: string; ruleIndex: number; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[]; tool: { driver: { rules: { id: string; help: { text: string } }[] } } }[] };
      const ok = validate(log);
      assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
      const run0 = log.runs[0];
      assert.ok(run0.results.length > 0);
      const ruleIds = run0.tool.driver.rules.map((x: { id: string }) => x.id);
      for (const res of run0.results) {
        assert.equal(ruleIds[res.ruleIndex], res.ruleId);
        assert.ok(run0.tool.driver.rules[res.ruleIndex].help.text.length > 20);
        assert.ok(!res.locations[0].physicalLocation.artifactLocation.uri.startsWith('/'));
      }
    });
  }
});

suite('CLI: suppressed findings and templates in the summary', () => {
  test('JSON leaves suppressed findings out and counts them; SARIF carries them with an inSource suppression; text says it', async () => {
    const json = JSON.parse((await run(['check', '--format', 'json', '.'], CASE('input/suppressions'))).out);
    assert.deepEqual(json.findings.map((f: { code: string }) => f.code), ['unused-ignore', 'unused-ignore']);
    assert.deepEqual(json.summary, { files: 1, services: 3, servicesFromTemplates: 0, servicesFromCharts: 0, rules: 0, rulesNotEvaluated: 0, errors: 0, warnings: 0, infos: 2, suppressed: 3 });
    const sarif = JSON.parse((await run(['check', '--format', 'sarif', '.'], CASE('input/suppressions'))).out);
    const results = sarif.runs[0].results as { ruleId: string; suppressions?: { kind: string }[] }[];
    assert.deepEqual(results.filter((r) => r.suppressions).map((r) => [r.ruleId, r.suppressions]).sort(),
      [['invalid-protocol', [{ kind: 'inSource' }]], ['invalid-protocol', [{ kind: 'inSource' }]], ['nodeport-out-of-range', [{ kind: 'inSource' }]]].sort());
    assert.equal(results.filter((r) => !r.suppressions).length, 2);
    const text = await run(['check', '.'], CASE('input/suppressions'));
    assert.match(text.out, /^0 errors, 0 warnings, 2 notes in 3 Services \(1 file read, 0 rules read, 0 not evaluated\); 3 findings suppressed$/m);
  });

  test('the summary counts the Services read from templates', async () => {
    const json = JSON.parse((await run(['check', '--format', 'json', '.'], CASE('input/templates'))).out);
    assert.equal(json.summary.services, 5);
    assert.equal(json.summary.servicesFromTemplates, 4);
    const text = await run(['check', '.'], CASE('input/templates'));
    assert.match(text.out, /in 5 Services, 4 from templates \(/);
  });

  test('the summary counts the Services rendered from Helm charts', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-cli-chart-'));
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, rel), text);
    };
    write('.git/HEAD', 'ref: refs/heads/main\n');
    write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 1.0.0\n');
    write('charts/web/values.yaml', 'service:\n  type: NodePort\n  nodePort: 40000\n');
    write('charts/web/templates/service.yaml', [
      'apiVersion: v1', 'kind: Service', 'metadata:', '  name: {{ .Release.Name }}', 'spec:', '  type: {{ .Values.service.type }}',
      '  ports:', '    - port: 80', '      nodePort: {{ .Values.service.nodePort }}', '',
    ].join('\n'));
    write('plain.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: plain\nspec:\n  ports:\n    - port: 80\n');
    try {
      const json = JSON.parse((await run(['check', '--format', 'json', '.'], tmp)).out);
      assert.equal(json.summary.services, 2);
      assert.equal(json.summary.servicesFromCharts, 1);
      assert.equal(json.summary.servicesFromTemplates, 0);
      assert.deepEqual(json.findings.map((f: { file: string; line: number; column: number; code: string }) => `${f.file}:${f.line}:${f.column} ${f.code}`),
        ['charts/web/templates/service.yaml:9:17 nodeport-out-of-range']);
      assert.match(json.findings[0].message, /`nodePort` renders as 40000 with the chart's values\./);
      const text = await run(['check', '.'], tmp);
      assert.match(text.out, /in 2 Services, 1 rendered from charts \(/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
