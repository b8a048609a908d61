import type { AccessToken, TokenType } from '../auth/auth-provider.js';
import type { AnyHelixOperation } from '../helix/operation.js';

/** HTTP methods Helix uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Which token a request needs and on whose behalf; read by the auth middleware. */
export interface AuthContext {
  /** The kind of token the endpoint accepts. */
  readonly tokenType: TokenType;
  /** The user whose token to use (user-token endpoints); the provider's default user when absent. */
  readonly userId?: string | undefined;
  /** Scopes the endpoint needs (any one of them suffices for Twitch; informational). */
  readonly scopes: readonly string[];
}

/**
 * One request as it travels through the middleware chain. Middleware may return a changed copy
 * (`{ ...request, headers: {...} }`); the chain never mutates a request it was given.
 */
export interface HelixRequest {
  readonly method: HttpMethod;
  /** Endpoint path below the Helix base URL, e.g. `/channels`. */
  readonly path: string;
  /** Query parameters in order; arrays become repeated keys. */
  readonly query: readonly (readonly [string, string])[];
  /** JSON body, already in wire (snake_case) form. */
  readonly body?: unknown;
  readonly auth: AuthContext;
  /** Extra headers; the auth middleware adds `Client-Id` and `Authorization` here. */
  readonly headers: Readonly<Record<string, string>>;
  /** The token the auth middleware chose; the rate limiter keys its bucket by its fingerprint. */
  readonly token?: AccessToken | undefined;
  /** The operation being called; the validation middleware decodes its answer with it. */
  readonly operation?: AnyHelixOperation | undefined;
  /** Cancels the call: waiting in a queue, backing off, or on the wire. */
  readonly signal?: AbortSignal | undefined;
}

/** A raw answer: status, lower-cased headers and the body as text (not yet decoded). */
export interface HelixRawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /**
   * The token an error answer was sent with (set by the auth middleware on non-2xx answers), so that the error built
   * from it hides that token by value wherever the server echoed it.
   */
  readonly token?: AccessToken | undefined;
  /** The decoded result, set by the validation middleware. */
  readonly data?: unknown;
}

/** Sends a request and resolves with the raw answer (any status); rejects only when no answer came. */
export type Handler = (request: HelixRequest) => Promise<HelixRawResponse>;

/** A layer of HTTP behaviour: gets the next handler, returns a handler that wraps it. */
export type Middleware = (next: Handler) => Handler;

/** Composes middleware so that the first one listed is the outermost. */
export function composeMiddleware(middleware: readonly Middleware[], terminal: Handler): Handler {
  return middleware.reduceRight<Handler>((next, layer) => layer(next), terminal);
}

/** Reads a single header value (undici gives arrays for repeated headers). */
export function headerValue(response: HelixRawResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
