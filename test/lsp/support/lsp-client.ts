/**
 * Test support: start `service-reach-lsp --stdio` as a child process and talk JSON-RPC to it through
 * vscode-jsonrpc's message connection over the child's streams. Notifications are awaited by event (a
 * predicate checked on every arrival), never by sleeping; a deadline only turns a hang into a failure.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { URI } from 'vscode-uri';
import { Waiters } from './waiters';

export const SERVER_BIN = path.resolve(__dirname, '../../../../bin/service-reach-lsp.js');

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  codeDescription?: { href: string };
  source?: string;
  message: string;
  relatedInformation?: { location: { uri: string; range: unknown }; message: string }[];
  tags?: number[];
  data?: unknown;
}

export class LspClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly progress: { token: unknown; kind: string; message?: string }[] = [];
  readonly logs: string[] = [];
  readonly stderr: string[] = [];
  private readonly waiters = new Waiters(() => this.exited, () => `stderr: ${this.stderr.join('')}; log: ${this.logs.slice(-5).join(' | ')}`);
  private exited: number | null | undefined;

  private constructor(readonly child: ChildProcessWithoutNullStreams, readonly conn: MessageConnection) {
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.poke();
    });
    conn.onNotification('$/progress', (p: { token: unknown; value: { kind: string; message?: string } }) => {
      this.progress.push({ token: p.token, kind: p.value.kind, message: p.value.message });
      this.poke();
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => { this.logs.push(p.message); });
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    conn.onRequest('workspace/codeLens/refresh', () => null);
    child.stderr.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    child.on('exit', (code) => { this.exited = code; this.poke(); });
    conn.listen();
  }

  static start(cwd: string, args: string[] = ['--stdio']): LspClient {
    return LspClient.startNode(cwd, [SERVER_BIN, ...args]);
  }

  /** `node ARGV…` (a script that starts the server) as the server. */
  static startNode(cwd: string, argv: string[]): LspClient {
    const child = spawn(process.execPath, argv, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    return new LspClient(child, conn);
  }

  get hasExited(): boolean {
    return this.exited !== undefined;
  }

  private poke(): void {
    this.waiters.poke();
  }

  /** Resolve when `check` returns something (checked now and on every notification); reject if the server exits. */
  waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 15000): Promise<T> {
    return this.waiters.waitFor(what, check, timeoutMs);
  }

  /** Wait for the diagnostics of `uri` to satisfy `pred` (the latest published set). */
  waitForDiagnostics(uri: string, pred: (d: Diagnostic[]) => boolean, what = `diagnostics of ${uri}`): Promise<Diagnostic[]> {
    return this.waitFor(what, () => {
      const d = this.diagnostics.get(uri);
      return d && pred(d) ? d : undefined;
    });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  /** A request that must be answered within `timeoutMs` (a hang, or the server exiting first, fails). */
  requestWithin<R>(method: string, params: unknown, timeoutMs = 15000): Promise<R> {
    let answer: { value: R } | undefined;
    let failure: Error | undefined;
    this.request<R>(method, params).then(
      (value) => { answer = { value }; this.poke(); },
      (err: unknown) => { failure = err instanceof Error ? err : new Error(String(err)); this.poke(); },
    );
    return this.waitFor(`an answer to ${method}`, () => {
      if (failure) throw failure;
      return answer;
    }, timeoutMs).then((a) => a.value);
  }

  /** Write bytes to the server's stdin as they are (after everything sent before). */
  writeRaw(bytes: Buffer | string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.child.stdin.write(bytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.conn.sendNotification(method, params);
  }

  async initialize(rootDir: string, options: { capabilities?: Record<string, unknown>; initializationOptions?: unknown } = {}): Promise<{ capabilities: Record<string, unknown> }> {
    const r = await this.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: URI.file(rootDir).toString(),
      workspaceFolders: [{ uri: URI.file(rootDir).toString(), name: path.basename(rootDir) }],
      capabilities: options.capabilities ?? {
        window: { workDoneProgress: true },
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, configuration: true },
        textDocument: { completion: { completionItem: { snippetSupport: true } }, publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true } },
      },
      initializationOptions: options.initializationOptions,
    });
    await this.notify('initialized', {});
    return r;
  }

  async stop(): Promise<void> {
    if (this.exited === undefined) {
      try {
        await this.request('shutdown', null);
        await this.notify('exit', null);
      } catch { /* already gone */ }
      await this.waitFor('exit', () => (this.exited !== undefined ? true : undefined), 5000).catch(() => this.child.kill());
    }
    this.conn.dispose();
  }
}

/** A scratch workspace on disk: `{relative path: text}`. */
export function scratchWorkspace(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'service-reach-lsp-'));
  for (const [rel, text] of Object.entries(files)) writeFile(root, rel, text);
  return fs.realpathSync(root);
}

export function writeFile(root: string, rel: string, text: string): void {
  const abs = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text);
}

export function uriOf(root: string, rel: string): string {
  return URI.file(path.join(root, ...rel.split('/'))).toString();
}

/** Split `a|b` into text `ab` and the cursor's 0-based line and character. */
export function cursorPosition(textWithBar: string): { text: string; line: number; character: number } {
  const i = textWithBar.indexOf('|');
  if (i < 0) throw new Error('no | cursor marker');
  const before = textWithBar.slice(0, i);
  const lines = before.split('\n');
  return { text: before + textWithBar.slice(i + 1), line: lines.length - 1, character: lines[lines.length - 1].length };
}
