/**
 * The conformance cases of test/conformance, run through the CLI in-process: every marked line carries exactly
 * its findings and every other line none; `--fix` clears every fixable finding and keeps the others; every
 * finding code has a firing case and a near miss (so a new code must bring its own).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { ALL_CODES, CODES, type Code } from '../../server/src/engine';
import { conformanceCases, markerKey, readMarkers, type ConformanceCase, type Marker } from '../conformance/cases';

interface JsonFinding { file: string; line: number; code: string; severity: string; message: string }

async function check(dir: string, args: string[]): Promise<{ status: number; findings: JsonFinding[]; err: string }> {
  let out = '';
  let err = '';
  const status = await main(['check', '--format', 'json', ...args, '.'], { cwd: dir, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  assert.ok(status === 0 || status === 1, `check exited ${status}: ${err}`);
  return { status, findings: (JSON.parse(out) as { findings: JsonFinding[] }).findings, err };
}

const keyOf = (f: JsonFinding) => `${f.file}:${f.line} ${f.code}`;

/** What differs between the marked findings and the found ones, as lines a person can act on. */
export function differences(expected: readonly Marker[], found: readonly JsonFinding[]): string[] {
  const want = new Set(expected.map(markerKey));
  const got = new Map(found.map((f) => [keyOf(f), f]));
  const out: string[] = [];
  for (const k of [...want].sort()) if (!got.has(k)) out.push(`missing    ${k}`);
  for (const [k, f] of [...got].sort()) if (!want.has(k)) out.push(`unexpected ${k}: ${f.message}`);
  return out;
}

/** Codes that have no firing case, or no near miss, among these cases. */
export function coverageGaps(codes: readonly string[], cases: readonly ConformanceCase[]): string[] {
  const fires = new Set<string>();
  const near = new Set<string>();
  for (const c of cases) {
    const m = readMarkers(c.dir);
    for (const x of m.expected) fires.add(x.code);
    for (const x of m.nearMisses) near.add(x.code);
  }
  const gaps: string[] = [];
  for (const code of codes) {
    if (!fires.has(code)) gaps.push(`${code}: no case marks it with "expect"`);
    if (!near.has(code)) gaps.push(`${code}: no case marks a near miss for it ("near-miss")`);
  }
  return gaps;
}

const fixable = (code: string) => (CODES[code as Code]?.fixes.length ?? 0) > 0;

function scratchCopy(dir: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-conformance-'));
  fs.cpSync(dir, tmp, { recursive: true });
  return tmp;
}

/** (file, code) counts of the findings that have no fix: what `--fix` must leave alone. */
function unfixableCounts(findings: readonly JsonFinding[]): string[] {
  const counts = new Map<string, number>();
  for (const f of findings) if (!fixable(f.code)) counts.set(`${f.file} ${f.code}`, (counts.get(`${f.file} ${f.code}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ×${n}`).sort();
}

const CASES = conformanceCases();

suite('Conformance cases (test/conformance)', function () {
  this.timeout(60_000);

  test('the cases are there, in families', () => {
    assert.ok(CASES.length >= 10, `only ${CASES.length} cases`);
    assert.deepEqual([...new Set(CASES.map((c) => c.family))].sort(), ['api', 'authoring', 'input', 'reachability']);
  });

  for (const c of CASES) {
    test(`${c.name}: every marked line carries exactly its findings, every other line none`, async () => {
      const markers = readMarkers(c.dir);
      assert.deepEqual(markers.malformed, [], 'markers the runner cannot read');
      for (const m of [...markers.expected, ...markers.nearMisses]) assert.ok((ALL_CODES as string[]).includes(m.code), `${markerKey(m)}: no such code`);
      const nearAndExpected = markers.nearMisses.filter((n) => markers.expected.some((e) => markerKey(e) === markerKey(n)));
      assert.deepEqual(nearAndExpected.map(markerKey), [], 'a line is marked both as firing and as a near miss for the same code');
      // a case is a repository of its own: read from a copy (inside this checkout, the checkout is the workspace)
      const dir = scratchCopy(c.dir);
      let findings: JsonFinding[];
      try {
        ({ findings } = await check(dir, markers.args));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      assert.deepEqual(differences(markers.expected, findings), [], `${c.name}: findings differ from the markers`);
    });
  }

  for (const c of CASES) {
    const markers = readMarkers(c.dir);
    if (!markers.expected.some((m) => fixable(m.code))) continue;
    test(`${c.name} --fix: every fixable finding is cleared, the others stay`, async () => {
      const dir = scratchCopy(c.dir);
      try {
        const before = await check(dir, markers.args);
        const fixed = await check(dir, ['--fix', ...markers.args]);
        assert.match(fixed.err, /--fix cleared [1-9]\d* findings? in \d+ pass/);
        const after = await check(dir, markers.args);
        // fixes only add: a port that a rule the user wrote drops or rejects is left, and --fix says so
        const left = [...fixed.err.matchAll(/--fix left (\S+:\d+ [a-z-]+):/g)].map((m) => m[1]);
        assert.deepEqual(after.findings.filter((f) => fixable(f.code)).map(keyOf).filter((k) => !left.includes(k)), [], 'fixable findings left after --fix');
        assert.deepEqual(unfixableCounts(after.findings), unfixableCounts(before.findings), 'findings without a fix must stay');
        const again = await check(dir, ['--fix', ...markers.args]);
        assert.match(again.err, left.length ? /--fix left / : /found nothing it could fix/);
        assert.doesNotMatch(again.err, /--fix cleared/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

suite('Conformance coverage', () => {
  test('every finding code has a firing case and a near miss in test/conformance', () => {
    assert.deepEqual(coverageGaps(ALL_CODES, CASES), []);
  });

  test('a code without cases is reported (the coverage check can fail)', () => {
    assert.deepEqual(coverageGaps(['no-such-code'], CASES), [
      'no-such-code: no case marks it with "expect"',
      'no-such-code: no case marks a near miss for it ("near-miss")',
    ]);
  });

  test('a finding without its marker, and a marker without its finding, are both reported (the runner can fail)', async () => {
    const c = CASES.find((x) => x.name === 'api/ports')!;
    const dir = scratchCopy(c.dir);
    try {
      const file = path.join(dir, 'radio.yaml');
      const text = fs.readFileSync(file, 'utf8');
      // drop one expectation, and expect a finding where there is none
      fs.writeFileSync(file, text.replace('protocol: Tcp # expect: invalid-protocol', 'protocol: Tcp').replace('protocol: SCTP # near-miss: invalid-protocol', 'protocol: SCTP # expect: invalid-protocol'));
      const markers = readMarkers(dir);
      const diff = differences(markers.expected, (await check(dir, markers.args)).findings);
      assert.equal(diff.length, 2, diff.join('\n'));
      assert.match(diff[0], /^missing {4}radio\.yaml:\d+ invalid-protocol$/);
      assert.match(diff[1], /^unexpected radio\.yaml:\d+ invalid-protocol: Protocol "Tcp"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a marker the runner cannot read is reported, not dropped', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-markers-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.yaml'), 'a: 1 # expect: firewalld-port-closed\nb: 2 # expect firewalld-port-closed\nc: 3 #near-miss:Bad_Code\n');
      fs.writeFileSync(path.join(dir, 'z.xml'), '<zone> <!-- near-miss: xml-syntax -->\n</zone> <!-- expect: xml-syntax\n');
      fs.writeFileSync(path.join(dir, 'README.md'), '# x\n\nexpect: l.json:3 json-syntax\nexpect: l.json json-syntax\nargs: --max-file-size 10\n');
      const m = readMarkers(dir);
      assert.deepEqual(m.expected.map(markerKey), ['l.json:3 json-syntax', 'a.yaml:1 firewalld-port-closed']);
      assert.deepEqual(m.nearMisses.map(markerKey), ['z.xml:1 xml-syntax']);
      assert.deepEqual(m.args, ['--max-file-size', '10']);
      assert.deepEqual(m.malformed, [
        'README.md: expect: l.json json-syntax',
        'a.yaml:2: b: 2 # expect firewalld-port-closed',
        'a.yaml:3: c: 3 #near-miss:Bad_Code',
        'z.xml:2: </zone> <!-- expect: xml-syntax',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
