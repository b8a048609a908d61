import { Agent, type Dispatcher } from 'undici';
import { AbortError, NetworkError, TimeoutError } from '../errors.js';
import type { Handler, HelixRawResponse, HelixRequest } from './types.js';

/** Options of {@link createTransport}. */
export interface TransportOptions {
  /** Base URL that request paths are appended to, e.g. `https://api.twitch.tv/helix`. */
  baseUrl: string;
  /** undici dispatcher; default: a keep-alive {@link Agent} owned (and closed) by the caller of `createTransport`. */
  dispatcher: Dispatcher;
  /** Time limit of one attempt (headers and body), in ms. */
  timeoutMs: number;
}

/** Builds the request URL's path and query below the base URL. */
export function buildPath(basePath: string, request: Pick<HelixRequest, 'path' | 'query'>): string {
  let path = basePath + request.path;
  if (request.query.length > 0) {
    const search = new URLSearchParams();
    for (const [key, value] of request.query) search.append(key, value);
    path += `?${search.toString()}`;
  }
  return path;
}

/** A keep-alive connection pool suited to Helix: many sockets per origin, long idle keep-alive. */
export function createDefaultDispatcher(connections = 64): Dispatcher {
  return new Agent({ connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1 });
}

/**
 * The innermost handler: sends a request over undici and reads the whole body as text. It rejects only when no
 * complete answer came: {@link TimeoutError}, {@link AbortError} (the caller's signal) or {@link NetworkError}.
 */
export function createTransport(options: TransportOptions): Handler {
  const base = new URL(options.baseUrl);
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/$/, '');
  const { dispatcher, timeoutMs } = options;

  return async (request: HelixRequest): Promise<HelixRawResponse> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const headers: Record<string, string> = { ...request.headers };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    try {
      const response = await dispatcher.request({
        origin,
        path: buildPath(basePath, request),
        method: request.method,
        headers,
        body,
        signal,
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body: text };
    } catch (error) {
      throw transportError(error, request, timeout, timeoutMs);
    }
  };
}

/** Maps what undici threw to one of our errors, telling the caller's abort from our timeout. */
export function transportError(
  error: unknown,
  request: Pick<HelixRequest, 'method' | 'path' | 'signal'>,
  timeout: AbortSignal,
  timeoutMs: number,
): Error {
  const what = `${request.method} ${request.path}`;
  if (request.signal?.aborted) return new AbortError(what, { cause: request.signal.reason });
  if (timeout.aborted) return new TimeoutError(what, timeoutMs, { cause: error });
  return new NetworkError({ method: request.method, endpoint: request.path }, { cause: error });
}
