/**
 * `exclude` in `.service-reach.yaml`: the globs, the config's check of them, and files kept out of the workspace
 * entirely — by the CLI's walk and by the language server's indexing alike.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { globFilter } from '../../server/src/engine/util/glob';
import { readConfig } from '../../server/src/engine/config/config';
import { main } from '../../server/src/cli/main';
import { Folder } from '../../server/src/lsp/folder';
import { ready } from '../support/workspace';

const SVC = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector: {app: ${name}}\n  ports:\n    - port: 80\n      protocol: tcp\n`;

suite('exclude: globs, config, CLI walk and server indexing', () => {
  let root: string;
  suiteSetup(async () => {
    await ready();
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sr-exclude-')));
    const w = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    };
    w('.service-reach.yaml', 'exclude: [legacy/**, "**/*.template.yaml", generated]\n');
    w('web.yaml', SVC('web'));
    w('legacy/old.yaml', SVC('old'));
    w('apps/shop/svc.template.yaml', SVC('tpl'));
    w('apps/shop/generated/out.yaml', SVC('gen'));
    w('apps/shop/svc.yaml', SVC('shop'));
  });
  suiteTeardown(() => fs.rmSync(root, { recursive: true, force: true }));

  test('globs: ** any folders, * within a name, a name alone at any depth, a folder and all below it', () => {
    const f = globFilter(['legacy/**', '**/*.template.yaml', 'generated', 'a/*/c.yaml', 'x?.yaml', '[ab]b.yaml']);
    const yes = ['legacy', 'legacy/x.yaml', 'legacy/d/e.yaml', 'svc.template.yaml', 'd/e/svc.template.yaml', 'generated/a.yaml', 'x/generated/b.yaml',
      'a/b/c.yaml', 'x1.yaml', 'bb.yaml'];
    const no = ['x/legacy/y.yaml', 'legacyx/a.yaml', 'a/b/d/c.yaml', 'web.yaml', 'svc.template.yml', 'generatedx/a.yaml', 'x12.yaml', 'cb.yaml', 'x/.yaml'];
    for (const p of yes) assert.equal(f(p), true, p);
    for (const p of no) assert.equal(f(p), false, p);
    assert.equal(globFilter([])('a.yaml'), false);
  });

  test('the config reads exclude as a list (or one glob); a glob that leaves the workspace is reported and ignored', () => {
    assert.deepEqual(readConfig('.service-reach.yaml', 'exclude: [legacy/**]\n').config.exclude, ['legacy/**']);
    assert.deepEqual(readConfig('.service-reach.yaml', 'exclude: legacy/**\n').config.exclude, ['legacy/**']);
    const r = readConfig('.service-reach.yaml', 'exclude: [../x/**, /etc/**, ok/**, 3]\n');
    assert.deepEqual(r.config.exclude, ['ok/**']);
    assert.deepEqual(r.findings.map((f) => f.code), ['config-path-outside-workspace', 'config-path-outside-workspace', 'config-invalid']);
    assert.deepEqual(readConfig('.service-reach.yaml', 'exclude: {a: 1}\n').findings.map((f) => f.code), ['config-invalid']);
  });

  test('the CLI never reads an excluded file', async () => {
    let out = '';
    const code = await main(['check', '--format', 'json', '.'], { cwd: root, stdout: (s) => { out += s; }, stderr: () => undefined });
    const j = JSON.parse(out);
    assert.deepEqual(j.findings.map((f: { file: string }) => f.file).sort(), ['apps/shop/svc.yaml', 'web.yaml']);
    assert.equal(j.summary.files, 3);
    assert.equal(j.summary.services, 2);
    assert.equal(code, 1);
  });

  test('the language server neither indexes an excluded file nor reads it on a file event', async () => {
    const folder = new Folder('file://' + root, root, false, { maxFileSize: 1 << 20, configPath: '' }, () => undefined);
    await folder.index(() => undefined, () => false);
    assert.deepEqual(folder.ws.paths(), ['.service-reach.yaml', 'apps/shop/svc.yaml', 'web.yaml']);
    assert.equal(await folder.load('legacy/old.yaml'), 'unchanged');
    assert.equal(folder.ws.hasFile('legacy/old.yaml'), false);
    // the config changes: what it no longer excludes is read, what it now excludes leaves
    fs.writeFileSync(path.join(root, '.service-reach.yaml'), 'exclude: [web.yaml]\n');
    assert.equal(await folder.load('.service-reach.yaml'), 'changed');
    assert.deepEqual(folder.ws.paths(), ['.service-reach.yaml', 'apps/shop/generated/out.yaml', 'apps/shop/svc.template.yaml', 'apps/shop/svc.yaml', 'legacy/old.yaml']);
    fs.writeFileSync(path.join(root, '.service-reach.yaml'), 'exclude: [legacy/**, "**/*.template.yaml", generated]\n');
  });
});
