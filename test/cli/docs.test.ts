import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ALL_CODES, docsUrl } from '../../server/src/engine';
import { CODE_DOCS } from '../../server/src/engine/findings/code-docs';
import { main } from '../../server/src/cli/main';

const ROOT = path.resolve(__dirname, '../../..');

suite('Documentation', () => {
  test('docs/rules.md is generated from the code table and up to date', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-rules-doc.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  test('every code has a section that its documentation link points at, with why, an example and the fix', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs/rules.md'), 'utf8');
    for (const code of ALL_CODES) {
      assert.ok(text.includes(`\n### ${code}\n`), code);
      assert.ok(docsUrl(code).endsWith(`docs/rules.md#${code}`));
      const section = text.slice(text.indexOf(`\n### ${code}\n`)).split(/\n##+ /)[1];
      for (const part of ['**Why it matters.**', '**Example.**', '**Fix.**']) assert.ok(section.includes(part), `${code}: no ${part}`);
    }
  });

  test('every example of docs/rules.md makes its code, and no other, through the CLI', async function () {
    this.timeout(60_000);
    for (const code of ALL_CODES) {
      const { files, args = [] } = CODE_DOCS[code].example;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-doc-example-'));
      try {
        for (const [rel, text] of Object.entries(files)) {
          fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
          fs.writeFileSync(path.join(dir, rel), text);
        }
        let out = '';
        await main(['check', '--format', 'json', ...args, '.'], { cwd: dir, stdout: (s) => { out += s; }, stderr: () => {} });
        const codes = [...new Set((JSON.parse(out) as { findings: { code: string }[] }).findings.map((f) => f.code))];
        assert.deepEqual(codes, [code], `the example of ${code} makes ${codes.join(', ') || 'nothing'}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  test('nothing in the repository points at documents outside it (sections of an outside contract, issue numbers)', () => {
    const roots = ['server', 'client', 'docs', 'test', 'scripts', 'README.md', 'ARCHITECTURE.md'];
    const found: string[] = [];
    const walk = (rel: string) => {
      const abs = path.join(ROOT, rel);
      if (!fs.existsSync(abs)) return;
      if (fs.statSync(abs).isDirectory()) {
        if (/(^|\/)(node_modules|generated|__snapshots__|images)$/.test(rel)) return;
        for (const name of fs.readdirSync(abs).sort()) walk(`${rel}/${name}`);
        return;
      }
      if (!/\.(ts|mjs|cjs|js|md|json|yaml|yml|xml|tf)$/.test(rel)) return;
      fs.readFileSync(abs, 'utf8').split('\n').forEach((line, i) => {
        // spelt in pieces so that this test does not find itself
        if (new RegExp(['SPE', 'C\\b|\\bissue [0-9]|', '\u00a7'].join('')).test(line)) found.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    };
    for (const r of roots) walk(r);
    assert.deepEqual(found, []);
  });
});
