/**
 * What the two threads of `parse-ahead.ts` share: the word per text that says who took it, the control words,
 * and the messages. A module of its own, so that the worker loads nothing of the engine's side.
 */
import type { MessagePort } from 'node:worker_threads';
import type { PackedParse } from '../engine/parse/yaml';

/** A text's word: not taken yet, being read by the worker, done by the worker (its result posted), taken by the engine. */
export const PENDING = 0;
export const WORKER = 1;
export const DONE = 2;
export const ENGINE = 3;

/** The control words: 1 once the engine is done; bumped at every hand-over; the listed text the worker reads next. */
export const STOPPED = 0;
export const HANDED = 1;
export const NEXT = 2;

export interface WorkerMessage {
  i: number;
  packed?: PackedParse;
  error?: string;
}

/** What the worker is handed: the shared words, how many texts are listed, and the ports the texts and results use. */
export interface WorkerSetup {
  listedCount: number;
  state: Int32Array;
  /** the words `STOPPED`, `HANDED` and `NEXT` (the worker waits on `HANDED` when idle) */
  control: Int32Array;
  results: MessagePort;
  /** listed texts, in order, a few MB ahead of the worker (`{ i, job }`; no job: the engine took it) */
  listed: MessagePort;
  /** texts the engine announced, read first */
  announced: MessagePort;
}

/** Tell a waiting worker that something was handed over (or that the engine is done). */
export function wake(control: Int32Array): void {
  Atomics.add(control, HANDED, 1);
  Atomics.notify(control, HANDED);
}
