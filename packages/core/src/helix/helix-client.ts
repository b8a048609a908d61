import type { Dispatcher } from 'undici';
import type { AuthProvider } from '../auth/auth-provider.js';
import { OAuthClient, TWITCH_OAUTH_URL } from '../auth/oauth-client.js';
import { TokenValidator } from '../auth/token-validator.js';
import { AbortError, ConfigurationError } from '../errors.js';
import { HelixGroups } from '../generated/helix-groups.js';
import { authMiddleware } from '../http/auth-middleware.js';
import { concurrencyMiddleware } from '../http/concurrency-middleware.js';
import { type Clock, type Logger, silentLogger, systemClock } from '../http/environment.js';
import type { RateLimitBucket } from '../http/rate-limit-bucket.js';
import { rateLimitMiddleware } from '../http/rate-limit-middleware.js';
import { type RetryOptions, retryMiddleware } from '../http/retry-middleware.js';
import { createDefaultDispatcher, createTransport } from '../http/transport.js';
import { composeMiddleware, type Handler, type Middleware } from '../http/types.js';
import { validationMiddleware } from '../http/validation-middleware.js';
import { BatchLookups } from './batch-lookups.js';
import type { CallOptions, HelixOperation, PaginatedOperation, PaginateOptions } from './operation.js';
import type { Paginated } from './paginated.js';
import { HelixRequester } from './requester.js';

/** Default Helix base URL (Twitch's). */
export const TWITCH_HELIX_URL = 'https://api.twitch.tv/helix';

/** Options of {@link HelixClient}. Every field but `auth` has a default. */
export interface HelixClientOptions {
  /** Where tokens come from. */
  auth: AuthProvider;
  /** Helix base URL (default `https://api.twitch.tv/helix`; point it at `@twitchify/mock` in tests). */
  helixBaseUrl?: string | undefined;
  /** OAuth base URL used for token validation (default `https://id.twitch.tv/oauth2`). */
  oauthBaseUrl?: string | undefined;
  /** undici dispatcher (default: a keep-alive Agent with 64 connections per origin, closed by `close()`). */
  dispatcher?: Dispatcher | undefined;
  /** Time limit of one attempt, in ms: for the answer's headers, then between body chunks (default 10,000). */
  timeoutMs?: number | undefined;
  /** Requests on the wire at once (default 64). */
  concurrency?: number | undefined;
  /** Retry policy for idempotent requests, or `false` for none (default: 3 retries, 100 ms base, 3 s cap). */
  retry?: RetryOptions | false | undefined;
  /** How many 429 answers in a row one call waits out (default 5). */
  max429Retries?: number | undefined;
  /** Validate each token with Twitch before first use and hourly (default `true`). */
  validateTokens?: boolean | undefined;
  /** Extra middleware, placed outside the built-in layers (outermost first). */
  middleware?: readonly Middleware[] | undefined;
  /** Extra middleware placed just before the wire, inside every built-in layer (once per attempt). */
  innerMiddleware?: readonly Middleware[] | undefined;
  /** The clock rate limits and token expiry are measured with. Default: `Date.now`. */
  clock?: Clock | undefined;
  /** Where Helix calls (at debug) and token problems are logged. Default: nowhere. */
  logger?: Logger | undefined;
}

/**
 * The Helix client: every Helix operation, grouped as Twitch groups them (`helix.channels.getChannelInformation`,
 * `helix.moderation.banUser`, ...), plus `helix.batch` lookups and `...Paginated` iterators.
 *
 * A call goes through middleware, outermost first: validation (decodes the answer or throws a typed error) →
 * retry (idempotent methods only) → auth (token, validation, one refresh after 401) → rate limit (one bucket per
 * token) → concurrency (a counter and a FIFO) → undici transport.
 *
 * @example
 * ```ts
 * const helix = new HelixClient({ auth: new StaticAuthProvider({ clientId, accessToken }) });
 * const { data } = await helix.channels.getChannelInformation({ broadcasterId: '141981764' });
 * for await (const follower of helix.channels.getChannelFollowersPaginated({ broadcasterId }, { limit: 500 })) {}
 * const user = await helix.batch.getUserByLogin('twitchdev'); // batched with concurrent lookups
 * await helix.close();
 * ```
 */
export class HelixClient extends HelixGroups {
  /** Lookups by id or login, batched across concurrent callers into calls of up to 100. */
  readonly batch: BatchLookups;
  /** The token provider. */
  readonly auth: AuthProvider;
  /** The validator, when token validation is on (exposed for metrics). */
  readonly tokenValidator: TokenValidator | undefined;
  readonly #requester: HelixRequester;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #oauth: OAuthClient | undefined;
  readonly #buckets: Map<string, RateLimitBucket>;
  readonly #lifecycle: { closed: boolean };

  constructor(options: HelixClientOptions) {
    if (!options || typeof options.auth?.getAccessToken !== 'function') {
      throw new ConfigurationError('HelixClient: `auth` must be an AuthProvider');
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    const concurrency = options.concurrency ?? 64;
    if (!(timeoutMs > 0)) throw new ConfigurationError('HelixClient: `timeoutMs` must be positive');
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new ConfigurationError('HelixClient: `concurrency` must be a positive integer');
    const helixBaseUrl = options.helixBaseUrl ?? TWITCH_HELIX_URL;
    try {
      new URL(helixBaseUrl);
    } catch (error) {
      throw new ConfigurationError('HelixClient: `helixBaseUrl` is not a URL', { cause: error });
    }
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const dispatcher = options.dispatcher ?? createDefaultDispatcher(Math.max(concurrency, 8), timeoutMs);
    const oauth =
      options.validateTokens === false
        ? undefined
        : new OAuthClient({
            clientId: options.auth.clientId,
            oauthBaseUrl: options.oauthBaseUrl ?? TWITCH_OAUTH_URL,
            dispatcher,
          });
    const validator = oauth ? new TokenValidator({ oauth, clock, logger }) : undefined;
    const rateLimit = rateLimitMiddleware({ now: () => clock.now(), max429Retries: options.max429Retries });
    const lifecycle = { closed: false };
    // Checked on the way in and again just before the wire, so a call that was mid-flight at close() ends cleanly.
    const open: Middleware = (next) => (request) =>
      lifecycle.closed ? Promise.reject(new AbortError('the Helix client was closed')) : next(request);
    const layers: Middleware[] = [
      open,
      ...(options.middleware ?? []),
      validationMiddleware(),
      ...(options.retry === false ? [] : [retryMiddleware(options.retry ?? {})]),
      authMiddleware({ provider: options.auth, validator }),
      rateLimit,
      concurrencyMiddleware(concurrency),
      logging(logger),
      ...(options.innerMiddleware ?? []),
      open,
    ];
    const handler: Handler = composeMiddleware(
      layers,
      createTransport({
        baseUrl: helixBaseUrl,
        dispatcher,
        timeoutMs,
        dispatcherTimeouts: options.dispatcher === undefined,
      }),
    );
    const requester = new HelixRequester(handler);
    super(requester);
    this.#requester = requester;
    this.#dispatcher = dispatcher;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#oauth = oauth;
    this.#buckets = rateLimit.buckets;
    this.#lifecycle = lifecycle;
    this.auth = options.auth;
    this.tokenValidator = validator;
    this.batch = new BatchLookups(this);
  }

  /** Calls any operation descriptor (e.g. one from `helixOperations`). */
  call<P, B, R>(operation: HelixOperation<P, B, R>, params: P, body: B, options?: CallOptions): Promise<R> {
    return this.#requester.run(operation, params, body, options);
  }

  /** Every item of a cursor-paginated operation: iterate it with `for await`, or collect it with `getAll()`. */
  paginate<P, T>(operation: PaginatedOperation<P, T>, params: P, options?: PaginateOptions): Paginated<T> {
    return this.#requester.paginate(operation, params, options);
  }

  /** Ends calls still waiting for a rate-limit reset (`AbortError`) and closes the pool if the client created it. */
  async close(): Promise<void> {
    if (this.#lifecycle.closed) return;
    this.#lifecycle.closed = true;
    for (const bucket of this.#buckets.values()) bucket.close(new AbortError('the Helix client was closed'));
    this.#buckets.clear();
    if (this.#ownsDispatcher) await this.#dispatcher.close();
    await this.#oauth?.close();
  }
}

/** Logs each attempt at debug level; builds nothing when debug is off (the default logger is silent). */
function logging(logger: Logger): Middleware {
  if (logger === silentLogger) return (next) => next;
  return (next) => async (request) => {
    const response = await next(request);
    logger.debug('helix', { method: request.method, path: request.path, status: response.status });
    return response;
  };
}
