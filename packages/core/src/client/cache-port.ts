/**
 * What the Client needs of a cache: the part of `@twitchify/cache`'s `Cache` it calls. Kept as an interface so that
 * the Client is tested against the real cache and the seam stays narrow (keys, tags, feeds, versions).
 */
import type {
  ApplyOutcome,
  CacheStats,
  Change,
  CoherentKeys,
  LoadInfo,
  ReadOptions,
  WindowOptions,
  WriteOptions,
} from '@twitchify/cache';

export interface CachePort {
  /** Keys read and changed through the coherence model (see `Cache.keys`). */
  readonly keys: CoherentKeys;
  read<V>(key: string, options: ReadOptions<V>): Promise<V>;
  write<V>(key: string, value: V, options?: WriteOptions): Promise<void>;
  apply<V>(change: Change<V>): Promise<ApplyOutcome>;
  /** Opens a write window on a key before a write is sent (see `Cache.openWindow`); resolves with its id. */
  openWindow(key: string, options: WindowOptions): Promise<string>;
  /** Closes a write window whose write failed or wrote nothing through. */
  closeWindow(key: string, id: string): Promise<void>;
  /** Resolves when a change answered `'held'` may be applied again. */
  windowsSettled(key: string): Promise<void>;
  /** Invalidates a key or a tag now (in every process sharing the cache). */
  invalidate(target: { key: string } | { tag: string }): Promise<void>;
  /** Tells the cache when a feed is covered (`started`), missed events (`gap`, open while `to` is absent), or ended. */
  readonly coverage: {
    started(feed: string, at?: number): Promise<void>;
    gap(feed: string, gap: { from: number; to?: number }): Promise<void>;
    stopped(feed: string): Promise<void>;
  };
  /** The feed epochs a value the cache returned was stored under (for `basedOn`), if the cache stored it. */
  basisOf?(value: unknown): LoadInfo | undefined;
  /** Resolves true once the cache's shared tier (if any) is connected, false after `timeoutMs`; never rejects. */
  ready?(timeoutMs?: number): Promise<boolean>;
  stats(): CacheStats;
  close(): Promise<void>;
}
