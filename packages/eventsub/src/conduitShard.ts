/**
 * A process's share of a conduit: one WebSocket session attached as one of the conduit's shards. Several processes
 * each attach their own shard of the same conduit and Twitch spreads the notifications so that each reaches exactly
 * one of them. The shard is re-attached after every reconnect; `conduit.shard.disabled` for our own shard re-attaches
 * too, and for another shard records a coverage gap (its events in flight may have been lost).
 */
import type { Conduit, EventSubApi } from './api.js';
import { type BackoffStrategy, exponentialBackoff } from './backoff.js';
import { type ConnectionClose, EventSubConnection } from './connection.js';
import { describeClose, gaveUp, tellClosed } from './connectionClosed.js';
import { EventSubApiError, type EventSubError, EventSubOptionsError } from './errors.js';
import { defaultWebSocketFactory, type WebSocketFactory } from './socket.js';
import { keyOfSubscription } from './subscription.js';
import { SubscriptionManager } from './subscriptionManager.js';
import { EventSubTransportBase, type TransportBaseOptions } from './transport.js';
import { type SubscriptionSpec, specKey } from './types.js';
import { validateSpec } from './validateSpec.js';
import type { WireNotificationMessage, WireRevocationMessage } from './wire/frames.js';

/** Options of `EventSubConduitShard`; every field but `api` has a default. */
export interface EventSubConduitShardOptions extends TransportBaseOptions {
  /** Helix EventSub calls with an app access token (conduits are managed with app tokens). */
  api: EventSubApi;
  /** The conduit to join; default the client's first conduit, created (with `shardCount` shards) when none exists. */
  conduitId?: string;
  /** Shards of a conduit this process creates; default 1. */
  shardCount?: number;
  /** The shard this process serves; default: the first shard not enabled, growing the conduit when all are. */
  shardId?: string;
  /** Subscriptions wanted on the conduit; tracked for coverage and, with `manage`, reconciled. */
  subscriptions?: readonly SubscriptionSpec[];
  /**
   * `true` (default): create missing and delete orphaned subscriptions of this conduit (give every process the same
   * set). `'create'`: create what this process wants and never delete what it does not (processes whose sets differ,
   * like Clients that subscribe to what their reads use). `false`: leave subscriptions alone.
   */
  manage?: boolean | 'create';
  url?: string;
  keepaliveTimeoutSeconds?: number;
  webSocketFactory?: WebSocketFactory;
  reconnectStrategy?: BackoffStrategy;
  maxFrameBytes?: number;
  welcomeTimeoutMs?: number;
}

export class EventSubConduitShard extends EventSubTransportBase {
  #conduitId: string | undefined;
  #shardId: string | undefined;
  readonly #o: EventSubConduitShardOptions;
  readonly #specs = new Map<string, SubscriptionSpec>();
  readonly #manager: SubscriptionManager;
  readonly #reconnect: BackoffStrategy;
  #conn: EventSubConnection | undefined;
  #running = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #ready: { resolve: () => void; reject: (e: unknown) => void } | undefined;

  constructor(options: EventSubConduitShardOptions) {
    super(options);
    if (!options?.api) throw new EventSubOptionsError('api', 'is required');
    const k = options.keepaliveTimeoutSeconds ?? 30;
    if (!Number.isInteger(k) || k < 10 || k > 600) {
      throw new EventSubOptionsError('keepaliveTimeoutSeconds', 'must be an integer from 10 to 600');
    }
    this.#o = options;
    this.#conduitId = options.conduitId;
    this.#shardId = options.shardId;
    this.#manager = new SubscriptionManager({ api: options.api, logger: this.logger });
    this.#reconnect = options.reconnectStrategy ?? exponentialBackoff();
    for (const spec of options.subscriptions ?? []) {
      validateSpec(spec);
      this.#specs.set(specKey(spec), spec);
      this.coverage.track(specKey(spec), spec);
    }
  }

  get conduitId(): string | undefined {
    return this.#conduitId;
  }

  get shardId(): string | undefined {
    return this.#shardId;
  }

  get sessionId(): string | undefined {
    return this.#conn?.sessionId;
  }

  /** Connects, joins the conduit as a shard and reconciles; rejects if the first attach fails. */
  start(): Promise<void> {
    if (this.#running) return Promise.resolve();
    this.#running = true;
    return new Promise((resolve, reject) => {
      this.#ready = { resolve, reject };
      this.#connect();
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#conn?.close();
    this.#conn = undefined;
    const now = this.clock.now();
    for (const key of this.#specs.keys()) this.coverage.uncovered(key, now, 'stopped');
    this.#ready?.resolve();
  }

  /**
   * Declares the subscriptions this process wants on the conduit: new ones are created (with `manage`) once the
   * shard is attached, and reported covered when they are enabled; ones no longer wanted stop being tracked (with
   * `manage: true`, the next reconcile deletes them).
   */
  async set(specs: readonly SubscriptionSpec[]): Promise<void> {
    for (const spec of specs) validateSpec(spec);
    const wanted = new Map(specs.map((spec) => [specKey(spec), spec] as const));
    for (const key of [...this.#specs.keys()]) {
      if (wanted.has(key)) continue;
      this.#specs.delete(key);
      this.coverage.untrack(key);
    }
    const added: string[] = [];
    for (const [key, spec] of wanted) {
      if (this.#specs.has(key)) continue;
      this.#specs.set(key, spec);
      this.coverage.track(key, spec);
      added.push(key);
    }
    // Attached already: bring the new ones in now (otherwise the next attach does).
    if (added.length === 0 || this.#attachedSession === undefined || this.#conn === undefined) return;
    const conn = this.#conn;
    if (this.#o.manage !== false) await this.#reconcile();
    if (this.#conn !== conn) return;
    const now = this.clock.now();
    for (const key of added) if (this.#specs.has(key) && !this.#failed.has(key)) this.coverage.covered(key, now);
  }

  /** Changes the conduit's shard count (shards beyond it are removed by Twitch). */
  async resize(shardCount: number): Promise<Conduit> {
    if (!this.#conduitId) throw new EventSubOptionsError('conduitId', 'not known before start()');
    return this.#o.api.updateConduit(this.#conduitId, shardCount);
  }

  #connect(): void {
    const conn = new EventSubConnection({
      url: this.#o.url ?? 'wss://eventsub.wss.twitch.tv/ws',
      keepaliveTimeoutSeconds: this.#o.keepaliveTimeoutSeconds ?? 30,
      factory: this.#o.webSocketFactory ?? defaultWebSocketFactory,
      clock: this.clock,
      logger: this.logger,
      maxFrameBytes: this.#o.maxFrameBytes ?? 1024 * 1024,
      welcomeTimeoutMs: this.#o.welcomeTimeoutMs ?? 10_000,
      handlers: {
        welcome: (sessionId, handover) => void this.#welcomed(conn, sessionId, handover),
        message: (msg, at) => this.#message(conn, msg, at),
        frameError: (e) => this.receiver.error(e),
        close: (info) => this.#closed(conn, info),
      },
    });
    this.#conn = conn;
    conn.open();
  }

  async #welcomed(conn: EventSubConnection, sessionId: string, handover: boolean): Promise<void> {
    // A handover that keeps the session id keeps the shard; a new id must be attached again.
    if (handover && this.#attachedSession === sessionId) return;
    try {
      await this.#attach(sessionId);
      if (this.#conn !== conn) return;
      this.#attempt = 0;
      if (this.#o.manage !== false) await this.#reconcile();
      const now = this.clock.now();
      for (const key of this.#specs.keys()) if (!this.#failed.has(key)) this.coverage.covered(key, now);
      this.#ready?.resolve();
      this.#ready = undefined;
    } catch (error) {
      this.receiver.error(error as EventSubError);
      if (this.#ready) {
        this.#ready.reject(error);
        this.#ready = undefined;
        void this.stop();
      }
    }
  }

  #attachedSession: string | undefined;

  async #attach(sessionId: string): Promise<void> {
    const api = this.#o.api;
    if (!this.#conduitId) {
      const existing = await api.listConduits();
      this.#conduitId = existing[0]?.id ?? (await api.createConduit(this.#o.shardCount ?? 1)).id;
    }
    const conduitId = this.#conduitId;
    if (!this.#shardId) {
      const shards = await api.listShards(conduitId);
      const free = shards.find((s) => s.status !== 'enabled');
      if (free) this.#shardId = free.id;
      else {
        const grown = await api.updateConduit(conduitId, shards.length + 1);
        this.#shardId = String(grown.shardCount - 1);
      }
    }
    const result = await api.updateShards(conduitId, [
      { id: this.#shardId, transport: { method: 'websocket', sessionId } },
    ]);
    const failure = result.errors[0];
    if (failure) throw new EventSubApiError(400, `shard ${this.#shardId} of conduit ${conduitId}: ${failure.message}`);
    this.#attachedSession = sessionId;
    this.logger.info('eventsub conduit shard attached', { conduitId, shardId: this.#shardId, session: sessionId });
  }

  async #reconcile(): Promise<void> {
    const conduitId = this.#conduitId as string;
    const onlyCreate = this.#o.manage === 'create';
    const wanted = new Map(this.#specs);
    const result = await this.#manager.reconcile(wanted, {
      transport: { method: 'conduit', conduitId },
      // With 'create', another process's subscriptions (not in this set) are not ours to delete.
      owns: (s) =>
        s.transport.method === 'conduit' &&
        s.transport.conduitId === conduitId &&
        (!onlyCreate || wanted.has(keyOfSubscription(s))),
      delivers: () => true,
    });
    this.#failed.clear();
    for (const [key, error] of result.failed) {
      this.#failed.add(key);
      this.coverage.uncovered(key, this.clock.now(), 'create-failed', error.message);
      this.receiver.error(error);
    }
  }

  /** Subscriptions whose create failed at the last reconcile (not covered until a later one succeeds). */
  readonly #failed = new Set<string>();

  #message(conn: EventSubConnection, msg: WireNotificationMessage | WireRevocationMessage, at: number): void {
    const meta = msg.metadata;
    if (meta.message_type === 'revocation') {
      const sub = msg.payload.subscription;
      this.coverage.uncovered(keyOfSubscription(sub), at, 'revoked', sub.status);
      this.receiver.revoked(meta.message_id, sub, at);
      return;
    }
    const payload = (msg as WireNotificationMessage).payload;
    const fresh = this.receiver.receive(meta.message_id, meta.message_timestamp, payload, at, 'conduit');
    if (fresh === 'new' && payload.subscription.type === 'conduit.shard.disabled' && payload.event) {
      this.#shardDisabled(conn, payload.event, at);
    }
  }

  #shardDisabled(conn: EventSubConnection, event: Record<string, unknown>, at: number): void {
    if (event.conduit_id !== this.#conduitId) return;
    if (event.shard_id === this.#shardId) {
      // Our shard was disabled while our socket lives (e.g. another session took it over): take it back.
      const sessionId = conn.sessionId;
      if (conn === this.#conn && sessionId) {
        this.#attach(sessionId).catch((e: unknown) => this.receiver.error(e as EventSubError));
      }
      return;
    }
    // Another process's shard went away: what Twitch had routed to it since its last keepalive may be lost.
    const t = event.transport as { disconnected_at?: unknown } | undefined;
    const disconnected = typeof t?.disconnected_at === 'string' ? Date.parse(t.disconnected_at) : Number.NaN;
    const window = (this.#o.keepaliveTimeoutSeconds ?? 30) * 1000;
    const start = Number.isFinite(disconnected) ? Math.min(disconnected, at) - window : at - window;
    for (const key of this.#specs.keys()) {
      this.coverage.pastGap(key, { start, end: at, reason: 'shard-lost', detail: `shard ${String(event.shard_id)}` });
    }
  }

  #closed(conn: EventSubConnection, info: ConnectionClose): void {
    if (conn !== this.#conn) return;
    this.#conn = undefined;
    this.#attachedSession = undefined;
    for (const key of this.#specs.keys()) {
      this.coverage.uncovered(key, info.lastFrameAt, 'disconnected', describeClose(info));
    }
    const delay = this.#running ? this.#reconnect(++this.#attempt) : null;
    tellClosed({
      logger: this.logger,
      receiver: this.receiver,
      what: 'conduit socket',
      info,
      session: conn.sessionId,
      next:
        delay !== null
          ? { reconnectInMs: delay, attempt: this.#attempt }
          : { notReconnecting: this.#running ? gaveUp(this.#attempt) : 'stopped' },
    });
    if (delay === null) return;
    this.#timer = setTimeout(() => {
      if (this.#running) this.#connect();
    }, delay);
  }
}
