/**
 * Where every transport hands a message: deduplication by message_id, decoding into the public union, and the
 * handlers. Share one receiver between transports to deduplicate across them.
 */
import { decodeBatch, decodeNotification } from './decode.js';
import { type Admission, MessageDeduper, type MessageDeduperOptions } from './dedupe.js';
import type { EventSubError } from './errors.js';
import type { EventSubEventMap } from './generated/events.js';
import { Listeners } from './listeners.js';
import { toSubscription } from './subscription.js';
import type {
  Clock,
  EventSubNotification,
  EventSubSubscription,
  KnownEventKey,
  Logger,
  NotificationMeta,
  Revocation,
  Unsubscribe,
} from './types.js';
import type { WireNotificationBody, WireSubscription } from './wire/frames.js';

/** Whether what can change about a subscription (status, cost, transport) is the same in both. */
function sameState(a: WireSubscription, b: WireSubscription): boolean {
  const x = a.transport;
  const y = b.transport;
  return (
    a.status === b.status &&
    a.cost === b.cost &&
    x.method === y.method &&
    x.session_id === y.session_id &&
    x.conduit_id === y.conduit_id &&
    x.callback === y.callback
  );
}

export interface ReceiverStats {
  delivered: number;
  duplicates: number;
  malformed: number;
  raw: number;
}

export interface NotificationReceiverOptions {
  clock?: Clock;
  logger?: Logger;
  /**
   * Message ids remembered for deduplication: at most `capacity` (default 10 000), each for `windowMs` (default 10
   * min); `whenFull` says whether a full set forgets its oldest id or refuses new messages.
   */
  dedupe?: Omit<MessageDeduperOptions, 'clock'>;
}

export class NotificationReceiver {
  readonly stats: ReceiverStats = { delivered: 0, duplicates: 0, malformed: 0, raw: 0 };
  readonly #all: Listeners<EventSubNotification>;
  readonly #byKey = new Map<string, Listeners<EventSubNotification>>();
  readonly #revocations: Listeners<Revocation>;
  readonly #errors: Listeners<EventSubError>;
  readonly #dedupe: MessageDeduper;
  readonly #logger: Logger;
  /**
   * The public form of each subscription seen, reused while what can change (status, cost, transport) is unchanged:
   * a subscription's id, type, version and condition never change. Bounded; cleared when full.
   */
  readonly #subscriptions = new Map<string, { wire: WireSubscription; public: EventSubSubscription; key: string }>();

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

  /**
   * Delivers a notification unless its id was seen: `'new'` when delivered, `'duplicate'` when dropped, `'full'` when
   * the id set refuses (nothing delivered; the sender should retry later).
   */
  receive(
    messageId: string,
    messageTimestamp: string,
    body: WireNotificationBody,
    receivedAt: number,
    via: NotificationMeta['via'],
  ): Admission {
    const admission = this.#dedupe.admit(messageId);
    if (admission !== 'new') {
      if (admission === 'duplicate') this.stats.duplicates++;
      return admission;
    }
    const subscription = body.subscription;
    const known = this.#subscription(subscription);
    const meta: NotificationMeta = { messageId, messageTimestamp, receivedAt, subscription: known.public, via };
    if (body.events !== undefined) {
      for (const n of decodeBatch(known.key, body.events, meta)) this.#deliver(n);
    } else {
      this.#deliver(decodeNotification(known.key, body.event ?? {}, meta));
    }
    return 'new';
  }

  #subscription(w: WireSubscription): { public: EventSubSubscription; key: string } {
    const hit = this.#subscriptions.get(w.id);
    if (hit && sameState(hit.wire, w)) return hit;
    if (this.#subscriptions.size >= 4096) this.#subscriptions.clear();
    const entry = { wire: w, public: toSubscription(w), key: `${w.type}@${w.version}` };
    this.#subscriptions.set(w.id, entry);
    return entry;
  }

  #deliver(n: EventSubNotification): void {
    this.stats.delivered++;
    if (n.kind === 'raw') this.stats.raw++;
    else if (n.kind === 'malformed') {
      this.stats.malformed++;
      this.#errors.emit(n.error);
    }
    this.#all.emit(n);
    this.#byKey.get(n.key)?.emit(n);
  }

  /** Delivers a revocation unless its id was seen. */
  revoked(messageId: string, subscription: WireSubscription, receivedAt: number): Admission {
    const admission = this.#dedupe.admit(messageId);
    if (admission !== 'new') return admission;
    this.#revocations.emit({
      subscription: toSubscription(subscription),
      reason: subscription.status,
      messageId,
      receivedAt,
    });
    return 'new';
  }

  /** Logs `error` (unless the caller has: `logged`) and gives it to the error listeners. */
  error(error: EventSubError, options?: { logged?: boolean }): void {
    if (options?.logged !== true) this.#logger.warn('eventsub error', { code: error.code, message: error.message });
    this.#errors.emit(error);
  }

  clear(): void {
    this.#all.clear();
    this.#byKey.clear();
    this.#revocations.clear();
    this.#errors.clear();
  }
}
