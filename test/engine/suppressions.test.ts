/**
 * Suppressions (docs/suppressions.md): a `# service-reach-ignore: CODE — reason` comment covers its line and the
 * next one, the `service-reach.io/ignore` annotation its Service; what they cover is set apart as suppressed, and
 * a suppression that covers nothing is an `unused-ignore` finding where it is written.
 */
import * as assert from 'node:assert/strict';
import { keys, ready, workspace, lineOf } from '../support/workspace';

const svc = (spec: string, meta = '') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n${meta}spec:\n  selector: {app: web}\n${spec}`;

suite('Suppressions', () => {
  suiteSetup(ready);

  test('a comment on the finding\'s line or on the line above suppresses that code there, and nothing else', () => {
    const bad = '  ports:\n    - port: 80\n      protocol: tcp\n';
    assert.deepEqual(keys({ 'a.yaml': svc(bad) }), ['a.yaml:9 invalid-protocol']);
    assert.deepEqual(keys({ 'a.yaml': svc('  ports:\n    - port: 80\n      protocol: tcp # service-reach-ignore: invalid-protocol — lower case on purpose\n') }), []);
    assert.deepEqual(keys({ 'a.yaml': svc('  ports:\n    - port: 80\n      # service-reach-ignore: invalid-protocol\n      protocol: tcp\n') }), []);
    // two lines above: not covered, and the comment covers nothing
    assert.deepEqual(keys({ 'a.yaml': svc('  ports:\n    # service-reach-ignore: invalid-protocol\n    - port: 80\n      protocol: tcp\n') }),
      ['a.yaml:10 invalid-protocol', 'a.yaml:8 unused-ignore'].sort());
    // another code: not covered
    assert.deepEqual(keys({ 'a.yaml': svc('  ports:\n    - port: 80\n      protocol: tcp # service-reach-ignore: duplicate-port, invalid-value\n') }),
      ['a.yaml:9 invalid-protocol', 'a.yaml:9 unused-ignore']);
  });

  test('several codes in one comment; the suppressed findings are kept apart, not lost', () => {
    const ws = workspace({ 'a.yaml': svc('  type: NodePort\n  ports:\n    - port: 80\n      # service-reach-ignore: nodeport-out-of-range, invalid-port-number — reason\n      nodePort: 80\n      targetPort: 0x\n') });
    const a = ws.analyze();
    assert.deepEqual(a.suppressed.map((f) => `${lineOf(ws, f)} ${f.code}`), ['11 nodeport-out-of-range']);
    // the code that covered nothing is named, the one that did is not
    assert.deepEqual(a.findings.map((f) => `${lineOf(ws, f)} ${f.code}`), ['10 unused-ignore']);
    assert.match(a.findings[0].message, /`invalid-port-number`/);
    assert.doesNotMatch(a.findings[0].message, /nodeport-out-of-range/);
  });

  test('text that only looks like the marker is no comment: in a block scalar, in a quoted string', () => {
    const inBlock = svc('  ports:\n    - port: 80\n      protocol: tcp\n', '  annotations:\n    note: |\n      # service-reach-ignore: invalid-protocol\n');
    assert.deepEqual(keys({ 'a.yaml': inBlock }), ['a.yaml:12 invalid-protocol']);
    const quoted = svc('  ports:\n    - port: 80\n      protocol: tcp\n', '  annotations:\n    note: "a # service-reach-ignore: invalid-protocol"\n');
    assert.deepEqual(keys({ 'a.yaml': quoted }), ['a.yaml:11 invalid-protocol']);
  });

  test('the service-reach.io/ignore annotation covers its Service only; unknown and unused codes are reported', () => {
    const two = (ann: string) => ({
      'a.yaml': svc('  ports:\n    - port: 80\n      protocol: tcp\n', `  annotations:\n    service-reach.io/ignore: "${ann}"\n`)
        + '---\n' + svc('  ports:\n    - port: 80\n      protocol: tcp\n').replace('name: web', 'name: api'),
    });
    assert.deepEqual(keys(two('invalid-protocol')), ['a.yaml:21 invalid-protocol']);
    assert.deepEqual(keys(two('invalid-protocol, no-such-code')), ['a.yaml:21 invalid-protocol', 'a.yaml:6 unused-ignore']);
    const ws = workspace(two('invalid-protocol,nodeport-conflict'));
    const unused = ws.analyze().findings.find((f) => f.code === 'unused-ignore')!;
    assert.match(unused.message, /nodeport-conflict/);
    assert.doesNotMatch(unused.message, /invalid-protocol/);
  });

  test('a suppression never hides the findings of other files; the analysis stays what a fresh workspace says after edits', () => {
    const files = {
      'a.yaml': svc('  ports:\n    - port: 80\n      protocol: tcp # service-reach-ignore: invalid-protocol\n'),
      'b.yaml': svc('  ports:\n    - port: 80\n      protocol: tcp\n').replace('name: web', 'name: b'),
    };
    assert.deepEqual(keys(files), ['b.yaml:9 invalid-protocol']);
    const ws = workspace(files);
    ws.analyze();
    ws.setFile('a.yaml', svc('  ports:\n    - port: 80\n      protocol: TCP # service-reach-ignore: invalid-protocol\n'));
    assert.deepEqual(ws.analyze().findings.map((f) => `${f.path}:${lineOf(ws, f)} ${f.code}`).sort(), ['a.yaml:9 unused-ignore', 'b.yaml:9 invalid-protocol']);
    assert.deepEqual(ws.analyze().suppressed, []);
  });
});
