/**
 * A small LSP client for the benchmark: starts a language server over stdio (Service Reach's or
 * yaml-language-server) and talks JSON-RPC to it through vscode-jsonrpc. It records every
 * `textDocument/publishDiagnostics` with the time it arrived, so that a measurement waits for an event (the
 * diagnostics of a file, published after a given moment) and never sleeps.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');
const { URI } = require('vscode-uri');

export const uriOf = (root, rel) => URI.file(path.join(root, ...rel.split('/'))).toString();

export class LspClient {
  /**
   * @param {string} command node script of the server
   * @param {string[]} args
   * @param {{cwd: string, nodeArgs?: string[], configuration?: (section: string|undefined) => unknown}} options
   */
  constructor(command, args, options) {
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), command, ...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.conn = createMessageConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    /** uri → { at, version, diagnostics }[] in arrival order */
    this.published = new Map();
    this.logs = [];
    this.stderr = [];
    this.progressEnded = 0;
    this.waiters = new Set();
    this.exited = undefined;
    const configuration = options.configuration ?? (() => null);
    this.conn.onNotification('textDocument/publishDiagnostics', (p) => {
      const at = performance.now();
      const list = this.published.get(p.uri) ?? [];
      list.push({ at, version: p.version, diagnostics: p.diagnostics });
      this.published.set(p.uri, list);
      this.poke();
    });
    this.conn.onNotification('$/progress', (p) => { if (p.value?.kind === 'end') { this.progressEnded++; this.poke(); } });
    this.conn.onNotification('window/logMessage', (p) => { this.logs.push(p.message); });
    this.conn.onNotification('telemetry/event', () => {});
    this.conn.onNotification(/* yaml-language-server */ 'yaml/schemaStoreInitialized', () => {});
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('client/unregisterCapability', () => null);
    this.conn.onRequest('workspace/configuration', (p) => p.items.map((i) => configuration(i.section)));
    this.conn.onRequest('workspace/codeLens/refresh', () => null);
    this.conn.onRequest('workspace/semanticTokens/refresh', () => null);
    this.conn.onRequest('workspace/inlayHint/refresh', () => null);
    this.conn.onRequest('workspace/diagnostic/refresh', () => null);
    this.conn.onRequest('window/showMessageRequest', () => null);
    this.child.stderr.on('data', (d) => this.stderr.push(d.toString()));
    this.child.on('exit', (code) => { this.exited = code; this.poke(); });
    this.conn.listen();
  }

  poke() {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves with the first non-undefined value of `check`, evaluated now and on every event. */
  waitFor(what, check, timeoutMs = 120000) {
    return new Promise((resolve, reject) => {
      const done = (err, v) => {
        clearTimeout(timer);
        this.waiters.delete(w);
        if (err) reject(err); else resolve(v);
      };
      const w = () => {
        let v;
        try { v = check(); } catch (err) { done(err); return; }
        if (v !== undefined) done(undefined, v);
        else if (this.exited !== undefined) done(new Error(`the server exited (${this.exited}) while waiting for ${what}; stderr: ${this.stderr.join('').slice(-2000)}`));
      };
      const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${this.stderr.join('').slice(-2000)}`)), timeoutMs);
      this.waiters.add(w);
      w();
    });
  }

  /** The first diagnostics of `uri` published after `since` (performance.now()) that satisfy `pred`. */
  diagnosticsAfter(uri, since, pred = () => true, what = `diagnostics of ${uri}`) {
    return this.waitFor(what, () => (this.published.get(uri) ?? []).find((p) => p.at >= since && pred(p.diagnostics, p)));
  }

  request(method, params) {
    return this.conn.sendRequest(method, params);
  }

  notify(method, params) {
    return this.conn.sendNotification(method, params);
  }

  async initialize(root, capabilities, initializationOptions) {
    const r = await this.request('initialize', {
      processId: process.pid,
      rootUri: URI.file(root).toString(),
      rootPath: root,
      workspaceFolders: [{ uri: URI.file(root).toString(), name: path.basename(root) }],
      capabilities,
      initializationOptions,
    });
    return r;
  }

  async stop() {
    if (this.exited === undefined) {
      try {
        await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 5000))]);
        await this.notify('exit', null);
      } catch { /* already gone */ }
      await this.waitFor('exit', () => (this.exited !== undefined ? true : undefined), 5000).catch(() => this.child.kill());
    }
    this.conn.dispose();
  }
}

/** Client capabilities as VS Code 1.9x sends them, for the parts these servers read. */
export const EDITOR_CAPABILITIES = {
  window: { workDoneProgress: true },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
    codeLens: { refreshSupport: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true },
    completion: {
      dynamicRegistration: true,
      completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'], deprecatedSupport: true, insertReplaceSupport: true },
      contextSupport: true,
    },
    hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    codeLens: { dynamicRegistration: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
  },
};
