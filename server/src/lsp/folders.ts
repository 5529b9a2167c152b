/**
 * The folders the server holds and which one serves a document: the workspace folders (those nested in another
 * one are not served on their own) and loose folders, made up for files opened outside every workspace folder.
 */
import * as path from 'node:path';
import { FileChangeType, type FileEvent, type WorkspaceFolder, type WorkspaceFoldersChangeEvent } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { Folder } from './folder';
import type { Session } from './session';

export class Folders {
  private folders: Folder[] = [];
  private readonly loose = new Map<string, Folder>();

  constructor(private readonly session: Session) {}

  /** The workspace folders (from `initialize`): those that are not `file:` URIs are left out. */
  setRoots(roots: readonly WorkspaceFolder[]): void {
    this.folders = roots.map((r) => this.makeFolder(r)).filter((f): f is Folder => !!f);
  }

  /** The first workspace folder's URI (the scope of `workspace/configuration`). */
  get firstUri(): string | undefined {
    return this.folders[0]?.uri;
  }

  /**
   * The workspace folders that are served: those not inside another workspace folder. A nested folder is part of
   * the outer one's workspace — what `service-reach check OUTER` sees — so that no file gets two analyses (and two
   * sets of diagnostics); it is served again when the outer folder is removed.
   */
  served(): Folder[] {
    // (two folders at the same place: the first one)
    return this.folders.filter((f, i) => !this.folders.some((o, j) => o.contains(f.root) || (j < i && path.resolve(o.root) === path.resolve(f.root))));
  }

  /** Every folder that is analysed: the served workspace folders and the loose ones. */
  all(): Folder[] {
    return [...this.served(), ...this.loose.values()];
  }

  /**
   * `workspace/didChangeWorkspaceFolders`: the folders no longer served (removed, or now inside an added folder)
   * and those newly served (added, or the folder around them was removed).
   */
  change(e: WorkspaceFoldersChangeEvent): { stopped: Folder[]; started: Folder[] } {
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
    return { stopped: [...before].filter((f) => !after.has(f)), started: [...after].filter((f) => !before.has(f)) };
  }

  /** The folder that holds a file: the served workspace folder it is in, else a loose folder for its directory. */
  folderFor(uri: string, createLoose: boolean): Folder | undefined {
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
      f = new Folder(URI.file(dir).toString(), dir, true, this.session.settings, (m) => this.session.log(m), (uri) => this.session.documents.get(uri));
      f.indexed = true;
      this.loose.set(dir, f);
    }
    return f;
  }

  /** The folder and workspace-relative path of a file the server holds. */
  target(uri: string): { folder: Folder; rel: string } | undefined {
    const folder = this.folderFor(uri, false);
    const rel = folder?.relOf(uri);
    if (!folder || !rel || !folder.ws.hasFile(rel)) return undefined;
    return { folder, rel };
  }

  /** `workspace/didChangeWatchedFiles`: the files read again (or removed); the folders whose workspace changed. */
  async filesChanged(changes: readonly FileEvent[]): Promise<Set<Folder>> {
    const touched = new Set<Folder>();
    for (const change of changes) {
      const folder = this.folderFor(change.uri, false);
      const rel = folder?.relOf(change.uri);
      if (!folder || !rel) continue;
      if (change.type === FileChangeType.Deleted) {
        if (folder.removed(rel)) touched.add(folder);
      } else if ((await folder.load(rel)) === 'changed') touched.add(folder);
    }
    return touched;
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
    return new Folder(r.uri, fsPath, false, this.session.settings, (m) => this.session.log(m), (uri) => this.session.documents.get(uri));
  }
}
