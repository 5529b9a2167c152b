/**
 * Kustomize overlays in the editor: on a base file, the inline chain (CodeLens lines) and the document symbols of
 * each Service an overlay builds from it, named by the overlay, at the lines of the base.
 */
import * as assert from 'node:assert/strict';
import { chainLenses, chainsInFile, documentSymbols } from '../../../server/src/engine/features';
import { diagramsOf } from '../../../server/src/engine/features/diagram';
import { ready, workspace } from '../../support/workspace';

const BASE_SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n';
const BASE_DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n'
  + '    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports:\n            - name: http\n              containerPort: 8080\n';

function repo(): Record<string, string> {
  return {
    'base/service.yaml': BASE_SERVICE,
    'base/deployment.yaml': BASE_DEPLOYMENT,
    'base/kustomization.yaml': 'resources:\n  - service.yaml\n  - deployment.yaml\n',
    'overlays/dev/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: dev\n',
    'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: prod\nnamePrefix: prod-\npatches:\n  - path: service-type.yaml\n',
    // the patch makes it a NodePort and adds a port of its own
    'overlays/prod/service-type.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - name: https\n      port: 443\n      targetPort: http\n',
    'etc/firewalld/zones/public.xml': '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n',
  };
}

suite('Kustomize overlays in the editor', () => {
  suiteSetup(ready);

  test('the inline chain on a base Service: one line per port and overlay, naming the overlay, on the base\'s port item', () => {
    const ws = workspace(repo());
    const a = ws.analyze();
    const chains = chainsInFile(a, 'base/service.yaml');
    assert.deepEqual(chains.map((c) => c.overlay), ['overlays/dev', 'overlays/prod']);
    const item = BASE_SERVICE.indexOf('- name: http') + 2;
    const lines = chains.flatMap((c) => chainLenses(c).map((l) => `${l.span.start === item ? 'port item' : l.span.start === 0 ? 'Service head' : l.span.start}: ${l.text}`));
    assert.deepEqual(lines, [
      'port item: overlays/dev: ClusterIP :80 → 1 pod :8080',
      // the port the patch added is not written in the base: its line sits at the Service's head
      'Service head: overlays/prod: nodes :<30000-32767>/TCP ⚠ → ClusterIP :443 → 1 pod :8080',
      'port item: overlays/prod: nodes :<30000-32767>/TCP ⚠ → ClusterIP :80 → 1 pod :8080',
    ]);
    // the patch itself has no chain: it is not a Service of its own
    assert.deepEqual(chainsInFile(a, 'overlays/prod/service-type.yaml'), []);
  });

  test('document symbols of a base file: each overlay\'s Service, with the name, type and namespace it gets there', () => {
    const ws = workspace(repo());
    const symbols = documentSymbols(ws, 'base/service.yaml');
    assert.deepEqual(symbols.map((s) => `${s.name} | ${s.detail} | ${s.children.map((c) => `${c.name} ${c.detail}`).join(', ')}`), [
      'web (overlay overlays/dev) | Service ClusterIP · dev | http 80 → http/TCP',
      'prod-web (overlay overlays/prod) | Service NodePort · prod | https 443 → http/TCP, http 80 → http/TCP',
    ]);
    for (const s of symbols) {
      assert.deepEqual(s.span, { start: 0, end: BASE_SERVICE.length });
      assert.equal(BASE_SERVICE.slice(s.selectionSpan.start, s.selectionSpan.end), 'web', 'the base\'s name, which the prefix is added to');
      for (const c of s.children) assert.ok(c.span.start >= s.span.start && c.span.end <= s.span.end && c.selectionSpan.start >= c.span.start && c.selectionSpan.end <= c.span.end);
    }
    assert.deepEqual(documentSymbols(ws, 'overlays/prod/service-type.yaml'), []);
  });

  test('the exposure diagrams include each overlay\'s Service, named by the overlay, every place in the workspace\'s files', () => {
    const ws = workspace(repo());
    const a = ws.analyze();
    const models = diagramsOf(a);
    assert.deepEqual(models.map((m) => m.title), [
      'Service dev/web (ClusterIP) in overlay overlays/dev',
      'Service prod/prod-web (NodePort) in overlay overlays/prod',
    ]);
    const prod = models[1];
    assert.equal(prod.service.path, 'base/service.yaml');
    // (the object's id, an identity and no place, stays the build's)
    assert.ok(!JSON.stringify(models, (k, v) => (k === 'objectId' ? undefined : v)).includes('#overlay'), 'no place is left in the build\'s own offsets');
    // its findings are the analysis's own (same keys, messages naming the overlay), on the hops they concern
    const reported = new Set(a.findings.map((f) => `${f.path}|${f.span.start}|${f.code}`));
    assert.deepEqual(prod.findings.map((f) => f.code).sort(), ['nodeport-unpinned', 'nodeport-unpinned']);
    for (const f of prod.findings) {
      assert.ok(reported.has(f.key), f.key);
      assert.match(f.message, /^In overlay `overlays\/prod`: /);
      assert.equal(f.fixable, true);
    }
    const onHops = new Set(prod.edges.flatMap((e) => e.findings));
    for (const f of prod.findings) assert.ok(onHops.has(f.key), `${f.key} is drawn on a hop`);
  });
});
