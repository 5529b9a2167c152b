/**
 * YAML parsed ahead on a second thread while the engine works on the first one (the CLI's `check` of a large
 * workspace: its YAML parsing is most of its work, and a machine has more than one core).
 *
 * The engine lists what its next analysis will read (`Workspace.yamlReadsAhead`), and tells what it is about to
 * read while it works (the output of a chart it rendered: `willRead`); a worker (`parse-ahead-worker.ts`) parses
 * those texts with the engine's own function — what the engine said it is about to read first, then the list in
 * its order — and the engine finds each result by its text when it gets there (`setParsesAhead`). The two threads
 * share one word per text: pending, taken by the worker, done by the worker, or taken by the engine. The engine
 * takes a pending text itself at once (it never waits for one the worker has not started), waits a bounded time
 * for one the worker is reading, and receives one the worker has done (`receiveMessageOnPort`: synchronous, as
 * the engine is). A result is the engine's own by construction; a text the worker failed on, or a worker that
 * stopped answering (out of memory), leaves the engine to parse as it would have anyway.
 */
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { optionsKeyOf, setParsesAhead, unpackParse, type CountedParse, type ReadAhead } from '../engine';
import { ENGINE, NEXT, PENDING, STOPPED, wake, WORKER, type WorkerMessage, type WorkerSetup } from './parse-ahead-protocol';

/** Below this much text a second thread costs more than it saves. */
export const MIN_TEXT_AHEAD = 2_000_000;
/** Texts the engine may announce while it works (one word each in the shared state). */
const ANNOUNCED_SLOTS = 1 << 16;
/** How much listed text the worker is handed ahead of where it reads (it holds no more than that at a time). */
const HANDED_AHEAD = 4_000_000;

export interface ParsesAheadHandle {
  /** texts listed or announced, and how their results went (for tests and measurements) */
  readonly counts: { jobs: number; fromWorker: number; parsedHere: number; waitedMs: number };
  /** Settles once the worker has read every listed text (or stopped): for tests, which wait for it. */
  readonly listedRead: Promise<void>;
  /** Stop the worker and let the engine parse everything itself again. */
  stop(): Promise<void>;
}

/**
 * Start parsing `reads` on a worker and tell the engine where to find the results; undefined (nothing started)
 * when they hold less than `minText` characters.
 */
export function startParsesAhead(reads: readonly ReadAhead[], minText = MIN_TEXT_AHEAD): ParsesAheadHandle | undefined {
  let total = 0;
  let largest = 0;
  for (const r of reads) {
    total += r.text.length;
    largest = Math.max(largest, r.text.length);
  }
  if (reads.length === 0 || total < minText) return undefined;
  // one job per text and options (a text twice in the workspace is parsed once here; the engine copies it)
  const byText = new Map<string, { key: string; index: number }[]>();
  const jobs: ReadAhead[] = [];
  const indexOf = (text: string, key: string): number | undefined => byText.get(text)?.find((x) => x.key === key)?.index;
  const add = (r: ReadAhead, index: number) => {
    const list = byText.get(r.text) ?? [];
    list.push({ key: keyOf(r), index });
    byText.set(r.text, list);
  };
  for (const r of reads) {
    if (indexOf(r.text, keyOf(r)) !== undefined) continue;
    add(r, jobs.length);
    jobs.push(r);
  }
  const state = new Int32Array(new SharedArrayBuffer(4 * (jobs.length + ANNOUNCED_SLOTS)));
  const control = new Int32Array(new SharedArrayBuffer(12));
  const results = new MessageChannel();
  const listed = new MessageChannel();
  const announced = new MessageChannel();
  let announcedCount = 0;
  // the listed texts are handed over a few MB ahead of the worker, not all at once (its heap holds only those)
  const upTo = new Float64Array(jobs.length + 1);
  jobs.forEach((j, i) => { upTo[i + 1] = upTo[i] + j.text.length; });
  let handed = 0;
  const handOver = (): void => {
    const from = upTo[Math.min(Atomics.load(control, NEXT), jobs.length)];
    const before = handed;
    for (; handed < jobs.length && upTo[handed] - from < HANDED_AHEAD; handed++) {
      listed.port1.postMessage(Atomics.load(state, handed) === PENDING ? { i: handed, job: jobs[handed] } : { i: handed });
    }
    if (handed > before) wake(control);
  };
  const setup: WorkerSetup = { listedCount: jobs.length, state, control, results: results.port2, listed: listed.port2, announced: announced.port2 };
  const worker = new Worker(path.join(__dirname, 'parse-ahead-worker.js'), {
    workerData: setup,
    transferList: [results.port2, listed.port2, announced.port2],
    // its heap holds one parse at a time: bounded, so that it does not grow four times past what it holds, and
    // room enough for the largest text (reading a text takes some 50 times its size at most)
    resourceLimits: { maxOldGenerationSizeMb: Math.max(64, Math.ceil((largest / 1_000_000) * 64)) },
  });
  handOver();
  worker.unref();
  let dead = false;
  const listedRead = new Promise<void>((resolve) => {
    worker.on('message', (m) => { if (m === 'listed-read') resolve(); });
    worker.on('exit', () => resolve());
  });
  worker.on('error', () => { dead = true; });
  const received = new Map<number, WorkerMessage>();
  const counts = { jobs: jobs.length, fromWorker: 0, parsedHere: 0, waitedMs: 0 };
  // listed texts the engine has read (from the worker or itself): once it has all of them, the worker, whose heap
  // is no use any more, ends at once (not when the analysis does)
  let listedTaken = 0;
  const taken = (index: number): void => {
    if (index >= jobs.length || ++listedTaken < jobs.length || dead) return;
    dead = true;
    void worker.terminate();
  };

  const receive = (i: number): WorkerMessage | undefined => {
    for (;;) {
      const had = received.get(i);
      if (had) {
        received.delete(i);
        return had;
      }
      const m = receiveMessageOnPort(results.port1);
      if (!m) return undefined;
      const msg = m.message as WorkerMessage;
      received.set(msg.i, msg);
    }
  };

  const lookup = (text: string, key: string): CountedParse | undefined => {
    if (!dead) handOver();
    const index = indexOf(text, key);
    if (index === undefined) return undefined;
    let waited = 0;
    for (;;) {
      const s = Atomics.load(state, index);
      if (s === PENDING) {
        if (Atomics.compareExchange(state, index, PENDING, ENGINE) === PENDING) {
          counts.parsedHere++;
          taken(index);
          return undefined;
        }
        continue;
      }
      if (s === ENGINE) return undefined; // read here once already (its tree is that reader's)
      if (s === WORKER) {
        // a healthy worker reads a text in well under a second per 100 KB; past that it has died (a worker that
        // ran out of memory says so only to the event loop, which is not running while the engine is)
        if (dead || waited > 2_000 + text.length / 50) {
          dead = true;
          Atomics.store(state, index, ENGINE);
          counts.parsedHere++;
          counts.waitedMs += waited;
          return undefined;
        }
        const from = Date.now();
        Atomics.wait(state, index, WORKER, 100);
        waited += Date.now() - from;
        continue;
      }
      counts.waitedMs += waited;
      // done: the message was posted before the word was set
      Atomics.store(state, index, ENGINE);
      const msg = receive(index);
      taken(index);
      if (!msg?.packed) {
        counts.parsedHere++;
        return undefined;
      }
      counts.fromWorker++;
      return unpackParse(msg.packed, text);
    }
  };

  const announce = (soon: readonly ReadAhead[]): void => {
    if (dead) return;
    handOver();
    let added = 0;
    for (const r of soon) {
      if (announcedCount >= ANNOUNCED_SLOTS || indexOf(r.text, keyOf(r)) !== undefined) continue;
      const index = jobs.length + announcedCount++;
      add(r, index);
      announced.port1.postMessage({ i: index, job: r });
      added++;
    }
    counts.jobs += added;
    if (added > 0) wake(control);
  };

  setParsesAhead(lookup, announce);
  return {
    counts,
    listedRead,
    async stop() {
      setParsesAhead(undefined);
      // whatever the worker has not started stays unread
      for (let i = 0; i < state.length; i++) Atomics.compareExchange(state, i, PENDING, ENGINE);
      received.clear();
      Atomics.store(control, STOPPED, 1);
      wake(control);
      results.port1.close();
      listed.port1.close();
      announced.port1.close();
      await worker.terminate();
    },
  };
}

function keyOf(r: ReadAhead): string {
  return optionsKeyOf({ headersOnly: r.headersOnly }, r.template);
}
