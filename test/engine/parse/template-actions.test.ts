/**
 * Template actions found as the template languages find them (`template-actions.ts`), and the text the YAML
 * parser reads for a template (`template-text.ts`): offsets kept, control lines blank, other actions `_`s.
 */
import * as assert from 'node:assert/strict';
import { templateActions } from '../../../server/src/engine/parse/yaml/template-actions';
import { YamlFile, blankControlLines, parseYaml } from '../../../server/src/engine/parse/yaml';

const spans = (text: string) => templateActions(text).map((a) => [text.slice(a.start, a.end), a.role]);

suite('Template actions', () => {
  test('Go: strings and raw strings may hold }}, comments run over lines, an unclosed {{ is text', () => {
    assert.deepEqual(spans('a: {{ printf "}}" .x }} b'), [['{{ printf "}}" .x }}', 'output']]);
    assert.deepEqual(spans('a: {{ `x }}\ny` }}'), [['{{ `x }}\ny` }}', 'output']]);
    assert.deepEqual(spans('{{- /*\nCopyright\n}} not the end\n*/}}\nkind: Service'), [['{{- /*\nCopyright\n}} not the end\n*/}}', 'quiet']]);
    assert.deepEqual(spans('a: {{ .x\nb: {{ .y }}'), [['{{ .y }}', 'output']]);
    assert.deepEqual(spans('a: {{ .x'), []);
    assert.deepEqual(spans('{{- if .x }}{{ else }}{{ end }}{{ $v := 1 }}{{ range .l }}{{ iffy }}'),
      [['{{- if .x }}', 'control'], ['{{ else }}', 'control'], ['{{ end }}', 'quiet'], ['{{ $v := 1 }}', 'quiet'], ['{{ range .l }}', 'control'], ['{{ iffy }}', 'output']]);
  });

  test('Terraform templatefile: interpolations, directives with strip markers, nested braces, escapes', () => {
    assert.deepEqual(spans('name: ${var.name}-${ {a = 1}["a"] }'), [['${var.name}', 'output'], ['${ {a = 1}["a"] }', 'output']]);
    assert.deepEqual(spans('%{ if x ~}\n%{~ else ~}\n%{ endif }\n%{ for p in ps }%{ endfor }'),
      [['%{ if x ~}', 'control'], ['%{~ else ~}', 'control'], ['%{ endif }', 'quiet'], ['%{ for p in ps }', 'control'], ['%{ endfor }', 'quiet']]);
    assert.deepEqual(spans('a: $${literal} %%{ literal }'), []);
    assert.deepEqual(spans('a: ${ "}" }'), [['${ "}" }', 'output']]);
  });

  test('openings that never close are text, however many (the scan goes on from the first that runs to the end)', () => {
    const text = 'a: ' + '{{ x '.repeat(100_000) + '\n' + '${ y '.repeat(100_000);
    assert.deepEqual(templateActions(text), []);
  });

  test('the reading keeps every offset: control lines blank, a line-ending value action blank, others `_`s', () => {
    const text = '{{- /*\nc\n*/}}\nkind: Service\nmetadata:\n  labels: {{- include "l" . | nindent 4 }}\n    a: b\n  name: {{ $k }}-tcp\n';
    const r = blankControlLines(text);
    assert.equal(r.text.length, text.length);
    assert.equal(r.text, '      \n \n    \nkind: Service\nmetadata:\n  labels:' + ' '.repeat(1 + '{{- include "l" . | nindent 4 }}'.length) + '\n    a: b\n  name: ________-tcp\n');
    assert.deepEqual(r.actions, [text.indexOf('{{ $k }}'), text.indexOf('{{ $k }}') + 8]);
    assert.equal(r.openToEnd, false);
  });

  test('a comment over a document marker: read as a whole, by YamlFile too', () => {
    const text = 'a: 1\n{{/*\n---\nb: 2\n*/}}\nc: 3\n---\nd: 4\n';
    // read alone, the piece before the first marker holds an opening that runs to its end
    assert.equal(blankControlLines(text).openToEnd, false);
    assert.equal(blankControlLines('a: 1\n{{/*\n').openToEnd, true);
    const whole = parseYaml(text);
    assert.equal(whole.documents.length, 2);
    assert.deepEqual(new YamlFile().parse(text), whole);
  });
});
