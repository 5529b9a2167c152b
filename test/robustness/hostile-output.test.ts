/**
 * Hostile repository content at the output edges: names, port names, annotation values, labels and file names
 * that hold terminal escape sequences (ESC, BEL, CR, OSC 52 clipboard writes, OSC 8 hyperlinks, a screen
 * clear), bidi overrides, or markdown and HTML. The CLI's text output shows them escaped and never gets an extra
 * line; hovers and completion documentation show them as text (no image, link or HTML); SARIF artifact URIs are
 * percent-encoded; JSON stays JSON.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, tempDir, writeFile } from '../support/cli';
import { sarifUri } from '../../server/src/cli/format';
import { escapeControls } from '../../server/src/engine/text/escape';
import { mdCode, mdText } from '../../server/src/engine/features/markdown';
import { hoverAt } from '../../server/src/engine/features/hover';
import { completionsAt } from '../../server/src/engine/features/completion';
import { cursor, ready, workspace } from '../support/workspace';
import { LspClient, scratchWorkspace, uriOf } from '../lsp/support/lsp-client';

/** Anything a terminal or a viewer acts on: C0 (but the newline that ends a line), DEL, C1, bidi controls. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const ESC = '\u001b';
const BEL = '\u0007';
const OSC52 = `${ESC}]52;c;ZWNobyBwd25lZA==${BEL}`;
const CLEAR = `${ESC}[2J${ESC}[H`;
const LINK = `${ESC}]8;;https://evil.example/${ESC}\\`;
/** the same, fit for a file name (no `/`) */
const FILE_LINK = `${ESC}]8;;https:evil.example${ESC}\\`;
const FORGED = '\rweb.yaml:1:1 info forged-finding all good\n0 errors, 0 warnings, 0 notes in 0 Services (0 files read)\n::error::forged';

const run = runCli;

const newDir = (): string => tempDir('sr-hostile-out-');

const write = writeFile;

/** A YAML double-quoted string that holds `s` exactly. */
function yq(s: string): string {
  return JSON.stringify(s);
}

const ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';

/** A workspace whose every kind of user string carries a payload. */
function hostileWorkspace(root: string): { manifest: string; zone: string } {
  const manifest = `svc${ESC}[2J${OSC52}.yaml`;
  const zone = `fw${BEL}${FILE_LINK}/zones/public.xml`;
  write(root, manifest, [
    'apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${yq(`web${OSC52}${FORGED}`)}`, '  annotations:',
    `    service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode: ${yq(`SL-All${CLEAR}${FORGED}`)}`,
    'spec:', '  type: LoadBalancer', '  selector: {app: web}', '  ports:',
    `    - name: ${yq(`http${LINK}\u202e${FORGED}`)}`, '      port: 80', `      targetPort: ${yq(`x${BEL}${FORGED}`)}`, '      nodePort: 30080',
    '---', 'apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${yq(`empty${CLEAR}\u2066${FORGED}`)}`, 'spec:', '  type: ClusterIP', '',
  ].join('\n'));
  write(root, zone, ZONE);
  return { manifest, zone };
}

suite('robustness: hostile content at the output edges', function () {
  this.timeout(60_000);
  suiteSetup(ready);
  let root: string;
  setup(() => { root = newDir(); });
  teardown(() => fs.rmSync(root, { recursive: true, force: true }));

  test('escapeControls: C0, DEL, C1, bidi controls and line separators are shown escaped; the rest is kept', () => {
    assert.equal(escapeControls(`a${ESC}[2J${BEL}\r\n\tb`), 'a\\x1b[2J\\x07\\r\\n\\tb');
    assert.equal(escapeControls('\u0000\u007f\u0085\u009b'), '\\x00\\x7f\\x85\\x9b');
    assert.equal(escapeControls('\u202aa\u202eb\u2066c\u2069\u2028\u2029'), '\\u202Aa\\u202Eb\\u2066c\\u2069\\u2028\\u2029');
    assert.equal(escapeControls('\ud800x\udc00'), '\\uD800x\\uDC00', 'lone surrogates');
    const kept = 'plain ünïcödé 日本 🙂 \\ "quoted" ⛔ ✅';
    assert.equal(escapeControls(kept), kept);
    assert.doesNotMatch(escapeControls(OSC52 + FORGED + CLEAR + LINK), RAW_CONTROL);
  });

  test('text output: no raw control byte, one line per finding plus the summary, payloads visible as escapes', async () => {
    const { manifest } = hostileWorkspace(root);
    const json = await run(['check', '--format', 'json', '.'], root);
    const findings = (JSON.parse(json.out) as { findings: { file: string; code: string; message: string }[] }).findings;
    const text = await run(['check', '.'], root);
    assert.equal(text.code, json.code);
    assert.doesNotMatch(text.out, RAW_CONTROL);
    assert.doesNotMatch(text.err, RAW_CONTROL);
    const lines = text.out.split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.equal(lines.length, findings.length + 1, `one line per finding and the summary:\n${text.out}`);
    for (const l of lines.slice(0, -1)) assert.match(l, /^\S[^\n]*:\d+:\d+ (error|warning|info) [a-z-]+ /);
    assert.match(lines[lines.length - 1], /^\d+ errors?, \d+ warnings?, \d+ notes? in 2 Services \(2 files read, \d+ rules? read, \d+ not evaluated\)$/);
    // each kind of string reached the output, escaped
    assert.ok(findings.some((f) => f.file === manifest), 'the file name is in the findings');
    assert.ok(text.out.includes('svc\\x1b[2J\\x1b]52;c;ZWNobyBwd25lZA==\\x07.yaml:'), 'file name');
    assert.ok(findings.some((f) => f.message.includes(`empty${CLEAR}`)), 'a Service name is in a message');
    assert.ok(text.out.includes('empty\\x1b[2J\\x1b[H\\u2066\\rweb.yaml:1:1 info forged-finding'), 'Service name');
    assert.ok(text.out.includes('SL-All\\x1b[2J'), 'annotation value');
    assert.ok(text.out.includes('http\\x1b]8;;https://evil.example/\\x1b\\\\u202E'), 'port name');
    assert.ok(text.out.includes('x\\x07\\rweb.yaml'), 'targetPort name');
    assert.ok(findings.some((f) => f.message.includes(`web${OSC52}`)), 'the other Service name is in a message');
    assert.ok(text.out.includes('of Service web\\x1b]52;c;ZWNobyBwd25lZA==\\x07\\rweb.yaml:1:1 info'), 'Service name');
    assert.doesNotMatch(text.out, /^::error::/m, 'no forged CI runner command');
    assert.doesNotMatch(text.out, /^web\.yaml:1:1 info forged-finding/m, 'no forged finding line');
  });

  test('stderr lines (skipped files, --fix) are escaped too', async () => {
    hostileWorkspace(root);
    fs.mkdirSync(path.join(root, `dir${ESC}]52;c;eA==${BEL}`));
    fs.symlinkSync(os.tmpdir(), path.join(root, `dir${ESC}]52;c;eA==${BEL}`, `out${CLEAR}`));
    const r = await run(['check', '--fix', '.'], root);
    assert.match(r.err, /skipped dir\\x1b\]52;c;eA==\\x07\/out\\x1b\[2J\\x1b\[H: is a link to/);
    assert.ok(r.err.includes('wrote fw\\x07\\x1b]8;;https:evil.example\\x1b\\/zones/public.xml'), r.err);
    assert.doesNotMatch(r.err, RAW_CONTROL);
    assert.doesNotMatch(r.out, RAW_CONTROL);
  });

  test('JSON output stays JSON: no raw control byte, the exact strings after parsing', async () => {
    const { manifest } = hostileWorkspace(root);
    const r = await run(['check', '--format', 'json', '.'], root);
    assert.doesNotMatch(r.out, /[\u0000-\u0009\u000b-\u001f]/);
    const findings = (JSON.parse(r.out) as { findings: { file: string; message: string }[] }).findings;
    assert.ok(findings.some((f) => f.file === manifest));
    assert.ok(findings.some((f) => f.message.includes(`SL-All${CLEAR}${FORGED}`)));
  });

  test('SARIF artifact URIs are percent-encoded per segment: #, %2e%2e%2f, space, colon, unicode', async () => {
    const names = ['a#b.yaml', '%2e%2e%2fevil.yaml', 'with space.yaml', 'sub/c:x.yaml', 'ünï 日本.yaml', `e${ESC}[2J.yaml`, 'sub dir/q?x=1.yaml'];
    for (const n of names) write(root, n, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 80\n');
    const r = await run(['check', '--format', 'sarif', '.'], root);
    const log = JSON.parse(r.out) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uris = log.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri).sort();
    const base = 'file:///srcroot/';
    for (const n of names) {
      const uri = uris.find((u) => decodeURIComponent(u.split('/').pop()!) === n.split('/').pop());
      assert.ok(uri, `a result for ${n} (${uris.join(', ')})`);
      assert.match(uri, /^[A-Za-z0-9._~%/-]+$/, `${uri}: only unreserved characters, escapes and /`);
      const resolved = new URL(uri, base);
      assert.equal(resolved.hash, '', `${uri}: no fragment`);
      assert.equal(resolved.search, '', `${uri}: no query`);
      assert.equal(resolved.protocol, 'file:', `${uri}: no scheme of its own`);
      assert.equal(decodeURIComponent(resolved.pathname.slice('/srcroot/'.length)), n, `${uri} names ${n}, inside the root`);
    }
    assert.equal(sarifUri('a#b.yaml'), 'a%23b.yaml');
    assert.equal(sarifUri('c:x.yaml'), 'c%3Ax.yaml', 'not a scheme');
    assert.equal(sarifUri('%2e%2e%2fevil.yaml'), '%252e%252e%252fevil.yaml');
    assert.equal(sarifUri('./x y/ü.yaml'), 'x%20y/%C3%BC.yaml');
    assert.equal(sarifUri('../up/a.yaml'), '../up/a.yaml', 'a real parent folder stays one');
    assert.equal(sarifUri('x\ud800.yaml'), 'x%EF%BF%BD.yaml', 'a lone surrogate does not throw');
  });
});

// ------------------------------------------------------------------------------------------------ markdown

const IMG = '![](https://evil.example/track.png)';
const CMD = '[x](command:workbench.action.terminal.new)';
const HTML = '<img src=x onerror=alert(1)>';
const AUTO = 'https://evil.example/a www.evil.example me@evil.example';
const PAYLOAD = `${IMG}${CMD}${HTML}*b*_i_\`c\`${AUTO}${ESC}]52;c;eA==${BEL}\n# heading`;

/** Markdown as a CommonMark renderer turns it into HTML (markdown-it, with HTML and autolinks on: the worst case). */
function render(md: string): string | undefined {
  let MarkdownIt: new (o: object) => { render(s: string): string };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    MarkdownIt = require('markdown-it') as typeof MarkdownIt;
  } catch {
    return undefined;
  }
  return new MarkdownIt({ html: true, linkify: true }).render(md);
}

/**
 * No markup came from the payload: rendered, no image, HTML, link to the payload's addresses, emphasis or heading
 * (and no raw control character). Without a renderer at hand: no `<img` outside code and no `![`/`](` unescaped.
 */
function assertInert(md: string, what: string): void {
  const html = render(md);
  if (html === undefined) {
    const outsideCode = md.replace(/(`+)[^`]*?\1/g, '');
    assert.ok(!outsideCode.includes('<img'), `${what}: raw <img`);
    assert.doesNotMatch(outsideCode, /(^|[^\\])!\[|(^|[^\\])\]\(/, `${what}: an image or a link`);
  } else {
    assert.doesNotMatch(html, /<img|<h1|<em>|<script/i, `${what} renders markup:\n${html}`);
    assert.doesNotMatch(html, /href="[^"]*(evil|command:)/, `${what} renders a link:\n${html}`);
  }
  assert.doesNotMatch(md, RAW_CONTROL, `${what}: raw control character`);
}

suite('robustness: hostile content in hovers and completion documentation', function () {
  this.timeout(60_000);
  suiteSetup(ready);

  test('mdText and mdCode: text, never markup', () => {
    assertInert(mdText(PAYLOAD), 'mdText');
    assertInert(mdCode(PAYLOAD), 'mdCode');
    assert.equal(mdCode('a`b'), '``a`b``');
    assert.equal(mdCode('`x'), '`` `x ``');
    const html = render(`x ${mdText(PAYLOAD)} y`);
    if (html) assert.ok(html.includes('![](https://evil.example/track.png)') && html.includes('&lt;img src=x'), html);
  });

  const LIST_FILE = `oci${'[x](command:evil)<img src=x>'}/workers.json`;
  const LIST = JSON.stringify({ 'display-name': `workers[x](command:evil)${HTML}${IMG}`, 'ingress-security-rules': [{ protocol: '6', source: '0.0.0.0/0', 'tcp-options': { 'destination-port-range': { min: 22, max: 22 } } }] });
  const files = (name: string, port: string, label: string) => ({
    's.yaml': [
      'apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${yq(name)}`, `  namespace: ${yq(`ns${IMG}`)}`, 'spec:', '  type: NodePort',
      `  selector: {app: ${yq(label)}}`, '  ports:', `    - name: ${yq(port)}`, '      port: 80', `      targetPort: ${yq(port)}`, '      nodePort: 30080', '',
    ].join('\n'),
    'd.yaml': [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${yq(`dep${HTML}${CMD}`)}`, `  namespace: ${yq(`ns${IMG}`)}`, 'spec:',
      '  template:', '    metadata:', `      labels: {app: ${yq(label)}}`, '    spec:', '      containers:', '        - name: c',
      `          ports: [{name: ${yq(port)}, containerPort: 8080}]`, '',
    ].join('\n'),
    [LIST_FILE]: LIST,
  });

  test('hover on a port and on type: names, labels, port names, rule-source names and paths are inert', () => {
    const ws = workspace(files(`web${PAYLOAD}`, `p${PAYLOAD}`, `v${PAYLOAD}`));
    const text = ws.getText('s.yaml')!;
    for (const at of ['nodePort: 30080', 'type: NodePort']) {
      const h = hoverAt(ws, 's.yaml', text.indexOf(at) + 3);
      assert.ok(h, `a hover on ${at}`);
      assertInert(h.contents, `hover on ${at}`);
      assert.ok(h.contents.includes('evil.example'), 'the payload is in the hover (as text)');
      assert.ok(h.contents.includes('workers\\[x\\](command:evil)'), `the security list's name is in the hover (as text):\n${h.contents}`);
      assert.ok(h.contents.includes('`oci[x](command:evil)<img src=x>/workers.json:1`'), 'its path too (as code)');
    }
  });

  test('completion documentation: selector labels and the Services that use node ports are inert', () => {
    const f = files(`web${PAYLOAD}`, 'http', `v${PAYLOAD}`);
    const selector = cursor(f['s.yaml'].replace(`  selector: {app: ${yq(`v${PAYLOAD}`)}}`, '  selector:\n    |'));
    const ws = workspace({ ...f, 's.yaml': selector.text });
    const items = completionsAt(ws, 's.yaml', selector.offset);
    const app = items.find((i) => i.label === 'app');
    assert.ok(app?.documentation?.includes('evil.example'), JSON.stringify(items.map((i) => i.label)));
    if (!app) return;
    assertInert(app.documentation ?? '', 'selector completion');
    const np = cursor(f['s.yaml'].replace('  ports:', '  healthCheckNodePort: |\n  ports:'));
    const ws2 = workspace({ ...f, 's.yaml': np.text, 'o.yaml': f['s.yaml'].replace('30080', '30081') });
    const free = completionsAt(ws2, 's.yaml', np.offset);
    assert.ok(free.length > 0 && free[0].documentation?.includes('evil.example'), JSON.stringify(free[0]));
    for (const i of free) assertInert(i.documentation ?? '', 'node-port completion');
  });

  test('the editor never trusts the markdown: the client says so, nothing marks it trusted or allows HTML', () => {
    const root = path.resolve(__dirname, '../../..');
    const client = fs.readFileSync(path.join(root, 'client/src/extension.ts'), 'utf8');
    assert.match(client, /markdown: \{ isTrusted: false, supportHtml: false, supportThemeIcons: false \}/);
    const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((d) => (d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
    for (const f of [...sources(path.join(root, 'client/src')), ...sources(path.join(root, 'server/src'))]) {
      const s = fs.readFileSync(f, 'utf8');
      assert.doesNotMatch(s, /isTrusted\s*[:=]\s*(true|\{)|supportHtml\s*[:=]\s*true|enableCommandUris\s*:\s*true/, f);
    }
  });
});

suite('robustness: a hostile hover over the language server', function () {
  this.timeout(30_000);
  let root: string;
  let client: LspClient;
  const WEB = ['apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${yq(`web${IMG}${CMD}${HTML}`)}`, 'spec:', '  type: NodePort', '  ports:', '    - port: 80', '      nodePort: 30080', ''].join('\n');

  suiteSetup(async () => {
    root = scratchWorkspace({ 'web.yaml': WEB, 'zones/public.xml': ZONE });
    client = LspClient.start(root);
    await client.initialize(root);
  });
  suiteTeardown(async () => {
    await client?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('textDocument/hover: markdown whose workspace strings are escaped', async () => {
    const uri = uriOf(root, 'web.yaml');
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: WEB } });
    const line = WEB.split('\n').findIndex((l) => l.includes('nodePort: 30080'));
    const h = await client.request<{ contents: { kind: string; value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line, character: 12 } });
    assert.equal(h.contents.kind, 'markdown');
    assertInert(h.contents.value, 'LSP hover');
    assert.ok(h.contents.value.includes('**Service web\\!\\[\\](https\\://evil.example/track.png)\\[x\\](command:workbench.action.terminal.new)&lt;img src=x onerror=alert(1)\\>**'), h.contents.value);
  });
});
