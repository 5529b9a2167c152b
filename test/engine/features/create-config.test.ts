import * as assert from 'node:assert/strict';
import { ready, workspace } from '../../support/workspace';
import { readConfig } from '../../../server/src/engine/config/config';
import { configWouldHelp, createConfigText, newConfigPath } from '../../../server/src/engine/features/create-config';
import { corpusCases, loadCase } from '../diagram/corpus';
import type { Finding } from '../../../server/src/engine';

const key = (f: Finding) => `${f.path}:${f.span.start}:${f.code}:${f.severity}:${f.message}`;

const LIST = (name: string) => `resource "oci_core_security_list" "${name}" {
  vcn_id = "x"
  display_name = "${name}"
  ingress_security_rules {
    protocol = "6"
    source   = "0.0.0.0/0"
    tcp_options {
      min = 22
      max = 22
    }
  }
}
`;

const SVC = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  ports:
    - port: 80
      nodePort: 30080
`;

const ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';

suite('Create .service-reach.yaml', () => {
  suiteSetup(ready);

  test('what the analysis found, each line explained, the guesses said to be guesses', () => {
    const files = {
      'k8s/web.yaml': SVC, 'net/network.tf': LIST('workers') + LIST('lb'), 'etc/firewalld/zones/public.xml': ZONE,
      'charts/shop/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 1.0.0\n', 'charts/shop/templates/svc.yaml': 'kind: Service\n',
    };
    const ws = workspace(files);
    const analysis = ws.analyze();
    assert.ok(configWouldHelp(analysis), 'lists taken to guard the workers without a config: a guess');
    assert.equal(newConfigPath(ws.paths()), '.service-reach.yaml');
    const text = createConfigText(analysis, ws.paths());
    assert.match(text, /^# Service Reach configuration, written from what it found/);
    assert.match(text, /check every line against your\n# cluster/);
    assert.match(text, /^nodePortRange: 30000-32767$/m);
    assert.match(text, /^provider: oci$/m);
    assert.match(text, /^ {4}zones:\n {6}- "etc\/firewalld\/zones\/public.xml"$/m);
    assert.match(text, /every list and NSG found was\n {2}# taken to guard them: remove those that do not/);
    assert.match(text, /^ {4}- "net\/network.tf#oci_core_security_list.workers" {3}# security list "workers"$/m);
    assert.match(text, /^ {4}- "net\/network.tf#oci_core_security_list.lb" {3}# security list "lb"$/m);
    assert.match(text, /^ {2}# subnetCidrs: \["10.0.20.0\/24"\]$/m, 'the LB subnet unknown: an example, commented');
    assert.match(text, /^#   - "charts\/shop\/templates\/\*\*"$/m, 'chart templates to exclude, commented');
    assert.deepEqual(readConfig('.service-reach.yaml', text).findings, [], 'our config reader takes it as it is');
    ws.setFile('.service-reach.yaml', text);
    const after = ws.analyze();
    assert.deepEqual(after.findings.map(key), analysis.findings.map(key), 'the same findings with it');
    assert.ok(!configWouldHelp(after));
    assert.equal(newConfigPath(ws.paths()), undefined, 'never over a config that exists');
  });

  test('StrictForwardPorts read from firewalld.conf stays where it was read: the findings say the same', () => {
    const ws = workspace({ 'k8s/web.yaml': SVC.replace('LoadBalancer', 'NodePort'), 'etc/firewalld/zones/public.xml': ZONE, 'etc/firewalld/firewalld.conf': 'DefaultZone=public\nStrictForwardPorts=yes\n' });
    const analysis = ws.analyze();
    assert.ok(analysis.findings.some((f) => /StrictForwardPorts is on \(etc\/firewalld\/firewalld.conf\)/.test(f.message)), analysis.findings.map((f) => f.message).join('\n'));
    const text = createConfigText(analysis, ws.paths());
    assert.match(text, /^ {4}# StrictForwardPorts is on: as etc\/firewalld\/firewalld.conf says\. To set it here:\n {4}# strictForwardPorts: true$/m);
    ws.setFile('.service-reach.yaml', text);
    assert.deepEqual(ws.analyze().findings.map(key), analysis.findings.map(key));
  });

  test('a workspace without OCI: generic, no loadBalancers section; nothing guessed', () => {
    const ws = workspace({ 'k8s/web.yaml': SVC.replace('LoadBalancer', 'NodePort'), 'etc/firewalld/zones/public.xml': ZONE });
    const analysis = ws.analyze();
    assert.equal(configWouldHelp(analysis), false);
    const text = createConfigText(analysis, ws.paths());
    assert.match(text, /^provider: generic$/m);
    assert.doesNotMatch(text, /loadBalancers/);
    assert.deepEqual(readConfig('.service-reach.yaml', text).findings, []);
  });

  test('on the conformance cases: it reads without problems and the findings stay the same', () => {
    let n = 0;
    for (const name of corpusCases()) {
      const { ws, analysis } = loadCase(name);
      if (analysis.config.path) continue;
      const text = createConfigText(analysis, ws.paths());
      assert.deepEqual(readConfig('.service-reach.yaml', text).findings.map((f) => f.message), [], `${name}:\n${text}`);
      ws.setFile('.service-reach.yaml', text);
      assert.deepEqual(ws.analyze().findings.map(key), analysis.findings.map(key), `${name}:\n${text}`);
      n++;
    }
    assert.ok(n >= 20, `only ${n} cases`);
  });
});
