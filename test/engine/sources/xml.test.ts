import * as assert from 'node:assert/strict';
import { parseXml } from '../../../server/src/engine/parse/xml';
import { cpuMs } from '../../support/cpu-time';

function slice(text: string, s: { start: number; end: number }): string {
  return text.slice(s.start, s.end);
}

suite('parse/xml', () => {
  test('builds a tree with spans of elements, start/end tags and attribute values', () => {
    const text = '\ufeff<?xml version="1.0" encoding="utf-8"?>\n<zone target = \'ACCEPT\'>\n  <port port="80" protocol="tcp"/>\n  <short>A &amp; B</short>\n</zone>\n';
    const { root, problems } = parseXml(text);
    assert.deepEqual(problems, []);
    assert.ok(root);
    assert.equal(root.name, 'zone');
    assert.equal(slice(text, root.span), text.slice(text.indexOf('<zone'), text.lastIndexOf('>') + 1));
    assert.equal(slice(text, root.startTagSpan), "<zone target = 'ACCEPT'>");
    assert.ok(root.endTagSpan);
    assert.equal(slice(text, root.endTagSpan), '</zone>');
    const target = root.attributes.get('target');
    assert.ok(target);
    assert.equal(target.value, 'ACCEPT');
    assert.equal(slice(text, target.span), 'ACCEPT');
    assert.equal(slice(text, target.nameSpan), 'target');
    assert.deepEqual(root.children.map((c) => c.name), ['port', 'short']);
    const port = root.children[0];
    assert.equal(port.selfClosing, true);
    assert.equal(slice(text, port.span), '<port port="80" protocol="tcp"/>');
    assert.equal(port.endTagSpan, undefined);
    assert.equal(slice(text, port.attributes.get('protocol')!.span), 'tcp');
    assert.equal(slice(text, port.attributes.get('port')!.nameSpan), 'port');
  });

  test('spans are UTF-16 offsets even after astral characters', () => {
    const text = '<!-- 😀😀 --><zone><port port="1" protocol="tcp"/></zone>';
    const { root } = parseXml(text);
    assert.ok(root);
    assert.equal(root.span.start, text.indexOf('<zone'));
    assert.equal(slice(text, root.children[0].attributes.get('port')!.span), '1');
  });

  test('decoded attribute values keep the span of the raw text', () => {
    const text = '<a x="1 &lt; 2"/>';
    const { root } = parseXml(text);
    const x = root!.attributes.get('x')!;
    assert.equal(x.value, '1 < 2');
    assert.equal(slice(text, x.span), '1 &lt; 2');
  });

  test('malformed XML gives problems with spans and still a partial tree, without throwing', () => {
    const text = '<zone>\n  <port port="80" protocol="tcp">\n  <service name="ssh"/>\n</zone>';
    const { root, problems } = parseXml(text);
    assert.ok(problems.length > 0);
    for (const p of problems) {
      assert.ok(p.span.start >= 0 && p.span.end <= text.length && p.span.start <= p.span.end);
      assert.ok(p.message.length > 0);
      assert.doesNotMatch(p.message, /^\d+:\d+:/); // position prefix removed
    }
    assert.ok(root);
    assert.equal(root.name, 'zone');
    // the unclosed <port> has no end tag of its own
    const port = root.children[0];
    assert.equal(port.name, 'port');
    assert.equal(port.endTagSpan, undefined);
  });

  test('a truncated document ends its open elements at the end of the text', () => {
    const text = '<zone>\n  <port port="80" protocol="tcp"/>\n  <rule family="ipv4">';
    const { root, problems } = parseXml(text);
    assert.ok(problems.length > 0);
    assert.ok(root);
    assert.equal(root.span.end, text.length);
    assert.equal(root.children.length, 2);
  });

  test('garbage, empty and binary input never throw', () => {
    for (const text of ['', 'not xml at all', '\u0000\u0001\u0002<<<>>>', '<', '<a b="', '</a>', '<a></b>', '\u0000'.repeat(10_000)]) {
      const r = parseXml(text);
      assert.ok(Array.isArray(r.problems));
      assert.ok(r.problems.length <= 21, `too many problems for ${JSON.stringify(text.slice(0, 10))}`);
    }
    assert.ok(parseXml('').problems.length > 0);
  });

  test('a billion-laughs document is answered quickly with a problem, without expanding anything', () => {
    const decls = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) decls.push(`<!ENTITY lol${i} "${`&lol${i - 1 === 0 ? '' : i - 1};`.repeat(10)}">`);
    const text = `<?xml version="1.0"?>\n<!DOCTYPE zone [\n ${decls.join('\n ')}\n]>\n<zone><short>&lol9;</short><port port="22" protocol="tcp"/></zone>`;
    let parsed!: ReturnType<typeof parseXml>;
    assert.ok(cpuMs(() => { parsed = parseXml(text); }) < 1000);
    const { root, problems } = parsed;
    assert.ok(problems.some((p) => /DOCTYPE/.test(p.message) && /not expanded/.test(p.message)));
    const doctypeProblem = problems.find((p) => /DOCTYPE/.test(p.message))!;
    assert.ok(slice(text, doctypeProblem.span).startsWith('<!DOCTYPE'));
    assert.ok(problems.some((p) => /undefined entity/.test(p.message)));
    assert.ok(root);
    assert.equal(root.children.length, 2);
    assert.equal(root.children[1].attributes.get('port')!.value, '22');
  });

  test('an external entity is neither fetched nor expanded', () => {
    const text = '<?xml version="1.0"?>\n<!DOCTYPE zone [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<zone><short>&xxe;</short></zone>';
    const { problems } = parseXml(text);
    assert.ok(problems.some((p) => /DOCTYPE/.test(p.message)));
    assert.ok(problems.some((p) => /undefined entity/.test(p.message)));
  });

  test('depth and element count are bounded', () => {
    const deep = '<a>'.repeat(200) + '</a>'.repeat(200);
    const d = parseXml(deep);
    assert.ok(d.problems.some((p) => /nested deeper than 64/.test(p.message)));
    const many = '<zone>' + '<port port="1" protocol="tcp"/>'.repeat(200) + '</zone>';
    const m = parseXml(many, { maxDepth: 64, maxElements: 100, maxProblems: 20 });
    assert.ok(m.problems.some((p) => /more than 100 elements/.test(p.message)));
    assert.equal(m.root!.children.length, 99);
    const ok = parseXml(many);
    assert.deepEqual(ok.problems, []);
    assert.equal(ok.root!.children.length, 200);
  });
});
