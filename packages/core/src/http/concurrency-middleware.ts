import PQueue from 'p-queue';
import { AbortError } from '../errors.js';
import type { Middleware } from './types.js';

/**
 * Bounds the number of requests on the wire at once with a p-queue. A caller whose signal aborts while queued
 * leaves the queue without sending.
 */
export function concurrencyMiddleware(concurrency: number): Middleware {
  const queue = new PQueue({ concurrency });
  return (next) => async (request) => {
    if (request.signal?.aborted) throw new AbortError(`${request.method} ${request.path}`);
    try {
      return await queue.add(() => next(request), { signal: request.signal });
    } catch (error) {
      // p-queue rejects a task aborted while waiting with the signal's reason, whatever the caller aborted with
      if (
        request.signal?.aborted &&
        !(error instanceof AbortError) &&
        (error === request.signal.reason || isQueueAbort(error))
      ) {
        throw new AbortError(`${request.method} ${request.path}`, { cause: error });
      }
      throw error;
    }
  };
}

function isQueueAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'DOMException');
}
