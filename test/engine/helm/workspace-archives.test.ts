/**
 * A chart whose dependency is packed as a `.tgz` in its `charts/` folder (what `helm dependency build` leaves):
 * the host hands the bytes in (`Workspace.setBytes`) and its gunzip (`initEngine({ gunzip })`), the chart renders
 * through the archive, and a changed, removed or damaged archive renders it again or says why it cannot.
 */
import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { Workspace } from '../../../server/src/engine';
import { nodeGunzip } from '../../../server/src/host/gunzip';
import { lineOf, ready, workspace } from '../../support/workspace';
import { tgzOfFiles } from './tgz';

const COMMON_CHART = 'apiVersion: v2\nname: common\ntype: library\nversion: 2.4.0\n';

const commonNames = (suffix: string) => `{{- define "common.names.fullname" -}}
{{- printf "%s-%s" .Release.Name "${suffix}" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "common.labels.matchLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
`;

const common = (suffix = 'web') => new Uint8Array(tgzOfFiles({
  'Chart.yaml': COMMON_CHART,
  'templates/_names.tpl': commonNames(suffix),
}, 'common'));

const SHOP_CHART = `apiVersion: v2
name: shop
version: 1.0.0
dependencies:
  - name: common
    version: 2.x.x
    repository: oci://registry-1.docker.io/bitnamicharts
`;

const SHOP_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.names.fullname" . }}
spec:
  type: NodePort
  ports:
    - name: http
      port: 80
      targetPort: 8080
      nodePort: {{ .Values.nodePort }}
  selector:
    {{- include "common.labels.matchLabels" . | nindent 4 }}
`;

const SHOP_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "common.names.fullname" . }}
spec:
  selector:
    matchLabels:
      {{- include "common.labels.matchLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "common.labels.matchLabels" . | nindent 8 }}
    spec:
      containers:
        - name: shop
          image: nginx:1.27
          ports:
            - containerPort: 8080
`;

/** A firewalld zone that opens 30080/tcp only. */
const ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <port protocol="tcp" port="30080"/>
</zone>
`;

const ARCHIVE = 'shop/charts/common-2.4.0.tgz';

function shop(archive: Uint8Array | null = common()): Workspace {
  const ws = workspace({
    'shop/Chart.yaml': SHOP_CHART,
    'shop/values.yaml': 'nodePort: 30081\n',
    'shop/templates/service.yaml': SHOP_SERVICE,
    'shop/templates/deployment.yaml': SHOP_DEPLOYMENT,
    'etc/firewalld/zones/public.xml': ZONE,
  });
  if (archive) assert.equal(ws.setBytes(ARCHIVE, archive), true);
  return ws;
}

function at(ws: Workspace): string[] {
  return ws.analyze().findings.map((f) => `${f.path}:${lineOf(ws, f)} ${f.code}`).sort();
}

suite('Helm charts with a dependency packed as .tgz', () => {
  suiteSetup(async () => {
    await ready();
  });

  test('the archive\'s library chart is used: the chart renders, the finding lands on the main chart\'s template', () => {
    const ws = shop();
    const a = ws.analyze();
    assert.deepEqual(at(ws), ['shop/templates/service.yaml:11 firewalld-port-closed']);
    const f = a.findings[0];
    assert.equal(ws.getText(f.path)!.slice(f.span.start, f.span.end), '{{ .Values.nodePort }}');
    assert.equal(a.charts.length, 1);
    assert.equal(a.charts[0].render.failure, undefined);
    assert.deepEqual(a.charts[0].services.map((s) => s.name), ['shop-web']);
    assert.equal(a.charts[0].workloads.length, 1);
    // the archive is no text file of the workspace
    assert.deepEqual(ws.archivePaths(), [ARCHIVE]);
    assert.equal(ws.paths().includes(ARCHIVE), false);
    assert.equal(ws.hasFile(ARCHIVE), false);
  });

  test('without the archive the dependency is missing; handed in, the chart renders; removed, it is missing again', () => {
    const ws = shop(null);
    assert.deepEqual(at(ws), ['shop/Chart.yaml:1 template-not-rendered']);
    assert.match(ws.analyze().findings[0].message, /common is in Chart\.yaml of shop, but missing in charts\//);
    ws.setBytes(ARCHIVE, common());
    assert.deepEqual(at(ws), ['shop/templates/service.yaml:11 firewalld-port-closed']);
    ws.removeFile(ARCHIVE);
    assert.deepEqual(ws.archivePaths(), []);
    assert.deepEqual(at(ws), ['shop/Chart.yaml:1 template-not-rendered']);
  });

  test('new bytes render the chart again; the same bytes again do not', () => {
    const ws = shop();
    assert.deepEqual(ws.analyze().charts[0].services.map((s) => s.name), ['shop-web']);
    const rendered = ws.stats.chartsRendered;
    ws.setBytes(ARCHIVE, common());
    ws.analyze();
    assert.equal(ws.stats.chartsRendered, rendered, 'the same bytes: nothing to render');
    ws.setBytes(ARCHIVE, common('api'));
    const a = ws.analyze();
    assert.equal(ws.stats.chartsRendered, rendered + 1);
    assert.deepEqual(a.charts[0].services.map((s) => s.name), ['shop-api']);
    assert.deepEqual(at(ws), ['shop/templates/service.yaml:11 firewalld-port-closed']);
  });

  test('a damaged archive: template-not-rendered naming why, the templates read as templates, nothing thrown', () => {
    const good = common();
    const cases: [string, Uint8Array, RegExp][] = [
      ['not gzip', new TextEncoder().encode('this is not an archive\n'), /charts\/common-2\.4\.0\.tgz of shop cannot be unpacked: not a gzip archive/],
      ['cut short', good.subarray(0, Math.floor(good.length / 2)), /charts\/common-2\.4\.0\.tgz of shop cannot be unpacked/],
      ['gzip of no tar', new Uint8Array(gzipSync(Buffer.from('x'.repeat(700)))), /charts\/common-2\.4\.0\.tgz of shop: /],
    ];
    for (const [what, bytes, reason] of cases) {
      const ws = shop(bytes);
      const a = ws.analyze();
      const nr = a.findings.filter((f) => f.code === 'template-not-rendered');
      assert.equal(nr.length, 1, what);
      assert.match(nr[0].message, reason, what);
      assert.equal(a.charts[0].services.length, 0, what);
      // read as a template on its own: the Service is still there, its templated node port unknown, never wrong
      assert.equal(a.services.length, 1, what);
      assert.ok(!a.findings.some((f) => f.code === 'firewalld-port-closed'), what);
    }
  });

  test('an archive that unpacks past the bound is refused, naming the bound', () => {
    const big = new Uint8Array(tgzOfFiles({ 'Chart.yaml': COMMON_CHART, 'templates/_pad.tpl': ' '.repeat(100_000) }, 'common'));
    assert.throws(() => nodeGunzip(10_000)(big), /it unpacks to more than 10000 bytes/);
    assert.equal(nodeGunzip()(big).length > 100_000, true);
  });

  test('only a .tgz inside a charts/ folder is held as bytes', () => {
    const ws = shop();
    assert.equal(ws.setBytes('shop/common.tgz', common()), false);
    assert.equal(ws.setBytes('shop/charts/common/Chart.yaml', common()), false);
    assert.equal(ws.getBytes('shop/common.tgz'), undefined);
    assert.deepEqual(ws.archivePaths(), [ARCHIVE]);
  });
});
