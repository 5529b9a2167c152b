/**
 * `rules-not-evaluated`: every rule of a layer the analysis uses whose protocol, ports, source or destination
 * could not be evaluated is said, once per place, naming what was unknown; the rule still counts as allowing.
 */
import * as assert from 'node:assert/strict';
import { checkRulesNotEvaluated, ruleCounts } from '../../../server/src/engine/checks/not-evaluated';
import type { Layers } from '../../../server/src/engine/checks/reachability';
import type { GuardSource } from '../../../server/src/engine/exposure/matcher';
import { unevaluatedOf } from '../../../server/src/engine/rules/not-evaluated';
import type { Rule } from '../../../server/src/engine/sources/model';
import { emptyInputs } from '../../../server/src/engine/sources/source-module';
import { findingsOf, keys, ready } from '../../support/workspace';

const NODE_PORT = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 30080
`;

function workersTf(source: string, extra = ''): string {
  return `variable "vcn_cidr" {
  default = "10.0.0.0/16"
}

resource "oci_core_security_list" "workers" {
  display_name = "workers"

  ingress_security_rules {
    protocol = "6"
    source   = ${source}
    tcp_options {
      min = 30000
      max = 32767
    }
  }
${extra}}
`;
}

function rule(over: Partial<Rule> = {}): Rule {
  return {
    action: 'allow', protocol: { kind: 'one', protocol: 'TCP' }, ports: { kind: 'ranges', ranges: [{ min: 30000, max: 32767 }] },
    source: { kind: 'any' }, span: { start: 10, end: 20 }, origin: 'a rule', ...over,
  };
}

function listLayers(rules: Rule[], egress: Rule[] = []): Layers {
  const source: GuardSource = { kind: 'oci-security-list', label: 'security list "workers"', path: 'net.tf', span: { start: 0, end: 100 }, rules, egress, key: 'w' };
  return { firewalld: null, nodeFirewall: null, workerLists: { sources: [source] }, lbLists: null };
}

suite('rules-not-evaluated', () => {
  suiteSetup(ready);

  test('a rule whose source is a data source: one information finding at the rule, saying why', () => {
    const f = findingsOf({ 'web.yaml': NODE_PORT, 'net.tf': workersTf('data.oci_core_services.all.services[0].cidr_block') }, 'rules-not-evaluated');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'info');
    assert.equal(f[0].path, 'net.tf');
    assert.match(f[0].message, /from data\.oci_core_services\.all\.services\[0\]\.cidr_block/);
    assert.match(f[0].message, /`data\.oci_core_services\.all` is a data source/);
    assert.match(f[0].message, /source unknown/);
    assert.match(f[0].message, /security list "workers"/);
    assert.deepEqual(keys({ 'web.yaml': NODE_PORT, 'net.tf': workersTf('data.oci_core_services.all.services[0].cidr_block') }), ['net.tf:8 rules-not-evaluated']);
  });

  test('near miss: a variable with a literal default is read, and nothing is said', () => {
    assert.deepEqual(findingsOf({ 'web.yaml': NODE_PORT, 'net.tf': workersTf('var.vcn_cidr') }, 'rules-not-evaluated'), []);
  });

  test('it does not change the verdict: the unknown rule still counts as allowing (no closed-port finding)', () => {
    assert.deepEqual(keys({ 'web.yaml': NODE_PORT, 'net.tf': workersTf('var.not_declared') }), ['net.tf:8 rules-not-evaluated']);
  });

  test('a rule of a list that guards nothing the analysis uses is not reported', () => {
    const files = {
      '.service-reach.yaml': 'nodes:\n  securityLists: [other.json]\n',
      'other.json': JSON.stringify({ 'display-name': 'other', 'ingress-security-rules': [{ protocol: 'all', source: '0.0.0.0/0' }] }),
      'web.yaml': NODE_PORT,
      'net.tf': workersTf('var.not_declared'),
    };
    assert.deepEqual(findingsOf(files, 'rules-not-evaluated'), []);
  });

  test('rules that share their `unevaluated.at` (a for_each line) make one finding, with every reason', () => {
    const at = { start: 5, end: 9 };
    const a = rule({ source: { kind: 'unknown', text: 'each.value.cidr' }, unevaluated: { reasons: ['`local.rules` is built from a data source'], at }, origin: 'rule a' });
    const b = rule({ span: { start: 30, end: 40 }, ports: { kind: 'unknown', text: 'each.value.port' }, unevaluated: { reasons: ['`var.ports` has no value'], at }, origin: 'rule b' });
    const c = rule({ span: { start: 50, end: 60 }, protocol: { kind: 'unknown', text: 'var.protocol' }, origin: 'rule c' });
    const known = rule({ span: { start: 70, end: 80 } });
    const findings = checkRulesNotEvaluated(listLayers([a, b, c, known]), emptyInputs());
    assert.equal(findings.length, 2);
    const [one, two] = findings;
    assert.deepEqual(one.span, at);
    assert.match(one.message, /^2 rules of security list "workers" could not be evaluated \(source, ports unknown\)/);
    assert.match(one.message, /`local\.rules` is built from a data source, `var\.ports` has no value/);
    assert.deepEqual(one.related.map((r) => r.message), ['rule a (security list "workers")', 'rule b (security list "workers")']);
    assert.deepEqual(two.span, c.span);
    assert.match(two.message, /`var\.protocol` could not be evaluated/);
    assert.deepEqual(ruleCounts(listLayers([a, b, c, known])), { read: 4, notEvaluated: 3 });
  });

  test('an egress rule names its destination', () => {
    const e = rule({ source: { kind: 'unknown', text: 'oci_core_subnet.workers.cidr_block' } });
    assert.deepEqual(unevaluatedOf(e, true)?.fields, ['destination']);
    const [f] = checkRulesNotEvaluated(listLayers([], [e]), emptyInputs());
    assert.match(f.message, /destination unknown/);
    assert.equal(unevaluatedOf(rule()), undefined);
  });

  test('a long expression is cut to fit in a message', () => {
    const long = `merge(${'local.a, '.repeat(200)}local.b)`;
    const [f] = checkRulesNotEvaluated(listLayers([rule({ source: { kind: 'unknown', text: long } })]), emptyInputs());
    assert.ok(f.message.length < 400, f.message);
  });
});
