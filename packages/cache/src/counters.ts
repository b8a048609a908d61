import type { BreakerState, CacheStats, TierStats } from './types.js';

const tier = (): TierStats => ({ hits: 0, misses: 0, fills: 0, staleFillsRefused: 0 });

/** Mutable counters behind {@link CacheStats}; plain fields so that counting costs an increment. */
export class Counters {
  readonly memory = tier();
  readonly redis = { ...tier(), decodeErrors: 0, errors: 0 };
  readonly source = { loads: 0, errors: 0 };
  readonly pins = { held: 0, refusals: 0, merges: 0 };
  readonly changes = { applied: 0, duplicate: 0, ignored: 0, held: 0, settled: 0 };
  readonly bus = { messages: 0, drops: 0, malformed: 0 };
  invalidations = 0;
  epochBumps = 0;
  coverageBumps = 0;
  leaseWaits = 0;
  oversized = 0;

  /** A copy, so that callers can keep and compare snapshots. */
  snapshot(extra: {
    entries: number;
    bytes: number;
    redis: { breaker: BreakerState; connected: boolean } | undefined;
    connected: boolean;
  }): CacheStats {
    return {
      memory: { ...this.memory, entries: extra.entries, bytes: extra.bytes },
      redis: extra.redis === undefined ? undefined : { ...this.redis, ...extra.redis },
      source: { ...this.source },
      pins: { ...this.pins },
      invalidations: this.invalidations,
      changes: { ...this.changes },
      epochBumps: this.epochBumps,
      coverageBumps: this.coverageBumps,
      bus: { connected: extra.connected, ...this.bus },
      leaseWaits: this.leaseWaits,
      oversized: this.oversized,
    };
  }
}
