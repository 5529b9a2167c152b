/**
 * fast-check arbitraries for templates over the grammar the renderer supports: text with `{{-`/`-}}` trimming
 * and comments, actions whose pipelines chain operands (fields, `$`, literals, nested calls) through the functions
 * charts use, `if`/`else if`/`else`, `with`/`else`, `range` (with variables, `else`, `break`, `continue`),
 * variables declared and assigned, `define`/`include`/`template`, and values of every kind Helm reads. Left
 * out: `fromYaml`/`fromJson` of arbitrary text, whose result on bad input holds the parser's own error message.
 */
import fc from 'fast-check';

const OPERANDS = [
  '.Values.s', '.Values.n', '.Values.f', '.Values.b', '.Values.l', '.Values.m', '.Values.m.a', '.Values.m.z',
  '.Values.e', '.Values.z', '.Values.nul', '.Values.missing', '$.Values.s', '.Values.nested.inner', '.',
  '"lit"', '"a b"', '"x\\ty"', '"q\\"uote"', '`raw`', '42', '-7', '1.5', '0', '1e3', '0x1F', "'a'", 'true', 'false',
  '(list 1 "a" 2.5)', '(dict "k" 1 "j" "v")', '(.Values.m).a', '(index .Values.l 0)', '(len .Values.l)',
  '(add 1 2)', '(int .Values.n)', '(toString .Values.f)', '.Values.list', '.Values.yesno',
];

const UNARY = [
  'upper', 'lower', 'quote', 'squote', 'toString', 'toYaml', 'toJson', 'trim', 'title', 'b64enc', 'sha256sum',
  'len', 'not', 'empty', 'kindOf', 'typeOf', 'toStrings', 'first', 'last', 'uniq', 'sortAlpha', 'keys', 'int',
  'int64', 'float64', 'add1', 'nindent 2', 'indent 2', 'trunc 3', 'trunc -2', 'trimSuffix "d"', 'replace "l" "L"',
  'default "dflt"', 'contains "a"', 'hasPrefix "h"', 'join ","', 'printf "%v"', 'printf "%s"', 'printf "%d"',
  'printf "%q"', 'printf "%5.2f"', 'printf "%x"', 'print', 'println', 'splitList " "', 'b64dec', 'abbrev 5',
  'kindIs "string"', 'ternary "T" "F"', 'add 1', 'mul 2', 'sub 1', 'max 3', 'min 3', 'required "r"', 'html', 'js',
  'urlquery', 'compact', 'reverse', 'toPrettyJson', 'deepCopy', 'coalesce ""',
  'regexReplaceAll "[aeiou]" "_"', 'regexMatch "^[a-z]+$"', 'semverCompare ">=1.0.0"', 'include "part"', 'tpl "{{ . }}"',
];

const BINARY = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'index', 'hasKey', 'has', 'printf "%v-%v"', 'list', 'dict', 'cat', 'default', 'coalesce', 'ternary "a"'];

const operand = fc.constantFrom(...OPERANDS);

const pipeline: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(operand, fc.array(fc.constantFrom(...UNARY), { maxLength: 3 })).map(([o, fs]) => [o, ...fs].join(' | ')),
  fc.tuple(fc.constantFrom(...BINARY), operand, operand).map(([f, a, b]) => `${f} ${a} ${b}`),
  fc.tuple(fc.constantFrom(...UNARY), operand, fc.constantFrom(...UNARY)).map(([f, o, g]) => `${f} (${o} | ${g})`),
);

const open = fc.constantFrom('{{ ', '{{- ', '{{');
const close = fc.constantFrom(' }}', ' -}}', '}}');
const text = fc.constantFrom('a', ' ', '\n', 'key: ', '  - ', 'x\n  ', '\t', '<no value>', '{', '}', 'é');

function action(p: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(open, p, close).map(([o, body, c]) => `${o}${body}${c}`);
}

const leaf: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: text },
  { weight: 4, arbitrary: action(pipeline) },
  { weight: 1, arbitrary: fc.tuple(open, close).map(([o, c]) => `${o}/* c */${c}`) },
  { weight: 1, arbitrary: fc.tuple(pipeline, fc.constantFrom(...UNARY)).map(([p, f]) => `{{ $x := ${p} }}{{ $x | ${f} }}{{ $x = 1 }}{{ $x }}`) },
  { weight: 1, arbitrary: pipeline.map((p) => `{{ template "part" ${p} }}`) },
);

const body: fc.Arbitrary<string> = fc.letrec<{ nodes: string; node: string }>((tie) => ({
  nodes: fc.array(tie('node'), { maxLength: 4 }).map((l) => l.join('')),
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(open, pipeline, close, tie('nodes'), tie('nodes')).map(([o, p, c, a, b]) => `${o}if ${p}${c}${a}{{ else }}${b}{{ end }}`),
    fc.tuple(pipeline, pipeline, tie('nodes'), tie('nodes'), tie('nodes')).map(([p, q, a, b, c]) => `{{ if ${p} }}${a}{{ else if ${q} }}${b}{{ else }}${c}{{ end }}`),
    fc.tuple(pipeline, tie('nodes'), tie('nodes')).map(([p, a, b]) => `{{ with ${p} }}${a}{{ else }}${b}{{ end }}`),
    fc.tuple(fc.constantFrom('.Values.l', '.Values.m', '.Values.e', '.Values.list', '.Values.nul', '.Values.s', '(until 3)'),
      fc.constantFrom('', '$v := ', '$i, $v := '), tie('nodes'), fc.constantFrom('', '{{ break }}', '{{ continue }}', '{{ if $ }}{{ break }}{{ end }}'),
      fc.boolean()).map(([over, decl, inner, ctl, withElse]) =>
      `{{ range ${decl}${over} }}${inner}${decl ? '{{ $v }}' : '{{ . }}'}${ctl}${decl.includes('$i') ? '{{ $i }}' : ''}{{ ${withElse ? 'else }}empty{{ ' : ''}end }}`),
  ),
})).nodes;

export const templateArb: fc.Arbitrary<string> = body.map((b) => `{{- define "part" }}[{{ . }}]{{ end -}}${b}`);

const scalar = fc.oneof(
  fc.constantFrom('hello world', '', 'a:b', '123', 'yes', 'Ünïcode ✓', 'multi\nline\n', ' lead', '#x', 'true'),
  fc.integer({ min: -1000, max: 100000 }),
  fc.constantFrom(0, 1e6, 1.5, 0.1, 1e21, -0.0001, 123456789),
  fc.boolean(),
  fc.constant(null),
);

export const valuesArb = fc.record({
  s: fc.constantFrom('hello world', '', 'abc', 'HeLLo', 'a,b c', '1.2.3'),
  n: fc.oneof(fc.integer({ min: -5, max: 100000 }), fc.constantFrom(1e6, 0)),
  f: fc.constantFrom(1.5, 0.1, 2, 1e21, -0.0001, 3.0),
  b: fc.boolean(),
  l: fc.array(fc.constantFrom('b', 'a', 'c', 'hello'), { maxLength: 4 }),
  list: fc.array(scalar, { maxLength: 3 }),
  m: fc.dictionary(fc.constantFrom('a', 'b', 'z', '10', '9', 'k y'), scalar, { maxKeys: 4 }),
  e: fc.constantFrom('', 0, [] as unknown[], {} as Record<string, unknown>),
  z: fc.constant(0),
  nul: fc.constant(null),
  yesno: fc.constantFrom('yes', true, 'no'),
  nested: fc.record({ inner: scalar }),
});
