/**
 * The TextMate injection grammar, through vscode-tmgrammar-test: the grammar contributed in package.json
 * (injected into source.yaml) against the syntax tests in syntaxes/test/. No YAML grammar is available offline
 * here, so the tests run on a minimal YAML grammar fixture (syntaxes/test/yaml-minimal.tmLanguage.json) that
 * uses the scope names of VS Code's YAML grammar.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'node_modules/vscode-tmgrammar-test/dist/unit.js');

function run(config: string, tests: string, yamlGrammars = ['syntaxes/test/yaml-minimal.tmLanguage.json']): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, '--config', config, ...yamlGrammars.flatMap((g) => ['-g', g]), tests], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** VS Code's own YAML grammar, when one is installed here (YAML_GRAMMAR_DIR, or code-server's copy). */
function realYamlGrammars(): string[] | undefined {
  const dirs = [process.env.YAML_GRAMMAR_DIR, '/usr/lib/code-server/lib/vscode/extensions/yaml/syntaxes'];
  for (const dir of dirs) {
    if (!dir || !fs.existsSync(path.join(dir, 'yaml.tmLanguage.json'))) continue;
    return fs.readdirSync(dir).filter((f) => f.endsWith('.tmLanguage.json')).map((f) => path.join(dir, f));
  }
  return undefined;
}

suite('TextMate injection grammar (vscode-tmgrammar-test)', function () {
  this.timeout(30000);

  test('Service types and port fields are highlighted; comments, strings, block scalars and other keys are not', () => {
    const r = run('package.json', 'syntaxes/test/*.test.yaml');
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /service\.test\.yaml run successfuly/);
    assert.match(r.out, /not-highlighted\.test\.yaml run successfuly/);
  });

  test('against VS Code\'s own YAML grammar, when one is installed', function () {
    const grammars = realYamlGrammars();
    if (!grammars) {
      console.log('    (no VS Code YAML grammar found offline — set YAML_GRAMMAR_DIR to its syntaxes folder; skipped)');
      this.skip();
    }
    const r = run('package.json', 'syntaxes/test/*.test.yaml', grammars);
    assert.equal(r.status, 0, r.out);
  });

  test('the scopes come from the injection: without it the same tests fail', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { grammars: { injectTo?: string[] }[] } };
    assert.ok(pkg.contributes.grammars.some((g) => g.injectTo?.includes('source.yaml')), 'an injection into source.yaml is contributed');
    assert.ok(!('languages' in pkg.contributes), 'no language contribution: YAML stays Red Hat YAML\'s');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-grammar-'));
    try {
      const bare = path.join(dir, 'package.json');
      fs.writeFileSync(bare, JSON.stringify({ contributes: { grammars: [] } }));
      const r = run(bare, 'syntaxes/test/service.test.yaml');
      assert.notEqual(r.status, 0);
      assert.match(r.out, /missing required scopes: entity\.name\.type\.service-type\.service-reach/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
