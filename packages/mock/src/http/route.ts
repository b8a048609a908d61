/**
 * The seam between the emulator's HTTP server and the modules that add Helix routes to it (the EventSub hub among
 * them): a route sees a parsed request with its checked token and answers a status, a body and headers.
 */

/** The token a request carried, as the emulator's OAuth server knows it. */
export interface AuthContext {
  token: string;
  clientId: string;
  userId?: string;
  kind: 'app' | 'user';
  scopes: readonly string[];
  /** ms since epoch. */
  expiresAt: number;
}

/** A parsed Helix request. */
export interface MockRequest {
  method: string;
  /** Path after `/helix` (or `/mock`), e.g. `/eventsub/subscriptions`. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  auth?: AuthContext;
}

/** What a route answers; the server adds rate-limit headers and serialises the body as JSON. */
export interface MockResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One Helix operation served by the emulator. */
export interface HelixRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path after `/helix`, e.g. `/eventsub/subscriptions`. */
  path: string;
  /** Which kind of token the route accepts; checked before `handle` runs. */
  token: 'user' | 'app' | 'app-or-user';
  /** For user tokens: the token must hold any one of these. */
  scopes?: readonly string[];
  handle(req: MockRequest): MockResponse | Promise<MockResponse>;
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  425: 'Too Early',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The reason phrase Twitch puts in `error` for a status. */
export function reasonPhrase(status: number): string {
  return reasons[status] ?? 'Error';
}

/** Twitch's error answer: `{ error, status, message }`. */
export function helixError(status: number, message: string): MockResponse {
  return { status, body: { error: reasonPhrase(status), status, message } };
}
