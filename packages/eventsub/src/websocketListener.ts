/**
 * EventSub over WebSocket for one user token: the app declares the subscriptions it wants; the listener spreads them
 * over up to 3 connections of up to 300 each (Twitch's limits), keeps them alive across handovers, drops and
 * restarts, and reports coverage. Subscriptions left by earlier runs are adopted or deleted, never duplicated.
 */
import type { EventSubApi } from './api.js';
import { type BackoffStrategy, exponentialBackoff } from './backoff.js';
import { EventSubCapacityError, EventSubOptionsError } from './errors.js';
import { defaultWebSocketFactory, type WebSocketFactory } from './socket.js';
import { SubscriptionManager } from './subscriptionManager.js';
import { EventSubTransportBase, type TransportBaseOptions } from './transport.js';
import { type EventSubSubscription, type SubscriptionSpec, specKey } from './types.js';
import { validateSpec } from './validateSpec.js';
import { WebSocketSlot } from './websocketSlot.js';

/** Options of `EventSubWebSocketListener`; every field but `api` has a default. */
export interface EventSubWebSocketListenerOptions extends TransportBaseOptions {
  /** Helix EventSub calls, authenticated with the user's token (WebSocket subscriptions need user tokens). */
  api: EventSubApi;
  /** Default `wss://eventsub.wss.twitch.tv/ws`; the emulator's `mock.urls.eventsubWs` in tests. */
  url?: string;
  /** Asked of Twitch, 10 to 600; default 30. Silence longer than this (plus slack) means the connection is lost. */
  keepaliveTimeoutSeconds?: number;
  webSocketFactory?: WebSocketFactory;
  /** Delay before reconnect attempt n after an unplanned close; null gives up. Default: jittered exponential. */
  reconnectStrategy?: BackoffStrategy;
  /** Delay before retrying failed creates; default jittered exponential from 1 s. */
  retryStrategy?: BackoffStrategy;
  /** Default 3 and 300, Twitch's limits per user token. */
  maxConnections?: number;
  subscriptionsPerConnection?: number;
  /** Frames longer than this (characters) are refused and reported; default 1 MiB. */
  maxFrameBytes?: number;
  /** Time allowed for session_welcome after connecting; default 10 s. */
  welcomeTimeoutMs?: number;
}

export class EventSubWebSocketListener extends EventSubTransportBase {
  readonly #specs = new Map<string, { spec: SubscriptionSpec; slot: WebSocketSlot }>();
  readonly #slots: WebSocketSlot[] = [];
  readonly #maxConnections: number;
  readonly #perConnection: number;
  readonly #makeSlot: () => WebSocketSlot;
  #running = false;

  constructor(options: EventSubWebSocketListenerOptions) {
    super(options);
    if (!options?.api) throw new EventSubOptionsError('api', 'is required');
    const keepalive = options.keepaliveTimeoutSeconds ?? 30;
    if (!Number.isInteger(keepalive) || keepalive < 10 || keepalive > 600) {
      throw new EventSubOptionsError('keepaliveTimeoutSeconds', 'must be an integer from 10 to 600');
    }
    this.#maxConnections = positive('maxConnections', options.maxConnections ?? 3);
    this.#perConnection = positive('subscriptionsPerConnection', options.subscriptionsPerConnection ?? 300);
    const url = options.url ?? 'wss://eventsub.wss.twitch.tv/ws';
    if (!/^wss?:\/\//.test(url)) throw new EventSubOptionsError('url', 'must be a ws:// or wss:// URL');
    const manager = new SubscriptionManager({ api: options.api, logger: this.logger });
    const host = {
      api: options.api,
      manager,
      coverage: this.coverage,
      receiver: this.receiver,
      logger: this.logger,
      connection: {
        url,
        keepaliveTimeoutSeconds: keepalive,
        factory: options.webSocketFactory ?? defaultWebSocketFactory,
        clock: this.clock,
        logger: this.logger,
        maxFrameBytes: positive('maxFrameBytes', options.maxFrameBytes ?? 1024 * 1024),
        welcomeTimeoutMs: positive('welcomeTimeoutMs', options.welcomeTimeoutMs ?? 10_000),
      },
      reconnectStrategy: options.reconnectStrategy ?? exponentialBackoff(),
      retryStrategy: options.retryStrategy ?? exponentialBackoff({ baseMs: 1000 }),
      liveSessions: () => new Set(this.#slots.map((s) => s.sessionId).filter((id): id is string => !!id)),
      spec: (key: string) => this.#specs.get(key)?.spec,
    };
    this.#makeSlot = () => new WebSocketSlot(host);
  }

  /** How many subscriptions fit: connections times subscriptions per connection. */
  get capacity(): number {
    return this.#maxConnections * this.#perConnection;
  }

  /**
   * Declares a wanted subscription. Throws `EventSubCapacityError` when it cannot fit, `EventSubOptionsError` when
   * the spec is invalid. Takes effect at once when running (a connection is opened if needed).
   */
  add(spec: SubscriptionSpec): void {
    validateSpec(spec);
    const key = specKey(spec);
    if (this.#specs.has(key)) return;
    if (this.#specs.size + 1 > this.capacity) throw new EventSubCapacityError(this.#specs.size + 1, this.capacity);
    let slot = this.#slots.find((s) => s.keys.size < this.#perConnection);
    if (!slot) {
      slot = this.#makeSlot();
      this.#slots.push(slot);
      if (this.#running) void slot.start();
    }
    this.#specs.set(key, { spec, slot });
    this.coverage.track(key, spec);
    slot.add(key);
  }

  /** Declares the whole wanted set: checks that it fits first, then adds and removes the difference. */
  async set(specs: readonly SubscriptionSpec[]): Promise<void> {
    for (const s of specs) validateSpec(s);
    const wanted = new Map(specs.map((s) => [specKey(s), s]));
    if (wanted.size > this.capacity) throw new EventSubCapacityError(wanted.size, this.capacity);
    await Promise.all([...this.#specs.keys()].filter((k) => !wanted.has(k)).map((k) => this.#removeKey(k)));
    for (const spec of wanted.values()) this.add(spec);
  }

  /** Stops wanting a subscription and deletes it on Twitch. */
  async remove(spec: SubscriptionSpec): Promise<void> {
    await this.#removeKey(specKey(spec));
  }

  /** Connects and reconciles; resolves once every connection has finished its first reconcile (or failed). */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await Promise.all(this.#slots.map((s) => s.start()));
  }

  /**
   * Closes every connection. Twitch disables their subscriptions and the next start deletes and recreates them;
   * with `unsubscribe: true` they are deleted first (a clean shutdown that leaves nothing behind).
   */
  async stop(options: { unsubscribe?: boolean } = {}): Promise<void> {
    this.#running = false;
    await Promise.all(this.#slots.map((s) => s.stop(options.unsubscribe ?? false)));
  }

  /** Subscriptions enabled on a live connection right now. */
  active(): EventSubSubscription[] {
    return this.#slots.flatMap((s) => [...s.active.values()]);
  }

  /** One entry per connection. */
  connections(): { sessionId: string | undefined; status: string; subscriptions: number; active: number }[] {
    return this.#slots.map((s) => ({
      sessionId: s.sessionId,
      status: s.status,
      subscriptions: s.keys.size,
      active: s.active.size,
    }));
  }

  async #removeKey(key: string): Promise<void> {
    const entry = this.#specs.get(key);
    if (!entry) return;
    this.#specs.delete(key);
    this.coverage.untrack(key);
    await entry.slot.remove(key);
  }
}

function positive(field: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new EventSubOptionsError(field, 'must be a positive number');
  return value;
}
