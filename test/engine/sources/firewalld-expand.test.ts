import * as assert from 'node:assert/strict';
import { expandZone, type ServiceLookup } from '../../../server/src/engine/sources/firewalld-expand';
import { builtinService } from '../../../server/src/engine/sources/firewalld-builtin';
import { readFirewalldXml } from '../../../server/src/engine/sources/firewalld-zone';
import type { FirewalldServiceDef, FirewalldZoneFile, Rule } from '../../../server/src/engine/sources/model';

function zone(text: string): FirewalldZoneFile {
  const r = readFirewalldXml('zones/public.xml', text);
  assert.ok(r.value && r.value.kind === 'firewalld-zone', JSON.stringify(r.problems));
  return r.value;
}

/** The parts of a rule a test cares about. */
function brief(r: Rule): Omit<Rule, 'span'> {
  const { span: _span, ...rest } = r;
  return rest;
}

const none: ServiceLookup = () => undefined;

function lookupFrom(defs: FirewalldServiceDef[], fallback: ServiceLookup = none): ServiceLookup {
  const m = new Map(defs.map((d) => [d.name, d]));
  return (n) => m.get(n) ?? fallback(n);
}

suite('sources/firewalld-expand', () => {
  test('ports, protocols and built-in services allow from any source', () => {
    const text = `<zone>
  <service name="kube-worker"/>
  <port port="10256" protocol="tcp"/>
  <protocol value="udp"/>
  <protocol value="icmp"/>
</zone>`;
    const z = zone(text);
    const { rules, unknownServices } = expandZone(z, builtinService);
    assert.deepEqual(unknownServices, []);
    assert.deepEqual(rules.map(brief), [
      {
        action: 'allow',
        protocol: { kind: 'one', protocol: 'TCP' },
        ports: { kind: 'ranges', ranges: [{ min: 10250, max: 10250 }] },
        source: { kind: 'any' },
        origin: 'service "kube-worker" (includes "kubelet")',
      },
      {
        action: 'allow',
        protocol: { kind: 'one', protocol: 'TCP' },
        ports: { kind: 'ranges', ranges: [{ min: 30000, max: 32767 }] },
        source: { kind: 'any' },
        origin: 'service "kube-worker" (includes "kube-nodeport-services")',
      },
      {
        action: 'allow',
        protocol: { kind: 'one', protocol: 'TCP' },
        ports: { kind: 'ranges', ranges: [{ min: 10256, max: 10256 }] },
        source: { kind: 'any' },
        origin: '<port port="10256" protocol="tcp"/>',
      },
      { action: 'allow', protocol: { kind: 'one', protocol: 'UDP' }, ports: { kind: 'all' }, source: { kind: 'any' }, origin: '<protocol value="udp"/>' },
      { action: 'allow', protocol: { kind: 'other', text: 'icmp' }, ports: { kind: 'all' }, source: { kind: 'any' }, origin: '<protocol value="icmp"/>' },
    ]);
    // service rules point at the <service> element of the zone
    const svc = z.entries[0];
    assert.deepEqual(rules[0].span, svc.span);
    assert.deepEqual(rules[1].span, svc.span);
  });

  test('kube-nodeport-services is tcp 30000-32767 only', () => {
    const { rules } = expandZone(zone('<zone><service name="kube-nodeport-services"/></zone>'), builtinService);
    assert.equal(rules.length, 1);
    assert.deepEqual(rules[0].protocol, { kind: 'one', protocol: 'TCP' });
    assert.deepEqual(rules[0].ports, { kind: 'ranges', ranges: [{ min: 30000, max: 32767 }] });
    assert.equal(rules[0].origin, 'service "kube-nodeport-services"');
  });

  test('a workspace service overrides a built-in one; ports of one protocol are grouped', () => {
    const mine: FirewalldServiceDef = {
      name: 'http',
      ports: [
        { protocol: 'tcp', range: { min: 8080, max: 8080 } },
        { protocol: 'tcp', range: { min: 8443, max: 8443 } },
        { protocol: 'udp', range: { min: 8443, max: 8443 } },
      ],
      protocols: [],
      includes: [],
    };
    const { rules } = expandZone(zone('<zone><service name="http"/></zone>'), lookupFrom([mine], builtinService));
    assert.deepEqual(
      rules.map((r) => [r.protocol.kind === 'one' ? r.protocol.protocol : '?', r.ports.kind === 'ranges' ? r.ports.ranges : null]),
      [
        ['TCP', [{ min: 8080, max: 8080 }, { min: 8443, max: 8443 }]],
        ['UDP', [{ min: 8443, max: 8443 }]],
      ],
    );
  });

  test('include cycles end, and unknown services (direct or included) are returned', () => {
    const a: FirewalldServiceDef = { name: 'a', ports: [{ protocol: 'tcp', range: { min: 1, max: 1 } }], protocols: [], includes: ['b'] };
    const b: FirewalldServiceDef = { name: 'b', ports: [{ protocol: 'tcp', range: { min: 2, max: 2 } }], protocols: [], includes: ['a', 'b', 'ghost'] };
    const text = '<zone><service name="a"/><service name="nope"/></zone>';
    const z = zone(text);
    const { rules, unknownServices } = expandZone(z, lookupFrom([a, b]));
    assert.deepEqual(rules.map((r) => r.origin), ['service "a"', 'service "a" (includes "b")']);
    assert.deepEqual(unknownServices, [
      { name: 'ghost', span: z.entries[0].span, via: ['a', 'b'] },
      { name: 'nope', span: z.entries[1].span },
    ]);
    assert.equal(text.slice(unknownServices[1].span.start, unknownServices[1].span.end), '<service name="nope"/>');
  });

  test('rich rules: accept with source, drop with inverted source, reject from ipset, mark, icmp-block', () => {
    const text = `<zone>
  <rule family="ipv4">
    <source address="10.0.20.7/24"/>
    <port port="10256" protocol="tcp"/>
    <accept/>
  </rule>
  <rule family="ipv4">
    <source address="192.168.0.0/16" invert="True"/>
    <port port="31000-31010" protocol="tcp"/>
    <drop/>
  </rule>
  <rule family="ipv6">
    <source ipset="blocklist6"/>
    <reject/>
  </rule>
  <rule family="ipv6">
    <source address="2001:DB8::1"/>
    <accept/>
  </rule>
  <rule><port port="80" protocol="tcp"/><mark set="1"/></rule>
  <rule><icmp-block name="echo-request"/><drop/></rule>
  <rule><port port="81" protocol="tcp"/></rule>
</zone>`;
    const { rules } = expandZone(zone(text), none);
    assert.deepEqual(rules.map(brief), [
      {
        action: 'allow',
        protocol: { kind: 'one', protocol: 'TCP' },
        ports: { kind: 'ranges', ranges: [{ min: 10256, max: 10256 }] },
        source: { kind: 'cidr', cidr: '10.0.20.0/24' },
        family: 'ipv4',
        origin: 'rich rule (source 10.0.20.0/24, port 10256/tcp, accept)',
      },
      {
        action: 'deny',
        protocol: { kind: 'one', protocol: 'TCP' },
        ports: { kind: 'ranges', ranges: [{ min: 31000, max: 31010 }] },
        source: { kind: 'cidr', cidr: '192.168.0.0/16', invert: true },
        family: 'ipv4',
        origin: 'rich rule (source not 192.168.0.0/16, port 31000-31010/tcp, drop)',
      },
      {
        action: 'deny',
        protocol: { kind: 'all' },
        ports: { kind: 'all' },
        source: { kind: 'never', reason: 'ipset "blocklist6" cannot be evaluated' },
        family: 'ipv6',
        origin: 'rich rule (source ipset blocklist6, reject)',
      },
      {
        action: 'allow',
        protocol: { kind: 'all' },
        ports: { kind: 'all' },
        source: { kind: 'cidr', cidr: '2001:db8::1/128' },
        family: 'ipv6',
        origin: 'rich rule (source 2001:db8::1/128, accept)',
      },
    ]);
  });

  test('a rich rule with a service expands it with the rule source', () => {
    const text = '<zone><rule family="ipv4"><source address="10.0.0.0/255.0.0.0"/><service name="kube-nodeport-services"/><accept/></rule></zone>';
    const { rules } = expandZone(zone(text), builtinService);
    assert.equal(rules.length, 1);
    assert.deepEqual(rules[0].source, { kind: 'cidr', cidr: '10.0.0.0/8' });
    assert.deepEqual(rules[0].ports, { kind: 'ranges', ranges: [{ min: 30000, max: 32767 }] });
    assert.equal(rules[0].origin, 'rich rule (source 10.0.0.0/8, service "kube-nodeport-services", accept)');
    assert.equal(rules[0].family, 'ipv4');
  });

  test('target ACCEPT gives one allow-all rule spanning the zone', () => {
    const text = '<?xml version="1.0" encoding="utf-8"?>\n<zone target="ACCEPT">\n  <short>Trusted</short>\n  <forward/>\n</zone>\n';
    const z = zone(text);
    const { rules } = expandZone(z, builtinService);
    assert.equal(rules.length, 1);
    assert.deepEqual(brief(rules[0]), {
      action: 'allow',
      protocol: { kind: 'all' },
      ports: { kind: 'all' },
      source: { kind: 'any' },
      origin: 'zone target="ACCEPT"',
    });
    assert.deepEqual(rules[0].span, z.span);
    assert.ok(text.slice(rules[0].span.start, rules[0].span.end).startsWith('<zone target="ACCEPT">'));
    // DROP and REJECT targets allow nothing by themselves
    assert.deepEqual(expandZone(zone('<zone target="DROP"/>'), builtinService).rules, []);
    assert.deepEqual(expandZone(zone('<zone target="%%REJECT%%"/>'), builtinService).rules, []);
  });

  test('an invalid port or source never becomes an allow-everything rule', () => {
    const text = '<zone><port port="x" protocol="tcp"/><rule family="ipv4"><source address="not-an-ip"/><accept/></rule></zone>';
    const { rules } = expandZone(zone(text), none);
    assert.equal(rules.length, 1);
    assert.equal(rules[0].source.kind, 'never');
  });
});
