/**
 * `service-reach check overlays/prod` in a GitOps repository: the workspace is the closest folder with `.git` or
 * `.service-reach.yaml` above the folder given (so the overlay's base outside it is found and built), and only
 * what that overlay makes is reported — at the base line too — and fixed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initEngine } from '../../server/src/engine';
import { main } from '../../server/src/cli/main';

const FILES: Record<string, string> = {
  'base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - name: http\n      port: 80\n',
  'base/kustomization.yaml': 'resources:\n  - service.yaml\n',
  'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: prod\npatches:\n  - path: service-type.yaml\n',
  'overlays/prod/service-type.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n',
  // another overlay, and a Service of its own elsewhere, each with a finding that `check overlays/prod` leaves out
  'overlays/dev/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: dev\npatches:\n  - path: service-type.yaml\n',
  'overlays/dev/service-type.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: Nodeport\n',
  'apps/other.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: other\nspec:\n  ports:\n    - port: 80\n      protocol: tcp\n',
  'etc/firewalld/zones/public.xml': '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n',
};

interface Json { findings: { file: string; line: number; code: string; message: string }[]; summary: { services: number } }

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

suite('CLI: check an overlay folder', () => {
  let root: string;

  suiteSetup(initEngine);

  setup(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-gitops-'));
    fs.mkdirSync(path.join(root, '.git'));
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
  });

  teardown(() => fs.rmSync(root, { recursive: true, force: true }));

  test('the base outside the folder is built; only the overlay\'s findings are reported, at the base line', async () => {
    for (const [cwd, arg, base] of [[root, 'overlays/prod', 'base'], [path.join(root, 'overlays/prod'), '.', '../../base']]) {
      const r = await run(cwd, 'check', '--format', 'json', arg);
      const j = JSON.parse(r.out) as Json;
      assert.deepEqual(j.findings.map((f) => `${f.file}:${f.line} ${f.code}`), [`${base}/service.yaml:9 nodeport-unpinned`], `${arg} from ${cwd}`);
      assert.match(j.findings[0].message, /^In overlay `overlays\/prod`: /);
      assert.equal(j.summary.services, 1, 'the one Service the overlay builds');
    }
    // the whole repository: every overlay, and the Service of its own
    const all = JSON.parse((await run(root, 'check', '--format', 'json', '.')).out) as Json;
    assert.deepEqual(all.findings.map((f) => `${f.file}:${f.line} ${f.code}`), [
      'apps/other.yaml:8 invalid-protocol',
      'base/service.yaml:9 nodeport-unpinned',
      'overlays/dev/service-type.yaml:6 invalid-service-type',
    ]);
    assert.equal(all.summary.services, 3);
  });

  test('--fix on the overlay folder pins the port in its patch and opens it; the other overlay and the base are not edited', async () => {
    const r = await run(root, 'check', '--fix', 'overlays/prod');
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.err, /wrote etc\/firewalld\/zones\/public\.xml, overlays\/prod\/service-type\.yaml/);
    assert.equal(fs.readFileSync(path.join(root, 'overlays/prod/service-type.yaml'), 'utf8'), FILES['overlays/prod/service-type.yaml'] + '  ports:\n    - port: 80\n      nodePort: 30000\n');
    for (const p of ['base/service.yaml', 'overlays/dev/service-type.yaml', 'apps/other.yaml']) assert.equal(fs.readFileSync(path.join(root, p), 'utf8'), FILES[p], p);
    const after = JSON.parse((await run(root, 'check', '--format', 'json', 'overlays/prod')).out) as Json;
    assert.deepEqual(after.findings, []);
  });

  test('graph on the base draws the Service an overlay builds from it, picked by the overlay or by the name it gets there', async () => {
    for (const target of ['base/service.yaml#overlays/prod', 'base/service.yaml#prod/web', 'base/service.yaml']) {
      const r = await run(root, 'graph', '--format', 'json', target);
      assert.equal(r.code, 0, r.err);
      const m = JSON.parse(r.out) as { title: string; service: { path: string }; findings: { path: string; code: string }[] };
      const expected = target.endsWith('.yaml') ? 'Service dev/web (type unknown) in overlay overlays/dev' : 'Service prod/web (NodePort) in overlay overlays/prod';
      assert.equal(m.title, expected, target);
      assert.equal(m.service.path, 'base/service.yaml');
      assert.ok(!JSON.stringify(m, (k, v) => (k === 'objectId' ? undefined : v)).includes('#overlay'), 'every place is in the workspace\'s files');
    }
    const svg = await run(root, 'graph', 'base/service.yaml#overlays/prod');
    assert.equal(svg.code, 0, svg.err);
    assert.match(svg.out, /^<svg/);
    const none = await run(root, 'graph', 'base/service.yaml#overlays/qa');
    assert.equal(none.code, 2);
    assert.match(none.err, /builds no Service "overlays\/qa" in its overlays \(dev\/web in overlay overlays\/dev, prod\/web in overlay overlays\/prod\)/);
  });
});
