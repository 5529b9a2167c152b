/**
 * Quick fixes on findings of Services that Kustomize overlays build: the edit goes into the file the value came
 * from (a base, a patch, a component's patch), a node port is pinned where the Service's type is set, the title
 * names the overlays an edit of a shared file changes, and the fix loop converges (each edited file read again,
 * the overlays that read it built again).
 */
import * as assert from 'node:assert/strict';
import type { Workspace } from '../../../server/src/engine';
import { fixAll, fixesFor } from '../../../server/src/engine/fixes';
import { lineOf, ready, workspace } from '../../support/workspace';
import { applyTo, fixAndKeep } from '../fixes/helpers';
import { WEB_DEPLOYMENT, WEB_SERVICE } from '../../support/web-fixtures';

const BASE_SERVICE = WEB_SERVICE;
const BASE_DEPLOYMENT = WEB_DEPLOYMENT;

const NODEPORT_PATCH = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
`;

/** A firewalld zone that opens nothing but ssh. */
const ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>public</short>
  <service name="ssh"/>
</zone>
`;

/** base + overlays/dev (as the base is) + overlays/prod (a patch makes the Service a NodePort) + a closed zone. */
function repo(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'base/service.yaml': BASE_SERVICE,
    'base/deployment.yaml': BASE_DEPLOYMENT,
    'base/kustomization.yaml': 'resources:\n  - service.yaml\n  - deployment.yaml\n',
    'overlays/dev/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: dev\n',
    'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: prod\npatches:\n  - path: service-type.yaml\n',
    'overlays/prod/service-type.yaml': NODEPORT_PATCH,
    'etc/firewalld/zones/public.xml': ZONE,
    ...extra,
  };
}

/** What each overlay builds: `overlay name type ports(port/nodePort)`. */
function built(ws: Workspace): string[] {
  return ws.analyze().overlays.flatMap((o) => o.services.map((s) => `${o.overlay} ${s.name} ${s.type} ${s.ports.map((p) => `${p.port}/${p.nodePort ?? '-'}${p.name ? `(${p.name})` : ''}`).join(',')}`));
}

function texts(ws: Workspace): Record<string, string> {
  return Object.fromEntries(ws.paths().map((p) => [p, ws.getText(p)!]));
}

suite('Kustomize overlays: quick fixes on built Services', () => {
  suiteSetup(ready);

  test('an unpinned node port a patch made is pinned in that patch; the base and the other overlay are left as they are', () => {
    const ws = workspace(repo());
    const f = ws.analyze().findings.find((x) => x.code === 'nodeport-unpinned')!;
    assert.equal(f.path, 'base/service.yaml');
    assert.deepEqual(f.fix?.overlays, ['overlays/prod/kustomization.yaml']);
    const fixes = fixesFor(ws, f);
    // the preferred fix pins the port and opens it in the zone; the next pins only
    assert.equal(fixes[0].title, 'Pin nodePort to 30000 in overlays/prod/service-type.yaml (the lowest free port in 30000-32767), and allow 30000/tcp in firewalld zone "public" (etc/firewalld/zones/public.xml)');
    assert.doesNotMatch(fixes[0].title, /changes overlay/, 'only the overlay the finding names reads the patch');
    assert.deepEqual([...new Set(fixes[0].edits.map((e) => e.path))].sort(), ['etc/firewalld/zones/public.xml', 'overlays/prod/service-type.yaml']);
    const before = texts(ws);
    const builds = ws.stats.overlaysBuilt;
    applyTo(ws, fixes[0].edits);
    ws.analyze();
    assert.equal(ws.stats.overlaysBuilt - builds, 1, 'the edited patch builds again only the overlay that uses it');
    assert.equal(ws.getText('overlays/prod/service-type.yaml'), NODEPORT_PATCH + '  ports:\n    - port: 80\n      nodePort: 30000\n');
    assert.deepEqual(built(ws), ['overlays/dev web ClusterIP 80/-(http)', 'overlays/prod web NodePort 80/30000(http)']);
    assert.deepEqual(ws.analyze().findings, []);
    for (const p of ['base/service.yaml', 'base/deployment.yaml', 'base/kustomization.yaml', 'overlays/dev/kustomization.yaml', 'overlays/prod/kustomization.yaml']) assert.equal(ws.getText(p), before[p], p);
  });

  test('a pin that the zone already allows is the pin alone, in the patch', () => {
    const ws = workspace(repo({ 'etc/firewalld/zones/public.xml': ZONE.replace('</zone>', '  <port port="30100" protocol="tcp"/>\n</zone>') }));
    const f = ws.analyze().findings.find((x) => x.code === 'nodeport-unpinned')!;
    const fix = fixesFor(ws, f)[0];
    assert.equal(fix.title, 'Pin nodePort to 30100 in overlays/prod/service-type.yaml (a free port the rules already allow)');
    applyTo(ws, fix.edits);
    assert.deepEqual(built(ws), ['overlays/dev web ClusterIP 80/-(http)', 'overlays/prod web NodePort 80/30100(http)']);
    assert.deepEqual(ws.analyze().findings, []);
  });

  test('check --fix converges: the patch pinned, the zone opened, nothing else edited, no finding left', () => {
    const ws = workspace(repo());
    const r = fixAndKeep(ws);
    assert.deepEqual(r.files.map((f) => f.path).sort(), ['etc/firewalld/zones/public.xml', 'overlays/prod/service-type.yaml']);
    assert.equal(r.passes, 1, 'pinned and opened in one step');
    assert.deepEqual(ws.analyze().findings.map((f) => `${f.path} ${f.code}`), []);
    assert.deepEqual(built(ws), ['overlays/dev web ClusterIP 80/-(http)', 'overlays/prod web NodePort 80/30000(http)']);
  });

  test('"fix all in this file" on the base fixes its overlay findings, editing the patch and the zone', () => {
    const ws = workspace(repo());
    const r = fixAll(ws, { scope: { path: 'base/service.yaml' } });
    assert.equal(r.cleared, 1);
    assert.deepEqual(r.files.map((f) => f.path).sort(), ['etc/firewalld/zones/public.xml', 'overlays/prod/service-type.yaml']);
  });

  test('a type the base sets: the pin goes into the base and its title names every overlay built from it', () => {
    const files = repo({
      'base/service.yaml': BASE_SERVICE.replace('spec:\n', 'spec:\n  type: NodePort\n'),
      'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: prod\n',
    });
    delete files['overlays/prod/service-type.yaml'];
    const ws = workspace(files);
    const f = ws.analyze().findings.find((x) => x.code === 'nodeport-unpinned')!;
    assert.match(f.message, /^In overlays `overlays\/dev`, `overlays\/prod`: /);
    const pin = fixesFor(ws, f)[0];
    assert.match(pin.title, /^Pin nodePort to 30000 in base\/service\.yaml \(.*\) \(changes overlays `overlays\/dev`, `overlays\/prod`\), and allow 30000\/tcp/);
    const r = fixAndKeep(ws);
    assert.deepEqual(r.files.map((x) => x.path).sort(), ['base/service.yaml', 'etc/firewalld/zones/public.xml']);
    assert.deepEqual(built(ws), ['overlays/dev web NodePort 80/30000(http)', 'overlays/prod web NodePort 80/30000(http)']);
    assert.deepEqual(ws.analyze().findings, []);
  });

  test('a component\'s patch that both overlays include: one pin in the component, naming both overlays', () => {
    const files = repo({
      'components/nodeport/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: service-type.yaml\n',
      'components/nodeport/service-type.yaml': NODEPORT_PATCH,
      'overlays/dev/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: dev\ncomponents:\n  - ../../components/nodeport\n',
      'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: prod\ncomponents:\n  - ../../components/nodeport\n',
    });
    delete files['overlays/prod/service-type.yaml'];
    const ws = workspace(files);
    const f = ws.analyze().findings.find((x) => x.code === 'nodeport-unpinned')!;
    assert.deepEqual(f.fix?.overlays, ['overlays/dev/kustomization.yaml', 'overlays/prod/kustomization.yaml']);
    const pin = fixesFor(ws, f)[0];
    assert.deepEqual(pin.edits.map((e) => e.path), ['components/nodeport/service-type.yaml', 'etc/firewalld/zones/public.xml']);
    assert.match(pin.title, /\(changes overlays `overlays\/dev`, `overlays\/prod`\), and allow/);
    fixAndKeep(ws);
    assert.equal(ws.getText('base/service.yaml'), BASE_SERVICE);
    assert.deepEqual(built(ws), ['overlays/dev web NodePort 80/30000(http)', 'overlays/prod web NodePort 80/30000(http)']);
    assert.deepEqual(ws.analyze().findings, []);
  });

  test('a typo in a patch is corrected in the patch; the title names no other overlay', () => {
    const ws = workspace(repo({ 'overlays/prod/service-type.yaml': NODEPORT_PATCH.replace('NodePort', 'Nodeport') }));
    const f = ws.analyze().findings.find((x) => x.code === 'invalid-service-type')!;
    assert.equal(f.path, 'overlays/prod/service-type.yaml');
    const fix = fixesFor(ws, f)[0];
    assert.equal(fix.title, 'Change type Nodeport to NodePort');
    applyTo(ws, fix.edits);
    assert.equal(ws.getText('overlays/prod/service-type.yaml'), NODEPORT_PATCH);
    assert.deepEqual(built(ws), ['overlays/dev web ClusterIP 80/-(http)', 'overlays/prod web NodePort 80/-(http)']);
  });

  test('a typo in the base is corrected in the base, the title naming the overlays it changes', () => {
    const ws = workspace(repo({ 'base/service.yaml': BASE_SERVICE.replace('targetPort: http', 'targetPort: http\n      protocol: tcp') }));
    const f = ws.analyze().findings.find((x) => x.code === 'invalid-protocol')!;
    assert.equal(f.path, 'base/service.yaml');
    const fix = fixesFor(ws, f)[0];
    assert.equal(fix.title, 'Change protocol tcp to TCP (changes overlays `overlays/dev`, `overlays/prod`)');
    applyTo(ws, fix.edits);
    assert.deepEqual(ws.analyze().findings.filter((x) => x.code === 'invalid-protocol'), []);
  });

  test('a port a patch adds makes two unnamed ports: each is named in the file that writes it', () => {
    const ws = workspace(repo({
      'base/service.yaml': BASE_SERVICE.replace('    - name: http\n      port', '    - port'),
      'overlays/prod/service-type.yaml': NODEPORT_PATCH.replace('  type: NodePort\n', '  ports:\n    - port: 443\n      targetPort: 8443\n'),
    }));
    const found = ws.analyze().findings.filter((x) => x.code === 'port-name-required');
    assert.deepEqual(found.map((x) => `${x.path}:${lineOf(ws, x)}`).sort(), ['base/service.yaml:9', 'overlays/prod/service-type.yaml:7']);
    const inPatch = fixesFor(ws, found.find((x) => x.path.startsWith('overlays'))!)[0];
    assert.equal(inPatch.title, 'Name this port "https"');
    const inBase = fixesFor(ws, found.find((x) => x.path.startsWith('base'))!)[0];
    assert.equal(inBase.title, 'Name this port "http" (changes overlays `overlays/dev`, `overlays/prod`)');
    fixAndKeep(ws);
    assert.equal(ws.getText('overlays/prod/service-type.yaml'), NODEPORT_PATCH.replace('  type: NodePort\n', '  ports:\n    - name: https\n      port: 443\n      targetPort: 8443\n'));
    assert.deepEqual(ws.analyze().findings.filter((x) => x.code === 'port-name-required'), []);
  });

  test('a patch that sets the type and writes another port: the pin is a new item of its ports, merged with the base\'s', () => {
    const patch = NODEPORT_PATCH + '  ports:\n    - name: https\n      port: 443\n      targetPort: http\n      nodePort: 30443\n';
    const ws = workspace(repo({ 'overlays/prod/service-type.yaml': patch }));
    const f = ws.analyze().findings.find((x) => x.code === 'nodeport-unpinned')!;
    assert.equal(f.path, 'base/service.yaml');
    const r = fixAndKeep(ws);
    assert.deepEqual(r.files.map((x) => x.path).sort(), ['etc/firewalld/zones/public.xml', 'overlays/prod/service-type.yaml']);
    assert.equal(ws.getText('overlays/prod/service-type.yaml'), patch + '    - port: 80\n      nodePort: 30000\n');
    assert.deepEqual(built(ws), ['overlays/dev web ClusterIP 80/-(http)', 'overlays/prod web NodePort 443/30443(https),80/30000(http)']);
    assert.deepEqual(ws.analyze().findings, []);
  });
});
