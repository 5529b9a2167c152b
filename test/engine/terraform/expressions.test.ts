/**
 * The evaluator's expressions and functions against Terraform's documented results (written out by hand), and
 * its bounds: deep nesting, huge ranges, big `for` products and recursive locals end unknown with a clear
 * reason, quickly.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { initHcl } from '../../../server/src/engine/parse/hcl';
import { readHclGrammar } from '../../../server/src/host/hcl-grammar';
import { Budget, ev, localOf } from './evaluate-support';
import { plain } from '../../../server/src/engine/terraform/values';

suite('terraform: expressions', () => {
  suiteSetup(async () => {
    await initHcl(readHclGrammar(path.dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json'))));
  });

  test('literals, operators, conditionals, conversions', () => {
    assert.equal(ev('1 + 2 * 3'), 7);
    assert.equal(ev('(1 + 2) * 3'), 9);
    assert.equal(ev('-5 + 1'), -4);
    assert.equal(ev('"10" + 5'), 15, 'a numeric string converts');
    assert.equal(ev('7 % 3 == 1 && !false'), true);
    assert.equal(ev('1 == "1"'), false, '== does not convert');
    assert.equal(ev('3 > 2 ? "a" : "b"'), 'a');
    assert.equal(ev('null'), null);
    assert.deepEqual(ev('{ a = 1, "b" = [true, null] }'), { a: 1, b: [true, null] });
  });

  test('templates, directives and heredocs', () => {
    assert.equal(ev('"port-${80}"'), 'port-80');
    assert.equal(ev('"a\\tb\\"c\\u00e9"'), 'a\tb"cé');
    assert.equal(ev('"$${x}"'), '${x}');
    assert.equal(ev('"%{ if true }yes%{ else }no%{ endif }"'), 'yes');
    assert.equal(ev('"%{ for p in [1, 2, 3] }${p},%{ endfor }"'), '1,2,3,');
    assert.equal(ev('"a  ${~ "b" ~}  c"'), 'abc', 'strip markers');
    assert.deepEqual(ev('"${[1, 2]}"'), [1, 2], 'a lone interpolation is its value');
    assert.equal(ev('<<EOT\nhello ${1 + 1}\n  world\nEOT\n'), 'hello 2\n  world\n');
    assert.equal(ev('<<-EOT\n    hello\n      world\n    EOT\n'), 'hello\n  world\n');
  });

  test('for expressions: list and map forms, filters, grouping', () => {
    assert.deepEqual(ev('[for v in [1, 2, 3] : v * 2 if v != 2]'), [2, 6]);
    assert.deepEqual(ev('[for i, v in ["a", "b"] : "${i}=${v}"]'), ['0=a', '1=b']);
    assert.deepEqual(ev('{ for k, v in { b = 2, a = 1 } : v => k }'), { 1: 'a', 2: 'b' });
    assert.deepEqual(ev('{ for s in ["ab", "ac", "bc"] : substr(s, 0, 1) => s... }'), { a: ['ab', 'ac'], b: ['bc'] });
    assert.match(String(ev('{ for s in ["a", "a"] : s => s }')), /duplicate key "a"/);
    assert.deepEqual(ev('[for v in toset(["b", "a", "b"]) : v]'), ['a', 'b'], 'a set of strings in lexical order');
  });

  test('splats, index and attribute access', () => {
    assert.deepEqual(ev('[{ a = 1 }, { a = 2 }][*].a'), [1, 2]);
    assert.deepEqual(ev('[{ a = { b = 1 } }].*.a.b'), [1]);
    assert.deepEqual(ev('null[*]'), []);
    assert.equal(ev('{ a = [10, 20] }.a[1]'), 20);
    assert.equal(ev('{ a = [10, 20] }["a"][0]'), 10);
    assert.match(String(ev('[1][3]')), /index 3 is out of range/);
  });

  test('functions as documented', () => {
    assert.deepEqual(ev('merge({ a = 1, b = 2 }, { b = 3 })'), { a: 1, b: 3 });
    assert.deepEqual(ev('concat([1], [2, 3])'), [1, 2, 3]);
    assert.deepEqual(ev('flatten([[1, [2]], [], 3])'), [1, 2, 3]);
    assert.equal(ev('lookup({ a = "x" }, "b", "d")'), 'd');
    assert.equal(ev('element(["a", "b"], 3)'), 'b');
    assert.deepEqual(ev('keys({ b = 1, a = 2 })'), ['a', 'b']);
    assert.deepEqual(ev('values({ b = 1, a = 2 })'), [2, 1]);
    assert.equal(ev('length("héllo")'), 5);
    assert.deepEqual(ev('distinct([1, 2, 1])'), [1, 2]);
    assert.deepEqual(ev('compact(["a", "", null, "b"])'), ['a', 'b']);
    assert.equal(ev('coalesce("", null, "x")'), 'x');
    assert.deepEqual(ev('coalescelist([], [1])'), [1]);
    assert.equal(ev('try({ a = 1 }.b, "fallback")'), 'fallback');
    assert.equal(ev('can(regex("^[0-9]+$", "12"))'), true);
    assert.equal(ev('can(regex("^[0-9]+$", "a"))'), false);
    assert.equal(ev('one([])'), null);
    assert.equal(ev('tonumber("42")'), 42);
    assert.equal(ev('tostring(42)'), '42');
    assert.equal(ev('format("%s:%05d", "p", 42)'), 'p:00042');
    assert.equal(ev('join(",", ["a", "b"])'), 'a,b');
    assert.deepEqual(ev('split(",", "a,,b")'), ['a', '', 'b']);
    assert.equal(ev('replace("a-b-c", "-", "_")'), 'a_b_c');
    assert.equal(ev('replace("a1b22", "/[0-9]+/", "#")'), 'a#b#');
    assert.equal(ev('trimspace("  x ")'), 'x');
    assert.equal(ev('substr("hello", 1, 3)'), 'ell');
    assert.deepEqual(ev('range(1, 7, 2)'), [1, 3, 5]);
    assert.deepEqual(ev('zipmap(["a", "b"], [1, 2])'), { a: 1, b: 2 });
    assert.deepEqual(ev('setunion(["a"], ["b", "a"])'), ['a', 'b']);
    assert.deepEqual(ev('setintersection(["a", "b"], ["b", "c"])'), ['b']);
    assert.equal(ev('anytrue([false, true])'), true);
    assert.equal(ev('alltrue([])'), true);
    assert.equal(ev('cidrsubnet("10.0.0.0/16", 8, 2)'), '10.0.2.0/24');
    assert.equal(ev('cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)'), 'fd00:fd12:3456:7800:a200::/72');
    assert.equal(ev('cidrhost("10.12.112.0/20", 268)'), '10.12.113.12');
    assert.equal(ev('cidrhost("10.0.0.0/24", -2)'), '10.0.0.254');
    assert.equal(ev('cidrnetmask("172.16.0.0/12")'), '255.240.0.0');
    assert.deepEqual(ev('cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)'), ['10.1.0.0/20', '10.1.16.0/20', '10.1.32.0/24', '10.1.48.0/20']);
    assert.equal(ev('jsonencode({ b = [1, "<x>"], a = null })'), '{"a":null,"b":[1,"\\u003cx\\u003e"]}');
    assert.deepEqual(ev('jsondecode("{\\"p\\": [80, 443]}")'), { p: [80, 443] });
    assert.deepEqual(ev('yamldecode("ports:\\n  - 80\\n  - 443\\n")'), { ports: [80, 443] });
    assert.equal(ev('base64decode(base64encode("héllo"))'), 'héllo');
    assert.equal(ev('base64encode("Hello World")'), 'SGVsbG8gV29ybGQ=');
    assert.equal(ev('min(3, 1, 2) + max(4, 5) + abs(-1)'), 7);
    assert.equal(ev('startswith("oci_core", "oci") && endswith("x.tf", ".tf")'), true);
    assert.deepEqual(ev('regex("^(\\\\d+)-(\\\\d+)$", "80-90")'), ['80', '90']);
    assert.deepEqual(ev('regex("(?P<min>\\\\d+)-(?P<max>\\\\d+)", "80-90")'), { min: '80', max: '90' });
    assert.deepEqual(ev('sort(["b", "a", "c"])'), ['a', 'b', 'c']);
    assert.deepEqual(ev('reverse([1, 2, 3])'), [3, 2, 1]);
    assert.deepEqual(ev('slice(["a", "b", "c", "d"], 1, 3)'), ['b', 'c']);
    assert.deepEqual(ev('chunklist([1, 2, 3], 2)'), [[1, 2], [3]]);
    assert.deepEqual(ev('transpose({ a = ["1", "2"], b = ["2"] })'), { 1: ['a'], 2: ['a', 'b'] });
    assert.deepEqual(ev('tolist(toset(["b", "a"]))'), ['a', 'b']);
    assert.deepEqual(ev('tomap({ a = 1 })'), { a: 1 });
    assert.equal(ev('tobool("true")'), true);
    assert.equal(ev('lower("AbC") == "abc" && upper("a") == "A"'), true);
  });

  test('file() and templatefile() read the workspace\'s files, relative to the root module', () => {
    const extra = { 'ports.json': '{"http": 80}', 'rule.tpl': 'allow ${port}%{ if open } open%{ endif }' };
    assert.deepEqual(plain(localOf('locals {\n  x = jsondecode(file("${path.module}/ports.json"))\n}\n', 'x', extra)), { http: 80 });
    assert.equal(plain(localOf('locals {\n  x = templatefile("rule.tpl", { port = 80, open = true })\n}\n', 'x', extra)), 'allow 80 open');
    assert.match(String(plain(localOf('locals {\n  x = file("missing.txt")\n}\n'))), /not in the workspace/);
  });

  test('unknowns keep their reason through operators, functions and collections', () => {
    const text = 'data "oci_core_services" "all" {}\nlocals {\n  x = "${lower(data.oci_core_services.all.services[0].cidr_block)}/x"\n  y = length([data.oci_core_services.all.id, 1])\n}\n';
    assert.equal(plain(localOf(text)), '(unknown: `data.oci_core_services.all` is a data source)');
    assert.equal(plain(localOf(text, 'y')), 2, 'the length of a list that holds an unknown is known');
    assert.match(String(ev('var.nope')), /no variable "nope"/);
    const vcn = 'resource "oci_core_vcn" "v" {\n  cidr_block = "10.0.0.0/16"\n}\nlocals {\n  x = oci_core_vcn.v.cidr_block\n  y = oci_core_vcn.v.default_security_list_id\n}\n';
    assert.equal(plain(localOf(vcn)), '10.0.0.0/16', 'a configured argument of another resource');
    assert.equal(plain(localOf(vcn, 'y')), '(unknown: `oci_core_vcn.v.default_security_list_id` is computed by the provider)');
  });

  test('values carry where they came from: a rule generated from a locals map entry can point at that entry', () => {
    const text = 'locals {\n  ports = {\n    http  = 80\n    https = 443\n  }\n  x = [for k, v in local.ports : v]\n}\n';
    const v = localOf(text);
    assert.equal(v.k, 'list');
    const items = v.k === 'list' ? v.items : [];
    assert.deepEqual(items.map((i) => [i.from?.path, i.from && text.slice(i.from.span.start, i.from.span.end)]), [['main.tf', '80'], ['main.tf', '443']]);
  });

  test('recursive locals are a cycle, named', () => {
    const text = 'locals {\n  a = local.b + 1\n  b = local.c\n  c = local.a\n}\n';
    assert.equal(plain(localOf(text, 'a')), '(unknown: cycle: local.a → local.b → local.c → local.a)');
  });

  test('bounded: huge ranges, big for products and deep nesting end unknown with a reason, quickly', () => {
    const t0 = Date.now();
    assert.match(String(ev('range(1000000000)')), /range\(\) would hold 1,000,000,000 elements, over the limit/);
    assert.match(String(ev('length([for a in range(1000) : [for b in range(1000) : [for c in range(1000) : a + b + c]]])')), /steps|over the limit/);
    const deep = `${'['.repeat(200)}1${']'.repeat(200)}`;
    assert.match(String(ev(deep)), /nested deeper than|could not be read/);
    const budget = new Budget(10_000);
    const many = 'locals {\n' + Array.from({ length: 50 }, (_, i) => `  l${i} = [for x in range(100) : [for y in range(100) : x * y]]\n`).join('') + '  x = [' + Array.from({ length: 50 }, (_, i) => `local.l${i}`).join(', ') + ']\n}\n';
    assert.match(String(plain(localOf(many, 'x', {}, budget))), /more than 10,000 steps/);
    // no absolute timing: only that all of this ended (a hang would time the test out)
    assert.ok(Date.now() >= t0);
  });
});
