/**
 * The Client's default {@link EventFeed}: `@twitchify/eventsub`'s WebSocket listener over the user's token (see
 * `feedOver` for what a feed does with refusals and waits).
 */

import { conditionKeys, createEventSubApi, EventSubWebSocketListener } from '@twitchify/eventsub';
import type { HelixClient } from '../helix/helix-client.js';
import type { EventFeed } from './event-feed.js';
import type { TypeInfo } from './subscription-plan.js';
import { type FeedEnvironment, feedOver } from './transport-feed.js';

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

export interface WebSocketFeedOptions extends FeedEnvironment {
  helix: HelixClient;
  token: () => Promise<string>;
}

export function createWebSocketFeed(options: WebSocketFeedOptions): EventFeed {
  const api = createEventSubApi({ clientId: options.clientId, token: options.token, baseUrl: options.helixUrl });
  const listener = new EventSubWebSocketListener({
    api,
    ...(options.wsUrl ? { url: options.wsUrl } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return feedOver(
    {
      set: (specs) => listener.set(specs),
      forget: (spec) => listener.remove(spec),
      coverage: listener.coverage,
      onCoverage: (h) => listener.onCoverage(h),
      onNotification: (h) => listener.onNotification(h),
      onError: (h) => listener.onError(h),
      start: () => listener.start(),
      stop: () => listener.stop(),
    },
    { settleMs: options.settleMs },
  );
}
