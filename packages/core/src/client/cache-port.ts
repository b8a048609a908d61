/**
 * What the Client needs of a cache: the part of `@twitchify/cache`'s `Cache` it calls. Kept as an interface so that
 * the Client is tested against the real cache and the seam stays narrow: the coherence model's keys, the feeds'
 * coverage, readiness, counters and closing.
 */
import type { CacheStats, CoherentKeys } from '@twitchify/cache';

export interface CachePort {
  /** Keys read and changed through the coherence model (see `Cache.keys`). */
  readonly keys: CoherentKeys;
  /** Tells the cache when a feed is covered (`started`), missed events (`gap`, open while `to` is absent), or ended. */
  readonly coverage: {
    started(feed: string, at?: number): Promise<void>;
    gap(feed: string, gap: { from: number; to?: number }): Promise<void>;
    stopped(feed: string): Promise<void>;
  };
  /** Resolves true once the cache's shared tier (if any) is connected, false after `timeoutMs`; never rejects. */
  ready?(timeoutMs?: number): Promise<boolean>;
  stats(): CacheStats;
  close(): Promise<void>;
}
