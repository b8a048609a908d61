/**
 * `@twitchify/cache`: a coherent two-tier cache (in-process LRU and Redis) that never serves what it knows is stale.
 * It knows nothing of Twitch: keys, tags, versions and feeds.
 */
export { Cache, createCache } from './cache.js';
export type { Coverage } from './coverage.js';
export {
  CacheArgumentError,
  CacheClosedError,
  CacheDecodeError,
  CacheError,
  type CacheErrorCode,
  CacheKeyError,
  CacheRedisUnavailableError,
  CacheValueNotSerializableError,
  CacheValueTooLargeError,
} from './errors.js';
export { type CoherentKeys, type KeyReadOptions, NOT_KEPT, type PositionClock } from './model/keys.js';
export type { Op } from './model/ops.js';
export type { AnswerInput, ChangeInput, RecordOutcome, WriteInput } from './model/transitions.js';
export { MAX_NAME_LENGTH } from './names.js';
export type { CacheOptions, RedisTierOptions } from './options.js';
export type { RedisClientLike } from './redis/client-like.js';
export type {
  ApplyOutcome,
  BreakerState,
  CacheStats,
  Change,
  Clock,
  LoadInfo,
  Logger,
  ReadLevel,
  ReadOptions,
  TierStats,
  WindowOptions,
  WriteOptions,
} from './types.js';
export { sameState } from './values.js';
