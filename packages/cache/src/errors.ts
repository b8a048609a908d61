/**
 * Every error `@twitchify/cache` throws. Each has a `name`, a stable `code` and, where there is one, a `cause`.
 * The base class is branded with `Symbol.for('twitchify.error')` so that `@twitchify/core`'s `TwitchifyError`
 * recognises errors of this package with `instanceof` without this package importing core.
 */

const brand = Symbol.for('twitchify.error');

/** Stable codes of the errors of this package. */
export type CacheErrorCode =
  | 'TWITCHIFY_CACHE_INVALID_ARGUMENT'
  | 'TWITCHIFY_CACHE_INVALID_KEY'
  | 'TWITCHIFY_CACHE_VALUE_TOO_LARGE'
  | 'TWITCHIFY_CACHE_VALUE_NOT_SERIALIZABLE'
  | 'TWITCHIFY_CACHE_REDIS_UNAVAILABLE'
  | 'TWITCHIFY_CACHE_DECODE'
  | 'TWITCHIFY_CACHE_CLOSED';

/** Base of every error of `@twitchify/cache`. */
export class CacheError extends Error {
  /** Stable, documented code; match on it rather than on the message. */
  readonly code: CacheErrorCode;
  readonly [brand] = true;

  constructor(code: CacheErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CacheError';
    this.code = code;
  }
}

/** An option or argument is missing or malformed; `field` names it. */
export class CacheArgumentError extends CacheError {
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super('TWITCHIFY_CACHE_INVALID_ARGUMENT', `${field}: ${message}`, options);
    this.name = 'CacheArgumentError';
    this.field = field;
  }
}

/** A key, tag or feed name is not acceptable (empty, too long, or holds control characters). */
export class CacheKeyError extends CacheError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('TWITCHIFY_CACHE_INVALID_KEY', `${field}: ${message}`);
    this.name = 'CacheKeyError';
    this.field = field;
  }
}

/** A value's JSON is larger than `maxValueBytes`; it is not stored. */
export class CacheValueTooLargeError extends CacheError {
  readonly bytes: number;
  readonly limit: number;
  constructor(key: string, bytes: number, limit: number) {
    super('TWITCHIFY_CACHE_VALUE_TOO_LARGE', `value of ${key} is ${bytes} bytes of JSON, above maxValueBytes ${limit}`);
    this.name = 'CacheValueTooLargeError';
    this.bytes = bytes;
    this.limit = limit;
  }
}

/** A value cannot be represented as JSON (a function, a BigInt, a cycle, `undefined`). */
export class CacheValueNotSerializableError extends CacheError {
  constructor(key: string, options?: { cause?: unknown }) {
    super('TWITCHIFY_CACHE_VALUE_NOT_SERIALIZABLE', `value of ${key} is not JSON-serializable`, options);
    this.name = 'CacheValueNotSerializableError';
  }
}

/** Redis did not answer, answered an error, or the circuit breaker is open. Reads never surface it. */
export class CacheRedisUnavailableError extends CacheError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TWITCHIFY_CACHE_REDIS_UNAVAILABLE', message, options);
    this.name = 'CacheRedisUnavailableError';
  }
}

/** Something read from Redis did not decode (another version of the app, corruption); treated as a miss. */
export class CacheDecodeError extends CacheError {
  readonly key: string;
  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super('TWITCHIFY_CACHE_DECODE', `${key}: ${message}`, options);
    this.name = 'CacheDecodeError';
    this.key = key;
  }
}

/** The cache was closed; no further calls are accepted. */
export class CacheClosedError extends CacheError {
  constructor() {
    super('TWITCHIFY_CACHE_CLOSED', 'the cache is closed');
    this.name = 'CacheClosedError';
  }
}

/** Redacts the password of a Redis URL so that it can appear in a message or a log. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}
