/** The Client: the façade over auth, the coherent cache, EventSub and Helix (see the class's TSDoc). */

import type { CacheStats } from '@twitchify/cache';
import type { NotificationMeta } from '@twitchify/eventsub';
import { type CoverageLine, coverageFor } from '../catalog/catalog.js';
import { type AuthError, ClientStateError, ConfigurationError, type SubscriptionRefusedError } from '../errors.js';
import type { User } from '../generated/helix-types.js';
import type { HelixClient } from '../helix/helix-client.js';
import { systemClock } from '../http/environment.js';
import { createLogger } from '../logger.js';
import { SafeEmitter, type Unsubscribe } from './emitter.js';
import { eventNameProblem } from './event-names.js';
import { type ClientEvents, LIFECYCLE_EVENTS } from './events.js';
import { type ClientOptions, checkOptions, type ResolvedClientOptions } from './options.js';
import { ChannelsResource } from './resources/channels.js';
import { ChatResource } from './resources/chat.js';
import {
  ChannelPointsResource,
  GoalsResource,
  HypeTrainResource,
  PollsResource,
  PredictionsResource,
  ScheduleResource,
  SubscriptionsResource,
} from './resources/community.js';
import { checkId, type ResourceContext } from './resources/context.js';
import { ModerationResource } from './resources/moderation.js';
import { StreamsResource } from './resources/streams.js';
import { UsersResource } from './resources/users.js';
import { type RunTokens, Runtime, type RunWithProvider } from './runtime.js';
import { ScopeNotices } from './scope-notices.js';
import { Telemetry } from './telemetry.js';
import { TwitchClock } from './twitch-clock.js';
import { UnhandledErrors } from './unhandled-errors.js';

/**
 * Where the Client is in its life: `idle` → `starting` (auth, cache, EventSub) → `running` (`ready` emitted) →
 * `closed`; `authLost` when Twitch refused to refresh its token for good (every request fails until a new run).
 */
export type ClientStatus = 'idle' | 'starting' | 'running' | 'authLost' | 'closed';

/** What {@link Client.cacheReport} returns. */
export interface CacheReport {
  /** Per cached read: event-covered or TTL-bounded with the scopes granted, and why. */
  reads: CoverageLine[];
  /** The subscriptions active now (feed names) and those Twitch refused. */
  feeds: {
    /** Feeds subscribed now, as `type@version`. */
    active: string[];
    /** Feeds Twitch refused for good (a missing scope, an unsupported condition). */
    refused: string[];
  };
  /** The cache's counters (hits, misses, fills refused as stale, pins, invalidations, ...). */
  stats: CacheStats | undefined;
}

/**
 * The Client: event handlers over EventSub, cached reads over a coherent cache, and every Helix operation.
 *
 * ```ts
 * const client = new Client({ clientId });
 * client.on('ready', () => console.log(`logged in as ${client.user.displayName}`));
 * client.on('follow', (follower) => console.log(`${follower.userName} followed`));
 * await client.run({ accessToken, refreshToken });
 * ```
 *
 * Life cycle: `idle` → `starting` (auth, cache, EventSub) → `running` (`ready` emitted) → `closed`. Registering a
 * handler for a subscription type subscribes to it (at once when running, at start otherwise); cached reads
 * subscribe to the feeds that keep them fresh. Nothing a handler does can stop the Client: errors go to `error`,
 * or, when nobody listens to `error`, to the logger (stderr by default).
 */
export class Client {
  /** Cached users (`get`, `getByLogin`, `update`). */
  readonly users: UsersResource;
  /** Cached channel information, followers and VIPs, with write-through. */
  readonly channels: ChannelsResource;
  /** Cached live streams. */
  readonly streams: StreamsResource;
  /** Cached moderators and bans, with write-through. */
  readonly moderation: ModerationResource;
  /** Chat: send messages (`say`, `reply`), cached chat settings and emotes. */
  readonly chat: ChatResource;
  /** Cached custom rewards. */
  readonly channelPoints: ChannelPointsResource;
  /** Cached polls, with write-through. */
  readonly polls: PollsResource;
  /** Cached predictions, with write-through. */
  readonly predictions: PredictionsResource;
  /** Cached creator goals. */
  readonly goals: GoalsResource;
  /** Cached hype train status. */
  readonly hypeTrain: HypeTrainResource;
  /** Cached broadcaster subscriptions. */
  readonly subscriptions: SubscriptionsResource;
  /** Cached stream schedule. */
  readonly schedule: ScheduleResource;

  readonly #options: ResolvedClientOptions;
  readonly #emitter: SafeEmitter<ClientEvents>;
  readonly #twitchTime: TwitchClock;
  readonly #notices: ScopeNotices;
  readonly #unhandled: UnhandledErrors;
  #status: ClientStatus = 'idle';
  /** Channels watched (true) or unwatched (false) since construction, replayed into each run's plan. */
  readonly #watching = new Map<string, boolean>();
  #runtime: Runtime | undefined;

  /** Checks the options (a {@link ConfigurationError} names the first bad field); starts nothing. */
  constructor(options: ClientOptions) {
    checkOptions(options);
    const logger = createLogger(options.logger, options.logLevel);
    const telemetry = Telemetry.create(options.telemetry, options.clock ?? systemClock);
    telemetry?.readStats(() => this.#runtime?.rc?.cache.stats());
    this.#options = {
      ...options,
      logger,
      otel: telemetry,
      instrument: telemetry ? telemetry.instrument(options.instrument) : options.instrument,
    };
    this.#unhandled = new UnhandledErrors(logger);
    this.#notices = new ScopeNotices((notice) => this.#tell(notice));
    const clock = options.clock ?? systemClock;
    // orders writes and events by Twitch's clock, whatever the local one says
    this.#twitchTime = new TwitchClock(clock);
    this.#emitter = new SafeEmitter<ClientEvents>({
      onHandlerError: (event, error) => this.#reportError(event, error),
      onFirstListener: (event) => {
        if (!LIFECYCLE_EVENTS.has(event)) this.#runtime?.plan.addHandlerType(event);
        if (event === 'follow') this.#runtime?.plan.addHandlerType('channel.follow');
      },
      onLastListenerGone: (event) => {
        if (!LIFECYCLE_EVENTS.has(event)) this.#runtime?.plan.removeHandlerType(event);
        if (event === 'follow' && !this.#emitter.has('channel.follow')) {
          this.#runtime?.plan.removeHandlerType('channel.follow');
        }
      },
    });
    const runtime = () => this.#running();
    const context: ResourceContext = {
      get rc() {
        return runtime().rc;
      },
      get helix() {
        return runtime().helix;
      },
      clock: this.#twitchTime,
      userId: () => this.#runtime?.userId,
    };
    this.users = new UsersResource(context);
    this.channels = new ChannelsResource(context);
    this.streams = new StreamsResource(context);
    this.moderation = new ModerationResource(context);
    this.chat = new ChatResource(context);
    this.channelPoints = new ChannelPointsResource(context);
    this.polls = new PollsResource(context);
    this.predictions = new PredictionsResource(context);
    this.goals = new GoalsResource(context);
    this.hypeTrain = new HypeTrainResource(context);
    this.subscriptions = new SubscriptionsResource(context);
    this.schedule = new ScheduleResource(context);
  }

  /** `idle`, `starting`, `running`, `authLost` or `closed`. */
  get status(): ClientStatus {
    return this.#status;
  }

  /** The authenticated user; available from `ready` on. */
  get user(): User {
    const user = this.#runtime?.user;
    if (!user)
      throw new ClientStateError(
        'TWITCHIFY_CLIENT_NOT_READY',
        'client.user is available once `ready` fired',
        this.#status,
      );
    return user;
  }

  /** Every Helix operation, uncached, through the Client's auth, rate limits and retries. */
  get helix(): HelixClient {
    return this.#running().helix;
  }

  /**
   * Adds a handler. Life-cycle events: `ready`, `auth`, `authLost`, `code`, `authorize`, `error`, `follow`. Any
   * other name is an EventSub subscription type (`channel.update`, `channel.ban`, ...): registering the first
   * handler of a type subscribes to it for the Client's channels. Returns the function that removes the handler.
   * An unknown name (`'folow'`) throws a {@link ConfigurationError} naming the closest known ones.
   */
  on<K extends keyof ClientEvents>(event: K, handler: ClientEvents[K]): Unsubscribe {
    const problem = eventNameProblem(event);
    if (problem) throw new ConfigurationError(`client.on: ${problem}`);
    if (typeof handler !== 'function')
      throw new ConfigurationError(`client.on('${event}'): the handler must be a function`);
    return this.#emitter.on(event, handler);
  }

  /** Removes a handler added with {@link on}. */
  off<K extends keyof ClientEvents>(event: K, handler: ClientEvents[K]): void {
    this.#emitter.off(event, handler);
  }

  /**
   * The handlers receive `broadcasterId`'s events too, from now on (at once when running: its subscriptions are
   * made for every handler type registered). Before `run()`, it adds to `channels`.
   */
  watch(broadcasterId: string): void {
    const b = checkId('broadcasterId', broadcasterId);
    this.#watching.set(b, true);
    this.#runtime?.plan.watch(b);
  }

  /** The handlers stop receiving `broadcasterId`'s events (its subscriptions for handlers end). */
  unwatch(broadcasterId: string): void {
    const b = checkId('broadcasterId', broadcasterId);
    this.#watching.set(b, false);
    this.#runtime?.plan.unwatch(b);
  }

  /** The broadcasters whose events the handlers receive now (`channels`, or the Client's user, and `watch`ed ones). */
  get watching(): string[] {
    return this.#runtime?.plan.channels() ?? [...(this.#options.channels ?? [])];
  }

  /**
   * Starts the Client with the app's tokens, or with no argument runs the built-in flow: the authorization code
   * flow when a client secret is set (emits `authorize` with the URL to open, then `auth` with the tokens), the
   * device code flow otherwise (emits `code`). The flow asks for {@link ClientOptions.scopes}, by default the
   * scopes of the handlers registered so far, of the cached reads and of chat. Given tokens lacking a scope that a
   * registered handler needs, it warns at start, naming the scopes. `{ authProvider, userId? }` runs on a provider
   * of the app's own (Twurple-style; it refreshes by itself). Resolves once `ready` has been emitted.
   */
  async run(tokens?: RunTokens | RunWithProvider): Promise<void> {
    if (this.#status !== 'idle') {
      throw new ClientStateError(
        'TWITCHIFY_CLIENT_STATE',
        `run() needs an idle client; it is ${this.#status}`,
        this.#status,
      );
    }
    checkRunTokens(tokens, this.#options);
    this.#status = 'starting';
    const runtime = new Runtime(this.#options, this.#twitchTime, {
      emit: (event, ...args) => this.#emitter.emit(event, ...(args as never)),
      dispatch: (key, event, meta) => this.#dispatch(key, event, meta),
      error: (error, o) => this.#reportError('client', error, o?.logged === true),
      handlerTypes: () => this.#handlerTypes(),
      has: (event) => this.#emitter.has(event),
      validated: (scopes) => this.#notices.checkHandlers(this.#handlerTypes(), scopes),
      refused: (feed, reason) => this.#notices.refused(feed, reason, this.#runtime?.scopes),
      authLost: (error) => this.#authLost(error),
    });
    for (const [b, on] of this.#watching) on ? runtime.plan.watch(b) : runtime.plan.unwatch(b);
    this.#runtime = runtime;
    try {
      await runtime.start(tokens);
    } catch (error) {
      this.#runtime = undefined;
      this.#status = 'idle';
      await runtime.close().catch(() => {});
      throw error;
    }
    if ((this.#status as ClientStatus) === 'closed') return;
    if ((this.#status as ClientStatus) === 'authLost') return;
    this.#status = 'running';
    this.#emitter.emit('ready');
  }

  /** Stops EventSub, closes the cache (if the Client created it) and the HTTP pools. Idempotent. */
  async close(): Promise<void> {
    if (this.#status === 'closed') return;
    this.#status = 'closed';
    const runtime = this.#runtime;
    this.#runtime = undefined;
    await runtime?.close();
  }

  /** Which cached reads are kept fresh by events and which by their TTL alone (and why), with the cache's counters. */
  cacheReport(): CacheReport {
    const runtime = this.#runtime;
    return {
      reads: coverageFor(runtime?.scopes),
      feeds: { active: runtime?.activeFeeds() ?? [], refused: runtime?.refusedFeeds() ?? [] },
      stats: runtime?.rc.cache.stats(),
    };
  }

  #handlerTypes(): string[] {
    const types = new Set<string>();
    for (const e of this.#emitter.events()) {
      const name = String(e);
      if (name === 'follow') types.add('channel.follow');
      else if (!LIFECYCLE_EVENTS.has(name)) types.add(name);
    }
    return [...types];
  }

  #dispatch(key: string, event: unknown, meta: NotificationMeta): void {
    const type = key.slice(0, key.indexOf('@'));
    this.#emitter.emit(type as keyof ClientEvents, ...([event, meta] as never));
    if (type === 'channel.follow') this.#emitter.emit('follow', event as never, meta);
  }

  #reportError(where: string, error: unknown, logged = false): void {
    if (this.#emitter.has('error') && where !== 'error') {
      this.#emitter.emit('error', error);
      return;
    }
    // No error handler (or the error handler itself threw): log, never throw; once only, if a part logged it already.
    if (!logged) this.#unhandled.report(where, error);
  }

  /** A notice about scopes: to `error` handlers as an error, or a warning when nobody listens. */
  #tell(notice: SubscriptionRefusedError): void {
    if (this.#emitter.has('error')) {
      this.#emitter.emit('error', notice);
      return;
    }
    this.#options.logger.warn(notice.message, {
      code: notice.code,
      missingScopes: notice.missingScopes,
      ttlBoundReads: notice.ttlBoundReads,
    });
  }

  #authLost(error: AuthError): void {
    if (this.#status === 'closed' || this.#status === 'authLost') return;
    this.#status = 'authLost';
    if (this.#emitter.has('authLost')) this.#emitter.emit('authLost', error);
    else this.#reportError('auth', error);
  }

  #running(): Runtime {
    const runtime = this.#runtime;
    if (!runtime?.ready) {
      throw new ClientStateError(
        'TWITCHIFY_CLIENT_NOT_RUNNING',
        'the client is not running: await client.run() first',
        this.#status,
      );
    }
    return runtime;
  }
}

/**
 * Refuses at once what could only fail later: a refresh token with no client secret, unless the app is public
 * (Twitch refreshes a confidential app's tokens only with its secret).
 */
function checkRunTokens(tokens: RunTokens | RunWithProvider | undefined, options: ClientOptions): void {
  if (tokens === undefined) return;
  if (tokens && typeof tokens === 'object' && 'authProvider' in tokens) {
    if (typeof tokens.authProvider?.getAccessToken !== 'function') {
      throw new ConfigurationError('client.run: `authProvider` must implement getAccessToken (an AuthProvider)');
    }
    return;
  }
  if (!tokens || typeof tokens.accessToken !== 'string' || tokens.accessToken.length === 0) {
    throw new ConfigurationError(
      'client.run: `accessToken` must be a non-empty string (or call run() with no argument for the built-in flow)',
    );
  }
  if (tokens.refreshToken !== undefined && !options.clientSecret && !options.publicClient) {
    throw new ConfigurationError(
      'client.run: a `refreshToken` was given but the Client has no `clientSecret`, so the token could never be refreshed; ' +
        'pass `clientSecret` to new Client(...) (or `publicClient: true` for an app registered as public), or leave out the refresh token',
    );
  }
}
