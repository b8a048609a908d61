import { AbortError } from '../errors.js';
import type { HelixRawResponse, HelixRequest, Middleware } from './types.js';

/** One request waiting for a slot; `start` becomes `noop` when its caller aborted (skipped on release). */
interface Waiter {
  start: () => void;
}

/**
 * Bounds the number of requests on the wire at once: a request runs at once while fewer than `concurrency` are in
 * flight, and otherwise waits its turn in arrival order. A caller whose signal aborts while waiting leaves the line
 * without sending. A counter and a FIFO of waiters: the common case (room on the wire) costs no promise, timer or
 * event of its own.
 */
export function concurrencyMiddleware(concurrency: number): Middleware {
  let running = 0;
  const waiting: Waiter[] = [];
  let head = 0;

  const release = () => {
    running--;
    while (head < waiting.length) {
      const w = waiting[head++]!;
      // The line is an array read from `head`; served entries are dropped in bulk, not shifted one by one.
      if (head > 1024 && head * 2 > waiting.length) {
        waiting.splice(0, head);
        head = 0;
      }
      if (w.start !== noop) {
        running++;
        w.start();
        return;
      }
    }
  };

  return (next) =>
    async (request: HelixRequest): Promise<HelixRawResponse> => {
      const signal = request.signal;
      if (signal?.aborted) throw new AbortError(`${request.method} ${request.path}`, { cause: signal.reason });
      if (running >= concurrency) await wait(waiting, request);
      else running++;
      try {
        return await next(request);
      } finally {
        release();
      }
    };
}

const noop = () => {};

/** Waits for a slot (taken for the caller by `release`), or rejects with `AbortError` when the signal aborts first. */
function wait(waiting: Waiter[], request: HelixRequest): Promise<void> {
  const signal = request.signal;
  return new Promise<void>((resolve, reject) => {
    const waiter: Waiter = {
      start: () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
    };
    const onAbort = () => {
      // Left in the line as a tombstone, skipped by `release`: removing it would cost a search.
      waiter.start = noop;
      reject(new AbortError(`${request.method} ${request.path}`, { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    waiting.push(waiter);
  });
}
