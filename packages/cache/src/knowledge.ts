import { LRUCache } from 'lru-cache';
import type { FeedState, Versioned } from './authority.js';
import type { FeedStatus } from './model/state.js';

// Bounded by count through maxSize rather than max: lru-cache preallocates `max` slots, which would make every
// cache cost milliseconds to create.
const one = (): number => 1;

/** An entry of the in-process tier. The value is deeply frozen; the entry itself is never changed. */
export interface MemEntry {
  readonly value: unknown;
  /** Stamp of the stored value it copies (equal stamps: same value). */
  readonly stamp: number;
  /** Version of the key it was filled under. */
  readonly kv: number;
  readonly tags: readonly Versioned[] | undefined;
  /** Feeds and their epochs. */
  readonly feeds: readonly Versioned[] | undefined;
  /** Trust epoch it was stored in: entries of an older epoch are not served. */
  readonly epoch: number;
  readonly expiresAt: number;
  /** JSON size, counted against `maxBytes`. */
  readonly size: number;
}

/**
 * What this process knows of versions it does not own: tag versions and feed epochs as last heard (from its own
 * changes, the bus, or Redis answers), and the trust epoch. Entries are checked against it on every hit, so a tag
 * invalidation or a feed gap costs O(1) however many entries depend on it, and a lost bus costs one increment.
 */
export class Knowledge {
  /** Advances whenever the in-process tier may have missed a change; older entries stop being served. */
  epoch = 1;
  /** Whether changes are being heard at all (always true without Redis; with Redis, while the bus is subscribed). */
  trusted: boolean;
  /** Tag versions; a forgotten tag invalidates the entries that depend on it (they compare unequal). */
  readonly tags: LRUCache<string, number>;
  /**
   * Feed epochs and until when (local clock) each feed is known to be covered; `changed` is the value of
   * {@link depChanges} right after this process last changed the feed's coverage itself (see {@link feedChanged}).
   */
  readonly feeds = new Map<string, { e: number; until: number; changed?: number }>();
  /** Counts tag and feed advances heard, so that a flight can tell cheaply whether any happened since it began. */
  depChanges = 0;
  /**
   * The feed epochs each value this cache stored (and so may return) was loaded under, by identity of the frozen
   * value: a change built on a value read from the cache can then say what it was based on (see `Cache.basisOf`).
   * Weak: forgetting a value forgets its basis.
   */
  readonly #bases = new WeakMap<object, readonly Versioned[]>();

  constructor(maxTags: number, trusted: boolean) {
    this.tags = new LRUCache({ maxSize: maxTags, sizeCalculation: one });
    this.trusted = trusted;
  }

  /** Whether an entry's tags and feeds are still current (its epoch and expiry are checked by the caller). */
  depsValid(entry: MemEntry, now: number): boolean {
    const tags = entry.tags;
    if (tags !== undefined) for (const [tag, v] of tags) if (this.tags.get(tag) !== v) return false;
    const feeds = entry.feeds;
    if (feeds !== undefined) {
      for (const [feed, e] of feeds) {
        const f = this.feeds.get(feed);
        if (f === undefined || f.e !== e || f.until <= now) return false;
      }
    }
    return true;
  }

  /** A feed's epoch and coverage at `now`, as the coherence model reads them (a feed never heard of: not covered). */
  feedStatus(feed: string, now: number): FeedStatus {
    const f = this.feeds.get(feed);
    const coveredForMs = f === undefined ? 0 : Math.max(0, f.until - now);
    return { epoch: f?.e ?? 0, covered: coveredForMs > 0, coveredForMs };
  }

  /** Remembers the feed epochs a stored value was loaded under (objects only: nothing can be built on a primitive). */
  noteBasis(value: unknown, feeds: readonly (readonly [string, number, ...unknown[]])[]): void {
    if (typeof value === 'object' && value !== null)
      this.#bases.set(
        value,
        feeds.map(([f, e]): Versioned => [f, e]),
      );
  }

  /** The feed epochs a value this cache returned was loaded under, if it was stored by this cache. */
  basisOf(value: unknown): readonly Versioned[] | undefined {
    return typeof value === 'object' && value !== null ? this.#bases.get(value) : undefined;
  }

  /** Records a tag version heard; versions only move forward. */
  tagAdvanced(tag: string, version: number): void {
    const known = this.tags.get(tag);
    if (known === undefined || known < version) {
      this.tags.set(tag, version);
      this.depChanges++;
    }
  }

  /** Records a feed epoch heard; a new epoch's coverage is unknown until an answer tells it. */
  feedAdvanced(feed: string, epoch: number): void {
    const known = this.feeds.get(feed);
    if (known === undefined || known.e < epoch) {
      this.feeds.set(feed, { e: epoch, until: 0 });
      this.depChanges++;
    }
  }

  /**
   * This process changed the feed's coverage (a gap began or ended): its entries are not trusted until Redis answers,
   * and reads in flight that began before are not joined. Until Redis has recorded the change, the feed's epoch here
   * is still the old one, so without this mark a read beginning after coverage came back could share a source call
   * made during the gap.
   */
  feedChanged(feed: string): void {
    const known = this.feeds.get(feed);
    this.depChanges++;
    this.feeds.set(feed, { e: known?.e ?? 0, until: 0, changed: this.depChanges });
  }

  /** Whether this process changed the feed's coverage after a read that began at `depChanges` (epoch `e`) began. */
  changedSince(feed: string, e: number, depChanges: number): boolean {
    const known = this.feeds.get(feed);
    return known !== undefined && known.e === e && (known.changed ?? 0) > depChanges;
  }

  /** Whether versions a snapshot recorded are still the newest this process heard of. */
  current(
    tags: readonly (readonly [string, number])[],
    feeds: readonly (readonly [string, number, number])[],
  ): boolean {
    for (const [tag, v] of tags) {
      const known = this.tags.get(tag);
      if (known !== undefined && known > v) return false;
    }
    for (const [feed, e] of feeds) {
      const known = this.feeds.get(feed);
      if (known !== undefined && known.e > e) return false;
    }
    return true;
  }

  /**
   * Adopts the tag versions and feed states an answer carried, unless this process has already heard of newer ones;
   * returns false in that case (what the answer describes is already stale here).
   */
  adopt(tags: readonly Versioned[], feeds: readonly FeedState[], now: number): boolean {
    for (const [tag, v] of tags) {
      const known = this.tags.get(tag);
      if (known !== undefined && known > v) return false;
    }
    for (const [feed, e, coveredFor] of feeds) {
      const known = this.feeds.get(feed);
      if (coveredFor <= 0 || (known !== undefined && known.e > e)) return false;
    }
    for (const [tag, v] of tags) this.tagAdvanced(tag, v);
    for (const [feed, e, coveredFor] of feeds) {
      const known = this.feeds.get(feed);
      const until = now + coveredFor;
      // the same epoch keeps the mark of a coverage change this process made under it
      if (known === undefined || known.e < e) this.feeds.set(feed, { e, until });
      else if (known.until < until) this.feeds.set(feed, { ...known, until });
    }
    return true;
  }
}
