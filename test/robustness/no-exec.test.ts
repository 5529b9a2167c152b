/**
 * Never execute workspace content: the compiled engine and CLI hold no way to run code (no child processes,
 * no `eval`, no `new Function`, no `vm`). The check reads the JavaScript that ships (out/server/src/…).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const OUT = path.resolve(__dirname, '../../server/src');
const FOLDERS = ['engine', 'cli'];

const FORBIDDEN: { what: string; pattern: RegExp }[] = [
  { what: 'child_process', pattern: /child_process/ },
  { what: 'eval(', pattern: /(^|[^\w$.])eval\s*\(/ },
  { what: 'new Function', pattern: /new\s+Function\s*\(/ },
  { what: 'the vm module', pattern: /require\(\s*["'](node:)?vm["']\s*\)|from\s+["'](node:)?vm["']/ },
];

export function forbiddenIn(source: string): string[] {
  return FORBIDDEN.filter((f) => f.pattern.test(source)).map((f) => f.what);
}

function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...jsFiles(abs));
    else if (e.name.endsWith('.js')) out.push(abs);
  }
  return out;
}

suite('robustness: the engine and the CLI never execute anything', () => {
  test('the check recognises what it looks for', () => {
    assert.deepEqual(forbiddenIn('const cp = require("child_process");'), ['child_process']);
    assert.deepEqual(forbiddenIn('x = eval ("1")'), ['eval(']);
    assert.deepEqual(forbiddenIn('const f = new Function("return 1")'), ['new Function']);
    assert.deepEqual(forbiddenIn('const vm = require("node:vm")'), ['the vm module']);
    assert.deepEqual(forbiddenIn('regex.exec(x); retrieval(y); medieval(z)'), []);
  });

  for (const folder of FOLDERS) {
    test(`out/server/src/${folder} holds no child_process, eval(, new Function or vm`, () => {
      const files = jsFiles(path.join(OUT, folder));
      assert.ok(files.length >= 2, `compiled ${folder} not found under ${OUT}`);
      const hits = files.flatMap((f) => forbiddenIn(fs.readFileSync(f, 'utf8')).map((w) => `${path.relative(OUT, f)}: ${w}`));
      assert.deepEqual(hits, []);
    });
  }
});
