/**
 * What every EventSub transport offers (WebSocket listener, conduit shard, webhook handler): typed handlers with an
 * unsubscribe function, revocations, errors and the coverage signal. Subclasses fill `start` and `stop`.
 */

import type { CoverageEvent } from './coverage.js';
import { CoverageTracker } from './coverage.js';
import type { MessageDeduperOptions } from './dedupe.js';
import type { EventSubError } from './errors.js';
import type { EventSubEventMap } from './generated/events.js';
import { NotificationReceiver } from './receiver.js';
import {
  type Clock,
  type EventSubNotification,
  type KnownEventKey,
  type Logger,
  type NotificationMeta,
  type Revocation,
  silentLogger,
  systemClock,
  type Unsubscribe,
} from './types.js';

export interface TransportBaseOptions {
  clock?: Clock;
  logger?: Logger;
  /** Share a receiver between transports to deduplicate across them; default: one of its own. */
  receiver?: NotificationReceiver;
  dedupe?: Omit<MessageDeduperOptions, 'clock'>;
}

export abstract class EventSubTransportBase {
  readonly coverage: CoverageTracker;
  protected readonly receiver: NotificationReceiver;
  protected readonly clock: Clock;
  protected readonly logger: Logger;

  constructor(options: TransportBaseOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.receiver =
      options.receiver ??
      new NotificationReceiver({
        clock: this.clock,
        logger: this.logger,
        ...(options.dedupe ? { dedupe: options.dedupe } : {}),
      });
    this.coverage = new CoverageTracker(this.clock, this.logger);
  }

  /** Every notification: typed, raw (unknown type) or malformed. Each message id once. */
  onNotification(handler: (n: EventSubNotification) => void): Unsubscribe {
    return this.receiver.onNotification(handler);
  }

  /** Typed events of one `type@version`, camelCase. */
  on<K extends KnownEventKey>(
    key: K,
    handler: (event: EventSubEventMap[K], meta: NotificationMeta) => void,
  ): Unsubscribe {
    return this.receiver.on(key, handler);
  }

  onRevocation(handler: (r: Revocation) => void): Unsubscribe {
    return this.receiver.onRevocation(handler);
  }

  /** Frames that could not be read, decode failures, failed Helix calls; the transport keeps running. */
  onError(handler: (e: EventSubError) => void): Unsubscribe {
    return this.receiver.onError(handler);
  }

  onCoverage(handler: (e: CoverageEvent) => void): Unsubscribe {
    return this.coverage.onChange(handler);
  }

  /** Deliveries, duplicates dropped, raw and malformed counts. */
  get stats() {
    return { ...this.receiver.stats };
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
}
