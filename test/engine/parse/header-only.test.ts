/**
 * Documents of a kind whose body no analysis reads (a CustomResourceDefinition: an OpenAPI schema, often half of a
 * repository's YAML) keep their header only — and lose nothing that is reported: the body's syntax errors and
 * repeated keys are the same as when it is kept, a template keeps it, and a Kustomize build (which may patch any
 * kind) reads the file whole.
 */
import * as assert from 'node:assert/strict';
import { parseYaml, YamlFile } from '../../../server/src/engine/parse/yaml';
import { ready, workspace } from '../../support/workspace';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
  labels:
    app: widgets
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              description: what a widget is
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
`;

function names(n: unknown): string[] {
  const m = n as { kind: string; pairs: { name: string }[] };
  return m.kind === 'map' ? m.pairs.map((p) => p.name) : [];
}

suite('YAML: documents whose header only is kept', () => {
  test('a CustomResourceDefinition keeps apiVersion, kind and metadata (with its labels); its body is not in the tree', () => {
    const doc = parseYaml(CRD, { headersOnly: true }).documents[0];
    assert.equal(doc.headerOnly, true);
    assert.deepEqual(names(doc.contents), ['apiVersion', 'kind', 'metadata']);
    const metadata = (doc.contents as { pairs: { name: string; value: unknown }[] }).pairs[2].value;
    assert.deepEqual(names(metadata), ['name', 'labels']);
    // the document still spans its whole text
    assert.equal(doc.span.end, CRD.length);
    const whole = parseYaml(CRD).documents[0];
    assert.equal(whole.headerOnly, undefined);
    assert.deepEqual(names(whole.contents), ['apiVersion', 'kind', 'metadata', 'spec']);
  });

  test('a repeated key deep in the body is reported where it is, as when the body is kept', () => {
    const text = CRD.replace('              description: what a widget is\n', '              description: what a widget is\n              type: string\n');
    const header = parseYaml(text, { headersOnly: true }).problems;
    const whole = parseYaml(text).problems;
    assert.equal(header.length, 1);
    assert.match(header[0].message, /unique/);
    assert.equal(header[0].span.start, text.lastIndexOf('type: string'));
    assert.deepEqual(header, whole);
  });

  test('keys of other types are repeated only when type and value are: `1` and `"1"` differ, `1` twice does not', () => {
    const body = '  group: example.com\n  1: a\n  "1": b\n  true: c\n  "true": d\n  .nan: e\n  .nan: f\n  1: g\n';
    const text = CRD.replace('  group: example.com\n', body);
    const header = parseYaml(text, { headersOnly: true }).problems;
    assert.deepEqual(header, parseYaml(text).problems);
    assert.deepEqual(header.map((p) => p.span.start), [text.indexOf('1: g')]);
  });

  test('a syntax error in the body is reported as when the body is kept', () => {
    const text = CRD.replace('  scope: Namespaced\n', '  scope: Namespaced\n   bad: indent\n');
    const header = parseYaml(text, { headersOnly: true }).problems;
    assert.ok(header.length > 0);
    assert.deepEqual(header, parseYaml(text).problems);
  });

  test('in a file of several documents only the CustomResourceDefinition is cut; a Service beside it is whole', () => {
    const docs = parseYaml(`${SERVICE}---\n${CRD}`, { headersOnly: true }).documents;
    assert.deepEqual(docs.map((d) => d.headerOnly ?? false), [false, true]);
    assert.deepEqual(names(docs[0].contents), ['apiVersion', 'kind', 'metadata', 'spec']);
  });

  test('a document written twice in a file (read once, its tree copied) is a header in both places', () => {
    const docs = new YamlFile().parse(`---\n${CRD}---\n${CRD}`, { headersOnly: true }).documents;
    assert.deepEqual(docs.map((d) => d.headerOnly ?? false), [true, true]);
    assert.deepEqual(docs.map((d) => names(d.contents)), [['apiVersion', 'kind', 'metadata'], ['apiVersion', 'kind', 'metadata']]);
  });

  test('in a template the body is kept (what a template writes is read as it is written)', () => {
    const doc = parseYaml(`${CRD}  conversion: {{ .Values.conversion }}\n`, { template: true, headersOnly: true }).documents[0];
    assert.equal(doc.headerOnly, undefined);
    assert.ok(names(doc.contents).includes('spec'));
  });

  test('a Kustomize overlay that patches a CustomResourceDefinition\'s body builds (the file is read whole for it)', async () => {
    await ready();
    const ws = workspace({
      'base/crd.yaml': CRD,
      'base/service.yaml': SERVICE,
      'base/kustomization.yaml': 'resources:\n  - crd.yaml\n  - service.yaml\n',
      'overlay/kustomization.yaml': `resources:
  - ../base
patches:
  - target:
      kind: CustomResourceDefinition
      name: widgets.example.com
    patch: |-
      - op: replace
        path: /spec/scope
        value: Cluster
`,
    });
    const analysis = ws.analyze();
    assert.deepEqual(analysis.findings.map((f) => `${f.path} ${f.code} ${f.message}`), []);
    assert.equal(analysis.overlays.length, 1);
    assert.equal(analysis.overlays[0].services.length, 1);
  });
});
