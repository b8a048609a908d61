import type {
  ApplyAnswer,
  Authority,
  AuthorityChange,
  CoverageOp,
  Deps,
  FeedState,
  FillAnswer,
  HoldingWindow,
  Notice,
  ReadAnswer,
  Snapshot,
  StoredEntry,
  Versioned,
  WindowEnd,
  WriteAnswer,
} from '../authority.js';
import { CacheDecodeError, type CacheRedisUnavailableError, redactUrl } from '../errors.js';
import type { ResolvedRedisOptions } from '../options.js';
import type { BreakerState, Clock, Logger } from '../types.js';
import {
  applyReply,
  type BusMessage,
  coverageReply,
  fillReply,
  mgetReply,
  peekReply,
  readReply,
  windowReply,
  writeReply,
} from '../wire/replies.js';
import { CircuitBreaker } from './breaker.js';
import { type BusStatus, InvalidationBus } from './bus.js';
import { RedisCaller, SCRIPTS } from './caller.js';
import type { RedisClientLike } from './client-like.js';
import { openDataClient, openSubscriber } from './connections.js';
import { depArgs, depStates, fillTail, scopeArg, snapshotOf, storedEntryOf, type ValueDecoder } from './script-io.js';
import { RedisStateStore } from './state-store.js';

/** Hooks through which the Redis authority reports to the cache. */
export interface RedisAuthorityHooks {
  /** A change, this process's own (at once, `remote` false) or another's (from the bus). */
  notify(notice: Notice, remote: boolean): void;
  busStatus(status: BusStatus, previous: BusStatus): void;
  /** The data connection became ready again after having been lost. */
  reconnected(): void;
  breaker(state: BreakerState): void;
  /** A process (this one or another) committed `version` of a key's state (see `RedisStateStore`). */
  stateCommitted(key: string, version: number): void;
  busMalformed(raw: string): void;
  decodeError(error: CacheDecodeError): void;
  failure(error: CacheRedisUnavailableError): void;
}

/**
 * The authority when Redis is present: every version lives in Redis and changes only inside the scripts of
 * `scripts.ts`, each of which publishes what it changed on the bus. Calls pass a circuit breaker, and a connection
 * that is not ready fails at once (no offline queue), so that a dead Redis costs nothing.
 */
export class RedisAuthority implements Authority {
  readonly shared = true;
  readonly #client: RedisClientLike;
  readonly #ownsClient: boolean;
  readonly #bus: InvalidationBus;
  readonly #breaker: CircuitBreaker;
  readonly #call: RedisCaller;
  readonly #base: string;
  readonly #origin: string;
  readonly #opts: ResolvedRedisOptions;
  readonly #hooks: RedisAuthorityHooks;
  /** The caller's check of values read (see `CacheOptions.validate`). */
  readonly #validate: ((key: string, value: unknown) => boolean) | undefined;
  #wasReady = false;
  /**
   * Set by `close`: the connection closing then is the cache's own doing, not Redis failing, so it neither trips the
   * breaker nor reports a breaker change (a clean shutdown must not warn "circuit breaker open").
   */
  #closed = false;
  /** Key states of the coherence model, on the same connection, prefix and bus. */
  readonly states: RedisStateStore;

  constructor(
    options: ResolvedRedisOptions,
    env: {
      clock: Clock;
      logger: Logger;
      origin: string;
      hooks: RedisAuthorityHooks;
      validate?: ((key: string, value: unknown) => boolean) | undefined;
    },
  ) {
    this.#opts = options;
    this.#hooks = env.hooks;
    this.#validate = env.validate;
    this.#origin = env.origin;
    this.#base = `{${options.prefix}}`;
    this.#breaker = new CircuitBreaker({
      failures: options.breakerFailures,
      cooldownMs: options.breakerCooldownMs,
      clock: env.clock,
      onChange: (state) => {
        if (!this.#closed) env.hooks.breaker(state);
      },
    });
    const data = openDataClient(options, env.origin);
    this.#client = data.client;
    this.#ownsClient = data.owned;
    this.#call = new RedisCaller(this.#client, this.#breaker, env.hooks.failure);
    this.#client.on('error', (err: Error) =>
      env.logger.debug('cache redis: connection error', { error: err.message, url: redactUrl(options.url ?? '') }),
    );
    this.#client.on('close', this.#lost);
    this.#client.on('ready', this.#ready);
    if (this.#client.status === 'ready') this.#wasReady = true;
    this.states = new RedisStateStore({
      client: this.#client,
      caller: this.#call,
      base: this.#base,
      origin: env.origin,
      ttlMs: options.versionTtlMs,
      decodeError: (e) => env.hooks.decodeError(e),
      validate: env.validate,
    });
    const subscriber = openSubscriber(this.#client, options, env.origin);
    this.#bus = new InvalidationBus({
      subscriber,
      channel: `${this.#base}bus`,
      logger: env.logger,
      onMessage: (m) => this.#message(m),
      onMalformed: env.hooks.busMalformed,
      onStatus: env.hooks.busStatus,
      heartbeat:
        options.heartbeatMs === 0
          ? undefined
          : {
              channel: `${this.#base}heartbeat:${env.origin}`,
              publish: (channel, message) => this.#client.publish(channel, message),
              everyMs: options.heartbeatMs,
              timeoutMs: options.heartbeatTimeoutMs,
            },
    });
  }

  /** Whether the data connection is ready now. */
  get connected(): boolean {
    return this.#client.status === 'ready';
  }

  /**
   * Resolves true once the data connection is ready and the bus subscribed, false when `timeoutMs` of real time (not
   * the injected clock: a connection takes real time) passes first or the bus closes.
   */
  async whenReady(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!(this.connected && this.#bus.status === 'subscribed')) {
      if (this.#bus.status === 'closed' || performance.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }

  get breakerState(): BreakerState {
    return this.#breaker.state;
  }

  get busStatus(): BusStatus {
    return this.#bus.status;
  }

  /** Decodes the JSON of a value of `key` stored in Redis: it must parse, and the caller's validator accept it. */
  #decoder(key: string): ValueDecoder {
    const validate = this.#validate;
    return (json) => {
      const value: unknown = JSON.parse(json);
      if (validate !== undefined && validate(key, value) !== true) {
        throw new Error(`the value of ${key} does not have the shape its key calls for`);
      }
      return value;
    };
  }

  async read(
    key: string,
    localStamp: number,
    tags: readonly string[],
    feeds: readonly string[],
    lease: boolean,
  ): Promise<ReadAnswer> {
    const reply = await this.#call.run(SCRIPTS.read, this.#keyKeys(key), [
      this.#base,
      String(localStamp),
      lease ? '1' : '0',
      String(this.#opts.leaseMs),
      this.#origin,
      String(tags.length),
      ...tags,
      String(feeds.length),
      ...feeds,
    ]);
    const r = this.#call.parse(readReply, reply, key);
    if (r[0] === 1) return { kind: 'same', feeds: [] };
    if (r[0] === 3) {
      const snapshot = snapshotOf(key, { tags, feeds }, r, this.#decoder(key), (e) => this.#hooks.decodeError(e));
      return { kind: 'miss', snapshot };
    }
    try {
      return { kind: 'hit', entry: storedEntryOf(r, this.#decoder(key)) };
    } catch (cause) {
      const error = new CacheDecodeError(key, 'stored value does not decode; treated as a miss', { cause });
      this.#hooks.decodeError(error);
      // -1 matches no stamp and makes the script skip the stored entry, answering with a snapshot to fill under
      const again = await this.read(key, -1, tags, feeds, lease);
      return again.kind === 'miss' ? { ...again, decodeError: error } : again;
    }
  }

  async fill(key: string, snap: Snapshot, json: string, ttlMs: number, agrees: boolean | 'same'): Promise<FillAnswer> {
    const args = [
      this.#base,
      key,
      this.#origin,
      this.#origin,
      String(snap.kv),
      json,
      String(ttlMs),
      agrees === 'same' ? '2' : agrees ? '1' : '0',
      ...fillTail(snap),
    ];
    const r = this.#call.parse(fillReply, await this.#call.run(SCRIPTS.fill, this.#keyKeys(key), args), key);
    return r[0] === 1 ? { stored: true, stamp: r[1] } : { stored: false, reason: r[1] };
  }

  /**
   * Reads a value that depends on no tag or feed with one plain HMGET (as cheap as a GET): every script that advances
   * a key's version deletes its value, so a value that exists is current. Undefined when there is none, or when it
   * has dependencies to check (then {@link read} decides).
   */
  async peek(key: string, nowMs: number): Promise<StoredEntry | undefined> {
    const reply = await this.#call.command(() => this.#client.hmget(`${this.#base}d:${key}`, 's', 'k', 'm', 'v', 'x'));
    const [s, k, m, v, x] = this.#call.parse(peekReply, reply, key);
    if (s === null || k === null || v === null || m !== '') return undefined;
    let value: unknown;
    try {
      value = this.#decoder(key)(v);
    } catch {
      return undefined; // the script path reports it and answers with a snapshot
    }
    const ttlMs = Number(x) - nowMs;
    if (!(ttlMs > 0)) return undefined;
    return { value, stamp: Number(s), kv: Number(k), tags: [], feeds: [], ttlMs, bytes: v.length };
  }

  /**
   * The strict check of an in-process entry without feeds: one plain MGET of the key's version and its tags'
   * versions (as cheap as a GET), true when none advanced since the entry was filled.
   */
  async check(key: string, kv: number, tags: readonly Versioned[] | undefined): Promise<boolean> {
    const keys = [`${this.#base}n:${key}`];
    if (tags !== undefined) for (const [t] of tags) keys.push(`${this.#base}t:${t}`);
    const reply = await this.#call.command(() => this.#client.mget(keys));
    const versions = this.#call.parse(mgetReply, reply, key);
    if (Number(versions[0] ?? 0) !== kv) return false;
    if (tags !== undefined)
      for (let i = 0; i < tags.length; i++) if (Number(versions[i + 1] ?? 0) !== tags[i]![1]) return false;
    return true;
  }

  async release(key: string): Promise<void> {
    await this.#call.run(SCRIPTS.release, [`${this.#base}l:${key}`], [this.#origin]);
  }

  async write(
    key: string,
    json: string,
    deps: Deps,
    ttlMs: number,
    pinMs: number,
    at: number | undefined,
    pinScope?: readonly string[],
    window?: WindowEnd,
  ): Promise<WriteAnswer> {
    const reply = await this.#call.run(
      SCRIPTS.write,
      [`${this.#base}v:${key}`, `${this.#base}d:${key}`, `${this.#base}n:${key}`],
      [
        this.#base,
        key,
        this.#origin,
        json,
        String(ttlMs),
        String(pinMs),
        at === undefined ? '' : String(at),
        String(this.#opts.versionTtlMs),
        scopeArg(pinScope),
        window?.id ?? '',
        window === undefined ? '' : String(window.to),
        window === undefined ? '0' : String(window.holdMs),
        ...depArgs(deps),
      ],
    );
    const [kv, stored, tv, fv] = this.#call.parse(writeReply, reply, key);
    if (window !== undefined) this.#hooks.notify({ kind: 'order', name: key, version: 0 }, false);
    if (kv < 0) return { ignored: true, kv: 0, stamp: 0, stored: false, tags: [], feeds: [] };
    this.#hooks.notify({ kind: 'key', name: key, version: kv }, false);
    return { kv, stamp: kv, stored: stored === 1, ...depStates(deps, tv, fv) };
  }

  async applyKey(
    id: string,
    key: string,
    at: number | undefined,
    change: AuthorityChange,
    settles?: string,
  ): Promise<ApplyAnswer> {
    const stores = change.mode !== 'invalidate';
    const deps = stores ? change.deps : { tags: [], feeds: [] };
    const reply = await this.#call.run(
      SCRIPTS.applyKey,
      [`${this.#base}v:${key}`, `${this.#base}d:${key}`, `${this.#base}a:${id}`, `${this.#base}n:${key}`],
      [
        this.#base,
        key,
        this.#origin,
        id,
        at === undefined ? '' : String(at),
        change.mode,
        stores ? change.json : '',
        stores ? String(change.ttlMs) : '0',
        change.mode === 'cas' ? String(change.expectKv) : '0',
        String(this.#opts.dedupeTtlMs),
        String(this.#opts.versionTtlMs),
        stores ? String(change.pinMs) : '0',
        stores ? scopeArg(change.pinScope) : '',
        settles ?? '',
        ...depArgs(deps),
      ],
    );
    const r = this.#call.parse(applyReply, reply, key);
    if (settles !== undefined) this.#hooks.notify({ kind: 'order', name: key, version: 0 }, false);
    if (r[0] === 'held') return { outcome: 'held', windows: holdingWindows(r[1]) };
    if (r[0] !== 'applied') return { outcome: r[0] };
    const kv = r[1];
    this.#hooks.notify({ kind: 'key', name: key, version: kv }, false);
    const stored =
      r.length === 5 && r[2] === 1 ? { kv, stamp: kv, stored: true, ...depStates(deps, r[3], r[4]) } : undefined;
    return { outcome: 'applied', kv, stored };
  }

  async applyTag(id: string | undefined, tag: string, at: number | undefined): Promise<ApplyAnswer> {
    const reply = await this.#call.run(
      SCRIPTS.applyTag,
      [`${this.#base}t:${tag}`, `${this.#base}ta:${tag}`, `${this.#base}a:${id ?? ''}`],
      [
        this.#base,
        tag,
        this.#origin,
        id ?? '',
        at === undefined ? '' : String(at),
        String(this.#opts.dedupeTtlMs),
        String(this.#opts.versionTtlMs),
      ],
    );
    const r = this.#call.parse(applyReply, reply, tag);
    if (r[0] === 'held') return { outcome: 'held', windows: holdingWindows(r[1]) };
    if (r[0] !== 'applied') return { outcome: r[0] };
    this.#hooks.notify({ kind: 'tag', name: tag, version: r[1] }, false);
    return { outcome: 'applied', kv: r[1], stored: undefined };
  }

  async openWindow(key: string, id: string, from: number, maxMs: number): Promise<void> {
    const reply = await this.#call.run(
      SCRIPTS.openWindow,
      [`${this.#base}v:${key}`],
      [this.#base, key, id, String(from), String(maxMs), String(this.#opts.versionTtlMs)],
    );
    this.#call.parse(windowReply, reply, key);
  }

  async closeWindow(key: string, id: string): Promise<void> {
    const reply = await this.#call.run(
      SCRIPTS.closeWindow,
      [`${this.#base}v:${key}`],
      [this.#base, key, this.#origin, id],
    );
    this.#call.parse(windowReply, reply, key);
    this.#hooks.notify({ kind: 'order', name: key, version: 0 }, false);
  }

  async invalidateKey(key: string): Promise<number> {
    const answer = await this.applyKey('', key, undefined, { mode: 'invalidate' });
    return answer.outcome === 'applied' ? answer.kv : 0;
  }

  async coverage(feed: string, op: CoverageOp): Promise<FeedState> {
    const reply = await this.#call.run(
      SCRIPTS.coverage,
      [`${this.#base}f:${feed}`],
      [this.#base, feed, this.#origin, op, String(this.#opts.coverageLeaseMs), String(this.#opts.versionTtlMs)],
    );
    const [epoch, coveredForMs] = this.#call.parse(coverageReply, reply, feed);
    this.#hooks.notify({ kind: 'feed', name: feed, version: epoch }, false);
    return [feed, epoch, coveredForMs];
  }

  readonly #lost = (): void => {
    if (!this.#closed) this.#breaker.trip();
  };

  readonly #ready = (): void => {
    this.#breaker.record(true);
    if (this.#wasReady) this.#hooks.reconnected();
    this.#wasReady = true;
  };

  async close(): Promise<void> {
    this.#closed = true;
    // a client given by the app outlives the cache: take back the listeners that act on it (the error listener
    // stays, so that a late socket error is not an unhandled 'error' event)
    this.#client.off('close', this.#lost);
    this.#client.off('ready', this.#ready);
    await this.#bus.close();
    if (this.#ownsClient) {
      try {
        await this.#client.quit();
      } catch {
        this.#client.disconnect();
      }
    }
  }

  #keyKeys(key: string): string[] {
    const b = this.#base;
    return [`${b}v:${key}`, `${b}d:${key}`, `${b}l:${key}`, `${b}w:${key}`];
  }

  #message(m: BusMessage): void {
    if (m.origin === this.#origin) return; // applied already, when the script returned
    if (m.kind === 's') {
      this.#hooks.stateCommitted(m.name, m.version);
      return;
    }
    const kind =
      m.kind === 'k' ? 'key' : m.kind === 't' ? 'tag' : m.kind === 'f' ? 'feed' : m.kind === 'o' ? 'order' : 'filled';
    this.#hooks.notify({ kind, name: m.name, version: m.version }, true);
  }
}

/** The windows of a `held` reply: flat (id, written JSON or '', remaining ms) triples. */
function holdingWindows(flat: readonly (string | number)[]): HoldingWindow[] {
  const windows: HoldingWindow[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    const json = flat[i + 1];
    windows.push({
      id: String(flat[i]),
      json: typeof json === 'string' && json !== '' ? json : undefined,
      remainingMs: Number(flat[i + 2]),
    });
  }
  return windows;
}
