/**
 * The language server's stdio reader (server/src/lsp/transport.ts), fed byte streams: split anywhere, several
 * messages in one chunk, bad, negative, huge and non-numeric lengths, header blocks without a length, garbage
 * between messages, a length that points past a truncated body, Content-Type headers, CRLF and bare LF; memory
 * stays within the limit whatever comes. A property (fast-check, seeded: `FUZZ_SEED=S` replays) mixes valid
 * messages with garbage that holds no header line of its own: every message arrives, in order.
 */
import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { MessageFramer, RobustMessageReader, MAX_HEADER_BYTES, MAX_HEADER_LINES, type FramerLimits } from '../../server/src/lsp/transport';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x7fffffff);

/** A framer that records what it delivers and why it dropped input. */
function framer(limits?: FramerLimits): { f: MessageFramer; messages: unknown[]; dropped: string[]; push(...parts: (string | Buffer)[]): void } {
  const messages: unknown[] = [];
  const dropped: string[] = [];
  const f = new MessageFramer({ message: (m) => messages.push(m), dropped: (r) => dropped.push(r) }, limits);
  return { f, messages, dropped, push: (...parts) => { for (const p of parts) f.push(typeof p === 'string' ? Buffer.from(p, 'utf8') : p); } };
}

/** One well-formed frame (`eol` between header lines; extra headers before or after the length). */
function frame(message: unknown, options: { eol?: string; before?: string[]; after?: string[]; name?: string } = {}): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const eol = options.eol ?? '\r\n';
  const lines = [...(options.before ?? []), `${options.name ?? 'Content-Length'}: ${body.length}`, ...(options.after ?? [])];
  return Buffer.concat([Buffer.from(lines.map((l) => l + eol).join('') + eol, 'ascii'), body]);
}

const hover = (id: number) => ({ jsonrpc: '2.0', id, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///w/a.yaml' }, position: { line: 1, character: 2 } } });

suite('LSP transport: framing', () => {
  test('a message split at every byte, and many messages in one chunk, arrive whole and in order', () => {
    const m = { jsonrpc: '2.0', method: 'x', params: { text: 'é🙂 Content-Length: 5\r\n\r\n{}', n: [1, 2, 3] } };
    const bytes = frame(m);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const r = framer();
      r.push(bytes.subarray(0, cut), bytes.subarray(cut));
      assert.deepEqual(r.messages, [m], `cut at ${cut}`);
      assert.deepEqual(r.dropped, []);
    }
    const byByte = framer();
    for (const b of bytes) byByte.push(Buffer.from([b]));
    assert.deepEqual(byByte.messages, [m]);
    const many = Array.from({ length: 200 }, (_, i) => hover(i));
    const r = framer();
    r.push(Buffer.concat(many.map((x) => frame(x))));
    assert.deepEqual(r.messages, many);
    assert.equal(r.f.buffered, 0);
  });

  test('Content-Type before or after the length, other headers, any case, CRLF or a bare LF', () => {
    const r = framer();
    const type = 'Content-Type: application/vscode-jsonrpc; charset=utf-8';
    r.push(
      frame(hover(1), { before: [type] }),
      frame(hover(2), { after: [type] }),
      frame(hover(3), { name: 'content-length', before: ['X-Trace: on'] }),
      frame(hover(4), { eol: '\n', after: [type] }),
      frame(hover(5), { name: 'CONTENT-LENGTH' }),
    );
    assert.deepEqual(r.messages, [1, 2, 3, 4, 5].map(hover));
    assert.deepEqual(r.dropped, []);
  });

  test('a JSON body that holds header-like text (escaped, or pretty-printed over raw newlines) is delivered as it is', () => {
    const tricky = { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///w/lsp.md', version: 1, languageId: 'markdown', text: 'Content-Length: 12\r\n\r\n{"a":1}\nContent-Length: 99999999999\n' } } };
    const pretty = Buffer.from(JSON.stringify(tricky, null, 2).replace(/\n/g, '\r\n'), 'utf8');
    const r = framer();
    r.push(frame(tricky), Buffer.from(`Content-Length: ${pretty.length}\r\n\r\n`), pretty, frame(hover(7)));
    assert.deepEqual(r.messages, [tricky, tricky, hover(7)]);
    assert.deepEqual(r.dropped, []);
  });
});

suite('LSP transport: bad framing is dropped up to the next header', () => {
  const cases: [string, string, RegExp][] = [
    ['a negative length', 'Content-Length: -5\r\n\r\n{"jsonrpc":"2.0","id":99,"method":"x"}', /"-5" is not a length/],
    ['a length that is not a number', 'Content-Length: twelve\r\n\r\n{"jsonrpc":"2.0"}', /"twelve" is not a length/],
    ['a length with a unit', 'Content-Length: 12kb\r\n\r\n{"jsonrpc":"2.0"}', /"12kb" is not a length/],
    ['an empty length', 'Content-Length:\r\n\r\n{}', /"" is not a length/],
    ['a length in hex', 'Content-Length: 0x20\r\n\r\n{}', /"0x20" is not a length/],
    ['a huge length', 'Content-Length: 99999999999\r\n\r\n{"jsonrpc":"2.0","id":98,"method":"x"}', /over the limit/],
    ['a length with more digits than any number', `Content-Length: ${'9'.repeat(400)}\r\n\r\n{}`, /is not a length/],
    ['a header block without a length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{"jsonrpc":"2.0","id":97,"method":"x"}', /without Content-Length/],
    ['a header line without a colon', 'Content-Length 20\r\n\r\n{"jsonrpc":"2.0"}', /not "Name: value"/],
    ['two lengths that differ', 'Content-Length: 3\r\nContent-Length: 4\r\n\r\n{}', /differ/],
    ['binary bytes', '\u0000\u0001\u00ff\u0002\r\n\r\n', /not text/],
    ['a stray blank line', '\r\n', /without Content-Length/],
    ['plain text', 'hello server, how are you?\n', /not "Name: value"/],
    ['a body that is not JSON', 'Content-Length: 9\r\n\r\nnot json!', /not JSON/],
    ['a zero length', 'Content-Length: 0\r\n\r\n', /not JSON/],
  ];
  for (const [what, bad, reason] of cases) {
    test(`${what}, then a valid message: the valid one arrives`, () => {
      const r = framer();
      r.push(frame(hover(1)), Buffer.from(bad, 'latin1'), frame(hover(2)));
      assert.deepEqual(r.messages, [hover(1), hover(2)]);
      assert.ok(r.dropped.some((d) => reason.test(d)), JSON.stringify(r.dropped));
      assert.equal(r.f.buffered, 0);
      // and split byte by byte
      const s = framer();
      for (const b of Buffer.concat([frame(hover(1)), Buffer.from(bad, 'latin1'), frame(hover(2))])) s.push(Buffer.from([b]));
      assert.deepEqual(s.messages, [hover(1), hover(2)]);
    });
  }

  test('JSON that is not a message object (array, null, number, string) is dropped by its length', () => {
    const r = framer();
    for (const body of ['[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]', 'null', '42', '"text"']) r.push(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    r.push(frame(hover(3)));
    assert.deepEqual(r.messages, [hover(3)]);
    assert.equal(r.dropped.length, 4);
  });

  test('garbage between messages, with and without line ends, is skipped', () => {
    const r = framer();
    r.push(frame(hover(1)), 'xyz', frame(hover(2)), 'a: b\r\n\r\n', frame(hover(3)), 'Content-Length: 3', frame(hover(4)), 'X: 1\r\n\r', frame(hover(5)));
    assert.deepEqual(r.messages, [1, 2, 3, 4, 5].map(hover));
  });

  test('a length that points past a truncated body: the next message is read as soon as its header line is there', () => {
    const r = framer();
    r.push('Content-Length: 1000\r\n\r\n{"jsonrpc":"2.0","id":1,"meth', frame(hover(2)));
    // nothing else was sent: the valid request is not held back waiting for the 1,000 bytes
    assert.deepEqual(r.messages, [hover(2)]);
    assert.ok(r.dropped.some((d) => /cut short/.test(d)), JSON.stringify(r.dropped));
    assert.equal(r.f.buffered, 0);
    // the same with a length within the limit but far beyond what comes, and the header split across chunks
    const s = framer();
    const next = frame(hover(3));
    s.push('Content-Length: 60000000\r\n\r\n{"a":', next.subarray(0, 10));
    assert.deepEqual(s.messages, []);
    s.push(next.subarray(10));
    assert.deepEqual(s.messages, [hover(3)]);
  });

  test('memory stays within the limit: a huge length, endless garbage, a body over the limit, a header block that never ends', () => {
    const limits = { maxMessageBytes: 64 * 1024, maxHeaderBytes: 1024 };
    const r = framer(limits);
    let most = 0;
    const push = (b: Buffer | string) => { r.push(b); most = Math.max(most, r.f.buffered); };
    const junk = Buffer.alloc(32 * 1024, 'x');
    const junkLines = Buffer.from('Content-Length: 5 is what I said\n'.repeat(1000));
    push('Content-Length: 99999999999\r\n\r\n');
    for (let i = 0; i < 200; i++) push(i % 2 ? junk : junkLines); // 6 MB
    push(frame(hover(1)));
    // a body that declares a length over the limit
    push(`Content-Length: ${limits.maxMessageBytes + 1}\r\n\r\n`);
    for (let i = 0; i < 10; i++) push(junk);
    push(frame(hover(2)));
    // a header line that goes on and on
    push('X-Pad: ');
    for (let i = 0; i < 10; i++) push(junk);
    push('\r\n\r\n');
    push(frame(hover(3)));
    assert.deepEqual(r.messages, [hover(1), hover(2), hover(3)]);
    assert.ok(most <= 2 * junk.length + 1024, `${most} bytes held at most`);
    // a body at the limit is read whole
    const big = { jsonrpc: '2.0', method: 'x', params: 'y'.repeat(limits.maxMessageBytes - 60) };
    const bigFrame = frame(big);
    assert.ok(bigFrame.length - bigFrame.indexOf('{') <= limits.maxMessageBytes);
    for (let i = 0; i < bigFrame.length; i += 1000) r.push(bigFrame.subarray(i, i + 1000));
    assert.deepEqual(r.messages.at(-1), big);
  });

  test('a header block over the limit, in bytes or in lines, is dropped', () => {
    const r = framer();
    r.push(`X-Pad: ${'p'.repeat(MAX_HEADER_BYTES)}\r\n`, frame(hover(1)));
    r.push('X-Line: 1\r\n'.repeat(MAX_HEADER_LINES + 1), frame(hover(2)));
    // header lines that each could start a block, none ended: every one is dropped in turn
    r.push('Content-Length: 5\r\n'.repeat(5000), '\r\n', frame(hover(3)));
    assert.deepEqual(r.messages, [hover(1), hover(2), hover(3)]);
    assert.ok(r.dropped.some((d) => /longer than/.test(d)), JSON.stringify(r.dropped));
    assert.ok(r.dropped.some((d) => /more than 16 lines/.test(d)), JSON.stringify(r.dropped));
  });
});

suite('LSP transport: property', () => {
  test('valid messages mixed with garbage that holds no header line of its own, split anywhere: every message arrives, in order', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const messageArb = fc.record({ jsonrpc: fc.constant('2.0'), id: fc.nat(), method: fc.string({ maxLength: 20 }), params: fc.oneof(json, fc.constant('Content-Length: 7\r\n\r\n{}')) });
    // no 'g': no "Content-Length" can be spelt, whatever the bytes
    const garbageArb = fc.uint8Array({ minLength: 1, maxLength: 60 }).map((a) => Buffer.from(a.map((b) => (b === 0x67 || b === 0x47 ? 0x2a : b))));
    const partArb = fc.oneof(
      { weight: 3, arbitrary: messageArb.chain((m) => fc.record({ m: fc.constant(m), eol: fc.constantFrom('\r\n', '\n'), type: fc.boolean() })) },
      { weight: 1, arbitrary: garbageArb },
    );
    fc.assert(fc.property(fc.array(partArb, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (parts, cuts) => {
      const expected: unknown[] = [];
      const bytes = Buffer.concat(parts.map((p) => {
        if (Buffer.isBuffer(p)) return p;
        // (a message is not "expected" through fast-check's JSON with -0 and the like: compare the JSON round trip)
        expected.push(JSON.parse(JSON.stringify(p.m)));
        return frame(p.m, { eol: p.eol, after: p.type ? ['Content-Type: application/vscode-jsonrpc; charset=utf-8'] : [] });
      }));
      const r = framer();
      let at = 0;
      for (const c of [...cuts].sort((a, b) => a - b)) {
        const to = Math.min(bytes.length, c);
        if (to > at) { r.push(bytes.subarray(at, to)); at = to; }
      }
      r.push(bytes.subarray(at));
      assert.deepEqual(r.messages, expected);
    }), { seed: SEED, numRuns: 300 });
  });
});

suite('LSP transport: the reader over a stream', () => {
  test('messages go to the callback in order, a bad header is reported, the end of the stream closes the reader', async () => {
    const stream = new PassThrough();
    const reports: string[] = [];
    const reader = new RobustMessageReader(stream, { report: (r) => reports.push(r) });
    const got: unknown[] = [];
    const closed = new Promise<void>((resolve) => reader.onClose(() => resolve()));
    reader.listen((m) => got.push(m));
    stream.write(frame(hover(1)));
    stream.write('Content-Length: -1\r\n\r\n{}');
    stream.write(frame(hover(2)).subarray(0, 5));
    stream.end(frame(hover(2)).subarray(5));
    await closed;
    assert.deepEqual(got, [hover(1), hover(2)]);
    assert.equal(reports.length, 1);
    assert.match(reports[0], /"-1" is not a length/);
    assert.equal(reader.stats?.messages, 2);
  });

  test('a flood of bad headers is reported once per run, not once per header', async () => {
    const stream = new PassThrough();
    const reports: string[] = [];
    const reader = new RobustMessageReader(stream, { report: (r) => reports.push(r) });
    const got: unknown[] = [];
    const closed = new Promise<void>((resolve) => reader.onClose(() => resolve()));
    reader.listen((m) => got.push(m));
    stream.write('Content-Length: 99999999999\r\n'.repeat(10000));
    stream.write(frame(hover(1)));
    stream.end('Content-Length: -1\r\n\r\n');
    await closed;
    assert.deepEqual(got, [hover(1)]);
    assert.ok((reader.stats?.resyncs ?? 0) >= 10000, JSON.stringify(reader.stats));
    assert.equal(reports.length, 3, JSON.stringify(reports));
    assert.match(reports[1], /9999 more bad frames/);
  });
});
