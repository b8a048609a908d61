import { AbortError, NetworkError, TimeoutError } from '../errors.js';
import { sleep } from './sleep.js';
import type { HttpMethod, Middleware } from './types.js';

/** Options of {@link retryMiddleware}. */
export interface RetryOptions {
  /** Retries after the first attempt (default 3); 0 turns retrying off. */
  maxRetries?: number;
  /** Base of the exponential backoff, in ms (default 100). */
  baseDelayMs?: number;
  /** Cap of one backoff, in ms (default 3000). */
  maxDelayMs?: number;
  /** Random source in [0, 1) for the jitter (default `Math.random`). */
  random?: () => number;
}

/** Methods that may be repeated without writing twice. POST and PATCH are never repeated. */
const idempotent: ReadonlySet<HttpMethod> = new Set<HttpMethod>(['GET', 'PUT', 'DELETE']);

/** Whether a method is safe to repeat after a network error or a 5xx. */
export function isIdempotent(method: HttpMethod): boolean {
  return idempotent.has(method);
}

/** Connection errors raised before any byte of the request was sent: Twitch cannot have acted on it. */
const notSentCodes: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH']);

/**
 * Whether a failed attempt may be repeated. A GET changes nothing, so it is repeated after a network error, a
 * timeout or a 5xx. A PUT or DELETE answered 5xx (or cut off, or timed out) may have been carried out by Twitch
 * already: repeating it could answer an error about the state it created ("not a moderator") for a call that
 * succeeded, so it is repeated only when the connection failed before the request was sent.
 */
function mayRepeat(method: HttpMethod, outcome: { status: number } | { error: unknown }): boolean {
  if ('status' in outcome) return method === 'GET' && outcome.status >= 500;
  const { error } = outcome;
  if (method === 'GET') return error instanceof NetworkError || error instanceof TimeoutError;
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return error instanceof NetworkError && typeof code === 'string' && notSentCodes.has(code);
}

/**
 * Repeats idempotent requests (see `mayRepeat`), with full-jitter exponential backoff capped at `maxDelayMs`.
 * POST and PATCH pass through once: their 5xx answers and network errors reach the caller, since Twitch may
 * already have acted on them.
 */
export function retryMiddleware(options: RetryOptions = {}): Middleware {
  const maxRetries = options.maxRetries ?? 3;
  const base = options.baseDelayMs ?? 100;
  const cap = options.maxDelayMs ?? 3000;
  const random = options.random ?? Math.random;
  return (next) => async (request) => {
    if (!isIdempotent(request.method) || maxRetries === 0) return next(request);
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await next(request);
        if (attempt >= maxRetries || !mayRepeat(request.method, response)) return response;
      } catch (error) {
        if (attempt >= maxRetries || !mayRepeat(request.method, { error })) throw error;
      }
      const delay = Math.floor(random() * Math.min(cap, base * 2 ** attempt));
      await sleep(delay, request.signal, () => new AbortError(`${request.method} ${request.path}`));
    }
  };
}
