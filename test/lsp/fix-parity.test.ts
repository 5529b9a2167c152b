/**
 * One fix engine: `service-reach check --fix` (the CLI, in-process, on one copy of a workspace) and the language
 * server's "fix all in this file" (over stdio, `source.fixAll`, its WorkspaceEdit applied file after file to a
 * second copy) must leave the same files. Each workspace holds every fixable finding in its manifests, so the
 * CLI's whole-workspace run and the server's per-file runs cover the same findings; several need more than one
 * pass (a port pinned, then opened).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from '../../server/src/engine';
import { main } from '../../server/src/cli/main';
import { URI } from 'vscode-uri';
import { LspClient, scratchWorkspace, uriOf, writeFile } from './support/lsp-client';

interface LspTextEdit { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }
interface Action { title: string; kind?: string; edit?: { changes?: Record<string, LspTextEdit[]> } }

const ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <short>Public</short>\n  <service name="ssh"/>\n</zone>\n';

const svc = (name: string, spec: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n${spec}`;

/** A LoadBalancer in mode None: the worker lists must admit the LB subnet on its node port and health check. */
const GRAFANA = `apiVersion: v1
kind: Service
metadata:
  name: grafana
  namespace: monitoring
  annotations:
    oci.oraclecloud.com/load-balancer-type: nlb
    oci-network-load-balancer.oraclecloud.com/security-list-management-mode: None
spec:
  type: LoadBalancer
  ports:
    - name: http
      port: 80
      nodePort: 31300
    - name: https
      port: 443
`;

const OCI_CONFIG = 'loadBalancers:\n  subnetCidrs: [10.0.20.0/24]\n';

const TERRAFORM = `resource "oci_core_security_list" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.main.id
  display_name   = "workers"

  ingress_security_rules {
    description = "kube-proxy health check"
    protocol    = "6"
    source      = var.lb_subnet
    tcp_options {
      min = 10256
      max = 10256
    }
  }
}
`;

const VARIABLES = 'variable "lb_subnet" {\n  default = "10.0.20.0/24"\n}\n\nvariable "compartment_id" {}\n';

const JSON_LIST = JSON.stringify({
  data: {
    'display-name': 'workers',
    id: 'ocid1.securitylist.oc1.phx.aaaa',
    'ingress-security-rules': [{ description: 'health', protocol: '6', source: '10.0.20.0/24', 'source-type': 'CIDR_BLOCK', 'tcp-options': { 'destination-port-range': { max: 10256, min: 10256 } } }],
  },
  etag: 'x',
}, null, 2) + '\n';

const WORKSPACES: { name: string; files: Record<string, string>; manifests: string[] }[] = [
  {
    name: 'a firewalld zone missing a port',
    files: { 'svc.yaml': svc('web', '  type: NodePort\n  ports:\n    - name: http\n      port: 80\n      nodePort: 30080\n'), 'zones/public.xml': ZONE },
    manifests: ['svc.yaml'],
  },
  {
    name: 'a Terraform security list (its rules read with the folder\'s variables), one port unpinned',
    files: { 'svc.yaml': GRAFANA, 'infra/network.tf': TERRAFORM, 'infra/variables.tf': VARIABLES, '.service-reach.yaml': OCI_CONFIG },
    manifests: ['svc.yaml'],
  },
  {
    name: 'an OCI JSON security list, one port unpinned',
    files: { 'svc.yaml': GRAFANA, 'oci/workers.json': JSON_LIST, '.service-reach.yaml': OCI_CONFIG },
    manifests: ['svc.yaml'],
  },
  {
    name: 'a misspelt nodeport (renamed, the number kept) beside an unpinned port (pinned, then opened)',
    files: { 'svc.yaml': svc('web', '  type: NodePort\n  ports:\n    - name: http\n      port: 80\n      nodeport: 30080\n    - name: metrics\n      port: 9090\n'), 'zones/public.xml': ZONE },
    manifests: ['svc.yaml'],
  },
  {
    name: 'fixes that interact: a protocol, a node port out of range, names, and ports opened once they have numbers',
    files: {
      'svc.yaml': svc('metrics', '  type: NodePort\n  ports:\n    - port: 9090\n      protocol: tcp\n      nodePort: 8080\n    - port: 9091\n')
        + '---\n' + svc('web', '  type: NodePort\n  ports:\n    - name: http\n      port: 80\n'),
      'zones/public.xml': ZONE,
    },
    manifests: ['svc.yaml'],
  },
  {
    name: 'two manifests, fixed file after file (node ports handed out in path order)',
    files: {
      'a.yaml': svc('a', '  type: NodePort\n  ports:\n    - name: http\n      port: 80\n'),
      'b.yaml': svc('b', '  type: NodePort\n  ports:\n    - name: http\n      port: 80\n      protocol: udp\n'),
      'zones/public.xml': ZONE,
    },
    manifests: ['a.yaml', 'b.yaml'],
  },
];

/** Every file under `root`, by workspace-relative path. */
function readTree(root: string, dir = root, out = new Map<string, string>()): Map<string, string> {
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, d.name);
    if (d.isDirectory()) readTree(root, abs, out);
    else out.set(path.relative(root, abs).split(path.sep).join('/'), fs.readFileSync(abs, 'utf8'));
  }
  return out;
}

/** LSP text edits of one file applied to its text (they do not overlap). */
function applyTextEdits(text: string, edits: readonly LspTextEdit[]): string {
  const index = new LineIndex(text);
  const spans = edits.map((e) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}

async function cliFix(root: string): Promise<Map<string, string>> {
  let err = '';
  const code = await main(['check', '--fix', '.'], { cwd: root, stdout: () => undefined, stderr: (s) => { err += s; } });
  assert.ok(code === 0 || code === 1, `check --fix: exit ${code}: ${err}`);
  assert.match(err, /--fix cleared \d+ findings? in \d+ pass/, err);
  return readTree(root);
}

/** The server's fix-all of each manifest in turn, each WorkspaceEdit written to disk before the next request. */
async function lspFix(root: string, manifests: readonly string[]): Promise<Map<string, string>> {
  const client = LspClient.start(root);
  try {
    await client.initialize(root);
    await client.waitForDiagnostics(uriOf(root, manifests[0]), (d) => d.length > 0, `the diagnostics of ${manifests[0]}`);
    for (const rel of manifests) {
      const uri = uriOf(root, rel);
      const actions = await client.request<Action[]>('textDocument/codeAction', {
        textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] },
      });
      const all = actions.filter((a) => a.kind?.startsWith('source.fixAll'));
      assert.equal(all.length, 1, `one fix-all action for ${rel}: ${JSON.stringify(actions)}`);
      const changed: string[] = [];
      for (const [fileUri, edits] of Object.entries(all[0].edit?.changes ?? {})) {
        const file = path.relative(root, URI.parse(fileUri).fsPath).split(path.sep).join('/');
        writeFile(root, file, applyTextEdits(fs.readFileSync(path.join(root, file), 'utf8'), edits));
        changed.push(fileUri);
      }
      assert.ok(changed.length > 0, `the fix-all of ${rel} edits something`);
      // the next request waits for the work of this notification (the files read again from disk)
      await client.notify('workspace/didChangeWatchedFiles', { changes: changed.map((u) => ({ uri: u, type: 2 })) });
    }
  } finally {
    await client.stop();
  }
  return readTree(root);
}

suite('One fix engine: check --fix and the language server\'s fix-all leave the same files', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  teardown(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });

  for (const w of WORKSPACES) {
    test(w.name, async () => {
      const cliRoot = scratchWorkspace(w.files);
      const lspRoot = scratchWorkspace(w.files);
      dirs.push(cliRoot, lspRoot);
      const byCli = await cliFix(cliRoot);
      const byLsp = await lspFix(lspRoot, w.manifests);
      assert.ok([...byCli].some(([p, t]) => t !== w.files[p]), 'check --fix changed something');
      assert.deepEqual(Object.fromEntries(byLsp), Object.fromEntries(byCli));
    });
  }
});
