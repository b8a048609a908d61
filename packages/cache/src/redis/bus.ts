import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../types.js';
import { type BusMessage, parseBusMessage } from '../wire/replies.js';

/** Status of the invalidation bus: only `subscribed` means every change made since is being heard. */
export type BusStatus = 'connecting' | 'subscribed' | 'down' | 'closed';

/**
 * The invalidation bus: a subscriber connection on the cache's channel. Redis pub/sub keeps nothing for a subscriber
 * that is away, so the owner is told of every status change and must stop trusting what it holds whenever the status
 * leaves `subscribed`. The subscription is re-armed on every `ready` (a reconnect is a new connection with no
 * subscriptions), and messages are read as buffers so that no name is ever split or joined on a separator.
 */
export class InvalidationBus {
  #status: BusStatus = 'connecting';
  #generation = 0;
  readonly #sub: Redis | Cluster;
  readonly #channel: string;
  readonly #onMessage: (message: BusMessage) => void;
  readonly #onMalformed: (raw: string) => void;
  readonly #onStatus: (status: BusStatus, previous: BusStatus) => void;
  readonly #logger: Logger;

  constructor(options: {
    subscriber: Redis | Cluster;
    channel: string;
    logger: Logger;
    onMessage: (message: BusMessage) => void;
    onMalformed: (raw: string) => void;
    onStatus: (status: BusStatus, previous: BusStatus) => void;
  }) {
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
  }

  get status(): BusStatus {
    return this.#status;
  }

  /** Unsubscribes and closes the subscriber connection. */
  async close(): Promise<void> {
    this.#set('closed');
    this.#sub.off('ready', this.#arm);
    this.#sub.off('close', this.#lost);
    this.#sub.off('messageBuffer', this.#message);
    this.#sub.disconnect();
    // keep the error listener: a late socket error must not become an unhandled 'error' event
  }

  readonly #arm = (): void => {
    const generation = ++this.#generation;
    this.#sub.subscribe(this.#channel).then(
      () => {
        if (generation === this.#generation && this.#status !== 'closed') this.#set('subscribed');
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
    if (this.#status === 'closed' || channel.toString() !== this.#channel) return;
    const raw = message.toString();
    const parsed = parseBusMessage(raw);
    if (parsed === undefined) this.#onMalformed(raw);
    else this.#onMessage(parsed);
  };

  #set(status: BusStatus): void {
    const previous = this.#status;
    if (previous === status || previous === 'closed') return;
    this.#status = status;
    this.#onStatus(status, previous);
  }
}
