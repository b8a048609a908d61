/**
 * BentoCache as a Node user wires it for multi-tier caching: a memory L1, a Redis L2 and its Redis bus (which keeps
 * the L1s of several processes coherent), in front of raw Helix. Every read is `getOrSet` with the catalog's TTL
 * ceiling; every write through it and every EventSub event of a key deletes the key (the bus carries the delete to
 * the other processes), as its documentation's invalidation pattern does. Events come from `@twitchify/eventsub`'s
 * WebSocket listener, subscribed to the same feeds the Client would use; it knows nothing of coverage gaps (a user
 * of a plain cache does not revalidate after one), which the row still records so the checker can count them.
 */

import { createEventSubApi, EventSubWebSocketListener } from '@twitchify/eventsub';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis';
import { eventSig, feedsOf, type KeySpace, type Resource } from './catalog.js';
import { recordCoverage, recordEvent } from './instrument.js';
import type { Recorder } from './recorder.js';
import { type BenchSystem, cacheKey, rawHelix, type SystemTarget } from './systems.js';

/** The Client's TTL ceilings per resource (docs/consistency.md, the catalog), as the user would copy them. */
const TTL: Record<Resource, string> = {
  channel: '10m',
  user: '10m',
  stream: '5m',
  chat_settings: '10m',
  vips: '10m',
  moderators: '10m',
  bans: '5m',
  rewards: '10m',
};

export async function bento(
  t: SystemTarget,
  o: {
    redisUrl: string;
    /** Redis key and channel prefix of this run (deleted afterwards). */
    prefix: string;
    space: KeySpace;
    /** The keys this process reads (their feeds are subscribed). */
    keys: readonly string[];
    recorder: Recorder;
    loads: { count: number };
    clock: { now(): number };
  },
): Promise<BenchSystem> {
  const raw = rawHelix(t);
  const url = new URL(o.redisUrl);
  const connection = {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
  };
  const cache = new BentoCache({
    default: 'tiered',
    prefix: `${o.prefix}bento`,
    stores: {
      tiered: bentostore()
        .useL1Layer(memoryDriver({ maxSize: '50mb' }))
        .useL2Layer(redisDriver({ connection }))
        .useBus(redisBusDriver({ connection })),
    },
  });
  const listener = new EventSubWebSocketListener({
    api: createEventSubApi({ clientId: t.clientId, token: () => t.accessToken, baseUrl: t.helixUrl }),
    url: t.eventsubWsUrl,
    clock: o.clock,
  });
  const specs = feedsOf(o.keys, t.userId);
  for (const spec of specs) listener.add(spec);
  for (const type of new Set(specs.map((s) => `${s.type}@${s.version}`))) {
    listener.on(type as never, (event: unknown) => {
      const key = eventKey(type, event, o.space);
      if (key === undefined) return;
      // "received": once the delete has reached this process's tiers (and was published on the bus)
      void cache.delete({ key }).then(
        () => recordEvent(o.recorder, o.space, o.clock, type, event),
        () => {},
      );
    });
  }
  listener.onCoverage((e) => recordCoverage(o.recorder, o.space, e));
  await listener.start();
  // warm, as the Twitchify rows are: read every key once and wait (bounded) until every feed is covered
  await Promise.all(o.keys.map((k) => read(k).catch(() => null)));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && listener.coverage.snapshot().some((s) => s.coveredSince === null)) {
    await new Promise((r) => setTimeout(r, 50));
  }

  function read(key: string): Promise<string> {
    const colon = key.indexOf(':');
    const resource = key.slice(0, colon) as Resource;
    return cache.getOrSet<string>({
      key,
      ttl: TTL[resource],
      factory: () => {
        o.loads.count++;
        return raw.read(resource, key.slice(colon + 1), false);
      },
    });
  }

  return {
    name: 'BentoCache (memory L1 + Redis L2 + bus)',
    read: (resource, id) => read(cacheKey(resource, id)),
    async write(w) {
      await raw.write(w);
      await cache.delete({ key: cacheKey(w.resource, w.id) });
    },
    async close() {
      await listener.stop({ unsubscribe: true }).catch(() => {});
      await cache.disconnectAll();
      await raw.close();
    },
  };
}

/** The resource key an event changes (catalog.ts `eventSig`), if it is one of the row's. */
function eventKey(type: string, event: unknown, space: KeySpace): string | undefined {
  const e = eventSig(type, event as Record<string, unknown>);
  if (!e) return undefined;
  const k = space.indexOf(e.resource, e.id);
  return k === undefined ? undefined : space.keys[k];
}
