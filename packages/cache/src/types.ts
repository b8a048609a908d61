/** Public types of `@twitchify/cache`: what callers pass and get back. */

/**
 * How much a read trusts the in-process tier.
 * - `'fast'`: a valid in-process entry is served without a round trip. Within one process every invalidation,
 *   write and change is applied synchronously, so a process always reads its own writes and the changes it was
 *   told of; changes made by other processes arrive over the bus, so a fast read may lag them by the bus delay.
 * - `'strict'`: the entry is checked against the authoritative version in Redis first (one round trip), so the
 *   read reflects every invalidation, write and change that any process completed before it began.
 * Without Redis the two are the same.
 */
export type ReadLevel = 'fast' | 'strict';

/** Injectable clock; milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

/** Injectable logger; the cache builds no message when it has nothing to say. Default: silent. */
export type Logger = Record<'debug' | 'info' | 'warn' | 'error', LogMethod>;
type LogMethod = (message: string, fields?: Record<string, unknown>) => void;

/** What the cache tells a load about the key it loads. */
export interface LoadInfo {
  /**
   * The order position (`at`) of the newest write or change recorded for the key (by any process sharing the cache),
   * undefined when none gave one or the authority could not be asked. A state the caller knows from a change older
   * than this has been superseded, even if the caller did not hear of the newer change.
   */
  at: number | undefined;
  /**
   * The epoch of each of the read's feeds when the load began (-1: unknown, e.g. Redis unavailable). A value built
   * on the loaded state can be written or applied with `basedOn: info`: it is then stored only if every one of these
   * epochs is still current and covered (the pin and the order are recorded in any case), so that a state read during
   * a coverage gap is never stored as if read after it.
   */
  feeds?: readonly (readonly [feed: string, epoch: number])[];
}

/** Options of one {@link Cache.read}. */
export interface ReadOptions<V> {
  /**
   * Fetches the value from the source on a miss. Called at most once per key per process at a time (single flight),
   * and across processes sharing Redis at most once per lease. The signal aborts when the cache closes.
   */
  load: (signal: AbortSignal, info: LoadInfo) => Promise<V>;
  /** How long a filled value stays valid. Default: the cache's `defaultTtlMs`. */
  ttlMs?: number;
  /** Tags the value depends on: invalidating one of them invalidates the value. */
  tags?: readonly string[];
  /**
   * Feeds (sources of change notifications) that keep the value fresh. The value is cached only while every feed is
   * covered, and a gap in a feed invalidates everything filled under it before the gap.
   */
  feeds?: readonly string[];
  /** Default: the cache's `readLevel`. */
  level?: ReadLevel;
  /**
   * Whether a state loaded from the source agrees with a write pinned on the key (see {@link WriteOptions.pinMs}).
   * A disagreeing load inside the pin window is the source lagging: it is refused as stale and the pinned value is
   * returned. Default: equal canonical JSON.
   */
  agrees?: (loaded: V, pinned: V) => boolean;
  /**
   * How a loaded state and a pinned one combine when the pin is about some parts of the value only (its changes gave
   * a {@link WriteOptions.pinScope}): `merge(loaded, pinned, scope)` returns the pinned state for the parts named in
   * `scope` and the loaded one for the rest (`pinned` is a copy the function may keep). With it, a load that
   * disagrees with such a pin is not refused wholesale: the merged state is the answer, stored with the pin kept, so
   * that a change the pin is not about (one whose notification was lost, say) reaches the cache while the pin holds.
   * The source agrees with the pin (which then ends) when `agrees(loaded, merge(loaded, pinned, scope))`: merging
   * the pinned parts into the load changes nothing. Without it, or for a pin without scope, a disagreeing load is
   * refused as described at {@link agrees}.
   */
  merge?: (loaded: V, pinned: V, scope: readonly string[]) => V;
}

/** Options of one {@link Cache.write}. */
export interface WriteOptions {
  /** Tags of the written value. */
  tags?: readonly string[];
  /** Feeds that keep the written value fresh (as in {@link ReadOptions.feeds}); not stored while one is uncovered. */
  feeds?: readonly string[];
  /** How long the written value stays valid. Default: the cache's `defaultTtlMs`. */
  ttlMs?: number;
  /**
   * How long the write is held against a source that still serves the old state. During the window a load that
   * disagrees with it is refused; the window ends when a load agrees, a newer change arrives, or it runs out (the key
   * is then revalidated from the source). Default: the cache's `defaultPinMs`. 0: no pin.
   */
  pinMs?: number;
  /**
   * The parts of the value the write is about (names, validated like keys: the ids of the list members it changed,
   * say): the pin then holds only those parts against the source, for reads that give a
   * {@link ReadOptions.merge}. While a pin is active, the scopes of the pinned changes landing on the key accumulate,
   * each part held until its own change's window ends; a pinned change without scope holds the whole value again.
   * Default: the whole value.
   */
  pinScope?: readonly string[];
  /**
   * Order position of the write (a timestamp or a version), shared with `Change.at`: a write older than what the
   * key already reflects changes nothing (the newer state and its pin stand), and older changes applied later are
   * ignored.
   */
  at?: number;
  /**
   * The {@link LoadInfo} of the read the value was built on: the value is stored only if the feed epochs it was read
   * under are still current and covered; otherwise the version advances and the pin holds, but nothing is stored.
   */
  basedOn?: LoadInfo;
  /**
   * The write window this write ends (see {@link Cache.openWindow}): `to` is when the source answered, so that only
   * changes ordered in `(from, to]` stay held; they are held until the write's own change settles the order (see
   * `Change.settles`) or `holdMs` passes (default: the cache's `defaultWindowHoldMs`). The written value is kept
   * with the window, to recognise that change.
   */
  window?: { id: string; to: number; holdMs?: number };
}

/** Options of {@link Cache.openWindow}. */
export interface WindowOptions {
  /** Order position (as {@link WriteOptions.at}) of when the write is sent: changes ordered after it are held. */
  from: number;
  /**
   * How long the window may stay open without being ended by the write (its process died, say): after that, held
   * changes go through in their order. Default: the cache's `defaultWindowOpenMs`.
   */
  maxMs?: number;
}

/** A change pushed from outside (an event), applied by {@link Cache.apply}. */
export type Change<V = unknown> =
  | {
      id: string;
      at: number;
      key: string;
      value: V;
      tags?: readonly string[];
      /** Feeds that keep the value fresh; give the feed the change came from, so that a later gap revalidates it. */
      feeds?: readonly string[];
      ttlMs?: number;
      /**
       * Holds the change against a source that still serves the state before it, in every process, like a write's
       * pin ({@link WriteOptions.pinMs}); for changes that carry the new state. Default 0: no pin.
       */
      pinMs?: number;
      /** As {@link WriteOptions.pinScope}: the parts of the value the change is about. Default: the whole value. */
      pinScope?: readonly string[];
      /** As {@link WriteOptions.basedOn}: stored only if the feed epochs the value was built under still hold. */
      basedOn?: LoadInfo;
      /** See the `commutes` of the patch form. */
      commutes?: boolean;
      /** See the `settles` of the patch form. */
      settles?: (written: V) => boolean;
    }
  | {
      id: string;
      at: number;
      key: string;
      patch: (old: V) => V;
      ttlMs?: number;
      pinMs?: number;
      /** As {@link WriteOptions.pinScope}. */
      pinScope?: readonly string[];
      /**
       * The change commutes with the key's other changes (it changes one member of a list, say): it is applied
       * whatever the key's order position (`at`), and does not move it. The caller orders changes of one member.
       */
      commutes?: boolean;
      /**
       * Whether this change is the source's own record of a write whose window is open on the key (see
       * {@link Cache.openWindow}), given the value written: such a change is not held by that window, and applying
       * it settles the window (the write's place in the order is then known). Without it, a change ordered inside
       * an open window is held until the window settles or runs out.
       */
      settles?: (written: V) => boolean;
    }
  | { id: string; at: number; key: string; invalidate: true }
  | { id: string; at: number; tag: string; invalidate: true };

/**
 * What {@link Cache.apply} did: `'applied'`; `'duplicate'` (this id was applied before: nothing changed);
 * `'ignored'` (older than what the key or tag already reflects: nothing changed); `'held'` (ordered inside a write
 * window whose write's place in the order is not known yet: nothing changed, nothing was recorded; apply it again
 * once {@link Cache.windowsSettled} resolves).
 */
export type ApplyOutcome = 'applied' | 'duplicate' | 'ignored' | 'held';

/** Counters of one tier. */
export interface TierStats {
  /** Reads answered by this tier. */
  hits: number;
  /** Reads this tier could not answer (absent, expired or no longer valid). */
  misses: number;
  /** Values stored into this tier. */
  fills: number;
  /** Fills refused because an invalidation, change or pinned write happened since they started. */
  staleFillsRefused: number;
}

/** Counters, read with {@link Cache.stats}. All are totals since the cache was created. */
export interface CacheStats {
  memory: TierStats & { entries: number; bytes: number };
  /** Redis tier: also values that did not decode, failed calls, the breaker, and whether the connection is ready. */
  redis: (TierStats & { decodeErrors: number; errors: number; breaker: BreakerState; connected: boolean }) | undefined;
  source: { loads: number; errors: number };
  /**
   * Writes pinned, fills refused because they disagreed with a pin, and fills that disagreed with a pin about some
   * parts only and were merged with it (see {@link ReadOptions.merge}).
   */
  pins: { held: number; refusals: number; merges: number };
  /** Invalidations made by this process (keys and tags, including writes and applied changes). */
  invalidations: number;
  /** Changes given to `apply`, by outcome, and write windows settled by a write's own change. */
  changes: { applied: number; duplicate: number; ignored: number; held: number; settled: number };
  /** Times the in-process tier stopped trusting everything it held (bus drop, reconnect, Redis failure). */
  epochBumps: number;
  /** Feed epochs advanced by this process (coverage started, gap, stopped). */
  coverageBumps: number;
  /**
   * Invalidation bus: whether it is subscribed now (always true without Redis), messages received from other
   * processes, connection drops, messages that did not decode.
   */
  bus: { connected: boolean; messages: number; drops: number; malformed: number };
  /** Cross-process leases: fills that waited for another process's fill. */
  leaseWaits: number;
  /** Values refused because their JSON exceeds `maxValueBytes`. */
  oversized: number;
}

/** State of the circuit breaker in front of Redis. */
export type BreakerState = 'closed' | 'open' | 'half-open';
