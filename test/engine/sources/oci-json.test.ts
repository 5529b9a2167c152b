import * as assert from 'node:assert/strict';
import { applyJsonEdits, findProperty, jsonSpan, modifyJson, parseJson, propertyValue } from '../../../server/src/engine/parse/json';
import { readOciSecurityListsJson } from '../../../server/src/engine/sources/oci-json';
import type { OciSecurityList, Rule } from '../../../server/src/engine/sources/model';

function at(text: string, s: { start: number; end: number }): string {
  return text.slice(s.start, s.end);
}

function lists(path: string, text: string): OciSecurityList[] {
  const r = readOciSecurityListsJson(path, text);
  assert.deepEqual(r.problems, []);
  assert.ok(r.value);
  return r.value;
}

function brief(r: Rule): Pick<Rule, 'protocol' | 'ports' | 'source'> {
  return { protocol: r.protocol, ports: r.ports, source: r.source };
}

/** `oci network security-list get` output, with the nulls the CLI prints. */
const CLI_GET = `{
  "data": {
    "compartment-id": "ocid1.compartment.oc1..aaaa",
    "defined-tags": {},
    "display-name": "oke-workers",
    "egress-security-rules": [
      {
        "description": null,
        "destination": "0.0.0.0/0",
        "destination-type": "CIDR_BLOCK",
        "icmp-options": null,
        "is-stateless": false,
        "protocol": "all",
        "tcp-options": null,
        "udp-options": null
      }
    ],
    "freeform-tags": {},
    "id": "ocid1.securitylist.oc1.phx.aaaa",
    "ingress-security-rules": [
      {
        "description": "NodePorts from the LB subnet",
        "icmp-options": null,
        "is-stateless": false,
        "protocol": "6",
        "source": "10.0.20.0/24",
        "source-type": "CIDR_BLOCK",
        "tcp-options": {
          "destination-port-range": {
            "max": 32767,
            "min": 30000
          },
          "source-port-range": null
        },
        "udp-options": null
      },
      {
        "description": null,
        "icmp-options": {
          "code": 4,
          "type": 3
        },
        "is-stateless": false,
        "protocol": "1",
        "source": "0.0.0.0/0",
        "source-type": "CIDR_BLOCK",
        "tcp-options": null,
        "udp-options": null
      },
      {
        "description": null,
        "icmp-options": null,
        "is-stateless": true,
        "protocol": "17",
        "source": "10.0.0.0/16",
        "source-type": "CIDR_BLOCK",
        "tcp-options": null,
        "udp-options": {
          "destination-port-range": null,
          "source-port-range": {
            "max": 1024,
            "min": 1
          }
        }
      },
      {
        "description": "object storage",
        "icmp-options": null,
        "is-stateless": false,
        "protocol": "all",
        "source": "all-phx-services-in-oracle-services-network",
        "source-type": "SERVICE_CIDR_BLOCK",
        "tcp-options": null,
        "udp-options": null
      },
      {
        "description": null,
        "icmp-options": null,
        "is-stateless": false,
        "protocol": "132",
        "source": "2001:DB8::/32",
        "source-type": null,
        "tcp-options": null,
        "udp-options": null
      }
    ],
    "lifecycle-state": "AVAILABLE",
    "time-created": "2024-05-01T10:00:00.000000+00:00",
    "vcn-id": "ocid1.vcn.oc1.phx.aaaa"
  },
  "etag": "W/\\"1234\\""
}
`;

suite('parse/json', () => {
  test('tree with offsets, property lookup, and problems for broken JSON', () => {
    const text = '{"a": {"b": [1, 2]}, "a2": null}';
    const { root, problems } = parseJson(text);
    assert.deepEqual(problems, []);
    const b = propertyValue(propertyValue(root!, 'a'), 'b')!;
    assert.equal(at(text, jsonSpan(b)), '[1, 2]');
    assert.equal(at(text, jsonSpan(findProperty(root!, 'a2')!.key)), '"a2"');
    const broken = parseJson('{"a": [1, 2}');
    assert.ok(broken.problems.length > 0);
    assert.ok(broken.root);
    assert.ok(parseJson('// c\n{}').problems.some((p) => /comment/.test(p.message)));
    assert.deepEqual(parseJson('// c\n{}', { allowComments: true }).problems, []);
  });

  test('deep nesting does not throw', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const r = parseJson(deep);
    assert.ok(Array.isArray(r.problems));
  });

  test('modifyJson inserts into an array; unformatted, the rest stays byte-identical', () => {
    const text = '{\n  "rules": [\n    {"a": 1}\n  ],\n  "x": 1\n}\n';
    const formatted = applyJsonEdits(text, modifyJson(text, ['rules', 1], { b: 2 }, { isArrayInsertion: true }));
    assert.deepEqual(JSON.parse(formatted), { rules: [{ a: 1 }, { b: 2 }], x: 1 });
    const raw = applyJsonEdits(text, modifyJson(text, ['rules', 1], { b: 2 }, { isArrayInsertion: true, format: false }));
    assert.deepEqual(JSON.parse(raw), { rules: [{ a: 1 }, { b: 2 }], x: 1 });
    assert.ok(raw.startsWith('{\n  "rules": [\n    {"a": 1}'));
    assert.ok(raw.endsWith('\n  ],\n  "x": 1\n}\n'));
  });
});

suite('sources/oci-json', () => {
  test('CLI get output (kebab-case, nulls everywhere)', () => {
    const [l] = lists('oci/workers.json', CLI_GET);
    assert.equal(l.kind, 'oci-security-list');
    assert.equal(l.name, 'oke-workers');
    assert.equal(l.displayName, 'oke-workers');
    assert.equal(l.id, 'ocid1.securitylist.oc1.phx.aaaa');
    assert.deepEqual(l.json?.keyStyle, 'kebab');
    assert.deepEqual(l.json?.rulesPath, ['data', 'ingress-security-rules']);
    assert.ok(at(CLI_GET, l.json!.rulesSpan).startsWith('[\n      {\n        "description": "NodePorts'));
    assert.ok(at(CLI_GET, l.span).startsWith('{\n    "compartment-id"'));
    assert.deepEqual(l.rules.map(brief), [
      { protocol: { kind: 'one', protocol: 'TCP' }, ports: { kind: 'ranges', ranges: [{ min: 30000, max: 32767 }] }, source: { kind: 'cidr', cidr: '10.0.20.0/24' } },
      { protocol: { kind: 'other', text: '1' }, ports: { kind: 'all' }, source: { kind: 'cidr', cidr: '0.0.0.0/0' } },
      // udp-options with only a source-port-range (1–1024): packets from those ports only, never a client's connection
      { protocol: { kind: 'one', protocol: 'UDP' }, ports: { kind: 'ranges', ranges: [] }, source: { kind: 'cidr', cidr: '10.0.0.0/16' } },
      {
        protocol: { kind: 'all' },
        ports: { kind: 'all' },
        source: { kind: 'never', reason: 'service CIDR label "all-phx-services-in-oracle-services-network" (SERVICE_CIDR_BLOCK)' },
      },
      { protocol: { kind: 'one', protocol: 'SCTP' }, ports: { kind: 'all' }, source: { kind: 'cidr', cidr: '2001:db8::/32' } },
    ]);
    assert.equal(l.rules[0].origin, 'ingress rule "NodePorts from the LB subnet" (tcp 30000-32767 from 10.0.20.0/24)');
    assert.equal(l.rules[1].origin, 'ingress rule #2 (protocol 1 all ports from 0.0.0.0/0)');
    assert.ok(l.rules.every((r) => r.action === 'allow'));
    assert.ok(at(CLI_GET, l.rules[0].span).startsWith('{\n        "description": "NodePorts'));
  });

  test('CLI list output: several lists, paths with indices', () => {
    const text = JSON.stringify({
      data: [
        { 'display-name': 'a', 'ingress-security-rules': [{ protocol: '6', source: '0.0.0.0/0', 'tcp-options': { 'destination-port-range': { min: 443, max: 443 } } }] },
        { 'display-name': 'b', 'ingress-security-rules': [] },
        { 'display-name': 'not-a-list' },
      ],
    }, null, 2);
    const ls = lists('lists.json', text);
    assert.deepEqual(ls.map((l) => l.name), ['a', 'b']);
    assert.deepEqual(ls[0].json?.rulesPath, ['data', 0, 'ingress-security-rules']);
    assert.deepEqual(ls[1].json?.rulesPath, ['data', 1, 'ingress-security-rules']);
    assert.equal(at(text, ls[1].json!.rulesSpan), '[]');
    assert.deepEqual(ls[0].rules[0].ports, { kind: 'ranges', ranges: [{ min: 443, max: 443 }] });
  });

  test('camelCase bare object, and a top-level array', () => {
    const text = `{
  "displayName": "lb-subnet",
  "id": "ocid1.securitylist.oc1..bbbb",
  "ingressSecurityRules": [
    {"protocol": "6", "source": "0.0.0.0/0", "sourceType": "CIDR_BLOCK", "isStateless": false,
     "tcpOptions": {"destinationPortRange": {"min": 80, "max": 80}, "sourcePortRange": null}, "udpOptions": null, "icmpOptions": null, "description": null},
    {"protocol": "17", "source": "10.0.0.0/16", "udpOptions": {"destinationPortRange": {"min": 30000, "max": 32767}}}
  ]
}`;
    const [l] = lists('lb.json', text);
    assert.equal(l.json?.keyStyle, 'camel');
    assert.deepEqual(l.json?.rulesPath, ['ingressSecurityRules']);
    assert.deepEqual(l.rules.map(brief), [
      { protocol: { kind: 'one', protocol: 'TCP' }, ports: { kind: 'ranges', ranges: [{ min: 80, max: 80 }] }, source: { kind: 'cidr', cidr: '0.0.0.0/0' } },
      { protocol: { kind: 'one', protocol: 'UDP' }, ports: { kind: 'ranges', ranges: [{ min: 30000, max: 32767 }] }, source: { kind: 'cidr', cidr: '10.0.0.0/16' } },
    ]);
    const arr = lists('arr.json', `[${text}, {"ingress-security-rules": null, "id": "x"}]`);
    assert.equal(arr.length, 2);
    assert.deepEqual(arr[0].json?.rulesPath, [0, 'ingressSecurityRules']);
    assert.equal(arr[1].name, 'x');
    assert.deepEqual(arr[1].rules, []);
  });

  test('TCP rule without tcp-options allows every TCP port; options of another protocol are ignored', () => {
    const text = '{"ingress-security-rules": [{"protocol": "6", "source": "10.0.0.0/16", "tcp-options": null, "udp-options": {"destination-port-range": {"min": 53, "max": 53}}}]}';
    const [l] = lists('x.json', text);
    assert.deepEqual(l.rules[0].ports, { kind: 'all' });
    assert.equal(l.name, 'x.json list #1');
  });

  test('options that limit only the source port open no destination port for clients; 1–65535 or unknown do not limit', () => {
    const rule = (options: string) => lists('x.json', `{"ingress-security-rules": [{"protocol": "6", "source": "0.0.0.0/0", "tcp-options": ${options}}]}`)[0].rules[0].ports;
    assert.deepEqual(rule('{"destination-port-range": null, "source-port-range": {"min": 30080, "max": 30080}}'), { kind: 'ranges', ranges: [] });
    assert.deepEqual(rule('{"source-port-range": {"min": 1, "max": 65535}}'), { kind: 'all' });
    assert.deepEqual(rule('{"destination-port-range": {"min": 80, "max": 80}, "source-port-range": {"min": 1024, "max": 2048}}'), { kind: 'ranges', ranges: [{ min: 80, max: 80 }] });
    assert.equal(rule('{"source-port-range": {"min": "x", "max": 5}}').kind, 'unknown');
    assert.deepEqual(rule('{}'), { kind: 'all' });
  });

  test('not a security list: no value and no problems', () => {
    assert.deepEqual(readOciSecurityListsJson('package.json', '{"name": "x", "version": "1.0.0", "dependencies": {}}'), { value: null, problems: [] });
    const manifest = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}';
    assert.deepEqual(readOciSecurityListsJson('svc.json', manifest), { value: null, problems: [] });
    assert.deepEqual(readOciSecurityListsJson('tsconfig.json', '{\n  // comment\n  "compilerOptions": {},\n}'), { value: null, problems: [] });
    assert.deepEqual(readOciSecurityListsJson('broken.json', '{"name": '), { value: null, problems: [] });
    assert.deepEqual(readOciSecurityListsJson('data.json', '{"data": {"items": []}}'), { value: null, problems: [] });
  });

  test('broken security-list JSON: problems, and the rules that could be read', () => {
    const text = '{"data": {"display-name": "w", "ingress-security-rules": [\n  {"protocol": "6", "source": "10.0.0.0/16"},\n  {"protocol": "17" "source": "10.0.0.0/16"}\n]}';
    const r = readOciSecurityListsJson('w.json', text);
    assert.ok(r.problems.length > 0);
    assert.ok(r.problems.some((p) => /comma expected/.test(p.message)));
    assert.ok(r.value);
    assert.equal(r.value[0].rules[0].protocol.kind, 'one');

    const garbage = readOciSecurityListsJson('g.json', '"ingress-security-rules" :: [[[');
    assert.equal(garbage.value, null);
    assert.ok(garbage.problems.length > 0);
  });

  test('bad values are problems, never allow-all rules', () => {
    const text = '{"ingress-security-rules": [{"protocol": "6", "source": "10.0.0.0/33", "tcp-options": {"destination-port-range": {"min": 40000, "max": 30000}}}, {"source": "0.0.0.0/0"}]}';
    const r = readOciSecurityListsJson('bad.json', text);
    assert.ok(r.value);
    const [a, b] = r.value[0].rules;
    assert.equal(a.source.kind, 'never');
    assert.equal(a.ports.kind, 'unknown');
    assert.equal(b.protocol.kind, 'other');
    assert.deepEqual(
      r.problems.map((p) => p.message),
      ['destination port range needs min and max, 1–65535, with min ≤ max', '"10.0.0.0/33" is not a CIDR block', 'the ingress rule has no protocol'],
    );
  });
});
