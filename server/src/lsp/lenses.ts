/**
 * CodeLens: above each port of a Service the one-line chain of its exposure, and above its health-check field the
 * health check's (and, above the Service, for clients with the exposure view, a "Show exposure" lens). The lenses the client holds are remembered, so that when an open file's chains change
 * because of another file the client is asked to fetch them again (`workspace/codeLens/refresh`).
 */
import type { CodeLens, CodeLensParams } from 'vscode-languageserver';
import { chainLenses, chainsInFile } from '../engine/features';
import { exposureLens } from './exposure';
import type { Folder } from './folder';
import type { Folders } from './folders';
import type { Session } from './session';

export class Lenses {
  /** per open document: the lenses last computed (their key) and for which version of it */
  private readonly keys = new Map<string, { version: number; key: string }>();
  private refreshQueued = false;

  constructor(private readonly session: Session, private readonly folders: Folders) {}

  /** `textDocument/codeLens` */
  request(p: CodeLensParams): CodeLens[] {
    const t = this.folders.target(p.textDocument.uri);
    if (!t || !this.session.settings.codeLens.enable) return [];
    const lenses = this.lenses(t.folder, t.rel);
    const doc = this.session.documents.get(p.textDocument.uri);
    if (doc) this.keys.set(doc.uri, { version: doc.version, key: Lenses.key(lenses) });
    return lenses;
  }

  /** Lenses are compared after the diagnostics are out (and pending requests answered), not before. */
  queueRefresh(): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    setImmediate(() => {
      this.refreshQueued = false;
      if (this.session.shuttingDown) return;
      try { this.refresh(); } catch (err) { this.session.error('codeLens refresh', err); }
    });
  }

  /**
   * Ask the client to fetch lenses again when an open file's chains changed because of another file. Only the
   * lenses the client holds are compared: those it asked for, of the document as it is now. A document edited
   * since is skipped (the client asks for its lenses after an edit anyway, and working out the chains of a file
   * of a thousand Services on every keystroke would hold up everything else).
   */
  refresh(): void {
    if (!this.session.caps.lensRefresh || !this.session.settings.codeLens.enable) return;
    let changed = false;
    for (const doc of this.session.documents.all()) {
      const known = this.keys.get(doc.uri);
      if (!known) continue;
      if (known.version !== doc.version) {
        this.keys.delete(doc.uri);
        continue;
      }
      const t = this.folders.target(doc.uri);
      if (!t) continue;
      const key = Lenses.key(this.lenses(t.folder, t.rel));
      if (known.key !== key) {
        changed = true;
        this.keys.set(doc.uri, { version: doc.version, key });
      }
    }
    if (changed) void this.session.connection.sendRequest('workspace/codeLens/refresh').catch((err) => this.session.error('codeLens refresh', err));
  }

  private lenses(folder: Folder, rel: string): CodeLens[] {
    const out: CodeLens[] = [];
    for (const chain of chainsInFile(folder.ws.analyze(), rel)) {
      const at = folder.positions.position(rel, chain.span.start);
      // the exposure view draws a Service analysed on its own; an overlay's chain (on a base) has its lines only
      if (this.session.initOptions.exposureView === true && !chain.overlay) out.push(exposureLens(folder.uriOf(rel), chain.service, at));
      // one lens per port, on its item, and the health check's on its field: short lines nobody has to scroll
      for (const l of chainLenses(chain)) {
        const pos = folder.positions.position(rel, l.span.start);
        out.push({ range: { start: pos, end: pos }, command: { title: l.text, command: '' } });
      }
    }
    return out;
  }

  private static key(lenses: readonly CodeLens[]): string {
    return JSON.stringify(lenses.map((l) => [l.range.start.line, l.command?.title]));
  }
}
