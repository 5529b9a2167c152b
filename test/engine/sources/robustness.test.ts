import * as assert from 'node:assert/strict';
import { initHcl } from '../../../server/src/engine/parse/hcl';
import { readHclGrammar } from '../../../server/src/host/hcl-grammar';
import { expandZone } from '../../../server/src/engine/sources/firewalld-expand';
import { builtinService } from '../../../server/src/engine/sources/firewalld-builtin';
import { readFirewalldConf } from '../../../server/src/engine/sources/firewalld-conf';
import { readFirewalldXml } from '../../../server/src/engine/sources/firewalld-zone';
import type { ParseProblem } from '../../../server/src/engine/parse/problem';
import { readOciSecurityListsJson } from '../../../server/src/engine/sources/oci-json';
import { readTerraform, readTerraformSymbols } from '../../../server/src/engine/sources/terraform';
import { cpuMs } from '../../support/cpu-time';

const ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone target="default">
  <short>Public</short>
  <service name="kube-worker"/>
  <port port="30000-32767" protocol="tcp"/>
  <rule family="ipv4">
    <source address="10.0.20.0/24" invert="True"/>
    <port port="10256" protocol="tcp"/>
    <accept/>
  </rule>
  <source address="10.0.99.0/24"/>
  <forward/>
</zone>
`;

const JSON_LIST = `{"data": [{"display-name": "w", "ingress-security-rules": [
  {"protocol": "6", "source": "10.0.0.0/16", "source-type": "CIDR_BLOCK",
   "tcp-options": {"destination-port-range": {"min": 30000, "max": 32767}, "source-port-range": null}},
  {"protocol": "all", "source": "0.0.0.0/0", "tcp-options": null, "udp-options": null}
]}]}`;

const TF = `locals {
  min = 30000
}
resource "oci_core_security_list" "w" {
  display_name = "w"
  ingress_security_rules {
    protocol = "6"
    source   = "10.0.0.0/16"
    tcp_options {
      min = local.min
      max = 32767
    }
  }
  dynamic "ingress_security_rules" {
    for_each = var.x
    content {
      protocol = "17"
      source   = ingress_security_rules.value
    }
  }
}
resource "oci_core_network_security_group_security_rule" "r" {
  network_security_group_id = oci_core_network_security_group.w.id
  direction = "INGRESS"
  protocol  = "6"
  source    = "10.0.0.0/16"
  tcp_options {
    destination_port_range {
      min = 443
      max = 443
    }
  }
}
`;

const CONF = 'DefaultZone=public\nStrictForwardPorts=yes\n# comment\n';

/** A small deterministic PRNG (mulberry32), so that a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOISE = ['<', '>', '/', '"', "'", '{', '}', '[', ']', '=', ',', ':', '&', ';', '\n', '\r\n', '\u0000', '😀', '${', '<!--', ']]>', '-', '0', ' '];

function mutate(text: string, random: () => number): string {
  let t = text;
  const steps = 1 + Math.floor(random() * 4);
  for (let i = 0; i < steps; i++) {
    const at = Math.floor(random() * (t.length + 1));
    const len = Math.floor(random() * 12);
    switch (Math.floor(random() * 4)) {
      case 0:
        t = t.slice(0, at) + t.slice(at + len);
        break;
      case 1:
        t = t.slice(0, at) + NOISE[Math.floor(random() * NOISE.length)] + t.slice(at);
        break;
      case 2:
        t = t.slice(0, at) + t.slice(at, at + len) + t.slice(at);
        break;
      default:
        t = t.slice(0, at);
        break;
    }
  }
  return t;
}

function checkSpans(text: string, problems: ParseProblem[], what: string): void {
  for (const p of problems) {
    assert.equal(typeof p.message, 'string', what);
    assert.ok(p.span.start >= 0 && p.span.start <= p.span.end && p.span.end <= text.length, `${what}: bad span ${JSON.stringify(p.span)} for ${JSON.stringify(text)}`);
  }
}

suite('sources: never throw on mangled input', () => {
  suiteSetup(() => initHcl(readHclGrammar()));

  test('the unmangled fixtures read without problems', () => {
    assert.deepEqual(readFirewalldXml('zones/public.xml', ZONE).problems, []);
    assert.deepEqual(readOciSecurityListsJson('w.json', JSON_LIST).problems, []);
    assert.deepEqual(readTerraform('w.tf', TF, readTerraformSymbols('w.tf', TF)).problems, []);
    assert.deepEqual(readFirewalldConf('firewalld.conf', CONF).problems, []);
  });

  test('400 mutations of each fixture', () => {
    const random = rng(20261126);
    for (let i = 0; i < 400; i++) {
      const zone = mutate(ZONE, random);
      const x = readFirewalldXml('zones/public.xml', zone);
      checkSpans(zone, x.problems, 'xml');
      if (x.value && x.value.kind === 'firewalld-zone') {
        expandZone(x.value, builtinService);
        const ins = x.value.insert;
        assert.ok(ins.offset >= 0 && ins.offset <= zone.length);
      }

      const json = mutate(JSON_LIST, random);
      const j = readOciSecurityListsJson('w.json', json);
      checkSpans(json, j.problems, 'json');

      const tf = mutate(TF, random);
      const t = readTerraform('w.tf', tf, readTerraformSymbols('w.tf', tf));
      checkSpans(tf, t.problems, 'hcl');
      for (const l of t.value?.securityLists ?? []) assert.ok(l.terraform!.bodyEnd <= tf.length);

      const conf = mutate(CONF, random);
      checkSpans(conf, readFirewalldConf('firewalld.conf', conf).problems, 'conf');
    }
  });

  test('large inputs are read in reasonable time', () => {
    const ports = Array.from({ length: 20_000 }, (_, i) => `  <port port="${1000 + i}" protocol="tcp"/>`).join('\n');
    const zone = `<zone>\n${ports}\n</zone>\n`;
    let z!: ReturnType<typeof readFirewalldXml>;
    const xmlMs = cpuMs(() => { z = readFirewalldXml('zones/big.xml', zone); });
    assert.equal(z.value?.kind === 'firewalld-zone' && z.value.entries.length, 20_000);
    assert.ok(xmlMs < 3000, `xml took ${xmlMs} ms CPU`);

    const rules = Array.from({ length: 5_000 }, (_, i) => `  ingress_security_rules {\n    protocol = "6"\n    source   = "10.0.${i % 256}.0/24"\n    tcp_options {\n      min = ${1000 + i}\n      max = ${1000 + i}\n    }\n  }`).join('\n');
    const tf = `resource "oci_core_security_list" "big" {\n${rules}\n}\n`;
    let t!: ReturnType<typeof readTerraform>;
    const hclMs = cpuMs(() => { t = readTerraform('big.tf', tf); });
    assert.equal(t.value?.securityLists[0].rules.length, 5_000);
    assert.ok(hclMs < 5000, `hcl took ${hclMs} ms CPU`);
  });
});
