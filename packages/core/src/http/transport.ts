import { Agent, type Dispatcher } from 'undici';
import { AbortError, NetworkError, TimeoutError } from '../errors.js';
import type { Handler, HelixRawResponse, HelixRequest } from './types.js';

/** Options of {@link createTransport}. */
export interface TransportOptions {
  /** Base URL that request paths are appended to, e.g. `https://api.twitch.tv/helix`. */
  baseUrl: string;
  /** undici dispatcher; default: a keep-alive {@link Agent} owned (and closed) by the caller of `createTransport`. */
  dispatcher: Dispatcher;
  /** Time limit, in ms, for the answer's headers and then between body chunks. */
  timeoutMs: number;
  /**
   * Whether `dispatcher` applies `timeoutMs` itself (made by `createDefaultDispatcher(n, timeoutMs)`): requests then
   * carry no timeouts of their own, which undici handles at less cost per request. Default `false`.
   */
  dispatcherTimeouts?: boolean | undefined;
}

/** Builds the request URL's path and query below the base URL (each key and value percent-encoded). */
export function buildPath(basePath: string, request: Pick<HelixRequest, 'path' | 'query'>): string {
  let path = basePath + request.path;
  const query = request.query;
  for (let i = 0; i < query.length; i++) {
    const [key, value] = query[i]!;
    path += `${i === 0 ? '?' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
  }
  return path;
}

/**
 * A keep-alive connection pool suited to Helix: many sockets per origin, long idle keep-alive; with `timeoutMs`, its
 * time limit for an answer's headers and then between body chunks (undici's default otherwise: 300 s).
 */
export function createDefaultDispatcher(connections = 64, timeoutMs?: number): Dispatcher {
  const timeouts = timeoutMs === undefined ? {} : { headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  return new Agent({ connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1, ...timeouts });
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
  const perRequest = options.dispatcherTimeouts === true ? undefined : timeoutMs;

  return async (request: HelixRequest): Promise<HelixRawResponse> => {
    let headers: Readonly<Record<string, string>> = request.headers;
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers = { ...headers, 'content-type': 'application/json' };
    }
    try {
      // undici's own timers (waiting for headers, then between body chunks) cost less per request than a
      // combined AbortSignal, and the dispatcher's own less than a request's; the caller's signal goes straight
      // through.
      const response = await dispatcher.request({
        origin,
        path: buildPath(basePath, request),
        method: request.method,
        headers,
        body,
        signal: request.signal,
        headersTimeout: perRequest,
        bodyTimeout: perRequest,
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body: text };
    } catch (error) {
      throw transportError(error, request, timeoutMs);
    }
  };
}

const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Maps what undici threw to one of our errors, telling the caller's abort from a timeout. */
export function transportError(
  error: unknown,
  request: Pick<HelixRequest, 'method' | 'path' | 'signal'>,
  timeoutMs: number,
  timeout?: AbortSignal,
): Error {
  const what = `${request.method} ${request.path}`;
  if (request.signal?.aborted) return new AbortError(what, { cause: request.signal.reason });
  const code = (error as { code?: unknown } | undefined)?.code;
  if (timeout?.aborted || (typeof code === 'string' && timeoutCodes.has(code))) {
    return new TimeoutError(what, timeoutMs, { cause: error });
  }
  return new NetworkError({ method: request.method, endpoint: request.path }, { cause: error });
}
