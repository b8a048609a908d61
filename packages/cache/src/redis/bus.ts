import type { Logger } from '../types.js';
import { type BusMessage, parseBusMessage } from '../wire/replies.js';
import type { RedisClientLike } from './client-like.js';

/** Status of the invalidation bus: only `subscribed` means every change made since is being heard. */
export type BusStatus = 'connecting' | 'subscribed' | 'down' | 'closed';

/** How the bus proves that it hears: its own heartbeat must come back within `timeoutMs`. */
export interface BusHeartbeat {
  /** The process's own heartbeat channel. */
  channel: string;
  /** Publishes one heartbeat (through the data connection); a failure only means this one is not heard. */
  publish(channel: string, message: string): Promise<unknown>;
  /** How often a heartbeat is sent. */
  everyMs: number;
  /** How long the bus may hear nothing before it counts as down. */
  timeoutMs: number;
}

/**
 * The invalidation bus: a subscriber connection on the cache's channel. Redis pub/sub keeps nothing for a subscriber
 * that is away, so the owner is told of every status change and must stop trusting what it holds whenever the status
 * leaves `subscribed`. The subscription is re-armed on every `ready` (a reconnect is a new connection with no
 * subscriptions), and messages are read as buffers so that no name is ever split or joined on a separator.
 *
 * A connection that looks up is not proof of hearing: a stalled Redis or a half-open socket delivers nothing and
 * closes nothing. So the bus sends itself a heartbeat through the data connection and counts as `down` (and
 * reconnects its subscriber) when nothing at all has arrived for `heartbeat.timeoutMs`. Time here is real time
 * (`performance.now`), not the cache's injected clock: it measures a connection. A late timer (a blocked event loop)
 * judges nothing: messages may be waiting unread in the socket.
 */
export class InvalidationBus {
  #status: BusStatus = 'connecting';
  #generation = 0;
  #lastHeard = performance.now();
  #lastTick = performance.now();
  #beat = 0;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #heartbeat: BusHeartbeat | undefined;
  readonly #sub: RedisClientLike;
  readonly #channel: string;
  readonly #onMessage: (message: BusMessage) => void;
  readonly #onMalformed: (raw: string) => void;
  readonly #onStatus: (status: BusStatus, previous: BusStatus) => void;
  readonly #logger: Logger;

  constructor(options: {
    subscriber: RedisClientLike;
    channel: string;
    logger: Logger;
    onMessage: (message: BusMessage) => void;
    onMalformed: (raw: string) => void;
    onStatus: (status: BusStatus, previous: BusStatus) => void;
    heartbeat?: BusHeartbeat;
  }) {
    this.#heartbeat = options.heartbeat;
    this.#sub = options.subscriber;
    this.#channel = options.channel;
    this.#logger = options.logger;
    this.#onMessage = options.onMessage;
    this.#onMalformed = options.onMalformed;
    this.#onStatus = options.onStatus;
    this.#sub.on('ready', this.#arm);
    this.#sub.on('close', this.#lost);
    this.#sub.on('error', this.#error);
    this.#sub.on('messageBuffer', this.#message);
    if (this.#sub.status === 'ready') this.#arm();
    if (this.#heartbeat !== undefined) {
      this.#timer = setInterval(this.#tick, this.#heartbeat.everyMs);
      this.#timer.unref();
    }
  }

  get status(): BusStatus {
    return this.#status;
  }

  /** Unsubscribes and closes the subscriber connection. */
  async close(): Promise<void> {
    this.#set('closed');
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#sub.off('ready', this.#arm);
    this.#sub.off('close', this.#lost);
    this.#sub.off('messageBuffer', this.#message);
    this.#sub.disconnect();
    // keep the error listener: a late socket error must not become an unhandled 'error' event
  }

  readonly #arm = (): void => {
    const generation = ++this.#generation;
    const channels = this.#heartbeat === undefined ? [this.#channel] : [this.#channel, this.#heartbeat.channel];
    this.#sub.subscribe(...channels).then(
      () => {
        if (generation !== this.#generation || this.#status === 'closed') return;
        this.#lastHeard = performance.now();
        this.#set('subscribed');
      },
      (err: unknown) => {
        this.#logger.warn('cache bus: subscribe failed', { error: String(err) });
        if (generation === this.#generation && this.#status !== 'closed') this.#sub.disconnect(true);
      },
    );
  };

  readonly #lost = (): void => {
    this.#generation++;
    if (this.#status !== 'closed') this.#set('down');
  };

  readonly #error = (err: Error): void => {
    this.#logger.debug('cache bus: connection error', { error: err.message });
  };

  readonly #message = (channel: Buffer, message: Buffer): void => {
    // Messages are taken in any state but closed: one may arrive before the subscribe promise settles, and acting on
    // an invalidation is always safe.
    if (this.#status === 'closed') return;
    this.#lastHeard = performance.now();
    if (channel.toString() !== this.#channel) return;
    const raw = message.toString();
    const parsed = parseBusMessage(raw);
    if (parsed === undefined) this.#onMalformed(raw);
    else this.#onMessage(parsed);
  };

  readonly #tick = (): void => {
    const beat = this.#heartbeat;
    if (beat === undefined || this.#status === 'closed') return;
    const now = performance.now();
    const late = now - this.#lastTick > beat.everyMs + beat.timeoutMs / 2;
    this.#lastTick = now;
    if (late) this.#lastHeard = now;
    if (this.#status !== 'subscribed') return;
    if (now - this.#lastHeard > beat.timeoutMs) {
      this.#logger.warn('cache bus: nothing heard, not even its own heartbeat; counting the bus as down', {
        silentMs: Math.round(now - this.#lastHeard),
      });
      this.#generation++;
      this.#set('down');
      this.#sub.disconnect(true);
      return;
    }
    beat.publish(beat.channel, String(++this.#beat)).catch((err: unknown) => {
      this.#logger.debug('cache bus: heartbeat not sent', { error: String(err) });
    });
  };

  #set(status: BusStatus): void {
    const previous = this.#status;
    if (previous === status || previous === 'closed') return;
    this.#status = status;
    this.#onStatus(status, previous);
  }
}
