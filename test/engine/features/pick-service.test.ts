import * as assert from 'node:assert/strict';
import type { Analysis } from '../../../server/src/engine';
import { pickService, serviceAt, type ServicePick, type ServiceQuery } from '../../../server/src/engine/features';
import { analyse, ready } from '../../support/workspace';

const svc = (name: string, namespace?: string, port = 80) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}spec:\n  ports: [{port: ${port}}]\n`;

/** `namespace/name` of what was picked, or the reason and the candidates. */
function show(p: ServicePick): string {
  const d = (s: { service: { namespace?: string; name?: string } }) => `${s.service.namespace ?? '?'}/${s.service.name ?? '(unnamed)'}`;
  return p.ok ? `${d(p.service)}${p.namespaceIgnored ? ' (namespace ignored)' : ''}` : `${p.reason}: ${p.candidates.map(d).join(', ')}`;
}

function pick(a: Analysis, path: string, query?: ServiceQuery): string {
  return show(pickService(a, path, query));
}

suite('pickService: the one way a host picks a Service', () => {
  suiteSetup(ready);

  test('two Services of one name in two namespaces: the name alone is ambiguous, the namespace decides', () => {
    const a = analyse({ 's.yaml': `${svc('web', 'shop')}---\n${svc('api', 'shop')}---\n${svc('web', 'other')}` });
    assert.equal(pick(a, 's.yaml', { name: 'web' }), 'ambiguous: shop/web, other/web');
    assert.equal(pick(a, 's.yaml', { name: 'web', namespace: 'shop' }), 'shop/web');
    assert.equal(pick(a, 's.yaml', { name: 'web', namespace: 'other' }), 'other/web');
    assert.equal(pick(a, 's.yaml', { name: 'api' }), 'shop/api');
    // a namespace nobody has, with two of that name: none (not one of them at random)
    assert.equal(pick(a, 's.yaml', { name: 'web', namespace: 'prod' }), 'no-match: shop/web, shop/api, other/web');
  });

  test('two Services of one name in two files: only the file asked about counts', () => {
    const files = { 'a.yaml': svc('web', 'shop', 81), 'z.yaml': `${svc('db', 'shop')}---\n${svc('web', 'shop', 82)}` };
    const a = analyse(files);
    const portOf = (p: ServicePick) => (p.ok ? p.service.service.ports[0].port : undefined);
    assert.equal(portOf(pickService(a, 'z.yaml', { name: 'web' })), 82, 'not a.yaml\'s, though it comes first in the analysis');
    assert.equal(portOf(pickService(a, 'z.yaml', { name: 'web', namespace: 'shop' })), 82);
    assert.equal(portOf(pickService(a, 'a.yaml', { name: 'web' })), 81);
    // an offset is an offset into that file: a.yaml's Service at the same place is not z.yaml's
    const webInZ = (files['z.yaml'].indexOf('name: web'));
    assert.ok(webInZ > files['a.yaml'].length, 'the offset lies past the end of a.yaml');
    assert.equal(pick(a, 'z.yaml', { offset: 5 }), 'shop/db');
    assert.equal(pick(a, 'z.yaml', { offset: webInZ }), 'shop/web');
    assert.equal(pick(a, 'nowhere.yaml', { name: 'web' }), 'no-service: ');
  });

  test('an offset between documents picks none; each document\'s own range picks its Service', () => {
    const text = `${svc('a')}---\n# between\n---\n${svc('b')}`;
    const a = analyse({ 's.yaml': text });
    const [first, second] = a.services.map((s) => s.service.object.span);
    assert.equal(pick(a, 's.yaml', { offset: text.indexOf('# between') }), 'no-match: default/a, default/b');
    assert.equal(pick(a, 's.yaml', { offset: text.indexOf('---') + 1 }), 'no-match: default/a, default/b');
    assert.equal(pick(a, 's.yaml', { offset: first.start }), 'default/a');
    assert.equal(pick(a, 's.yaml', { offset: first.end }), 'default/a', 'the end of the object is still in it');
    assert.equal(pick(a, 's.yaml', { offset: second.start }), 'default/b');
    assert.equal(pick(a, 's.yaml', { offset: text.length + 10 }), 'no-match: default/a, default/b');
    assert.equal(pick(a, 's.yaml', { offset: Number.NaN }), 'no-match: default/a, default/b');
  });

  test('serviceAt (hover, completion) agrees with pickService at every offset', () => {
    const text = `${svc('a', 'x')}---\n${svc('b', 'y')}---\napiVersion: v1\nkind: ConfigMap\n---\n${svc('c', 'x')}`;
    const a = analyse({ 's.yaml': text, 't.yaml': text });
    for (let offset = 0; offset <= text.length; offset++) {
      const p = pickService(a, 's.yaml', { offset });
      assert.equal(serviceAt(a, 's.yaml', offset), p.ok ? p.service : undefined, `offset ${offset}`);
    }
  });

  test('a name that matches none: no-match, with every Service of the file to choose from', () => {
    const a = analyse({ 's.yaml': `${svc('web', 'shop')}---\n${svc('api', 'shop')}` });
    assert.equal(pick(a, 's.yaml', { name: 'nope' }), 'no-match: shop/web, shop/api');
    assert.equal(pick(a, 's.yaml', { name: 'nope', namespace: 'shop' }), 'no-match: shop/web, shop/api');
    assert.equal(pick(a, 's.yaml', { name: null }), 'no-match: shop/web, shop/api');
  });

  test('no query: the first Service of the file; none in the file: no-service', () => {
    const a = analyse({ 's.yaml': `apiVersion: v1\nkind: ConfigMap\n---\n${svc('b')}---\n${svc('a')}`, 'c.yaml': 'apiVersion: v1\nkind: ConfigMap\n' });
    assert.equal(pick(a, 's.yaml'), 'default/b');
    assert.equal(pick(a, 'c.yaml'), 'no-service: ');
    assert.equal(pick(a, 'c.yaml', { name: 'b' }), 'no-service: ');
  });

  test('the same namespace and name twice in a file: the first; one Service of a name whose namespace changed: that one, marked', () => {
    const twice = analyse({ 's.yaml': `${svc('web', 'shop', 81)}---\n${svc('web', 'shop', 82)}` });
    const first = pickService(twice, 's.yaml', { name: 'web', namespace: 'shop' });
    assert.ok(first.ok && first.service.service.ports[0].port === 81);
    const bare = pickService(twice, 's.yaml', { name: 'web' });
    assert.ok(bare.ok && bare.service.service.ports[0].port === 81, 'one namespace: not ambiguous, the first');
    const a = analyse({ 's.yaml': svc('web', 'shop') });
    assert.equal(pick(a, 's.yaml', { name: 'web', namespace: 'old' }), 'shop/web (namespace ignored)');
  });

  test('an unknown namespace (a template expression) is null; an unnamed Service is name null', () => {
    const a = analyse({
      's.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: "{{ .Release.Namespace }}"\nspec:\n  ports: [{port: 80}]\n---\n${svc('web', 'shop')}---\napiVersion: v1\nkind: Service\nspec:\n  ports: [{port: 80}]\n`,
    });
    assert.equal(pick(a, 's.yaml', { name: 'web', namespace: null }), '?/web');
    assert.equal(pick(a, 's.yaml', { name: 'web' }), 'ambiguous: ?/web, shop/web');
    assert.equal(pick(a, 's.yaml', { name: null }), 'default/(unnamed)');
  });
});
