/**
 * Everything a running Client holds: auth, the Helix client, the cache, the EventSub feed and the subscription
 * plan, wired together. Built by `client.run()`, torn down by `client.close()`.
 */
import { createCache } from '@twitchify/cache';
import {
  type CoverageEvent,
  EventSubConnectionError,
  type EventSubNotification,
  isPermanentRefusal,
  type NotificationMeta,
  timestampMs,
} from '@twitchify/eventsub';
import { AppTokenProvider } from '../auth/app-token-provider.js';
import type { AuthProvider } from '../auth/auth-provider.js';
import { OAuthClient, TWITCH_OAUTH_URL } from '../auth/oauth-client.js';
import { cachedValueValid } from '../catalog/value-schemas.js';
import { AuthError } from '../errors.js';
import type { User } from '../generated/helix-types.js';
import { HelixClient } from '../helix/helix-client.js';
import { systemClock } from '../http/environment.js';
import { runBuiltInFlow } from './built-in-flow.js';
import type { CachePort } from './cache-port.js';
import { ClientAuth } from './client-auth.js';
import { createConduitFeed } from './conduit-feed.js';
import type { EventFeed } from './event-feed.js';
import { routeEvent } from './event-router.js';
import type { AuthTokens, ClientLifecycleEvents } from './events.js';
import { isCachePort, isEventFeed, type ResolvedClientOptions } from './options.js';
import { ResourceCache } from './resource-cache.js';
import { SubscriptionPlan } from './subscription-plan.js';
import { helixDates, type TwitchClock } from './twitch-clock.js';
import { createWebSocketFeed, subscriptionTypes } from './websocket-feed.js';

/** How long `run()` waits for a Redis cache to connect before going on without it (it keeps connecting). */
const REDIS_READY_WAIT_MS = 5_000;

/** Tokens given to `client.run()`. */
export interface RunTokens {
  /** A user access token. */
  accessToken: string;
  /** With it (and, for confidential apps, the client secret) the Client refreshes the token itself. */
  refreshToken?: string | undefined;
}

/**
 * An auth provider of the app's own given to `client.run()` (a `RefreshingAuthProvider` with several users, a
 * provider backed by the app's token store, ...): the Client asks it for every token and acts as `userId` (default:
 * the provider's default user).
 */
export interface RunWithProvider {
  /** The provider every request takes its token from. */
  authProvider: AuthProvider;
  /** The user the Client acts as. Default: the provider's default user (or the one its token names). */
  userId?: string | undefined;
}

/** What the runtime tells the Client. */
export interface RuntimeHost {
  emit<K extends keyof ClientLifecycleEvents>(event: K, ...args: Parameters<ClientLifecycleEvents[K]>): void;
  /** A notification, after the cache has it: hand it to the app's handlers. */
  dispatch(key: string, event: unknown, meta: NotificationMeta): void;
  /** An error for the app's `error` handlers; without one it is logged, unless it was already (`logged`). */
  error(error: unknown, options?: { logged?: boolean }): void;
  /** The subscription types the app has handlers for now. */
  handlerTypes(): string[];
  /** Whether the app listens to a life-cycle event. */
  has(event: keyof ClientLifecycleEvents): boolean;
  /** The token was validated with these scopes (before any subscription is made). */
  validated(scopes: ReadonlySet<string>): void;
  /** Twitch refused a subscription for good. */
  refused(feed: string, reason: unknown): void;
  /** Authorization is lost for good (refresh refused): every request fails from now on. */
  authLost(error: AuthError): void;
}

export class Runtime {
  /** True once Helix and the cache are usable (cached reads work from here). */
  ready = false;
  userId: string | undefined;
  user: User | undefined;
  scopes: ReadonlySet<string> | undefined;
  helix!: HelixClient;
  rc!: ResourceCache;
  readonly plan: SubscriptionPlan;

  readonly #o: ResolvedClientOptions;
  readonly #host: RuntimeHost;
  readonly #clock: { now(): number };
  /** Twitch's clock (positions of writes and events), learned from the timestamps of the events received. */
  readonly #twitchTime: TwitchClock;
  #cache: CachePort | undefined;
  #ownsCache = false;
  #feed: EventFeed | undefined;
  #auth: ClientAuth | undefined;
  #oauth: OAuthClient | undefined;
  /** The app token of a conduit feed. */
  #appAuth: AppTokenProvider | undefined;
  #closed = false;
  #syncing: Promise<void> = Promise.resolve();
  #syncQueued = false;
  readonly #active = new Set<string>();
  /** Per feed: when it last started or resumed covering (clock ms). */
  readonly #coveredSince = new Map<string, number>();
  readonly #offs: (() => void)[] = [];

  constructor(options: ResolvedClientOptions, twitchTime: TwitchClock, host: RuntimeHost) {
    this.#o = options;
    this.#host = host;
    this.#clock = options.clock ?? systemClock;
    this.#twitchTime = twitchTime;
    this.plan = new SubscriptionPlan(
      {
        clientId: options.clientId,
        userId: () => this.userId,
        scopes: () => this.scopes,
        types: subscriptionTypes(),
      },
      options.channels,
      () => this.#scheduleSync(),
    );
  }

  async start(tokens: RunTokens | RunWithProvider | undefined): Promise<void> {
    const o = this.#o;
    this.#oauth = new OAuthClient({
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      oauthBaseUrl: o.urls?.oauth ?? TWITCH_OAUTH_URL,
      dispatcher: o.dispatcher,
    });
    const given = tokens ?? (await this.#builtInFlow());
    const provider = 'authProvider' in given ? given.authProvider : undefined;
    const accessToken = provider
      ? (await provider.getAccessToken({ tokenType: 'user', userId: (given as RunWithProvider).userId, scopes: [] }))
          .accessToken
      : (given as RunTokens).accessToken;
    const info = await this.#oauth.validate(accessToken);
    if (!info) throw new AuthError('the access token is invalid or expired');
    if (!info.userId) throw new AuthError('the Client needs a user access token (an app token has no user)');
    this.userId = info.userId;
    this.scopes = new Set(info.scopes);
    this.#host.validated(this.scopes);
    this.#auth = new ClientAuth({
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      oauthBaseUrl: o.urls?.oauth,
      dispatcher: o.dispatcher,
      clock: this.#clock,
      logger: o.logger,
      userId: info.userId,
      token: provider ?? {
        ...(given as RunTokens),
        userId: info.userId,
        scopes: info.scopes,
        expiresIn: info.expiresIn,
      },
      onRefresh: (t) => this.#host.emit('auth', t),
      onLost: (e) => this.#host.authLost(e),
    });
    this.helix = new HelixClient({
      auth: this.#auth,
      helixBaseUrl: o.urls?.helix,
      oauthBaseUrl: o.urls?.oauth,
      dispatcher: o.dispatcher,
      clock: o.clock,
      logger: o.logger,
      validateTokens: false, // validated above; the refreshing provider handles 401s
      // every answer's Date bounds Twitch's clock, so that positions are Twitch's time from the first call on
      innerMiddleware: o.otel ? [helixDates(this.#twitchTime), o.otel.inner] : [helixDates(this.#twitchTime)],
      ...(o.otel ? { middleware: [o.otel.outer] } : {}),
    });
    if (isCachePort(o.cache)) this.#cache = o.cache;
    else {
      // values read back from Redis are checked against the catalog's shapes before use
      this.#cache = createCache({
        validate: cachedValueValid,
        ...(o.cache ?? {}),
        clock: o.clock,
        positions: this.#twitchTime,
        logger: o.logger,
      });
      this.#ownsCache = true;
    }
    // Ready means ready: with Redis, wait (bounded) until the shared tier is connected and its bus subscribed, so
    // that the first writes are shared at once rather than refused by a connection still opening.
    if (this.#cache.ready !== undefined && !(await this.#cache.ready(REDIS_READY_WAIT_MS))) {
      this.#o.logger?.warn('twitchify: the Redis cache is not connected yet; reads go to Helix until it is', {
        waitedMs: REDIS_READY_WAIT_MS,
      });
    }
    this.rc = new ResourceCache(
      this.#cache,
      {
        feedsFor: (entry, id, reader, subscribe) =>
          this.#feed ? this.plan.feedsFor(entry, id, reader, subscribe) : [],
        onLoad: o.instrument?.onLoad,
        ttlFor: (feeds, ttlMs) => this.#settleTtl(feeds, ttlMs),
        onError: (e) => this.#host.error(e),
      },
      o.readLevel ?? 'fast',
      this.#twitchTime,
      o.sourceLagMs ?? 5000,
    );
    this.#feed = this.#createFeed(o);
    this.ready = true;
    if (this.#feed) this.#wireFeed(this.#feed);
    await this.#feed?.start();
    for (const type of this.#host.handlerTypes()) this.plan.addHandlerType(type);
    this.user = (await this.helix.users.getUsers({ id: info.userId })).data[0];
    if (!this.user) throw new AuthError(`the token's user ${info.userId} does not exist`);
    this.#scheduleSync();
    await this.#syncing;
  }

  /** The EventSub feed the options ask for (see `ClientOptions.eventsub`). */
  #createFeed(o: ResolvedClientOptions): EventFeed | undefined {
    if (o.eventsub === false) return undefined;
    if (isEventFeed(o.eventsub)) return o.eventsub;
    if (o.eventsub !== undefined) {
      const app = new AppTokenProvider({
        clientId: o.clientId,
        clientSecret: o.clientSecret as string, // checked with the options
        oauthBaseUrl: o.urls?.oauth,
        dispatcher: o.dispatcher,
        clock: o.clock,
      });
      this.#appAuth = app;
      return createConduitFeed({
        clientId: o.clientId,
        appToken: async () => (await app.getAccessToken({ tokenType: 'app', scopes: [] })).accessToken,
        conduitId: o.eventsub.conduit.id,
        wsUrl: o.urls?.eventsubWs,
        helixUrl: o.urls?.helix,
        clock: o.clock,
        logger: o.logger,
      });
    }
    return createWebSocketFeed({
      clientId: o.clientId,
      helix: this.helix,
      wsUrl: o.urls?.eventsubWs,
      helixUrl: o.urls?.helix,
      token: async () => (await this.#auth!.getAccessToken({ tokenType: 'user', scopes: [] })).accessToken,
      clock: o.clock,
      logger: o.logger,
    });
  }

  /**
   * A fill made less than `sourceLagMs` after one of its feeds (re)started covering may hold a state that changed
   * before anybody listened and that Helix did not show yet: it lives only until that window ends, then is
   * refetched. Afterwards every change is either in Helix's answer or arrives as an event.
   */
  #settleTtl(feeds: readonly string[], ttlMs: number): number {
    const lag = this.#o.sourceLagMs ?? 5000;
    const now = this.#clock.now();
    let ttl = ttlMs;
    for (const f of feeds) {
      const since = this.#coveredSince.get(f);
      if (since !== undefined && now - since < lag) ttl = Math.min(ttl, Math.max(1, Math.ceil(since + lag - now)));
    }
    return ttl;
  }

  /** Feed names covered now. */
  activeFeeds(): string[] {
    return [...this.#active];
  }

  /** Feed names Twitch refused (reads depending on them are TTL-bounded). */
  refusedFeeds(): string[] {
    return [...this.#refused];
  }

  readonly #refused = new Set<string>();

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#offs.splice(0)) off();
    await this.#syncing.catch(() => {});
    await this.#feed?.close().catch((e) => this.#host.error(e));
    if (this.#ownsCache) await this.#cache?.close().catch((e) => this.#host.error(e));
    await this.helix?.close().catch(() => {});
    await (this.#auth as { close?: () => Promise<void> } | undefined)?.close?.().catch(() => {});
    await this.#oauth?.close().catch(() => {});
    await this.#appAuth?.close().catch(() => {});
  }

  #wireFeed(feed: EventFeed): void {
    const instrument = this.#o.instrument;
    this.#offs.push(
      feed.onNotification((n: EventSubNotification) => {
        if (n.kind === 'malformed') {
          this.#host.error(n.error);
          return;
        }
        // to the microsecond: changes committed within one millisecond keep their order
        const stamped = timestampMs(n.meta.messageTimestamp);
        if (stamped) this.#twitchTime.sawTimestamp(stamped);
        const at = stamped || this.#twitchTime.now();
        // The cache first (so a read made by a handler sees the change), then the app's handlers. Reads of the
        // key in this process wait for the change meanwhile; the event counts as received once the cache has it
        // (recorded in Redis, where other processes' strict reads see it and whence the bus carries it).
        // Only an applied event is reported as received: one whose change no cache holds is reported as failed.
        routeEvent(this.rc, n.key, n.event, { id: n.meta.messageId, at })
          .then(
            () => instrument?.onEvent?.(n.key, n.event, n.meta),
            (e: unknown) => {
              this.#host.error(e);
              instrument?.onEventFailed?.(n.key, n.event, n.meta, e);
            },
          )
          .finally(() => this.#host.dispatch(n.key, n.event, n.meta))
          .catch((e: unknown) => this.#host.error(e)); // an instrument hook that threw
      }),
      feed.onCoverage((e: CoverageEvent) => this.#coverage(e)),
      feed.onRefused((name, reason) => {
        this.#refused.add(name);
        this.plan.refuse(name);
        this.#host.refused(name, reason);
      }),
      feed.onError((e) => {
        // A permanent refusal of a subscription also arrives through onRefused, which tells it once per cause.
        if (isPermanentRefusal(e)) return;
        // A closed socket was logged once by the feed (a warning while it reconnects): handlers get it, the log not again.
        this.#host.error(e, { logged: e instanceof EventSubConnectionError });
      }),
    );
  }

  #coverage(e: CoverageEvent): void {
    const coverage = this.#cache!.coverage;
    this.#o.instrument?.onCoverage?.(e);
    const report = (p: Promise<void>) => p.catch((err) => this.#host.error(err));
    if (e.type === 'covered') {
      this.#active.add(e.key);
      this.#coveredSince.set(e.key, this.#clock.now());
      report(
        e.closedGap
          ? coverage.gap(e.key, { from: e.closedGap.start, to: e.closedGap.end })
          : coverage.started(e.key, e.since),
      );
    } else if (e.type === 'uncovered') {
      this.#active.delete(e.key);
      report(coverage.gap(e.key, { from: e.since }));
    } else {
      this.#coveredSince.set(e.key, this.#clock.now());
      // A gap learnt after it ended (another conduit shard was lost): coverage goes on.
      report(coverage.gap(e.key, { from: e.gap.start, to: e.gap.end }));
    }
  }

  /** Reconciles the feed with the plan; coalesces bursts of changes into one pass. */
  #scheduleSync(): void {
    if (!this.ready || this.#closed || this.#syncQueued) return;
    this.#syncQueued = true;
    this.#syncing = this.#syncing.then(() => {
      this.#syncQueued = false;
      return this.#sync();
    });
  }

  async #sync(): Promise<void> {
    if (!this.#feed || this.#closed) return;
    await this.#feed.setDesired(this.plan.desired()).catch((e) => this.#host.error(e));
  }

  async #builtInFlow(): Promise<RunTokens> {
    const tokens: AuthTokens = await runBuiltInFlow({
      oauth: this.#oauth!,
      options: this.#o,
      emit: this.#host.emit,
      has: this.#host.has,
      handlerTypes: this.#host.handlerTypes(),
    });
    this.#host.emit('auth', tokens);
    return { accessToken: tokens.accessToken, ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}) };
  }
}
