import * as assert from 'node:assert/strict';
import { readFirewalldXml } from '../../../server/src/engine/sources/firewalld-zone';
import type { FirewalldServiceFile, FirewalldZoneFile, XmlInsertPoint } from '../../../server/src/engine/sources/model';
import { parseXml } from '../../../server/src/engine/parse/xml';
import { cpuMs } from '../../support/cpu-time';

/**
 * Written by firewalld 1.3.3 itself (firewall-offline-cmd, which uses the same zone writer as
 * `firewall-cmd --runtime-to-permanent`) after adding kube-worker, two ports, three rich rules and a source.
 */
const WRITTEN_BY_FIREWALLD = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <description>For use in public areas. You do not trust the other computers on networks to not harm your computer. Only selected incoming connections are accepted.</description>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <service name="kube-worker"/>
  <port port="10256" protocol="tcp"/>
  <port port="30000-32767" protocol="udp"/>
  <rule family="ipv4">
    <source address="10.0.20.0/24"/>
    <port port="30080" protocol="tcp"/>
    <accept/>
  </rule>
  <rule family="ipv4">
    <source address="192.168.0.0/16" invert="True"/>
    <port port="31000" protocol="tcp"/>
    <drop/>
  </rule>
  <rule family="ipv6">
    <source ipset="blocklist6"/>
    <reject/>
  </rule>
  <source address="10.0.99.0/24"/>
  <forward/>
</zone>
`;

function zone(path: string, text: string): FirewalldZoneFile {
  const r = readFirewalldXml(path, text);
  assert.ok(r.value, `no value; problems: ${JSON.stringify(r.problems)}`);
  assert.equal(r.value.kind, 'firewalld-zone');
  return r.value as FirewalldZoneFile;
}

function at(text: string, s: { start: number; end: number }): string {
  return text.slice(s.start, s.end);
}

/** Applies an insert point the way a fix is meant to. */
function insert(text: string, p: XmlInsertPoint, element: string, rootName = 'zone'): string {
  if (p.selfClosing) {
    const tag = at(text, p.rootTagSpan!);
    const open = tag.replace(/\s*\/>$/, '>');
    return text.slice(0, p.rootTagSpan!.start) + open + p.newline + p.indent + element + p.newline + `</${rootName}>` + text.slice(p.rootTagSpan!.end);
  }
  const add = (p.leadingNewline ? p.newline : '') + p.indent + element + p.newline;
  return text.slice(0, p.offset) + add + text.slice(p.offset);
}

suite('sources/firewalld-zone', () => {
  test('reads a zone file as firewalld writes it', () => {
    const path = 'etc/firewalld/zones/public.xml';
    const r = readFirewalldXml(path, WRITTEN_BY_FIREWALLD);
    assert.deepEqual(r.problems, []);
    const z = r.value as FirewalldZoneFile;
    assert.equal(z.kind, 'firewalld-zone');
    assert.equal(z.name, 'public');
    assert.equal(z.path, path);
    assert.equal(z.target, 'default');
    assert.equal(at(WRITTEN_BY_FIREWALLD, z.span), WRITTEN_BY_FIREWALLD.slice(WRITTEN_BY_FIREWALLD.indexOf('<zone>'), WRITTEN_BY_FIREWALLD.length - 1));
    assert.deepEqual(
      z.entries.map((e) => e.kind),
      ['service', 'service', 'service', 'port', 'port', 'rich', 'rich', 'rich'],
    );
    assert.deepEqual(
      z.entries.filter((e) => e.kind === 'service').map((e) => (e.kind === 'service' ? e.name : '')),
      ['ssh', 'dhcpv6-client', 'kube-worker'],
    );
    const [p1, p2] = z.entries.filter((e) => e.kind === 'port');
    assert.deepEqual(p1.kind === 'port' && { protocol: p1.protocol, range: p1.range }, { protocol: 'tcp', range: { min: 10256, max: 10256 } });
    assert.deepEqual(p2.kind === 'port' && { protocol: p2.protocol, range: p2.range }, { protocol: 'udp', range: { min: 30000, max: 32767 } });
    assert.equal(at(WRITTEN_BY_FIREWALLD, p1.span), '<port port="10256" protocol="tcp"/>');

    const rich = z.entries.filter((e) => e.kind === 'rich');
    assert.deepEqual(rich[0], {
      kind: 'rich',
      action: 'accept',
      family: 'ipv4',
      source: { address: '10.0.20.0/24', invert: false },
      match: { kind: 'port', protocol: 'tcp', range: { min: 30080, max: 30080 } },
      span: rich[0].span,
    });
    assert.ok(at(WRITTEN_BY_FIREWALLD, rich[0].span).startsWith('<rule family="ipv4">'));
    assert.ok(at(WRITTEN_BY_FIREWALLD, rich[0].span).endsWith('</rule>'));
    assert.equal(rich[1].kind === 'rich' && rich[1].action, 'drop');
    assert.deepEqual(rich[1].kind === 'rich' && rich[1].source, { address: '192.168.0.0/16', invert: true });
    assert.equal(rich[2].kind === 'rich' && rich[2].action, 'reject');
    assert.equal(rich[2].kind === 'rich' && rich[2].family, 'ipv6');
    assert.deepEqual(rich[2].kind === 'rich' && rich[2].source, { ipset: 'blocklist6', invert: false });
    assert.deepEqual(rich[2].kind === 'rich' && rich[2].match, { kind: 'none' });

    assert.equal(z.sourceBindings.length, 1);
    assert.equal(z.sourceBindings[0].address, '10.0.99.0/24');
    assert.equal(at(WRITTEN_BY_FIREWALLD, z.sourceBindings[0].span), '<source address="10.0.99.0/24"/>');
  });

  test('insert point: after the last child line, with its indentation, and the result still reads', () => {
    const z = zone('public.xml', WRITTEN_BY_FIREWALLD);
    assert.equal(z.insert.selfClosing, false);
    assert.equal(z.insert.indent, '  ');
    assert.equal(z.insert.newline, '\n');
    assert.equal(z.insert.offset, WRITTEN_BY_FIREWALLD.indexOf('</zone>'));
    const fixed = insert(WRITTEN_BY_FIREWALLD, z.insert, '<port port="30080" protocol="tcp"/>');
    assert.ok(fixed.includes('  <forward/>\n  <port port="30080" protocol="tcp"/>\n</zone>\n'));
    const again = zone('public.xml', fixed);
    assert.equal(again.entries.length, z.entries.length + 1);
  });

  test('insert point keeps CRLF and tab indentation', () => {
    const text = '<?xml version="1.0"?>\r\n<zone>\r\n\t<service name="ssh"/>\r\n</zone>\r\n';
    const z = zone('work.xml', text);
    assert.equal(z.insert.newline, '\r\n');
    assert.equal(z.insert.indent, '\t');
    const fixed = insert(text, z.insert, '<port port="1" protocol="tcp"/>');
    assert.equal(fixed, '<?xml version="1.0"?>\r\n<zone>\r\n\t<service name="ssh"/>\r\n\t<port port="1" protocol="tcp"/>\r\n</zone>\r\n');
  });

  test('insert point of a self-closing zone', () => {
    const text = '<?xml version="1.0" encoding="utf-8"?>\n<zone target="DROP"/>\n';
    const z = zone('drop.xml', text);
    assert.equal(z.target, 'DROP');
    assert.equal(z.insert.selfClosing, true);
    assert.equal(at(text, z.insert.rootTagSpan!), '<zone target="DROP"/>');
    assert.equal(z.insert.indent, '  ');
    const fixed = insert(text, z.insert, '<port port="1" protocol="tcp"/>');
    assert.equal(fixed, '<?xml version="1.0" encoding="utf-8"?>\n<zone target="DROP">\n  <port port="1" protocol="tcp"/>\n</zone>\n');
    assert.equal(zone('drop.xml', fixed).entries.length, 1);
  });

  test('insert point of a zone with no children, on one line or several', () => {
    const several = '<zone>\n</zone>\n';
    const a = zone('a.xml', several);
    assert.equal(a.insert.offset, several.indexOf('</zone>'));
    assert.equal(insert(several, a.insert, '<x/>'), '<zone>\n  <x/>\n</zone>\n');

    const one = '<zone></zone>';
    const b = zone('b.xml', one);
    assert.equal(b.insert.leadingNewline, true);
    assert.equal(insert(one, b.insert, '<x/>'), '<zone>\n  <x/>\n</zone>');

    const sameLine = '<zone><service name="ssh"/></zone>';
    const c = zone('c.xml', sameLine);
    assert.equal(insert(sameLine, c.insert, '<x/>'), '<zone><service name="ssh"/>\n  <x/>\n</zone>');
    for (const t of [insert(several, a.insert, '<x/>'), insert(one, b.insert, '<x/>'), insert(sameLine, c.insert, '<x/>')]) {
      assert.deepEqual(parseXml(t).problems, []);
    }
  });

  test('targets', () => {
    const t = (attr: string) => zone('z.xml', `<zone${attr}/>`).target;
    assert.equal(t(' target="ACCEPT"'), 'ACCEPT');
    assert.equal(t(' target="DROP"'), 'DROP');
    assert.equal(t(' target="%%REJECT%%"'), 'REJECT');
    assert.equal(t(' target="default"'), 'default');
    assert.equal(t(''), 'default');
  });

  test('zone name comes from the file name', () => {
    assert.equal(zone('/etc/firewalld/zones/k8s-nodes.xml', '<zone/>').name, 'k8s-nodes');
    assert.equal(zone('C:\\repo\\zones\\trusted.xml', '<zone/>').name, 'trusted');
  });

  test('rich rules: protocol, service, invert=yes, mark, other elements, no action', () => {
    const text = `<zone>
  <rule><protocol value="udp"/><accept/></rule>
  <rule family="ipv4"><source address="10.0.0.0/8" invert="yes"/><service name="http"/><accept/></rule>
  <rule><port port="80" protocol="tcp"/><mark set="1"/></rule>
  <rule><icmp-block name="echo-request"/><drop/></rule>
  <rule><forward-port port="80" protocol="tcp" to-port="8080"/></rule>
  <rule family="ipv4"><source mac="00:11:22:33:44:55"/><accept/></rule>
</zone>`;
    const z = zone('z.xml', text);
    const rich = z.entries.map((e) => (e.kind === 'rich' ? { action: e.action, match: e.match, source: e.source } : null));
    assert.deepEqual(rich, [
      { action: 'accept', match: { kind: 'protocol', value: 'udp' }, source: undefined },
      { action: 'accept', match: { kind: 'service', name: 'http' }, source: { address: '10.0.0.0/8', invert: true } },
      { action: 'mark', match: { kind: 'port', protocol: 'tcp', range: { min: 80, max: 80 } }, source: undefined },
      { action: 'drop', match: { kind: 'other', element: 'icmp-block' }, source: undefined },
      { action: 'none', match: { kind: 'other', element: 'forward-port' }, source: undefined },
      { action: 'accept', match: { kind: 'none' }, source: { mac: '00:11:22:33:44:55', invert: false } },
    ]);
  });

  test('a rich rule with two elements or a bad family is ignored, as firewalld does, with a problem', () => {
    const text = '<zone><rule><port port="80" protocol="tcp"/><service name="ssh"/><accept/></rule><rule family="ipv5"><accept/></rule></zone>';
    const r = readFirewalldXml('z.xml', text);
    const z = r.value as FirewalldZoneFile;
    assert.deepEqual(z.entries.map((e) => e.kind === 'rich' && e.action), ['none', 'none']);
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0].message, /only one element/);
    assert.equal(at(text, r.problems[0].span), '<service name="ssh"/>');
    assert.match(r.problems[1].message, /ipv4 or ipv6/);
    assert.equal(at(text, r.problems[1].span), 'ipv5');
  });

  test('bad ports are kept with a null range and reported', () => {
    const text = '<zone><port port="http" protocol="tcp"/><port port="70000" protocol="tcp"/><port port="32767-30000" protocol="tcp"/><port port="8080"/></zone>';
    const r = readFirewalldXml('z.xml', text);
    const z = r.value as FirewalldZoneFile;
    assert.deepEqual(
      z.entries.map((e) => e.kind === 'port' && e.range),
      [null, null, { min: 30000, max: 32767 }, { min: 8080, max: 8080 }],
    );
    assert.equal(r.problems.length, 3);
    assert.equal(at(text, r.problems[0].span), 'http');
    assert.match(r.problems[2].message, /protocol/);
  });

  test('not firewalld: other XML gives no value and no problems, even when broken', () => {
    const pom = '<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion></project>';
    assert.deepEqual(readFirewalldXml('pom.xml', pom), { value: null, problems: [] });
    assert.deepEqual(readFirewalldXml('res/layout.xml', '<LinearLayout><Button></LinearLayout>'), { value: null, problems: [] });
    assert.deepEqual(readFirewalldXml('notes.xml', 'just text'), { value: null, problems: [] });
  });

  test('broken firewalld files: problems when the root is zone/service, or the path says firewalld', () => {
    const broken = '<zone>\n  <port port="80" protocol="tcp">\n</zone>';
    const r = readFirewalldXml('zones/public.xml', broken);
    assert.ok(r.value);
    assert.ok(r.problems.length > 0);

    const garbage = 'this is not xml';
    assert.ok(readFirewalldXml('etc/firewalld/zones/public.xml', garbage).problems.length > 0);
    assert.equal(readFirewalldXml('etc/firewalld/zones/public.xml', garbage).value, null);
    assert.deepEqual(readFirewalldXml('config/public.xml', garbage).problems, []);
  });

  test('an entity-expansion zone is read quickly with a problem', () => {
    const decls = ['<!ENTITY a "aaaaaaaaaa">'];
    for (let i = 1; i <= 12; i++) decls.push(`<!ENTITY a${i} "${`&a${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const text = `<?xml version="1.0"?><!DOCTYPE zone [${decls.join('')}]><zone><short>&a12;</short><port port="22" protocol="tcp"/></zone>`;
    let r!: ReturnType<typeof readFirewalldXml>;
    assert.ok(cpuMs(() => { r = readFirewalldXml('zones/public.xml', text); }) < 1000);
    assert.ok(r.problems.some((p) => /DOCTYPE/.test(p.message)));
    const z = r.value as FirewalldZoneFile;
    assert.equal(z.entries.length, 1);
  });

  test('service files', () => {
    const text = `<?xml version="1.0" encoding="utf-8"?>
<service>
  <short>My NodePorts</short>
  <description>NodePorts of the shop</description>
  <port protocol="tcp" port="30080"/>
  <port protocol="udp" port="30000-30100"/>
  <port protocol="esp" port=""/>
  <protocol value="sctp"/>
  <include service="kubelet"/>
  <include service="kubelet"/>
</service>
`;
    const r = readFirewalldXml('/etc/firewalld/services/shop.xml', text);
    assert.deepEqual(r.problems, []);
    const s = r.value as FirewalldServiceFile;
    assert.equal(s.kind, 'firewalld-service');
    assert.equal(s.name, 'shop');
    assert.deepEqual(s.ports, [
      { protocol: 'tcp', range: { min: 30080, max: 30080 } },
      { protocol: 'udp', range: { min: 30000, max: 30100 } },
    ]);
    assert.deepEqual(s.protocols, ['esp', 'sctp']);
    assert.deepEqual(s.includes, ['kubelet']);
    assert.equal(at(text, s.span).slice(0, 9), '<service>');
  });
});
