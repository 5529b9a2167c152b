/**
 * Kustomize overlays in the workspace: each overlay built and analysed as one set, findings carried back to the
 * base or patch line that produced the value and naming the overlay, patches never read as objects, bases read
 * through their overlays, `template-not-rendered` for what cannot be built, and an edit that builds again only
 * the overlays that read the edited file.
 */
import * as assert from 'node:assert/strict';
import { hoverAt } from '../../../server/src/engine/features';
import { keys, lineOf, ready, workspace } from '../../support/workspace';
import { WEB_DEPLOYMENT, WEB_SERVICE } from '../../support/web-fixtures';

const BASE_SERVICE = WEB_SERVICE;
const BASE_DEPLOYMENT = WEB_DEPLOYMENT;

const BASE_KUSTOMIZATION = `resources:
  - service.yaml
  - deployment.yaml
`;

const PROD_KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: prod
namePrefix: prod-
commonLabels:
  env: prod
resources:
  - ../../base
patches:
  - path: service-type.yaml
`;

const PATCH = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
`;

/** A firewalld zone that opens nothing: every node port of a NodePort Service is closed. */
const ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>public</short>
  <service name="ssh"/>
</zone>
`;

function repo(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'base/service.yaml': BASE_SERVICE,
    'base/deployment.yaml': BASE_DEPLOYMENT,
    'base/kustomization.yaml': BASE_KUSTOMIZATION,
    'overlays/prod/kustomization.yaml': PROD_KUSTOMIZATION,
    'overlays/prod/service-type.yaml': PATCH,
    ...extra,
  };
}

suite('Kustomize overlays in the workspace', () => {
  suiteSetup(ready);

  test('a patch that only sets spec.type is not a Service: no missing-ports on it; the overlay\'s Service is checked', () => {
    const ws = workspace(repo({ 'etc/firewalld/zones/public.xml': ZONE }));
    const a = ws.analyze();
    assert.deepEqual(a.findings.filter((f) => f.path === 'overlays/prod/service-type.yaml' && f.code === 'missing-ports'), []);
    assert.equal(a.overlays.length, 1);
    const svc = a.overlays[0].services[0];
    assert.equal(svc.name, 'prod-web');
    assert.equal(svc.namespace, 'prod');
    // the overlay's Service is a NodePort: its unpinned node port, which the zone does not open, is reported at the
    // base's port item, naming the overlay
    const closed = a.findings.filter((f) => f.code === 'nodeport-unpinned');
    assert.equal(closed.length, 1, JSON.stringify(a.findings.map((f) => f.code)));
    assert.equal(closed[0].path, 'base/service.yaml');
    assert.equal(lineOf(ws, closed[0]), 9);
    assert.match(closed[0].message, /^In overlay `overlays\/prod`: /);
    // the selector (with the overlay's label) selects the overlay's Deployment: nothing about selectors
    assert.deepEqual(a.findings.filter((f) => f.code === 'selector-matches-nothing' || f.code === 'target-port-name-unknown'), []);
  });

  test('the same repository read file by file (no kustomization) takes the patch for a Service', () => {
    const files = repo();
    delete files['overlays/prod/kustomization.yaml'];
    delete files['base/kustomization.yaml'];
    assert.ok(keys(files).includes('overlays/prod/service-type.yaml:5 missing-ports'));
  });

  test('a finding on a value the patch set is reported at the patch line', () => {
    const ws = workspace(repo({ 'overlays/prod/service-type.yaml': PATCH.replace('NodePort', 'Nodeport') }));
    const bad = ws.analyze().findings.filter((f) => f.code === 'invalid-service-type');
    assert.equal(bad.length, 1);
    assert.equal(bad[0].path, 'overlays/prod/service-type.yaml');
    assert.equal(lineOf(ws, bad[0]), 6);
  });

  test('a base reachable from an overlay is analysed through it only; two overlays with the same finding make one that names both', () => {
    const files = repo({
      'base/service.yaml': BASE_SERVICE.replace('    - name: http\n', '    - name: HTTP\n'),
      'overlays/dev/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: dev\n',
    });
    const ws = workspace(files);
    const a = ws.analyze();
    assert.equal(a.overlays.length, 2);
    const bad = a.findings.filter((f) => f.code === 'invalid-port-name');
    assert.equal(bad.length, 1, JSON.stringify(bad));
    assert.equal(bad[0].path, 'base/service.yaml');
    assert.match(bad[0].message, /^In overlays `overlays\/dev`, `overlays\/prod`: /);
    assert.deepEqual(a.services, [], 'the base Service is not analysed on its own');
  });

  test('a kustomization that cannot be built: template-not-rendered on its first line, its resources read as they are', () => {
    const files = repo({ 'overlays/prod/kustomization.yaml': PROD_KUSTOMIZATION.replace('../../base', '../../missing') });
    const found = keys(files);
    assert.ok(found.includes('overlays/prod/kustomization.yaml:1 template-not-rendered'), found.join('\n'));
    const ws = workspace(files);
    const f = ws.analyze().findings.find((x) => x.code === 'template-not-rendered')!;
    assert.equal(f.severity, 'info');
    assert.match(f.message, /`\.\.\/\.\.\/missing` does not exist/);
    assert.equal(lineOf(ws, { path: f.related[0].path, span: f.related[0].span }), 8);
    // base/ is an overlay of its own now (nothing that builds includes it), and the patch is still no Service
    assert.ok(!found.some((k) => k.startsWith('overlays/prod/service-type.yaml')), found.join('\n'));
  });

  test('a loop of kustomizations is an error of the build', () => {
    const found = keys({
      'a/kustomization.yaml': 'resources:\n  - ../b\n',
      'b/kustomization.yaml': 'resources:\n  - ../a\n',
      'c/kustomization.yaml': 'resources:\n  - ../a\n',
    });
    assert.deepEqual(found, ['c/kustomization.yaml:1 template-not-rendered']);
  });

  test('a remote resource is unknown: noted, and no selector finding in that overlay', () => {
    const files = repo({
      'base/kustomization.yaml': 'resources:\n  - service.yaml\n  - https://github.com/example/app//deploy?ref=v1\n',
    });
    const found = keys(files);
    assert.ok(found.includes('overlays/prod/kustomization.yaml:1 template-not-rendered'), found.join('\n'));
    assert.ok(!found.some((k) => k.includes('selector-matches-nothing')), found.join('\n'));
  });

  test('editing a patch builds again only the overlays that use it', () => {
    const ws = workspace(repo({
      'overlays/dev/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: dev\n',
    }));
    ws.analyze();
    const before = ws.stats.overlaysBuilt;
    ws.setFile('overlays/prod/service-type.yaml', PATCH.replace('NodePort', 'LoadBalancer'));
    const a = ws.analyze();
    assert.equal(ws.stats.overlaysBuilt - before, 1);
    assert.equal(a.overlays.find((o) => o.overlay === 'overlays/prod')!.services[0].type, 'LoadBalancer');
    const again = ws.stats.overlaysBuilt;
    ws.setFile('base/service.yaml', BASE_SERVICE.replace('port: 80', 'port: 81'));
    ws.analyze();
    assert.equal(ws.stats.overlaysBuilt - again, 2);
  });

  test('after edits (a patch, a kustomization, a base coming and going) the analysis is what a fresh workspace says', () => {
    const files = repo({ 'overlays/dev/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: dev\n', 'etc/firewalld/zones/public.xml': ZONE });
    const ws = workspace(files);
    const view = (w: ReturnType<typeof workspace>) => w.analyze().findings.map((f) => `${f.path}:${f.span.start} ${f.code} ${f.message}`);
    const steps: [string, string | undefined][] = [
      ['overlays/prod/service-type.yaml', PATCH.replace('NodePort', 'Nodeport')],
      ['overlays/prod/kustomization.yaml', PROD_KUSTOMIZATION.replace('namePrefix: prod-\n', '')],
      ['base/kustomization.yaml', undefined],
      ['base/kustomization.yaml', BASE_KUSTOMIZATION],
      ['overlays/dev/kustomization.yaml', 'resources:\n  - ../prod\nnamePrefix: dev-\n'],
      ['overlays/dev/kustomization.yaml', 'resources:\n  - ../../missing\n'],
      ['base/service.yaml', BASE_SERVICE.replace('    - name: http\n', '    - name: HTTP\n')],
    ];
    for (const [path, text] of steps) {
      if (text === undefined) { ws.removeFile(path); delete files[path]; } else { ws.setFile(path, text); files[path] = text; }
      assert.deepEqual(view(ws), view(workspace(files)), `after ${path}`);
    }
  });
  test('a patch of a generated ConfigMap (generators are not built) is skipped; a remote patch is unknown, not an error', () => {
    const files = repo({
      'overlays/prod/kustomization.yaml': PROD_KUSTOMIZATION + '  - path: config.yaml\n  - path: https://example.com/patch.yaml\nconfigMapGenerator:\n  - name: settings\n    literals: [a=b]\n',
      'overlays/prod/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: c\n',
    });
    const a = workspace(files).analyze();
    assert.equal(a.overlays[0].build.error, undefined);
    assert.equal(a.overlays[0].services[0].type, 'NodePort');
    assert.match(a.findings.find((f) => f.code === 'template-not-rendered')?.message ?? '', /remote patch `https:\/\/example.com\/patch.yaml` is not fetched/);
  });
});

suite('Kustomize overlays: the hover on a base Service', () => {
  suiteSetup(ready);

  test('names each overlay that builds it, with the name, namespace, type and ports it gets there', () => {
    const files = repo({ 'overlays/dev/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: dev\n' });
    const ws = workspace(files);
    const text = ws.getText('base/service.yaml')!;
    const h = hoverAt(ws, 'base/service.yaml', text.indexOf('name: web') + 7)?.contents ?? '';
    assert.match(h, /Built by 2 overlays/);
    assert.match(h, /overlay `overlays\/prod`: `prod\/prod-web`, NodePort, ports 80/);
    assert.match(h, /overlay `overlays\/dev`: `dev\/web`, ClusterIP, ports 80/);
  });
});
