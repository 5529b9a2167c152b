/**
 * Indexing a workspace folder: reading every candidate file from disk, with work-done progress for clients that
 * show it. A folder indexed again, or no longer served, cancels the indexing under way; when an indexing ends
 * the folder is analysed.
 */
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver';
import type { Folder } from './folder';
import type { Session } from './session';

export class Indexing {
  /** per folder: bumped by each indexing and each cancel; an indexing whose number is not the last one stops */
  private readonly generation = new Map<Folder, number>();

  constructor(private readonly session: Session, private readonly indexed: (folder: Folder) => void) {}

  /** The indexing of `folder` under way (if any) stops. */
  cancel(folder: Folder): void {
    this.generation.set(folder, (this.generation.get(folder) ?? 0) + 1);
  }

  async index(folder: Folder): Promise<void> {
    const gen = (this.generation.get(folder) ?? 0) + 1;
    this.generation.set(folder, gen);
    const cancelled = () => this.session.shuttingDown || this.generation.get(folder) !== gen;
    let reporter: Awaited<ReturnType<Connection['window']['createWorkDoneProgress']>> | undefined;
    if (this.session.caps.progress && !folder.loose) {
      try {
        reporter = await this.session.connection.window.createWorkDoneProgress();
        reporter.begin('Service Reach', 0, `indexing ${path.basename(folder.root)}`, false);
      } catch (err) {
        this.session.error('work-done progress', err);
        reporter = undefined;
      }
    }
    const started = Date.now();
    try {
      await folder.index((n) => reporter?.report(`${n} files read`), cancelled);
    } catch (err) {
      this.session.error(`indexing ${folder.root}`, err);
      folder.indexed = true;
    } finally {
      reporter?.done();
    }
    if (cancelled()) return;
    this.session.log(`indexed ${folder.root}: ${folder.ws.paths().length} files in ${Date.now() - started} ms`);
    this.indexed(folder);
  }
}
