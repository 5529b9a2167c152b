/**
 * Diagnostics: each folder is analysed debounced and coalesced after its changes, and the diagnostics of every
 * file the analysis speaks about — open or not — are published, only those that changed. After each round the
 * lenses are compared again and, to clients that asked for it, `serviceReach/analysisChanged` is sent.
 */
import type { Folder } from './folder';
import { toDiagnostic } from './convert';
import { ANALYSIS_CHANGED_NOTIFICATION, type AnalysisChangedParams } from './exposure';
import type { Session } from './session';
import type { WorkQueue } from './work-queue';

/** Quiet time after the last change before diagnostics are recomputed, and the longest a burst may delay them. */
const DEBOUNCE_MS = 120;
export const MAX_WAIT_MS = 600;
/**
 * After an edit the wait is twice what the folder's last analysis took, within [MIN_DEBOUNCE_MS, DEBOUNCE_MS]:
 * an incremental analysis (one document parsed again, the Services it affects checked again) takes milliseconds,
 * so diagnostics follow the typing; a slow one (the first, or after a rule source changed) is not started on
 * every keystroke. A burst of events closer than the minimum still makes one analysis.
 */
export const MIN_DEBOUNCE_MS = 20;
/**
 * While the analysis waits, what it reads first is done (`Workspace.prepare`: the documents an edit moved,
 * the line index) once no change came for this long — after the requests that come with a keystroke (completion
 * reads only the documents at the cursor), before the analysis, which then has less left to do.
 */
const PREPARE_MS = 5;
/** the documents moved per slice of that work (a fraction of a millisecond): between slices, messages are handled */
const PREPARE_DOCUMENTS = 200;

export class Diagnostics {
  private readonly dirty = new Set<Folder>();
  private timer: NodeJS.Timeout | undefined;
  private prepareTimer: NodeJS.Timeout | undefined;
  /** bumped by every change: the preparing for an earlier one stops */
  private changes = 0;
  private firstDirtyAt: number | undefined;
  /** an analysis is due, but waits until the closed documents are read again */
  private flushWhenIdle = false;

  constructor(
    private readonly session: Session,
    /** the notification work: while closed documents wait to be read again from disk, nothing is analysed */
    private readonly work: WorkQueue,
    /** after each round of analyses (the lenses are compared again) */
    private readonly analysed: () => void,
  ) {}

  /** How long to wait after a change to `folder`: twice its last analysis, within the bounds above. */
  debounce(folder: Folder): number {
    return Math.round(Math.max(MIN_DEBOUNCE_MS, Math.min(DEBOUNCE_MS, 2 * folder.ws.stats.lastAnalysisMs)));
  }

  /** Analyse `folder` after `delay` ms without a new change; `capped` (an edit): at most MAX_WAIT_MS after the first one, prepared meanwhile. */
  schedule(folder: Folder, delay = this.debounce(folder), capped = true): void {
    if (this.session.shuttingDown) return;
    this.dirty.add(folder);
    const now = Date.now();
    if (capped) this.firstDirtyAt ??= now;
    const wait = this.firstDirtyAt === undefined ? delay : Math.max(0, Math.min(delay, this.firstDirtyAt + MAX_WAIT_MS - now));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), wait);
    if (this.prepareTimer) clearTimeout(this.prepareTimer);
    const change = ++this.changes;
    // (then after the messages already received: the connection handles one per turn of the event loop, so a
    // request that came with the change but waits behind a slow didChange is still answered first)
    // (after an edit only: a file opened or read from disk is parsed whole by the analysis that follows anyway)
    this.prepareTimer = capped && wait > PREPARE_MS ? setTimeout(() => {
      this.prepareTimer = undefined;
      setImmediate(() => this.prepare(change));
    }, PREPARE_MS) : undefined;
  }

  /** `shutdown`: the analysis that was due does not run. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.prepareTimer) clearTimeout(this.prepareTimer);
  }

  /** A slice of the preparing, then the next one a turn of the event loop later, until done or a change came. */
  private prepare(change: number): void {
    if (change !== this.changes || this.work.batching || this.session.shuttingDown) return; // (closed documents are about to be read again)
    let more = false;
    for (const folder of this.dirty) {
      if (!folder.indexed) continue;
      try {
        if (!folder.ws.prepare(PREPARE_DOCUMENTS)) more = true;
      } catch (err) {
        this.session.error(`preparing the analysis of ${folder.root}`, err);
      }
    }
    if (more) setImmediate(() => this.prepare(change));
  }

  /** A folder no longer served: its pending analysis is dropped, its diagnostics withdrawn. */
  withdraw(f: Folder): void {
    this.dirty.delete(f);
    for (const rel of f.published.keys()) this.session.connection.sendDiagnostics({ uri: f.uriOf(rel), diagnostics: [] });
    f.published.clear();
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
          if (!this.timer && !this.session.shuttingDown) this.flush();
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
        this.session.error(`analysis of ${folder.root}`, err);
      }
    }
    this.analysed();
    if (analysed.length && this.session.initOptions.exposureView === true) {
      const params: AnalysisChangedParams = { folders: analysed };
      void this.session.connection.sendNotification(ANALYSIS_CHANGED_NOTIFICATION, params).catch((err) => this.session.error('analysisChanged', err));
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
      const version = folder.open.has(rel) ? this.session.documents.get(uri)?.version : undefined;
      void this.session.connection.sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics });
    }
  }
}
