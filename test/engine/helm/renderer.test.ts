/**
 * The renderer on its own (no Go needed): the source map, errors as data, the bounds, chart loading (library
 * charts, missing dependencies, archives, template order) and values coalescing. Outputs expected here were
 * checked against Go's text/template + Sprig with the reference renderer.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChartWorkspace } from '../../../server/src/engine/helm/chart-load';
import { findCharts } from '../../../server/src/engine/helm/chart-load';
import { renderChart } from '../../../server/src/engine/helm/chart-render';
import { TemplateEngine } from '../../../server/src/engine/helm/engine';
import { EXEC_LIMITS } from '../../../server/src/engine/helm/exec';
import { readTar } from '../../../server/src/engine/helm/tar';
import { fromPlain } from '../../../server/src/engine/helm/value';
import { toYaml } from '../../../server/src/engine/helm/yaml-emit';
import { diskWorkspace } from './compare';
import { tgzOf } from './tgz';
import { gunzipSync } from 'node:zlib';

function render(text: string, values: unknown = {}, limits = EXEC_LIMITS) {
  const e = new TemplateEngine([{ name: 't', text }], limits);
  return e.render('t', fromPlain({ Values: values, Release: { Name: 'rel', Namespace: 'default' } }));
}

function memory(files: Record<string, string>): ChartWorkspace {
  const paths = Object.keys(files).sort();
  return { paths, text: (p) => files[p] };
}

suite('helm: the renderer', () => {
  test('the source map points every piece of output at the literal or the action that wrote it', () => {
    const text = 'spec:\n  type: {{ .Values.type }}\n  nodePort: {{ .Values.port }}\n';
    const r = render(text, { type: 'NodePort', port: 30080 });
    assert.equal(r.text, 'spec:\n  type: NodePort\n  nodePort: 30080\n');
    const at = r.text!.indexOf('30080');
    const piece = r.pieces!.find((p) => p.outStart <= at && at < p.outEnd)!;
    assert.equal(piece.kind, 'action');
    assert.equal(text.slice(piece.start, piece.end), '{{ .Values.port }}');
    const lit = r.pieces!.find((p) => p.outStart === 0)!;
    assert.equal(lit.kind, 'text');
    assert.equal(text.slice(lit.start, lit.end), 'spec:\n  type: ');
  });

  test('output of a named template maps to the define, and through `via` to the call', () => {
    const text = '{{ define "p" }}port: {{ .Values.port }}{{ end }}x{{ template "p" . }}';
    const r = render(text, { port: 80 });
    assert.equal(r.text, 'xport: 80');
    const piece = r.pieces!.find((p) => p.outStart === r.text!.indexOf('80'))!;
    assert.equal(text.slice(piece.start, piece.end), '{{ .Values.port }}');
    assert.equal(text.slice(piece.via!.start, piece.via!.end), '{{ template "p" . }}');
  });

  test('<no value> is removed from the output and the pieces after it move with the text', () => {
    const text = 'a: {{ .Values.missing }}\nb: {{ .Values.b }}\n';
    const r = render(text, { b: 'x' });
    assert.equal(r.text, 'a: \nb: x\n');
    const piece = r.pieces!.find((p) => p.outStart === r.text!.indexOf('x'))!;
    assert.equal(text.slice(piece.start, piece.end), '{{ .Values.b }}');
  });

  test('errors are data: the failing action, and why', () => {
    const text = 'ok\n{{ required "service.port is required" .Values.service.port }}';
    const r = render(text, { service: {} });
    assert.ok(r.error);
    assert.match(r.error.message, /service\.port is required/);
    assert.equal(text.slice(r.error.start, r.error.end), '{{ required "service.port is required" .Values.service.port }}');
    const f = render('{{ fail "no" }}');
    assert.match(f.error!.message, /error calling fail: no/);
    const nil = render('{{ .Values.a.b.c }}');
    assert.match(nil.error!.message, /nil pointer evaluating interface \{\}\.b/);
  });

  test('a parse error names the offset; an unknown function is a parse error, as in Go', () => {
    const r = render('line\n{{ nosuch 1 }}');
    assert.match(r.error!.message, /function "nosuch" not defined/);
    assert.equal(r.error!.start, 8);
    assert.match(render('{{ if 1 }}').error!.message, /unexpected EOF/);
    assert.match(render('{{ $x }}').error!.message, /undefined variable "\$x"/);
    assert.match(render('{{ break }}').error!.message, /outside \{\{range\}\}/);
  });

  test('call is refused, the clock is refused: the chart is not rendered, never rendered with a made-up value', () => {
    assert.match(render('{{ call .Values.f }}').error!.message, /call is not supported/);
    assert.match(render('{{ now }}').error!.message, /now is not supported/);
  });

  test('bounded: an include loop, a step budget, an output budget', () => {
    const loop = render('{{ define "a" }}{{ include "a" . }}{{ end }}{{ include "a" . }}');
    assert.ok(loop.error?.limit);
    assert.match(loop.error!.message, /nested more than/);
    const steps = render('{{ range until 100000 }}{{ range until 100 }}x{{ end }}{{ end }}', {}, { ...EXEC_LIMITS, maxSteps: 10_000 });
    assert.ok(steps.error?.limit);
    const out = render('{{ range until 1000 }}xxxxxxxxxx{{ end }}', {}, { ...EXEC_LIMITS, maxOutput: 1000 });
    assert.ok(out.error?.limit);
    assert.match(out.error!.message, /larger than 1000/);
  });

  test('random values are stable placeholders between renders of the same file', () => {
    const a = render('{{ randAlphaNum 10 }} {{ uuidv4 }}');
    const b = render('{{ randAlphaNum 10 }} {{ uuidv4 }}');
    assert.equal(a.text, b.text);
    assert.match(a.text!, /^[A-Za-z0-9]{10} [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('toYaml writes what yaml.v2 writes (quoting, key order, folding at 80 columns)', () => {
    const v = fromPlain({ b: 'yes', a10: 1, a9: [1.5, 1e6, 'x: y'], long: 'word '.repeat(20).trim(), m: {}, l: [] });
    assert.equal(toYaml(v), [
      'a9:', '- 1.5', '- 1000000', "- 'x: y'", 'a10: 1', 'b: "yes"', 'l: []',
      'long: word word word word word word word word word word word word word word word word',
      '  word word word word', 'm: {}',
    ].join('\n'));
  });
});

suite('helm: charts', () => {
  const chartYaml = (name: string, extra = ''): string => `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n${extra}`;

  test('a chart is a folder with Chart.yaml beside templates/; charts/ inside a chart are its dependencies', () => {
    const paths = ['a/Chart.yaml', 'a/templates/x.yaml', 'a/charts/b/Chart.yaml', 'a/charts/b/templates/y.yaml', 'c/Chart.yaml', 'd/templates/z.yaml'];
    assert.deepEqual(findCharts(paths), ['a']);
    // a repository's own charts/ folder (no Chart.yaml beside it) holds charts of their own
    assert.deepEqual(findCharts([...paths, 'charts/e/Chart.yaml', 'charts/e/templates/s.yaml', 'charts/e/charts/f/Chart.yaml', 'charts/e/charts/f/templates/t.yaml']), ['a', 'charts/e']);
  });

  test('a chart past its time budget is not rendered: a limit, named as such', () => {
    const ws = memory({ 'slow/Chart.yaml': chartYaml('slow'), 'slow/templates/a.yaml': '{{ range until 1000000 }}{{ end }}done' });
    const r = renderChart(ws, 'slow', { millis: 0 });
    assert.equal(r.failure?.limit, true);
    assert.match(r.failure!.message, /took too long/);
    assert.equal(r.failure!.path, 'slow/templates/a.yaml');
    assert.equal(renderChart(ws, 'slow').templates[0]!.text, 'done');
  });

  test('a library chart renders nothing on its own', () => {
    const ws = memory({ 'lib/Chart.yaml': chartYaml('lib', 'type: library\n'), 'lib/templates/_h.tpl': '{{ define "x" }}y{{ end }}', 'lib/templates/cm.yaml': 'kind: ConfigMap' });
    const r = renderChart(ws, 'lib');
    assert.equal(r.failure, undefined);
    assert.deepEqual(r.templates, []);
  });

  test('a dependency found nowhere: the chart is not rendered, and the failure says which', () => {
    const ws = memory({ 'app/Chart.yaml': chartYaml('app', 'dependencies:\n  - name: common\n    version: 2.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n'), 'app/templates/a.yaml': 'a: 1' });
    const r = renderChart(ws, 'app');
    assert.match(r.failure!.message, /common is in Chart\.yaml of app, but missing in charts\/ and not found in the workspace/);
    assert.equal(r.failure!.path, 'app/Chart.yaml');
  });

  test('a same-name folder in the workspace serves as the dependency (a sibling library chart)', () => {
    const ws = memory({
      'app/Chart.yaml': chartYaml('app', 'dependencies:\n  - name: common\n    version: 2.x\n'),
      'app/templates/a.yaml': 'name: {{ include "common.name" . }}',
      'common/Chart.yaml': chartYaml('common', 'type: library\n'),
      'common/templates/_n.tpl': '{{ define "common.name" }}{{ .Chart.Name }}-{{ .Release.Name }}{{ end }}',
    });
    const r = renderChart(ws, 'app', { release: { name: 'r1', namespace: 'ns' } });
    assert.equal(r.templates[0]!.text, 'name: app-r1');
    assert.equal(r.templates[0]!.path, 'app/templates/a.yaml');
  });

  test('values: a values file overrides values.yaml, null deletes a default, globals reach dependencies', () => {
    const ws = memory({
      'app/Chart.yaml': chartYaml('app'),
      'app/values.yaml': 'a: 1\nb: 2\nglobal:\n  g: parent\nsub:\n  s: from-parent\n',
      'app/prod.yaml': 'b: null\nc: 3\n',
      'app/templates/a.yaml': 'a={{ .Values.a }} b={{ .Values.b }} c={{ .Values.c }} has-b={{ hasKey .Values "b" }}',
      'app/charts/sub/Chart.yaml': chartYaml('sub'),
      'app/charts/sub/values.yaml': 's: default\nglobal:\n  g: sub\n  h: sub-only\n',
      'app/charts/sub/templates/s.yaml': 's={{ .Values.s }} g={{ .Values.global.g }} h={{ .Values.global.h }}',
    });
    const r = renderChart(ws, 'app', { valuesFiles: [{ path: 'app/prod.yaml', text: 'b: null\nc: 3\n' }] });
    const byName = new Map(r.templates.map((t) => [t.name, t.text]));
    assert.equal(byName.get('app/templates/a.yaml'), 'a=1 b= c=3 has-b=false');
    assert.equal(byName.get('app/charts/sub/templates/s.yaml'), 's=from-parent g=parent h=sub-only');
  });

  test('template order as Helm sorts it: the parent\'s define wins over the dependency\'s', () => {
    const ws = memory({
      'app/Chart.yaml': chartYaml('app'),
      'app/templates/_h.tpl': '{{ define "who" }}parent{{ end }}',
      'app/templates/a.yaml': '{{ include "who" . }}',
      'app/charts/sub/Chart.yaml': chartYaml('sub'),
      'app/charts/sub/templates/_h.tpl': '{{ define "who" }}sub{{ end }}',
      'app/charts/sub/templates/b.yaml': '{{ include "who" . }}',
    });
    const r = renderChart(ws, 'app');
    assert.deepEqual(r.templates.map((t) => t.text), ['parent', 'parent']);
  });

  test('a definition made through `tpl` while one file renders is not seen by the files rendered after it', () => {
    // Helm renders names in descending order: z.yaml, then a.yaml
    const files = (a: string) => memory({
      'app/Chart.yaml': chartYaml('app'),
      'app/templates/_h.tpl': '{{ define "who" }}chart{{ end }}',
      'app/templates/z.yaml': '{{ tpl "{{ define \\"who\\" }}tpl{{ end }}{{ define \\"new\\" }}n{{ end }}" . }}{{ include "who" . }}',
      'app/templates/a.yaml': a,
    });
    const r = renderChart(files('{{ include "who" . }}'), 'app');
    assert.equal(r.failure, undefined);
    assert.equal(r.templates.find((t) => t.name === 'app/templates/a.yaml')?.text, 'chart');
    const missing = renderChart(files('{{ include "new" . }}'), 'app');
    assert.equal(missing.failure?.file, 'app/templates/a.yaml');
  });

  test('a dependency packaged as .tgz is read with the host\'s gunzip and our tar reader', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-tar-'));
    try {
      fs.mkdirSync(path.join(dir, 'sub/templates'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'sub/Chart.yaml'), chartYaml('sub'));
      fs.writeFileSync(path.join(dir, 'sub/templates/s.yaml'), 'from the archive: {{ .Chart.Name }}');
      const tgz = tgzOf(path.join(dir, 'sub'), 'sub');
      const tar = readTar(new Uint8Array(gunzipSync(tgz)));
      assert.deepEqual([...tar.files.keys()].sort(), ['Chart.yaml', 'templates/s.yaml']);
      fs.mkdirSync(path.join(dir, 'app/templates'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'app/charts'));
      fs.writeFileSync(path.join(dir, 'app/Chart.yaml'), chartYaml('app'));
      fs.writeFileSync(path.join(dir, 'app/templates/a.yaml'), 'a');
      fs.writeFileSync(path.join(dir, 'app/charts/sub-1.0.0.tgz'), tgz);
      const r = renderChart(diskWorkspace(dir), 'app');
      const sub = r.templates.find((t) => t.name === 'app/charts/sub/templates/s.yaml')!;
      assert.equal(sub.text, 'from the archive: sub');
      assert.equal(sub.path, undefined);
      assert.equal(readTar(new Uint8Array(gunzipSync(tgz)), { maxEntries: 1, maxBytes: 1e6 }).error, 'the archive holds more than 1 files');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
