import { randomUUID } from 'node:crypto';
import type { Authority, Notice } from './authority.js';
import { Context } from './context.js';
import { Counters } from './counters.js';
import { Coverage } from './coverage.js';
import { CacheArgumentError, CacheClosedError } from './errors.js';
import { Knowledge } from './knowledge.js';
import { LocalAuthority } from './local-authority.js';
import { MemoryTier } from './memory-tier.js';
import { CoherentKeys } from './model/keys.js';
import { MemoryStateStore } from './model/store.js';
import { type CacheOptions, resolveOptions, silentLogger } from './options.js';
import { Reader } from './reader.js';
import { RedisAuthority, type RedisAuthorityHooks } from './redis/redis-authority.js';
import { Trackers } from './trackers.js';
import type {
  ApplyOutcome,
  CacheStats,
  Change,
  LoadInfo,
  ReadLevel,
  ReadOptions,
  WindowOptions,
  WriteOptions,
} from './types.js';
import { Writer } from './writer.js';

/**
 * A coherent two-tier cache: an in-process LRU in front of an optional Redis tier, for values identified by keys,
 * grouped by tags, kept fresh by feeds. Create it with {@link createCache}.
 *
 * Guarantees: a read never returns a value that an invalidation, change or write completed before it began has
 * replaced (for `fast` reads, changes made by other processes count once the bus has carried them); a fill is stored
 * only if nothing changed since it began; concurrent misses of a key make one source call per process (and, with
 * Redis, one per lease across processes).
 */
export class Cache {
  readonly #x: Context;
  readonly #reader: Reader;
  readonly #writer: Writer;
  // the hot path reads these directly
  readonly #mem: MemoryTier | undefined;
  readonly #know: Knowledge;
  readonly #level: ReadLevel;
  readonly #shared: boolean;

  /** Tells the cache when feeds are covered and when they have gaps. */
  readonly coverage: Coverage;

  /**
   * Keys read and changed through the coherence model (see docs/coherence-model.md): declarative changes recorded
   * atomically where the key's state lives (in this process, or in Redis for every process on the prefix), reads
   * served as the base with the changes the source may not reflect yet laid over it.
   */
  readonly keys: CoherentKeys;

  constructor(options?: CacheOptions) {
    const o = resolveOptions(options);
    if (o.memory === false && o.redis === undefined) {
      throw new CacheArgumentError('options.memory', 'the in-process tier can be turned off only when Redis is given');
    }
    const clock = o.clock ?? Date;
    const logger = o.logger ?? silentLogger;
    const c = new Counters();
    const maxKeys = Math.max(1_000, 4 * (o.memory === false ? 10_000 : o.memory.maxEntries));
    const know = new Knowledge(maxKeys, o.redis === undefined);
    const mem = o.memory === false ? undefined : new MemoryTier(o.memory, know, c, clock, logger);
    const trackers = new Trackers();
    const notice = (n: Notice) => this.#notice(n);
    let auth: Authority;
    let redis: RedisAuthority | undefined;
    if (o.redis === undefined) {
      auth = new LocalAuthority({ maxKeys, dedupeTtlMs: 10 * 60 * 1000, clock, notify: notice });
    } else {
      redis = new RedisAuthority(o.redis, {
        clock,
        logger,
        origin: randomUUID().slice(0, 12),
        hooks: this.#redisHooks(c, know, notice),
        validate: o.validate,
      });
      auth = redis;
    }
    this.#x = new Context(o, clock, logger, know, trackers, c, mem, auth, redis);
    const positions = o.positions ?? clock;
    this.keys = new CoherentKeys({
      store:
        redis?.states ??
        new MemoryStateStore({
          maxKeys,
          feeds: (names) => {
            const now = clock.now();
            return new Map(names.map((name) => [name, know.feedStatus(name, now)]));
          },
        }),
      shared: redis !== undefined,
      positions,
      maxViews: o.memory === false ? 1 : o.memory.maxEntries,
      counters: c,
    });
    this.#reader = new Reader(this.#x);
    this.#writer = new Writer(this.#x);
    this.#mem = mem;
    this.#know = know;
    this.#level = o.readLevel;
    this.#shared = redis !== undefined;
    this.coverage = new Coverage({
      authority: auth,
      knowledge: know,
      clock,
      logger,
      renewEveryMs: o.redis === undefined ? 0 : Math.floor(o.redis.coverageLeaseMs / 3),
      counted: () => c.coverageBumps++,
      closed: () => this.#x.closed,
    });
  }

  /**
   * Reads `key`: from the in-process tier when it holds a valid value (and the read is `fast`), else from Redis,
   * else from `options.load`, whose answer is stored only if no invalidation, change or write happened since the read
   * began. Values are returned deeply frozen. Rejects with the loader's error when the loader fails, and with a
   * `CacheKeyError`/`CacheArgumentError` for bad arguments; Redis failures never reject a read (the source answers).
   */
  read<V>(key: string, options: ReadOptions<V>): Promise<V> {
    const mem = this.#mem;
    if (mem === undefined) return this.#reader.read(key, options, undefined);
    const e = mem.lru.get(key);
    if (e !== undefined) {
      const know = this.#know;
      const now = this.#x.clock.now();
      if (
        e.epoch === know.epoch &&
        e.expiresAt > now &&
        ((e.tags === undefined && e.feeds === undefined) || know.depsValid(e, now)) &&
        (!this.#shared || (options?.level ?? this.#level) === 'fast')
      ) {
        this.#x.c.memory.hits++;
        return Promise.resolve(e.value as V);
      }
    }
    return this.#reader.read(key, options, e);
  }

  /**
   * Records a write that the application has just made to the source: the key advances to a new version (every
   * process drops what it held), the value is stored, and for `pinMs` a load that disagrees with it is refused as
   * the source lagging. Rejects with `CacheValueTooLargeError` / `CacheValueNotSerializableError` for a bad value,
   * and with `CacheRedisUnavailableError` when Redis could not record it (this process then drops the key).
   */
  write<V>(key: string, value: V, options: WriteOptions = {}): Promise<void> {
    return this.#writer.write(key, value, options);
  }

  /**
   * Applies a change pushed from outside (an event): sets, patches or invalidates a key, or invalidates a tag.
   * Idempotent (a change whose `id` was applied before is a `'duplicate'`) and ordered (a change whose `at` is older
   * than what the key or tag already reflects is `'ignored'`). A patch needs the current value: when none is cached,
   * the key is invalidated instead. `patch` receives a frozen value and must return a new one.
   */
  apply<V>(change: Change<V>): Promise<ApplyOutcome> {
    return this.#writer.apply(change);
  }

  /**
   * Opens a write window on `key`, right before the application sends a write to a source that will not say when it
   * committed it. A change ordered inside the window (after `from`, and once {@link write} ends the window with
   * `window: { id, to }`, not after `to`) may have been committed before the write as well as after it: in every
   * process sharing the cache, {@link apply} holds it (`'held'`) until the write's own change arrives and settles the
   * order (see `Change.settles`), the window is closed, or it runs out. Resolves with the window's id. Rejects
   * with `CacheRedisUnavailableError` when Redis could not record it (the write may go on without a window).
   */
  openWindow(key: string, options: WindowOptions): Promise<string> {
    return this.#writer.openWindow(key, options);
  }

  /** Closes a write window whose write failed or wrote nothing through: the changes it held go through. */
  closeWindow(key: string, id: string): Promise<void> {
    return this.#writer.closeWindow(key, id);
  }

  /**
   * Resolves when a change of `key` that {@link apply} answered `'held'` may be applied again: a write window of the
   * key ended, settled or closed (in any process), or may have run out. Never rejects.
   */
  windowsSettled(key: string): Promise<void> {
    return this.#writer.windowsSettled(key);
  }

  /** Invalidates a key or a tag now, in every process. Rejects with `CacheRedisUnavailableError` if Redis failed. */
  invalidate(target: { key: string } | { tag: string }): Promise<void> {
    return this.#writer.invalidate(target);
  }

  /**
   * What a value this cache returned was based on: the {@link LoadInfo} (feed epochs) under which it was loaded and
   * stored, for a value read from either tier. Pass it as `basedOn` when writing or applying a value built on this
   * one, so that the new value is stored only if those feeds have had no gap since. Undefined for a value the cache
   * did not store (an uncached load's answer: its loader's `info` says it) and for primitives.
   */
  basisOf(value: unknown): LoadInfo | undefined {
    const feeds = this.#know.basisOf(value);
    return feeds === undefined ? undefined : { at: undefined, feeds };
  }

  /**
   * Resolves `true` once the Redis tier is connected and its invalidation bus subscribed, or `false` when `timeoutMs`
   * (default 5 000) passes first or the cache closes; the cache works either way (while Redis is not there, reads go
   * to the source and changes that Redis could not record are retried), but only a connected tier shares what this
   * process writes. Without Redis: `true` at once. Rejects only with `CacheArgumentError` for a bad `timeoutMs`.
   */
  async ready(timeoutMs = 5_000): Promise<boolean> {
    const x = this.#x;
    if (x.redis === undefined) return true;
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new CacheArgumentError('timeoutMs', 'must be >= 0');
    return x.closed ? false : x.redis.whenReady(timeoutMs);
  }

  /** Counters per tier and of the machinery; a copy. */
  stats(): CacheStats {
    return this.#x.c.snapshot({
      entries: this.#mem?.lru.size ?? 0,
      bytes: this.#mem?.lru.calculatedSize ?? 0,
      redis:
        this.#x.redis === undefined
          ? undefined
          : { breaker: this.#x.redis.breakerState, connected: this.#x.redis.connected },
      connected: this.#know.trusted,
    });
  }

  /**
   * Closes the cache: aborts loads in flight (their signal), gives up the feeds this process covers, closes the
   * connections it opened. Further calls reject with `CacheClosedError`.
   */
  async close(): Promise<void> {
    const x = this.#x;
    if (x.closed) return;
    x.closed = true;
    x.abort.abort(new CacheClosedError());
    this.#mem?.lru.clear();
    this.#reader.wakeAll();
    this.#writer.wakeAll();
    await this.coverage.close();
    await x.auth.close();
  }

  /** Every change this process hears of: its own at once, others' from the bus. */
  #notice(n: Notice): void {
    const x = this.#x;
    switch (n.kind) {
      case 'key':
        x.mem?.keyChanged(n.name, n.version);
        x.trackers.keyChanged(n.name, n.version);
        break;
      case 'tag':
        x.know.tagAdvanced(n.name, n.version);
        break;
      case 'feed':
        x.know.feedAdvanced(n.name, n.version);
        this.keys.feedHeard(n.name, n.version);
        break;
      case 'filled':
        this.#reader.filled(n.name);
        break;
      case 'order':
        this.#writer.orderChanged(n.name);
        break;
      case 'flush':
        this.#bumpEpoch('flush');
        break;
    }
  }

  /** Stops trusting everything the in-process tier holds, in O(1). */
  #bumpEpoch(reason: string): void {
    const x = this.#x;
    x.know.epoch++;
    x.c.epochBumps++;
    this.keys.busStatus(x.know.trusted);
    x.logger.debug('cache: in-process tier epoch bumped', { reason, epoch: x.know.epoch });
  }

  #redisHooks(c: Counters, know: Knowledge, notice: (n: Notice) => void): RedisAuthorityHooks {
    const log = () => this.#x.logger;
    return {
      notify: (n, remote) => {
        if (remote) c.bus.messages++;
        notice(n);
      },
      busStatus: (status, previous) => {
        // Redis pub/sub keeps nothing for an absent subscriber: trust nothing from before a drop, store nothing
        // until subscribed again, and nothing from fills that began before the resubscription
        if (status === 'subscribed') {
          know.trusted = true;
          this.#bumpEpoch('bus subscribed');
        } else if (status === 'down') {
          if (previous === 'subscribed') c.bus.drops++;
          know.trusted = false;
          this.#bumpEpoch('bus lost');
        }
      },
      reconnected: () => this.#bumpEpoch('redis reconnected'),
      stateCommitted: (key, version) => {
        c.bus.messages++;
        this.keys.heard(key, version);
      },
      breaker: (state) => {
        log().warn('cache: redis circuit breaker', { state });
        if (state === 'closed') void this.#x.pending.flush(this.#x.auth);
      },
      busMalformed: (raw) => {
        c.bus.malformed++;
        log().warn('cache: malformed bus message', { message: raw.slice(0, 200) });
      },
      decodeError: (error) => {
        c.redis.decodeErrors++;
        log().warn('cache: value from redis does not decode', { key: error.key, error: error.message });
      },
      failure: (error) => {
        c.redis.errors++;
        log().debug('cache: redis call failed', { error: error.message });
      },
    };
  }
}

/** Creates a cache; see {@link CacheOptions} for the defaults. Throws `CacheArgumentError` for bad options. */
export function createCache(options?: CacheOptions): Cache {
  return new Cache(options);
}
