import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initEngine } from '../../server/src/engine';
import { main } from '../../server/src/cli/main';
import { readWorkspace } from '../../server/src/cli/read-workspace';
import type { DiagramModel } from '../../server/src/engine/features/diagram';

const ZONE = '<?xml version="1.0"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';
const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n';
const CONFIG = 'nodes:\n  firewalld:\n    zones: [zones/public.xml, linked/public.xml]\n';

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

/** The lines a command wrote about skipped files, without its own prefix. */
function skippedLines(err: string): string[] {
  return err.split('\n').filter((l) => / skipped /.test(l)).map((l) => l.replace(/^service-reach( graph)?: /, '')).sort();
}

suite('CLI: one way to read the workspace and report what was skipped', () => {
  let outside: string;
  let root: string;

  suiteSetup(initEngine);

  setup(() => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-out-'));
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-ws-'));
    fs.writeFileSync(path.join(outside, 'public.xml'), ZONE);
    fs.mkdirSync(path.join(root, 'zones'));
    fs.mkdirSync(path.join(root, 'k8s'));
    fs.writeFileSync(path.join(root, 'k8s', 'web.yaml'), SVC);
    fs.writeFileSync(path.join(root, 'k8s', 'blob.yaml'), Buffer.from([0x61, 0, 0x62]));
    fs.writeFileSync(path.join(root, '.service-reach.yaml'), CONFIG);
    fs.symlinkSync(path.join(outside, 'public.xml'), path.join(root, 'zones', 'public.xml')); // a file link leading out
    fs.symlinkSync(outside, path.join(root, 'linked')); // a folder link leading out
  });

  teardown(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('links leading out: a line each, and the engine is told, so the config naming them says so', () => {
    const lines: string[] = [];
    const r = readWorkspace([root], { maxFileSize: 1 << 20 }, (l) => lines.push(l));
    assert.deepEqual(lines.map((l) => l.replace(outside, 'OUT')).sort(), [
      'skipped linked: is a link to OUT, outside the workspace',
      `skipped zones/public.xml: is a link to ${path.join('OUT', 'public.xml')}, outside the workspace`,
    ], 'the binary file is skipped without a word');
    const codes = r.ws.analyze().findings.filter((f) => f.path === '.service-reach.yaml').map((f) => f.code);
    assert.deepEqual(codes, ['config-path-outside-workspace', 'config-path-outside-workspace']);
  });

  test('a file too large is a finding on the file, not a line', () => {
    const lines: string[] = [];
    fs.rmSync(path.join(root, 'zones', 'public.xml'));
    fs.rmSync(path.join(root, 'linked'));
    fs.writeFileSync(path.join(root, 'k8s', 'big.yaml'), `# ${'x'.repeat(300)}\n`);
    const r = readWorkspace([root], { maxFileSize: 200 }, (l) => lines.push(l));
    assert.deepEqual(lines, []);
    assert.deepEqual(r.ws.analyze().findings.filter((f) => f.code === 'file-too-large').map((f) => f.path), ['k8s/big.yaml']);
  });

  test('graph reports the links leaving the workspace as check does', async () => {
    const check = await run(root, 'check', '.');
    const graph = await run(root, 'graph', 'k8s/web.yaml', '--format', 'json');
    assert.equal(graph.code, 0, graph.err);
    assert.equal(skippedLines(check.err).length, 2, check.err);
    assert.deepEqual(skippedLines(graph.err), skippedLines(check.err));
    assert.match(check.out, /config-path-outside-workspace/);
    // the zone was not read: nothing guards the node port in the diagram
    const model = JSON.parse(graph.out) as DiagramModel;
    assert.equal(model.edges.find((e) => e.hop === 'clients-to-nodes')!.status, 'unknown');
  });
});
