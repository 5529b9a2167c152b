/**
 * What every part of the language server shares: the connection, the open documents, what the client can do
 * (its capabilities) and asked for (its initialization options), the current settings, whether `shutdown` came,
 * and the log. Logging never throws, even once the connection is gone.
 */
import { TextDocuments, type Connection } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SETTINGS, type InitializationOptions, type Settings } from './settings';

/** The client capabilities the server acts on. */
export interface ClientCaps {
  workspaceFolders: boolean;
  snippets: boolean;
  progress: boolean;
  watchers: boolean;
  configuration: boolean;
  lensRefresh: boolean;
  configurationRegistration: boolean;
  /** `documentChanges` with change annotations: edits to other files can ask for the user's confirmation */
  annotatedEdits: boolean;
  /** `documentChanges` with the `create` resource operation (a new file in a workspace edit) */
  createFiles: boolean;
  /** `window/showDocument` */
  showDocument: boolean;
  /** completion items' `labelDetails` */
  labelDetails: boolean;
}

export class Session {
  readonly documents = new TextDocuments(TextDocument);
  caps: ClientCaps = { workspaceFolders: false, snippets: false, progress: false, watchers: false, configuration: false, lensRefresh: false, configurationRegistration: false, annotatedEdits: false, createFiles: false, showDocument: false, labelDetails: false };
  initOptions: InitializationOptions = {};
  settings: Settings = DEFAULT_SETTINGS;
  /** `shutdown` was received: nothing new is started */
  shuttingDown = false;

  constructor(readonly connection: Connection) {}

  log(message: string): void {
    try { this.connection.console.log(message); } catch { /* the connection is gone */ }
  }

  error(where: string, err: unknown): void {
    const e = err as Error;
    try { this.connection.console.error(`service-reach: ${where} failed: ${e?.stack ?? String(err)}`); } catch { /* gone */ }
  }
}
