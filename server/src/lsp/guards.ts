/**
 * The guards every handler runs in. A request handler never throws — a failure becomes an LSP error and the
 * server goes on — and it waits for the work of the notifications sent before it. A notification handler
 * never throws either; its work is queued so that file events apply in order.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import { InvalidParams } from './params';
import type { WorkQueue } from './work-queue';

export type RequestGuard = <P, R>(name: string, fn: (params: P) => R | Promise<R>, valid?: (params: unknown) => boolean) => (params: P) => Promise<R | ResponseError<void>>;
export type NotificationGuard = <P>(name: string, fn: (params: P) => void | Promise<void>) => (params: P) => void;

export function requestGuard(work: WorkQueue, error: (where: string, err: unknown) => void): RequestGuard {
  return <P, R>(name: string, fn: (params: P) => R | Promise<R>, valid?: (params: unknown) => boolean) => async (params: P): Promise<R | ResponseError<void>> => {
    // params without the shape the method has are the client's error (InvalidParams), not ours (InternalError)
    if (valid && !valid(params)) return new ResponseError<void>(ErrorCodes.InvalidParams, `service-reach: ${name}: the params do not have the shape the method has`);
    // a request sees every notification sent before it: the work they queued (a closed document read again from
    // disk, a file event) is done first (the queue never rejects)
    await work.settled();
    try {
      return await fn(params);
    } catch (err) {
      if (err instanceof InvalidParams) return new ResponseError<void>(ErrorCodes.InvalidParams, `service-reach: ${name}: ${err.message}`);
      error(name, err);
      return new ResponseError<void>(ErrorCodes.InternalError, `service-reach: ${name} failed: ${(err as Error)?.message ?? String(err)}`);
    }
  };
}

export function notificationGuard(work: WorkQueue): NotificationGuard {
  return <P>(name: string, fn: (params: P) => void | Promise<void>) => (params: P) => work.push(name, () => fn(params));
}

/** A library event handler (no work queued) that never throws. */
export function guardEvent(name: string, fn: () => void, error: (where: string, err: unknown) => void): void {
  try { fn(); } catch (err) { error(name, err); }
}
