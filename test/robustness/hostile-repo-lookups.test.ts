/**
 * Hostile repository content, part 1: the names of Object.prototype's members (`constructor`, `__proto__`,
 * `toString`, …) written where the engine looks a user's string up in a table — a rule's protocol (OCI JSON,
 * Terraform lists and NSG rules, firewalld zones, rich rules and service files), a zone's target and services, every
 * OCI annotation's value, the Service's own fields, the config's keys and values. Each must read as any other
 * invalid value does: no crash, the same findings (a plain-object table used to answer `constructor` with
 * Object's constructor and end the run: `p.protocol.toLowerCase is not a function`), no function text in a message
 * or a hover, and completion and hover still answer everywhere in the file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initEngine, LineIndex, Workspace } from '../../server/src/engine';
import { completionsAt, hoverAt } from '../../server/src/engine/features';
import { OCI_ANNOTATIONS } from '../../server/src/engine/oci/annotations';
import { main } from '../../server/src/cli/main';

/** Every own property name of Object.prototype, and `__proto__` (an accessor there, a key anywhere else). */
const PROTOTYPE_NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__'])];

/**
 * The control for a name: the same name with its first character changed, which no table holds, and which is as
 * (in)valid as the name is wherever the characters matter (a DNS label, a port name).
 */
function control(v: string): string {
  return `x${v.slice(1)}`;
}

const NODE_PORT_SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30080\n';
const OCI_WORKERS = 'provider: oci\nnodes:\n  securityLists: [workers.json, network.tf, nsg.tf]\n';

/** One place a user's string meets a table: the files of a workspace that put `v` there. */
type Case = (v: string) => Record<string, string>;

const CASES: Record<string, Case> = {
  'OCI JSON: a rule\'s protocol': (v) => ({
    'svc.yaml': NODE_PORT_SERVICE,
    '.service-reach.yaml': 'provider: oci\nnodes:\n  securityLists: [workers.json]\n',
    'workers.json': JSON.stringify({ 'display-name': 'workers', 'ingress-security-rules': [{ protocol: v, source: '0.0.0.0/0' }, { protocol: '17', source: '10.0.0.0/8' }] }, null, 2),
  }),
  'Terraform: a security list rule\'s protocol': (v) => ({
    'svc.yaml': NODE_PORT_SERVICE,
    '.service-reach.yaml': 'provider: oci\nnodes:\n  securityLists: [network.tf]\n',
    'network.tf': `resource "oci_core_security_list" "workers" {\n  display_name = "workers"\n  ingress_security_rules {\n    protocol = "${v}"\n    source   = "0.0.0.0/0"\n  }\n}\n`,
  }),
  'Terraform: an NSG rule\'s protocol': (v) => ({
    'svc.yaml': NODE_PORT_SERVICE,
    '.service-reach.yaml': OCI_WORKERS.replace('[workers.json, network.tf, nsg.tf]', '[nsg.tf]'),
    'nsg.tf': `resource "oci_core_network_security_group" "workers" {\n  display_name = "workers"\n}\n\nresource "oci_core_network_security_group_security_rule" "r" {\n  network_security_group_id = oci_core_network_security_group.workers.id\n  direction                 = "INGRESS"\n  protocol                  = "${v}"\n  source                    = "0.0.0.0/0"\n  source_type               = "CIDR_BLOCK"\n}\n`,
  }),
  'firewalld: a port\'s protocol, a protocol element, a rich rule\'s port': (v) => ({
    'svc.yaml': NODE_PORT_SERVICE,
    'etc/firewalld/zones/public.xml': `<zone>\n  <port port="30080" protocol="${v}"/>\n  <protocol value="${v}"/>\n  <rule family="ipv4"><source address="10.0.0.0/8"/><port port="30080" protocol="${v}"/><accept/></rule>\n</zone>\n`,
  }),
  'firewalld: a zone\'s target and the services it names': (v) => ({
    'svc.yaml': NODE_PORT_SERVICE,
    'etc/firewalld/zones/public.xml': `<zone target="${v}">\n  <service name="${v}"/>\n  <service name="mine"/>\n</zone>\n`,
    'etc/firewalld/services/mine.xml': `<service>\n  <port port="30080" protocol="${v}"/>\n  <protocol value="${v}"/>\n</service>\n`,
  }),
  'every OCI annotation\'s value': (v) => ({
    '.service-reach.yaml': 'provider: oci\n',
    'svc.yaml': OCI_ANNOTATIONS.map((a, i) => `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\n  annotations:\n`
      + (a.flavour === 'nlb' && a.key !== 'oci.oraclecloud.com/load-balancer-type' ? '    oci.oraclecloud.com/load-balancer-type: nlb\n' : '')
      + `    ${a.key}: "${v}"\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 53\n    protocol: UDP\n`).join(''),
  }),
  'the Service\'s own fields, keys, labels and selector': (v) => ({
    'svc.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    ${v}: x\n  ${v}: x\nspec:\n  ${v}: x\n  type: ${v}\n  externalTrafficPolicy: ${v}\n  sessionAffinity: ${v}\n  selector:\n    ${v}: x\n  ports:\n  - name: ${v}\n    port: 80\n    protocol: ${v}\n    targetPort: ${v}\n    ${v}: x\n`
      + `---\napiVersion: v1\nkind: ${v}\nmetadata:\n  name: other\n`,
    'deploy.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    metadata:\n      labels:\n        ${v}: x\n    spec:\n      containers:\n      - name: c\n        ports:\n        - name: ${v}\n          containerPort: 8080\n`,
  }),
  'the config\'s keys and values': (v) => ({
    'svc.yaml': NODE_PORT_SERVICE,
    '.service-reach.yaml': `${v}: 1\nprovider: ${v}\nnodes:\n  ${v}: 1\n  firewalld:\n    ${v}: 1\n    zones: [${v}.xml]\nloadBalancers:\n  ${v}: 1\n  securityLists: ["lists.json#${v}"]\n`,
    'lists.json': JSON.stringify({ 'display-name': 'lists', 'ingress-security-rules': [] }),
  }),
};

interface Outcome {
  /** `path:line code severity message`, the value in the message written `<v>`, sorted */
  findings: string[];
  ws: Workspace;
}

function analyse(files: Record<string, string>, v: string): Outcome {
  const ws = new Workspace();
  for (const [p, t] of Object.entries(files)) ws.setFile(p, t);
  const analysis = ws.analyze();
  const findings = analysis.findings.map((f) => {
    const line = new LineIndex(ws.getText(f.path)!).positionAt(f.span.start).line + 1;
    return `${f.path.split(v).join('<v>')}:${line} ${f.code} ${f.severity} ${f.message.split(v).join('<v>')}`;
  }).sort();
  return { findings, ws };
}

/** Text a lookup of a prototype member leaves behind when it is printed. */
const LEAKED = /\[native code\]|\[object Object\]|function [A-Za-z_]*\(/;

suite('robustness: hostile repository content — Object.prototype names in every lookup table', function () {
  this.timeout(120_000);
  suiteSetup(() => initEngine());

  test('the names tried are those of Object.prototype', () => {
    for (const n of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__']) assert.ok(PROTOTYPE_NAMES.includes(n), n);
  });

  for (const [name, make] of Object.entries(CASES)) {
    test(`${name}: the same findings as any other invalid value`, () => {
      for (const v of PROTOTYPE_NAMES) {
        const expected = analyse(make(control(v)), control(v));
        assert.ok(expected.findings.length > 0, 'the control finds something');
        let got: Outcome;
        try {
          got = analyse(make(v), v);
        } catch (err) {
          assert.fail(`"${v}": the analysis threw ${(err as Error).stack}`);
        }
        assert.deepEqual(got.findings, expected.findings, `"${v}"`);
        for (const f of got.findings) assert.doesNotMatch(f, LEAKED, `"${v}"`);
      }
    });

    test(`${name}: completion and hover answer everywhere in the files`, () => {
      for (const v of ['constructor', '__proto__', 'toString', 'valueOf']) {
        const { ws } = analyse(make(v), v);
        for (const p of ws.paths()) {
          const text = ws.getText(p)!;
          // the start of every word, and just after it (a value being typed)
          for (let at = 0; at <= text.length; at++) {
            if (at > 0 && /\w/.test(text[at - 1]) === /\w/.test(text[at] ?? ' ')) continue;
            let hover;
            try {
              completionsAt(ws, p, at);
              hover = hoverAt(ws, p, at);
            } catch (err) {
              assert.fail(`"${v}" in ${p} at ${at}: ${(err as Error).stack}`);
            }
            if (hover) assert.doesNotMatch(JSON.stringify(hover), LEAKED, `"${v}" in ${p} at ${at}`);
          }
        }
      }
    });
  }

  test('the network load balancer\'s mode "constructor" is an invalid mode like any other (it used to be read as a mode)', () => {
    const svc = (mode: string) => ({
      '.service-reach.yaml': 'provider: oci\nloadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n  securityLists: [lb.json]\nnodes:\n  securityLists: [workers.json]\n',
      'lb.json': JSON.stringify({ 'display-name': 'lb', 'ingress-security-rules': [] }),
      'workers.json': JSON.stringify({ 'display-name': 'workers', 'ingress-security-rules': [] }),
      'svc.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\n  annotations:\n    oci.oraclecloud.com/load-balancer-type: nlb\n    oci-network-load-balancer.oraclecloud.com/security-list-management-mode: ${mode}\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 53\n    protocol: UDP\n    nodePort: 30053\n`,
    });
    const hoverText = (v: string) => {
      const { findings, ws } = analyse(svc(v), v);
      const text = ws.getText('svc.yaml')!;
      const hover = hoverAt(ws, 'svc.yaml', text.indexOf('type: LoadBalancer'));
      assert.ok(hover);
      return { findings, hover: JSON.stringify(hover.contents).split(v).join('<v>') };
    };
    const expected = hoverText('xonstructor');
    // the invalid mode is an error the cloud controller refuses the Service for: no load balancer is built, so
    // nothing is said about UDP or about any layer
    assert.ok(expected.findings.some((f) => f.includes('oci-invalid-annotation')), expected.findings.join('\n'));
    assert.ok(!expected.findings.some((f) => f.includes('oci-udp-unsupported')), expected.findings.join('\n'));
    assert.equal(expected.findings.filter((f) => f.includes('-closed')).length, 0, expected.findings.join('\n'));
    const got = hoverText('constructor');
    assert.deepEqual(got.findings, expected.findings);
    assert.equal(got.hover, expected.hover);
    assert.doesNotMatch(got.hover, LEAKED);
  });

  test('config keys "constructor" and "toString" are unknown settings', () => {
    const { findings } = analyse({ '.service-reach.yaml': 'constructor: 1\ntoString: 2\nnodes:\n  valueOf: 3\n' }, 'x');
    assert.deepEqual(findings.map((f) => f.split(' ').slice(0, 2).join(' ')), [
      '.service-reach.yaml:1 config-invalid', '.service-reach.yaml:2 config-invalid', '.service-reach.yaml:4 config-invalid',
    ]);
  });

  test('the CLI: a rule whose protocol is "constructor" gives the findings, exit 1 (it was an internal error, exit 2)', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sr-hostile-')));
    try {
      const files = { ...CASES['OCI JSON: a rule\'s protocol']('constructor'), 'broken.yaml': NODE_PORT_SERVICE.replace('web', 'broken').replace('30080', '80') };
      for (const [p, t] of Object.entries(files)) fs.writeFileSync(path.join(root, p), t);
      let out = '';
      let err = '';
      const code = await main(['check', '--format', 'json', '.'], { cwd: root, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
      assert.equal(err, '');
      assert.equal(code, 1);
      const codes = (JSON.parse(out) as { findings: { file: string; code: string }[] }).findings.map((f) => `${f.file} ${f.code}`).sort();
      assert.ok(codes.includes('broken.yaml nodeport-out-of-range'), codes.join('\n'));
      assert.ok(codes.includes('svc.yaml security-list-port-closed'), codes.join('\n'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
