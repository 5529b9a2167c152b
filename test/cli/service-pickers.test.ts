import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initEngine, Workspace, type Analysis } from '../../server/src/engine';
import { main } from '../../server/src/cli/main';
import { serviceDisplayName, type DiagramModel } from '../../server/src/engine/features/diagram';
import { exposureLens, serviceOfSelector, type ServiceSelector } from '../../server/src/lsp/exposure';

const svc = (name: string, ns: string, port: number) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  ports: [{port: ${port}}]\n`;
const FILE = `${svc('web', 'shop', 81)}---\n${svc('api', 'shop', 82)}---\n${svc('web', 'other', 83)}---\n${svc('api', 'shop', 84)}`;

async function graphPick(cwd: string, target: string): Promise<string> {
  let out = '';
  const code = await main(['graph', target, '--format', 'json'], { cwd, stdout: (s) => { out += s; }, stderr: () => {} });
  if (code !== 0) return 'none';
  const m = JSON.parse(out) as DiagramModel;
  return `${m.service.display}:${m.service.path}:${m.service.span.start}`;
}

function lspPick(analysis: Analysis, selector: ServiceSelector | undefined): string {
  const sa = serviceOfSelector(analysis, 'app.yaml', selector, () => -1);
  return sa ? `${serviceDisplayName(sa.service)}:${sa.service.path}:${sa.service.object.span.start}` : 'none';
}

suite('Service pickers: the CLI, the exposure view and its lens choose alike', () => {
  let root: string;
  let analysis: Analysis;

  suiteSetup(async () => {
    await initEngine();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-pick-'));
    fs.writeFileSync(path.join(root, 'app.yaml'), FILE);
    fs.writeFileSync(path.join(root, 'other.yaml'), svc('web', 'shop', 85)); // same name and namespace, another file
    const ws = new Workspace();
    ws.setFile('app.yaml', FILE);
    ws.setFile('other.yaml', svc('web', 'shop', 85));
    analysis = ws.analyze();
  });

  suiteTeardown(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  for (const [target, selector] of [
    ['app.yaml', undefined],
    ['app.yaml#web', { name: 'web' }],
    ['app.yaml#shop/web', { name: 'web', namespace: 'shop' }],
    ['app.yaml#other/web', { name: 'web', namespace: 'other' }],
    ['app.yaml#api', { name: 'api' }],
    ['app.yaml#shop/api', { name: 'api', namespace: 'shop' }],
    ['app.yaml#nope', { name: 'nope' }],
    ['app.yaml#prod/web', { name: 'web', namespace: 'prod' }],
  ] as [string, ServiceSelector | undefined][]) {
    test(`${target} and ${JSON.stringify(selector ?? null)} pick the same Service`, async () => {
      assert.equal(await graphPick(root, target), lspPick(analysis, selector));
    });
  }

  test('the choices themselves: ambiguous names give none, duplicates the first, never another file', () => {
    assert.equal(lspPick(analysis, { name: 'web' }), 'none', 'web is in shop and in other');
    assert.equal(lspPick(analysis, { name: 'api' }), `shop/api:app.yaml:${FILE.indexOf('apiVersion', FILE.indexOf('name: web') + 1)}`);
    assert.equal(lspPick(analysis, { name: 'web', namespace: 'shop' }), 'shop/web:app.yaml:0', 'not other.yaml\'s shop/web');
  });

  test('each "Show exposure" lens opens the Service it sits on', () => {
    const inFile = analysis.services.filter((s) => s.service.path === 'app.yaml');
    const opened = inFile.map((s) => {
      const lens = exposureLens('file:///app.yaml', s.service, { line: 0, character: 0 });
      return lspPick(analysis, lens.command!.arguments![1] as ServiceSelector);
    });
    const own = inFile.map((s) => `${serviceDisplayName(s.service)}:app.yaml:${s.service.object.span.start}`);
    // (the fourth, an exact duplicate of the second's namespace and name, is left out: a lens names its Service
    // by namespace and name so that an open view follows edits, and the pick of a duplicate is the first)
    assert.deepEqual(opened.slice(0, 3), own.slice(0, 3));
  });
});
