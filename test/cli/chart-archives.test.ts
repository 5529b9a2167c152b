/**
 * The CLI reads a chart's packed dependencies (`charts/*.tgz`, what `helm dependency build` leaves) as bytes and
 * hands them, and Node's gunzip, to the engine: the chart renders through the archive. A damaged archive leaves
 * the chart not rendered, saying why; an archive over the size limit is skipped like any large file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { loadFiles } from '../../server/src/cli/load';
import { tgzOfFiles } from '../engine/helm/tgz';

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

const COMMON = tgzOfFiles({
  'Chart.yaml': 'apiVersion: v2\nname: common\ntype: library\nversion: 2.4.0\n',
  'templates/_names.tpl': '{{- define "common.names.fullname" -}}\n{{- printf "%s-%s" .Release.Name .Chart.Name -}}\n{{- end -}}\n',
}, 'common');

const SERVICE = [
  'apiVersion: v1', 'kind: Service', 'metadata:', '  name: {{ include "common.names.fullname" . }}', 'spec:', '  type: NodePort',
  '  ports:', '    - port: 80', '      nodePort: {{ .Values.nodePort }}', '',
].join('\n');

type JsonFinding = { file: string; line: number; column: number; code: string; message: string };

suite('CLI: Helm chart dependencies packed as .tgz', () => {
  let tmp: string;
  const write = (rel: string, data: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), data);
  };

  setup(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-cli-tgz-'));
    write('.git/HEAD', 'ref: refs/heads/main\n');
    write('web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: 2.x.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n');
    write('web/Chart.lock', 'dependencies:\n- name: common\n  repository: oci://registry-1.docker.io/bitnamicharts\n  version: 2.4.0\n');
    write('web/values.yaml', 'nodePort: 40000\n');
    write('web/templates/service.yaml', SERVICE);
    write('README.md', 'not read\n');
  });

  teardown(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the archive is read as bytes; other binary and unknown files are not', () => {
    write('web/charts/common-2.4.0.tgz', COMMON);
    write('web/logo.tgz', COMMON); // not in charts/: no dependency
    const r = loadFiles([tmp]);
    assert.deepEqual(r.archives.map((a) => a.path), ['web/charts/common-2.4.0.tgz']);
    assert.deepEqual(Buffer.from(r.archives[0].bytes), COMMON);
    assert.ok(!r.files.some((f) => f.path.endsWith('.tgz')));
    assert.ok(!r.skipped.some((s) => s.path.endsWith('.tgz')));
  });

  test('the chart renders through the archive: the Service counted as rendered from charts, its finding on the template', async () => {
    write('web/charts/common-2.4.0.tgz', COMMON);
    const r = await run(['check', '--format', 'json', '.'], tmp);
    assert.equal(r.err, '');
    const json = JSON.parse(r.out);
    assert.equal(json.summary.services, 1);
    assert.equal(json.summary.servicesFromCharts, 1);
    const findings = json.findings as JsonFinding[];
    assert.deepEqual(findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code}`), ['web/templates/service.yaml:9:17 nodeport-out-of-range']);
    assert.match(findings[0].message, /`nodePort` renders as 40000 with the chart's values\./);
    const text = await run(['check', '.'], tmp);
    assert.match(text.out, /in 1 Service, 1 rendered from charts \(/);
    assert.doesNotMatch(text.out, /template-not-rendered/);
  });

  test('a damaged archive: template-not-rendered naming why, nothing crashes', async () => {
    write('web/charts/common-2.4.0.tgz', Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0]), Buffer.alloc(64, 7)]));
    const r = await run(['check', '--format', 'json', '.'], tmp);
    assert.equal(r.err, '');
    const json = JSON.parse(r.out);
    const nr = (json.findings as JsonFinding[]).filter((f) => f.code === 'template-not-rendered');
    assert.equal(nr.length, 1);
    assert.equal(nr[0].file, 'web/Chart.yaml');
    assert.match(nr[0].message, /charts\/common-2\.4\.0\.tgz of web cannot be unpacked: not a gzip archive/);
    assert.equal(json.summary.servicesFromCharts, 0);
  });

  test('an archive over the size limit is skipped as a large file, and the chart says its dependency is missing', async () => {
    write('web/charts/common-2.4.0.tgz', COMMON);
    const r = await run(['check', '--format', 'json', '--max-file-size', String(COMMON.length - 1), '.'], tmp);
    const json = JSON.parse(r.out);
    const codes = (json.findings as JsonFinding[]).map((f) => `${f.file} ${f.code}`).sort();
    assert.deepEqual(codes, ['web/Chart.yaml template-not-rendered', 'web/charts/common-2.4.0.tgz file-too-large']);
  });
});
