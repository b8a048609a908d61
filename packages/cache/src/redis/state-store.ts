import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { CacheDecodeError, CacheRedisUnavailableError } from '../errors.js';
import { EMPTY, type KeyState, stateSchema } from '../model/state.js';
import type { StateStore } from '../model/store.js';
import type { Step } from '../model/transitions.js';
import { type RedisCaller, SCRIPTS } from './caller.js';

const stateReply = z.tuple([z.string().nullable(), z.string().nullable()]);
const commitReply = z.union([z.literal(0), z.literal(1)]);

/** How many times a transition runs again after losing a race before the update fails. */
const MAX_ATTEMPTS = 50;

/**
 * Key states in Redis, shared by every process on the prefix: read with their version, changed by running the
 * transition here and committing the result only if the version has not moved (else again, on the newer state).
 * Every commit publishes `s|<version>|<origin>|<key>` on the state channel. A stored state that does not pass the
 * schema is reported and treated as unknown, never used.
 */
export class RedisStateStore implements StateStore {
  readonly #client: Redis | Cluster;
  readonly #call: RedisCaller;
  readonly #base: string;
  readonly #origin: string;
  readonly #ttlMs: number;
  readonly #decodeError: (error: CacheDecodeError) => void;

  constructor(options: {
    client: Redis | Cluster;
    caller: RedisCaller;
    /** The prefix's hash tag, `{prefix}`: every key of one cache lives in one Cluster slot. */
    base: string;
    origin: string;
    ttlMs: number;
    decodeError: (error: CacheDecodeError) => void;
  }) {
    this.#client = options.client;
    this.#call = options.caller;
    this.#base = options.base;
    this.#origin = options.origin;
    this.#ttlMs = options.ttlMs;
    this.#decodeError = options.decodeError;
  }

  /** The channel every commit is published on. */
  get channel(): string {
    return `${this.#base}state`;
  }

  async get(key: string): Promise<KeyState> {
    return (await this.#read(key)).state;
  }

  async update<R>(key: string, step: (state: KeyState) => Step<R>): Promise<Step<R>> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { state, stored } = await this.#read(key);
      const done = step(state);
      if (done.state === state) return done;
      // the stored version, not the state's: a state that failed its schema is replaced, its version kept growing
      const next = { ...done.state, version: Math.max(done.state.version, stored + 1) };
      const reply = await this.#call.run(
        SCRIPTS.commitState,
        [this.#stateKey(key), this.channel],
        [
          String(stored),
          String(next.version),
          JSON.stringify(next),
          String(this.#ttlMs),
          `s|${next.version}|${this.#origin}|${key}`,
        ],
      );
      if (this.#call.parse(commitReply, reply, key) === 1) return { state: next, result: done.result };
      // lost the race: back off a little, growing and jittered, so that many writers of one key do not spin
      if (attempt >= 2) await new Promise((r) => setTimeout(r, Math.random() * Math.min(20, attempt * 2)));
    }
    throw new CacheRedisUnavailableError(`too many concurrent changes of one key (${MAX_ATTEMPTS} attempts)`);
  }

  async #read(key: string): Promise<{ state: KeyState; stored: number }> {
    const reply = await this.#call.command(() => this.#client.hmget(this.#stateKey(key), 'v', 's'));
    const [v, s] = this.#call.parse(stateReply, reply, key);
    const stored = v === null ? 0 : Number(v);
    if (!Number.isSafeInteger(stored) || stored < 0) {
      throw new CacheRedisUnavailableError(`unexpected version in Redis for ${key}`);
    }
    if (s === null) return { state: { ...EMPTY, version: stored }, stored };
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch (cause) {
      this.#decodeError(new CacheDecodeError(key, 'stored state is not JSON', { cause }));
      return { state: { ...EMPTY, version: stored }, stored };
    }
    const checked = stateSchema.safeParse(parsed);
    if (!checked.success || checked.data.version !== stored) {
      this.#decodeError(
        new CacheDecodeError(
          key,
          checked.success ? 'stored state has another version' : 'stored state has the wrong shape',
          {
            cause: checked.success ? undefined : checked.error,
          },
        ),
      );
      return { state: { ...EMPTY, version: stored }, stored };
    }
    return { state: checked.data, stored };
  }

  #stateKey(key: string): string {
    return `${this.#base}m:${key}`;
  }
}
