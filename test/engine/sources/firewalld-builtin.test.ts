import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinService, builtinServiceNames, builtinServicesSource } from '../../../server/src/engine/sources/firewalld-builtin';
import { readFirewalldXml } from '../../../server/src/engine/sources/firewalld-zone';

const INSTALLED = '/usr/lib/firewalld/services';

suite('sources/firewalld-builtin', () => {
  test('bundles the Kubernetes services as firewalld ships them', () => {
    assert.match(builtinServicesSource, /^firewalld \d/);
    assert.deepEqual(builtinService('kube-nodeport-services'), {
      name: 'kube-nodeport-services',
      ports: [{ protocol: 'tcp', range: { min: 30000, max: 32767 } }],
      protocols: [],
      includes: [],
    });
    assert.deepEqual(builtinService('kube-worker')?.includes, ['kubelet', 'kube-nodeport-services']);
    assert.deepEqual(builtinService('kubelet')?.ports, [{ protocol: 'tcp', range: { min: 10250, max: 10250 } }]);
    assert.deepEqual(builtinService('ssh')?.ports, [{ protocol: 'tcp', range: { min: 22, max: 22 } }]);
    assert.deepEqual(builtinService('https')?.ports, [{ protocol: 'tcp', range: { min: 443, max: 443 } }]);
    assert.equal(builtinService('no-such-service'), undefined);
    assert.equal(builtinService('toString'), undefined);
    assert.equal(builtinService('__proto__'), undefined);
  });

  test('matches /usr/lib/firewalld/services of the installed firewalld', function () {
    if (!fs.existsSync(INSTALLED)) {
      // eslint-disable-next-line no-console
      console.log(`      (skipped: ${INSTALLED} does not exist; install Debian's firewalld package to run this test)`);
      this.skip();
    }
    const files = fs.readdirSync(INSTALLED).filter((f) => f.endsWith('.xml')).sort();
    assert.ok(files.length > 100, `only ${files.length} service files in ${INSTALLED}`);
    const installedNames: string[] = [];
    for (const f of files) {
      const file = path.join(INSTALLED, f);
      const r = readFirewalldXml(file, fs.readFileSync(file, 'utf8'));
      assert.deepEqual(r.problems, [], f);
      assert.ok(r.value && r.value.kind === 'firewalld-service', f);
      installedNames.push(r.value.name);
      const { kind: _kind, path: _path, span: _span, ...def } = r.value;
      assert.deepEqual(builtinService(r.value.name), def, `service ${r.value.name} differs from ${file}`);
    }
    assert.deepEqual(builtinServiceNames(), [...installedNames].sort());
  });
});
