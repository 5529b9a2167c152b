/**
 * Open documents: while a file is open its text comes from the editor, not from disk; once it is closed the
 * file on disk is the truth again. Each change schedules the analysis of the folder that serves the document.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { inSkippedDirectory, isCandidate } from '../engine/util/load-policy';
import type { Diagnostics } from './diagnostics';
import type { Folder } from './folder';
import type { Folders } from './folders';
import type { Session } from './session';

export class OpenDocuments {
  /** closed documents read again from disk */
  private reloads = 0;

  constructor(private readonly session: Session, private readonly folders: Folders, private readonly diagnostics: Diagnostics) {}

  get closeReloads(): number {
    return this.reloads;
  }

  /**
   * An open document's text (opened: `edited` false, changed: true). An edit is analysed within MAX_WAIT_MS even
   * while the typing goes on; opening (and closing) waits for a quiet moment however long a storm of them lasts.
   */
  changed(doc: TextDocument, edited: boolean): void {
    const change = this.session.takeChange(doc.uri);
    const folder = this.folders.folderFor(doc.uri, true);
    const rel = folder?.relOf(doc.uri);
    // the same files as on disk: candidates only, nothing under node_modules or .git
    if (!folder || !rel || inSkippedDirectory(rel) || (!isCandidate(rel, folder.configPath) && rel !== folder.configPath)) return;
    if (folder.isExcluded(rel)) return; // the config's `exclude`: not in the workspace, even open
    const text: unknown = doc.getText();
    if (typeof text !== 'string') return; // a didOpen whose `text` is not a string (TextDocument keeps it as given)
    folder.open.add(rel);
    const { maxFileSize } = this.session.settings;
    if (text.length > maxFileSize) folder.ws.skipFile(rel, 'file-too-large', `${rel} was skipped: ${text.length} characters is over the limit of ${maxFileSize}.`);
    else {
      // a change by range of the text the workspace holds: the workspace is told where, and compares no texts
      const known = change && edited && folder.ws.getText(rel) === change.before ? change : undefined;
      folder.ws.setFile(rel, text, known && { start: known.start, oldEnd: known.oldEnd, newEnd: known.newEnd });
    }
    this.diagnostics.schedule(folder, this.diagnostics.debounce(folder), edited);
  }

  /** Every open document again, as opened: each goes with the folder that now serves it (its editor text). */
  reopenAll(): void {
    for (const doc of this.session.documents.all()) this.changed(doc, false);
  }

  /** Documents closed (a batch, each URI once): the files on disk are the truth again. */
  async closed(uris: string[]): Promise<void> {
    const touched = new Set<Folder>();
    for (const uri of uris) {
      try {
        const folder = await this.closedOne(uri);
        if (folder) touched.add(folder);
      } catch (err) {
        this.session.error('didClose', err);
      }
    }
    for (const f of touched) this.diagnostics.schedule(f, this.diagnostics.debounce(f), false);
  }

  /** The folder whose workspace changed, if any. */
  private async closedOne(uri: string): Promise<Folder | undefined> {
    if (this.session.documents.get(uri)) return undefined; // opened again since
    const folder = this.folders.folderFor(uri, false);
    const rel = folder?.relOf(uri);
    if (!folder || !rel || !folder.open.has(rel)) return undefined;
    folder.open.delete(rel);
    if (folder.loose) {
      folder.removed(rel);
    } else {
      this.reloads++;
      await folder.load(rel); // the file on disk is the truth again
    }
    return folder;
  }
}
