import { LRUCache } from 'lru-cache';
import type { Versioned } from './authority.js';
import type { Fresh } from './context.js';
import type { Counters } from './counters.js';
import type { Knowledge, MemEntry } from './knowledge.js';
import { type Tracker, Trackers } from './trackers.js';
import type { Clock, Logger } from './types.js';
import { deepFreeze } from './values.js';

/**
 * The in-process tier: an lru-cache bounded by entries and by bytes (JSON size), holding deeply frozen values. It
 * stores what a tier answered only if this process heard of nothing newer while the answer was in flight, and it
 * serves an entry only while its epoch, expiry, tag versions and feed epochs are all current.
 */
export class MemoryTier {
  readonly lru: LRUCache<string, MemEntry>;
  readonly #know: Knowledge;
  readonly #c: Counters;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(
    limits: { maxEntries: number; maxBytes: number },
    know: Knowledge,
    c: Counters,
    clock: Clock,
    logger: Logger,
  ) {
    this.lru = new LRUCache<string, MemEntry>({
      max: limits.maxEntries,
      maxSize: limits.maxBytes,
      sizeCalculation: (e) => e.size,
    });
    this.#know = know;
    this.#c = c;
    this.#clock = clock;
    this.#logger = logger;
  }

  /** Whether an entry may be served now. */
  valid(e: MemEntry, now: number): boolean {
    return (
      e.epoch === this.#know.epoch &&
      e.expiresAt > now &&
      ((e.tags === undefined && e.feeds === undefined) || this.#know.depsValid(e, now))
    );
  }

  /** Stores what a tier answered, unless the process heard of anything newer while the answer was in flight. */
  store(tracker: Tracker, key: string, fresh: Fresh): void {
    const know = this.#know;
    const now = this.#clock.now();
    if (!know.trusted || Trackers.stale(tracker, fresh.kv, know.epoch) || !know.adopt(fresh.tags, fresh.feeds, now)) {
      this.#c.memory.staleFillsRefused++;
      return;
    }
    const prior = this.lru.peek(key);
    if (prior !== undefined && prior.kv > fresh.kv && prior.epoch === know.epoch) return;
    const value = deepFreeze(fresh.value);
    know.noteBasis(value, fresh.feeds);
    this.lru.set(key, {
      value,
      stamp: fresh.stamp,
      kv: fresh.kv,
      tags: fresh.tags.length === 0 ? undefined : fresh.tags,
      feeds: fresh.feeds.length === 0 ? undefined : fresh.feeds.map(([f, e]): Versioned => [f, e]),
      epoch: know.epoch,
      expiresAt: now + fresh.ttlMs,
      size: Math.max(1, fresh.bytes),
    });
    this.#c.memory.fills++;
  }

  /**
   * An answer from Redis showed the key at version `kv`: an entry filled under an older version is outdated even if
   * the bus has not said so yet (a later fast read must not go back in time after this read).
   */
  observed(key: string, kv: number): void {
    const e = this.lru.peek(key);
    if (e !== undefined && e.kv < kv) this.lru.delete(key);
  }

  /**
   * The key advanced to `version`. Any version but the entry's own means it is outdated: a late message of an older
   * version costs a refill, and after a Redis flush (versions restart from 1) nothing older survives.
   */
  keyChanged(key: string, version: number): void {
    const e = this.lru.peek(key);
    if (e !== undefined && e.kv !== version) {
      this.lru.delete(key);
      this.#logger.debug('cache: entry dropped', { key, version });
    }
  }
}
