/**
 * The Client's default {@link EventFeed}: `@twitchify/eventsub`'s WebSocket listener over the user's token.
 * Subscriptions Twitch refuses for good (400/403: a missing scope, not a moderator of that channel) are dropped
 * from the wanted set and reported, so the reads depending on them fall back to their TTL instead of retrying.
 */

import {
  type CoverageEvent,
  conditionKeys,
  createEventSubApi,
  type EventSubNotification,
  EventSubWebSocketListener,
  specKey,
} from '@twitchify/eventsub';
import { SubscriptionRefusedError } from '../errors.js';
import type { HelixClient } from '../helix/helix-client.js';
import type { Clock, Logger } from '../http/environment.js';
import type { EventFeed } from './event-feed.js';
import type { PlannedSubscription, TypeInfo } from './subscription-plan.js';

/** The newest version and the condition keys of every subscription type the eventsub package knows. */
export function subscriptionTypes(): Map<string, TypeInfo> {
  const out = new Map<string, TypeInfo>();
  for (const [key, keys] of Object.entries(conditionKeys as Record<string, readonly string[]>)) {
    const at = key.indexOf('@');
    const type = key.slice(0, at);
    const version = key.slice(at + 1);
    const prev = out.get(type);
    if (!prev || rank(version) > rank(prev.version)) out.set(type, { version, conditionKeys: keys });
  }
  return out;
}

/** 'beta' sorts below numbered versions. */
const rank = (v: string) => (Number.isFinite(Number(v)) ? Number(v) : -1);

export interface WebSocketFeedOptions {
  clientId: string;
  helix: HelixClient;
  token: () => Promise<string>;
  wsUrl?: string | undefined;
  helixUrl?: string | undefined;
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  /** How long `setDesired` waits for new subscriptions to be enabled (default 10 s); they keep trying after. */
  settleMs?: number;
}

/** A permanent refusal: retrying cannot help. */
const REFUSED = /answered (400|403)/;

export function createWebSocketFeed(options: WebSocketFeedOptions): EventFeed {
  const api = createEventSubApi({ clientId: options.clientId, token: options.token, baseUrl: options.helixUrl });
  const listener = new EventSubWebSocketListener({
    api,
    ...(options.wsUrl ? { url: options.wsUrl } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const refusedHandlers = new Set<(feed: string, reason: unknown) => void>();
  const settled = new Map<string, () => void>();
  listener.onCoverage((e: CoverageEvent) => {
    if (e.type === 'covered') settled.get(e.key)?.();
    if (e.type === 'uncovered' && e.reason === 'create-failed') {
      if (REFUSED.test(e.detail ?? '')) {
        void listener.remove(e.spec).catch(() => {});
        for (const h of refusedHandlers) h(e.key, new SubscriptionRefusedError(e.key, e.detail ?? 'refused'));
      }
      settled.get(e.key)?.();
    }
  });
  return {
    async setDesired(subscriptions: readonly PlannedSubscription[]) {
      // Wait for every wanted subscription not covered yet (new ones, and ones an earlier call is waiting for).
      const pending = subscriptions.filter((s) => (listener.coverage.get(specKey(s))?.coveredSince ?? null) === null);
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
      await listener.set(subscriptions.map((s) => ({ type: s.type, version: s.version, condition: s.condition })));
      await Promise.all(waits);
    },
    onNotification: (h: (n: EventSubNotification) => void) => listener.onNotification(h),
    onCoverage: (h: (e: CoverageEvent) => void) => listener.onCoverage(h),
    onRefused(h) {
      refusedHandlers.add(h);
      return () => refusedHandlers.delete(h);
    },
    onError: (h) => listener.onError(h),
    start: () => listener.start(),
    async close() {
      for (const done of [...settled.values()]) done();
      await listener.stop();
    },
  };
}
