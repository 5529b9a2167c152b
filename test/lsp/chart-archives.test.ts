/**
 * The language server reads a chart's packed dependencies (`charts/*.tgz`) as bytes when it indexes a folder and
 * when a file event names one: a changed archive on disk renders its chart again, a deleted one leaves the
 * dependency missing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Folder } from '../../server/src/lsp/folder';
import { readUnderPolicy, walkCandidates } from '../../server/src/lsp/files';
import { ready } from '../support/workspace';
import { tgzOfFiles } from '../engine/helm/tgz';

const common = (suffix: string) => tgzOfFiles({
  'Chart.yaml': 'apiVersion: v2\nname: common\ntype: library\nversion: 2.4.0\n',
  'templates/_names.tpl': `{{- define "common.names.fullname" -}}\n{{- printf "%s-%s" .Release.Name "${suffix}" -}}\n{{- end -}}\n`,
}, 'common');

const SERVICE = [
  'apiVersion: v1', 'kind: Service', 'metadata:', '  name: {{ include "common.names.fullname" . }}', 'spec:', '  type: NodePort',
  '  ports:', '    - port: 80', '      nodePort: {{ .Values.nodePort }}', '',
].join('\n');

const ARCHIVE = 'web/charts/common-2.4.0.tgz';

suite('Language server: Helm chart dependencies packed as .tgz', () => {
  let root: string;
  const write = (rel: string, data: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data);
  };

  suiteSetup(ready);

  setup(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sr-lsp-tgz-')));
    write('web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: 2.x.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n');
    write('web/values.yaml', 'nodePort: 40000\n');
    write('web/templates/service.yaml', SERVICE);
    write(ARCHIVE, common('one'));
    write('web/logo.tgz', common('x')); // not in charts/: not read
  });

  teardown(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('the walk and the reading: an archive in charts/ is read as bytes', async () => {
    const seen: string[] = [];
    for await (const rel of walkCandidates(root, root)) seen.push(rel);
    assert.ok(seen.includes(ARCHIVE));
    assert.ok(!seen.includes('web/logo.tgz'));
    const r = await readUnderPolicy(root, path.join(root, ARCHIVE), 1 << 20, true);
    assert.equal(r.kind, 'bytes');
    assert.deepEqual(Buffer.from((r as { bytes: Uint8Array }).bytes), fs.readFileSync(path.join(root, ARCHIVE)));
  });

  test('indexed, the chart renders; a changed archive on disk renders it again; a deleted one leaves it missing', async () => {
    const folder = new Folder('file://' + root, root, false, { maxFileSize: 1 << 20, configPath: '' }, () => undefined);
    await folder.index(() => undefined, () => false);
    assert.deepEqual(folder.ws.archivePaths(), [ARCHIVE]);
    let a = folder.ws.analyze();
    assert.deepEqual(a.charts.map((c) => c.services.map((s) => s.name)), [['web-one']]);
    assert.deepEqual(a.findings.map((f) => `${f.path} ${f.code}`), ['web/templates/service.yaml nodeport-out-of-range']);
    // the same bytes again (a touch): nothing changed
    assert.equal(await folder.load(ARCHIVE), 'unchanged');
    // new bytes on disk (the file watcher's change event)
    write(ARCHIVE, common('two'));
    assert.equal(await folder.load(ARCHIVE), 'changed');
    a = folder.ws.analyze();
    assert.deepEqual(a.charts.map((c) => c.services.map((s) => s.name)), [['web-two']]);
    // deleted
    fs.rmSync(path.join(root, ARCHIVE));
    assert.equal(folder.removed(ARCHIVE), true);
    a = folder.ws.analyze();
    assert.deepEqual(a.findings.map((f) => `${f.path} ${f.code}`), ['web/Chart.yaml template-not-rendered']);
    assert.match(a.findings[0].message, /common is in Chart\.yaml of web, but missing in charts\//);
    // back again, as a created file
    write(ARCHIVE, common('three'));
    assert.equal(await folder.load(ARCHIVE), 'changed');
    assert.deepEqual(folder.ws.analyze().charts.map((c) => c.services.map((s) => s.name)), [['web-three']]);
  });
});
