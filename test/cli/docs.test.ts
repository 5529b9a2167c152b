import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ALL_CODES, docsUrl } from '../../server/src/engine';
import * as fs from 'node:fs';

const ROOT = path.resolve(__dirname, '../../..');

suite('Documentation', () => {
  test('docs/rules.md is generated from the code table and up to date', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-rules-doc.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  test('every code has a section that its documentation link points at', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs/rules.md'), 'utf8');
    for (const code of ALL_CODES) {
      assert.ok(text.includes(`\n### ${code}\n`), code);
      assert.ok(docsUrl(code).endsWith(`docs/rules.md#${code}`));
    }
  });
});
