/** The Client's options, and the checks its constructor makes of them. */
import type { CacheOptions } from '@twitchify/cache';
import type { CoverageEvent, NotificationMeta } from '@twitchify/eventsub';
import type { Dispatcher } from 'undici';
import { ConfigurationError } from '../errors.js';
import type { Clock, Logger } from '../http/environment.js';
import { isLogLevel, type LoggerLike, type LogLevel } from '../logger.js';
import { type AuthCallbackOptions, checkAuthCallback } from './auth-callback.js';
import type { CachePort } from './cache-port.js';
import type { EventFeed } from './event-feed.js';
import type { Telemetry, TelemetryOptions } from './telemetry.js';

/** Base URLs of Twitch's services; point them at `@twitchify/mock` (`mock.urls`) in tests. */
export interface ClientUrls {
  /** Default `https://api.twitch.tv/helix`. */
  helix?: string | undefined;
  /** Default `https://id.twitch.tv/oauth2`. */
  oauth?: string | undefined;
  /** Default `wss://eventsub.wss.twitch.tv/ws`. */
  eventsubWs?: string | undefined;
}

/** Hooks for measuring the Client from outside (the consistency benchmark uses them); all optional. */
export interface ClientInstrument {
  /**
   * An event has been handed to the cache: the cache has recorded its change (with Redis: in Redis, so that strict
   * reads of every process see it and the bus carries it); called before the app's handlers.
   */
  onEvent?: ((key: string, event: unknown, meta: NotificationMeta) => void) | undefined;
  /**
   * An event whose change the cache could not record (`error`, also emitted as the Client's `error`): it is not
   * reported to `onEvent`, since no cache holds its change; the app's handlers still receive it.
   */
  onEventFailed?: ((key: string, event: unknown, meta: NotificationMeta, error: unknown) => void) | undefined;
  /** A cached read is asking Helix for `resourceKey` (`channel:42`). */
  onLoad?: ((resourceKey: string) => void) | undefined;
  /** The coverage of a feed changed (as the Client hands it to the cache). */
  onCoverage?: ((event: CoverageEvent) => void) | undefined;
}

/**
 * Options of the {@link Client}: one object, every field but `clientId` with a default. Every optional field also
 * accepts `undefined` (the default then applies), so options can be built from possibly-unset variables.
 */
export interface ClientOptions {
  /** The application's client id (Twitch developer console, "Manage" on your application). */
  clientId: string;
  /**
   * The application's client secret: needed to refresh the tokens of a confidential app, for the built-in
   * authorization code flow and for conduits. Without it the built-in flow is the device code flow.
   */
  clientSecret?: string | undefined;
  /**
   * The app is registered as a public client (device code flow): its tokens refresh without a secret. Only then does
   * `run({ accessToken, refreshToken })` without `clientSecret` start; a confidential app needs the secret to
   * refresh. Default `false`.
   */
  publicClient?: boolean | undefined;
  /**
   * The cache: options of `@twitchify/cache` (`{ redis: { url } }` for Redis, which needs the `ioredis` package) or
   * a cache instance. Default: the in-process tier alone.
   */
  cache?: CacheOptions | CachePort | undefined;
  /** Read level of cached reads (`fast`: in-process trust; `strict`: checked against Redis). Default `fast`. */
  readLevel?: 'fast' | 'strict' | undefined;
  /** Broadcasters whose events the app's handlers receive. Default: the authenticated user. */
  channels?: readonly string[] | undefined;
  /**
   * Scopes requested by the built-in flows. Default: the scopes the catalog's reads and feeds use, the scopes of the
   * subscription types the app has handlers for when `run()` is called, and chat's (`user:write:chat`, `user:bot`).
   */
  scopes?: readonly string[] | undefined;
  /**
   * Port of the built-in authorization code flow's callback server: the same as `authCallback.port`, which says
   * more (host, path, redirect URI). Default 3000 (0: any free port, for tests).
   */
  authPort?: number | undefined;
  /**
   * Where the built-in authorization code flow listens for Twitch's redirect, and the redirect URI it sends. Default
   * `http://127.0.0.1:3000/callback`, which must be registered for the app as it is (with
   * `http://localhost:3000/callback` registered, Twitch redirects to a host this server does not listen on).
   */
  authCallback?: AuthCallbackOptions | undefined;
  /**
   * The longest Twitch takes to show a change in Helix reads, in ms (streams: at least a minute, see
   * `CatalogEntry.sourceLagMs`). A write's or an event's change is laid over every Helix answer read before this
   * long after it, and fills made this soon after a feed started or resumed covering are refetched once the window
   * ends. Default 5 000.
   */
  sourceLagMs?: number | undefined;
  /**
   * How the Client listens to EventSub. Default: a WebSocket over the user's token (every instance of the app
   * receives every event; Twitch allows 3 connections per token). `{ conduit: {} }`: each instance joins the app's
   * conduit as one shard and receives its share of the events (needs `clientSecret`; share the cache through Redis
   * so that what one instance receives reaches the others); `conduit.id` picks the conduit. An `EventFeed` of your
   * own, or `false` for none (reads are then TTL-bounded).
   */
  eventsub?:
    | EventFeed
    | false
    | {
        /** Join the app's conduit as one shard. */
        conduit: {
          /** The conduit to join. Default: the app's first conduit, created when it has none. */
          id?: string | undefined;
        };
      }
    | undefined;
  /** Where Twitch is; point it at `@twitchify/mock` (`mock.urls`) in tests. Default: Twitch's production URLs. */
  urls?: ClientUrls | undefined;
  /** The undici dispatcher of every HTTP request (proxies, pools, tests). Default: a pool per origin. */
  dispatcher?: Dispatcher | undefined;
  /** The clock (ms since epoch). Default `Date.now`. */
  clock?: Clock | undefined;
  /**
   * Where the Client logs: `console`, a pino, bunyan or winston logger, or any object with `warn` and `error` (and
   * optionally `debug`, `info`) called `(message, fields)`. Default: warnings and errors written to stderr.
   */
  logger?: LoggerLike | undefined;
  /**
   * The lowest level logged (`debug`, `info`, `warn`, `error`, or `silent` for nothing). Default `warn` for the
   * stderr logger; `debug` for a logger of your own (its own level then filters).
   */
  logLevel?: LogLevel | undefined;
  /** Hooks for measuring the Client from outside. */
  instrument?: ClientInstrument | undefined;
  /**
   * OpenTelemetry: spans of Helix calls and metrics of Helix, the cache and EventSub, through `@opentelemetry/api`
   * when it is installed (an optional peer). Default: its global tracer and meter providers (no-ops until an SDK is
   * registered); `false`: none.
   */
  telemetry?: TelemetryOptions | false | undefined;
}

/** The options as the Client's parts use them: the logger adapted and filtered, the telemetry built. */
export type ResolvedClientOptions = Omit<ClientOptions, 'logger'> & {
  logger: Logger;
  otel: Telemetry | undefined;
};

/** Checks the options; throws a {@link ConfigurationError} naming the first bad field. */
export function checkOptions(options: ClientOptions): void {
  if (!options || typeof options !== 'object') throw new ConfigurationError('Client: options must be an object');
  if (typeof options.clientId !== 'string' || options.clientId.length === 0) {
    throw new ConfigurationError('Client: `clientId` must be a non-empty string');
  }
  if (options.clientSecret !== undefined && typeof options.clientSecret !== 'string') {
    throw new ConfigurationError('Client: `clientSecret` must be a string');
  }
  if (options.logLevel !== undefined && !isLogLevel(options.logLevel)) {
    throw new ConfigurationError("Client: `logLevel` must be 'debug', 'info', 'warn', 'error' or 'silent'");
  }
  const logger = options.logger as Partial<Record<string, unknown>> | undefined;
  if (logger !== undefined && (typeof logger?.warn !== 'function' || typeof logger.error !== 'function')) {
    throw new ConfigurationError('Client: `logger` must have `warn` and `error` methods (console, pino, winston, ...)');
  }
  if (options.readLevel !== undefined && options.readLevel !== 'fast' && options.readLevel !== 'strict') {
    throw new ConfigurationError("Client: `readLevel` must be 'fast' or 'strict'");
  }
  if (options.channels !== undefined && !Array.isArray(options.channels)) {
    throw new ConfigurationError('Client: `channels` must be an array of broadcaster ids');
  }
  checkAuthCallback(options.authCallback, options.authPort);
  if (options.sourceLagMs !== undefined && !(options.sourceLagMs >= 0)) {
    throw new ConfigurationError('Client: `sourceLagMs` must be >= 0');
  }
  const eventsub = options.eventsub;
  if (eventsub !== undefined && eventsub !== false && !isEventFeed(eventsub)) {
    const conduit = (eventsub as { conduit?: unknown }).conduit;
    if (typeof conduit !== 'object' || conduit === null) {
      throw new ConfigurationError('Client: `eventsub` must be an EventFeed, false, or { conduit: { id? } }');
    }
    const id = (conduit as { id?: unknown }).id;
    if (id !== undefined && (typeof id !== 'string' || id.length === 0)) {
      throw new ConfigurationError('Client: `eventsub.conduit.id` must be a non-empty string');
    }
    if (options.clientSecret === undefined) {
      throw new ConfigurationError('Client: `eventsub: { conduit }` needs `clientSecret` (conduits use an app token)');
    }
  }
  for (const [name, url] of Object.entries(options.urls ?? {})) {
    if (url === undefined) continue;
    try {
      new URL(String(url));
    } catch {
      throw new ConfigurationError(`Client: \`urls.${name}\` is not a URL`);
    }
  }
}

/** Whether `cache` is a cache instance rather than options. */
export function isCachePort(cache: ClientOptions['cache']): cache is CachePort {
  const keys = (cache as CachePort | undefined)?.keys;
  return typeof keys === 'object' && keys !== null && typeof keys.read === 'function';
}

/** Whether `eventsub` is a feed instance rather than the conduit option. */
export function isEventFeed(eventsub: ClientOptions['eventsub']): eventsub is EventFeed {
  return typeof (eventsub as EventFeed | undefined)?.setDesired === 'function';
}
