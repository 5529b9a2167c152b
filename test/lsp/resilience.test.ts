/**
 * Resilience of the language server, over stdio as a client sees it: a seeded storm of malformed and
 * out-of-order requests and notifications (bad and foreign URIs, positions past the end, negative or not numbers,
 * missing fields, unknown and closed documents, didChange before didOpen, didOpen twice, versions going
 * backwards, params of the wrong type, unknown methods, `$/cancelRequest` for requests in flight and for ids
 * nobody sent, very large documents, binary-ish text, frames that are not JSON-RPC at all). Every request must be
 * answered — a result or a JSON-RPC error, never silence — the process must stay up, and afterwards the server
 * must give the same diagnostics and hover for a normal Service file as before the storm.
 *
 * Then rule sources that disappear or become unreadable while an analysis is pending (a zone deleted, a security
 * list made unreadable with chmod 000, replaced by a folder of the same name or by a dangling link): the server
 * keeps serving and the diagnostics follow the disk.
 *
 * And an untrusted workspace: analysis and quick fixes that edit, never a command; `workspace/executeCommand` is
 * not served at all.
 *
 * The client here writes raw JSON-RPC (vscode-jsonrpc's stream reader and writer, no request bookkeeping of its
 * own) so that params of any shape, ids of any kind and frames that are not messages at all can be sent.
 * Seeded and reproducible: `FUZZ_SEED=S` replays a run (the seed is printed with the counts:
 * `lsp resilience: N requests, M errors answered, seed S`); `FUZZ_SCALE=k` sends k times as many. Answers that
 * depend on timing (which diagnostics exist when a request is made) can make a replay differ in detail.
 * Debugging aids: `LSP_STORM_SKIP=didOpen,watched,…` generates those steps but does not send them (the rest of the
 * storm stays the same); `LSP_TRACE=FILE` writes every message to FILE; `LSP_SERVER_NODE_ARGS='--cpu-prof
 * --cpu-prof-dir=DIR'` passes node options to the server.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StreamMessageReader, StreamMessageWriter, type Message } from 'vscode-jsonrpc/node';
import { URI } from 'vscode-uri';
import { SERVER_BIN, scratchWorkspace, uriOf, writeFile, type Diagnostic } from './support/lsp-client';
import { Waiters, type Waiter } from './support/waiters';
import { API, WEB, ZONE, ZONE_OPEN } from './support/fixtures';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) >>> 0 : (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
const SCALE = process.env.FUZZ_SCALE !== undefined && Number(process.env.FUZZ_SCALE) > 0 ? Number(process.env.FUZZ_SCALE) : 1;
/** requests with an id in the storm (each must be answered) */
const STORM_REQUESTS = Math.max(1, Math.round(1200 * SCALE));
/** an unanswered request is a failure after this long (the suite as a whole takes far less) */
const ANSWER_DEADLINE_MS = 20000;
const REQUEST_CANCELLED = -32800;
const T0 = performance.now();
/** LSP_TRACE=FILE: every message sent and received, with the time, to FILE (a debugging aid) */
const TRACE = process.env.LSP_TRACE;
function trace(dir: '->' | '<-', message: unknown): void {
  if (TRACE) fs.appendFileSync(TRACE, `${(performance.now() - T0).toFixed(0)} ${dir} ${(typeof message === 'string' ? message : JSON.stringify(message) ?? '').slice(0, 1000)}\n`);
}
/** the server's code (as bin/service-reach-lsp.js loads it) */
const SERVER_MODULE = path.resolve(__dirname, '../../server/src/lsp/main.js');

// ------------------------------------------------------------------------------------------- fixtures

/** An OCI security list that lets 30080 in from anywhere (and nothing else). */
const SECLIST = `{
  "data": {
    "display-name": "workers",
    "id": "ocid1.securitylist.oc1.fra.aaaaexampleworkers",
    "ingress-security-rules": [
      {
        "is-stateless": false,
        "protocol": "6",
        "source": "0.0.0.0/0",
        "source-type": "CIDR_BLOCK",
        "tcp-options": { "destination-port-range": { "max": 30080, "min": 30080 }, "source-port-range": null }
      }
    ],
    "egress-security-rules": []
  }
}
`;

const ZONE_REL = 'infra/firewalld/zones/public.xml';
const SECLIST_REL = 'infra/oci/workers.json';

// ------------------------------------------------------------------------------------------ raw client

interface Answer {
  id: number | string;
  method: string;
  result?: unknown;
  error?: { code: unknown; message: unknown; data?: unknown };
  ms: number;
}

interface Pending {
  id: number | string;
  method: string;
  sentAt: number;
  answer: Promise<Answer>;
}

/**
 * `service-reach-lsp --stdio` in a child process and a client that writes whatever it is given. Writes go one
 * after the other through one writer (a raw frame never lands between another message's header and body).
 */
class RawServer {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly logs: { type: number; message: string }[] = [];
  readonly stderr: string[] = [];
  /** server → client requests (configuration, progress, registrations) */
  readonly serverRequests: string[] = [];
  private readonly writer: StreamMessageWriter;
  private readonly reader: StreamMessageReader;
  private readonly waiting = new Map<string, (a: Omit<Answer, 'ms' | 'method'>) => void>();
  private readonly waiters = new Waiters(() => this.exited, () => `stderr: ${this.stderr.join('').slice(-2000)}; log: ${this.logs.slice(-5).map((l) => l.message).join(' | ')}`);
  private chain: Promise<void> = Promise.resolve();
  private nextId = 1;
  exited: number | null | undefined;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.writer = new StreamMessageWriter(child.stdin);
    this.reader = new StreamMessageReader(child.stdout);
    child.stderr.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    child.on('exit', (code) => { this.exited = code; this.poke(); });
    child.stdin.on('error', () => { /* the server is gone: reported through `exited` */ });
    child.on('error', (err) => { this.stderr.push(`spawn: ${String(err)}`); this.exited ??= null; this.poke(); });
    this.reader.onError((err) => this.stderr.push(`client reader: ${String(err)}`));
    this.reader.listen((m: Message) => this.received(m as unknown as Record<string, unknown>));
  }

  static start(cwd: string, options: { uid?: number; gid?: number } = {}): RawServer {
    // LSP_SERVER_NODE_ARGS: node options for the server (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), a debugging aid
    const nodeArgs = (process.env.LSP_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, SERVER_BIN, '--stdio'], { cwd, stdio: ['pipe', 'pipe', 'pipe'], ...options });
    return new RawServer(child);
  }

  private received(m: Record<string, unknown>): void {
    trace('<-', m);
    const method = typeof m.method === 'string' ? m.method : undefined;
    if (method !== undefined && (typeof m.id === 'number' || typeof m.id === 'string')) {
      // a request from the server: answer it as a plain client would
      this.serverRequests.push(method);
      const params = m.params as { items?: unknown[] } | undefined;
      const result = method === 'workspace/configuration' ? (Array.isArray(params?.items) ? params!.items.map(() => null) : []) : null;
      this.send({ jsonrpc: '2.0', id: m.id, result });
      return;
    }
    if (method === 'textDocument/publishDiagnostics') {
      const p = m.params as { uri: string; diagnostics: Diagnostic[] };
      this.diagnostics.set(p.uri, p.diagnostics);
    } else if (method === 'window/logMessage') {
      const p = m.params as { type: number; message: string };
      this.logs.push({ type: p.type, message: p.message });
    } else if (method === undefined && m.id !== undefined) {
      const key = JSON.stringify(m.id);
      const resolve = this.waiting.get(key);
      if (resolve) {
        this.waiting.delete(key);
        resolve({ id: m.id as number | string, result: m.result, error: m.error as Answer['error'] });
      } else {
        this.stderr.push(`client: an answer nobody asked for: ${JSON.stringify(m).slice(0, 300)}`);
      }
    }
    this.poke();
  }

  private poke(): void {
    this.waiters.poke();
  }

  /** Write one message object as it is (after every earlier write). */
  send(message: object): Promise<void> {
    trace('->', message);
    const next = this.chain.then(() => this.writer.write(message as Message)).catch(() => { /* the server is gone */ });
    this.chain = next;
    return next;
  }

  /** Write one frame with a body that need not be JSON-RPC, nor JSON. */
  sendFrame(body: string): Promise<void> {
    trace('->', `(a frame) ${body}`);
    const bytes = Buffer.from(body, 'utf8');
    const next = this.chain.then(() => new Promise<void>((resolve) => {
      this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]), () => resolve());
    }));
    this.chain = next;
    return next;
  }

  newId(): number {
    return this.nextId++;
  }

  /** Send a request; `params` undefined leaves the member out. The answer, or a rejection after the deadline. */
  request(method: string, params: unknown, id: number | string = this.newId()): Pending {
    const sentAt = performance.now();
    const key = JSON.stringify(id);
    const answer = new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`no answer to request ${key} (${method}) within ${ANSWER_DEADLINE_MS} ms`));
      }, ANSWER_DEADLINE_MS);
      const w: Waiter = {
        run: () => {
          if (this.exited === undefined) return;
          clearTimeout(timer);
          this.waiters.delete(w);
          reject(new Error(`the server exited (${this.exited}) before answering ${key} (${method}); stderr: ${this.stderr.join('').slice(-2000)}`));
        },
      };
      this.waiters.add(w);
      this.waiting.set(key, (a) => {
        clearTimeout(timer);
        this.waiters.delete(w);
        resolve({ ...a, method, ms: performance.now() - sentAt });
      });
    });
    const message: Record<string, unknown> = { jsonrpc: '2.0', id, method };
    if (params !== undefined) message.params = params;
    void this.send(message);
    return { id, method, sentAt, answer };
  }

  /** A request whose answer must be a result (an error fails the test). */
  async call<R>(method: string, params: unknown): Promise<R> {
    const a = await this.request(method, params).answer;
    if (a.error) throw new Error(`${method} answered with an error: ${JSON.stringify(a.error)}`);
    return a.result as R;
  }

  notify(method: string, params: unknown): Promise<void> {
    const message: Record<string, unknown> = { jsonrpc: '2.0', method };
    if (params !== undefined) message.params = params;
    return this.send(message);
  }

  waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 15000): Promise<T> {
    return this.waiters.waitFor(what, check, timeoutMs);
  }

  /** Wait for the diagnostics of `uri` to satisfy `pred` (the latest published set; none published yet is []). */
  waitForDiagnostics(uri: string, pred: (d: Diagnostic[]) => boolean, what = `diagnostics of ${uri}`): Promise<Diagnostic[]> {
    return this.waitFor(what, () => {
      const d = this.diagnostics.get(uri) ?? [];
      return pred(d) ? d : undefined;
    });
  }

  /** `processId` null when the server runs as another user (its watchdog could not signal this process, and would exit) */
  async initialize(rootDir: string, initializationOptions?: unknown, processId: number | null = process.pid): Promise<void> {
    await this.call('initialize', {
      processId,
      rootUri: URI.file(rootDir).toString(),
      workspaceFolders: [{ uri: URI.file(rootDir).toString(), name: path.basename(rootDir) }],
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, configuration: true, workspaceFolders: true },
        textDocument: { completion: { completionItem: { snippetSupport: true } }, publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true } },
      },
      initializationOptions,
    });
    await this.notify('initialized', {});
  }

  async stop(): Promise<void> {
    if (this.exited === undefined) {
      try {
        await this.request('shutdown', undefined).answer;
        await this.notify('exit', undefined);
      } catch { /* already gone */ }
      await this.waitFor('exit', () => (this.exited !== undefined ? true : undefined), 5000).catch(() => this.child.kill());
    }
    this.reader.dispose();
    this.writer.dispose();
  }

  /** Log lines that tell of an exception no handler caught (the process survived it, but it is a bug). */
  uncaught(): string[] {
    return this.logs.map((l) => l.message).filter((m) => /uncaught exception|unhandled rejection/i.test(m));
  }
}

// ----------------------------------------------------------------------------------------------- PRNG

/** mulberry32: small, fast, and the same on every platform. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]; }
  /** pick by weight: `[[weight, value], …]` */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of items) { if ((r -= w) < 0) return v; }
    return items[items.length - 1][1];
  }
  /** any UTF-16 code units: NUL, control characters, lone surrogates, … */
  binaryish(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) {
      s += String.fromCharCode(this.chance(0.5) ? this.int(0, 0x20) : this.chance(0.5) ? this.int(0xd800, 0xdfff) : this.int(0, 0xffff));
    }
    return s;
  }
  word(): string {
    return this.pick(['', ' ', 'a', 'é', '🙂', '\u0000', '\ud800', '../', '%', '%2e%2e/', '\\', ':', '#', '?', '\n', 'x'.repeat(this.int(1, 50))]);
  }
}

// ------------------------------------------------------------------------------------------- the storm

interface StormStats {
  requests: number;
  answered: number;
  errors: number;
  cancelRequests: number;
  cancelled: number;
  notifications: number;
  frames: number;
  byCode: Map<number, number>;
  slowest: { method: string; ms: number };
}

/** The state the storm needs to make out-of-order and plausible input: real documents, real diagnostics. */
class Storm {
  readonly opened = new Set<string>();
  readonly versions = new Map<string, number>();
  readonly findingKeys: string[] = [];
  readonly goodUris: string[];
  readonly failures: string[] = [];
  readonly stats: StormStats = { requests: 0, answered: 0, errors: 0, cancelRequests: 0, cancelled: 0, notifications: 0, frames: 0, byCode: new Map(), slowest: { method: '', ms: 0 } };
  private readonly inFlight: Promise<void>[] = [];
  /** ops named in LSP_STORM_SKIP (a debugging aid) are generated but not sent: the rest of the storm stays the same */
  private readonly skip = new Set((process.env.LSP_STORM_SKIP ?? '').split(',').filter(Boolean));
  private dry = false;

  constructor(private readonly s: RawServer, private readonly g: Gen, private readonly root: string, readonly marker: string) {
    this.goodUris = ['web.yaml', 'k8s/api.yaml', ZONE_REL, 'k8s/new.yaml', '.service-reach.yaml', 'infra/main.tf', 'infra/etc/firewalld/firewalld.conf', SECLIST_REL]
      .map((r) => uriOf(root, r));
  }

  private notify(method: string, params: unknown): Promise<void> {
    return this.dry ? Promise.resolve() : this.s.notify(method, params);
  }

  private req(method: string, params: unknown, id?: number | string): Pending {
    if (this.dry) return { id: id ?? 0, method, sentAt: 0, answer: Promise.resolve({ id: id ?? 0, method, result: null, ms: 0 }) };
    return this.s.request(method, params, id);
  }

  private frame(body: string): Promise<void> {
    return this.dry ? Promise.resolve() : this.s.sendFrame(body);
  }

  // ------------------------------------------------------------------ values

  uri(): unknown {
    const g = this.g;
    return g.weighted<() => unknown>([
      [30, () => g.pick(this.goodUris)],
      [10, () => (this.opened.size ? g.pick([...this.opened]) : g.pick(this.goodUris))],
      [6, () => uriOf(this.root, `unknown/doc-${g.int(0, 20)}.yaml`)],
      [2, () => uriOf(this.root, 'node_modules/x/svc.yaml')],
      [2, () => uriOf(this.root, '.git/svc.yaml')],
      [2, () => uriOf(this.root, 'infra')],
      [2, () => URI.file(this.root).toString()],
      [2, () => `${uriOf(this.root, 'web.yaml')}?query=1#fragment`],
      [3, () => 'file:///../../etc/passwd'],
      [2, () => 'file:///etc/passwd'],
      [2, () => `file://${this.root}/../outside.yaml`],
      [2, () => 'file://server/share/svc.yaml'],
      [2, () => `file:///${os.tmpdir().replace(/^\//, '')}/service-reach-nowhere-${g.int(0, 3)}/svc.yaml`],
      [3, () => 'untitled:Untitled-1'],
      [3, () => 'http://example.com/web.yaml'],
      [1, () => 'https://example.com/../../x.yaml'],
      [1, () => 'vscode-notebook-cell:/x.ipynb#W0sZmlsZQ'],
      [1, () => 'data:text/plain,apiVersion: v1'],
      [1, () => 'command:workbench.action.terminal.new'],
      [1, () => 'javascript:alert(1)'],
      [3, () => g.pick(['', ' ', 'file://', 'file:', '::', '%', '%E0%A4%A', 'file:///%00', 'file:///%2e%2e/%2e%2e/etc/passwd', 'C:\\Windows\\win.ini', '\\\\?\\C:\\x', '~/x.yaml', 'file:///C:/x.yaml'])],
      [3, () => g.word() + g.word() + g.word()],
      [1, () => 'file:///' + 'a/'.repeat(g.int(100, 5000)) + 'x.yaml'],
      [1, () => 'x'.repeat(g.int(1000, 200000))],
      [3, () => g.pick([null, 5, -1, 1.5, true, {}, [], { uri: 'file:///x.yaml' }, [uriOf(this.root, 'web.yaml')]])],
    ])();
  }

  position(): unknown {
    const g = this.g;
    return g.weighted<() => unknown>([
      [40, () => ({ line: g.int(0, 40), character: g.int(0, 40) })],
      [6, () => ({ line: g.int(0, 1e6), character: g.int(0, 1e6) })],
      [4, () => ({ line: -g.int(1, 100), character: -g.int(1, 100) })],
      [4, () => ({ line: NaN, character: NaN })], // NaN goes over the wire as null
      [2, () => ({ line: Infinity, character: -Infinity })],
      [3, () => ({ line: Number.MAX_SAFE_INTEGER, character: Number.MIN_SAFE_INTEGER })],
      [3, () => ({ line: g.int(0, 20) + 0.5, character: 1.25 })],
      [3, () => ({ line: String(g.int(0, 20)), character: '3' })],
      [3, () => ({ line: g.int(0, 20) })],
      [2, () => ({ character: 4 })],
      [4, () => g.pick([null, undefined, 0, 'start', [], [1, 2], {}, { line: {}, character: [] }])],
    ])();
  }

  range(): unknown {
    return this.g.chance(0.85) ? { start: this.position(), end: this.position() } : this.g.pick([null, {}, [], 'range', { start: { line: 1, character: 1 } }]);
  }

  textDocument(): unknown {
    return this.g.chance(0.9) ? { uri: this.uri() } : this.g.pick([null, undefined, 'web.yaml', 7, {}, [], { url: uriOf(this.root, 'web.yaml') }]);
  }

  text(): unknown {
    const g = this.g;
    return g.weighted<() => unknown>([
      [25, () => WEB],
      [10, () => API.replace('api', `api${g.int(0, 5)}`)],
      [15, () => mutate(g, g.pick([WEB, API, ZONE, ZONE_OPEN, SECLIST]))],
      [5, () => ''],
      [6, () => g.binaryish(g.int(1, 3000))],
      [3, () => ZONE_OPEN],
      [3, () => SECLIST],
      [3, () => `apiVersion: v1\nkind: Service\nmetadata:\n  name: "$(touch ${this.marker})"\n  annotations:\n    x: "\`touch ${this.marker}\`"\nspec:\n  type: NodePort\n  ports: [{port: 1, nodePort: 30081}]\n`],
      [2, () => 'a: &a [*a, *a]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b]\n'],
      [2, () => '['.repeat(g.int(300, 20000))],
      [2, () => `<!DOCTYPE zone [<!ENTITY x SYSTEM "file:///etc/passwd">]><zone>&x;</zone>`],
      // (not more Services than that: the engine's fix-all grows faster than linearly with them, ~10 s at 2,000)
      [1, () => largeManifest(g.int(200, 600))],
      [1, () => bigConfigMap()],
      [4, () => g.pick([null, 42, true, ['apiVersion: v1'], { text: WEB }])],
    ])();
  }

  /** a diagnostic as a client might send it back: a real one, a real one tampered with, or garbage */
  diagnosticsParam(): unknown {
    const g = this.g;
    const real = [...this.s.diagnostics.values()].flat();
    return g.weighted<() => unknown>([
      // (as many draws whatever the diagnostics are, so that a seed replays the same storm)
      [10, () => { const n = g.int(1, 3); const tamper = g.chance(0.3); const range = this.range(); return real.slice(0, n).map((d, i) => (tamper && i === 0 ? { ...d, range } : d)); }],
      [5, () => [{ range: this.range(), code: g.pick(['firewalld-port-closed', 'invalid-service-type', 'nope', 5, null]), source: 'service-reach', message: 'x',
        data: g.pick([undefined, null, { path: '../../etc/passwd', code: 'firewalld-port-closed', start: -1, end: 1e12 }, { path: 'web.yaml', code: 'firewalld-port-closed', start: 'a', end: {} }]) }]],
      [3, () => g.pick([null, undefined, 'diagnostics', [null], [5], [{}], {}])],
    ])();
  }

  // ------------------------------------------------------------------ ops

  private track(p: Pending, cancelled: boolean): void {
    this.stats.requests++;
    const done = p.answer.then((a) => {
      this.stats.answered++;
      if (a.ms > this.stats.slowest.ms) this.stats.slowest = { method: a.method, ms: a.ms };
      if (a.error !== undefined) {
        this.stats.errors++;
        const code = a.error.code;
        if (typeof code !== 'number' || !Number.isInteger(code) || typeof a.error.message !== 'string') {
          this.failures.push(`request ${JSON.stringify(p.id)} (${p.method}): not a JSON-RPC error: ${JSON.stringify(a.error)}`);
          return;
        }
        this.stats.byCode.set(code, (this.stats.byCode.get(code) ?? 0) + 1);
        if (code === REQUEST_CANCELLED) this.stats.cancelled++;
        if (cancelled && code !== REQUEST_CANCELLED && code !== -32602 /* InvalidParams */) {
          this.failures.push(`cancelled request ${JSON.stringify(p.id)} (${p.method}) answered ${JSON.stringify(a.error)} (expected RequestCancelled or a result)`);
        }
      } else if (a.result === undefined) {
        this.failures.push(`request ${JSON.stringify(p.id)} (${p.method}): an answer with neither result nor error`);
      } else if (p.method === 'serviceReach/exposure' && a.result && typeof a.result === 'object') {
        for (const f of (a.result as { findings?: { key?: unknown }[] }).findings ?? []) if (typeof f.key === 'string') this.findingKeys.push(f.key);
      }
    }, (err: Error) => { this.failures.push(err.message); });
    this.inFlight.push(done);
  }

  /** Keep at most `limit` requests in flight (the oldest is awaited first). */
  async drain(limit = 0): Promise<void> {
    while (this.inFlight.length > limit) await this.inFlight.shift();
  }

  private openDoc(uri: unknown, text: unknown): Promise<void> {
    const g = this.g;
    if (typeof uri === 'string') this.opened.add(uri);
    const version = g.chance(0.9) ? g.int(0, 10) : g.pick([-1, 1.5, null, 'v1', undefined]);
    if (typeof uri === 'string' && typeof version === 'number') this.versions.set(uri, version);
    const textDocument: Record<string, unknown> = { uri, languageId: g.pick(['yaml', 'yaml', 'xml', 'json', 'plaintext', 'terraform', 5, null]), version, text };
    if (g.chance(0.05)) delete textDocument[g.pick(['uri', 'languageId', 'version', 'text'])];
    return this.notify('textDocument/didOpen', g.chance(0.95) ? { textDocument } : g.pick([null, {}, [], 'open', { textDocument: null }]));
  }

  private changeDoc(uri: unknown): Promise<void> {
    const g = this.g;
    const prev = typeof uri === 'string' ? this.versions.get(uri) ?? 0 : 0;
    // versions go up, stay, or go backwards
    const version = g.weighted<number | unknown>([[6, prev + 1], [1, prev], [1, prev - g.int(1, 5)], [1, g.pick([null, 'x', 1.5, undefined])]]);
    if (typeof uri === 'string' && typeof version === 'number') this.versions.set(uri, version);
    const contentChanges = g.weighted<() => unknown>([
      [10, () => [{ text: this.text() }]],
      [10, () => Array.from({ length: g.int(1, 4) }, () => ({ range: this.range(), text: g.chance(0.5) ? g.word() : String(this.text()).slice(0, 200) }))],
      [2, () => [{ range: this.range(), rangeLength: g.int(-5, 1e6), text: 'x' }]],
      [3, () => g.pick([[], null, undefined, 'text', [null], [{}], [{ text: 5 }], [{ range: null, text: 'a' }], { text: WEB }])],
    ])();
    return this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  private watchedChange(): unknown {
    const g = this.g;
    const rel = g.pick(['web.yaml', 'k8s/api.yaml', ZONE_REL, 'infra', 'k8s', 'infra/firewalld', 'nowhere.yaml', 'node_modules', '.git/HEAD', '.service-reach.yaml', 'infra/firewalld/zones']);
    return { uri: g.chance(0.75) ? uriOf(this.root, rel) : this.uri(), type: g.weighted<unknown>([[10, 2], [4, 1], [3, 3], [2, g.pick([0, 4, 99, -1, '2', null, undefined])]]) };
  }

  /** One step of the storm. */
  async step(): Promise<void> {
    const g = this.g;
    const op = g.weighted<string>([
      [30, 'request'], [8, 'cancel'], [10, 'didOpen'], [12, 'didChange'], [6, 'didClose'], [6, 'watched'],
      [3, 'notification'], [2, 'frame'], [2, 'cancelUnknown'], [1, 'folders'], [1, 'config'], [0.3, 'reinitialize'],
    ]);
    this.dry = this.skip.has(op);
    switch (op) {
      case 'request': return this.randomRequest();
      case 'cancel': return this.cancelled();
      case 'didOpen': this.stats.notifications++; return this.openDoc(this.uri(), this.text());
      case 'didChange': this.stats.notifications++; return this.changeDoc(g.chance(0.7) && this.opened.size ? g.pick([...this.opened]) : this.uri());
      case 'didClose': {
        this.stats.notifications++;
        const uri = g.chance(0.7) && this.opened.size ? g.pick([...this.opened]) : this.uri();
        return this.notify('textDocument/didClose', g.chance(0.9) ? { textDocument: { uri } } : g.pick([null, {}, { textDocument: null }]));
      }
      case 'watched':
        this.stats.notifications++;
        return this.notify('workspace/didChangeWatchedFiles', g.chance(0.9)
          ? { changes: Array.from({ length: g.int(0, 5) }, () => (g.chance(0.9) ? this.watchedChange() : g.pick([null, 5, 'x', {}]))) }
          : g.pick([null, {}, { changes: null }, { changes: 'all' }, []]));
      case 'notification': {
        this.stats.notifications++;
        const method = g.pick(['textDocument/didSave', 'textDocument/willSave', '$/setTrace', '$/logTrace', 'foo/bar', '$/unknown', 'initialized', 'textDocument/hover', '', 'workspace/didRenameFiles', 'window/workDoneProgress/cancel', '$/progress']);
        return this.notify(method, g.pick([undefined, null, {}, [], 5, { textDocument: this.textDocument(), value: g.word(), token: g.word() }]));
      }
      case 'cancelUnknown':
        this.stats.notifications++;
        return this.notify('$/cancelRequest', g.pick([{ id: 987654321 }, { id: 'never-sent' }, { id: null }, {}, null, undefined, { id: this.s.newId() }, [5], { id: { x: 1 } }]));
      case 'frame': {
        this.stats.frames++;
        return this.frame(g.pick([
          '{', 'null', '[]', '42', '"text"', 'garbage', '{"jsonrpc":"2.0"}', '{"jsonrpc":"2.0","id":424242}', '{"jsonrpc":"2.0","method":5}',
          '{"jsonrpc":"2.0","id":null,"method":"textDocument/hover"}', '{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/hover","params":{}}',
          '[{"jsonrpc":"2.0","id":1,"method":"shutdown"},{"jsonrpc":"2.0","method":"exit"}]', '{"jsonrpc":"2.0","id":999999,"result":null}',
          '{"jsonrpc":"2.0","id":999998,"error":{"code":1,"message":"x"}}', '\u0000\u0001\u0002', '{"jsonrpc":"2.0","method":"$/cancelRequest"}',
          `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"${uriOf(this.root, 'k8s/frame.yaml')}","version":1,"text":${JSON.stringify(API.replace('api', 'frame'))}}}`,
        ]));
      }
      case 'folders': {
        this.stats.notifications++;
        const folder = () => g.pick<unknown>([
          { uri: 'file:///nonexistent-service-reach', name: 'x' }, { uri: 'http://example.com/', name: 'web' }, { uri: 'untitled:x', name: 'u' },
          { uri: uriOf(this.root, 'web.yaml'), name: 'a file' }, null, 5, {}, { uri: null },
        ]);
        // the folder itself is added again (it is already there), never removed: that is a request the server must obey
        const event = { added: [...Array.from({ length: g.int(0, 2) }, folder), ...(g.chance(0.3) ? [{ uri: URI.file(this.root).toString(), name: 'the same folder again' }] : [])], removed: g.chance(0.5) ? [folder()] : [] };
        return this.notify('workspace/didChangeWorkspaceFolders', g.chance(0.9) ? { event } : g.pick([null, {}, { event: null }, { event: { added: 'x' } }]));
      }
      case 'config':
        this.stats.notifications++;
        return this.notify('workspace/didChangeConfiguration', g.pick([null, {}, { settings: null }, { settings: { serviceReach: { maxFileSize: g.pick([-1, 0, 'big', 1e30, NaN]), configPath: g.pick(['../../etc/passwd', '/etc/passwd', 5, '']) } } }]));
      case 'reinitialize': {
        // a second initialize: refused; the first one's folders stay, and no new processId is watched (999999999: no such process)
        const p = this.req('initialize', g.pick([null, {}, { capabilities: null }, { processId: 'x', capabilities: 5, rootUri: 7 }, { capabilities: {}, rootUri: null, workspaceFolders: 'x' },
          { processId: 999999999, capabilities: {}, rootUri: 'file:///nonexistent-service-reach' }]));
        this.track(p, false);
        return;
      }
    }
  }

  private randomRequest(): void {
    const g = this.g;
    const method = g.weighted<string>([
      [14, 'textDocument/hover'], [10, 'textDocument/completion'], [6, 'textDocument/codeLens'], [6, 'textDocument/documentSymbol'],
      [8, 'textDocument/codeAction'], [4, 'serviceReach/exposure'], [3, 'serviceReach/fixFinding'],
      [1, 'textDocument/definition'], [1, 'textDocument/formatting'], [1, 'workspace/symbol'], [1, 'codeLens/resolve'], [1, 'completionItem/resolve'],
      [2, 'workspace/executeCommand'], [1, 'foo/bar'], [1, ''], [1, 'serviceReach/nope'], [1, '$/unknownRequest'], [1, 'textDocument/didOpen'],
    ]);
    const params = g.chance(0.88) ? this.paramsFor(method) : g.pick([undefined, null, 5, 'params', [], [1, 2, 3], true, { deeply: nested(g.int(10, 200)) }]);
    this.track(this.req(method, params, g.chance(0.1) ? `str-${this.s.newId()}` : this.s.newId()), false);
  }

  private paramsFor(method: string): unknown {
    const g = this.g;
    switch (method) {
      case 'textDocument/hover':
      case 'textDocument/definition':
        return { textDocument: this.textDocument(), position: this.position() };
      case 'textDocument/completion':
        return { textDocument: this.textDocument(), position: this.position(), context: g.pick([undefined, { triggerKind: 2, triggerCharacter: ' ' }, { triggerKind: 2, triggerCharacter: ':' }, { triggerKind: g.int(-1, 9) }, null, 'x']) };
      case 'textDocument/codeLens':
      case 'textDocument/documentSymbol':
      case 'textDocument/formatting':
        return { textDocument: this.textDocument() };
      case 'textDocument/codeAction':
        return { textDocument: this.textDocument(), range: this.range(), context: g.chance(0.9) ? { diagnostics: this.diagnosticsParam(), only: g.pick([undefined, ['quickfix'], ['source.fixAll'], ['source'], [], null, 'quickfix', [5]]) } : g.pick([null, {}, 'x']) };
      case 'serviceReach/exposure':
        return {
          uri: g.chance(0.8) ? this.uri() : URI.file(this.root).toString(),
          service: g.pick([undefined, null, { name: 'web', namespace: 'shop' }, { name: 'api' }, { name: 5 }, { offset: g.int(-10, 5000) }, { offset: 'x' }, { position: this.position() }, 'web', []]),
          colorScheme: g.pick([undefined, 'dark', 'light', 'auto', 'neon', 5]),
        };
      case 'serviceReach/fixFinding':
        return { findingKey: g.chance(0.5) && this.findingKeys.length ? g.pick(this.findingKeys) : g.pick(['', 'x', '../../etc/passwd', 5, null]), uri: this.uri() };
      case 'workspace/executeCommand':
        // the server offers no commands; nothing may run
        return { command: g.pick(['serviceReach.copyText', 'serviceReach.showExposure', 'sh', '']), arguments: [`touch ${this.marker}`] };
      default:
        return { textDocument: this.textDocument(), position: this.position(), range: this.range(), query: g.word() };
    }
  }

  /** A request that is cancelled: right away, after it was written, or before it was sent. */
  private async cancelled(): Promise<void> {
    const g = this.g;
    const uri = g.pick([uriOf(this.root, 'web.yaml'), uriOf(this.root, 'k8s/api.yaml'), ...[...this.opened].filter((u) => u.startsWith('file:'))]);
    const [method, params] = g.pick<[string, unknown]>([
      ['serviceReach/exposure', { uri, service: { name: 'web', namespace: 'shop' } }],
      ['serviceReach/exposure', { uri }],
      ['textDocument/codeLens', { textDocument: { uri } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: 13, character: 18 } }],
      ['textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 8 } }],
      ['textDocument/documentSymbol', { textDocument: { uri } }],
    ]);
    const when = g.pick(['before', 'now', 'written']);
    const id = this.s.newId();
    this.stats.cancelRequests++;
    if (when === 'before') await this.notify('$/cancelRequest', { id });
    const p = this.req(method, params, id);
    this.track(p, true);
    if (when === 'written') await this.notify('$/cancelRequest', { id }); // after the request's write
    else if (when === 'now') void this.notify('$/cancelRequest', { id });
    this.stats.notifications++;
  }

  /** Requests that must come at least once whatever the seed. */
  async specials(): Promise<void> {
    const huge = 'a: b\n'.repeat(900_000); // 4.5 MB: over the default 4 MiB limit
    await this.openDoc(uriOf(this.root, 'k8s/huge.yaml'), huge);
    await this.openDoc(uriOf(this.root, 'k8s/large.yaml'), largeManifest(600));
    await this.openDoc(uriOf(this.root, 'k8s/blob.yaml'), bigConfigMap());
    this.track(this.req('textDocument/hover', { textDocument: { uri: uriOf(this.root, 'k8s/huge.yaml') }, position: { line: 899_999, character: 2 } }), false);
    this.track(this.req('textDocument/documentSymbol', { textDocument: { uri: uriOf(this.root, 'k8s/large.yaml') } }), false);
    await this.notify('textDocument/didChange', { textDocument: { uri: uriOf(this.root, 'k8s/before-open.yaml'), version: 3 }, contentChanges: [{ text: WEB }] });
    this.track(this.req('textDocument/hover', { textDocument: { uri: uriOf(this.root, 'k8s/before-open.yaml') }, position: { line: 0, character: 0 } }), false);
    await this.openDoc(uriOf(this.root, 'k8s/twice.yaml'), API.replace('api', 'twice'));
    await this.openDoc(uriOf(this.root, 'k8s/twice.yaml'), WEB.replace(/name: web/g, 'name: twice'));
    await this.notify('textDocument/didChange', { textDocument: { uri: uriOf(this.root, 'k8s/twice.yaml'), version: -7 }, contentChanges: [{ text: API }] });
    await this.notify('textDocument/didClose', { textDocument: { uri: uriOf(this.root, 'k8s/twice.yaml') } });
    await this.notify('textDocument/didClose', { textDocument: { uri: uriOf(this.root, 'k8s/twice.yaml') } });
    this.track(this.req('textDocument/codeLens', { textDocument: { uri: uriOf(this.root, 'k8s/twice.yaml') } }), false);
    await this.openDoc(uriOf(this.root, 'k8s/number.yaml'), 12345);
    this.track(this.req('textDocument/hover', { textDocument: { uri: uriOf(this.root, 'k8s/number.yaml') }, position: { line: 0, character: 0 } }), false);
    this.track(this.req('workspace/executeCommand', { command: 'serviceReach.copyText', arguments: [`touch ${this.marker}`] }), false);
    // a second initialize, for another folder and a parent process that does not exist: refused
    const again = this.req('initialize', { processId: 999999999, rootUri: 'file:///nonexistent-service-reach', capabilities: {} });
    this.track(again, false);
    void again.answer.then((a) => { if (a.error?.code !== -32600) this.failures.push(`a second initialize was not refused: ${JSON.stringify(a)}`); });
    // the folder added again; a file event for the workspace folder itself, seen from a loose folder for its parent
    await this.notify('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: URI.file(this.root).toString(), name: 'again' }], removed: [] } });
    await this.openDoc(URI.file(this.root).toString(), WEB);
    await this.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(this.root).toString(), type: 1 }] });
  }
}

function mutate(g: Gen, text: string): string {
  let t = text;
  for (let n = g.int(1, 4); n > 0; n--) {
    const i = g.int(0, t.length);
    const j = Math.min(t.length, i + g.int(0, 40));
    t = g.weighted<() => string>([
      [3, () => t.slice(0, i) + t.slice(j)],
      [3, () => t.slice(0, i) + g.word() + g.pick(['\n', '\r', '\r\n', '\t', '---\n', ': ', '- ', '{{ x }}', '*a', '&a ', '"', '<', '>', '{', '[']) + t.slice(i)],
      [2, () => t.slice(0, i) + t.slice(i, j) + t.slice(i)],
      [1, () => t.slice(0, i) + g.binaryish(g.int(1, 10)) + t.slice(i)],
    ])();
  }
  return t;
}

function largeManifest(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) docs.push(API.replace('name: api', `name: api-${i}`).replace('30900', String(30000 + (i % 2000))));
  return docs.join('---\n');
}

/** ~1 MB: one ConfigMap with a block scalar of 12,000 lines */
function bigConfigMap(): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: blob\ndata:\n  blob: |\n${`    ${'x'.repeat(76)}\n`.repeat(12000)}`;
}

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

// ------------------------------------------------------------------------------------------- the tests

const codes = (d: Diagnostic[]) => d.map((x) => String(x.code)).sort();
const nodePortLine = WEB.split('\n').findIndex((l) => l.includes('nodePort: 30080'));

/**
 * Wait until the server has applied every notification sent before: its file events are applied in order, so once
 * a file created now shows its diagnostic, everything sent earlier has been applied (and analysed).
 */
async function barrier(s: RawServer, root: string, n: number): Promise<void> {
  const rel = `barrier-${n}.yaml`;
  writeFile(root, rel, `apiVersion: v1\nkind: Service\nmetadata:\n  name: barrier\nspec:\n  type: Barrier${n}\n  ports: [{port: 80}]\n`);
  await s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, rel), type: 1 }] });
  await s.waitForDiagnostics(uriOf(root, rel), (d) => d.some((x) => x.code === 'invalid-service-type'), `the diagnostics of ${rel} (a barrier)`);
  fs.rmSync(path.join(root, rel));
  await s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, rel), type: 3 }] });
  await s.waitForDiagnostics(uriOf(root, rel), (d) => d.length === 0, `${rel} cleared`);
}

/**
 * Diagnostics and hover of web.yaml, fresh: a broken text first (so that nothing stale can match), then WEB, until
 * the diagnostics are `expected` (the server applies file events in order, but its analyses are not ordered with
 * them: a publish may come before the events sent earlier are all applied; the state must settle on `expected`).
 */
async function freshWebState(s: RawServer, root: string, version: number, expected: string[]): Promise<{ diagnostics: Diagnostic[]; hover: string }> {
  const uri = uriOf(root, 'web.yaml');
  await s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text: WEB.replace('type: NodePort', 'type: NodPort') } });
  await s.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'invalid-service-type'), 'web.yaml with invalid-service-type');
  await s.notify('textDocument/didChange', { textDocument: { uri, version: version + 1 }, contentChanges: [{ text: WEB }] });
  const diagnostics = await s.waitForDiagnostics(uri, (d) => codes(d).join() === expected.join(), `web.yaml with ${expected.join() || 'no diagnostics'} (the last published: ${JSON.stringify(s.diagnostics.get(uri)?.map((x) => x.code))})`);
  const hover = await s.call<{ contents: { kind: string; value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: nodePortLine, character: 18 } });
  assert.ok(hover, 'a hover on nodePort');
  return { diagnostics, hover: hover.contents.value };
}

suite('Language server resilience: a storm of malformed and out-of-order requests (stdio)', function () {
  this.timeout(120000);
  let root: string;
  let server: RawServer;
  let marker: string;

  suiteSetup(() => {
    root = scratchWorkspace({ 'web.yaml': WEB, 'k8s/api.yaml': API, [ZONE_REL]: ZONE, 'node_modules/x/svc.yaml': API.replace('api', 'ignored') });
    marker = path.join(os.tmpdir(), `service-reach-executed-${process.pid}-${SEED}`);
    fs.rmSync(marker, { force: true });
    server = RawServer.start(root);
  });

  suiteTeardown(async () => {
    await server?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
    if (marker) fs.rmSync(marker, { force: true });
  });

  test(`${STORM_REQUESTS} requests and as many notifications: every request answered, the server keeps serving, and serves correctly afterwards`, async () => {
    await server.initialize(root, { trusted: true, copyCommand: true, exposureView: true });
    const before = await freshWebState(server, root, 1, ['firewalld-port-closed']);
    await server.notify('textDocument/didClose', { textDocument: { uri: uriOf(root, 'web.yaml') } });

    const storm = new Storm(server, new Gen(prng(SEED)), root, marker);
    const started = performance.now();
    await storm.specials();
    while (storm.stats.requests < STORM_REQUESTS) {
      await storm.step();
      await storm.drain(32);
      if (server.exited !== undefined) break;
    }
    await storm.drain();
    const stormMs = performance.now() - started;
    const st = storm.stats;
    const byCode = [...st.byCode].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}×${n}`).join(' ');
    console.log(`      lsp resilience: ${st.requests} requests, ${st.errors} errors answered, seed ${SEED}`);
    console.log(`        (${st.notifications} notifications, ${st.frames} frames that are not requests, ${st.cancelRequests} requests cancelled of which ${st.cancelled} answered RequestCancelled; `
      + `errors by code: ${byCode || 'none'}; slowest answer ${st.slowest.ms.toFixed(0)} ms (${st.slowest.method}); ${(stormMs / 1000).toFixed(1)} s)`);

    const replay = `(replay: FUZZ_SEED=${SEED})`;
    assert.equal(server.exited, undefined, `the server exited ${replay}; stderr: ${server.stderr.join('').slice(-3000)}`);
    assert.deepEqual(storm.failures.slice(0, 20), [], `${storm.failures.length} requests not answered properly ${replay}`);
    assert.equal(st.answered, st.requests, replay);
    assert.deepEqual(server.uncaught().slice(0, 5), [], `exceptions that no handler caught ${replay}`);

    // the client puts its state back: every document the storm opened is closed, the files on disk are announced
    for (const uri of storm.opened) await server.notify('textDocument/didClose', { textDocument: { uri } });
    for (const u of ['k8s/before-open.yaml', 'k8s/number.yaml', 'k8s/frame.yaml']) await server.notify('textDocument/didClose', { textDocument: { uri: uriOf(root, u) } });
    await server.notify('workspace/didChangeWatchedFiles', { changes: ['web.yaml', 'k8s/api.yaml', ZONE_REL, '.service-reach.yaml'].map((r) => ({ uri: uriOf(root, r), type: 2 })) });
    await barrier(server, root, 1);

    // and gets the same answers as before the storm
    const after = await freshWebState(server, root, 100000, ['firewalld-port-closed']);
    assert.deepEqual(codes(after.diagnostics), ['firewalld-port-closed'], `${JSON.stringify(after.diagnostics.map((d) => d.message))} ${replay}`);
    assert.equal(after.diagnostics[0].range.start.line, nodePortLine);
    assert.deepEqual(after.diagnostics, before.diagnostics, replay);
    assert.equal(after.hover, before.hover, replay);
    assert.match(after.hover, /nodes :30080\/TCP ⚠ → ClusterIP :80 → 3 pods :8080/);
    const api = await server.waitForDiagnostics(uriOf(root, 'k8s/api.yaml'), (d) => d.some((x) => x.code === 'firewalld-port-closed'), 'k8s/api.yaml (not open): firewalld-port-closed');
    assert.ok(api.every((d) => d.source === 'service-reach'));
    assert.equal(server.diagnostics.has(uriOf(root, 'node_modules/x/svc.yaml')), false, 'node_modules is never read');

    // nothing the storm sent was executed
    assert.equal(fs.existsSync(marker), false, `${marker} exists: something ran a command`);
    assert.equal(server.exited, undefined);
  });
});

suite('Language server resilience: rule sources deleted or made unreadable while an analysis is pending', function () {
  this.timeout(60000);
  const CONFIG = `nodes:\n  firewalld:\n    zones: [${ZONE_REL}]\n  securityLists: [${SECLIST_REL}]\n`;
  const notFound = (d: Diagnostic[]) => d.filter((x) => x.code === 'config-path-not-found').map((x) => x.range.start.line).sort();

  test('a zone deleted, a security list unreadable (chmod 000), replaced by a folder, by a dangling link: diagnostics follow, the server keeps serving', async function () {
    const root = scratchWorkspace({ 'web.yaml': WEB, 'k8s/api.yaml': API, [ZONE_REL]: ZONE_OPEN, [SECLIST_REL]: SECLIST, '.service-reach.yaml': CONFIG });
    // as root, chmod 000 stops no read: the server then runs as nobody, so that it does (where that is possible)
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodTree(root);
    const nobody = asRoot && canRunAs(65534, root) ? { uid: 65534, gid: 65534 } : {};
    const server = RawServer.start(root, nobody);
    const uri = uriOf(root, 'web.yaml');
    const configUri = uriOf(root, '.service-reach.yaml');
    const zoneAbs = path.join(root, ...ZONE_REL.split('/'));
    const listAbs = path.join(root, ...SECLIST_REL.split('/'));
    const event = (rel: string, type: number) => ({ uri: uriOf(root, rel), type });
    const notes: string[] = [];
    try {
      await server.initialize(root, { trusted: true }, asRoot ? null : process.pid);
      // 30080: open in the zone and in the list; 30900 (api): open in the zone, closed in the list
      const d0 = await server.waitForDiagnostics(uriOf(root, 'k8s/api.yaml'), (d) => d.some((x) => x.code === 'security-list-port-closed'), 'api.yaml: security-list-port-closed');
      assert.ok(!d0.some((x) => x.code === 'firewalld-port-closed'), JSON.stringify(d0));
      await server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: WEB } });
      await server.waitForDiagnostics(uri, (d) => d.length === 0, 'web.yaml clean');

      // 1. an edit schedules an analysis (debounced); before it runs the zone goes and the list cannot be read
      await server.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: WEB.replace('replicas: 3', 'replicas: 2') }] });
      fs.rmSync(zoneAbs);
      fs.chmodSync(listAbs, 0o000);
      const unreadable = !canRead(listAbs, nobody);
      notes.push(unreadable ? `chmod 000 stops the server's reads${nobody.uid !== undefined ? ' (the server runs as nobody)' : ''}` : 'chmod 000 does not stop the server\'s reads here (root, and it cannot run as another user): only the zone goes in that step; the unreadable list is replaced by a folder and a dangling link below');
      await server.notify('workspace/didChangeWatchedFiles', { changes: [event(ZONE_REL, 3), event(SECLIST_REL, 2)] });
      if (unreadable) {
        const cfg = await server.waitForDiagnostics(configUri, (d) => notFound(d).length === 2, 'config-path-not-found for the zone and the unreadable list');
        assert.deepEqual(notFound(cfg), [2, 3]);
        await server.waitFor('a log line about the unreadable list', () => (server.logs.some((l) => l.message.includes(SECLIST_REL) && /EACCES|permission/i.test(l.message)) ? true : undefined));
      } else {
        const cfg = await server.waitForDiagnostics(configUri, (d) => notFound(d).length === 1, 'config-path-not-found for the zone');
        assert.deepEqual(notFound(cfg), [2]);
      }
      // the edit was analysed too, and the server answers
      const symbols = await server.call<{ name: string; detail: string }[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.deepEqual(symbols.map((x) => x.name), ['web']);

      // 2. both come back: the diagnostics are those of the start again
      fs.chmodSync(listAbs, 0o644);
      writeFile(root, ZONE_REL, ZONE_OPEN);
      if (asRoot) chmodTree(root);
      await server.notify('workspace/didChangeWatchedFiles', { changes: [event(SECLIST_REL, 2), event(ZONE_REL, 1)] });
      await server.waitForDiagnostics(configUri, (d) => notFound(d).length === 0, 'the config without config-path-not-found');
      await server.waitForDiagnostics(uriOf(root, 'k8s/api.yaml'), (d) => codes(d).join() === 'security-list-port-closed', 'api.yaml: security-list-port-closed again');

      // 3. the list replaced by a folder of the same name, while an analysis is pending
      await server.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: WEB }] });
      fs.rmSync(listAbs);
      fs.mkdirSync(listAbs);
      if (asRoot) chmodTree(root);
      await server.notify('workspace/didChangeWatchedFiles', { changes: [event(SECLIST_REL, 2)] });
      let cfg = await server.waitForDiagnostics(configUri, (d) => notFound(d).length === 1, 'config-path-not-found for the list that is a folder now');
      assert.deepEqual(notFound(cfg), [3]);
      // without the list nothing guards the nodes at that layer: api.yaml's finding goes
      await server.waitForDiagnostics(uriOf(root, 'k8s/api.yaml'), (d) => d.length === 0, 'api.yaml without security-list-port-closed');
      fs.rmdirSync(listAbs);
      writeFile(root, SECLIST_REL, SECLIST);
      if (asRoot) chmodTree(root);
      await server.notify('workspace/didChangeWatchedFiles', { changes: [event(SECLIST_REL, 1)] });
      await server.waitForDiagnostics(configUri, (d) => notFound(d).length === 0, 'the config without config-path-not-found');

      // 4. the list replaced by a dangling link (where links can be made)
      fs.rmSync(listAbs);
      let linked = true;
      try { fs.symlinkSync(path.join(root, 'nowhere.json'), listAbs); } catch { linked = false; fs.writeFileSync(listAbs, SECLIST); notes.push('no symbolic links here: the dangling-link step was left out'); }
      if (linked) {
        await server.notify('workspace/didChangeWatchedFiles', { changes: [event(SECLIST_REL, 2)] });
        cfg = await server.waitForDiagnostics(configUri, (d) => notFound(d).length === 1, 'config-path-not-found for the dangling link');
        assert.deepEqual(notFound(cfg), [3]);
        fs.rmSync(listAbs);
        writeFile(root, SECLIST_REL, SECLIST);
        if (asRoot) chmodTree(root);
      }

      // 5. races: files written, deleted, made unreadable and replaced while the events for them are on the way
      //    and analyses are pending; the last event states the truth, and the diagnostics must end up matching it
      for (let i = 0; i < 30; i++) {
        void server.notify('textDocument/didChange', { textDocument: { uri, version: 10 + i }, contentChanges: [{ text: i % 2 ? WEB : WEB.replace('replicas: 3', 'replicas: 4') }] });
        void server.notify('workspace/didChangeWatchedFiles', { changes: [event(ZONE_REL, 2), event(SECLIST_REL, 2)] });
        switch (i % 5) {
          case 0: fs.rmSync(zoneAbs, { force: true }); break;
          case 1: writeFile(root, ZONE_REL, ZONE); break;
          case 2: fs.chmodSync(listAbs, 0o000); break;
          case 3: fs.chmodSync(listAbs, 0o644); fs.rmSync(listAbs); fs.mkdirSync(listAbs); break;
          case 4: fs.rmdirSync(listAbs); writeFile(root, SECLIST_REL, SECLIST); writeFile(root, ZONE_REL, ZONE_OPEN); break;
        }
        if (asRoot) chmodTree(root);
      }
      // the last state: zone open, list readable. Then close the zone for good: web.yaml must say so
      writeFile(root, ZONE_REL, ZONE);
      if (asRoot) chmodTree(root);
      await server.notify('workspace/didChangeWatchedFiles', { changes: [event(ZONE_REL, 2), event(SECLIST_REL, 2)] });
      const d = await server.waitForDiagnostics(uri, (x) => codes(x).join() === 'firewalld-port-closed', 'web.yaml: firewalld-port-closed after the races');
      assert.equal(d[0].range.start.line, nodePortLine);
      await server.waitForDiagnostics(configUri, (x) => notFound(x).length === 0, 'the config without config-path-not-found after the races');
      const hover = await server.call<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: nodePortLine, character: 18 } });
      assert.match(hover.contents.value, /nodes :30080\/TCP ⚠/);
      assert.equal(server.exited, undefined);
      assert.deepEqual(server.uncaught(), []);
      console.log(`      rule sources: ${notes.join('; ')}`);
    } finally {
      await server.stop();
      try { fs.chmodSync(listAbs, 0o644); } catch { /* gone */ }
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

/** Make a scratch workspace readable for another user (the server run as nobody). */
function chmodTree(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chmodTree(p);
    else if (e.isFile() && (fs.statSync(p).mode & 0o777) !== 0) fs.chmodSync(p, 0o644);
  }
}

/** Can a server run as this user (and read the workspace)? Not where setuid is not allowed, or the tree is closed. */
function canRunAs(uid: number, root: string): boolean {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(SERVER_MODULE)}); require('fs').readdirSync(${JSON.stringify(root)})`], { uid, gid: uid, stdio: 'ignore', timeout: 20000 });
  return !r.error && r.status === 0;
}

/** Can the server's user read this file? (as root, only when the server runs as another user) */
function canRead(file: string, as: { uid?: number }): boolean {
  if (as.uid !== undefined) return (fs.statSync(file).mode & 0o004) !== 0;
  try {
    fs.readFileSync(file);
    return true;
  } catch {
    return false;
  }
}

suite('Language server: an untrusted workspace gets analysis and edits, never a command; nothing is run', function () {
  this.timeout(30000);

  test('the language server, the renderer and the extension hold no way to run code (as test/robustness/no-exec checks the engine and the CLI)', () => {
    const forbidden: [string, RegExp][] = [
      ['child_process', /child_process/], ['eval(', /(^|[^\w$.])eval\s*\(/], ['new Function', /new\s+Function\s*\(/],
      ['the vm module', /require\(\s*["'](node:)?vm["']\s*\)|from\s+["'](node:)?vm["']/],
    ];
    const js = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? js(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []));
    const out = path.resolve(__dirname, '../..');
    const files = ['server/src/lsp', 'server/src/render', 'client/src'].flatMap((d) => js(path.join(out, d)));
    assert.ok(files.length >= 10, `${files.length} files`);
    const found = files.flatMap((f) => forbidden.filter(([, re]) => re.test(fs.readFileSync(f, 'utf8'))).map(([what]) => `${path.relative(out, f)}: ${what}`));
    assert.deepEqual(found, []);
  });

  test('no executeCommand provider; quick fixes and fix-all are edits only; the exposure fix is an edit; executeCommand is not served', async () => {
    const root = scratchWorkspace({ 'web.yaml': WEB, [ZONE_REL]: ZONE });
    const marker = path.join(os.tmpdir(), `service-reach-untrusted-${process.pid}`);
    fs.rmSync(marker, { force: true });
    const server = RawServer.start(root);
    try {
      const init = await server.call<{ capabilities: Record<string, unknown> }>('initialize', {
        processId: process.pid, rootUri: URI.file(root).toString(), capabilities: {},
        // the client would run copy commands, but the workspace is not trusted
        initializationOptions: { trusted: false, copyCommand: true, exposureView: true },
      });
      assert.equal(init.capabilities.executeCommandProvider, undefined, 'the server offers no command to execute');
      await server.notify('initialized', {});
      const uri = uriOf(root, 'web.yaml');
      await server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: WEB } });
      const d = await server.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'firewalld-port-closed'), 'analysis: firewalld-port-closed');
      const closed = d.filter((x) => x.code === 'firewalld-port-closed');

      type Action = { title: string; kind?: string; edit?: { changes: Record<string, unknown[]> }; command?: unknown };
      const quick = await server.call<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: closed[0].range, context: { diagnostics: closed } });
      const all = await server.call<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: closed[0].range, context: { diagnostics: [], only: ['source.fixAll'] } });
      assert.ok(quick.some((a) => a.edit && Object.keys(a.edit.changes).includes(uriOf(root, ZONE_REL))), `an edit of the zone: ${JSON.stringify(quick)}`);
      for (const a of [...quick, ...all]) assert.equal(a.command, undefined, `a command in an untrusted workspace: ${JSON.stringify(a)}`);

      const lenses = await server.call<{ command?: { command: string } }[]>('textDocument/codeLens', { textDocument: { uri } });
      // the chain lenses carry no command; "Show exposure" opens the view (a client command that runs nothing)
      assert.deepEqual([...new Set(lenses.map((l) => l.command?.command))].sort(), ['', 'serviceReach.showExposure']);

      const view = await server.call<{ findings: { key: string; fix: { title: string } | null }[] }>('serviceReach/exposure', { uri });
      const fixable = view.findings.find((f) => f.fix);
      assert.ok(fixable, JSON.stringify(view.findings));
      const fix = await server.call<{ title: string; edit: { changes: Record<string, unknown[]> }; command?: unknown }>('serviceReach/fixFinding', { findingKey: fixable.key, uri });
      assert.ok(Object.keys(fix.edit.changes).length > 0);
      assert.equal(fix.command, undefined);

      for (const command of ['serviceReach.copyText', 'sh']) {
        const a = await server.request('workspace/executeCommand', { command, arguments: [`touch ${marker}`] }).answer;
        assert.equal(a.error?.code, -32601, JSON.stringify(a)); // MethodNotFound
      }
      assert.equal(fs.existsSync(marker), false);
    } finally {
      await server.stop();
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(marker, { force: true });
    }
  });
});
