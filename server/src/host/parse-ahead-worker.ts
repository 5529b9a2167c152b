/**
 * The worker of `parse-ahead.ts`: parses, with the engine's own function, first what the engine announced it is
 * about to read, then the listed texts in the engine's order (handed over a few MB ahead) — skipping those the
 * engine took itself — and posts each result before marking it done. Idle, it waits for more until the engine is
 * done.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
// the YAML reader alone: the worker never loads the rest of the engine (a third of a second)
import { packParse, readCounted, type ReadAhead } from '../engine/parse/yaml';
import { DONE, HANDED, NEXT, PENDING, STOPPED, WORKER, type WorkerMessage, type WorkerSetup } from './parse-ahead-protocol';
import { useEnvironmentCopy } from './plain-env';

type Handed = { i: number; job?: ReadAhead };

useEnvironmentCopy();
const { listedCount, state, control, results, listed, announced } = workerData as WorkerSetup;
const soon: Handed[] = [];
const next: Handed[] = [];
let told = false;

const take = (port: typeof listed, into: Handed[]): void => {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) into.push(m.message as Handed);
};

for (;;) {
  take(announced, soon);
  take(listed, next);
  let handed = soon.shift();
  if (!handed) {
    handed = next.shift();
    // where the worker reads in the list: the engine hands over what follows it
    if (handed) Atomics.store(control, NEXT, handed.i + 1);
  }
  if (!handed) {
    if (!told && Atomics.load(control, NEXT) >= listedCount) {
      told = true;
      parentPort?.postMessage('listed-read');
    }
    if (Atomics.load(control, STOPPED) !== 0) break;
    const seen = Atomics.load(control, HANDED);
    take(announced, soon);
    take(listed, next);
    if (soon.length === 0 && next.length === 0) Atomics.wait(control, HANDED, seen, 1000);
    continue;
  }
  const { i, job } = handed;
  if (!job || Atomics.compareExchange(state, i, PENDING, WORKER) !== PENDING) continue;
  let message: WorkerMessage;
  try {
    message = { i, packed: packParse(readCounted(job.text, { template: job.template, headersOnly: job.headersOnly }, job.template), job.text) };
  } catch (err) {
    message = { i, error: String(err) };
  }
  // the trees' numbers are moved, not copied
  results.postMessage(message, message.packed ? [message.packed.trees.numbers.buffer as ArrayBuffer] : []);
  Atomics.store(state, i, DONE);
  Atomics.notify(state, i);
}
results.close();
