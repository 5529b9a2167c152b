/**
 * The registry of finding codes (server/src/engine/registry/index.ts): every code has one entry, and each entry
 * leads where it says — to test files that exist and name the code, to its section of docs/rules.md, to a fix
 * exactly when the code table lists fixes for it, and to the rule module that words it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_CODES, CODES } from '../../../server/src/engine/findings/codes';
import { RULES } from '../../../server/src/engine/registry';

const ROOT = path.resolve(__dirname, '../../../..');

suite('rule units: one registry entry per code, each leading where it says', () => {
  test('the registry has exactly the codes of the code table', () => {
    assert.deepEqual(Object.keys(RULES).sort(), [...ALL_CODES].sort());
  });

  test('detect and fix are functions (fix null when there is none)', () => {
    for (const code of ALL_CODES) {
      const unit = RULES[code];
      const detect = Array.isArray(unit.detect) ? unit.detect : [unit.detect];
      assert.ok(detect.length > 0, `${code}: detect`);
      for (const d of detect) assert.equal(typeof d, 'function', `${code}: detect`);
      assert.ok(unit.fix === null || typeof unit.fix === 'function', `${code}: fix`);
    }
  });

  test('every test file named exists and mentions the code', () => {
    for (const code of ALL_CODES) {
      const tests = RULES[code].tests;
      assert.ok(tests.length > 0, `${code}: no test file named`);
      for (const rel of tests) {
        const file = path.join(ROOT, rel);
        assert.ok(fs.existsSync(file), `${code}: ${rel} does not exist`);
        assert.ok(fs.readFileSync(file, 'utf8').includes(code), `${code}: ${rel} does not mention the code`);
      }
    }
  });

  test('every doc anchor is a section of docs/rules.md', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs/rules.md'), 'utf8');
    const anchors = new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-')));
    for (const code of ALL_CODES) {
      const [file, anchor] = RULES[code].doc.split('#');
      assert.equal(file, 'docs/rules.md', code);
      assert.equal(anchor, code, `${code}: the anchor is the code's own`);
      assert.ok(anchors.has(anchor), `${code}: docs/rules.md has no section #${anchor}`);
    }
  });

  test('a fix exactly when the code table lists fixes; the rule module names a hint kind for exactly those codes', () => {
    for (const code of ALL_CODES) {
      const unit = RULES[code];
      const listed = CODES[code].fixes.length > 0;
      assert.equal(unit.fix !== null, listed, `${code}: codes.ts lists ${CODES[code].fixes.length} fixes, the registry's fix is ${unit.fix === null ? 'null' : unit.fix.name}`);
      if (unit.words) assert.equal(unit.words.fixes[code] !== undefined, listed, `${code}: the hint kind in its rule module`);
    }
  });
});
