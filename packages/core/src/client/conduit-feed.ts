/**
 * An {@link EventFeed} over a conduit: each process running a Client joins the app's conduit as one shard, and
 * Twitch hands every notification to exactly one of them. With a shared Redis cache that is enough: the process that
 * receives an event records it in the cache, and every other process sees it through Redis. Conduits are managed
 * with an app access token (client credentials), so the Client needs its client secret.
 *
 * Each process subscribes to what its own reads and handlers need and never deletes what other processes want
 * (`manage: 'create'`). A shard of another process that goes away opens a coverage gap here too (what Twitch had
 * routed to it may be lost), so every process revalidates.
 */
import { createEventSubApi, EventSubConduitShard, specKey } from '@twitchify/eventsub';
import type { EventFeed } from './event-feed.js';
import { type FeedEnvironment, feedOver } from './transport-feed.js';

export interface ConduitFeedOptions extends FeedEnvironment {
  /** An app access token of the client (client credentials). */
  appToken: () => Promise<string>;
  /** The conduit to join; default the app's first conduit, created when it has none. */
  conduitId?: string | undefined;
}

export function createConduitFeed(options: ConduitFeedOptions): EventFeed {
  const api = createEventSubApi({ clientId: options.clientId, token: options.appToken, baseUrl: options.helixUrl });
  const shard = new EventSubConduitShard({
    api,
    manage: 'create',
    ...(options.conduitId ? { conduitId: options.conduitId } : {}),
    ...(options.wsUrl ? { url: options.wsUrl } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  let wanted: Parameters<EventSubConduitShard['set']>[0] = [];
  return feedOver(
    {
      set: (specs) => {
        wanted = specs;
        return shard.set(specs);
      },
      forget: (spec) => {
        wanted = wanted.filter((s) => specKey(s) !== specKey(spec));
        return shard.set(wanted);
      },
      coverage: shard.coverage,
      onCoverage: (h) => shard.onCoverage(h),
      onNotification: (h) => shard.onNotification(h),
      onError: (h) => shard.onError(h),
      start: () => shard.start(),
      stop: () => shard.stop(),
    },
    {
      settleMs: options.settleMs,
      // Another shard going away is a gap for this process too: it needs to hear of it.
      always: [{ type: 'conduit.shard.disabled', version: '1', condition: { client_id: options.clientId } }],
    },
  );
}
