/**
 * Where every transport hands a message: deduplication by message_id, decoding into the public union, and the
 * handlers. Share one receiver between transports to deduplicate across them.
 */
import { decodeNotification } from './decode.js';
import { MessageDeduper } from './dedupe.js';
import type { EventSubError } from './errors.js';
import type { EventSubEventMap } from './generated/events.js';
import { Listeners } from './listeners.js';
import { toSubscription } from './subscription.js';
import type {
  Clock,
  EventSubNotification,
  KnownEventKey,
  Logger,
  NotificationMeta,
  Revocation,
  Unsubscribe,
} from './types.js';
import type { WireSubscription } from './wire/frames.js';

export interface ReceiverStats {
  delivered: number;
  duplicates: number;
  malformed: number;
  raw: number;
}

export interface NotificationReceiverOptions {
  clock?: Clock;
  logger?: Logger;
  /** Message ids remembered for deduplication: at most `capacity`, for at most `windowMs` (default 10 000, 10 min). */
  dedupe?: { capacity?: number; windowMs?: number };
}

export class NotificationReceiver {
  readonly stats: ReceiverStats = { delivered: 0, duplicates: 0, malformed: 0, raw: 0 };
  readonly #all: Listeners<EventSubNotification>;
  readonly #byKey = new Map<string, Listeners<EventSubNotification>>();
  readonly #revocations: Listeners<Revocation>;
  readonly #errors: Listeners<EventSubError>;
  readonly #dedupe: MessageDeduper;
  readonly #logger: Logger;

  constructor(options: NotificationReceiverOptions = {}) {
    const logger = options.logger ?? { debug() {}, info() {}, warn() {}, error() {} };
    this.#logger = logger;
    this.#all = new Listeners('notification', logger);
    this.#revocations = new Listeners('revocation', logger);
    this.#errors = new Listeners('error', logger);
    this.#dedupe = new MessageDeduper({ ...options.dedupe, ...(options.clock ? { clock: options.clock } : {}) });
  }

  onNotification(handler: (n: EventSubNotification) => void): Unsubscribe {
    return this.#all.add(handler);
  }

  /** Typed events of one `type@version`. */
  on<K extends KnownEventKey>(
    key: K,
    handler: (event: EventSubEventMap[K], meta: NotificationMeta) => void,
  ): Unsubscribe {
    let set = this.#byKey.get(key);
    if (!set) {
      set = new Listeners(key, this.#logger);
      this.#byKey.set(key, set);
    }
    return set.add((n) => {
      if (n.kind === 'typed') handler(n.event as EventSubEventMap[K], n.meta);
    });
  }

  onRevocation(handler: (r: Revocation) => void): Unsubscribe {
    return this.#revocations.add(handler);
  }

  onError(handler: (e: EventSubError) => void): Unsubscribe {
    return this.#errors.add(handler);
  }

  /** Delivers a notification unless its id was seen; returns false for a duplicate. */
  receive(
    messageId: string,
    messageTimestamp: string,
    subscription: WireSubscription,
    event: Record<string, unknown>,
    receivedAt: number,
    via: NotificationMeta['via'],
  ): boolean {
    if (this.#dedupe.check(messageId)) {
      this.stats.duplicates++;
      return false;
    }
    const meta: NotificationMeta = {
      messageId,
      messageTimestamp,
      receivedAt,
      subscription: toSubscription(subscription),
      via,
    };
    const n = decodeNotification(subscription.type, subscription.version, event, meta);
    this.stats.delivered++;
    if (n.kind === 'raw') this.stats.raw++;
    else if (n.kind === 'malformed') {
      this.stats.malformed++;
      this.#errors.emit(n.error);
    }
    this.#all.emit(n);
    this.#byKey.get(n.key)?.emit(n);
    return true;
  }

  /** Delivers a revocation unless its id was seen. */
  revoked(messageId: string, subscription: WireSubscription, receivedAt: number): boolean {
    if (this.#dedupe.check(messageId)) return false;
    this.#revocations.emit({
      subscription: toSubscription(subscription),
      reason: subscription.status,
      messageId,
      receivedAt,
    });
    return true;
  }

  error(error: EventSubError): void {
    this.#logger.warn('eventsub error', { code: error.code, message: error.message });
    this.#errors.emit(error);
  }

  clear(): void {
    this.#all.clear();
    this.#byKey.clear();
    this.#revocations.clear();
    this.#errors.clear();
  }
}
