import { z } from 'zod';
import { CacheDecodeError, CacheRedisUnavailableError } from '../errors.js';
import { EMPTY, type FeedStates, type FeedStatus, type KeyState, NO_FEEDS, stateSchema } from '../model/state.js';
import type { StateStore } from '../model/store.js';
import type { Step } from '../model/transitions.js';
import { type RedisCaller, SCRIPTS } from './caller.js';
import type { RedisClientLike } from './client-like.js';

const stateReply = z
  .array(z.union([z.string(), z.null()]))
  .min(2)
  .refine((r) => r.length % 2 === 0, 'an even number of fields');
const commitReply = z.union([z.literal(0), z.literal(1)]);

/** How many times a transition runs again after losing a race before the update fails. */
const MAX_ATTEMPTS = 50;

/**
 * Key states in Redis, shared by every process on the prefix: read with their version, changed by running the
 * transition here and committing the result only if the version has not moved (else again, on the newer state).
 * Every commit publishes `s|<version>|<origin>|<key>` on the cache's bus. A stored state that does not pass the
 * schema is reported and treated as unknown, never used.
 */
export class RedisStateStore implements StateStore {
  readonly #client: RedisClientLike;
  readonly #call: RedisCaller;
  readonly #base: string;
  readonly #origin: string;
  readonly #ttlMs: number;
  readonly #decodeError: (error: CacheDecodeError) => void;
  readonly #validate: ((key: string, value: unknown) => boolean) | undefined;

  constructor(options: {
    client: RedisClientLike;
    caller: RedisCaller;
    /** The prefix's hash tag, `{prefix}`: every key of one cache lives in one Cluster slot. */
    base: string;
    origin: string;
    ttlMs: number;
    decodeError: (error: CacheDecodeError) => void;
    /** The caller's check of each base's value (see `CacheOptions.validate`): a state with a refused base is unknown. */
    validate?: ((key: string, value: unknown) => boolean) | undefined;
  }) {
    this.#validate = options.validate;
    this.#client = options.client;
    this.#call = options.caller;
    this.#base = options.base;
    this.#origin = options.origin;
    this.#ttlMs = options.ttlMs;
    this.#decodeError = options.decodeError;
  }

  /** The channel every commit is published on: the cache's bus, which carries feed epochs too. */
  get channel(): string {
    return `${this.#base}bus`;
  }

  async read(key: string, feeds: readonly string[] = []): Promise<{ state: KeyState; feeds: FeedStates }> {
    const { state, feeds: states } = await this.#read(key, feeds);
    return { state, feeds: states };
  }

  async update<R>(
    key: string,
    step: (state: KeyState, feeds: FeedStates) => Step<R>,
    feeds: readonly string[] = [],
  ): Promise<Step<R>> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { state, stored, feeds: seen } = await this.#read(key, feeds);
      const done = step(state, seen);
      if (done.state === state) return done;
      // the stored version, not the state's: a state that failed its schema is replaced, its version kept growing
      const next = { ...done.state, version: Math.max(done.state.version, stored + 1) };
      const expected = feeds.map((f) => {
        const s = seen.get(f);
        return `${s?.epoch ?? 0}:${s?.covered === true ? 1 : 0}`;
      });
      const reply = await this.#call.run(
        SCRIPTS.commitState,
        [this.#stateKey(key), this.channel, ...feeds.map((f) => this.#feedKey(f))],
        [
          String(stored),
          String(next.version),
          JSON.stringify(next),
          String(this.#ttlMs),
          `s|${next.version}|${this.#origin}|${key}`,
          ...expected,
        ],
      );
      if (this.#call.parse(commitReply, reply, key) === 1) return { state: next, result: done.result };
      // lost the race: back off a little, growing and jittered, so that many writers of one key do not spin
      if (attempt >= 2) await new Promise((r) => setTimeout(r, Math.random() * Math.min(20, attempt * 2)));
    }
    throw new CacheRedisUnavailableError(`too many concurrent changes of one key (${MAX_ATTEMPTS} attempts)`);
  }

  async #read(key: string, feeds: readonly string[]): Promise<{ state: KeyState; stored: number; feeds: FeedStates }> {
    const reply = await this.#call.run(
      SCRIPTS.readState,
      [this.#stateKey(key), ...feeds.map((f) => this.#feedKey(f))],
      [],
    );
    const flat = this.#call.parse(stateReply, reply, key);
    if (flat.length !== 2 + 2 * feeds.length)
      throw new CacheRedisUnavailableError(`unexpected reply from Redis for ${key}`);
    const states = new Map<string, FeedStatus>();
    feeds.forEach((f, i) => {
      const coveredForMs = Number(flat[3 + 2 * i] ?? 0);
      states.set(f, { epoch: Number(flat[2 + 2 * i] ?? 0), covered: coveredForMs > 0, coveredForMs });
    });
    const [v, s] = flat;
    const stored = v === null || v === undefined ? 0 : Number(v);
    if (!Number.isSafeInteger(stored) || stored < 0) {
      throw new CacheRedisUnavailableError(`unexpected version in Redis for ${key}`);
    }
    const known = feeds.length === 0 ? NO_FEEDS : states;
    const empty = { state: { ...EMPTY, version: stored }, stored, feeds: known };
    if (s === null || s === undefined) return empty;
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch (cause) {
      this.#decodeError(new CacheDecodeError(key, 'stored state is not JSON', { cause }));
      return empty;
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
      return empty;
    }
    if (!this.#basesValid(key, checked.data)) {
      this.#decodeError(new CacheDecodeError(key, 'a stored base does not have the shape its key calls for'));
      return empty;
    }
    return { state: checked.data, stored, feeds: known };
  }

  #basesValid(key: string, state: KeyState): boolean {
    const validate = this.#validate;
    if (validate === undefined) return true;
    try {
      for (const b of Object.values(state.bases)) if (validate(key, b.json) !== true) return false;
      return true;
    } catch {
      return false;
    }
  }

  #feedKey(feed: string): string {
    return `${this.#base}f:${feed}`;
  }

  #stateKey(key: string): string {
    return `${this.#base}m:${key}`;
  }
}
