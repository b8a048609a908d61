/**
 * Every error that `@twitchify/core` throws.
 *
 * Each error has a `name`, a stable `code` (`TWITCHIFY_...`) and, where there is one, a `cause`. None of them ever
 * holds an access token, a refresh token, a client secret or an `Authorization` header: messages go through
 * {@link redactSecrets} and no error keeps a request's headers.
 */

import { redactSecrets } from './redaction.js';

export { redactSecrets };

const brand = Symbol.for('twitchify.error');

/** Options every Twitchify error takes. */
export interface TwitchifyErrorOptions {
  /** The error that led to this one (as `Error`'s own `cause`). */
  cause?: unknown;
  /**
   * Secret values the code raising the error holds (the request's token, the refresh token, the client secret):
   * hidden from the message wherever they occur, whatever the server that echoed them wrote around them.
   */
  secrets?: readonly (string | undefined)[];
}

/**
 * Root of every Twitchify error. `err instanceof TwitchifyError` also holds for errors of the other Twitchify
 * packages (which cannot import core): they carry the `Symbol.for('twitchify.error')` brand.
 */
export class TwitchifyError extends Error {
  /** The brand every Twitchify package's errors carry, which `instanceof TwitchifyError` recognises. */
  readonly [brand] = true;
  /** `'TwitchifyError'`: the class's name, kept through minification (for logs and `error.name` checks). */
  override name = 'TwitchifyError';
  /** Stable machine-readable code, e.g. `TWITCHIFY_HELIX`. */
  readonly code: string;

  constructor(code: string, message: string, options?: TwitchifyErrorOptions) {
    super(
      redactSecrets(message, options?.secrets),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
  }

  /** Recognises any object branded by a Twitchify package, and subclasses as usual. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    // `this` is the class on the right of `instanceof`: the root checks the brand, subclasses check prototypes.
    // biome-ignore lint/complexity/noThisInStatic: must be the class `instanceof` was asked about
    if (this === TwitchifyError) return (value as Record<symbol, unknown>)[brand] === true;
    // biome-ignore lint/complexity/noThisInStatic: must be the class `instanceof` was asked about
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/** Twitch answered a Helix request with an error status. */
export class HelixError extends TwitchifyError {
  /** `'HelixError'`: the class's name, kept through minification (for logs and `error.name` checks). */
  override name = 'HelixError';
  /** HTTP status Twitch answered with. */
  readonly status: number;
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the endpoint, e.g. `/channels` (no query string: it may hold user data). */
  readonly endpoint: string;
  /** Twitch's own `message` from the error body, when there was one. */
  readonly twitchMessage: string | undefined;

  constructor(
    init: { status: number; method: string; endpoint: string; twitchMessage?: string | undefined },
    options?: TwitchifyErrorOptions & { code?: string },
  ) {
    super(
      options?.code ?? 'TWITCHIFY_HELIX',
      `${init.method} ${init.endpoint} failed with ${init.status}${init.twitchMessage ? `: ${init.twitchMessage}` : ''}`,
      options,
    );
    this.status = init.status;
    this.method = init.method;
    this.endpoint = init.endpoint;
    this.twitchMessage =
      init.twitchMessage === undefined ? undefined : redactSecrets(init.twitchMessage, options?.secrets);
  }
}

/** Twitch kept answering 429 after the allowed number of waits. */
export class RateLimitError extends HelixError {
  /** `'RateLimitError'`: the class's name, kept through minification (for logs and `error.name` checks). */
  override name = 'RateLimitError';
  /** When the bucket refills, in ms since epoch, if Twitch said. */
  readonly resetAt: number | undefined;

  constructor(
    init: { method: string; endpoint: string; twitchMessage?: string | undefined; resetAt?: number | undefined },
    options?: { cause?: unknown },
  ) {
    super({ ...init, status: 429 }, { ...options, code: 'TWITCHIFY_RATE_LIMIT' });
    this.resetAt = init.resetAt;
  }
}

/** No valid token could be had: an invalid or revoked token, a failed refresh, a denied or expired OAuth flow. */
export class AuthError extends TwitchifyError {
  /** `'AuthError'`: the class's name, kept through minification (for logs and `error.name` checks). */
  override name = 'AuthError';
  /** HTTP status of the OAuth or Helix answer behind it, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, options?: TwitchifyErrorOptions & { status?: number }) {
    super('TWITCHIFY_AUTH', message, options);
    this.status = options?.status;
  }
}

/** Where a {@link ValidationError} was found: an argument given to us, or a response Twitch gave. */
export type ValidationSource = 'argument' | 'response';

/**
 * An argument was refused before any request, or a response did not match its schema (including bodies that are
 * not JSON: truncated, HTML error pages, wrong content types). `field` names the offending field.
 */
export class ValidationError extends TwitchifyError {
  /** `'ValidationError'`: the class's name, kept through minification (for logs and `error.name` checks). */
  override name = 'ValidationError';
  /** Dotted path of the field, e.g. `broadcasterId` or `data[0].broadcaster_id`; `body` for the whole body. */
  readonly field: string;
  /** Whether the caller's argument or Twitch's response was wrong. */
  readonly source: ValidationSource;

  constructor(source: ValidationSource, field: string, reason: string, options?: { cause?: unknown }) {
    super(
      source === 'argument' ? 'TWITCHIFY_INVALID_ARGUMENT' : 'TWITCHIFY_INVALID_RESPONSE',
      `${source === 'argument' ? 'Invalid argument' : 'Invalid response field'} \`${field}\`: ${reason}`,
      options,
    );
    this.field = field;
    this.source = source;
  }
}

/** A request (or an OAuth flow) did not finish within its time limit. */
export class TimeoutError extends TwitchifyError {
  /** `'TimeoutError'`: the class's name, kept through minification (for logs and `error.name` checks). */
  override name = 'TimeoutError';
  /** The limit that was exceeded, in ms. */
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number, options?: { cause?: unknown }) {
    super('TWITCHIFY_TIMEOUT', `${what} timed out after ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The connection failed before a complete response arrived (refused, reset, closed mid-body). */
export class NetworkError extends TwitchifyError {
  /** `'NetworkError'`: the class's name, kept through minification (for logs and `error.name` checks). */
  override name = 'NetworkError';
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the endpoint, e.g. `/channels` (no query string: it may hold user data). */
  readonly endpoint: string;

  constructor(init: { method: string; endpoint: string }, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('TWITCHIFY_NETWORK', `${init.method} ${init.endpoint} failed on the network${reason}`, options);
    this.method = init.method;
    this.endpoint = init.endpoint;
  }
}

/** The call was aborted through its `AbortSignal`. */
export class AbortError extends TwitchifyError {
  /** `'AbortError'`: the class's name, kept through minification (for logs and `error.name` checks). */
  override name = 'AbortError';
  constructor(what: string, options?: { cause?: unknown }) {
    super('TWITCHIFY_ABORTED', `${what} was aborted`, options);
  }
}

/** An options object given to a constructor or function was invalid. */
export class ConfigurationError extends TwitchifyError {
  /** `'ConfigurationError'`: the class's name, kept through minification (for logs and `error.name` checks). */
  override name = 'ConfigurationError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('TWITCHIFY_CONFIGURATION', message, options);
  }
}

/** A Client method was called in a state that does not allow it (`run()` twice, `client.user` before `ready`, ...). */
export class ClientStateError extends TwitchifyError {
  /** `'ClientStateError'`: the class's name, kept through minification (for logs and `error.name` checks). */
  override name = 'ClientStateError';
  /** What the client was doing when the call came: `idle`, `starting`, `running` or `closed`. */
  readonly state: string;
  constructor(
    code: 'TWITCHIFY_CLIENT_NOT_READY' | 'TWITCHIFY_CLIENT_STATE' | 'TWITCHIFY_CLIENT_NOT_RUNNING',
    message: string,
    state: string,
  ) {
    super(code, message);
    this.state = state;
  }
}

/**
 * Twitch refused an EventSub subscription for good (a missing scope or authorization): the reads that depend on it
 * fall back to their TTL; `client.cacheReport()` lists it.
 */
export class SubscriptionRefusedError extends TwitchifyError {
  /** `'SubscriptionRefusedError'`: the class's name, kept through minification (for logs and `error.name` checks). */
  override name = 'SubscriptionRefusedError';
  /** The subscription (`type@version` and condition) Twitch refused. */
  readonly subscription: string;
  /** Scopes the token lacks for it (each with its alternatives after ` or `); empty when the cause is another. */
  readonly missingScopes: readonly string[];
  /** Cached reads left TTL-bounded by the refusal (`channels.getFollowers`, ...). */
  readonly ttlBoundReads: readonly string[];
  constructor(
    subscription: string,
    detail: string,
    more?: { missingScopes?: readonly string[]; ttlBoundReads?: readonly string[] },
  ) {
    super('TWITCHIFY_SUBSCRIPTION_REFUSED', `subscription ${subscription} refused: ${detail}`);
    this.subscription = subscription;
    this.missingScopes = more?.missingScopes ?? [];
    this.ttlBoundReads = more?.ttlBoundReads ?? [];
  }
}
