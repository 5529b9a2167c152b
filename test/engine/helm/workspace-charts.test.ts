/**
 * Helm charts in the workspace: each chart rendered with its values and analysed through the render, findings
 * on rendered values carried back to the template action or text that produced them ("renders as"), a chart
 * that cannot be rendered reported as `template-not-rendered` and read as templates, rendered again only when a
 * file it read changed, and the config's `helm.charts` values, release name and namespace.
 */
import * as assert from 'node:assert/strict';
import type { Workspace } from '../../../server/src/engine';
import { chainsInFile, hoverAt, pickService } from '../../../server/src/engine/features';
import { applyEdits, fixesFor } from '../../../server/src/engine/fixes';
import { lineOf, ready, workspace } from '../../support/workspace';

const COMMON = {
  'charts/common/Chart.yaml': 'apiVersion: v2\nname: common\ntype: library\nversion: 2.4.0\n',
  'charts/common/templates/_names.tpl': `{{/*
Expand the name of the chart.
*/}}
{{- define "common.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "common.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "common.labels.matchLabels" -}}
app.kubernetes.io/name: {{ include "common.names.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
`,
};

const SHOP_CHART = `apiVersion: v2
name: shop
version: 1.0.0
dependencies:
  - name: common
    version: 2.x.x
    repository: file://../common
`;

const SHOP_HELPERS = `{{- define "shop.selectorLabels" -}}
{{ include "common.labels.matchLabels" . }}
{{- end -}}
`;

const SHOP_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.names.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - name: http
      port: {{ .Values.service.ports.http }}
      targetPort: http
      {{- if eq .Values.service.type "NodePort" }}
      nodePort: {{ .Values.service.nodePorts.http }}
      {{- end }}
  selector:
    {{- include "shop.selectorLabels" . | nindent 4 }}
`;

const SHOP_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "common.names.fullname" . }}
spec:
  selector:
    matchLabels:
      {{- include "shop.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "shop.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: shop
          image: "nginx:{{ required "image.tag is required" .Values.image.tag }}"
          ports:
            - name: http
              containerPort: 8080
`;

const values = (nodePort: number | string, tag = '"1.27"') => `service:
  type: NodePort
  ports:
    http: 80
  nodePorts:
    http: ${nodePort}
image:
  tag: ${tag}
`;

/** A firewalld zone that opens 30080/tcp only. */
const ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <port protocol="tcp" port="30080"/>
</zone>
`;

function shop(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...COMMON,
    'charts/shop/Chart.yaml': SHOP_CHART,
    'charts/shop/values.yaml': values(30081),
    'charts/shop/templates/_helpers.tpl': SHOP_HELPERS,
    'charts/shop/templates/service.yaml': SHOP_SERVICE,
    'charts/shop/templates/deployment.yaml': SHOP_DEPLOYMENT,
    'etc/firewalld/zones/public.xml': ZONE,
    ...extra,
  };
}

function at(ws: Workspace): string[] {
  return ws.analyze().findings.map((f) => `${f.path}:${lineOf(ws, f)} ${f.code}`).sort();
}

suite('Helm charts in the workspace', () => {
  suiteSetup(ready);

  test('a finding on a rendered value lands on the action that printed it, saying what it renders as', () => {
    const ws = workspace(shop());
    const a = ws.analyze();
    assert.deepEqual(at(ws), ['charts/shop/templates/service.yaml:13 firewalld-port-closed']);
    const f = a.findings[0];
    const text = ws.getText(f.path)!;
    assert.equal(text.slice(f.span.start, f.span.end), '{{ .Values.service.nodePorts.http }}');
    assert.match(f.message, /`nodePort` renders as 30081 with the chart's values\./);
    // the chart is rendered, the library chart beside it only as its dependency
    assert.equal(a.charts.length, 1);
    assert.equal(a.charts[0].chart, 'charts/shop');
    assert.equal(a.charts[0].services.length, 1);
    assert.equal(a.charts[0].workloads.length, 1);
    assert.equal(a.charts[0].services[0].name, 'shop');
    // the rendered Service selects the rendered Deployment: no selector finding; the template is not read on its own
    assert.equal(a.services.length, 0);
  });

  test('a value changed in values.yaml changes the verdict', () => {
    const ws = workspace(shop());
    assert.equal(ws.analyze().findings.length, 1);
    ws.setFile('charts/shop/values.yaml', values(30080));
    assert.deepEqual(at(ws), []);
    ws.setFile('charts/shop/values.yaml', values(40000));
    const a = ws.analyze();
    assert.deepEqual(at(ws), ['charts/shop/templates/service.yaml:13 firewalld-port-closed', 'charts/shop/templates/service.yaml:13 nodeport-out-of-range']);
    assert.ok(a.findings.every((f) => f.message.includes('`nodePort` renders as 40000')));
  });

  test('a mistake written literally in a template is reported on its line, through the render', () => {
    const ws = workspace(shop({
      'charts/shop/values.yaml': values(30080),
      'charts/shop/templates/service.yaml': SHOP_SERVICE.replace('      targetPort: http\n', '      targetPort: http\n      protocol: tcp\n'),
    }));
    const a = ws.analyze();
    assert.deepEqual(at(ws), ['charts/shop/templates/service.yaml:12 invalid-protocol']);
    const f = a.findings[0];
    assert.equal(ws.getText(f.path)!.slice(f.span.start, f.span.end), 'tcp');
    assert.doesNotMatch(f.message, /renders as/);
  });

  test('a missing required value: template-not-rendered at the failing action, the templates read as templates', () => {
    const ws = workspace(shop({
      'charts/shop/values.yaml': values(30081, 'null'),
      'charts/shop/templates/service.yaml': SHOP_SERVICE.replace('      targetPort: http\n', '      targetPort: http\n      protocol: tcp\n'),
    }));
    const a = ws.analyze();
    assert.deepEqual(at(ws), [
      'charts/shop/templates/deployment.yaml:16 template-not-rendered',
      // read as a template: the literal mistake still reported; the node port from values unknown, never wrong
      'charts/shop/templates/service.yaml:12 invalid-protocol',
    ]);
    const nr = a.findings.find((f) => f.code === 'template-not-rendered')!;
    assert.match(nr.message, /Chart `charts\/shop` cannot be rendered: .*image\.tag is required/);
    assert.equal(nr.severity, 'info');
    assert.equal(a.services.length, 1);
    assert.equal(a.charts[0].services.length, 0);
    // once the value is there, the chart renders again and the template is read through the render
    ws.setFile('charts/shop/values.yaml', values(30081));
    assert.deepEqual(at(ws), ['charts/shop/templates/service.yaml:12 invalid-protocol']);
    assert.equal(ws.analyze().services.length, 0);
    assert.equal(ws.analyze().charts[0].services.length, 1);
  });

  test('a dependency found nowhere: template-not-rendered on Chart.yaml, naming it', () => {
    const files = shop();
    delete files['charts/common/Chart.yaml'];
    delete files['charts/common/templates/_names.tpl'];
    const ws = workspace(files);
    const a = ws.analyze();
    const nr = a.findings.filter((f) => f.code === 'template-not-rendered');
    assert.equal(nr.length, 1);
    assert.equal(nr[0].path, 'charts/shop/Chart.yaml');
    assert.equal(lineOf(ws, nr[0]), 1);
    assert.match(nr[0].message, /common/);
  });

  test('editing one chart re-renders that chart only', () => {
    const other = (name: string) => ({
      [`charts/${name}/Chart.yaml`]: SHOP_CHART.replace('name: shop', `name: ${name}`),
      [`charts/${name}/values.yaml`]: values(30080),
      [`charts/${name}/templates/_helpers.tpl`]: SHOP_HELPERS.replace(/shop\./g, `${name}.`),
      [`charts/${name}/templates/service.yaml`]: SHOP_SERVICE.replace(/shop\./g, `${name}.`),
      [`charts/${name}/templates/deployment.yaml`]: SHOP_DEPLOYMENT.replace(/shop\./g, `${name}.`),
    });
    const ws = workspace(shop(other('cart')));
    ws.analyze();
    assert.equal(ws.stats.chartsRendered, 2);
    const before = ws.stats.chartsRendered;
    ws.setFile('charts/shop/templates/service.yaml', SHOP_SERVICE.replace('name: http\n      port', 'name: web\n      port'));
    const a = ws.analyze();
    assert.equal(ws.stats.chartsRendered - before, 1);
    assert.equal(a.charts.find((c) => c.chart === 'charts/shop')!.services[0].ports[0].name, 'web');
    // a file no chart reads renders nothing again
    ws.setFile('etc/firewalld/zones/public.xml', ZONE.replace('30080', '30081'));
    ws.analyze();
    assert.equal(ws.stats.chartsRendered - before, 1);
    // the shared library chart is read by both
    ws.setFile('charts/common/templates/_names.tpl', COMMON['charts/common/templates/_names.tpl'] + '\n');
    ws.analyze();
    assert.equal(ws.stats.chartsRendered - before, 3);
  });

  test('the config names a chart\'s values files, release name and namespace', () => {
    const ws = workspace(shop({
      'charts/shop/values-prod.yaml': 'service:\n  nodePorts:\n    http: 30080\n',
      '.service-reach.yaml': 'helm:\n  charts:\n    - path: charts/shop\n      values: [charts/shop/values-prod.yaml]\n      releaseName: prod\n      namespace: shop\n',
    }));
    const a = ws.analyze();
    assert.deepEqual(at(ws), []);
    const svc = a.charts[0].services[0];
    assert.equal(svc.name, 'prod-shop');
    assert.equal(svc.namespace, 'shop');
  });

  test('helm.charts entries are checked', () => {
    const ws = workspace(shop({
      '.service-reach.yaml': 'helm:\n  charts:\n    - path: ../elsewhere\n    - values: [a.yaml]\n    - path: charts/shop\n      release: x\n',
    }));
    assert.deepEqual(at(ws).filter((k) => k.startsWith('.service-reach')), [
      '.service-reach.yaml:3 config-path-outside-workspace',
      '.service-reach.yaml:4 config-invalid',
      '.service-reach.yaml:6 config-invalid',
    ]);
  });

  test('hover on an action shows what it renders as, and on the Service the rendered Service\'s chain', () => {
    const ws = workspace(shop());
    const path = 'charts/shop/templates/service.yaml';
    const text = ws.getText(path)!;
    const onNodePort = hoverAt(ws, path, text.indexOf('.Values.service.nodePorts.http'))!;
    assert.ok(onNodePort, 'a hover on the action');
    assert.match(onNodePort.contents, /\*\*Renders as\*\* `30081` with the values of chart `charts\/shop`/);
    assert.match(onNodePort.contents, /\*\*Service shop\*\* · NodePort · ⚠ may be blocked/);
    assert.equal(text.slice(onNodePort.span.start, onNodePort.span.end), '{{ .Values.service.nodePorts.http }}');
    // an action that prints a name
    assert.match(hoverAt(ws, path, text.indexOf('include "common.names.fullname"'))!.contents, /Renders as\*\* `shop`/);
    // literal text of the Service: the rendered Service's chain (the workload found in the chart, named at its template line)
    const onType = hoverAt(ws, path, text.indexOf('type:') + 1)!;
    assert.match(onType.contents, /\*\*Service shop\*\* · NodePort/);
    assert.match(onType.contents, /charts\/shop\/templates\/deployment\.yaml:\d+/);
    assert.doesNotMatch(onType.contents, /#rendered/);
    // the chains above the template's lines
    const chains = chainsInFile(ws.analyze(), path);
    assert.equal(chains.length, 1);
    assert.equal(chains[0].ports.length, 1);
    assert.equal(ws.lineIndex(path).positionAt(chains[0].ports[0].span.start).line + 1, 9);
    assert.match(chains[0].ports[0].text, /:30081/);
    // the exposure view and `graph` pick it by name in its template
    const pick = pickService(ws.analyze(), path, { name: 'shop', namespace: 'default' });
    assert.ok(pick.ok && pick.service.service.name === 'shop');
  });

  test('a rendered finding offers the fixes that open the port in the rule sources or set the value in values.yaml, never an edit of the template', () => {
    const ws = workspace(shop());
    const [f] = ws.analyze().findings;
    const fixes = fixesFor(ws, f);
    assert.ok(fixes.length > 0);
    assert.ok(fixes.every((x) => x.edits.every((e) => e.path === 'etc/firewalld/zones/public.xml')));
    const edits = fixes[0].edits;
    ws.setFile(edits[0].path, applyEdits(ws.getText(edits[0].path)!, edits));
    assert.deepEqual(at(ws), []);
    // an out-of-range node port that one field of .Values printed: set where values.yaml holds it
    ws.setFile('charts/shop/values.yaml', values(40000));
    const out = ws.analyze().findings.find((x) => x.code === 'nodeport-out-of-range')!;
    const [pin] = fixesFor(ws, out);
    assert.match(pin.title, /^Set `service\.nodePorts\.http` to 30000 in charts\/shop\/values\.yaml/);
    assert.deepEqual(pin.edits.map((e) => [e.path, ws.getText(e.path)!.slice(e.span.start, e.span.end), e.newText]), [['charts/shop/values.yaml', '40000', '30000']]);
    ws.setFile('charts/shop/values.yaml', applyEdits(ws.getText('charts/shop/values.yaml')!, pin.edits));
    assert.ok(!at(ws).some((k) => k.endsWith('nodeport-out-of-range')));
    // printed through a pipeline: no fix (neither the template nor a guess at the values is edited)
    ws.setFile('charts/shop/values.yaml', values(40000));
    ws.setFile('charts/shop/templates/service.yaml', SHOP_SERVICE.replace('{{ .Values.service.nodePorts.http }}', '{{ .Values.service.nodePorts.http | int }}'));
    const piped = ws.analyze().findings.find((x) => x.code === 'nodeport-out-of-range')!;
    assert.ok(piped);
    assert.deepEqual(fixesFor(ws, piped), []);
  });

  test('rendered Services and workloads meet the workspace\'s: selectors across, node ports shared', () => {
    const plainWeb = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: shop-metrics
spec:
  selector:
    app.kubernetes.io/name: shop
  ports:
    - port: 9090
      targetPort: http
---
apiVersion: v1
kind: Service
metadata:
  name: other
spec:
  type: NodePort
  selector:
    app: web
  ports:
    - port: 80
      nodePort: 30081
`;
    const ws = workspace(shop({ 'k8s/web.yaml': plainWeb }));
    const keys = at(ws);
    // the plain Service selects the chart's pods (and their port named http): nothing to say about its selector;
    // the node port both use is reported on each, the chart's at the action that printed it
    assert.deepEqual(keys.filter((k) => !k.includes('firewalld-port-closed')), [
      'charts/shop/templates/service.yaml:13 nodeport-conflict',
      'k8s/web.yaml:39 nodeport-conflict',
    ]);
    const conflict = ws.analyze().findings.find((f) => f.path === 'k8s/web.yaml' && f.code === 'nodeport-conflict')!;
    assert.ok(conflict.related.every((r) => !r.path.includes('#')), 'related places name the template, never the rendered text');
    // the chart's pods gone: the plain Service's selector matches nothing
    ws.setFile('charts/shop/values.yaml', values(30081).replace('service:', 'nameOverride: store\nservice:'));
    assert.ok(at(ws).includes('k8s/web.yaml:23 selector-matches-nothing'), at(ws).join(' '));
  });

  test('after every edit the analysis is the one a fresh workspace makes of the same files', () => {
    const files = shop({ 'k8s/other.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: other\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n' });
    const ws = workspace(files);
    const view = (w: Workspace) => w.analyze().findings.map((f) => `${f.path}:${f.span.start}-${f.span.end} ${f.code} ${f.message}`);
    const fresh = () => {
      const w = workspace({});
      for (const p of ws.paths()) w.setFile(p, ws.getText(p)!);
      return w;
    };
    const edits: [string, string | undefined][] = [
      ['charts/shop/values.yaml', values(30080)],
      ['charts/shop/templates/service.yaml', SHOP_SERVICE.replace('targetPort: http', 'targetPort: web')],
      ['charts/shop/values.yaml', values(30080, 'null')],
      ['k8s/other.yaml', undefined],
      ['charts/shop/values.yaml', values(30081)],
      ['charts/shop/templates/_helpers.tpl', SHOP_HELPERS.replace('{{ include', 'app: shop\n{{ include')],
      ['charts/common/Chart.yaml', undefined],
      ['charts/common/Chart.yaml', COMMON['charts/common/Chart.yaml']],
      ['charts/shop/templates/service.yaml', SHOP_SERVICE],
    ];
    for (const [path, text] of edits) {
      if (text === undefined) ws.removeFile(path); else ws.setFile(path, text);
      assert.deepEqual(view(ws), view(fresh()), `after editing ${path}`);
    }
  });
});
