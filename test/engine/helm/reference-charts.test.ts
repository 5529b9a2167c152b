/**
 * Charts written in the idioms real charts use (test/fixtures/charts: a `common` library chart beside the chart,
 * a subchart in `charts/` as a folder and as a `.tgz`, values files) rendered by our renderer and by the Go
 * reference (Go's text/template + the real Sprig + Helm's additions): the same text, byte for byte.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareChart, type Comparison } from './compare';
import { reference } from './reference';
import { tgzOf } from './tgz';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/charts');

function assertSame(c: Comparison): void {
  assert.equal(c.oursError, undefined, `ours failed: ${c.oursError}`);
  assert.equal(c.referenceError, undefined, `the reference failed: ${c.referenceError}`);
  for (const d of c.different) assert.equal(d.ours, d.reference, `${d.name} differs`);
  assert.ok(c.same.length > 0);
}

suite('helm: fixture charts rendered by ours and by the Go reference give the same text', function () {
  this.timeout(300_000);
  suiteSetup(function () {
    const r = reference();
    if (!r.bin) {
      console.log(`    (skipped: ${r.why})`);
      this.skip();
    }
  });

  const common = { common: path.join(FIXTURES, 'common') };

  test('webapp with its values.yaml (common found as file://../common, metrics from charts/)', () => {
    const c = compareChart(FIXTURES, 'webapp', { depDirs: common });
    assertSame(c);
    assert.ok(c.same.includes('webapp/charts/metrics/templates/service.yaml'));
  });

  test('webapp with a production values file (LoadBalancer, source ranges, a disabled subchart, nulls)', () => {
    const c = compareChart(FIXTURES, 'webapp', { depDirs: common, valuesFiles: ['webapp/ci/values-prod.yaml'] });
    assertSame(c);
    assert.ok(!c.same.some((n) => n.includes('/charts/metrics/')), 'the metrics subchart is disabled by its condition');
  });

  test('edge: the corners of the template language and the functions charts use', () => {
    assertSame(compareChart(FIXTURES, 'edge'));
  });

  test('webapp with its subchart packaged as a .tgz in charts/', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-tgz-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'webapp'), path.join(dir, 'webapp'), { recursive: true });
      fs.cpSync(path.join(FIXTURES, 'common'), path.join(dir, 'common'), { recursive: true });
      const sub = path.join(dir, 'webapp/charts/metrics');
      fs.writeFileSync(path.join(dir, 'webapp/charts/metrics-0.1.0.tgz'), tgzOf(sub, 'metrics'));
      fs.rmSync(sub, { recursive: true });
      const c = compareChart(dir, 'webapp', { depDirs: { common: path.join(dir, 'common') } });
      assertSame(c);
      assert.ok(c.same.includes('webapp/charts/metrics/templates/service.yaml'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
