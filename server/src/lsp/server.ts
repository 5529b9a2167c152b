/**
 * The Service Reach language server. It adapts the engine to LSP and does nothing the engine could do:
 * it keeps one engine Workspace per workspace folder — every manifest and rule source, from open documents
 * and from disk, kept current by `workspace/didChangeWatchedFiles` — and publishes the diagnostics of every
 * file the analysis speaks about, open or not. Analysis runs debounced and coalesced after changes; every
 * handler is guarded, so bad input becomes an LSP error or a log line, and the server keeps serving.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionKind, CompletionTriggerKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, ErrorCodes,
  FileChangeType, ResponseError, TextDocuments, TextDocumentSyncKind, WatchKind,
  type CodeLens, type Connection, type InitializeError, type InitializeParams, type InitializeResult, type WorkspaceFolder,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { initEngine } from '../engine';
import { readHclGrammar } from '../host/hcl-grammar';
import { InvalidParams, hasCodeActionContext, hasPosition, hasTextDocument } from './params';
import { DEFAULT_MAX_FILE_SIZE, inSkippedDirectory, isCandidate } from '../engine/util/load-policy';
import { chainLines, chainsInFile, completionsAt, documentSymbols, hoverAt } from '../engine/features';
import { toCompletionItem, toDiagnostic, toDocumentSymbol, toHover } from './convert';
import { codeActions, findingsFor } from './code-actions';
import { Folder, type FolderSettings } from './folder';
import { ANALYSIS_CHANGED_NOTIFICATION, exposureLens, registerExposure, type AnalysisChangedParams } from './exposure';
import { WorkQueue } from './work-queue';
import { STATS_REQUEST, type ServerStats } from './stats';

export interface Settings extends FolderSettings {
  codeLens: { enable: boolean };
}

/** What the client tells the server in `initializationOptions`. */
export interface InitializationOptions {
  /** the workspace is trusted (VS Code Workspace Trust); default true */
  trusted?: boolean;
  /** the client implements the `serviceReach.copyText` command; default false */
  copyCommand?: boolean;
  /** settings for clients that do not answer `workspace/configuration` */
  settings?: Partial<Settings>;
  /** the client implements `serviceReach.showExposure` and wants `serviceReach/analysisChanged`; default false */
  exposureView?: boolean;
  /** answer `serviceReach/stats` (how much work the server did: for tests and benchmarks); default false */
  stats?: boolean;
}

export const DEFAULT_SETTINGS: Settings = { maxFileSize: DEFAULT_MAX_FILE_SIZE, configPath: '', codeLens: { enable: true } };

/** Quiet time after the last change before diagnostics are recomputed, and the longest a burst may delay them. */
const DEBOUNCE_MS = 120;
const MAX_WAIT_MS = 600;
/**
 * After an edit the wait is twice what the folder's last analysis took, within [MIN_DEBOUNCE_MS, DEBOUNCE_MS]:
 * an incremental analysis (one document parsed again, the Services it affects checked again) takes milliseconds,
 * so diagnostics follow the typing; a slow one (the first, or after a rule source changed) is not started on
 * every keystroke. A burst of events closer than the minimum still makes one analysis.
 */
const MIN_DEBOUNCE_MS = 20;

function version(): string {
  // out/server/src/lsp/ (and out/…/ in tests); '../package.json' from the bundle, dist/server.js
  for (const p of ['../../../../package.json', '../../../package.json', '../package.json']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const v = (require(p) as { name?: string; version?: string });
      if (v.name === 'service-reach' && v.version) return v.version;
    } catch { /* next */ }
  }
  return '0.0.0';
}

/**
 * The bundled server (dist/server.js, in the .vsix) has the HCL grammar and web-tree-sitter's runtime copied
 * beside it (scripts/vscode/bundle.mjs); unbundled (out/), the installed packages provide them.
 */
function bundledWasmDir(): string | undefined {
  return fs.existsSync(path.join(__dirname, 'tree-sitter-hcl.wasm')) ? __dirname : undefined;
}

function settingsFrom(raw: unknown, base: Settings): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const lens = (r.codeLens && typeof r.codeLens === 'object' ? r.codeLens : {}) as Record<string, unknown>;
  return {
    maxFileSize: typeof r.maxFileSize === 'number' && Number.isFinite(r.maxFileSize) && r.maxFileSize > 0 ? r.maxFileSize : base.maxFileSize,
    configPath: typeof r.configPath === 'string' ? r.configPath.trim() : base.configPath,
    codeLens: { enable: typeof lens.enable === 'boolean' ? lens.enable : base.codeLens.enable },
  };
}

export class ServiceReachServer {
  private readonly documents = new TextDocuments(TextDocument);
  private folders: Folder[] = [];
  private readonly loose = new Map<string, Folder>();
  private settings: Settings = DEFAULT_SETTINGS;
  private initOptions: InitializationOptions = {};
  private caps = { workspaceFolders: false, snippets: false, progress: false, watchers: false, configuration: false, lensRefresh: false, configurationRegistration: false };
  private readonly dirty = new Set<Folder>();
  private timer: NodeJS.Timeout | undefined;
  private firstDirtyAt: number | undefined;
  private readonly generation = new Map<Folder, number>();
  /** per open document: the lenses last computed (their key) and for which version of it */
  private readonly lensKeys = new Map<string, { version: number; key: string }>();
  private lensRefreshQueued = false;
  /**
   * Notification work in order; the documents closed in quick succession are read again from disk once per batch
   * (a storm of didOpen/didClose pairs costs a few reads and one analysis, not one of each per pair).
   */
  private readonly work = new WorkQueue((uris) => this.documentsClosed(uris), (where, err) => this.error(where, err), { quietMs: MIN_DEBOUNCE_MS, maxWaitMs: MAX_WAIT_MS });
  /** closed documents read again from disk */
  private closeReloads = 0;
  /** an analysis is due, but waits until the closed documents are read again */
  private flushWhenIdle = false;
  private shuttingDown = false;

  constructor(private readonly connection: Connection) {}

  /** `shutdown` was received (an exit after it is a clean one). */
  get shutdownReceived(): boolean {
    return this.shuttingDown;
  }

  private log(message: string): void {
    try { this.connection.console.log(message); } catch { /* the connection is gone */ }
  }

  private error(where: string, err: unknown): void {
    const e = err as Error;
    try { this.connection.console.error(`service-reach: ${where} failed: ${e?.stack ?? String(err)}`); } catch { /* gone */ }
  }

  /** A request handler that never throws: a failure becomes an LSP error, and the server goes on. */
  private request<P, R>(name: string, fn: (params: P) => R | Promise<R>, valid?: (params: unknown) => boolean): (params: P) => Promise<R | ResponseError<void>> {
    return async (params: P) => {
      // params without the shape the method has are the client's error (InvalidParams), not ours (InternalError)
      if (valid && !valid(params)) return new ResponseError<void>(ErrorCodes.InvalidParams, `service-reach: ${name}: the params do not have the shape the method has`);
      // a request sees every notification sent before it: the work they queued (a closed document read again from
      // disk, a file event) is done first (the queue never rejects)
      await this.work.settled();
      try {
        return await fn(params);
      } catch (err) {
        if (err instanceof InvalidParams) return new ResponseError<void>(ErrorCodes.InvalidParams, `service-reach: ${name}: ${err.message}`);
        this.error(name, err);
        return new ResponseError<void>(ErrorCodes.InternalError, `service-reach: ${name} failed: ${(err as Error)?.message ?? String(err)}`);
      }
    };
  }

  /** A notification handler that never throws; work is queued so that file events apply in order. */
  private notification<P>(name: string, fn: (params: P) => void | Promise<void>): (params: P) => void {
    return (params: P) => this.work.push(name, () => fn(params));
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize(async (p: InitializeParams) => {
      try {
        const result = await this.initialize(p);
        // `initialize` comes once: a second one (a client bug) is refused before the library acts on it (it would
        // replace the workspace folders, and its watchdog would follow the new processId and exit if that is gone)
        c.onRequest('initialize', () => new ResponseError<InitializeError>(ErrorCodes.InvalidRequest, 'service-reach: initialize was already received', { retry: false }));
        return result;
      } catch (err) {
        this.error('initialize', err);
        return new ResponseError<InitializeError>(ErrorCodes.InternalError, `service-reach: initialize failed: ${(err as Error)?.message ?? String(err)}`, { retry: false });
      }
    });
    c.onInitialized(this.notification('initialized', () => this.initialized()));
    c.onShutdown(() => { this.shuttingDown = true; if (this.timer) clearTimeout(this.timer); });

    // (TextDocuments fires onDidOpen and then onDidChangeContent with the same event)
    let opening: unknown;
    this.documents.onDidOpen((e) => { opening = e; });
    this.documents.onDidChangeContent((e) => this.guardEvent('didChange', () => {
      const opened = e === opening;
      opening = undefined;
      this.documentChanged(e.document, !opened);
    }));
    this.documents.onDidClose((e) => this.work.coalesce(e.document.uri));
    this.documents.listen(c);

    c.onDidChangeWatchedFiles(this.notification('didChangeWatchedFiles', async (p) => {
      const touched = new Set<Folder>();
      for (const change of p.changes) {
        const folder = this.folderFor(change.uri, false);
        const rel = folder?.relOf(change.uri);
        if (!folder || !rel) continue;
        if (change.type === FileChangeType.Deleted) {
          if (folder.removed(rel)) touched.add(folder);
        } else if ((await folder.load(rel)) === 'changed') touched.add(folder);
      }
      for (const f of touched) this.schedule(f, 0);
    }));
    c.onDidChangeConfiguration(this.notification('didChangeConfiguration', async (p) => {
      const fromPush = (p.settings as Record<string, unknown> | undefined)?.serviceReach;
      await this.refreshSettings(fromPush);
    }));
    c.onCompletion(this.request('completion', (p) => {
      const t = this.target(p.textDocument.uri);
      if (!t) return null;
      const offset = t.folder.positions.offset(t.rel, p.position);
      const afterSpace = p.context?.triggerKind === CompletionTriggerKind.TriggerCharacter && p.context.triggerCharacter === ' ';
      const items = completionsAt(t.folder.ws, t.rel, offset, { afterSpace });
      return { isIncomplete: false, items: items.map((i) => toCompletionItem(i, t.rel, t.folder.positions, this.caps.snippets)) };
    }, hasPosition));
    c.onHover(this.request('hover', (p) => {
      const t = this.target(p.textDocument.uri);
      if (!t) return null;
      const h = hoverAt(t.folder.ws, t.rel, t.folder.positions.offset(t.rel, p.position));
      return h ? toHover(h, t.rel, t.folder.positions) : null;
    }, hasPosition));
    c.onCodeLens(this.request('codeLens', (p) => {
      const t = this.target(p.textDocument.uri);
      if (!t || !this.settings.codeLens.enable) return [];
      const lenses = this.lenses(t.folder, t.rel);
      const doc = this.documents.get(p.textDocument.uri);
      if (doc) this.lensKeys.set(doc.uri, { version: doc.version, key: ServiceReachServer.lensKey(lenses) });
      return lenses;
    }, hasTextDocument));
    c.onDocumentSymbol(this.request('documentSymbol', (p) => {
      const t = this.target(p.textDocument.uri);
      if (!t) return [];
      return documentSymbols(t.folder.ws, t.rel).map((s) => toDocumentSymbol(s, t.rel, t.folder.positions));
    }, hasTextDocument));
    c.onCodeAction(this.request('codeAction', (p) => {
      const t = this.target(p.textDocument.uri);
      if (!t) return [];
      const { folder, rel } = t;
      const analysis = folder.ws.analyze();
      const matched = findingsFor(p.context.diagnostics, analysis.findings, rel, (d) => folder.positions.offset(rel, d.range.start));
      return codeActions(folder.ws, rel, matched, folder.positions, (r) => folder.uriOf(r), {
        commands: this.initOptions.trusted !== false && this.initOptions.copyCommand === true,
        only: p.context.only,
      });
    }, hasCodeActionContext));
    registerExposure(c, { folders: () => [...this.served(), ...this.loose.values()] }, this.request.bind(this));
    c.onRequest(STATS_REQUEST, this.request('stats', () => {
      if (this.initOptions.stats !== true) return new ResponseError<void>(ErrorCodes.MethodNotFound, `Unhandled method ${STATS_REQUEST}`);
      const result: ServerStats = {
        folders: [...this.served(), ...this.loose.values()].map((f) => ({ uri: f.uri, ...f.ws.stats })),
        closes: this.work.stats,
        closeReloads: this.closeReloads,
      };
      return result;
    }));

    c.listen();
  }

  private guardEvent(name: string, fn: () => void): void {
    try { fn(); } catch (err) { this.error(name, err); }
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  private async initialize(p: InitializeParams): Promise<InitializeResult> {
    await initEngine({ hcl: readHclGrammar(bundledWasmDir()) });
    const cc = p.capabilities;
    this.caps = {
      workspaceFolders: !!cc.workspace?.workspaceFolders,
      snippets: !!cc.textDocument?.completion?.completionItem?.snippetSupport,
      progress: !!cc.window?.workDoneProgress,
      watchers: !!cc.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      configuration: !!cc.workspace?.configuration,
      lensRefresh: !!cc.workspace?.codeLens?.refreshSupport,
      configurationRegistration: !!cc.workspace?.didChangeConfiguration?.dynamicRegistration,
    };
    this.initOptions = (p.initializationOptions && typeof p.initializationOptions === 'object' ? p.initializationOptions : {}) as InitializationOptions;
    this.settings = settingsFrom(this.initOptions.settings, DEFAULT_SETTINGS);
    const roots: WorkspaceFolder[] = p.workspaceFolders?.length ? p.workspaceFolders
      : p.rootUri ? [{ uri: p.rootUri, name: 'root' }]
      : p.rootPath ? [{ uri: URI.file(p.rootPath).toString(), name: 'root' }] : [];
    this.folders = roots.map((r) => this.makeFolder(r)).filter((f): f is Folder => !!f);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: [' ', ':'], resolveProvider: false },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, `${CodeActionKind.SourceFixAll}.serviceReach`] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'service-reach', version: version() },
    };
  }

  private async initialized(): Promise<void> {
    if (this.caps.watchers) {
      const w = (globPattern: string, kind?: number) => (kind === undefined ? { globPattern } : { globPattern, kind });
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          w('**/*.{yaml,yml,json,xml,tf}'), w('**/firewalld.conf'), w('**/.service-reach.{yaml,yml}'),
          w('**/*', WatchKind.Create | WatchKind.Delete),
        ],
      }).catch((err) => this.error('register file watchers', err));
    }
    if (this.caps.configurationRegistration) {
      await this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'serviceReach' })
        .catch((err) => this.error('register configuration', err));
    }
    if (this.caps.workspaceFolders) {
      // (the getter throws for clients that do not send folder changes)
      this.connection.workspace.onDidChangeWorkspaceFolders(this.notification('didChangeWorkspaceFolders', (e) => {
        const before = new Set(this.served());
        for (const r of e.removed ?? []) {
          const f = this.folders.find((x) => x.uri === r?.uri);
          if (f) this.folders = this.folders.filter((x) => x !== f);
        }
        for (const a of e.added ?? []) {
          if (this.folders.some((x) => x.uri === a?.uri)) continue; // added twice: two Workspaces would publish for the same files
          const f = this.makeFolder(a);
          if (f) this.folders.push(f);
        }
        const after = new Set(this.served());
        // no longer served (removed, or now inside an added folder): stopped, its diagnostics withdrawn first
        for (const f of before) if (!after.has(f)) this.stopServing(f);
        // newly served (added, or the folder around it was removed): indexed
        for (const f of after) if (!before.has(f)) void this.indexFolder(f);
        // open documents go with the folder that now serves them (their editor text, not the disk's)
        for (const doc of this.documents.all()) this.documentChanged(doc, false);
      }));
    }
    await this.refreshSettings(undefined, false);
    for (const f of this.served()) {
      if (f.needsReindex(this.settings)) f.reset(this.settings, new Map());
      void this.indexFolder(f);
    }
  }

  /** A folder that is no longer served: its indexing and pending analysis are dropped, its diagnostics withdrawn. */
  private stopServing(f: Folder): void {
    this.generation.set(f, (this.generation.get(f) ?? 0) + 1);
    this.dirty.delete(f);
    for (const rel of f.published.keys()) this.connection.sendDiagnostics({ uri: f.uriOf(rel), diagnostics: [] });
    f.published.clear();
    // a nested folder that may be served again later starts over from the disk and the editors
    const open = new Map<string, string>();
    for (const rel of f.open) { const t = f.ws.getText(rel); if (t !== undefined) open.set(rel, t); }
    f.reset(this.settings, open);
  }

  private makeFolder(r: WorkspaceFolder): Folder | undefined {
    let fsPath: string;
    if (typeof r?.uri !== 'string') return undefined; // (URI.parse(null) is file:///null)
    try {
      const u = URI.parse(r.uri);
      if (u.scheme !== 'file') return undefined;
      fsPath = u.fsPath;
    } catch {
      return undefined;
    }
    return new Folder(r.uri, fsPath, false, this.settings, (m) => this.log(m), (uri) => this.documents.get(uri));
  }

  private async refreshSettings(pushed: unknown, reindex = true): Promise<void> {
    let next = this.settings;
    if (this.caps.configuration) {
      try {
        const [raw] = await this.connection.workspace.getConfiguration([{ section: 'serviceReach', scopeUri: this.folders[0]?.uri }]);
        next = settingsFrom(raw, settingsFrom(this.initOptions.settings, DEFAULT_SETTINGS));
      } catch (err) {
        this.error('workspace/configuration', err);
      }
    } else if (pushed !== undefined) {
      next = settingsFrom(pushed, this.settings);
    }
    const lensChanged = next.codeLens.enable !== this.settings.codeLens.enable;
    this.settings = next;
    if (reindex) {
      for (const f of [...this.served(), ...this.loose.values()]) {
        if (!f.needsReindex(next)) continue;
        const open = new Map<string, string>();
        for (const rel of f.open) { const t = f.ws.getText(rel); if (t !== undefined) open.set(rel, t); }
        f.reset(next, open);
        void this.indexFolder(f);
      }
    }
    if (lensChanged) this.refreshLenses();
  }

  private async indexFolder(folder: Folder): Promise<void> {
    const gen = (this.generation.get(folder) ?? 0) + 1;
    this.generation.set(folder, gen);
    const cancelled = () => this.shuttingDown || this.generation.get(folder) !== gen;
    let reporter: Awaited<ReturnType<Connection['window']['createWorkDoneProgress']>> | undefined;
    if (this.caps.progress && !folder.loose) {
      try {
        reporter = await this.connection.window.createWorkDoneProgress();
        reporter.begin('Service Reach', 0, `indexing ${path.basename(folder.root)}`, false);
      } catch (err) {
        this.error('work-done progress', err);
        reporter = undefined;
      }
    }
    const started = Date.now();
    try {
      await folder.index((n) => reporter?.report(`${n} files read`), cancelled);
    } catch (err) {
      this.error(`indexing ${folder.root}`, err);
      folder.indexed = true;
    } finally {
      reporter?.done();
    }
    if (cancelled()) return;
    this.log(`indexed ${folder.root}: ${folder.ws.paths().length} files in ${Date.now() - started} ms`);
    this.schedule(folder, 0);
  }

  // ------------------------------------------------------------------------------------------ documents

  /** The folder that holds a file: the innermost workspace folder, else a loose folder for its directory. */
  /**
   * The workspace folders that are served: those not inside another workspace folder. A nested folder is part of
   * the outer one's workspace — what `service-reach check OUTER` sees — so that no file gets two analyses (and two
   * sets of diagnostics); it is served again when the outer folder is removed.
   */
  private served(): Folder[] {
    // (two folders at the same place: the first one)
    return this.folders.filter((f, i) => !this.folders.some((o, j) => o.contains(f.root) || (j < i && path.resolve(o.root) === path.resolve(f.root))));
  }

  private folderFor(uri: string, createLoose: boolean): Folder | undefined {
    const served = this.served();
    const best = served.find((f) => f.relOf(uri));
    if (best) return best;
    let fsPath: string;
    try {
      const u = URI.parse(uri);
      if (u.scheme !== 'file') return undefined;
      fsPath = u.fsPath;
    } catch {
      return undefined;
    }
    const dir = path.dirname(fsPath);
    let f = this.loose.get(dir);
    if (!f && createLoose) {
      f = new Folder(URI.file(dir).toString(), dir, true, this.settings, (m) => this.log(m), (uri) => this.documents.get(uri));
      f.indexed = true;
      this.loose.set(dir, f);
    }
    return f;
  }

  private target(uri: string): { folder: Folder; rel: string } | undefined {
    const folder = this.folderFor(uri, false);
    const rel = folder?.relOf(uri);
    if (!folder || !rel || !folder.ws.hasFile(rel)) return undefined;
    return { folder, rel };
  }

  /**
   * An open document's text (opened: `edited` false, changed: true). An edit is analysed within MAX_WAIT_MS even
   * while the typing goes on; opening (and closing) waits for a quiet moment however long a storm of them lasts.
   */
  private documentChanged(doc: TextDocument, edited: boolean): void {
    const folder = this.folderFor(doc.uri, true);
    const rel = folder?.relOf(doc.uri);
    // the same files as on disk: candidates only, nothing under node_modules or .git
    if (!folder || !rel || inSkippedDirectory(rel) || (!isCandidate(rel, folder.configPath) && rel !== folder.configPath)) return;
    const text: unknown = doc.getText();
    if (typeof text !== 'string') return; // a didOpen whose `text` is not a string (TextDocument keeps it as given)
    folder.open.add(rel);
    if (text.length > this.settings.maxFileSize) folder.ws.skipFile(rel, 'file-too-large', `${rel} was skipped: ${text.length} characters is over the limit of ${this.settings.maxFileSize}.`);
    else folder.ws.setFile(rel, text);
    this.schedule(folder, this.debounce(folder), edited);
  }

  /** Documents closed (a batch, each URI once): the files on disk are the truth again. */
  private async documentsClosed(uris: string[]): Promise<void> {
    const touched = new Set<Folder>();
    for (const uri of uris) {
      try {
        const folder = await this.documentClosed(uri);
        if (folder) touched.add(folder);
      } catch (err) {
        this.error('didClose', err);
      }
    }
    for (const f of touched) this.schedule(f, this.debounce(f), false);
  }

  /** The folder whose workspace changed, if any. */
  private async documentClosed(uri: string): Promise<Folder | undefined> {
    if (this.documents.get(uri)) return undefined; // opened again since
    const folder = this.folderFor(uri, false);
    const rel = folder?.relOf(uri);
    if (!folder || !rel || !folder.open.has(rel)) return undefined;
    folder.open.delete(rel);
    if (folder.loose) {
      folder.removed(rel);
    } else {
      this.closeReloads++;
      await folder.load(rel); // the file on disk is the truth again
    }
    return folder;
  }

  // ---------------------------------------------------------------------------------------- diagnostics

  private debounce(folder: Folder): number {
    return Math.round(Math.max(MIN_DEBOUNCE_MS, Math.min(DEBOUNCE_MS, 2 * folder.ws.stats.lastAnalysisMs)));
  }

  /** Analyse `folder` after `delay` ms without a new change; `capped`: at most MAX_WAIT_MS after the first one. */
  private schedule(folder: Folder, delay = this.debounce(folder), capped = true): void {
    if (this.shuttingDown) return;
    this.dirty.add(folder);
    const now = Date.now();
    if (capped) this.firstDirtyAt ??= now;
    const wait = this.firstDirtyAt === undefined ? delay : Math.max(0, Math.min(delay, this.firstDirtyAt + MAX_WAIT_MS - now));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    this.firstDirtyAt = undefined;
    if (this.work.batching) {
      // closed documents are about to be read again from disk: analysing now would be undone at once
      if (!this.flushWhenIdle) {
        this.flushWhenIdle = true;
        void this.work.batchesDone().then(() => {
          this.flushWhenIdle = false;
          if (!this.timer && !this.shuttingDown) this.flush();
        });
      }
      return;
    }
    const analysed: string[] = [];
    for (const folder of [...this.dirty]) {
      if (!folder.indexed) continue; // published when its indexing ends
      this.dirty.delete(folder);
      try {
        this.publish(folder);
        analysed.push(folder.uri);
      } catch (err) {
        this.error(`analysis of ${folder.root}`, err);
      }
    }
    this.queueLensRefresh();
    if (analysed.length && this.initOptions.exposureView === true) {
      const params: AnalysisChangedParams = { folders: analysed };
      void this.connection.sendNotification(ANALYSIS_CHANGED_NOTIFICATION, params).catch((err) => this.error('analysisChanged', err));
    }
  }

  private publish(folder: Folder): void {
    const analysis = folder.ws.analyze();
    const byPath = new Map<string, ReturnType<typeof toDiagnostic>[]>();
    const uriOf = (rel: string) => folder.uriOf(rel);
    for (const f of analysis.findings) {
      const list = byPath.get(f.path) ?? [];
      list.push(toDiagnostic(f, folder.positions, uriOf));
      byPath.set(f.path, list);
    }
    for (const rel of new Set([...folder.published.keys(), ...byPath.keys()])) {
      const diagnostics = byPath.get(rel) ?? [];
      const key = JSON.stringify(diagnostics);
      if (folder.published.get(rel) === key) continue;
      if (diagnostics.length) folder.published.set(rel, key);
      else folder.published.delete(rel);
      const uri = folder.uriOf(rel);
      const version = folder.open.has(rel) ? this.documents.get(uri)?.version : undefined;
      void this.connection.sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics });
    }
  }

  // --------------------------------------------------------------------------------------------- lenses

  private lenses(folder: Folder, rel: string): CodeLens[] {
    const out: CodeLens[] = [];
    for (const chain of chainsInFile(folder.ws.analyze(), rel)) {
      const at = folder.positions.position(rel, chain.span.start);
      if (this.initOptions.exposureView === true) out.push(exposureLens(folder.uriOf(rel), chain.service, at));
      for (const title of chainLines(chain)) out.push({ range: { start: at, end: at }, command: { title, command: '' } });
    }
    return out;
  }

  private static lensKey(lenses: readonly CodeLens[]): string {
    return JSON.stringify(lenses.map((l) => [l.range.start.line, l.command?.title]));
  }

  /** Lenses are compared after the diagnostics are out (and pending requests answered), not before. */
  private queueLensRefresh(): void {
    if (this.lensRefreshQueued) return;
    this.lensRefreshQueued = true;
    setImmediate(() => {
      this.lensRefreshQueued = false;
      if (this.shuttingDown) return;
      try { this.refreshLenses(); } catch (err) { this.error('codeLens refresh', err); }
    });
  }

  /**
   * Ask the client to fetch lenses again when an open file's chains changed because of another file. Only the
   * lenses the client holds are compared: those it asked for, of the document as it is now. A document edited
   * since is skipped (the client asks for its lenses after an edit anyway, and working out the chains of a file
   * of a thousand Services on every keystroke would hold up everything else).
   */
  private refreshLenses(): void {
    if (!this.caps.lensRefresh || !this.settings.codeLens.enable) return;
    let changed = false;
    for (const doc of this.documents.all()) {
      const known = this.lensKeys.get(doc.uri);
      if (!known) continue;
      if (known.version !== doc.version) {
        this.lensKeys.delete(doc.uri);
        continue;
      }
      const t = this.target(doc.uri);
      if (!t) continue;
      const key = ServiceReachServer.lensKey(this.lenses(t.folder, t.rel));
      if (known.key !== key) {
        changed = true;
        this.lensKeys.set(doc.uri, { version: doc.version, key });
      }
    }
    if (changed) void this.connection.sendRequest('workspace/codeLens/refresh').catch((err) => this.error('codeLens refresh', err));
  }
}
