/**
 * The Service Reach language server. It adapts the engine to LSP and does nothing the engine could do:
 * it keeps one engine Workspace per workspace folder — every manifest and rule source, from open documents
 * and from disk, kept current by `workspace/didChangeWatchedFiles` — and publishes the diagnostics of every
 * file the analysis speaks about, open or not. Analysis runs debounced and coalesced after changes; every
 * handler is guarded, so bad input becomes an LSP error or a log line, and the server keeps serving.
 *
 * This module is the lifecycle — `initialize`, `initialized`, `shutdown` — and the wiring of the parts:
 * folders.ts (which folder serves a document), indexing.ts, documents.ts, diagnostics.ts, lenses.ts,
 * handlers.ts and exposure.ts (the requests), guards.ts, and the notification queue (work-queue.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, ErrorCodes,
  ResponseError, TextDocumentSyncKind, WatchKind,
  type Connection, type InitializeError, type InitializeParams, type InitializeResult, type WorkspaceFolder,
} from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { initEngine } from '../engine';
import { readHclGrammar } from '../host/hcl-grammar';
import { nodeGunzip } from '../host/gunzip';
import { Diagnostics, MAX_WAIT_MS, MIN_DEBOUNCE_MS } from './diagnostics';
import { OpenDocuments } from './documents';
import { registerExposure } from './exposure';
import type { Folder } from './folder';
import { Folders } from './folders';
import { guardEvent, notificationGuard, requestGuard, type NotificationGuard, type RequestGuard } from './guards';
import { CREATE_CONFIG_COMMAND, registerCreateConfig, servesCommands } from './create-config';
import { registerFeatures } from './handlers';
import { Indexing } from './indexing';
import { Lenses } from './lenses';
import { hasTextDocument } from './params';
import { Session } from './session';
import { DEFAULT_SETTINGS, settingsFrom, type InitializationOptions } from './settings';
import { STATS_REQUEST, type ServerStats } from './stats';
import { WorkQueue } from './work-queue';

export { DEFAULT_SETTINGS, type InitializationOptions, type Settings } from './settings';

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

export class ServiceReachServer {
  private readonly session: Session;
  private readonly folders: Folders;
  /**
   * Notification work in order; the documents closed in quick succession are read again from disk once per batch
   * (a storm of didOpen/didClose pairs costs a few reads and one analysis, not one of each per pair).
   */
  private readonly work: WorkQueue;
  private readonly diagnostics: Diagnostics;
  private readonly lenses: Lenses;
  private readonly documents: OpenDocuments;
  private readonly indexing: Indexing;
  private readonly request: RequestGuard;
  private readonly notification: NotificationGuard;

  constructor(connection: Connection) {
    const session = this.session = new Session(connection);
    const error = (where: string, err: unknown) => session.error(where, err);
    this.folders = new Folders(session);
    this.work = new WorkQueue((uris) => this.documents.closed(uris), error, { quietMs: MIN_DEBOUNCE_MS, maxWaitMs: MAX_WAIT_MS });
    this.lenses = new Lenses(session, this.folders);
    this.diagnostics = new Diagnostics(session, this.work, () => this.lenses.queueRefresh());
    this.documents = new OpenDocuments(session, this.folders, this.diagnostics);
    this.indexing = new Indexing(session, (f) => this.diagnostics.schedule(f, 0));
    this.request = requestGuard(this.work, error);
    this.notification = notificationGuard(this.work);
  }

  /** `shutdown` was received (an exit after it is a clean one). */
  get shutdownReceived(): boolean {
    return this.session.shuttingDown;
  }

  listen(): void {
    const { session, folders, request, notification } = this;
    const c = session.connection;
    const error = (where: string, err: unknown) => session.error(where, err);
    c.onInitialize(async (p: InitializeParams) => {
      try {
        const result = await this.initialize(p);
        // `initialize` comes once: a second one (a client bug) is refused before the library acts on it (it would
        // replace the workspace folders, and its watchdog would follow the new processId and exit if that is gone)
        c.onRequest('initialize', () => new ResponseError<InitializeError>(ErrorCodes.InvalidRequest, 'service-reach: initialize was already received', { retry: false }));
        return result;
      } catch (err) {
        error('initialize', err);
        return new ResponseError<InitializeError>(ErrorCodes.InternalError, `service-reach: initialize failed: ${(err as Error)?.message ?? String(err)}`, { retry: false });
      }
    });
    c.onInitialized(notification('initialized', () => this.initialized()));
    c.onShutdown(() => { session.shuttingDown = true; this.diagnostics.stop(); });

    // (TextDocuments fires onDidOpen and then onDidChangeContent with the same event)
    let opening: unknown;
    session.documents.onDidOpen((e) => { opening = e; });
    session.documents.onDidChangeContent((e) => guardEvent('didChange', () => {
      const opened = e === opening;
      opening = undefined;
      this.documents.changed(e.document, !opened);
    }, error));
    session.documents.onDidClose((e) => this.work.coalesce(e.document.uri));
    session.documents.listen(c);

    c.onDidChangeWatchedFiles(notification('didChangeWatchedFiles', async (p) => {
      for (const f of await folders.filesChanged(p.changes)) this.diagnostics.schedule(f, 0);
    }));
    c.onDidChangeConfiguration(notification('didChangeConfiguration', async (p) => {
      const fromPush = (p.settings as Record<string, unknown> | undefined)?.serviceReach;
      await this.refreshSettings(fromPush);
    }));
    registerFeatures(c, session, folders, request);
    c.onCodeLens(request('codeLens', (p) => this.lenses.request(p), hasTextDocument));
    registerExposure(c, {
      folders: () => folders.all(),
      annotations: () => session.caps.annotatedEdits,
      versionOf: (uri) => session.documents.get(uri)?.version,
    }, request);
    registerCreateConfig(c, session, () => folders.all(), request);
    c.onRequest(STATS_REQUEST, request('stats', () => {
      if (session.initOptions.stats !== true) return new ResponseError<void>(ErrorCodes.MethodNotFound, `Unhandled method ${STATS_REQUEST}`);
      const result: ServerStats = {
        folders: folders.all().map((f) => ({ uri: f.uri, ...f.ws.stats })),
        closes: this.work.stats,
        closeReloads: this.documents.closeReloads,
      };
      return result;
    }));

    c.listen();
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  private async initialize(p: InitializeParams): Promise<InitializeResult> {
    await initEngine({ hcl: readHclGrammar(bundledWasmDir()), gunzip: nodeGunzip() });
    const { session } = this;
    const cc = p.capabilities;
    session.caps = {
      workspaceFolders: !!cc.workspace?.workspaceFolders,
      snippets: !!cc.textDocument?.completion?.completionItem?.snippetSupport,
      progress: !!cc.window?.workDoneProgress,
      watchers: !!cc.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      configuration: !!cc.workspace?.configuration,
      lensRefresh: !!cc.workspace?.codeLens?.refreshSupport,
      configurationRegistration: !!cc.workspace?.didChangeConfiguration?.dynamicRegistration,
      annotatedEdits: !!cc.workspace?.workspaceEdit?.documentChanges && !!cc.workspace?.workspaceEdit?.changeAnnotationSupport,
      createFiles: !!cc.workspace?.workspaceEdit?.documentChanges && !!cc.workspace?.workspaceEdit?.resourceOperations?.includes('create'),
      showDocument: !!cc.window?.showDocument?.support,
      labelDetails: !!cc.textDocument?.completion?.completionItem?.labelDetailsSupport,
    };
    session.initOptions = (p.initializationOptions && typeof p.initializationOptions === 'object' ? p.initializationOptions : {}) as InitializationOptions;
    session.settings = settingsFrom(session.initOptions.settings, DEFAULT_SETTINGS);
    const roots: WorkspaceFolder[] = p.workspaceFolders?.length ? p.workspaceFolders
      : p.rootUri ? [{ uri: p.rootUri, name: 'root' }]
      : p.rootPath ? [{ uri: URI.file(p.rootPath).toString(), name: 'root' }] : [];
    this.folders.setRoots(roots);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: [' ', ':'], resolveProvider: false },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, `${CodeActionKind.SourceFixAll}.serviceReach`] },
        // (an untrusted workspace gets no command: the config is then a quick fix's edit only)
        ...(servesCommands(session) ? { executeCommandProvider: { commands: [CREATE_CONFIG_COMMAND] } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'service-reach', version: version() },
    };
  }

  private async initialized(): Promise<void> {
    const { session } = this;
    const c = session.connection;
    if (session.caps.watchers) {
      const w = (globPattern: string, kind?: number) => (kind === undefined ? { globPattern } : { globPattern, kind });
      await c.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          w('**/*.{yaml,yml,json,xml,tf}'), w('**/firewalld.conf'), w('**/.service-reach.{yaml,yml}'),
          // scripts and user-data templates that may hold firewall commands (docs/firewall-commands.md)
          w('**/*.{sh,bash,tpl,tftpl,tmpl,cfg}'),
          // a chart's packed dependency (read as bytes): a new one on disk renders its chart again
          w('**/charts/*.tgz'),
          w('**/{rules.v4,rules.v6,iptables,ip6tables,iptables.rules,ip6tables.rules,*.iptables,*.ip6tables,*.nft,nftables.conf}'),
          w('**/*', WatchKind.Create | WatchKind.Delete),
        ],
      }).catch((err) => session.error('register file watchers', err));
    }
    if (session.caps.configurationRegistration) {
      await c.client.register(DidChangeConfigurationNotification.type, { section: 'serviceReach' })
        .catch((err) => session.error('register configuration', err));
    }
    if (session.caps.workspaceFolders) {
      // (the getter throws for clients that do not send folder changes)
      c.workspace.onDidChangeWorkspaceFolders(this.notification('didChangeWorkspaceFolders', (e) => {
        const { stopped, started } = this.folders.change(e);
        // no longer served (removed, or now inside an added folder): stopped, its diagnostics withdrawn first
        for (const f of stopped) this.stopServing(f);
        // newly served (added, or the folder around it was removed): indexed
        for (const f of started) void this.indexing.index(f);
        // open documents go with the folder that now serves them (their editor text, not the disk's)
        this.documents.reopenAll();
      }));
    }
    await this.refreshSettings(undefined, false);
    for (const f of this.folders.served()) {
      if (f.needsReindex(session.settings)) f.reset(session.settings, new Map());
      void this.indexing.index(f);
    }
  }

  /** A folder that is no longer served: its indexing and pending analysis are dropped, its diagnostics withdrawn. */
  private stopServing(f: Folder): void {
    this.indexing.cancel(f);
    this.diagnostics.withdraw(f);
    // a nested folder that may be served again later starts over from the disk and the editors
    f.reset(this.session.settings, f.openTexts());
  }

  private async refreshSettings(pushed: unknown, reindex = true): Promise<void> {
    const { session } = this;
    let next = session.settings;
    if (session.caps.configuration) {
      try {
        const [raw] = await session.connection.workspace.getConfiguration([{ section: 'serviceReach', scopeUri: this.folders.firstUri }]);
        next = settingsFrom(raw, settingsFrom(session.initOptions.settings, DEFAULT_SETTINGS));
      } catch (err) {
        session.error('workspace/configuration', err);
      }
    } else if (pushed !== undefined) {
      next = settingsFrom(pushed, session.settings);
    }
    const lensChanged = next.codeLens.enable !== session.settings.codeLens.enable;
    session.settings = next;
    if (reindex) {
      for (const f of this.folders.all()) {
        if (!f.needsReindex(next)) continue;
        f.reset(next, f.openTexts());
        void this.indexing.index(f);
      }
    }
    if (lensChanged) this.lenses.refresh();
  }
}
