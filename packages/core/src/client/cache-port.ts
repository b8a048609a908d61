/**
 * What the Client needs of a cache: the part of `@twitchify/cache`'s `Cache` it calls. Kept as an interface so that
 * the Client is tested against the real cache and the seam stays narrow (keys, tags, feeds, versions).
 */
import type { ApplyOutcome, CacheStats, Change, ReadOptions, WriteOptions } from '@twitchify/cache';

export interface CachePort {
  read<V>(key: string, options: ReadOptions<V>): Promise<V>;
  write<V>(key: string, value: V, options?: WriteOptions): Promise<void>;
  apply<V>(change: Change<V>): Promise<ApplyOutcome>;
  /** Tells the cache a feed is covered from now on (`started`/`resumed`), has a gap (`lost`), or ended (`stopped`). */
  coverage(feed: string, op: 'started' | 'resumed' | 'lost' | 'stopped'): Promise<void>;
  stats(): CacheStats;
  close(): Promise<void>;
}
