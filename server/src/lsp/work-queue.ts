/**
 * The language server's notification work, done one item after the other in the order the notifications came
 * (a file event, a closed document read again from disk), so that a request can wait for all of it. Keys given
 * to `coalesce` in quick succession — the URIs of closed documents — make one batch: each key once, however many
 * times it came, run when no key came for `quietMs` (at most `maxWaitMs` after the first), or at once when a
 * request waits or other work is queued behind the batch. A storm of 1,000 didOpen/didClose pairs of the same
 * few files so reads each file once, not 1,000 times.
 */

export interface WorkQueueOptions {
  /** a batch starts when no key was added for this long … */
  quietMs: number;
  /** … or this long after its first key */
  maxWaitMs: number;
}

export interface WorkQueueStats {
  /** keys given to `coalesce` */
  keysAdded: number;
  /** batches run, and keys in them (each key once per batch) */
  batches: number;
  keysRun: number;
}

interface Batch {
  readonly keys: Set<string>;
  readonly firstAt: number;
  timer: NodeJS.Timeout | undefined;
  /** start the batch as soon as the work before it is done */
  go(): void;
  readonly released: Promise<void>;
}

export class WorkQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  /** batches queued, waiting for keys or running */
  private batchesPending = 0;
  /** the batch at the tail of the queue, not yet running: new keys join it */
  private open: Batch | undefined;
  private batchWaiters: (() => void)[] = [];
  private readonly counts: WorkQueueStats = { keysAdded: 0, batches: 0, keysRun: 0 };

  constructor(
    private readonly runBatch: (keys: string[]) => void | Promise<void>,
    private readonly onError: (where: string, err: unknown) => void,
    private readonly options: WorkQueueOptions,
  ) {}

  get stats(): WorkQueueStats {
    return { ...this.counts };
  }

  /** Work is queued or running (a batch waiting for its keys included). */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** A batch is queued (taking keys, or waiting for the work before it) or running. */
  get batching(): boolean {
    return this.batchesPending > 0;
  }

  /** Queue `fn` after everything queued before it. A failure is reported; the queue goes on. */
  push(name: string, fn: () => void | Promise<void>): void {
    this.seal();
    this.enqueue(name, fn);
  }

  /** Add a key to the batch at the tail of the queue (a new one if the last item is not a batch). */
  coalesce(key: string): void {
    this.counts.keysAdded++;
    const b = this.open ?? this.newBatch();
    b.keys.add(key);
    if (b.timer) clearTimeout(b.timer);
    const wait = Math.max(0, Math.min(this.options.quietMs, b.firstAt + this.options.maxWaitMs - Date.now()));
    b.timer = setTimeout(() => b.go(), wait);
  }

  /** Resolves when everything queued so far is done; a batch still taking keys starts now. */
  settled(): Promise<void> {
    this.open?.go();
    return this.tail;
  }

  /** Resolves when no batch is queued or running (at once if that is so now); other work may still be. */
  batchesDone(): Promise<void> {
    if (this.batchesPending === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.batchWaiters.push(resolve));
  }

  private newBatch(): Batch {
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const b: Batch = {
      keys: new Set(),
      firstAt: Date.now(),
      timer: undefined,
      go: () => {
        if (b.timer) clearTimeout(b.timer);
        b.timer = undefined;
        release();
      },
      released,
    };
    this.open = b;
    this.batchesPending++;
    this.enqueue('batch', async () => {
      await b.released;
      if (this.open === b) this.open = undefined; // from here on, new keys make the next batch
      const keys = [...b.keys];
      this.counts.batches++;
      this.counts.keysRun += keys.length;
      try {
        await this.runBatch(keys);
      } finally {
        if (--this.batchesPending === 0) {
          const waiters = this.batchWaiters;
          this.batchWaiters = [];
          for (const w of waiters) w();
        }
      }
    });
    return b;
  }

  /** Nothing may join the open batch any more (work queued behind it would see its keys out of order). */
  private seal(): void {
    const b = this.open;
    this.open = undefined;
    b?.go();
  }

  private enqueue(name: string, fn: () => void | Promise<void>): void {
    this.pending++;
    this.tail = this.tail
      .then(fn)
      .catch((err) => this.onError(name, err))
      .then(() => { this.pending--; });
  }
}
