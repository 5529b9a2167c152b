import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { ready, workspace } from '../../support/workspace';
import { fixesFor } from '../../../server/src/engine/fixes';
import { shellQuote } from '../../../server/src/engine/fixes/shell';
import { findingOf, shellWords } from './helpers';

/** Values a hostile or careless repository could hold. */
const HOSTILE = [
  'my zone',
  "it's",
  'say "hi"',
  '$(touch PWNED)',
  '`touch PWNED`',
  '${HOME}',
  'a\nb',
  "'; touch PWNED; echo '",
  '\'"$(touch PWNED)"\'',
  '-x',
  '',
  '\\',
  '*',
  '~',
  '!',
  'tab\there',
];

suite('Fixes: commands to copy quote every value', () => {
  suiteSetup(ready);
  let dir: string;
  setup(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-shell-')); });
  teardown(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  function roundTrip(words: string[]): string[] | null {
    const calls = shellWords(`firewall-cmd ${words.map(shellQuote).join(' ')}`, dir);
    return calls ? calls[0] : null;
  }

  test('shellQuote: bash reads every hostile value back exactly, and runs nothing', function () {
    const back = roundTrip(HOSTILE);
    if (back === null) {
      console.log('      (skipped: no bash)');
      this.skip();
    }
    assert.deepEqual(back, HOSTILE);
    assert.deepEqual(fs.readdirSync(dir), [], 'no command ran');
    assert.equal(shellQuote('public'), 'public', 'plain words stay plain');
    assert.equal(shellQuote("it's"), "'it'\\''s'");
  });

  test('shellQuote: any string survives bash (property, seeded)', function () {
    this.timeout(60000);
    if (roundTrip(['x']) === null) { console.log('      (skipped: no bash)'); this.skip(); }
    const char = fc.constantFrom(...'ab $`\'"\\\n\t;&|<>(){}[]*?!#~=%-,.:/@+'.split(''), 'é', '\u00a0');
    // a batch of values per bash run keeps the property fast
    fc.assert(fc.property(fc.array(fc.array(char, { maxLength: 12 }).map((cs) => cs.join('')), { minLength: 1, maxLength: 20 }), (values) => {
      assert.deepEqual(roundTrip(values), values);
    }), { seed: 4242, numRuns: 60 });
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test('firewall-cmd: a hostile zone name (the file name) is one --zone argument', function () {
    const name = "we ird'$(touch PWNED)`touch PWNED`\nz";
    const zonePath = `zones/${name}.xml`;
    const ws = workspace({
      'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n',
      [zonePath]: '<zone>\n  <service name="ssh"/>\n</zone>\n',
      '.service-reach.yaml': `nodes:\n  clientCidrs: [10.0.0.0/8]\n  firewalld:\n    zones: [${JSON.stringify(zonePath)}]\n`,
    });
    const copy = fixesFor(ws, findingOf(ws, 'firewalld-port-closed')).find((a) => a.copyText)!;
    const calls = shellWords(copy.copyText!, dir);
    if (!calls) { console.log('      (skipped: no bash)'); this.skip(); }
    assert.deepEqual(calls, [
      ['--permanent', `--zone=${name}`, '--add-rich-rule=rule family="ipv4" source address="10.0.0.0/8" port port="30080" protocol="tcp" accept'],
      ['--reload'],
    ]);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test('oci: a hostile list id and Service name (in the description) come through as exact arguments', function () {
    const id = "ocid1.securitylist'$(touch PWNED)`touch PWNED`\n\"x\"";
    const svcName = "gra'fana $(touch PWNED) `touch PWNED`\nnext";
    const ws = workspace({
      'svc.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${JSON.stringify(svcName)}\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n`,
      'workers.json': JSON.stringify({ data: { 'display-name': 'workers', id, 'ingress-security-rules': [] } }, null, 2),
    });
    const copy = fixesFor(ws, findingOf(ws, 'security-list-port-closed')).find((a) => a.copyText)!;
    const calls = shellWords(copy.copyText!, dir);
    if (!calls) { console.log('      (skipped: no bash)'); this.skip(); }
    const [args] = calls!;
    assert.equal(args.length, 8);
    assert.equal(args[4], id);
    const rules = JSON.parse(args[6]);
    assert.equal(rules.length, 1);
    assert.equal(rules[0].description, `service-reach: default/${svcName} port 80 nodePort 30080 from clients`);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
