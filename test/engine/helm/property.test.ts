/**
 * Property: a template generated over the supported grammar (template-arb.ts), rendered by our renderer and by the
 * Go reference (Go's text/template + Sprig + Helm's functions) with the same values, gives the same text — or
 * both fail. The cases are drawn with a fixed seed (HELM_PROPERTY_SEED overrides it) and sent to the reference in
 * one batch; a mismatch prints the template, the values and both results.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { TemplateEngine } from '../../../server/src/engine/helm/engine';
import { fromPlain } from '../../../server/src/engine/helm/value';
import { reference, referenceTemplates } from './reference';
import { templateArb, valuesArb } from './template-arb';

const SEED = Number(process.env.HELM_PROPERTY_SEED ?? 20261202);
const RUNS = Number(process.env.HELM_PROPERTY_RUNS ?? 600);

function ours(template: string, values: unknown): { out?: string; error?: string } {
  const engine = new TemplateEngine([{ name: 't', text: template }]);
  const data = fromPlain({ Values: values, Release: { Name: 'rel', Namespace: 'default' }, Template: { Name: 't', BasePath: '' } });
  const r = engine.render('t', data, false);
  return r.error ? { error: r.error.message } : { out: r.text };
}

suite('helm: generated templates render the same with ours and with Go\'s text/template + Sprig', function () {
  this.timeout(300_000);
  suiteSetup(function () {
    const r = reference();
    if (!r.bin) {
      console.log(`    (skipped: ${r.why})`);
      this.skip();
    }
  });

  test(`${RUNS} templates, seed ${SEED}`, () => {
    const cases = fc.sample(fc.tuple(templateArb, valuesArb), { seed: SEED, numRuns: RUNS }).map(([template, values]) => ({ template, values }));
    const refs = referenceTemplates(cases);
    const failures: string[] = [];
    let rendered = 0;
    cases.forEach((c, i) => {
      const mine = ours(c.template, c.values);
      const theirs = refs[i]!;
      if (theirs.error === undefined) rendered++;
      const same = theirs.error !== undefined ? mine.error !== undefined : mine.out === theirs.out;
      if (!same) failures.push(`template ${JSON.stringify(c.template)}\nvalues ${JSON.stringify(c.values)}\n  go: ${JSON.stringify(theirs)}\n  ts: ${JSON.stringify(mine)}`);
    });
    assert.ok(rendered > RUNS / 4, `too few generated templates render without error (${rendered}): the generator drifted`);
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${RUNS} differ`);
  });
});
