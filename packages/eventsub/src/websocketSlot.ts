/**
 * One WebSocket connection of a listener and the subscriptions assigned to it (at most 300). It subscribes right
 * after `session_welcome`, reconnects with backoff after an unplanned close and then recreates its subscriptions,
 * retries creates that failed for a passing reason (429, 5xx, no answer), and reports coverage for each of its
 * subscriptions. A create Twitch refuses for good (400, 403, 404) is not retried on that session: it stays uncovered
 * with reason `create-failed` and is tried once more only on the next new session.
 */
import type { EventSubApi } from './api.js';
import type { BackoffStrategy } from './backoff.js';
import { type ConnectionClose, type ConnectionOptions, EventSubConnection } from './connection.js';
import { describeClose, gaveUp, tellClosed } from './connectionClosed.js';
import type { CoverageTracker } from './coverage.js';
import { type EventSubError, isPermanentRefusal } from './errors.js';
import type { NotificationReceiver } from './receiver.js';
import type { WebSocketLike } from './socket.js';
import { keyOfSubscription } from './subscription.js';
import type { ReconcileTarget, SubscriptionManager } from './subscriptionManager.js';
import type { EventSubSubscription, Logger, SubscriptionSpec } from './types.js';
import type { WireNotificationMessage, WireRevocationMessage } from './wire/frames.js';

export interface SlotHost {
  api: EventSubApi;
  manager: SubscriptionManager;
  coverage: CoverageTracker;
  receiver: NotificationReceiver;
  logger: Logger;
  connection: Omit<ConnectionOptions, 'handlers'>;
  reconnectStrategy: BackoffStrategy;
  retryStrategy: BackoffStrategy;
  /** Session ids of every live connection of the listener (their subscriptions are not orphans). */
  liveSessions(): Set<string>;
  spec(key: string): SubscriptionSpec | undefined;
}

/** How long `stop()` waits for its sockets' closing handshakes before it resolves anyway. */
const closeWaitMs = 2_000;

/**
 * How long a create refused for good waits before it is reported as refused: Twitch answers 400 for a session that
 * has just died as for a bad request, and the socket's close may reach us a moment after that answer. A refusal on a
 * session that is gone by then is no refusal: the next session creates the subscription again. (Reported at once, a
 * socket drop racing a create made the Client stop depending on the feed for good.)
 */
const refusalConfirmMs = 1_000;

export class WebSocketSlot {
  readonly keys = new Set<string>();
  readonly active = new Map<string, EventSubSubscription>();
  /** Keys whose create Twitch refused for good on the current session: no retry until a new session. */
  readonly #refused = new Set<string>();
  readonly #host: SlotHost;
  #conn: EventSubConnection | undefined;
  #running = false;
  #reconnectAttempt = 0;
  #retryAttempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #settle: (() => void) | undefined;
  #settled: Promise<void> = Promise.resolve();
  /** Sockets opened by this slot that have not closed yet. */
  readonly #sockets = new Set<WebSocketLike>();
  /** Refusals waiting to be confirmed (see {@link refusalConfirmMs}). */
  readonly #confirming = new Set<NodeJS.Timeout>();

  constructor(host: SlotHost) {
    this.#host = host;
  }

  get sessionId(): string | undefined {
    return this.#conn?.status === 'connected' || this.#conn?.status === 'reconnecting'
      ? this.#conn.sessionId
      : undefined;
  }

  get status() {
    return this.#conn?.status ?? 'idle';
  }

  /** Connects when it has subscriptions; resolves after the first reconcile (or the first failure to connect). */
  start(): Promise<void> {
    this.#running = true;
    this.#settled = new Promise((resolve) => {
      this.#settle = resolve;
    });
    if (this.keys.size > 0) this.#connect();
    else this.#done();
    return this.#settled;
  }

  /**
   * Closes the connection and waits (at most {@link closeWaitMs}) for its socket to be closed: Twitch disables the
   * session's subscriptions when it sees the close, and a restart that follows must find them disabled (orphans),
   * not enabled (a live peer's). With `unsubscribe`, first deletes this slot's subscriptions on Twitch.
   */
  async stop(unsubscribe = false): Promise<void> {
    this.#running = false;
    if (unsubscribe) {
      const subs = [...this.active.values()];
      await Promise.all(
        subs.map((sub) =>
          this.#host.api.deleteSubscription(sub.id).catch((error: unknown) => {
            this.#host.logger.warn('eventsub delete failed', { id: sub.id, error });
          }),
        ),
      );
    }
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#retryTimer);
    for (const timer of this.#confirming) clearTimeout(timer);
    this.#confirming.clear();
    this.#conn?.close();
    this.#conn = undefined;
    const now = this.#host.connection.clock.now();
    for (const key of this.keys) this.#host.coverage.uncovered(key, now, 'stopped');
    this.active.clear();
    this.#done();
    await this.#socketsClosed();
  }

  /** Resolves when every socket this slot opened has closed, or after {@link closeWaitMs}. */
  async #socketsClosed(): Promise<void> {
    const open = [...this.#sockets].filter((ws) => ws.readyState !== 3); // 3: CLOSED
    this.#sockets.clear();
    if (open.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(open.map((ws) => new Promise<void>((resolve) => ws.addEventListener('close', () => resolve())))),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, closeWaitMs);
      }),
    ]);
    clearTimeout(timer);
  }

  #track(ws: WebSocketLike): WebSocketLike {
    this.#sockets.add(ws);
    ws.addEventListener('close', () => this.#sockets.delete(ws));
    return ws;
  }

  add(key: string): void {
    this.keys.add(key);
    this.#refused.delete(key);
    if (!this.#running) return;
    if (!this.#conn) this.#connect();
    else if (this.sessionId) void this.#createMissing();
  }

  async remove(key: string): Promise<void> {
    this.keys.delete(key);
    this.#refused.delete(key);
    const sub = this.active.get(key);
    this.active.delete(key);
    if (sub) {
      await this.#host.api.deleteSubscription(sub.id).catch((error: unknown) => {
        this.#host.logger.warn('eventsub delete failed', { id: sub.id, error });
      });
    }
    if (this.keys.size === 0 && this.#conn) {
      // An empty connection would be closed by Twitch with 4003 anyway.
      this.#conn.close();
      this.#conn = undefined;
    }
  }

  #done(): void {
    this.#settle?.();
    this.#settle = undefined;
  }

  #connect(): void {
    clearTimeout(this.#reconnectTimer);
    const factory = this.#host.connection.factory;
    const conn = new EventSubConnection({
      ...this.#host.connection,
      factory: (url) => this.#track(factory(url)),
      handlers: {
        welcome: (sessionId, handover) => this.#welcome(conn, sessionId, handover),
        message: (msg, at) => this.#message(msg, at),
        frameError: (error) => this.#host.receiver.error(error),
        close: (info) => this.#closed(conn, info),
      },
    });
    this.#conn = conn;
    conn.open();
  }

  #welcome(conn: EventSubConnection, sessionId: string, handover: boolean): void {
    if (conn !== this.#conn) return;
    this.#host.logger.info('eventsub session welcomed', { session: sessionId, handover });
    // A handover keeps the subscriptions (Twitch carries them over): coverage continues without a gap.
    if (handover) return;
    // A new session gets one more try at creates refused on the last (a 400 can mean that session had just died).
    this.#refused.clear();
    void this.#reconcile(conn, sessionId);
  }

  async #reconcile(conn: EventSubConnection, sessionId: string): Promise<void> {
    const current = () => this.#conn === conn && conn.sessionId === sessionId && this.#running;
    const desired = new Map<string, SubscriptionSpec>();
    for (const key of this.keys) {
      const spec = this.#host.spec(key);
      if (spec) desired.set(key, spec);
    }
    const target: ReconcileTarget = {
      transport: { method: 'websocket', sessionId },
      // Ours: this session's subscriptions, and the disabled ones of sessions no longer alive (earlier runs, dead
      // sockets). Twitch disables a session's subscriptions when its socket goes away (`websocket_disconnected`,
      // ...), so an enabled one of another session belongs to a live peer (another process or client on the same
      // user token) and is left alone. Live sessions are read when the list has arrived: a sibling welcomed
      // meanwhile is not mistaken for dead.
      owns: (s) =>
        s.transport.method === 'websocket' &&
        (s.transport.sessionId === sessionId ||
          (s.status !== 'enabled' && !this.#host.liveSessions().has(s.transport.sessionId ?? ''))),
      delivers: (s) => s.transport.sessionId === sessionId,
    };
    try {
      const result = await this.#host.manager.reconcile(desired, target, current);
      if (!current()) return;
      this.#reconnectAttempt = 0;
      const now = this.#host.connection.clock.now();
      for (const [key, sub] of result.active) {
        this.active.set(key, sub);
        this.#host.coverage.covered(key, now);
      }
      this.#failed(result.failed, now);
      this.#host.logger.info('eventsub reconciled', {
        session: sessionId,
        adopted: result.adopted,
        created: result.created,
        deleted: result.deleted,
        failed: result.failed.size,
      });
    } catch (error) {
      if (!current()) return;
      this.#host.receiver.error(error as EventSubError);
      this.#failed(new Map([...this.keys].map((k) => [k, error as EventSubError])), this.#host.connection.clock.now());
    } finally {
      this.#done();
    }
  }

  #failed(failed: Map<string, EventSubError>, now: number): void {
    if (failed.size === 0) {
      this.#retryAttempt = 0;
      return;
    }
    let retry = false;
    const refusals = new Map<string, EventSubError>();
    for (const [key, error] of failed) {
      if (isPermanentRefusal(error)) {
        // not retried on this session either way; reported once the session is known to have outlived the answer
        this.#refused.add(key);
        refusals.set(key, error);
        continue;
      }
      // The detail keeps the API error's "answered <status>" text: consumers tell refusals apart by it.
      this.#host.coverage.uncovered(key, now, 'create-failed', error.message);
      this.#host.receiver.error(error);
      retry = true;
    }
    if (refusals.size > 0) this.#confirmRefusals(refusals, now);
    if (!retry) return;
    const delay = this.#host.retryStrategy(++this.#retryAttempt);
    if (delay === null) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#createMissing(), delay);
  }

  /**
   * Reports creates refused for good on the current session once {@link refusalConfirmMs} has passed with the
   * session still alive; if it died meanwhile, the refusals were its death, and the next session creates them again.
   */
  #confirmRefusals(refusals: Map<string, EventSubError>, at: number): void {
    const conn = this.#conn;
    const timer = setTimeout(() => {
      this.#confirming.delete(timer);
      const alive = conn !== undefined && (conn.status === 'connected' || conn.status === 'reconnecting');
      if (!alive || this.#conn !== conn || !this.#running) return;
      for (const [key, error] of refusals) {
        // removed (or removed and added again) meanwhile: nothing to report
        if (!this.#refused.has(key) || !this.keys.has(key)) continue;
        this.#host.coverage.uncovered(key, at, 'create-failed', error.message);
        this.#host.receiver.error(error);
      }
    }, refusalConfirmMs);
    timer.unref?.();
    this.#confirming.add(timer);
  }

  /** Creates this slot's subscriptions that are not active, on the current session. */
  async #createMissing(): Promise<void> {
    const conn = this.#conn;
    const sessionId = this.sessionId;
    if (!conn || !sessionId || !this.#running) return;
    const target: ReconcileTarget = {
      transport: { method: 'websocket', sessionId },
      owns: (s) => s.transport.sessionId === sessionId,
      delivers: (s) => s.transport.sessionId === sessionId,
    };
    const failed = new Map<string, EventSubError>();
    for (const key of this.keys) {
      const spec = this.#host.spec(key);
      if (!spec || this.active.has(key) || this.#refused.has(key)) continue;
      try {
        const sub = await this.#host.manager.create(key, spec, target);
        if (this.#conn !== conn || conn.sessionId !== sessionId) return;
        this.active.set(key, sub);
        this.#host.coverage.covered(key);
      } catch (error) {
        failed.set(key, error as EventSubError);
      }
    }
    this.#failed(failed, this.#host.connection.clock.now());
  }

  #message(msg: WireNotificationMessage | WireRevocationMessage, at: number): void {
    const meta = msg.metadata;
    if (meta.message_type === 'notification') {
      this.#host.receiver.receive(
        meta.message_id,
        meta.message_timestamp,
        (msg as WireNotificationMessage).payload,
        at,
        'websocket',
      );
      return;
    }
    const sub = msg.payload.subscription;
    const key = keyOfSubscription(sub);
    if (this.active.get(key)?.id === sub.id) this.active.delete(key);
    this.#host.coverage.uncovered(key, at, 'revoked', sub.status);
    this.#host.receiver.revoked(meta.message_id, sub, at);
  }

  #closed(conn: EventSubConnection, info: ConnectionClose): void {
    if (conn !== this.#conn) return;
    this.#conn = undefined;
    this.active.clear();
    clearTimeout(this.#retryTimer);
    for (const key of this.keys)
      this.#host.coverage.uncovered(key, info.lastFrameAt, 'disconnected', describeClose(info));
    const reconnects = this.#running && this.keys.size > 0;
    const delay = reconnects ? this.#host.reconnectStrategy(++this.#reconnectAttempt) : null;
    tellClosed({
      logger: this.#host.logger,
      receiver: this.#host.receiver,
      what: 'socket',
      info,
      session: conn.sessionId,
      next:
        delay !== null
          ? { reconnectInMs: delay, attempt: this.#reconnectAttempt }
          : {
              notReconnecting: reconnects ? gaveUp(this.#reconnectAttempt) : 'nothing to listen to',
            },
    });
    this.#done();
    if (delay === null) return;
    this.#reconnectTimer = setTimeout(() => {
      if (this.#running) this.#connect();
    }, delay);
  }
}
