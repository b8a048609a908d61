import { z } from 'zod';
import { CacheArgumentError } from './errors.js';
import type { RedisClientLike } from './redis/client-like.js';
import type { Clock, Logger, ReadLevel } from './types.js';

/** Options of the Redis tier. */
export interface RedisTierOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. One of `url` or `client` is required. */
  url?: string;
  /**
   * An ioredis `Redis` or `Cluster` to use instead of a URL (for Cluster, Sentinel or custom TLS), typed by what the
   * cache calls on it ({@link RedisClientLike}) so that these types need no ioredis. The cache duplicates it for
   * its subscriber and never closes the one given. Give it `enableOfflineQueue: false` and a `commandTimeout` so
   * that a dead Redis fails calls at once instead of queueing them.
   */
  client?: RedisClientLike;
  /**
   * Prefix of every key and of the bus channel. All keys of one cache share the hash tag `{prefix}`, so they live in
   * one Cluster slot and every script is atomic on Cluster too. Default: `'twitchify:'`.
   */
  prefix?: string;
  /** How long a command may take before it counts as a failure (owned connections only). Default: 1000 ms. */
  commandTimeoutMs?: number;
  /** How long a process holds the right to fill a key before others may. Default: 3000 ms. */
  leaseMs?: number;
  /** How long a process waits for another's fill before asking the source itself. Default: 1000 ms. */
  leaseWaitMs?: number;
  /** How long a feed counts as covered after its holder last renewed it; renewed every third of it. Default: 6000. */
  coverageLeaseMs?: number;
  /** Versions, tag versions and pins are kept this long after their last change. Default: 7 days. */
  versionTtlMs?: number;
  /** Ids of applied changes are remembered this long to drop duplicates. Default: 10 minutes. */
  dedupeTtlMs?: number;
  /**
   * How often the bus sends itself a heartbeat, so that a stalled Redis or a half-open connection (which close
   * nothing and deliver nothing) is noticed and handled as a bus drop. `0` turns it off. Default: 250 ms.
   */
  heartbeatMs?: number;
  /**
   * How long the bus may hear nothing, its own heartbeat included, before it counts as down: the in-process tier then
   * stops being trusted until the subscriber has reconnected. Must exceed `heartbeatMs`. Default: 1000 ms.
   */
  heartbeatTimeoutMs?: number;
  /** Consecutive Redis failures that open the circuit breaker. Default: 3. */
  breakerFailures?: number;
  /** How long the breaker stays open before one call probes Redis again. Default: 1000 ms. */
  breakerCooldownMs?: number;
}

/** Options of {@link createCache}. Every field has a default. */
export interface CacheOptions {
  /**
   * The in-process tier, bounded by entries and by bytes (JSON size of the values). `false` turns it off (every read
   * goes to Redis). Default: `{ maxEntries: 10_000, maxBytes: 64 MiB }`.
   */
  memory?: { maxEntries?: number; maxBytes?: number } | false;
  /** The shared tier. Default: none (the in-process tier alone, coherent within this process). */
  redis?: RedisTierOptions;
  /**
   * Default read level. Default: `'fast'`, because a process always sees its own writes and the changes it applies
   * synchronously, and other processes' changes reach it within the bus delay, while an in-process hit costs a
   * fraction of a microsecond against a Redis round trip of tens; pass `level: 'strict'` where a read must reflect
   * what other processes completed before it.
   */
  readLevel?: ReadLevel;
  /** TTL of values when a call gives none. Default: 60 000 ms. */
  defaultTtlMs?: number;
  /** Pin window of writes when a call gives none. Default: 15 000 ms. */
  defaultPinMs?: number;
  /**
   * How long a write window (see `Cache.openWindow`) stays open when its write never ends it. Default: 15 000 ms
   * (longer than a request to the source takes, retries included).
   */
  defaultWindowOpenMs?: number;
  /**
   * How long an ended write window holds the changes ordered inside it when the write's own change does not arrive.
   * Default: 3 000 ms (the source announces changes within a second or so).
   */
  defaultWindowHoldMs?: number;
  /** Largest JSON accepted for one value; larger values are refused with `CacheValueTooLargeError`. Default: 1 MiB. */
  maxValueBytes?: number;
  /**
   * Checks a value read from Redis before it is used: `key` tells what the value should be (the cache knows nothing
   * of its callers' types; a caller that does checks it against its schema). A value refused (false, or a throw) is
   * treated like one that is not JSON: reported (`stats().redis.decodeErrors` and a warning), never served, and read
   * as a miss, so that a fill replaces it. Default: every JSON value is accepted.
   */
  validate?: (key: string, value: unknown) => boolean;
  /** Default: `Date`. */
  clock?: Clock;
  /**
   * Where the order positions of {@link Cache.keys} come from: the source's time as this process best knows it, in
   * milliseconds (a change's position is compared with the source's timestamps). Default: `clock`.
   */
  positions?: Clock;
  /** Default: silent. */
  logger?: Logger;
}

const positive = z.number().int().positive();
const nonNegative = z.number().int().nonnegative();

const redisSchema = z.object({
  url: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  client: z.custom<RedisClientLike>((v) => typeof v === 'object' && v !== null && 'duplicate' in v).optional(),
  prefix: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^{}]*$/, 'must not contain { or }')
    .default('twitchify:'),
  commandTimeoutMs: positive.default(1000),
  leaseMs: positive.default(3000),
  leaseWaitMs: nonNegative.default(1000),
  coverageLeaseMs: z.number().int().min(30).default(6000),
  versionTtlMs: positive.default(7 * 24 * 3600 * 1000),
  dedupeTtlMs: positive.default(10 * 60 * 1000),
  heartbeatMs: nonNegative.default(250),
  heartbeatTimeoutMs: positive.default(1000),
  breakerFailures: positive.default(3),
  breakerCooldownMs: positive.default(1000),
});

const optionsSchema = z.object({
  memory: z
    .union([z.literal(false), z.object({ maxEntries: positive.default(10_000), maxBytes: positive.default(64 << 20) })])
    .default({ maxEntries: 10_000, maxBytes: 64 << 20 }),
  redis: redisSchema
    .refine((r) => (r.url === undefined) !== (r.client === undefined), 'give exactly one of url or client')
    .refine((r) => r.heartbeatMs === 0 || r.heartbeatTimeoutMs > r.heartbeatMs, {
      message: 'must be longer than heartbeatMs',
      path: ['heartbeatTimeoutMs'],
    })
    .optional(),
  readLevel: z.enum(['fast', 'strict']).default('fast'),
  defaultTtlMs: positive.default(60_000),
  defaultPinMs: nonNegative.default(15_000),
  defaultWindowOpenMs: positive.default(15_000),
  defaultWindowHoldMs: positive.default(3_000),
  maxValueBytes: positive.default(1 << 20),
  validate: z.custom<(key: string, value: unknown) => boolean>((v) => typeof v === 'function').optional(),
  clock: z
    .custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function')
    .optional(),
  positions: z
    .custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function')
    .optional(),
  logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null).optional(),
});

/** Options with every default filled in. */
export type ResolvedOptions = z.output<typeof optionsSchema>;
/** Redis options with every default filled in. */
export type ResolvedRedisOptions = z.output<typeof redisSchema>;

/** Validates options, naming the first bad field in a {@link CacheArgumentError}. */
export function resolveOptions(options: CacheOptions | undefined): ResolvedOptions {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = `options.${issue?.path.join('.') ?? ''}`;
    throw new CacheArgumentError(field, issue?.message ?? 'invalid');
  }
  return parsed.data;
}

const silent = (): void => {};
/** The default logger: says nothing. */
export const silentLogger: Logger = { debug: silent, info: silent, warn: silent, error: silent };
