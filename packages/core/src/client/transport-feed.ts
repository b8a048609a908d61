/**
 * An {@link EventFeed} over one of `@twitchify/eventsub`'s transports (the WebSocket listener, a conduit shard): the
 * wanted set is handed to the transport, `setDesired` waits (bounded) until each new subscription is enabled or has
 * failed, and subscriptions Twitch refuses for good (400/403: a missing scope, not a moderator of that channel) are
 * dropped from the wanted set and reported, so the reads depending on them fall back to their TTL instead of retrying.
 */
import { type CoverageEvent, type EventSubNotification, type SubscriptionSpec, specKey } from '@twitchify/eventsub';
import { SubscriptionRefusedError } from '../errors.js';
import type { Clock, Logger } from '../http/environment.js';
import type { EventFeed } from './event-feed.js';
import type { PlannedSubscription } from './subscription-plan.js';

/** What every feed over Twitch's EventSub is given: who the app is and where Twitch is. */
export interface FeedEnvironment {
  clientId: string;
  wsUrl?: string | undefined;
  helixUrl?: string | undefined;
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  /** How long `setDesired` waits for new subscriptions to be enabled (default 10 s); they keep trying after. */
  settleMs?: number;
}

/** What a feed needs of a transport. */
export interface FeedTransport {
  /** Declares the whole wanted set. */
  set(specs: readonly SubscriptionSpec[]): Promise<void>;
  /** Stops wanting one subscription (it was refused for good). */
  forget(spec: SubscriptionSpec): Promise<void>;
  readonly coverage: { get(key: string): { coveredSince: number | null } | undefined };
  onCoverage(handler: (e: CoverageEvent) => void): () => void;
  onNotification(handler: (n: EventSubNotification) => void): () => void;
  onError(handler: (e: unknown) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A permanent refusal: retrying cannot help. */
const REFUSED = /answered (400|403)/;

/**
 * `always`: subscriptions the transport needs for itself whatever the app reads (a conduit's
 * `conduit.shard.disabled`); `settleMs`: how long `setDesired` waits for new subscriptions (default 10 s; they keep
 * trying after).
 */
export function feedOver(
  transport: FeedTransport,
  options: { settleMs?: number | undefined; always?: readonly SubscriptionSpec[] } = {},
): EventFeed {
  const refusedHandlers = new Set<(feed: string, reason: unknown) => void>();
  const settled = new Map<string, () => void>();
  transport.onCoverage((e: CoverageEvent) => {
    if (e.type === 'covered') settled.get(e.key)?.();
    if (e.type === 'uncovered' && e.reason === 'create-failed') {
      if (REFUSED.test(e.detail ?? '')) {
        void transport.forget(e.spec).catch(() => {});
        for (const h of refusedHandlers) h(e.key, new SubscriptionRefusedError(e.key, e.detail ?? 'refused'));
      }
      settled.get(e.key)?.();
    }
  });
  return {
    async setDesired(subscriptions: readonly PlannedSubscription[]) {
      // Wait for every wanted subscription not covered yet (new ones, and ones an earlier call is waiting for).
      const pending = subscriptions.filter((s) => (transport.coverage.get(specKey(s))?.coveredSince ?? null) === null);
      const waits = pending.map(
        (s) =>
          new Promise<void>((resolve) => {
            const key = specKey(s);
            const timer = setTimeout(done, options.settleMs ?? 10_000);
            const previous = settled.get(key);
            function done() {
              clearTimeout(timer);
              if (settled.get(key) === done) settled.delete(key);
              previous?.();
              resolve();
            }
            settled.set(key, done);
          }),
      );
      const specs = subscriptions.map((s) => ({ type: s.type, version: s.version, condition: s.condition }));
      await transport.set([...(options.always ?? []), ...specs]);
      await Promise.all(waits);
    },
    onNotification: (h) => transport.onNotification(h),
    onCoverage: (h) => transport.onCoverage(h),
    onRefused(h) {
      refusedHandlers.add(h);
      return () => refusedHandlers.delete(h);
    },
    onError: (h) => transport.onError(h),
    start: () => transport.start(),
    async close() {
      for (const done of [...settled.values()]) done();
      await transport.stop();
    },
  };
}
