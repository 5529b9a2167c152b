import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeHclString, hclAttribute, initHcl, isHclReady, parseHcl } from '../../../server/src/engine/parse/hcl';
import { readHclGrammar } from '../../../server/src/host/hcl-grammar';
import { readTerraform, readTerraformSymbols } from '../../../server/src/engine/sources/terraform';
import type { Rule, TerraformFile, TerraformSymbols } from '../../../server/src/engine/sources/model';

function at(text: string, s: { start: number; end: number }): string {
  return text.slice(s.start, s.end);
}

function brief(r: Rule): Pick<Rule, 'protocol' | 'ports' | 'source'> {
  return { protocol: r.protocol, ports: r.ports, source: r.source };
}

/** An OKE-style network module, in two files as such modules are laid out. */
const VARIABLES_TF = `variable "vcn_cidr" {
  description = "The VCN's CIDR block"
  type        = string
  default     = "10.0.0.0/16"
}

variable "lb_subnet_cidr" {
  type    = string
  default = "10.0.20.0/24"
}

variable "allowed_rules" {
  type    = list(object({ port = number }))
  default = []
}

variable "compartment_id" {
  type = string
}
`;

const NETWORK_TF = `# Copyright (c) Example. Security rules for an OKE cluster.

locals {
  node_port_min  = 30000
  node_port_max  = 32767
  health_port    = "10256"
  tcp_protocol   = "6"
  udp_protocol   = "17"
  all_protocols  = "all"
  anywhere       = "0.0.0.0/0"
  lb_subnet      = var.lb_subnet_cidr
  workers_cidr   = cidrsubnet(var.vcn_cidr, 8, 10)
}

resource "oci_core_security_list" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.vcn.id
  display_name   = "workers"

  ingress_security_rules {
    description = "NodePorts from the load balancers"
    protocol    = local.tcp_protocol
    source      = local.lb_subnet
    stateless   = false

    tcp_options {
      min = local.node_port_min
      max = local.node_port_max
    }
  }

  ingress_security_rules {
    protocol  = local.tcp_protocol
    source    = var.lb_subnet_cidr
    tcp_options {
      min = local.health_port
      max = local.health_port
    }
  }

  ingress_security_rules {
    protocol = local.all_protocols
    source   = local.workers_cidr
  }

  ingress_security_rules {
    protocol    = "6"
    source      = "all-iad-services-in-oracle-services-network"
    source_type = "SERVICE_CIDR_BLOCK"
  }

  dynamic "ingress_security_rules" {
    for_each = var.allowed_rules
    iterator = rule
    content {
      protocol = "6"
      source   = local.anywhere
      tcp_options {
        min = rule.value.port
        max = rule.value.port
      }
    }
  }

  egress_security_rules {
    protocol    = "all"
    destination = local.anywhere
  }
}

resource "oci_core_security_list" "loadbalancers" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.vcn.id
  display_name   = "\${var.label_prefix}-lb"

  ingress_security_rules {
    protocol = "6"
    source   = "0.0.0.0/0"
    tcp_options {
      min = 443
      max = 443
      source_port_range {
        min = 1024
        max = 65535
      }
    }
  }
}

resource "oci_core_network_security_group" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.vcn.id
  display_name   = "workers"
}

resource "oci_core_network_security_group_security_rule" "workers_nodeports" {
  network_security_group_id = oci_core_network_security_group.workers.id
  direction                 = "INGRESS"
  protocol                  = local.tcp_protocol
  source                    = oci_core_network_security_group.lb.id
  source_type               = "NETWORK_SECURITY_GROUP"
  stateless                 = false

  tcp_options {
    destination_port_range {
      min = local.node_port_min
      max = local.node_port_max
    }
  }
}

resource "oci_core_network_security_group_security_rule" "workers_udp" {
  count                     = 2
  network_security_group_id = oci_core_network_security_group.workers.id
  direction                 = "INGRESS"
  protocol                  = local.udp_protocol
  source                    = "10.0.0.0/16"
  source_type               = "CIDR_BLOCK"
  description               = "UDP NodePorts"

  udp_options {
    destination_port_range {
      min = 30000
      max = 30100
    }
  }
}

resource "oci_core_network_security_group_security_rule" "workers_egress" {
  network_security_group_id = oci_core_network_security_group.workers.id
  direction                 = "EGRESS"
  protocol                  = "all"
  destination               = "0.0.0.0/0"
  destination_type          = "CIDR_BLOCK"
}

resource "oci_core_network_security_group_security_rule" "from_map" {
  for_each                  = local.all_rules
  network_security_group_id = each.value.nsg_id
  direction                 = each.value.direction
  protocol                  = each.value.protocol
  source                    = each.value.source
}
`;

function mergeSymbols(...all: TerraformSymbols[]): TerraformSymbols {
  const out: TerraformSymbols = { variables: new Map(), locals: new Map() };
  for (const s of all) {
    for (const [k, v] of s.variables) out.variables.set(k, v);
    for (const [k, v] of s.locals) out.locals.set(k, v);
  }
  return out;
}

function read(p: string, text: string, symbols?: TerraformSymbols): TerraformFile {
  const r = readTerraform(p, text, symbols);
  assert.deepEqual(r.problems, []);
  assert.ok(r.value);
  return r.value;
}

const HCL_MODULE = path.resolve(__dirname, '../../../server/src/engine/parse/hcl.js');
const TF_MODULE = path.resolve(__dirname, '../../../server/src/engine/sources/terraform.js');
const HOST_MODULE = path.resolve(__dirname, '../../../server/src/host/hcl-grammar.js');

suite('parse/hcl', () => {
  suiteSetup(async () => {
    await initHcl(readHclGrammar());
    assert.ok(isHclReady());
  });

  test('blocks, labels, braces, attributes and literal kinds with spans', () => {
    const text = 'resource "a_b" "c" {\n  s = "x\\"y"\n  n = 42\n  neg = -1\n  b = true\n  z = null\n  i = "pre-${var.x}"\n  t = var.name\n  idx = oci_core_network_security_group.w[0].id\n  f = max(1, 2)\n  nested {\n    k = "v"\n  }\n}\n';
    const { body, problems } = parseHcl(text);
    assert.deepEqual(problems, []);
    assert.equal(body.blocks.length, 1);
    const b = body.blocks[0];
    assert.equal(b.type, 'resource');
    assert.deepEqual(b.labels.map((l) => l.value), ['a_b', 'c']);
    assert.equal(at(text, b.labels[0].span), '"a_b"');
    assert.equal(text[b.openBrace], '{');
    assert.equal(b.closeBrace, text.lastIndexOf('}'));
    assert.equal(at(text, b.span), text.trimEnd());
    const kinds = Object.fromEntries(b.body.attributes.map((a) => [a.name, [a.expr.kind, a.expr.value]]));
    assert.deepEqual(kinds, {
      s: ['string', 'x"y'],
      n: ['number', 42],
      neg: ['number', -1],
      b: ['bool', true],
      z: ['null', null],
      i: ['expr', undefined],
      t: ['expr', undefined],
      idx: ['expr', undefined],
      f: ['expr', undefined],
    });
    assert.deepEqual(hclAttribute(b.body, 't')?.expr.traversal, ['var', 'name']);
    assert.deepEqual(hclAttribute(b.body, 'idx')?.expr.traversal, ['oci_core_network_security_group', 'w', '[0]', 'id']);
    assert.equal(hclAttribute(b.body, 'f')?.expr.traversal, undefined);
    assert.equal(at(text, hclAttribute(b.body, 'i')!.expr.span), '"pre-${var.x}"');
    assert.equal(at(text, hclAttribute(b.body, 'n')!.span), 'n = 42');
    assert.equal(at(text, hclAttribute(b.body, 'n')!.nameSpan), 'n');
    assert.equal(b.body.blocks[0].type, 'nested');
    assert.equal(at(text, b.bodySpan), text.slice(b.openBrace + 1, b.closeBrace!));
  });

  test('before (or after a failed) initHcl, parsing gives a problem instead of throwing', () => {
    // a fresh process: in this one the parser is already initialised
    const script = `
      const h = require(${JSON.stringify(HCL_MODULE)});
      const g = require(${JSON.stringify(HOST_MODULE)});
      const t = require(${JSON.stringify(TF_MODULE)});
      (async () => {
        const before = h.parseHcl('locals {}');
        await h.initHcl(g.readHclGrammar('/nonexistent/tree-sitter-hcl.wasm'));
        const after = h.parseHcl('locals {}');
        const tf = t.readTerraform('a.tf', 'resource "oci_core_security_list" "a" {}');
        const error = h.hclInitError();
        // bytes that are no grammar, and no grammar at all: never a throw, always a reason
        await h.initHcl({ ...g.readHclGrammar(), grammar: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1]) });
        const garbage = { ready: h.isHclReady(), error: h.hclInitError() };
        await h.initHcl(undefined);
        const none = { ready: h.isHclReady(), error: h.hclInitError(), problems: h.parseHcl('a = 1').problems };
        process.stdout.write(JSON.stringify({ before: before.problems, ready: h.isHclReady(), error, after: after.problems, tf, garbage, none }));
      })();`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    assert.equal(out.before.length, 1);
    assert.match(out.before[0].message, /not initialised/);
    assert.equal(out.ready, false);
    assert.match(out.error, /nonexistent/);
    assert.match(out.after[0].message, /not initialised: .*nonexistent/);
    assert.equal(out.tf.value, null);
    assert.match(out.tf.problems[0].message, /not initialised/);
    assert.equal(out.garbage.ready, false);
    assert.ok(out.garbage.error);
    assert.equal(out.none.ready, false);
    assert.match(out.none.error, /no grammar was given/);
    assert.match(out.none.problems[0].message, /not initialised: no grammar was given/);
  });

  test('the engine reads neither files nor process memory: the host hands it the grammar and a memory probe', () => {
    // a fresh process; after the host has read the grammar, every file read and memory look is recorded
    const script = `
      const fs = require('node:fs');
      const g = require(${JSON.stringify(HOST_MODULE)});
      const h = require(${JSON.stringify(HCL_MODULE)});
      const grammar = g.readHclGrammar();
      const seen = [];
      for (const name of ['readFileSync', 'readFile', 'openSync', 'open', 'existsSync', 'statSync', 'stat', 'createReadStream']) {
        const original = fs[name];
        fs[name] = function (...args) { seen.push(name + ' ' + String(args[0])); return original.apply(this, args); };
      }
      const readPromise = fs.promises.readFile;
      fs.promises.readFile = (...args) => { seen.push('promises.readFile ' + String(args[0])); return readPromise(...args); };
      const rss = process.memoryUsage.rss;
      process.memoryUsage.rss = () => { seen.push('process.memoryUsage.rss'); return rss(); };
      let probed = 0;
      let grown = 0;
      (async () => {
        await h.initHcl({ ...grammar, memory: () => { probed++; return (grown += 1024 * 1024); } });
        const small = h.parseHcl('a = 1');
        const big = h.parseHcl('a = [' + '1, '.repeat(200000) + ']\\n', { ...h.DEFAULT_HCL_LIMITS, maxMemoryGrowth: 32 * 1024 * 1024 });
        process.stdout.write(JSON.stringify({ ready: h.isHclReady(), error: h.hclInitError(), seen, probed, small: small.problems, big: big.problems }));
      })();`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    assert.equal(out.error, undefined);
    assert.equal(out.ready, true);
    assert.deepEqual(out.seen, []);
    assert.deepEqual(out.small, []);
    assert.ok(out.probed > 0);
    assert.equal(out.big.length, 1);
    assert.match(out.big[0].message, /needed more than 32 MB/);
    assert.equal(out.big[0].limit, true);
  });

  test('the host reads the grammar from the package, a .wasm path, or a folder that may hold the runtime too', () => {
    const pkgDir = path.dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json'));
    const packaged = readHclGrammar();
    assert.ok(!(packaged instanceof Error));
    const wasm = (b: Uint8Array) => Buffer.from(b.subarray(0, 4)).toString('latin1');
    assert.equal(wasm(packaged.grammar), '\0asm');
    assert.equal(wasm(packaged.runtime), '\0asm');
    assert.equal(typeof packaged.memory?.(), 'number');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-hcl-'));
    try {
      fs.copyFileSync(path.join(pkgDir, 'tree-sitter-hcl.wasm'), path.join(dir, 'tree-sitter-hcl.wasm'));
      const alone = readHclGrammar(dir);
      assert.ok(!(alone instanceof Error));
      assert.deepEqual(alone.grammar, packaged.grammar);
      assert.deepEqual(alone.runtime, packaged.runtime); // no runtime beside it: the package's
      fs.writeFileSync(path.join(dir, 'tree-sitter.wasm'), 'the bundled runtime');
      const bundled = readHclGrammar(dir);
      assert.ok(!(bundled instanceof Error));
      assert.equal(Buffer.from(bundled.runtime).toString(), 'the bundled runtime');
      const byPath = readHclGrammar(path.join(dir, 'tree-sitter-hcl.wasm'));
      assert.ok(!(byPath instanceof Error));
      assert.deepEqual(byPath.runtime, packaged.runtime);
      const missing = readHclGrammar(path.join(dir, 'missing'));
      assert.ok(missing instanceof Error);
      assert.match(missing.message, /missing/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('initHcl is idempotent and concurrent calls share one load', async () => {
    await Promise.all([initHcl(readHclGrammar()), initHcl(readHclGrammar()), initHcl(new Error('ignored once ready'))]);
    assert.ok(isHclReady());
    assert.deepEqual(parseHcl('a = 1').problems, []);
  });

  test('string escapes', () => {
    assert.equal(decodeHclString('a\\nb\\t\\\\\\u00e9 $${x} %%{y}'), 'a\nb\t\\é ${x} %{y}');
  });

  test('spans are UTF-16 offsets', () => {
    const text = '# 😀 ünïcödé\nlocals {\n  x = "é"\n}\n';
    const { body } = parseHcl(text);
    const x = body.blocks[0].body.attributes[0];
    assert.equal(at(text, x.span), 'x = "é"');
    assert.equal(x.expr.value, 'é');
  });

  test('errors become problems with spans; the good blocks are still read', () => {
    const text = 'resource "a" "good1" {\n  x = 1\n}\n\nresource "a" "bad" {\n  y = = 2\n}\n\nresource "a" "good2" {\n  w = 3\n}\n';
    const { body, problems } = parseHcl(text);
    assert.ok(problems.length > 0);
    for (const p of problems) assert.ok(p.span.start >= text.indexOf('"bad"') && p.span.end <= text.indexOf('resource "a" "good2"'), JSON.stringify(p));
    const names = body.blocks.map((b) => b.labels[1]?.value);
    assert.ok(names.includes('good1'));
    assert.ok(names.includes('good2'));
  });

  test('missing closing brace is reported', () => {
    const text = 'locals {\n  x = 1\n';
    const { body, problems } = parseHcl(text);
    assert.ok(problems.some((p) => /missing "}"/.test(p.message)));
    assert.equal(body.blocks[0].closeBrace, null);
  });
});

suite('sources/terraform', () => {
  suiteSetup(async () => {
    await initHcl(readHclGrammar(path.dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json'))));
  });

  test('symbols: literal variable defaults and locals, locals that name them', () => {
    const vars = readTerraformSymbols('variables.tf', VARIABLES_TF);
    assert.deepEqual([...vars.variables], [
      ['vcn_cidr', '10.0.0.0/16'],
      ['lb_subnet_cidr', '10.0.20.0/24'],
    ]);
    const net = readTerraformSymbols('network.tf', NETWORK_TF + '\nvariable "lb_subnet_cidr" {\n  default = "10.0.20.0/24"\n}\n');
    assert.equal(net.locals.get('node_port_min'), 30000);
    assert.equal(net.locals.get('health_port'), '10256');
    assert.equal(net.locals.get('lb_subnet'), '10.0.20.0/24');
    assert.equal(net.locals.has('workers_cidr'), false);
  });

  test('an OKE-style network module: security lists, NSG, NSG rules', () => {
    const symbols = mergeSymbols(readTerraformSymbols('variables.tf', VARIABLES_TF), readTerraformSymbols('network.tf', NETWORK_TF));
    const f = read('network.tf', NETWORK_TF, symbols);
    assert.equal(f.kind, 'terraform');
    assert.equal(f.newline, '\n');

    assert.deepEqual(f.securityLists.map((l) => l.name), ['workers', 'oci_core_security_list.loadbalancers']);
    const [workers, lbs] = f.securityLists;
    assert.equal(workers.displayName, 'workers');
    assert.equal(lbs.displayName, undefined);
    assert.deepEqual(workers.rules.map(brief), [
      { protocol: { kind: 'one', protocol: 'TCP' }, ports: { kind: 'ranges', ranges: [{ min: 30000, max: 32767 }] }, source: { kind: 'cidr', cidr: '10.0.20.0/24' } },
      { protocol: { kind: 'one', protocol: 'TCP' }, ports: { kind: 'ranges', ranges: [{ min: 10256, max: 10256 }] }, source: { kind: 'cidr', cidr: '10.0.20.0/24' } },
      // cidrsubnet(var.vcn_cidr, 8, 10), evaluated
      { protocol: { kind: 'all' }, ports: { kind: 'all' }, source: { kind: 'cidr', cidr: '10.0.10.0/24' } },
      {
        protocol: { kind: 'one', protocol: 'TCP' },
        ports: { kind: 'all' },
        source: { kind: 'never', reason: 'service CIDR label "all-iad-services-in-oracle-services-network" (SERVICE_CIDR_BLOCK)' },
      },
      // the dynamic block: its for_each (a list variable of another file) unknown, read once, its iterator unknown
      { protocol: { kind: 'one', protocol: 'TCP' }, ports: { kind: 'unknown', text: 'rule.value.port-rule.value.port' }, source: { kind: 'cidr', cidr: '0.0.0.0/0' } },
    ]);
    assert.equal(workers.rules[0].origin, 'ingress_security_rules "NodePorts from the load balancers" (tcp 30000-32767 from 10.0.20.0/24)');
    assert.equal(workers.rules[1].origin, 'ingress_security_rules #2 (tcp 10256 from 10.0.20.0/24)');
    assert.match(workers.rules[4].origin, /^dynamic "ingress_security_rules" #5 \(for_each = var.allowed_rules\)/);
    assert.ok(at(NETWORK_TF, workers.rules[0].span).startsWith('ingress_security_rules {'));
    assert.ok(at(NETWORK_TF, workers.rules[4].span).startsWith('dynamic "ingress_security_rules" {'));
    // tcp_options with a source_port_range: the flattened min/max are the destination ports
    assert.deepEqual(lbs.rules.map(brief), [
      { protocol: { kind: 'one', protocol: 'TCP' }, ports: { kind: 'ranges', ranges: [{ min: 443, max: 443 }] }, source: { kind: 'cidr', cidr: '0.0.0.0/0' } },
    ]);

    const tf = workers.terraform!;
    assert.equal(tf.address, 'oci_core_security_list.workers');
    assert.ok(at(NETWORK_TF, tf.blockSpan).startsWith('resource "oci_core_security_list" "workers" {'));
    assert.equal(NETWORK_TF[tf.bodyEnd], '}');
    assert.equal(tf.bodyEnd, tf.blockSpan.end - 1);
    assert.equal(tf.indent, '  ');
    assert.equal(tf.newline, '\n');
    assert.equal(workers.span, tf.blockSpan);

    assert.deepEqual(f.nsgs.map((n) => [n.address, n.displayName]), [['oci_core_network_security_group.workers', 'workers']]);

    // one rule per instance (`count = 2`); the for_each over an unknown map: read once
    assert.deepEqual(f.nsgRules.map((r) => r.terraform.address), [
      'oci_core_network_security_group_security_rule.workers_nodeports',
      'oci_core_network_security_group_security_rule.workers_udp[0]',
      'oci_core_network_security_group_security_rule.workers_udp[1]',
      'oci_core_network_security_group_security_rule.from_map[?]',
    ]);
    const [np, udp, , fromMap] = f.nsgRules;
    assert.equal(np.nsgExpr, 'oci_core_network_security_group.workers.id');
    assert.equal(np.nsgAddress, 'oci_core_network_security_group.workers');
    assert.deepEqual(brief(np.rule), {
      protocol: { kind: 'one', protocol: 'TCP' },
      ports: { kind: 'ranges', ranges: [{ min: 30000, max: 32767 }] },
      source: { kind: 'load-balancer', text: 'oci_core_network_security_group.lb.id' },
    });
    assert.equal(np.rule.origin, 'oci_core_network_security_group_security_rule.workers_nodeports (tcp 30000-32767 from oci_core_network_security_group.lb.id)');
    assert.deepEqual(brief(udp.rule), {
      protocol: { kind: 'one', protocol: 'UDP' },
      ports: { kind: 'ranges', ranges: [{ min: 30000, max: 30100 }] },
      source: { kind: 'cidr', cidr: '10.0.0.0/16' },
    });
    assert.match(udp.rule.origin, /"UDP NodePorts"/);
    // direction unknown: the rule is kept, but it cannot vouch for anything
    assert.equal(fromMap.nsgAddress, undefined);
    assert.deepEqual(brief(fromMap.rule), {
      protocol: { kind: 'unknown', text: 'each.value.protocol' },
      ports: { kind: 'all' },
      source: { kind: 'unknown', text: 'direction = each.value.direction' },
    });
  });

  test('on its own, a file evaluates its own locals; what needs a variable of another file is unknown, and says why', () => {
    const f = read('network.tf', NETWORK_TF);
    const r = f.securityLists[0].rules[0];
    assert.deepEqual(brief(r), {
      protocol: { kind: 'one', protocol: 'TCP' },
      ports: { kind: 'ranges', ranges: [{ min: 30000, max: 32767 }] },
      source: { kind: 'unknown', text: 'local.lb_subnet' },
    });
    assert.deepEqual(r.unevaluated?.reasons, ['`var.lb_subnet_cidr`: no variable "lb_subnet_cidr" is declared']);
    assert.equal(r.unevaluated?.at, r.span);
  });

  test('the destination_port_range trap, in both directions, is a problem', () => {
    const text = `resource "oci_core_security_list" "a" {
  ingress_security_rules {
    protocol = "6"
    source   = "0.0.0.0/0"
    tcp_options {
      destination_port_range {
        min = 80
        max = 80
      }
    }
  }
}

resource "oci_core_network_security_group_security_rule" "b" {
  network_security_group_id = oci_core_network_security_group.x.id
  direction = "INGRESS"
  protocol  = "6"
  source    = "0.0.0.0/0"
  tcp_options {
    min = 80
    max = 80
  }
}
`;
    const r = readTerraform('trap.tf', text);
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0].message, /directly in tcp_options/);
    assert.match(r.problems[1].message, /belong in tcp_options \{ destination_port_range/);
    assert.equal(r.value!.securityLists[0].rules[0].ports.kind, 'unknown');
    assert.equal(r.value!.nsgRules[0].rule.ports.kind, 'unknown');
  });

  test('tcp_options with only source_port_range open no destination port for clients; 1–65535 does not limit', () => {
    const ports = (options: string) => read('x.tf', `resource "oci_core_security_list" "x" {\n  ingress_security_rules {\n    protocol = "6"\n    source   = "0.0.0.0/0"\n    tcp_options {\n${options}    }\n  }\n}\n`).securityLists[0].rules[0].ports;
    assert.deepEqual(ports('      source_port_range {\n        min = 30080\n        max = 30080\n      }\n'), { kind: 'ranges', ranges: [] });
    assert.deepEqual(ports('      source_port_range {\n        min = 1\n        max = 65535\n      }\n'), { kind: 'all' });
    assert.deepEqual(ports('      min = 80\n      max = 80\n      source_port_range {\n        min = 1024\n        max = 2048\n      }\n'), { kind: 'ranges', ranges: [{ min: 80, max: 80 }] });
    assert.equal(ports('      source_port_range {\n        min = var.p\n        max = var.p\n      }\n').kind, 'unknown');
  });

  test('dynamic tcp_options makes the ports unknown; CRLF and tab indentation are kept', () => {
    const text = 'resource "oci_core_security_list" "x" {\r\n\tingress_security_rules {\r\n\t\tprotocol = "6"\r\n\t\tsource = "10.0.0.0/8"\r\n\t\tdynamic "tcp_options" {\r\n\t\t\tfor_each = var.p == -1 ? [] : [1]\r\n\t\t\tcontent {\r\n\t\t\t\tmin = var.p\r\n\t\t\t\tmax = var.p\r\n\t\t\t}\r\n\t\t}\r\n\t}\r\n}\r\n';
    const f = read('x.tf', text);
    assert.equal(f.newline, '\r\n');
    assert.equal(f.securityLists[0].terraform!.indent, '\t');
    assert.equal(f.securityLists[0].terraform!.newline, '\r\n');
    assert.deepEqual(f.securityLists[0].rules[0].ports, { kind: 'unknown', text: 'dynamic "tcp_options"' });
  });

  test('malformed HCL gives problems and still reads the good resources', () => {
    const text = `resource "oci_core_security_list" "good1" {
  ingress_security_rules {
    protocol = "6"
    source   = "10.0.0.0/16"
  }
}

resource "oci_core_security_list" "broken" {
  ingress_security_rules {
    protocol = "6"
    source   = "10.0.0.0/16"
  # the closing braces are missing

resource "oci_core_security_list" "good2" {
  ingress_security_rules {
    protocol = "17"
    source   = "10.0.0.0/16"
  }
}

resource "oci_core_security_list" "good3" {
  display_name = = "x"
}
`;
    const r = readTerraform('broken.tf', text);
    assert.ok(r.problems.length > 0);
    assert.ok(r.value);
    const names = r.value.securityLists.map((l) => l.terraform!.address);
    assert.ok(names.includes('oci_core_security_list.good1'), names.join());
    assert.ok(names.includes('oci_core_security_list.good2'), names.join());
    const good2 = r.value.securityLists.find((l) => l.terraform!.address === 'oci_core_security_list.good2')!;
    assert.deepEqual(good2.rules.map((x) => x.protocol), [{ kind: 'one', protocol: 'UDP' }]);
    assert.equal(text[good2.terraform!.bodyEnd], '}');
  });

  test('files without OCI resources: empty value, and their syntax errors are not ours', () => {
    const text = 'resource "aws_instance" "x" {\n  ami = = "a"\n}\n';
    const r = readTerraform('aws.tf', text);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.value && [r.value.securityLists, r.value.nsgRules, r.value.nsgs], [[], [], []]);
  });
});
