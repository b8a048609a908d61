import { createHash } from 'node:crypto';
import { CacheRedisUnavailableError } from '../errors.js';
import type { CircuitBreaker } from './breaker.js';
import type { RedisClientLike } from './client-like.js';
import { APPLY_KEY, APPLY_TAG, CLOSE_WINDOW, COVERAGE, FILL, OPEN_WINDOW, READ, RELEASE, WRITE } from './scripts.js';
import { COMMIT_STATE, READ_STATE } from './state-scripts.js';

/** A Lua script and its SHA1, for EVALSHA. */
export interface Script {
  lua: string;
  sha: string;
}
const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });

/** The scripts of `scripts.ts`, ready to call. */
export const SCRIPTS = {
  read: script(READ),
  fill: script(FILL),
  release: script(RELEASE),
  write: script(WRITE),
  applyKey: script(APPLY_KEY),
  applyTag: script(APPLY_TAG),
  coverage: script(COVERAGE),
  openWindow: script(OPEN_WINDOW),
  closeWindow: script(CLOSE_WINDOW),
  commitState: script(COMMIT_STATE),
  readState: script(READ_STATE),
};

/** Anything with zod's `safeParse` shape. */
interface Schema<T> {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown };
}

/**
 * Calls Redis safely: through the circuit breaker, failing at once when the connection is not ready (no offline
 * queue), loading scripts on NOSCRIPT, and parsing every reply before it is used. Every failure becomes a
 * `CacheRedisUnavailableError` and is reported.
 */
export class RedisCaller {
  readonly #client: RedisClientLike;
  readonly #breaker: CircuitBreaker;
  readonly #failure: (error: CacheRedisUnavailableError) => void;

  constructor(client: RedisClientLike, breaker: CircuitBreaker, failure: (error: CacheRedisUnavailableError) => void) {
    this.#client = client;
    this.#breaker = breaker;
    this.#failure = failure;
  }

  /** Runs a script by SHA, sending its source only when Redis does not know it yet. */
  run(s: Script, keys: string[], args: string[]): Promise<unknown> {
    return this.command(async () => {
      try {
        return await this.#client.evalsha(s.sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return await this.#client.eval(s.lua, keys.length, ...keys, ...args);
      }
    });
  }

  /** Runs one call to Redis through the breaker. */
  async command(call: () => Promise<unknown>): Promise<unknown> {
    if (!this.#breaker.admit()) throw new CacheRedisUnavailableError('Redis circuit breaker is open');
    if (this.#client.status !== 'ready') {
      this.#breaker.record(false);
      throw new CacheRedisUnavailableError(`Redis connection is ${this.#client.status}`);
    }
    try {
      const reply = await call();
      this.#breaker.record(true);
      return reply;
    } catch (cause) {
      this.#breaker.record(false);
      const error = new CacheRedisUnavailableError('Redis call failed', { cause });
      this.#failure(error);
      throw error;
    }
  }

  /** Parses a reply; one that does not match is a failure of Redis (another version of the app, a bug). */
  parse<T>(schema: Schema<T>, reply: unknown, name: string): T {
    const parsed = schema.safeParse(reply);
    if (parsed.success) return parsed.data;
    const error = new CacheRedisUnavailableError(`unexpected reply from Redis for ${name}`, { cause: parsed.error });
    this.#failure(error);
    throw error;
  }
}
