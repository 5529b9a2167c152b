/**
 * Helm templates: lines that hold only template actions (`{{- if … }}`, `{{- end }}`, `{{- range … }}`,
 * `{{- include … | nindent 4 }}`) are read as blank lines, what can be parsed is analysed, and nothing that depends
 * on what the template renders is reported: the collections among whose entries such lines sit are `templated`,
 * an empty value followed by one is a template value.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { YamlFile, asMap, asScalar, asSeq, blankControlLines, getValue, parseYaml, type YMap } from '../../../server/src/engine/parse/yaml';
import { keys, ready } from '../../support/workspace';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261126;

/** The first document's root map. */
function root(text: string): YMap {
  const m = asMap(parseYaml(text).documents[0]?.contents);
  assert.ok(m, 'no root map');
  return m;
}

function spec(text: string): YMap {
  const m = asMap(getValue(root(text), 'spec'));
  assert.ok(m, 'no spec');
  return m;
}

const HEAD = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: y\n';

suite('Helm control lines: parse', () => {
  test('a line of template actions only is read as spaces: offsets and line breaks unchanged, other lines kept', () => {
    // each with 1 when it renders nothing itself (`end`, comments)
    const lines: [string, number][] = [
      ['{{- if .Values.x }}', 0], ['  {{- end }}', 1], ['{{/* a comment */}}', 1], ['{{- /* a comment */ -}}', 1],
      ['    {{- include "x" . | nindent 4 }}', 0], ['\t{{ else }}  ', 0], ['{{- end }}{{- end }}', 1], ['{{- end }} {{- if .x }}', 0],
      ['  {{- toYaml .Values.ports | nindent 2 }}\r', 0],
    ];
    const kept = ['- {{ .x }}', '{{ .x }} # c', '{{ .x', '{{ a }} b', '{{ a }}}', 'a: 1', '', '#{{ x }}'];
    for (const [line, quiet] of lines) {
      const text = `a: 1\n${line}\nb: 2`;
      const out = blankControlLines(text);
      assert.equal(out.text.length, text.length, line);
      const blanked = line.endsWith('\r') ? ' '.repeat(line.length - 1) + '\r' : ' '.repeat(line.length);
      assert.equal(out.text, `a: 1\n${blanked}\nb: 2`, line);
      assert.equal(out.lines.length, 3, line);
      const [start, end] = out.lines;
      assert.equal(text.slice(start, end), line.trim(), line);
      assert.equal(out.lines[2], quiet, line);
    }
    for (const line of kept) {
      // no control line; an action in it is read as `_`s of its length
      const out = blankControlLines(`a: 1\n${line}\nb: 2`);
      assert.deepEqual(out.lines, [], line);
      assert.equal(out.text, `a: 1\n${line.replace(/\{\{[^}]*\}\}/g, (m) => '_'.repeat(m.length))}\nb: 2`, line);
    }
    // a text without actions is the same string
    const plain = 'a: { b: 1 }\n';
    assert.equal(blankControlLines(plain).text, plain);
  });

  test('a conditional port: the sequence is read, marked templated, and its spans point into the text', () => {
    const text = `${HEAD}spec:\n  type: NodePort\n  ports:\n  {{- if .Values.http.enabled }}\n  - name: http\n    port: 80\n  {{- end }}\n  selector:\n    app: y\n`;
    const s = spec(text);
    const ports = asSeq(getValue(s, 'ports'));
    assert.ok(ports, 'ports is a sequence');
    assert.equal(ports.items.length, 1);
    assert.equal(ports.templated, true);
    assert.equal(s.templated, false, 'the `end` line renders nothing');
    assert.deepEqual(s.pairs.map((p) => p.name), ['type', 'ports', 'selector']);
    const port = asScalar(getValue(asMap(ports.items[0]), 'port'))!;
    assert.equal(port.value, 80);
    assert.equal(text.slice(port.span.start, port.span.end), '80');
    assert.equal(asMap(ports.items[0])!.templated, false);
    assert.equal(root(text).templated, false);
  });

  test('a whole document inside `{{- if }}` … `{{- end }}` is read, and is not templated', () => {
    for (const [open, close] of [['{{- if .Values.m -}}', '{{- end }}'], ['{{ if .Values.m }}', '{{ end }}']]) {
      const text = `# c\n${open}\n${HEAD}spec:\n  ports:\n    - port: 9090\n      protocol: tcp\n${close}\n`;
      const r = parseYaml(text);
      assert.equal(r.documents.length, 1);
      const m = asMap(r.documents[0].contents)!;
      assert.equal(m.templated, false);
      const p = asMap(asSeq(getValue(asMap(getValue(m, 'spec')), 'ports'))!.items[0]);
      assert.equal(asScalar(getValue(p, 'protocol'))?.value, 'tcp');
      assert.equal(asSeq(getValue(asMap(getValue(m, 'spec')), 'ports'))!.templated, false);
    }
  });

  test('an empty value followed by a control line is a template value spanning its actions', () => {
    const text = `${HEAD}spec:\n  ports:   # from values\n    {{- toYaml .Values.ports | nindent 4 }}\n  selector:\n    {{- include "sel" . | nindent 4 }}\n`;
    const s = spec(text);
    for (const [key, action] of [['ports', '{{- toYaml .Values.ports | nindent 4 }}'], ['selector', '{{- include "sel" . | nindent 4 }}']]) {
      const v = asScalar(getValue(s, key));
      assert.ok(v, key);
      assert.equal(v.template, true, key);
      assert.equal(text.slice(v.span.start, v.span.end), action, key);
    }
    // their own control lines do not make the spec templated; an explicit null stays null
    assert.equal(s.templated, false);
    const explicit = spec(`${HEAD}spec:\n  ports:\n  - port: 80\n    nodePort: null\n    {{- if .Values.x }}\n    name: a\n    {{- end }}\n`);
    const item = asMap(asSeq(getValue(explicit, 'ports'))!.items[0])!;
    assert.equal(asScalar(getValue(item, 'nodePort'))?.template, false);
    assert.equal(item.templated, true);
  });

  test('a block scalar holding a control line is a template value; a file without `{{` is not transformed', () => {
    const text = 'data:\n  run: |\n    echo a\n    {{- if .Values.x }}\n    echo b\n    {{- end }}\n  other: |\n    echo c\n';
    const data = asMap(getValue(root(text), 'data'));
    assert.equal(asScalar(getValue(data, 'run'))?.template, true);
    assert.equal(asScalar(getValue(data, 'other'))?.template, false);
    // the same text without the template option (a file that is no template): nothing blanked, nothing marked
    const r = parseYaml(text, { template: false });
    assert.equal(asScalar(getValue(asMap(getValue(asMap(r.documents[0].contents), 'data')), 'run'))?.template, true, 'its text holds `{{`');
    assert.equal(asMap(r.documents[0].contents)!.templated, false);
  });

  test('read document by document (YamlFile), a template reads as the whole text does, after edits', () => {
    const LINES = [
      '---', '...', '# c', '', 'a: 1', 'b:', '  c: 2', '  - x', '- y', 'k: |', '  text', 'ports:', '  - port: 80',
      '{{- if .Values.x }}', '  {{- end }}', '{{ else }}', '  {{- range .Values.ports }}', '    {{- toYaml . | nindent 4 }}',
      '{{/* c */}}', 'name: {{ .x }}', '- {{ .x }}', '{{ .x', 'q: "abc', 'def"', 'x: &b', '<<: *b', '  y: 1',
    ];
    const lines = fc.array(fc.constantFrom(...LINES), { minLength: 1, maxLength: 16 });
    const edit = fc.tuple(fc.constantFrom('replace', 'insert', 'delete'), fc.nat(), fc.constantFrom(...LINES));
    fc.assert(fc.property(lines, fc.array(edit, { maxLength: 8 }), fc.boolean(), (start, edits, crlf) => {
      const eol = crlf ? '\r\n' : '\n';
      const file = new YamlFile();
      const ls = ['{{/* template */}}', ...start];
      const check = (what: string) => {
        const text = ls.join(eol) + eol;
        assert.deepEqual(file.parse(text), parseYaml(text), `${what}: ${JSON.stringify(text)}`);
      };
      check('start');
      for (const [op, n, line] of edits) {
        const i = 1 + (n % ls.length);
        if (op === 'replace' && i < ls.length) ls[i] = line;
        else if (op === 'insert') ls.splice(i, 0, line);
        else if (op === 'delete' && i < ls.length) ls.splice(i, 1);
        check(`${op} ${i}`);
      }
    }), { seed: SEED, numRuns: 300 });
  });
});

suite('Helm control lines: findings (unknown, never wrong)', () => {
  suiteSetup(ready);

  const svc = (body: string) => `${HEAD}spec:\n${body}`;

  test('ports inside `{{- if }}`: no missing-ports; a whole file wrapped in `{{- if }}` is analysed', () => {
    assert.deepEqual(keys({ 'templates/s.yaml': svc('  type: NodePort\n  ports:\n  {{- if .Values.http.enabled }}\n  - name: http\n    port: 80\n    nodePort: 30081\n  {{- end }}\n  selector:\n    app: y\n') }), []);
    assert.deepEqual(keys({ 'templates/s.yaml': `{{- if .Values.metrics.enabled }}\n${svc('  ports:\n    - port: 9090\n      protocol: tcp\n')}{{- end }}\n` }),
      ['templates/s.yaml:9 invalid-protocol']);
  });

  test('ports from `toYaml`, `include` or `range`: no missing-ports, and fixed ports after a range are still checked', () => {
    assert.deepEqual(keys({ 'templates/a.yaml': svc('  ports:\n    {{- toYaml .Values.service.ports | nindent 4 }}\n  selector:\n    app: x\n') }), []);
    assert.deepEqual(keys({ 'templates/b.yaml': svc('  type: ClusterIP\n  {{- with .Values.service.ports }}\n  ports:\n    {{- toYaml . | nindent 4 }}\n  {{- end }}\n') }), []);
    assert.deepEqual(keys({ 'templates/c.yaml': svc('  type: ClusterIP\n  {{- include "app.ports" . | nindent 2 }}\n') }), []);
    assert.deepEqual(keys({ 'templates/e.yaml': `${HEAD}spec:\n  {{- toYaml .Values.spec | nindent 2 }}\n` }), []);
    assert.deepEqual(keys({ 'templates/d.yaml': svc('  ports:\n  {{- range .Values.ports }}\n    - name: {{ .name }}\n      port: {{ .port }}\n  {{- end }}\n    - port: 9090\n      protocol: tcp\n') }),
      ['templates/d.yaml:12 invalid-protocol']);
  });

  test('no duplicate-port or duplicate name between items of `if`/`else` branches or a range; none on their count', () => {
    const branches = svc('  type: NodePort\n  ports:\n  {{- if .Values.tls }}\n  - name: web\n    port: 443\n    nodePort: 30443\n  {{- else }}\n  - name: web\n    port: 443\n    nodePort: 30443\n  {{- end }}\n');
    assert.deepEqual(keys({ 'templates/s.yaml': branches }), []);
    const ranged = svc('  ports:\n  {{- range .Values.extra }}\n  - port: 8080\n  {{- end }}\n  - port: 8080\n');
    assert.deepEqual(keys({ 'templates/s.yaml': ranged }), []);
    // fields of a port rendered by the template: its missing `port` may be among them
    const field = svc('  ports:\n  - name: a\n    {{- include "port" . | nindent 4 }}\n    protocol: TCP\n');
    assert.deepEqual(keys({ 'templates/s.yaml': field }), []);
  });

  test('what does not depend on the template is still reported in a template file', () => {
    // no control line among the ports: the duplicate and the missing name are known
    const text = svc('  ports:\n  - name: {{ .Values.name }}\n    port: 80\n  - port: 80\n  {{- if .Values.x }}\n  clusterIP: None\n  {{- end }}\n');
    assert.deepEqual(keys({ 'templates/s.yaml': text }), ['templates/s.yaml:9 duplicate-port', 'templates/s.yaml:9 port-name-required']);
    // a Service without ports and without a control line that could render them
    assert.deepEqual(keys({ 'templates/s.yaml': `${HEAD.replace('name: y', 'name: {{ .Release.Name }}')}spec:\n  type: ClusterIP\n` }), ['templates/s.yaml:5 missing-ports']);
  });

  test('labels or selectors among control lines are unknown: no selector-matches-nothing', () => {
    const deployment = (labels: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    metadata:\n      labels:\n${labels}    spec:\n      containers:\n        - name: c\n          image: x\n`;
    const service = (selector: string) => svc(`  ports:\n  - port: 80\n  selector:\n${selector}`);
    assert.deepEqual(keys({ 'd.yaml': deployment('        app: other\n'), 's.yaml': service('    app: web\n') }), ['s.yaml:8 selector-matches-nothing']);
    assert.deepEqual(keys({
      'templates/d.yaml': deployment('        app: other\n        {{- with .Values.podLabels }}\n        {{- toYaml . | nindent 8 }}\n        {{- end }}\n        tier: x\n'),
      's.yaml': service('    app: web\n'),
    }), []);
    // after the last label, indented as the labels: they are templated (not only the map around them)
    assert.deepEqual(keys({
      'templates/d.yaml': deployment('        app: other\n        {{- include "chart.labels" . | nindent 8 }}\n'),
      's.yaml': service('    app: web\n'),
    }), []);
    assert.deepEqual(keys({
      'd.yaml': deployment('        app: other\n'),
      'templates/s.yaml': service('    app: web\n    {{- if .Values.extra }}\n    extra: x\n    {{- end }}\n    tier: y\n'),
    }), []);
  });
});
