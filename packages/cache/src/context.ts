import { setMaxListeners } from 'node:events';
import type { Authority, StoredEntry } from './authority.js';
import type { Counters } from './counters.js';
import { CacheArgumentError, CacheClosedError, CacheValueTooLargeError } from './errors.js';
import type { Knowledge } from './knowledge.js';
import type { MemoryTier } from './memory-tier.js';
import type { ResolvedOptions } from './options.js';
import { PendingChanges } from './pending.js';
import type { RedisAuthority } from './redis/redis-authority.js';
import type { Tracker, Trackers } from './trackers.js';
import type { Clock, Logger } from './types.js';
import { encodeValue } from './values.js';

/** What a tier answered (or a change stored), ready for the in-process tier: the authority's entry as it is. */
export type Fresh = StoredEntry;

/**
 * The state one cache's parts share: options, environment, the authority, the tiers, what the process knows, the
 * reads in flight and the counters. Internal: built by the `Cache` constructor, handed to its reader and writer.
 */
export class Context {
  readonly abort = new AbortController();
  closed = false;
  /** Invalidations Redis could not record yet (see {@link PendingChanges}). */
  readonly pending: PendingChanges;

  constructor(
    readonly o: ResolvedOptions,
    readonly clock: Clock,
    readonly logger: Logger,
    readonly know: Knowledge,
    readonly trackers: Trackers,
    readonly c: Counters,
    readonly mem: MemoryTier | undefined,
    readonly auth: Authority,
    readonly redis: RedisAuthority | undefined,
  ) {
    this.pending = new PendingChanges(logger);
    // Every load in flight gets this one signal and may listen on it until it ends: many listeners at once are its
    // normal state, not a leak, so Node's warning past 10 is off for it.
    setMaxListeners(0, this.abort.signal);
  }

  /** Throws `CacheClosedError` once the cache is closed. */
  open(): void {
    if (this.closed) throw new CacheClosedError();
  }

  /** Begins tracking a read or change of `key` (see {@link Trackers}). */
  begin(key: string): Tracker {
    return this.trackers.begin(key, this.know.epoch, this.know.depChanges);
  }

  /** Counts a fill refused as stale, on the tier that refused it. */
  refused(): void {
    if (this.redis !== undefined) this.c.redis.staleFillsRefused++;
    else this.c.memory.staleFillsRefused++;
  }

  ttl(ttlMs: number | undefined, field: string): number {
    if (ttlMs === undefined) return this.o.defaultTtlMs;
    if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new CacheArgumentError(field, 'must be a positive integer');
    return ttlMs;
  }

  at(at: unknown, field: string): number {
    if (typeof at !== 'number' || !Number.isFinite(at)) throw new CacheArgumentError(field, 'must be a finite number');
    return at;
  }

  /** Encodes a value (JSON, size-checked), counting oversized ones. */
  encode(key: string, value: unknown): string {
    try {
      return encodeValue(key, value, this.o.maxValueBytes);
    } catch (err) {
      if (err instanceof CacheValueTooLargeError) this.c.oversized++;
      throw err;
    }
  }
}
