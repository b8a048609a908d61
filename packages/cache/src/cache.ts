import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Authority, FeedState, Notice, ReadAnswer, Snapshot, Versioned } from './authority.js';
import { Counters } from './counters.js';
import { Coverage } from './coverage.js';
import { CacheArgumentError, CacheClosedError, CacheRedisUnavailableError, CacheValueTooLargeError } from './errors.js';
import { Knowledge, type MemEntry } from './knowledge.js';
import { LocalAuthority } from './local-authority.js';
import { checkName, checkNames } from './names.js';
import { type CacheOptions, type ResolvedOptions, resolveOptions, silentLogger } from './options.js';
import { RedisAuthority } from './redis/redis-authority.js';
import { type Tracker, Trackers } from './trackers.js';
import type { ApplyOutcome, CacheStats, Change, Clock, Logger, ReadLevel, ReadOptions, WriteOptions } from './types.js';
import { deepFreeze, encodeValue, sameState } from './values.js';

/** A read's arguments, validated. */
interface Request<V> {
  key: string;
  load: (signal: AbortSignal) => Promise<V>;
  tags: readonly string[];
  feeds: readonly string[];
  ttlMs: number;
  agrees: ((loaded: V, pinned: V) => boolean) | undefined;
}

/** A fill in flight: the one source call of its key in this process. */
interface Flight extends Tracker {
  promise: Promise<unknown>;
  snapshot: Snapshot | undefined;
}

/** What a tier answered, ready for the in-process tier. */
interface Fresh {
  value: unknown;
  stamp: number;
  kv: number;
  tags: readonly Versioned[];
  feeds: readonly FeedState[];
  ttlMs: number;
  bytes: number;
}

const POLL_MS = 100;

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
  readonly #o: ResolvedOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #mem: LRUCache<string, MemEntry> | undefined;
  readonly #know: Knowledge;
  readonly #auth: Authority;
  readonly #redis: RedisAuthority | undefined;
  readonly #trackers = new Trackers();
  readonly #flights = new Map<string, Flight>();
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #abort = new AbortController();
  readonly #c = new Counters();
  readonly #level: ReadLevel;
  #closed = false;

  /** Tells the cache when feeds are covered and when they have gaps. */
  readonly coverage: Coverage;

  constructor(options?: CacheOptions) {
    const o = resolveOptions(options);
    this.#o = o;
    this.#clock = o.clock ?? Date;
    this.#logger = o.logger ?? silentLogger;
    this.#level = o.readLevel;
    if (o.memory === false && o.redis === undefined) {
      throw new CacheArgumentError('options.memory', 'the in-process tier can be turned off only when Redis is given');
    }
    const maxKeys = Math.max(1_000, 4 * (o.memory === false ? 10_000 : o.memory.maxEntries));
    this.#mem =
      o.memory === false
        ? undefined
        : new LRUCache<string, MemEntry>({
            max: o.memory.maxEntries,
            maxSize: o.memory.maxBytes,
            sizeCalculation: (e) => e.size,
          });
    this.#know = new Knowledge(maxKeys, o.redis === undefined);
    const origin = randomUUID().slice(0, 12);
    if (o.redis === undefined) {
      this.#auth = new LocalAuthority({
        maxKeys,
        dedupeTtlMs: 10 * 60 * 1000,
        clock: this.#clock,
        notify: (n) => this.#notice(n),
      });
    } else {
      this.#redis = new RedisAuthority(o.redis, {
        clock: this.#clock,
        logger: this.#logger,
        origin,
        hooks: {
          notify: (n, remote) => {
            if (remote) this.#c.bus.messages++;
            this.#notice(n);
          },
          busStatus: (status, previous) => {
            if (status === 'subscribed') {
              this.#know.trusted = true;
              this.#bumpEpoch('bus subscribed');
            } else if (status === 'down') {
              if (previous === 'subscribed') this.#c.bus.drops++;
              this.#know.trusted = false;
              this.#bumpEpoch('bus lost');
            }
          },
          reconnected: () => this.#bumpEpoch('redis reconnected'),
          breaker: (state) => this.#logger.warn('cache: redis circuit breaker', { state }),
          busMalformed: (raw) => {
            this.#c.bus.malformed++;
            this.#logger.warn('cache: malformed bus message', { message: raw.slice(0, 200) });
          },
          decodeError: (error) => {
            this.#c.redis.decodeErrors++;
            this.#logger.warn('cache: value from redis does not decode', { key: error.key, error: error.message });
          },
          failure: (error) => {
            this.#c.redis.errors++;
            this.#logger.debug('cache: redis call failed', { error: error.message });
          },
        },
      });
      this.#auth = this.#redis;
    }
    this.coverage = new Coverage({
      authority: this.#auth,
      knowledge: this.#know,
      clock: this.#clock,
      logger: this.#logger,
      renewEveryMs: o.redis === undefined ? 0 : Math.floor(o.redis.coverageLeaseMs / 3),
      counted: () => this.#c.coverageBumps++,
      closed: () => this.#closed,
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
    if (mem !== undefined) {
      const e = mem.get(key);
      if (
        e !== undefined &&
        e.epoch === this.#know.epoch &&
        e.expiresAt > this.#clock.now() &&
        ((e.tags === undefined && e.feeds === undefined) || this.#know.depsValid(e, this.#clock.now())) &&
        (this.#redis === undefined || (options.level ?? this.#level) === 'fast')
      ) {
        this.#c.memory.hits++;
        return Promise.resolve(e.value as V);
      }
      return this.#slowRead(key, options, e);
    }
    return this.#slowRead(key, options, undefined);
  }

  /**
   * Records a write that the application has just made to the source: the key advances to a new version (every
   * process drops what it held), the value is stored, and for `pinMs` a load that disagrees with it is refused as
   * the source lagging. Rejects with `CacheValueTooLargeError` / `CacheValueNotSerializableError` for a bad value,
   * and with `CacheRedisUnavailableError` when Redis could not record it (this process then drops the key).
   */
  async write<V>(key: string, value: V, options: WriteOptions = {}): Promise<void> {
    this.#open();
    checkName('key', key);
    const tags = checkNames('options.tags', options.tags);
    const feeds = checkNames('options.feeds', options.feeds);
    const ttl = this.#ttl(options.ttlMs, 'options.ttlMs');
    const pinMs = options.pinMs ?? this.#o.defaultPinMs;
    if (!Number.isInteger(pinMs) || pinMs < 0) throw new CacheArgumentError('options.pinMs', 'must be an integer >= 0');
    const at = this.#at(options.at, 'options.at', true);
    const json = this.#encode(key, value);
    const ttlMs = pinMs > 0 ? Math.min(ttl, pinMs) : ttl;
    const tracker = this.#begin(key);
    try {
      let answer: Awaited<ReturnType<Authority['write']>>;
      try {
        answer = await this.#auth.write(key, json, { tags, feeds }, ttlMs, pinMs, at);
      } catch (err) {
        this.#mem?.delete(key);
        throw err;
      }
      this.#c.invalidations++;
      if (pinMs > 0) this.#c.pins.held++;
      if (answer.stored) {
        this.#storeLocal(tracker, key, { ...answer, value: JSON.parse(json), ttlMs, bytes: json.length });
      }
    } finally {
      this.#trackers.end(tracker);
    }
  }

  /**
   * Applies a change pushed from outside (an event): sets, patches or invalidates a key, or invalidates a tag.
   * Idempotent (a change whose `id` was applied before is a `'duplicate'`) and ordered (a change whose `at` is older
   * than what the key or tag already reflects is `'ignored'`). A patch needs the current value: when none is cached,
   * the key is invalidated instead. `patch` receives a frozen value and must return a new one.
   */
  async apply<V>(change: Change<V>): Promise<ApplyOutcome> {
    this.#open();
    if (typeof change !== 'object' || change === null) throw new CacheArgumentError('change', 'must be an object');
    const id = checkName('change.id', change.id);
    const at = this.#at(change.at, 'change.at', false) as number;
    let outcome: ApplyOutcome;
    if ('tag' in change) {
      outcome = (await this.#auth.applyTag(id, checkName('change.tag', change.tag), at)).outcome;
      if (outcome === 'applied') this.#c.invalidations++;
    } else {
      outcome = await this.#applyKey(id, checkName('change.key', change.key), at, change);
    }
    this.#c.changes[outcome]++;
    return outcome;
  }

  /** Invalidates a key or a tag now, in every process. Rejects with `CacheRedisUnavailableError` if Redis failed. */
  async invalidate(target: { key: string } | { tag: string }): Promise<void> {
    this.#open();
    if ('key' in target) {
      const key = checkName('target.key', target.key);
      try {
        await this.#auth.invalidateKey(key);
      } catch (err) {
        this.#mem?.delete(key);
        throw err;
      }
    } else {
      await this.#auth.applyTag(undefined, checkName('target.tag', target.tag), undefined);
    }
    this.#c.invalidations++;
  }

  /** Counters per tier and of the machinery; a copy. */
  stats(): CacheStats {
    return this.#c.snapshot({
      entries: this.#mem?.size ?? 0,
      bytes: this.#mem?.calculatedSize ?? 0,
      redis: this.#redis === undefined ? undefined : { breaker: this.#redis.breakerState },
      connected: this.#know.trusted,
    });
  }

  /**
   * Closes the cache: aborts loads in flight (their signal), gives up the feeds this process covers, closes the
   * connections it opened. Further calls reject with `CacheClosedError`.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort(new CacheClosedError());
    this.#mem?.clear();
    for (const set of this.#waiters.values()) for (const wake of set) wake();
    await this.coverage.close();
    await this.#auth.close();
  }

  // ---- reads ------------------------------------------------------------------------------------------------------

  async #slowRead<V>(key: string, options: ReadOptions<V>, local: MemEntry | undefined): Promise<V> {
    this.#open();
    checkName('key', key);
    if (typeof options !== 'object' || options === null || typeof options.load !== 'function') {
      throw new CacheArgumentError('options.load', 'must be a function');
    }
    const level = options.level ?? this.#level;
    if (level !== 'fast' && level !== 'strict')
      throw new CacheArgumentError('options.level', "must be 'fast' or 'strict'");
    const req: Request<V> = {
      key,
      load: options.load,
      tags: checkNames('options.tags', options.tags),
      feeds: checkNames('options.feeds', options.feeds),
      ttlMs: this.#ttl(options.ttlMs, 'options.ttlMs'),
      agrees: options.agrees,
    };
    if (this.#redis !== undefined && level === 'strict') return this.#strictRead(req, local);
    if (this.#mem !== undefined) this.#c.memory.misses++;
    const flight = this.#flights.get(key);
    if (flight !== undefined && this.#joinable(flight)) return flight.promise as Promise<V>;
    return this.#fly(req, this.#begin(key), undefined);
  }

  /** A strict read asks Redis first, presenting the stamp of what this process holds. */
  async #strictRead<V>(req: Request<V>, local: MemEntry | undefined): Promise<V> {
    const tracker = this.#begin(req.key);
    let handedOff = false;
    try {
      const held = local !== undefined && local.expiresAt > this.#clock.now() ? local : undefined;
      if (held !== undefined && held.feeds === undefined && this.#redis !== undefined) {
        // the common case costs one MGET: nothing advanced since the entry was filled
        const current = await this.#redis.check(req.key, held.kv, held.tags).catch(() => false);
        if (current) {
          this.#c.redis.hits++;
          this.#c.memory.hits++;
          return held.value as V;
        }
      }
      const answer = await this.#read(req, held?.stamp ?? 0, !this.#flights.has(req.key));
      if (answer === undefined) {
        const flight = this.#flights.get(req.key);
        if (flight !== undefined && this.#joinable(flight)) return (await flight.promise) as V;
        return await this.#loadUncached(req);
      }
      if (answer.kind === 'same' && held !== undefined) {
        this.#c.redis.hits++;
        this.#c.memory.hits++;
        return held.value as V;
      }
      if (this.#mem !== undefined) this.#c.memory.misses++;
      if (answer.kind === 'hit') return this.#fromShared(tracker, req.key, answer.entry) as V;
      if (answer.kind === 'same') return await this.#loadUncached(req); // cannot happen: stamp 0 matches nothing
      this.#c.redis.misses++;
      const flight = this.#flights.get(req.key);
      if (
        flight?.snapshot !== undefined &&
        flight.snapshot.kv === answer.snapshot.kv &&
        sameVersions(flight.snapshot, answer.snapshot) &&
        !Trackers.stale(flight, flight.snapshot.kv, this.#know.epoch)
      ) {
        return (await flight.promise) as V;
      }
      handedOff = true;
      return await this.#fly(req, tracker, answer.snapshot);
    } finally {
      if (!handedOff) this.#trackers.end(tracker);
    }
  }

  /** Starts the flight of a key (replacing a stale one in the registry) with a tracker already begun. */
  #fly<V>(req: Request<V>, tracker: Tracker, snapshot: Snapshot | undefined): Promise<V> {
    const flight = tracker as Flight;
    flight.snapshot = snapshot;
    const promise = this.#runFlight(flight, req).finally(() => {
      this.#trackers.end(flight);
      if (this.#flights.get(req.key) === flight) this.#flights.delete(req.key);
    });
    flight.promise = promise;
    this.#flights.set(req.key, flight);
    return promise;
  }

  async #runFlight<V>(flight: Flight, req: Request<V>): Promise<V> {
    let snap = flight.snapshot;
    if (snap === undefined) {
      const answer = await this.#read(req, 0, true);
      if (answer === undefined) return this.#loadUncached(req);
      if (answer.kind === 'hit') return this.#fromShared(flight, req.key, answer.entry) as V;
      if (answer.kind !== 'miss') return this.#loadUncached(req);
      if (this.#redis !== undefined) this.#c.redis.misses++;
      snap = answer.snapshot;
    }
    if (snap.lease === 'busy') {
      const waited = await this.#waitForHolder(flight, req, snap);
      if (waited.kind === 'value') return waited.value as V;
      snap = waited.snapshot;
    }
    flight.snapshot = snap;
    const lease = snap.lease === 'held';
    let value: V;
    try {
      this.#open(); // closed while waiting: no source call
      this.#c.source.loads++;
      value = await req.load(this.#abort.signal);
    } catch (err) {
      this.#c.source.errors++;
      if (lease) this.#release(req.key);
      throw err;
    }
    if (snap.pin !== undefined && !(req.agrees ?? sameState)(value, snap.pin.value as V)) {
      // the source still serves the state from before a write this cache recorded: it lags, the write stands
      this.#c.pins.refusals++;
      this.#refused();
      if (lease) this.#release(req.key);
      return deepFreeze(snap.pin.value) as V;
    }
    const json = this.#encodeOrReport(req.key, value);
    const uncovered = snap.feeds.some((f) => f[2] <= 0);
    if (json === undefined || uncovered || Trackers.stale(flight, snap.kv, this.#know.epoch)) {
      if (json !== undefined && !uncovered) this.#refused();
      if (lease) this.#release(req.key);
      return deepFreeze(value);
    }
    let filled: Awaited<ReturnType<Authority['fill']>>;
    try {
      filled = await this.#auth.fill(req.key, snap, json, req.ttlMs, true);
    } catch {
      return deepFreeze(value);
    }
    if (!filled.stored) {
      if (filled.reason === 'pin') this.#c.pins.refusals++;
      this.#refused();
      return deepFreeze(value);
    }
    if (this.#redis !== undefined) this.#c.redis.fills++;
    const fresh: Fresh = {
      value,
      stamp: filled.stamp,
      kv: snap.kv,
      tags: snap.tags,
      feeds: snap.feeds,
      ttlMs: req.ttlMs,
      bytes: json.length,
    };
    this.#storeLocal(flight, req.key, fresh);
    return deepFreeze(value);
  }

  /** Another process holds the fill lease: wait (bounded) for its fill, then read it, else fill ourselves. */
  async #waitForHolder<V>(
    flight: Flight,
    req: Request<V>,
    snap: Snapshot,
  ): Promise<{ kind: 'value'; value: unknown } | { kind: 'snapshot'; snapshot: Snapshot }> {
    this.#c.leaseWaits++;
    const deadline = this.#clock.now() + (this.#o.redis?.leaseWaitMs ?? 0);
    let current = snap;
    while (current.lease === 'busy' && !this.#closed) {
      const left = deadline - this.#clock.now();
      if (left <= 0) break;
      await this.#waitFilled(req.key, left);
      const answer = await this.#read(req, 0, true);
      if (answer === undefined) return { kind: 'value', value: await this.#loadUncached(req) };
      if (answer.kind === 'hit') return { kind: 'value', value: this.#fromShared(flight, req.key, answer.entry) };
      if (answer.kind === 'miss') current = answer.snapshot;
    }
    // the holder is slow or dead: ask the source ourselves (the fill is still checked against versions)
    return { kind: 'snapshot', snapshot: current.lease === 'busy' ? { ...current, lease: 'none' } : current };
  }

  #waitFilled(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.#waiters.get(key);
      if (set === undefined) {
        set = new Set();
        this.#waiters.set(key, set);
      }
      const waiters = set;
      const wake = (): void => {
        clearTimeout(timer);
        waiters.delete(wake);
        if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(1, Math.min(ms, POLL_MS)));
      waiters.add(wake);
    });
  }

  /** A value Redis holds and vouched for. */
  #fromShared(tracker: Tracker, key: string, entry: Fresh): unknown {
    this.#c.redis.hits++;
    const value = deepFreeze(entry.value);
    this.#storeLocal(tracker, key, entry);
    return value;
  }

  /** Redis is unavailable: ask the source and store nothing, since nothing stored could be verified. */
  async #loadUncached<V>(req: Request<V>): Promise<V> {
    this.#c.source.loads++;
    try {
      return deepFreeze(await req.load(this.#abort.signal));
    } catch (err) {
      this.#c.source.errors++;
      throw err;
    }
  }

  /** Reads from the authority; undefined when Redis is unavailable. */
  async #read(
    req: { key: string; tags: readonly string[]; feeds: readonly string[] },
    stamp: number,
    lease: boolean,
  ): Promise<ReadAnswer | undefined> {
    try {
      return await this.#auth.read(req.key, stamp, req.tags, req.feeds, lease);
    } catch (err) {
      if (err instanceof CacheRedisUnavailableError) return undefined;
      throw err;
    }
  }

  #release(key: string): void {
    this.#auth.release(key).catch(() => {
      // the lease expires by itself
    });
  }

  #begin(key: string): Tracker {
    return this.#trackers.begin(key, this.#know.epoch, this.#know.depChanges);
  }

  /**
   * Whether a read may share a flight: it began under the current epoch, and no newer version of its key, tags or
   * feeds has been heard since (when its snapshot is not known yet, no tag or feed advanced at all).
   */
  #joinable(flight: Flight): boolean {
    const know = this.#know;
    if (flight.epoch !== know.epoch || flight.seenKv > (flight.snapshot?.kv ?? 0)) return false;
    if (flight.depChanges === know.depChanges) return true;
    return flight.snapshot !== undefined && know.current(flight.snapshot.tags, flight.snapshot.feeds);
  }

  // ---- the in-process tier ----------------------------------------------------------------------------------------

  /** Stores what a tier answered, unless the process heard of anything newer while the answer was in flight. */
  #storeLocal(tracker: Tracker, key: string, fresh: Fresh): void {
    const mem = this.#mem;
    if (mem === undefined) return;
    const know = this.#know;
    const now = this.#clock.now();
    if (!know.trusted || Trackers.stale(tracker, fresh.kv, know.epoch) || !know.adopt(fresh.tags, fresh.feeds, now)) {
      this.#c.memory.staleFillsRefused++;
      return;
    }
    const prior = mem.peek(key);
    if (prior !== undefined && prior.kv > fresh.kv && prior.epoch === know.epoch) return;
    const entry: MemEntry = {
      value: deepFreeze(fresh.value),
      stamp: fresh.stamp,
      kv: fresh.kv,
      tags: fresh.tags.length === 0 ? undefined : fresh.tags,
      feeds: fresh.feeds.length === 0 ? undefined : fresh.feeds.map(([f, e]): Versioned => [f, e]),
      epoch: know.epoch,
      expiresAt: now + fresh.ttlMs,
      size: Math.max(1, fresh.bytes),
    };
    mem.set(key, entry);
    this.#c.memory.fills++;
  }

  /** Every change this process hears of, its own at once, others' from the bus. */
  #notice(n: Notice): void {
    switch (n.kind) {
      case 'key': {
        const e = this.#mem?.peek(n.name);
        if (e !== undefined && e.kv < n.version) this.#mem?.delete(n.name);
        this.#trackers.keyChanged(n.name, n.version);
        break;
      }
      case 'tag':
        this.#know.tagAdvanced(n.name, n.version);
        break;
      case 'feed':
        this.#know.feedAdvanced(n.name, n.version);
        break;
      case 'filled': {
        const set = this.#waiters.get(n.name);
        if (set !== undefined) for (const wake of [...set]) wake();
        break;
      }
      case 'flush':
        this.#bumpEpoch('flush');
        break;
    }
  }

  #bumpEpoch(reason: string): void {
    this.#know.epoch++;
    this.#c.epochBumps++;
    this.#logger.debug('cache: in-process tier epoch bumped', { reason, epoch: this.#know.epoch });
  }

  // ---- changes ----------------------------------------------------------------------------------------------------

  async #applyKey<V>(id: string, key: string, at: number, change: Change<V>): Promise<ApplyOutcome> {
    if ('invalidate' in change) {
      const answer = await this.#auth.applyKey(id, key, at, { mode: 'invalidate' });
      if (answer.outcome === 'applied') this.#c.invalidations++;
      return answer.outcome;
    }
    const tracker = this.#begin(key);
    try {
      let json: string;
      let deps: { tags: readonly string[]; feeds: readonly string[] };
      let expectKv: number | undefined;
      let ttlMs: number;
      if ('value' in change) {
        json = this.#encode(key, change.value);
        deps = { tags: checkNames('change.tags', change.tags), feeds: checkNames('change.feeds', change.feeds) };
        ttlMs = this.#ttl(change.ttlMs, 'change.ttlMs');
      } else if ('patch' in change && typeof change.patch === 'function') {
        const current = await this.#current(key);
        if (current === undefined) {
          const answer = await this.#auth.applyKey(id, key, at, { mode: 'invalidate' });
          if (answer.outcome === 'applied') this.#c.invalidations++;
          return answer.outcome;
        }
        json = this.#encode(key, change.patch(current.value as V));
        deps = { tags: current.tags.map(([t]) => t), feeds: current.feeds.map(([f]) => f) };
        expectKv = current.kv;
        ttlMs = change.ttlMs === undefined ? current.ttlMs : this.#ttl(change.ttlMs, 'change.ttlMs');
      } else {
        throw new CacheArgumentError('change', 'needs one of value, patch or invalidate');
      }
      const answer = await this.#auth.applyKey(
        id,
        key,
        at,
        expectKv === undefined ? { mode: 'value', json, deps, ttlMs } : { mode: 'cas', json, deps, ttlMs, expectKv },
      );
      if (answer.outcome === 'applied') {
        this.#c.invalidations++;
        if (answer.stored !== undefined) {
          this.#storeLocal(tracker, key, { ...answer.stored, value: JSON.parse(json), ttlMs, bytes: json.length });
        }
      }
      return answer.outcome;
    } finally {
      this.#trackers.end(tracker);
    }
  }

  /** The current value of a key for a patch: a valid in-process entry, else Redis' (authoritative) one. */
  async #current(
    key: string,
  ): Promise<
    { value: unknown; kv: number; tags: readonly Versioned[]; feeds: readonly Versioned[]; ttlMs: number } | undefined
  > {
    const now = this.#clock.now();
    const e = this.#mem?.get(key);
    if (this.#redis === undefined) {
      if (e === undefined || e.epoch !== this.#know.epoch || e.expiresAt <= now || !this.#know.depsValid(e, now)) {
        return undefined;
      }
      return { value: e.value, kv: e.kv, tags: e.tags ?? [], feeds: e.feeds ?? [], ttlMs: e.expiresAt - now };
    }
    try {
      const answer = await this.#redis.read(key, e?.stamp ?? 0, [], [], false);
      if (answer.kind === 'same' && e !== undefined) {
        return {
          value: e.value,
          kv: e.kv,
          tags: e.tags ?? [],
          feeds: e.feeds ?? [],
          ttlMs: Math.max(1, e.expiresAt - now),
        };
      }
      if (answer.kind === 'hit') {
        const s = answer.entry;
        return {
          value: deepFreeze(s.value),
          kv: s.kv,
          tags: s.tags,
          feeds: s.feeds.map(([f, ep]): Versioned => [f, ep]),
          ttlMs: Math.max(1, s.ttlMs),
        };
      }
      return undefined;
    } catch (err) {
      if (err instanceof CacheRedisUnavailableError) return undefined;
      throw err;
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  #refused(): void {
    if (this.#redis !== undefined) this.#c.redis.staleFillsRefused++;
    else this.#c.memory.staleFillsRefused++;
  }

  #encode(key: string, value: unknown): string {
    try {
      return encodeValue(key, value, this.#o.maxValueBytes);
    } catch (err) {
      if (err instanceof CacheValueTooLargeError) this.#c.oversized++;
      throw err;
    }
  }

  /** Encodes a loaded value; one that cannot be stored is reported and returned uncached, never thrown at a read. */
  #encodeOrReport(key: string, value: unknown): string | undefined {
    try {
      return this.#encode(key, value);
    } catch (err) {
      this.#logger.warn('cache: loaded value not stored', {
        key,
        error: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
  }

  #ttl(ttlMs: number | undefined, field: string): number {
    if (ttlMs === undefined) return this.#o.defaultTtlMs;
    if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new CacheArgumentError(field, 'must be a positive integer');
    return ttlMs;
  }

  #at(at: number | undefined, field: string, optional: boolean): number | undefined {
    if (at === undefined && optional) return undefined;
    if (typeof at !== 'number' || !Number.isFinite(at)) throw new CacheArgumentError(field, 'must be a finite number');
    return at;
  }

  #open(): void {
    if (this.#closed) throw new CacheClosedError();
  }
}

function sameVersions(a: Snapshot, b: Snapshot): boolean {
  if (a.tags.length !== b.tags.length || a.feeds.length !== b.feeds.length) return false;
  for (let i = 0; i < a.tags.length; i++) if (a.tags[i]?.[1] !== b.tags[i]?.[1]) return false;
  for (let i = 0; i < a.feeds.length; i++) if (a.feeds[i]?.[1] !== b.feeds[i]?.[1]) return false;
  return true;
}

/** Creates a cache; see {@link CacheOptions} for the defaults. Throws `CacheArgumentError` for bad options. */
export function createCache(options?: CacheOptions): Cache {
  return new Cache(options);
}
