/**
 * What every part of the language server shares: the connection, the open documents, what the client can do
 * (its capabilities) and asked for (its initialization options), the current settings, whether `shutdown` came,
 * and the log. Logging never throws, even once the connection is gone.
 */
import { TextDocumentContentChangeEvent, TextDocuments, type Connection } from 'vscode-languageserver';
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

/** A didChange of one range, in offsets of the text before it (that text too): what changed, without comparing texts. */
export interface RangeChange {
  before: string;
  start: number;
  oldEnd: number;
  newEnd: number;
}

export class Session {
  /** per document, the change its last didChange made, when that was one range (taken by `takeChange`) */
  private readonly changes = new Map<string, RangeChange>();
  readonly documents = new TextDocuments<TextDocument>({
    create: TextDocument.create,
    update: (doc, changes, version) => {
      this.changes.delete(doc.uri);
      const only = changes.length === 1 ? changes[0] : undefined;
      const range = only && TextDocumentContentChangeEvent.isIncremental(only) ? only.range : undefined;
      if (only && range && typeof only.text === 'string') {
        // offsets as TextDocument.update finds them (a range given end first is taken the right way round)
        let start = doc.offsetAt(range.start);
        let end = doc.offsetAt(range.end);
        if (start > end) [start, end] = [end, start];
        this.changes.set(doc.uri, { before: doc.getText(), start, oldEnd: end, newEnd: start + only.text.length });
      }
      return TextDocument.update(doc, changes, version);
    },
  });
  caps: ClientCaps = { workspaceFolders: false, snippets: false, progress: false, watchers: false, configuration: false, lensRefresh: false, configurationRegistration: false, annotatedEdits: false, createFiles: false, showDocument: false, labelDetails: false };
  initOptions: InitializationOptions = {};
  settings: Settings = DEFAULT_SETTINGS;
  /** `shutdown` was received: nothing new is started */
  shuttingDown = false;

  constructor(readonly connection: Connection) {}

  /** The range the last didChange of a document changed, once (undefined: a whole text, several ranges, taken). */
  takeChange(uri: string): RangeChange | undefined {
    const c = this.changes.get(uri);
    this.changes.delete(uri);
    return c;
  }

  log(message: string): void {
    try { this.connection.console.log(message); } catch { /* the connection is gone */ }
  }

  error(where: string, err: unknown): void {
    const e = err as Error;
    try { this.connection.console.error(`service-reach: ${where} failed: ${e?.stack ?? String(err)}`); } catch { /* gone */ }
  }
}
