import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { ready, workspace } from '../../support/workspace';
import { fixesFor } from '../../../server/src/engine/fixes';
import { readFirewalldXml } from '../../../server/src/engine/sources/firewalld-zone';
import { applied, applyTo, codesOf, findingOf, firewalldPython, only, parseRichRuleWithFirewalld, preferred, readZonesWithFirewalld, shellWords } from './helpers';

const ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <description>For use in public areas.</description>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <forward/>
</zone>
`;

function nodePortSvc(opts: { nodePort?: number | null; protocol?: string } = {}): string {
  const np = opts.nodePort === null ? '' : `\n      nodePort: ${opts.nodePort ?? 30080}`;
  return `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: NodePort
  ports:
    - name: http
      port: 80
      protocol: ${opts.protocol ?? 'TCP'}${np}
`;
}

const LB_LOCAL = `apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  healthCheckNodePort: 32000
  ports:
    - name: https
      port: 443
      nodePort: 30443
`;

suite('Fixes: firewalld zone', () => {
  suiteSetup(ready);

  test('adds <port port="N" protocol="tcp"/> beside the zone\'s other ports and services, in the zone that decides; the finding is gone', () => {
    const ws = workspace({ 'web.yaml': nodePortSvc(), 'infra/firewalld/zones/public.xml': ZONE });
    const action = preferred(ws, 'firewalld-port-closed');
    assert.equal(action.isPreferred, true);
    assert.match(action.title, /30080\/tcp.*"public"/);
    assert.deepEqual(action.edits.map((e) => e.path), ['infra/firewalld/zones/public.xml']);
    const after = applied(ws, action.edits).get('infra/firewalld/zones/public.xml')!;
    assert.equal(after, ZONE.replace('  <forward/>\n', '  <port port="30080" protocol="tcp"/>\n  <forward/>\n'));
    applyTo(ws, action.edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('UDP is written in lower case; a source-restricted requirement gets a rich rule', () => {
    const udp = workspace({ 'web.yaml': nodePortSvc({ nodePort: 30053, protocol: 'UDP' }), 'public.xml': ZONE });
    const a = preferred(udp, 'firewalld-port-closed');
    assert.match(applied(udp, a.edits).get('public.xml')!, /<port port="30053" protocol="udp"\/>/);

    const ws = workspace({ 'lb.yaml': LB_LOCAL, 'public.xml': ZONE, '.service-reach.yaml': 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n' });
    const findings = ws.analyze().findings.filter((f) => f.code === 'firewalld-port-closed');
    assert.equal(findings.length, 2);
    for (const f of findings) {
      const [fix] = fixesFor(ws, f);
      const text = applied(ws, fix.edits).get('public.xml')!;
      assert.match(text, /  <rule family="ipv4">\n    <source address="10\.0\.20\.0\/24"\/>\n    <port port="(32000|30443)" protocol="tcp"\/>\n    <accept\/>\n  <\/rule>\n<\/zone>/);
      assert.match(fix.title, /from 10\.0\.20\.0\/24/);
    }
    for (const f of findings) applyTo(ws, fixesFor(ws, ws.analyze().findings.find((g) => g.code === f.code && g.span.start === f.span.start)!)[0].edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('an IPv6 source gets family="ipv6"; 0.0.0.0/0 a plain port', () => {
    const v6 = workspace({ 'web.yaml': nodePortSvc(), 'public.xml': ZONE, '.service-reach.yaml': 'nodes:\n  clientCidrs: [2001:db8::/32]\n' });
    assert.match(applied(v6, preferred(v6, 'firewalld-port-closed').edits).get('public.xml')!, /<rule family="ipv6">\n    <source address="2001:db8::\/32"\/>/);
    const world = workspace({ 'web.yaml': nodePortSvc(), 'public.xml': ZONE, '.service-reach.yaml': 'nodes:\n  clientCidrs: [0.0.0.0/0]\n' });
    assert.match(applied(world, preferred(world, 'firewalld-port-closed').edits).get('public.xml')!, /  <service name="dhcpv6-client"\/>\n  <port port="30080" protocol="tcp"\/>\n  <forward\/>/);
  });

  test('one rule for exactly the required sources: a range inside 0.0.0.0/0 gets no rich rule of its own, and the label says what is added', () => {
    const ws = workspace({ 'web.yaml': nodePortSvc(), 'public.xml': ZONE, '.service-reach.yaml': 'nodes:\n  clientCidrs: [10.0.20.0/24, 0.0.0.0/0]\n' });
    const action = preferred(ws, 'firewalld-port-closed');
    assert.equal(action.title, 'Allow 30080/tcp in firewalld zone "public" (public.xml)');
    assert.equal(applied(ws, action.edits).get('public.xml'), ZONE.replace('  <forward/>\n', '  <port port="30080" protocol="tcp"/>\n  <forward/>\n'));
    // an IPv6 range is not inside 0.0.0.0/0: it keeps its rule, and the label names both sources
    const mixed = workspace({ 'web.yaml': nodePortSvc(), 'public.xml': ZONE, '.service-reach.yaml': 'nodes:\n  clientCidrs: [2001:db8::/32, 0.0.0.0/0]\n' });
    const both = preferred(mixed, 'firewalld-port-closed');
    assert.match(both.title, /^Allow 30080\/tcp from 2001:db8::\/32, 0\.0\.0\.0\/0 in/);
    const after = applied(mixed, both.edits).get('public.xml')!;
    assert.match(after, /<port port="30080" protocol="tcp"\/>\n  <forward\/>\n  <rule family="ipv6">/);
    applyTo(mixed, both.edits);
    assert.deepEqual(codesOf(mixed), []);
  });

  test('the zone that a <source> binding makes decide gets the rule, not the default zone', () => {
    const internal = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <source address="10.0.0.0/8"/>\n</zone>\n';
    const ws = workspace({
      'web.yaml': nodePortSvc(), 'zones/public.xml': ZONE, 'zones/internal.xml': internal,
      '.service-reach.yaml': 'nodes:\n  clientCidrs: [10.1.0.0/16]\n',
    });
    const a = preferred(ws, 'firewalld-port-closed');
    assert.deepEqual(a.edits.map((e) => e.path), ['zones/internal.xml']);
    applyTo(ws, a.edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('unpinned: every fix clears it in one step — pin to a port the zone allows, else pin and open that port; opening the range adds kube-nodeport-services (TCP) or a <port> range (UDP, custom range)', () => {
    const tcp = workspace({ 'web.yaml': nodePortSvc({ nodePort: null }), 'public.xml': ZONE });
    const actions = fixesFor(tcp, findingOf(tcp, 'nodeport-unpinned'));
    // the zone opens no node port: pinning alone would only turn this finding into firewalld-port-closed
    assert.equal(actions[0].title, 'Pin nodePort to 30000 (the lowest free port in 30000-32767), and allow 30000/tcp in firewalld zone "public" (public.xml)');
    assert.equal(actions[0].isPreferred, true);
    assert.deepEqual(actions[0].edits.map((e) => e.path).sort(), ['public.xml', 'web.yaml']);
    const both = workspace({ 'web.yaml': nodePortSvc({ nodePort: null }), 'public.xml': ZONE });
    applyTo(both, actions[0].edits);
    assert.deepEqual(codesOf(both), []);
    assert.ok(!actions.some((a) => a.edits.length && a.edits.every((e) => e.path === 'web.yaml')), 'no pin that cannot clear the finding');
    const open = actions.find((a) => /kube-nodeport-services/.test(a.title) && a.edits.length)!;
    assert.match(applied(tcp, open.edits).get('public.xml')!, /  <service name="dhcpv6-client"\/>\n  <service name="kube-nodeport-services"\/>\n  <forward\/>/);
    applyTo(tcp, open.edits);
    assert.deepEqual(codesOf(tcp), []);

    // a zone that opens a port of the range: pin to it, nothing else to edit
    const some = workspace({ 'web.yaml': nodePortSvc({ nodePort: null }), 'public.xml': ZONE.replace('  <forward/>\n', '  <port port="30500-30501" protocol="tcp"/>\n  <forward/>\n') });
    const pin = fixesFor(some, findingOf(some, 'nodeport-unpinned'))[0];
    assert.equal(pin.title, 'Pin nodePort to 30500 (a free port the rules already allow)');
    assert.deepEqual(pin.edits.map((e) => e.path), ['web.yaml']);
    applyTo(some, pin.edits);
    assert.deepEqual(codesOf(some), []);

    const udp = workspace({ 'web.yaml': nodePortSvc({ nodePort: null, protocol: 'UDP' }), 'public.xml': ZONE, '.service-reach.yaml': 'nodePortRange: 31000-31999\n' });
    const openUdp = fixesFor(udp, findingOf(udp, 'nodeport-unpinned')).find((a) => a.edits.length && a.edits.every((e) => e.path === 'public.xml'))!;
    assert.match(applied(udp, openUdp.edits).get('public.xml')!, /<port port="31000-31999" protocol="udp"\/>/);
    applyTo(udp, openUdp.edits);
    assert.deepEqual(codesOf(udp), []);
    const fresh = workspace({ 'web.yaml': nodePortSvc({ nodePort: null }), 'public.xml': ZONE });
    const copy = fixesFor(fresh, findingOf(fresh, 'nodeport-unpinned')).find((a) => a.copyText);
    assert.equal(copy?.copyText, 'firewall-cmd --permanent --zone=public --add-service=kube-nodeport-services\nfirewall-cmd --reload');
  });

  test('keeps the file\'s indentation and newline: tabs, CRLF, four spaces, an indented root', () => {
    const shapes: [string, string, string][] = [
      ['tabs + CRLF', '<zone>\r\n\t<service name="ssh"/>\r\n</zone>\r\n', '<zone>\r\n\t<service name="ssh"/>\r\n\t<port port="30080" protocol="tcp"/>\r\n</zone>\r\n'],
      ['four spaces', '<zone>\n    <service name="ssh"/>\n</zone>', '<zone>\n    <service name="ssh"/>\n    <port port="30080" protocol="tcp"/>\n</zone>'],
      ['indented root', '  <zone>\n    <short>x</short>\n  </zone>\n', '  <zone>\n    <short>x</short>\n    <port port="30080" protocol="tcp"/>\n  </zone>\n'],
      ['comment after the last child', '<zone>\n  <service name="ssh"/> <!-- ssh -->\n  <!-- end -->\n</zone>\n', '<zone>\n  <service name="ssh"/> <!-- ssh -->\n  <port port="30080" protocol="tcp"/>\n  <!-- end -->\n</zone>\n'],
    ];
    for (const [name, zone, expected] of shapes) {
      const ws = workspace({ 'web.yaml': nodePortSvc(), 'public.xml': zone });
      assert.equal(applied(ws, preferred(ws, 'firewalld-port-closed').edits).get('public.xml'), expected, name);
    }
  });

  test('a self-closing root, an empty root, and a root on one line (XmlInsertPoint.leadingNewline)', () => {
    const shapes: [string, string][] = [
      ['<?xml version="1.0"?>\n<zone/>\n', '<?xml version="1.0"?>\n<zone>\n  <port port="30080" protocol="tcp"/>\n</zone>\n'],
      ['<zone target="DROP" />', '<zone target="DROP">\n  <port port="30080" protocol="tcp"/>\n</zone>'],
      ['<zone>\n</zone>\n', '<zone>\n  <port port="30080" protocol="tcp"/>\n</zone>\n'],
      ['<zone></zone>', '<zone>\n  <port port="30080" protocol="tcp"/>\n</zone>'],
      ['<zone><service name="ssh"/></zone>', '<zone><service name="ssh"/>\n  <port port="30080" protocol="tcp"/>\n</zone>'],
    ];
    for (const [zone, expected] of shapes) {
      const ws = workspace({ 'web.yaml': nodePortSvc(), 'public.xml': zone });
      const a = preferred(ws, 'firewalld-port-closed');
      assert.equal(applied(ws, a.edits).get('public.xml'), expected, zone);
      applyTo(ws, a.edits);
      assert.deepEqual(codesOf(ws), [], zone);
    }
  });

  test('the copy action: firewall-cmd --permanent --zone=Z --add-port=N/tcp, then --reload; rich rules quoted', () => {
    const ws = workspace({ 'web.yaml': nodePortSvc(), 'zones/public.xml': ZONE });
    const actions = fixesFor(ws, findingOf(ws, 'firewalld-port-closed'));
    const copy = actions.find((a) => a.copyText !== undefined)!;
    assert.deepEqual(copy.edits, []);
    assert.ok(!copy.isPreferred);
    assert.match(copy.title, /not run/);
    assert.equal(copy.copyText, 'firewall-cmd --permanent --zone=public --add-port=30080/tcp\nfirewall-cmd --reload');

    const lb = workspace({ 'lb.yaml': LB_LOCAL, 'public.xml': ZONE, '.service-reach.yaml': 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n' });
    const hc = lb.analyze().findings.find((f) => f.code === 'firewalld-port-closed' && lb.getText('lb.yaml')!.slice(f.span.start, f.span.end) === '32000')!;
    const cmd = fixesFor(lb, hc).find((a) => a.copyText)!.copyText!;
    assert.equal(cmd, `firewall-cmd --permanent --zone=public --add-rich-rule='rule family="ipv4" source address="10.0.20.0/24" port port="32000" protocol="tcp" accept'\nfirewall-cmd --reload`);
  });

  test('firewalld\'s own reader accepts every fixed zone, with the new port, service or rich rule in it', function () {
    this.timeout(20000);
    const py = firewalldPython();
    if (!py) {
      console.log('      (skipped: no python3 with firewalld\'s modules; install the Debian package "firewalld")');
      this.skip();
    }
    const zones = [ZONE, '<zone/>', '<zone><service name="ssh"/></zone>', '<zone>\r\n\t<service name="ssh"/>\r\n</zone>\r\n', '<?xml version="1.0"?>\n<zone target="DROP">\n</zone>\n'];
    const files: { name: string; text: string }[] = [];
    for (const zone of zones) {
      const plain = workspace({ 'web.yaml': nodePortSvc(), 'public.xml': zone });
      files.push({ name: 'public', text: applied(plain, preferred(plain, 'firewalld-port-closed').edits).get('public.xml')! });
      const rich = workspace({ 'web.yaml': nodePortSvc(), 'public.xml': zone, '.service-reach.yaml': 'nodes:\n  clientCidrs: [203.0.113.0/24]\n' });
      files.push({ name: 'public', text: applied(rich, preferred(rich, 'firewalld-port-closed').edits).get('public.xml')! });
      const unpinned = workspace({ 'web.yaml': nodePortSvc({ nodePort: null }), 'public.xml': zone });
      const open = fixesFor(unpinned, findingOf(unpinned, 'nodeport-unpinned')).find((a) => a.edits.length && a.edits.every((e) => e.path === 'public.xml'))!;
      files.push({ name: 'public', text: applied(unpinned, open.edits).get('public.xml')! });
    }
    const read = readZonesWithFirewalld(py!, files);
    for (let i = 0; i < zones.length; i++) {
      const [z1, z2, z3] = read.slice(3 * i, 3 * i + 3);
      assert.ok(z1.ports.some(([p, proto]) => p === '30080' && proto === 'tcp'), JSON.stringify(z1));
      assert.ok(z2.rules.includes('rule family="ipv4" source address="203.0.113.0/24" port port="30080" protocol="tcp" accept'), JSON.stringify(z2));
      assert.ok(z3.services.includes('kube-nodeport-services'), JSON.stringify(z3));
    }
  });

  test('firewalld\'s rich-rule parser accepts the copied --add-rich-rule value, byte for byte', function () {
    this.timeout(20000);
    const py = firewalldPython();
    if (!py) {
      console.log('      (skipped: no python3 with firewalld\'s modules)');
      this.skip();
    }
    for (const cidr of ['10.0.20.0/24', '2001:db8::/32']) {
      const ws = workspace({ 'web.yaml': nodePortSvc(), 'public.xml': ZONE, '.service-reach.yaml': `nodes:\n  clientCidrs: ["${cidr}"]\n` });
      const copy = fixesFor(ws, findingOf(ws, 'firewalld-port-closed')).find((a) => a.copyText)!.copyText!;
      const calls = shellWords(copy, os.tmpdir());
      if (!calls) continue;
      const value = calls[0].find((w) => w.startsWith('--add-rich-rule='))!.slice('--add-rich-rule='.length);
      assert.equal(parseRichRuleWithFirewalld(py!, value), value);
    }
  });

  test('the fixed zone still reads as the same zone (nothing else changed)', () => {
    const ws = workspace({ 'web.yaml': nodePortSvc(), 'public.xml': ZONE });
    const text = applied(ws, preferred(ws, 'firewalld-port-closed').edits).get('public.xml')!;
    const before = readFirewalldXml('public.xml', ZONE).value!;
    const after = readFirewalldXml('public.xml', text).value!;
    assert.equal(after.kind, 'firewalld-zone');
    assert.equal(after.entries.length, (before.kind === 'firewalld-zone' ? before.entries.length : 0) + 1);
  });

  test('a rich rule that drops the port (a deny wins over any allow): a separate, not preferred action removes that rule, with its lines', () => {
    const zone = ZONE.replace('  <forward/>\n', '  <forward/>\n  <port port="30000-32767" protocol="tcp"/>\n  <rule family="ipv4">\n    <port port="30080" protocol="tcp"/>\n    <drop/>\n  </rule>\n');
    const ws = workspace({ 'web.yaml': nodePortSvc(), 'infra/firewalld/zones/public.xml': zone });
    const actions = fixesFor(ws, findingOf(ws, 'firewalld-port-closed'));
    assert.equal(actions.length, 1);
    const action = actions[0];
    assert.equal(action.isPreferred, undefined, 'removing a rule the user wrote is never preferred');
    assert.match(action.title, /^Remove the rule that drops 30080\/tcp: rich rule \(port 30080\/tcp, drop\)/);
    const after = applied(ws, action.edits).get('infra/firewalld/zones/public.xml')!;
    assert.equal(after, ZONE.replace('  <forward/>\n', '  <forward/>\n  <port port="30000-32767" protocol="tcp"/>\n'), 'the range already allows it: nothing is added');
    assert.equal(fixesFor(ws, findingOf(ws, 'firewalld-port-closed')).some((a) => a.copyText !== undefined), false, 'no command to copy');
    applyTo(ws, action.edits);
    assert.deepEqual(codesOf(ws), []);
  });

  test('a reject rule and no allow: the manual action removes the rule and adds the port; a drop of more than the port: no zone fix', () => {
    const reject = ZONE.replace('  <forward/>\n', '  <rule family="ipv4"><source address="0.0.0.0/0"/><port port="30080" protocol="tcp"/><reject/></rule>\n  <forward/>\n');
    const ws = workspace({ 'web.yaml': nodePortSvc(), 'infra/firewalld/zones/public.xml': reject });
    const action = only(fixesFor(ws, findingOf(ws, 'firewalld-port-closed')), 'action');
    assert.match(action.title, /^Remove the rule that rejects 30080\/tcp: .*, and allow 30080\/tcp/);
    assert.equal(action.isPreferred, undefined);
    const after = applied(ws, action.edits).get('infra/firewalld/zones/public.xml')!;
    assert.equal(after, ZONE.replace('  <forward/>\n', '  <port port="30080" protocol="tcp"/>\n  <forward/>\n'));
    applyTo(ws, action.edits);
    assert.deepEqual(codesOf(ws), []);

    // the user's policy drops every port from everywhere over IPv4: removing it would undo more than this port
    const wide = ZONE.replace('  <forward/>\n', '  <port port="30080" protocol="tcp"/>\n  <rule family="ipv4"><source address="0.0.0.0/0"/><drop/></rule>\n  <forward/>\n');
    const ws2 = workspace({ 'web.yaml': nodePortSvc(), 'infra/firewalld/zones/public.xml': wide });
    assert.deepEqual(fixesFor(ws2, findingOf(ws2, 'firewalld-port-closed')).filter((a) => a.edits.some((e) => e.path.endsWith('.xml'))), []);
  });
});
