/**
 * The worker of `parse-ahead.ts`: parses, with the engine's own function, first what the engine announced it is
 * about to read, then the listed texts in the engine's order — skipping those the engine took itself — and posts
 * each result before marking it done. Idle, it waits for more announced texts until the engine is done.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { packParse, readCounted, type ReadAhead } from '../engine';
import type { WorkerMessage, WorkerSetup } from './parse-ahead';

const PENDING = 0;
const WORKER = 1;
const DONE = 2;

const { jobs, state, control, results, announced } = workerData as WorkerSetup;
const soon: { i: number; job: ReadAhead }[] = [];
let listed = 0;
let told = false;

for (;;) {
  for (let m = receiveMessageOnPort(announced); m; m = receiveMessageOnPort(announced)) soon.push(m.message as { i: number; job: ReadAhead });
  let i: number;
  let job: ReadAhead;
  const next = soon.shift();
  if (next) {
    ({ i, job } = next);
  } else if (listed < jobs.length) {
    i = listed++;
    job = jobs[i]!;
    jobs[i] = undefined; // its text is not needed here any more
  } else {
    if (!told) {
      told = true;
      parentPort?.postMessage('listed-read');
    }
    if (Atomics.load(control, 0) !== 0) break;
    const seen = Atomics.load(control, 1);
    const m = receiveMessageOnPort(announced);
    if (m) soon.push(m.message as { i: number; job: ReadAhead });
    else Atomics.wait(control, 1, seen, 1000);
    continue;
  }
  if (Atomics.compareExchange(state, i, PENDING, WORKER) !== PENDING) continue;
  let message: WorkerMessage;
  try {
    message = { i, packed: packParse(readCounted(job.text, { template: job.template, headersOnly: job.headersOnly }, job.template)) };
  } catch (err) {
    message = { i, error: String(err) };
  }
  results.postMessage(message);
  Atomics.store(state, i, DONE);
  Atomics.notify(state, i);
}
results.close();
