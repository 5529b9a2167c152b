import * as assert from 'node:assert/strict';
import { readFirewalldConf } from '../../../server/src/engine/sources/firewalld-conf';

function at(text: string, s: { start: number; end: number }): string {
  return text.slice(s.start, s.end);
}

suite('sources/firewalld-conf', () => {
  test('reads DefaultZone and StrictForwardPorts with the spans of their values', () => {
    const text = [
      '# firewalld config file',
      '',
      '# default zone',
      '# The default zone used if an empty zone string is used.',
      '# Default: public',
      'DefaultZone=k8s',
      '',
      '; another comment style',
      'CleanupOnExit=yes',
      '  StrictForwardPorts = YES  ',
      'FirewallBackend=nftables',
      '',
    ].join('\n');
    const r = readFirewalldConf('etc/firewalld/firewalld.conf', text);
    assert.deepEqual(r.problems, []);
    assert.ok(r.value);
    assert.equal(r.value.kind, 'firewalld-conf');
    assert.equal(r.value.defaultZone?.value, 'k8s');
    assert.equal(at(text, r.value.defaultZone!.span), 'k8s');
    assert.equal(r.value.strictForwardPorts?.value, true);
    assert.equal(at(text, r.value.strictForwardPorts!.span), 'YES');
  });

  test('no, false, CRLF, and the default file without the keys', () => {
    const text = 'DefaultZone=public\r\nStrictForwardPorts=no\r\n';
    const r = readFirewalldConf('firewalld.conf', text);
    assert.equal(r.value?.strictForwardPorts?.value, false);
    assert.equal(at(text, r.value!.defaultZone!.span), 'public');
    assert.equal(at(text, r.value!.strictForwardPorts!.span), 'no');
    assert.equal(readFirewalldConf('firewalld.conf', 'StrictForwardPorts=False').value?.strictForwardPorts?.value, false);
    const empty = readFirewalldConf('firewalld.conf', '# nothing\n');
    assert.deepEqual(empty, { value: { kind: 'firewalld-conf', path: 'firewalld.conf' }, problems: [] });
  });

  test('as firewalld: first definition wins, empty values are skipped, bad lines and values are problems', () => {
    const text = 'DefaultZone=\nDefaultZone=work\nDefaultZone=home\nnot a setting\nA=b=c\nStrictForwardPorts=maybe\n';
    const r = readFirewalldConf('firewalld.conf', text);
    assert.equal(r.value?.defaultZone?.value, 'work');
    assert.equal(r.value?.strictForwardPorts, undefined);
    assert.deepEqual(
      r.problems.map((p) => at(text, p.span)),
      ['not a setting', 'A=b=c', 'DefaultZone', 'maybe'],
    );
  });
});
