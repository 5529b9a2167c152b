import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { parseXml } from '../../server/src/engine/parse/xml';
import type { DiagramModel } from '../../server/src/engine/features/diagram';

const ZONE_CLOSED = '<?xml version="1.0"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';
const svc = (name: string, ns = 'default', nodePort = 30080) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n      nodePort: ${nodePort}\n`;

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

function write(root: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), text);
  }
}

suite('cli: service-reach graph', () => {
  let root: string;

  setup(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-graph-'));
    write(root, {
      'zones/public.xml': ZONE_CLOSED,
      'k8s/app.yaml': `${svc('web', 'shop')}---\n${svc('api', 'shop', 30081)}---\n${svc('web', 'other', 30082)}`,
      'k8s/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web}]}\n',
      'k8s/not-a-manifest.txt': 'hello\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
    });
  });

  teardown(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('writes the first Service of FILE as well-formed SVG, exit 0', async () => {
    const r = await run(root, 'graph', 'k8s/app.yaml');
    assert.equal(r.err, '');
    assert.equal(r.code, 0);
    assert.ok(r.out.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
    assert.deepEqual(parseXml(r.out).problems, []);
    assert.match(r.out, /data-service="shop\/web"/);
    // the zone in the workspace (the folder with .git) guards the node port: blocked, with its place
    assert.match(r.out, /<g class="sr-edge sr-status-blocked" data-edge-id="clients-to-nodes:0"/);
    assert.match(r.out, /firewalld-port-closed — k8s\/app\.yaml:11/);
  });

  test('the workspace is the closest folder above FILE with .git or .service-reach.yaml, wherever the command runs', async () => {
    // run from inside k8s/ and from an unrelated folder: the same diagram, the zone at the root found both times
    const fromSub = await run(path.join(root, 'k8s'), 'graph', 'app.yaml', '--format', 'json');
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-graph-cwd-'));
    try {
      const fromOutside = await run(elsewhere, 'graph', path.join(root, 'k8s/app.yaml'), '--format', 'json');
      for (const r of [fromSub, fromOutside]) {
        assert.equal(r.code, 0, r.err);
        const model = JSON.parse(r.out) as DiagramModel;
        assert.equal(model.edges[0].status, 'blocked');
      }
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    // a config marks the root as well as .git does; without either, the file's own folder is its workspace
    fs.rmSync(path.join(root, '.git'), { recursive: true });
    const unmarked = await run(root, 'graph', 'k8s/app.yaml', '--format', 'json');
    assert.notEqual((JSON.parse(unmarked.out) as DiagramModel).edges[0].status, 'blocked');
    fs.writeFileSync(path.join(root, '.service-reach.yaml'), 'nodePortRange: 30000-32767\n');
    const configured = await run(root, 'graph', 'k8s/app.yaml', '--format', 'json');
    assert.equal((JSON.parse(configured.out) as DiagramModel).edges[0].status, 'blocked');
  });

  test('#name and #namespace/name pick the Service', async () => {
    const api = await run(root, 'graph', 'k8s/app.yaml#api');
    assert.equal(api.code, 0);
    assert.match(api.out, /data-service="shop\/api"/);
    const other = await run(root, 'graph', 'k8s/app.yaml#other/web', '--format', 'json');
    assert.equal(other.code, 0);
    const model = JSON.parse(other.out) as DiagramModel;
    assert.equal(model.service.display, 'other/web');
    assert.equal(model.edges[0].port, 30082);
  });

  test('an ambiguous or unknown name is exit 2, naming the Services FILE holds', async () => {
    const ambiguous = await run(root, 'graph', 'k8s/app.yaml#web');
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.err, /more than one Service named "web": write NAMESPACE\/NAME \(shop\/web, other\/web\)/);
    const unknown = await run(root, 'graph', 'k8s/app.yaml#nope');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /holds no Service "nope" \(it holds shop\/web, shop\/api, other\/web\)/);
    assert.equal(unknown.out, '');
  });

  test('usage errors are exit 2', async () => {
    for (const argv of [
      ['graph'],
      ['graph', 'k8s/app.yaml', 'k8s/deploy.yaml'],
      ['graph', 'k8s/app.yaml', '--format', 'png'],
      ['graph', 'k8s/app.yaml', '--color-scheme', 'blue'],
      ['graph', 'k8s/app.yaml', '--bogus'],
      ['graph', 'k8s/app.yaml#'],
      ['graph', '#web'],
      ['graph', 'missing.yaml'],
      ['graph', 'k8s'],
      ['graph', 'k8s/deploy.yaml'],
      ['graph', 'k8s/not-a-manifest.txt'],
    ]) {
      const r = await run(root, ...argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
      assert.equal(r.out, '', argv.join(' '));
      assert.match(r.err, /^service-reach graph: /, argv.join(' '));
    }
    const help = await run(root, 'graph', '--help');
    assert.equal(help.code, 0);
    assert.match(help.out, /^usage: service-reach graph FILE/);
  });

  test('FILE outside the current directory, no .git or config above it: the workspace is its folder', async () => {
    fs.rmSync(path.join(root, '.git'), { recursive: true });
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-cwd-'));
    try {
      const r = await run(elsewhere, 'graph', path.join(root, 'k8s/app.yaml'), '--format', 'json');
      assert.equal(r.code, 0, r.err);
      const model = JSON.parse(r.out) as DiagramModel;
      // the zone in root/zones is outside k8s/: no rule source, the hop is unknown
      assert.equal(model.edges.find((e) => e.hop === 'clients-to-nodes')!.status, 'unknown');
      assert.match(model.nodes.find((n) => n.kind === 'pods')!.lines.join('\n'), /Deployment shop\/web/);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('a file whose name holds # is taken whole when it exists', async () => {
    write(root, { 'odd#name.yaml': svc('odd') });
    const r = await run(root, 'graph', 'odd#name.yaml', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    assert.equal((JSON.parse(r.out) as DiagramModel).service.name, 'odd');
    const picked = await run(root, 'graph', 'odd#name.yaml#odd', '--format', 'json');
    assert.equal(picked.code, 0, picked.err);
  });

  test('--config and --color-scheme are honoured', async () => {
    write(root, { 'conf/sr.yaml': 'nodes:\n  clientCidrs: [192.0.2.0/24]\n' });
    const r = await run(root, 'graph', 'k8s/app.yaml#api', '--config', 'conf/sr.yaml', '--color-scheme', 'auto');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /from 192\.0\.2\.0\/24/);
    assert.match(r.out, /@media \(prefers-color-scheme: dark\)/);
  });

  test('check still works beside graph', async () => {
    const r = await run(root, 'check', '.');
    assert.equal(r.code, 0);
    assert.match(r.out, /firewalld-port-closed/);
  });
});
