/** Adapts `@twitchify/cache`'s `Cache` to the {@link CachePort} the Client uses. */
import type { Cache } from '@twitchify/cache';
import type { CachePort } from './cache-port.js';

export function adaptCache(cache: Cache): CachePort {
  return {
    read: (key, options) => cache.read(key, options),
    write: (key, value, options) => cache.write(key, value, options),
    apply: (change) => cache.apply(change),
    async coverage(feed, op) {
      const c = cache.coverage;
      if (op === 'started') await c.started(feed);
      else if (op === 'resumed') await c.resumed(feed);
      else if (op === 'lost') await c.lost(feed);
      else await c.stopped(feed);
    },
    stats: () => cache.stats(),
    close: () => cache.close(),
  };
}
