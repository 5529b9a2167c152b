/**
 * The parts behind the Workspace (server/src/engine/workspace/, sources/registry.ts, util/file-kinds.ts): files
 * are classified by name, in one table the hosts' load policy shares; rule sources are modules listed in one
 * registry, each reading one kind of file; the layers are built from what they read by a pure builder; the
 * Workspace is a small front door, and the low-level util folder imports nothing above it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { initEngine, Workspace } from '../../server/src/engine';
import { readHclGrammar } from '../../server/src/host/hcl-grammar';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import type { OciSecurityList } from '../../server/src/engine/sources/model';
import { SOURCE_MODULES, claimedBySource, readSources } from '../../server/src/engine/sources/registry';
import type { ReportProblems, SourceModule } from '../../server/src/engine/sources/source-module';
import { classify, type FileKind } from '../../server/src/engine/util/file-kinds';
import { isCandidate } from '../../server/src/engine/util/load-policy';
import { FileEntry } from '../../server/src/engine/workspace/files';
import { buildLayers } from '../../server/src/engine/workspace/layers';

/** server/src/engine (tests run from out/test/engine) */
const ENGINE = path.resolve(__dirname, '../../../server/src/engine');

const ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <port port="30000-30099" protocol="tcp"/>\n</zone>\n';
const SERVICE_XML = '<?xml version="1.0" encoding="utf-8"?>\n<service>\n  <port port="9000" protocol="tcp"/>\n</service>\n';
const OCI_JSON = JSON.stringify({ data: { 'display-name': 'workers', 'ingress-security-rules': [{ protocol: '6', source: '0.0.0.0/0', 'tcp-options': { 'destination-port-range': { min: 30000, max: 32767 } } }] } });
const K8S_JSON = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { ports: [{ port: 80 }] } });
const TF = `resource "oci_core_security_list" "lb" {
  display_name = "lb"
  ingress_security_rules {
    protocol = "6"
    source   = "0.0.0.0/0"
    tcp_options {
      min = 443
      max = 443
    }
  }
}
`;

function entry(p: string, text: string): FileEntry {
  return new FileEntry(p, text, classify(p));
}

const noReport: ReportProblems = () => {};

suite('Workspace parts: classification, rule-source registry, layer builder', () => {
  suiteSetup(async () => { await initEngine({ hcl: readHclGrammar() }); });

  test('files are classified by name, then by extension; the hosts\' load policy reads exactly the classified files', () => {
    const cases: [string, FileKind, string?][] = [
      ['k8s/app.yaml', 'manifest'], ['k8s/App.YML', 'manifest'], ['.service-reach.yaml', 'config'], ['.service-reach.yml', 'config'],
      ['sub/.service-reach.yaml', 'manifest'], ['conf/sr.yaml', 'config', 'conf/sr.yaml'], ['.service-reach.yaml', 'manifest', 'conf/sr.yaml'],
      ['etc/firewalld/firewalld.conf', 'firewalld-conf'], ['etc/firewalld/zones/public.xml', 'xml'], ['oci/lists.json', 'json'],
      ['infra/main.tf', 'terraform'], ['README.md', 'other'], ['Makefile', 'other'], ['LICENSE', 'other'], ['a.toString', 'other'],
      // scripts and user-data templates; a file without an extension may be a script (read when its shebang says so)
      ['bootstrap/node.sh', 'script'], ['x.bash', 'script'], ['tf/cloud-init.tftpl', 'script'], ['tf/user_data.tpl', 'script'],
      ['user-data', 'script'], ['constructor', 'script'], ['.gitignore', 'other'],
      // a templatefile input that is YAML is a manifest (read as a template); a Helm partial is a script candidate, read only with a shebang
      ['infra/k8s/service.yaml.tftpl', 'manifest'], ['infra/k8s/svc.YML.TPL', 'manifest'], ['charts/x/templates/_helpers.tpl', 'script'], ['.yaml.tftpl', 'script'], ['a.tftpl', 'script'],
      ['etc/iptables/rules.v4', 'iptables'], ['etc/iptables/rules.v6', 'iptables'], ['roles/node/files/node.iptables', 'iptables'],
      ['etc/sysconfig/iptables', 'iptables'], ['etc/nftables.conf', 'nft'], ['nft/ruleset.nft', 'nft'], ['rules.v5', 'other'],
    ];
    for (const [p, kind, configPath] of cases) {
      assert.equal(classify(p, configPath), kind, `${p} (config ${configPath ?? 'default'})`);
      assert.equal(isCandidate(p, configPath), kind !== 'other', `${p} is read by the hosts`);
    }
  });

  test('engine/util imports nothing outside engine/util (the load policy does not reach up into the Workspace)', () => {
    const dir = path.join(ENGINE, 'util');
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const info = ts.preProcessFile(fs.readFileSync(path.join(dir, name), 'utf8'), true, false);
      for (const { fileName } of info.importedFiles) {
        if (!fileName.startsWith('.')) continue; // a package
        const target = path.resolve(dir, fileName);
        assert.ok(target.startsWith(dir + path.sep), `util/${name} imports ${fileName}`);
      }
    }
  });

  test('the Workspace is a front door over its parts: its file and every part well under 500 lines', () => {
    const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').length;
    assert.ok(lines(path.join(ENGINE, 'workspace.ts')) < 250, 'workspace.ts');
    const parts = fs.readdirSync(path.join(ENGINE, 'workspace')).filter((n) => n.endsWith('.ts'));
    assert.ok(parts.length > 0);
    for (const n of parts) assert.ok(lines(path.join(ENGINE, 'workspace', n)) < 500, `workspace/${n}`);
  });

  test('every registered source module has a name of its own and reads a kind of rule-source file', () => {
    const names = SOURCE_MODULES.map((m) => m.name);
    assert.deepEqual(names, ['firewalld-zone', 'firewalld-service', 'firewalld-conf', 'oci-json', 'terraform', 'terraform-json', 'firewall-script', 'cloud-init', 'ansible-firewalld', 'iptables', 'nftables', 'nftables-json']);
    assert.equal(new Set(names).size, names.length);
    const sourceKinds = new Set(['zones/public.xml', 'firewalld.conf', 'a.json', 'a.tf', 'node.sh', 'cloud-init.yaml', 'rules.v4', 'a.nft'].map((p) => classify(p)));
    for (const m of SOURCE_MODULES) assert.ok(sourceKinds.has(m.reads), `${m.name} reads ${m.reads}`);
  });

  test('the modules read their files once per text, in workspace order; firewalld XML is parsed once for zones and services', () => {
    const files = [entry('a/zones/public.xml', ZONE), entry('a/services/app.xml', SERVICE_XML), entry('b/x.tf', TF), entry('c/lists.json', OCI_JSON), entry('k8s/a.yaml', 'a: 1\n')];
    const first = readSources(files, noReport);
    assert.deepEqual(first.firewalldZones.map((z) => z.path), ['a/zones/public.xml']);
    assert.deepEqual(first.firewalldServices.map((s) => s.name), ['app']);
    assert.deepEqual(first.ociLists.map((l) => l.path), ['c/lists.json', 'b/x.tf'], 'JSON lists, then Terraform (registry order)');
    const again = readSources(files, noReport);
    assert.equal(again.firewalldZones[0], first.firewalldZones[0], 'the same parse, kept on the file');
    assert.equal(again.ociLists[1], first.ociLists[1]);
    let parses = 0;
    const counting = new FileEntry('z/zones/dmz.xml', ZONE, 'xml');
    const memo = counting.memo.bind(counting);
    counting.memo = (key, compute, depends) => memo(key, () => { parses++; return compute(); }, depends);
    readSources([counting], noReport);
    assert.equal(parses, 1, 'one parse for both firewalld modules');
  });

  test('a JSON file is a rule source when a module claims it, else a manifest', () => {
    assert.equal(claimedBySource(entry('oci/lists.json', OCI_JSON)), true);
    assert.equal(claimedBySource(entry('k8s/svc.json', K8S_JSON)), false);
    const ws = new Workspace();
    ws.setFile('oci/lists.json', OCI_JSON);
    ws.setFile('k8s/svc.json', K8S_JSON);
    assert.equal(ws.manifest('oci/lists.json'), undefined);
    assert.equal(ws.manifest('k8s/svc.json')?.objects.length, 1);
    assert.deepEqual(ws.analyze().services.map((s) => s.service.name), ['a']);
    assert.deepEqual(ws.analyze().layers.workerLists?.sources.map((s) => s.label), ['security list "workers"']);
  });

  test('a new source module contributes to the layers through the registry\'s reader, the others unchanged', () => {
    const extra: SourceModule = {
      name: 'test-extra',
      reads: 'json',
      contribute(files, into) {
        for (const f of files) {
          const list: OciSecurityList = { kind: 'oci-security-list', path: f.path, name: 'extra', span: { start: 0, end: f.text.length }, rules: [] };
          into.ociLists.push(f.memo('test-extra', () => list));
        }
      },
    };
    const files = [entry('c/lists.json', OCI_JSON)];
    const inputs = readSources(files, noReport, [...SOURCE_MODULES, extra]);
    assert.deepEqual(inputs.ociLists.map((l) => l.name), ['workers', 'extra']);
    const built = buildLayers(inputs, { ...DEFAULT_CONFIG }, { hasFile: () => true, skipped: new Map() });
    assert.deepEqual(built.layers.workerLists?.sources.map((s) => s.label), ['security list "workers"', 'security list "extra"']);
    assert.equal(built.hasSources, true);
  });

  test('the layer builder is pure: the same inputs give equal layers and findings, and are left as they were', () => {
    const files = [entry('a/zones/public.xml', ZONE), entry('b/x.tf', TF), entry('c/lists.json', OCI_JSON)];
    const inputs = readSources(files, noReport);
    const before = structuredClone(inputs); // the readers' trees point at their parents: a deep copy, not JSON
    const config = { ...DEFAULT_CONFIG, path: '.service-reach.yaml', lbLists: [{ text: 'b/x.tf#lb', path: 'b/x.tf', fragment: 'lb', span: { start: 0, end: 1 } }], firewalldZones: [{ text: 'gone.xml', path: 'gone.xml', span: { start: 2, end: 3 } }] };
    const world = { hasFile: (p: string) => p !== 'gone.xml', skipped: new Map() };
    const one = buildLayers(inputs, config, world);
    const two = buildLayers(inputs, config, world);
    assert.deepEqual(one, two);
    assert.deepStrictEqual(inputs, before);
    assert.deepEqual(one.layers.lbLists?.sources.map((s) => s.label), ['security list "lb"']);
    // a list setting in the config: no fallback; what neither the config nor a topology attributes guards nothing
    assert.equal(one.layers.workerLists, null, 'the lists the config does not give the LB are not the workers\'');
    assert.ok(one.layers.topology?.unattributed.some((s) => s.label === 'security list "workers"'));
    assert.equal(one.layers.firewalld, null, 'the configured zone file is missing');
    assert.deepEqual(one.findings.map((f) => [f.code, f.span.start]), [['config-path-not-found', 2]]);
  });

  test('the Workspace keeps its layers object while no rule source or config changes, and makes a new one when one does', () => {
    const ws = new Workspace();
    ws.setFile('zones/public.xml', ZONE);
    ws.setFile('k8s/a.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n');
    const layers = ws.analyze().layers;
    ws.setFile('k8s/a.yaml', ws.getText('k8s/a.yaml')!.replace('port: 80', 'port: 81'));
    assert.equal(ws.analyze().layers, layers);
    ws.setFile('zones/public.xml', ZONE.replace('30099', '30098'));
    assert.notEqual(ws.analyze().layers, layers);
    assert.deepEqual(ws.analyze().layers.firewalld?.nodeZones.map((z) => z.label), ['firewalld zone "public"']);
  });
});
