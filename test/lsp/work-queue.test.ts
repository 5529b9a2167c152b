/**
 * The language server's notification queue (server/src/lsp/work-queue.ts): work in order, failures reported
 * and passed, keys given in quick succession coalesced into one batch (each key once), a batch never run out of
 * order with other work, and `settled()` — what a request waits for — covering a batch still taking keys.
 */
import * as assert from 'node:assert/strict';
import { WorkQueue } from '../../server/src/lsp/work-queue';

/** A queue whose batches are logged as `batch:k1,k2`; a quiet time long enough that only a request starts one. */
function queue(options = { quietMs: 60_000, maxWaitMs: 60_000 }): { q: WorkQueue; log: string[]; errors: string[]; batchRan: Promise<void> } {
  const log: string[] = [];
  const errors: string[] = [];
  let ran!: () => void;
  const batchRan = new Promise<void>((resolve) => { ran = resolve; });
  const q = new WorkQueue(async (keys) => {
    await Promise.resolve();
    log.push(`batch:${keys.join(',')}`);
    ran();
  }, (where, err) => errors.push(`${where}: ${(err as Error).message}`), options);
  return { q, log, errors, batchRan };
}

suite('LSP work queue', () => {
  test('work runs in order, one item after the other; a failure is reported and the queue goes on', async () => {
    const { q, log, errors } = queue();
    q.push('a', async () => { await Promise.resolve(); log.push('a'); });
    q.push('b', () => { throw new Error('boom'); });
    q.push('c', () => { log.push('c'); });
    assert.equal(q.busy, true);
    await q.settled();
    assert.deepEqual(log, ['a', 'c']);
    assert.deepEqual(errors, ['b: boom']);
    assert.equal(q.busy, false);
  });

  test('1,000 keys over 5 distinct ones make one batch with each key once; a request starts it at once', async () => {
    const { q, log } = queue();
    for (let i = 0; i < 1000; i++) q.coalesce(`file:///w/${i % 5}.yaml`);
    await q.settled();
    assert.deepEqual(log, ['batch:file:///w/0.yaml,file:///w/1.yaml,file:///w/2.yaml,file:///w/3.yaml,file:///w/4.yaml']);
    assert.deepEqual(q.stats, { keysAdded: 1000, batches: 1, keysRun: 5 });
  });

  test('work queued after a batch seals it: keys after that make the next batch, so nothing runs out of order', async () => {
    const { q, log } = queue();
    q.coalesce('a');
    q.coalesce('b');
    q.push('event', () => { log.push('event'); });
    q.coalesce('a');
    q.coalesce('c');
    await q.settled();
    assert.deepEqual(log, ['batch:a,b', 'event', 'batch:a,c']);
  });

  test('a key added while its batch runs goes to the next batch', async () => {
    const order: string[] = [];
    let q!: WorkQueue;
    q = new WorkQueue(async (keys) => {
      order.push(keys.join(','));
      if (keys.includes('a') && order.length === 1) q.coalesce('a');
      await Promise.resolve();
    }, () => undefined, { quietMs: 60_000, maxWaitMs: 60_000 });
    q.coalesce('a');
    await q.settled();
    await q.settled();
    assert.deepEqual(order, ['a', 'a']);
  });

  test('without a request, a batch starts after the quiet time; batching until it is done', async () => {
    const { q, log, batchRan } = queue({ quietMs: 1, maxWaitMs: 1000 });
    q.coalesce('x');
    assert.equal(q.batching, true);
    const done = q.batchesDone();
    await batchRan;
    await done;
    assert.deepEqual(log, ['batch:x']);
    assert.equal(q.batching, false);
    await q.settled();
    assert.equal(q.busy, false);
  });
});
