/**
 * `values.schema.json` checked as Helm checks it: the coalesced values of a chart against its schema, each
 * dependency's scoped values against the dependency's own schema, a violation (or a schema that cannot be read)
 * making the chart not rendered with Helm's message, and in the workspace the failure on Chart.yaml, the schema
 * file an input of the render.
 */
import * as assert from 'node:assert/strict';
import type { ChartWorkspace } from '../../../server/src/engine/helm/chart-load';
import { renderChart } from '../../../server/src/engine/helm/chart-render';
import { checkValues, MAX_SCHEMA_CHARS, MAX_VIOLATIONS, toJson } from '../../../server/src/engine/helm/values-schema';
import { fromPlain, type GoMap, type Value } from '../../../server/src/engine/helm/value';
import { gunzipSync } from 'node:zlib';
import { lineOf, ready, workspace } from '../../support/workspace';
import { tgzOfFiles } from './tgz';

function memory(files: Record<string, string>): ChartWorkspace {
  const paths = Object.keys(files).sort();
  return { paths, text: (p) => files[p] };
}

const SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['service'],
  properties: {
    service: {
      type: 'object',
      required: ['nodePort'],
      properties: { nodePort: { type: 'integer', minimum: 30000, maximum: 32767 }, type: { enum: ['ClusterIP', 'NodePort'] } },
    },
  },
}, null, 2);

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  type: NodePort
  selector:
    app: app
  ports:
    - port: 80
      nodePort: {{ .Values.service.nodePort }}
`;

function app(values: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
    'app/values.yaml': values,
    'app/values.schema.json': SCHEMA,
    'app/templates/service.yaml': SERVICE,
    ...extra,
  };
}

suite('helm: values.schema.json', () => {
  test('valid values render', () => {
    const r = renderChart(memory(app('service:\n  type: NodePort\n  nodePort: 30080\n')), 'app');
    assert.equal(r.failure, undefined);
    assert.match(r.templates[0]!.text, /nodePort: 30080/);
  });

  test('a values.yaml that breaks the schema: not rendered, each violation named with its path, as Helm words it', () => {
    const r = renderChart(memory(app('service:\n  type: LoadBalancer\n  nodePort: "30080"\n')), 'app');
    assert.ok(r.failure);
    assert.equal(r.templates.length, 0);
    assert.equal(r.failure.path, 'app/values.schema.json');
    assert.equal(r.failure.message, [
      "values don't meet the specifications of the schema(s) in the following chart(s):",
      'app:',
      '- service.nodePort: Invalid type. Expected: integer, given: string',
      '- service.type: service.type must be one of the following: "ClusterIP", "NodePort"',
    ].join('\n'));
  });

  test('a required value missing, and one out of range', () => {
    const missing = renderChart(memory(app('service:\n  type: NodePort\n')), 'app');
    assert.match(missing.failure!.message, /\napp:\n- service: nodePort is required$/);
    const none = renderChart(memory(app('')), 'app');
    assert.match(none.failure!.message, /\n- \(root\): service is required$/);
    const high = renderChart(memory(app('service:\n  nodePort: 40000\n')), 'app');
    assert.match(high.failure!.message, /\n- service\.nodePort: Must be less than or equal to 32767$/);
  });

  test('a configured values file that fixes the values: rendered', () => {
    const files = app('service:\n  nodePort: "x"\n');
    assert.ok(renderChart(memory(files), 'app').failure);
    const r = renderChart(memory(files), 'app', { valuesFiles: [{ path: 'prod.yaml', text: 'service:\n  nodePort: 30090\n' }] });
    assert.equal(r.failure, undefined);
    assert.match(r.templates[0]!.text, /nodePort: 30090/);
    // and one that breaks them: not rendered
    const bad = renderChart(memory(app('service:\n  nodePort: 30080\n')), 'app', { valuesFiles: [{ path: 'prod.yaml', text: 'service:\n  nodePort: null\n' }] });
    assert.match(bad.failure!.message, /- service: nodePort is required/);
  });

  test("a dependency's schema applies to its scoped values (the parent's values under its name included)", () => {
    const files = {
      'parent/Chart.yaml': 'apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n  - name: app\n    version: 1.0.0\n',
      'parent/values.yaml': 'app:\n  service:\n    nodePort: 30100\n',
      'parent/templates/cm.yaml': 'kind: ConfigMap\n',
      'parent/charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
      'parent/charts/app/values.yaml': 'service:\n  type: NodePort\n',
      'parent/charts/app/values.schema.json': SCHEMA,
      'parent/charts/app/templates/service.yaml': SERVICE,
    };
    const ok = renderChart(memory(files), 'parent');
    assert.equal(ok.failure, undefined);
    assert.ok(ok.templates.some((t) => t.text.includes('nodePort: 30100')));
    const bad = renderChart(memory({ ...files, 'parent/values.yaml': 'app:\n  service:\n    nodePort: true\n' }), 'parent');
    assert.equal(bad.failure!.message, [
      "values don't meet the specifications of the schema(s) in the following chart(s):",
      'app:',
      '- service.nodePort: Invalid type. Expected: integer, given: boolean',
    ].join('\n'));
    assert.equal(bad.failure!.path, 'parent/charts/app/values.schema.json');
    // the parent's own schema sees the dependency's values under its name, and the parent is named first
    const both = renderChart(memory({
      ...files, 'parent/values.yaml': 'app:\n  service:\n    nodePort: true\n',
      'parent/values.schema.json': '{"properties": {"app": {"properties": {"service": {"properties": {"nodePort": {"type": "string"}}}}}}}',
    }), 'parent');
    assert.match(both.failure!.message, /\nparent:\n- app\.service\.nodePort: Invalid type\. Expected: string, given: boolean\napp:\n- service\.nodePort: /);
    // a disabled dependency is not checked
    const off = renderChart(memory({
      ...files, 'parent/values.yaml': 'app:\n  enabled: false\n  service:\n    nodePort: true\n',
      'parent/Chart.yaml': 'apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n  - name: app\n    version: 1.0.0\n    condition: app.enabled\n',
    }), 'parent');
    assert.equal(off.failure, undefined);
  });

  test("a packed dependency's schema applies too; the failure then names no schema file", () => {
    const tgz = new Uint8Array(tgzOfFiles({
      'Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n', 'values.yaml': 'service:\n  nodePort: 30080\n',
      'values.schema.json': SCHEMA, 'templates/service.yaml': SERVICE,
    }, 'app'));
    const files: Record<string, string> = {
      'parent/Chart.yaml': 'apiVersion: v2\nname: parent\nversion: 1.0.0\n', 'parent/values.yaml': 'app:\n  service:\n    nodePort: x\n',
      'parent/templates/cm.yaml': 'kind: ConfigMap\n', 'parent/charts/app-1.0.0.tgz': '',
    };
    const ws: ChartWorkspace = { ...memory(files), bytes: (p) => (p === 'parent/charts/app-1.0.0.tgz' ? tgz : undefined), gunzip: (b) => new Uint8Array(gunzipSync(b)) };
    const r = renderChart(ws, 'parent');
    assert.match(r.failure!.message, /\napp:\n- service\.nodePort: Invalid type\. Expected: integer, given: string$/);
    assert.equal(r.failure!.path, 'parent/Chart.yaml');
    files['parent/values.yaml'] = 'app:\n  service:\n    nodePort: 30200\n';
    assert.equal(renderChart(ws, 'parent').failure, undefined);
  });

  test('a schema too large to check: not rendered, a limit', () => {
    const big = JSON.stringify({ description: 'x'.repeat(MAX_SCHEMA_CHARS) });
    const r = renderChart(memory(app('service:\n  nodePort: 30080\n', { 'app/values.schema.json': big })), 'app');
    assert.equal(r.failure!.limit, true);
    assert.match(r.failure!.message, /\napp:\nvalues\.schema\.json: longer than \d+ characters, not checked \(a limit\)$/);
    const fits = renderChart(memory(app('service:\n  nodePort: 30080\n', { 'app/values.schema.json': JSON.stringify({ description: 'x'.repeat(1000) }) })), 'app');
    assert.equal(fits.failure, undefined);
  });

  test('a schema that is not JSON: not rendered, naming the file', () => {
    const r = renderChart(memory(app('service:\n  nodePort: 30080\n', { 'app/values.schema.json': '{"type": "object",' })), 'app');
    assert.ok(r.failure);
    assert.match(r.failure.message, /\napp:\nvalues\.schema\.json: invalid JSON: /);
    assert.equal(r.failure.path, 'app/values.schema.json');
  });

  test('draft 4 schemas, and a $ref to a schema that is not in the file constrains nothing', () => {
    const draft4 = JSON.stringify({ $schema: 'http://json-schema.org/draft-04/schema#', properties: { count: { type: 'integer', minimum: 1, exclusiveMinimum: true } } });
    const chart = (schema: string, values: string) => renderChart(memory(app(values, { 'app/values.schema.json': schema, 'app/templates/service.yaml': 'kind: ConfigMap\n' })), 'app');
    assert.match(chart(draft4, 'count: 1\n').failure!.message, /- count: Must be greater than 1$/);
    assert.equal(chart(draft4, 'count: 2\n').failure, undefined);
    const remote = JSON.stringify({ properties: { a: { $ref: 'https://example.com/schemas/a.json' }, b: { $ref: '#/definitions/b' } }, definitions: { b: { type: 'string' } } });
    assert.equal(chart(remote, 'a: 1\nb: x\n').failure, undefined);
    assert.match(chart(remote, 'a: 1\nb: 2\n').failure!.message, /- b: Invalid type\. Expected: string, given: integer$/);
  });

  test("other keywords in gojsonschema's words", () => {
    const check = (schema: object, values: unknown): string[] => {
      const chart = { name: 'c', meta: new Map(), values: new Map(), templates: [], files: new Map(), deps: [], library: false, schema: { text: JSON.stringify(schema) } };
      return checkValues(chart, fromPlain(values)).flatMap((v) => v.lines);
    };
    assert.deepEqual(check({ minProperties: 2 }, { a: 1 }), ['- (root): Must have at least 2 properties']);
    assert.deepEqual(check({ properties: { r: { multipleOf: 5 } } }, { r: 12 }), ['- r: Must be a multiple of 5']);
    assert.deepEqual(check({ properties: { t: { uniqueItems: true } } }, { t: ['a', 'a'] }), ['- t: array items[0,1] must be unique']);
    assert.deepEqual(check({ properties: { x: { oneOf: [{ type: 'string' }, { type: 'integer' }] } } }, { x: true }), [
      // gojsonschema says the oneOf first (and then only its first branch's error)
      '- x: Must validate one and only one schema (oneOf)',
      '- x: Invalid type. Expected: string, given: boolean', '- x: Invalid type. Expected: integer, given: boolean',
    ]);
    assert.deepEqual(check({ properties: { x: { anyOf: [{ type: 'string' }, { type: 'integer' }] } } }, { x: 3 }), []);
  });

  test('many violations are bounded; Go values become JSON values', () => {
    const schema = JSON.stringify({ additionalProperties: { type: 'string' } });
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    const chart = { name: 'c', meta: new Map(), values: new Map(), templates: [], files: new Map(), deps: [], library: false, schema: { text: schema } };
    const v = checkValues(chart, fromPlain(many));
    assert.equal(v[0]!.lines.length, MAX_VIOLATIONS + 1);
    assert.equal(v[0]!.lines[MAX_VIOLATIONS], `- … and ${50 - MAX_VIOLATIONS} more`);
    const go: GoMap = new Map<string, Value>([['__proto__', 1n], ['list', [null, true, 2.5]]]);
    const json = toJson(go) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['__proto__', 'list']);
    assert.equal(Object.getPrototypeOf(json), Object.prototype);
    assert.deepEqual(json.list, [null, true, 2.5]);
  });
});

suite('helm: values.schema.json in the workspace', () => {
  suiteSetup(ready);

  test("a violation is template-not-rendered on Chart.yaml's first line naming the schema; editing the schema re-renders", () => {
    const ws = workspace(app('service:\n  type: NodePort\n  nodePort: "30080"\n'));
    const a = ws.analyze();
    const nr = a.findings.filter((f) => f.code === 'template-not-rendered');
    assert.equal(nr.length, 1);
    assert.equal(nr[0]!.path, 'app/Chart.yaml');
    assert.equal(lineOf(ws, nr[0]!), 1);
    assert.match(nr[0]!.message, /service\.nodePort: Invalid type\. Expected: integer, given: string/);
    assert.match(nr[0]!.message, /\(in app\/values\.schema\.json\)/);
    assert.equal(a.charts[0]!.services.length, 0);
    // the schema now allows a string: the chart renders
    ws.setFile('app/values.schema.json', SCHEMA.replace('"integer"', '["integer", "string"]'));
    const b = ws.analyze();
    assert.deepEqual(b.findings.filter((f) => f.code === 'template-not-rendered'), []);
    assert.equal(b.charts[0]!.services.length, 1);
  });
});
