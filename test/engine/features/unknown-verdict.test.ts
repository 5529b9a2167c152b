/**
 * Unknown shown as unknown: a hop that a layer allows only through a rule that could not be evaluated is unknown
 * (amber) in the requirement statuses, the hover, the inline chain (CodeLens) and the exposure diagram — never
 * allowed (green) — with the reason; a rule that was evaluated and allows it keeps the hop allowed.
 */
import * as assert from 'node:assert/strict';
import { chainLines, chainsInFile, hoverAt } from '../../../server/src/engine/features';
import { diagramOf } from '../../../server/src/engine/features/diagram';
import { requirementStatuses } from '../../../server/src/engine/features/status';
import { diagramToSvg } from '../../../server/src/render';
import { ready, workspace } from '../../support/workspace';

const SVC = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 30080
`;

/** A worker list whose node-port rule takes its source from a data source (read only at apply time). */
const UNKNOWN_TF = `resource "oci_core_security_list" "workers" {
  display_name = "workers"

  ingress_security_rules {
    description = "node ports"
    protocol    = "6"
    source      = data.oci_core_services.all.services[0].cidr_block
    tcp_options {
      min = 30000
      max = 32767
    }
  }
}
`;

/** The same list with a second, literal rule that allows the port on its own. */
const KNOWN_TOO_TF = UNKNOWN_TF.replace(/}\n$/, `
  ingress_security_rules {
    protocol = "6"
    source   = "0.0.0.0/0"
    tcp_options {
      min = 30080
      max = 30080
    }
  }
}
`);

function files(tf: string): Record<string, string> {
  return { 'web.yaml': SVC, 'net.tf': tf };
}

suite('Unknown shown as unknown (hover, CodeLens, diagram)', () => {
  suiteSetup(ready);

  test('the requirement is allowed (unknown is never wrong) but rests on the rule that could not be evaluated', () => {
    const a = workspace(files(UNKNOWN_TF)).analyze();
    const [st] = requirementStatuses(a, a.services[0]).filter((s) => s.requirement.layer === 'worker-lists');
    assert.equal(st.allowed, true);
    assert.equal(st.unevaluated.length, 1);
    assert.deepEqual(st.unevaluated[0].reasons, ['`data.oci_core_services.all` is a data source']);
    assert.ok(!a.findings.some((f) => f.code === 'security-list-port-closed'));
  });

  test('the diagram draws the hop into the nodes unknown (amber), not allowed (green), with the reason', async () => {
    const a = workspace(files(UNKNOWN_TF)).analyze();
    const m = diagramOf(a, a.services[0]);
    const e = m.edges.find((x) => x.hop === 'clients-to-nodes')!;
    assert.equal(e.status, 'unknown');
    const guard = e.guards.find((g) => g.layer === 'worker-lists')!;
    assert.equal(guard.status, 'unknown');
    assert.deepEqual(guard.unevaluated, ['`data.oci_core_services.all` is a data source']);
    assert.match(e.reason ?? '', /could not be evaluated/);
    const svg = await diagramToSvg(m);
    assert.match(svg, /class="sr-edge sr-status-unknown" data-edge-id="clients-to-nodes:0"/);
    assert.doesNotMatch(svg, /class="sr-edge sr-status-allowed" data-edge-id="clients-to-nodes:0"/);
    assert.match(svg, /\? security list &quot;workers&quot;: unknown,/);
    assert.match(svg, /<title>node port 30080\/TCP from any source: unknown&#10;a rule it rests on could not be evaluated: `data\.oci_core_services/);
  });

  test('the inline chain marks the hop ❔, and the hover says unknown and why', () => {
    const ws = workspace(files(UNKNOWN_TF));
    assert.deepEqual(chainsInFile(ws.analyze(), 'web.yaml').map(chainLines), [['nodes :30080/TCP ❔ → ClusterIP :80 → endpoints :80']]);
    const text = ws.getText('web.yaml')!;
    const h = hoverAt(ws, 'web.yaml', text.indexOf('30080'))?.contents ?? '';
    assert.match(h, /❔ unknown: a rule could not be evaluated/);
    assert.match(h, /❔ worker security lists \/ NSGs, clients → nodes: security list "workers" \(`net\.tf:1`\) may allow it/);
    assert.match(h.split('\n').slice(0, 8).join('\n'), /^❔ node port 30080\/TCP: security list "workers" \(`net\.tf:1`\) may allow it, through a rule that could not be evaluated/m, 'why, at the top');
    assert.match(h, /^ {6}- unknown: it rests on a rule that could not be evaluated/m);
    assert.match(h, /could not be evaluated/);
    assert.doesNotMatch(h, /✅ worker security lists/);
  });

  test('near miss: an evaluated rule that allows the port on its own keeps the hop allowed', () => {
    const ws = workspace(files(KNOWN_TOO_TF));
    const a = ws.analyze();
    const m = diagramOf(a, a.services[0]);
    assert.equal(m.edges.find((x) => x.hop === 'clients-to-nodes')!.status, 'allowed');
    assert.deepEqual(chainsInFile(a, 'web.yaml').map(chainLines), [['nodes :30080/TCP → ClusterIP :80 → endpoints :80']]);
    // (the rule that could not be evaluated is still said, once, at the rule)
    assert.deepEqual(a.findings.map((f) => f.code), ['rules-not-evaluated']);
  });

  test('a hop that is blocked stays blocked, whatever else could not be evaluated', () => {
    const udp = SVC.replace('    - port: 80\n', '    - port: 80\n      protocol: UDP\n');
    const a = workspace({ 'web.yaml': udp, 'net.tf': UNKNOWN_TF.replace('protocol    = "6"', 'protocol    = "6"') }).analyze();
    const m = diagramOf(a, a.services[0]);
    assert.equal(m.edges.find((x) => x.hop === 'clients-to-nodes')!.status, 'blocked');
  });
});
