import type { ReadAnswer, Snapshot } from './authority.js';
import type { Context, Fresh } from './context.js';
import { CacheArgumentError, CacheRedisUnavailableError } from './errors.js';
import type { MemEntry } from './knowledge.js';
import { checkName, checkNames } from './names.js';
import { type Tracker, Trackers } from './trackers.js';
import type { LoadInfo, ReadOptions } from './types.js';
import { deepFreeze, sameState } from './values.js';

/** A read's arguments, validated. */
interface Request<V> {
  key: string;
  load: (signal: AbortSignal, info: LoadInfo) => Promise<V>;
  tags: readonly string[];
  feeds: readonly string[];
  ttlMs: number;
  agrees: ((loaded: V, pinned: V) => boolean) | undefined;
  merge: ((loaded: V, pinned: V, scope: readonly string[]) => V) | undefined;
}

/** A fill in flight: the one source call of its key in this process. */
interface Flight extends Tracker {
  promise: Promise<unknown>;
  snapshot: Snapshot | undefined;
  /**
   * A newer flight of the key replaced this one: its answer may be older than the newer one's, which may be stored
   * first, so it must not be stored after it (reads stay monotonic).
   */
  superseded: boolean;
}

/** How often a process waiting for another's fill looks again, at most. */
const POLL_MS = 100;

/**
 * Everything a read does after the in-process tier could not answer it: ask Redis (a plain HMGET for values without
 * dependencies, a script otherwise), share one source call per key (single flight), wait for another process's fill
 * under its lease, and store the answer only if nothing changed since the read began.
 */
export class Reader {
  readonly #x: Context;
  readonly #flights = new Map<string, Flight>();
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(context: Context) {
    this.#x = context;
  }

  /** A read the in-process tier did not answer; `local` is the entry it held, if any. */
  async read<V>(key: string, options: ReadOptions<V>, local: MemEntry | undefined): Promise<V> {
    const x = this.#x;
    x.open();
    checkName('key', key);
    if (typeof options !== 'object' || options === null || typeof options.load !== 'function') {
      throw new CacheArgumentError('options.load', 'must be a function');
    }
    const level = options.level ?? x.o.readLevel;
    if (level !== 'fast' && level !== 'strict') {
      throw new CacheArgumentError('options.level', "must be 'fast' or 'strict'");
    }
    const req: Request<V> = {
      key,
      load: options.load,
      tags: checkNames('options.tags', options.tags),
      feeds: checkNames('options.feeds', options.feeds),
      ttlMs: x.ttl(options.ttlMs, 'options.ttlMs'),
      agrees: options.agrees,
      merge: options.merge,
    };
    if (req.merge !== undefined && typeof req.merge !== 'function') {
      throw new CacheArgumentError('options.merge', 'must be a function');
    }
    if (x.pending.size > 0 && x.pending.affects(key, req.tags)) {
      // Redis may still hold the state from before a change it could not record: record it first, or ask the source
      await x.pending.flush(x.auth);
      if (x.pending.affects(key, req.tags)) return this.#loadUncached(req);
    }
    if (x.redis !== undefined && level === 'strict') return this.#strict(req, local);
    if (x.mem !== undefined) x.c.memory.misses++;
    const flight = this.#flights.get(key);
    if (flight !== undefined && this.#joinable(flight)) return flight.promise as Promise<V>;
    return this.#fly(req, x.begin(key), undefined);
  }

  /** Another process stored a fill this one may be waiting for. */
  filled(key: string): void {
    const set = this.#waiters.get(key);
    if (set !== undefined) for (const wake of [...set]) wake();
  }

  /** Wakes every waiter (the cache is closing). */
  wakeAll(): void {
    for (const set of this.#waiters.values()) for (const wake of [...set]) wake();
  }

  /** A strict read asks Redis first: an MGET of versions for an entry it holds, else a script call. */
  async #strict<V>(req: Request<V>, local: MemEntry | undefined): Promise<V> {
    const x = this.#x;
    const tracker = x.begin(req.key);
    let handedOff = false;
    try {
      const held = local !== undefined && local.expiresAt > x.clock.now() ? local : undefined;
      if (held !== undefined && held.feeds === undefined && x.redis !== undefined) {
        if (await x.redis.check(req.key, held.kv, held.tags).catch(() => false)) {
          x.c.redis.hits++;
          x.c.memory.hits++;
          return held.value as V;
        }
      }
      const answer = await this.#ask(req, held?.stamp ?? 0, !this.#flights.has(req.key));
      if (answer === undefined) {
        const flight = this.#flights.get(req.key);
        if (flight !== undefined && this.#joinable(flight)) return (await flight.promise) as V;
        return await this.#loadUncached(req);
      }
      if (answer.kind === 'same' && held !== undefined) {
        x.c.redis.hits++;
        x.c.memory.hits++;
        return held.value as V;
      }
      if (x.mem !== undefined) x.c.memory.misses++;
      if (answer.kind === 'hit') return this.#fromShared(tracker, req.key, answer.entry) as V;
      if (answer.kind === 'same') return await this.#loadUncached(req); // cannot happen: stamp 0 matches nothing
      x.c.redis.misses++;
      this.#observed(req.key, answer.snapshot.kv, answer.snapshot.tags, answer.snapshot.feeds);
      const flight = this.#flights.get(req.key);
      if (
        flight?.snapshot !== undefined &&
        flight.snapshot.kv === answer.snapshot.kv &&
        sameVersions(flight.snapshot, answer.snapshot) &&
        !Trackers.stale(flight, flight.snapshot.kv, x.know.epoch)
      ) {
        return (await flight.promise) as V;
      }
      handedOff = true;
      return await this.#fly(req, tracker, answer.snapshot);
    } finally {
      if (!handedOff) x.trackers.end(tracker);
    }
  }

  /** Starts the flight of a key (replacing a stale one in the registry) with a tracker already begun. */
  #fly<V>(req: Request<V>, tracker: Tracker, snapshot: Snapshot | undefined): Promise<V> {
    const flight = tracker as Flight;
    flight.snapshot = snapshot;
    flight.superseded = false;
    const previous = this.#flights.get(req.key);
    if (previous !== undefined) previous.superseded = true;
    const promise = this.#run(flight, req).finally(() => {
      this.#x.trackers.end(flight);
      if (this.#flights.get(req.key) === flight) this.#flights.delete(req.key);
    });
    flight.promise = promise;
    this.#flights.set(req.key, flight);
    return promise;
  }

  async #run<V>(flight: Flight, req: Request<V>): Promise<V> {
    const x = this.#x;
    let snap = flight.snapshot;
    if (snap === undefined && x.redis !== undefined && req.tags.length === 0 && req.feeds.length === 0) {
      const entry = await x.redis.peek(req.key, x.clock.now()).catch(() => undefined);
      if (entry !== undefined) return this.#fromShared(flight, req.key, entry) as V;
    }
    if (snap === undefined) {
      const answer = await this.#ask(req, 0, true);
      if (answer === undefined) return this.#loadUncached(req);
      if (answer.kind === 'hit') return this.#fromShared(flight, req.key, answer.entry) as V;
      if (answer.kind !== 'miss') return this.#loadUncached(req);
      if (x.redis !== undefined) x.c.redis.misses++;
      snap = answer.snapshot;
      if (x.redis !== undefined) this.#observed(req.key, snap.kv, snap.tags, snap.feeds);
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
      x.open(); // closed while waiting: no source call
      x.c.source.loads++;
      value = await req.load(x.abort.signal, { at: snap.at, feeds: snap.feeds.map(([f, e]) => [f, e] as const) });
    } catch (err) {
      x.c.source.errors++;
      if (lease) this.#release(req.key);
      throw err;
    }
    let agreement: true | 'same' = true;
    const ttlMs = req.ttlMs;
    const pin = snap.pin;
    const agrees = req.agrees ?? sameState;
    if (pin !== undefined && !agrees(value, pin.value as V)) {
      if (pin.scope !== undefined && req.merge !== undefined) {
        // The pin holds some parts only: the pinned state for those, the source's answer for the rest (a change the
        // pin is not about, whose notification was lost, say, reaches the cache while the pin holds). When merging
        // changes nothing, the source agrees with every part the pin holds, and the pin ends.
        const merged = req.merge(value, structuredClone(pin.value) as V, pin.scope);
        if (!agrees(value, merged)) {
          x.c.pins.merges++;
          value = merged;
          agreement = 'same';
        }
      } else {
        if (req.agrees === undefined || !sameState(value, pin.value)) {
          // The source still serves the state from before a write this cache recorded: it lags, the write stands.
          // The pinned state is the answer, and it is stored like a fill (only if nothing changed since the read
          // began, the pin staying until the source agrees): otherwise every read of the key would ask the source
          // again for as long as it lags. The source was asked after the read began, so restart safety holds too.
          x.c.pins.refusals++;
          // a copy: the authority may hand the same pinned object to other reads, each with its own basis
          value = structuredClone(pin.value) as V;
        }
        // The load equals the pinned state, but the caller says the source has not caught up with it (it laid a
        // state it knows over a lagging answer): stored, and the pin stays until the source itself agrees.
        agreement = 'same';
      }
    }
    const json = this.#encodeOrReport(req.key, value);
    const uncovered = snap.feeds.some((f) => f[2] <= 0);
    if (json === undefined || uncovered || flight.superseded || Trackers.stale(flight, snap.kv, x.know.epoch)) {
      if (json !== undefined && !uncovered) x.refused();
      if (lease) this.#release(req.key);
      return this.#unstored(value, snap);
    }
    let filled: Awaited<ReturnType<Context['auth']['fill']>>;
    try {
      filled = await x.auth.fill(req.key, snap, json, ttlMs, agreement);
    } catch {
      return this.#unstored(value, snap);
    }
    if (!filled.stored) {
      if (filled.reason === 'pin') x.c.pins.refusals++;
      x.refused();
      return this.#unstored(value, snap);
    }
    if (x.redis !== undefined) x.c.redis.fills++;
    if (x.mem === undefined) x.know.noteBasis(value, snap.feeds);
    x.mem?.store(flight, req.key, {
      value,
      stamp: filled.stamp,
      kv: snap.kv,
      tags: snap.tags,
      feeds: snap.feeds,
      ttlMs,
      bytes: json.length,
    });
    return deepFreeze(value);
  }

  /**
   * A value returned without being stored: it carries the feed epochs its read began under, a feed that was not
   * covered then as an epoch that never holds, so that a change built on it is not stored as if read after a gap.
   */
  #unstored<V>(value: V, snap: Snapshot): V {
    const frozen = deepFreeze(value);
    this.#x.know.noteBasis(
      frozen,
      snap.feeds.map(([f, e, covered]) => [f, covered > 0 ? e : -1] as const),
    );
    return frozen;
  }

  /** Another process holds the fill lease: wait (bounded) for its fill, then read it, else fill ourselves. */
  async #waitForHolder<V>(
    flight: Flight,
    req: Request<V>,
    snap: Snapshot,
  ): Promise<{ kind: 'value'; value: unknown } | { kind: 'snapshot'; snapshot: Snapshot }> {
    const x = this.#x;
    x.c.leaseWaits++;
    const deadline = x.clock.now() + (x.o.redis?.leaseWaitMs ?? 0);
    let current = snap;
    while (current.lease === 'busy' && !x.closed) {
      const left = deadline - x.clock.now();
      if (left <= 0) break;
      await this.#waitFilled(req.key, left);
      const answer = await this.#ask(req, 0, true);
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
    const x = this.#x;
    x.c.redis.hits++;
    const value = deepFreeze(entry.value);
    this.#observed(key, entry.kv, entry.tags, entry.feeds);
    x.know.noteBasis(value, entry.feeds);
    x.mem?.store(tracker, key, entry);
    return value;
  }

  /**
   * What an answer from the authority showed: versions this process may not have heard of yet over the bus. Acting on
   * them at once keeps reads monotonic: no later fast read returns what this read already saw replaced.
   */
  #observed(key: string, kv: number, tags: Snapshot['tags'], feeds: Snapshot['feeds']): void {
    const x = this.#x;
    x.mem?.observed(key, kv);
    for (const [tag, v] of tags) x.know.tagAdvanced(tag, v);
    for (const [feed, e] of feeds) x.know.feedAdvanced(feed, e);
  }

  /** Redis is unavailable: ask the source and store nothing, since nothing stored could be verified. */
  async #loadUncached<V>(req: Request<V>): Promise<V> {
    const x = this.#x;
    x.open();
    x.c.source.loads++;
    try {
      const value = deepFreeze(
        await req.load(x.abort.signal, { at: undefined, feeds: req.feeds.map((f) => [f, -1] as const) }),
      );
      // nothing vouches for when it was read: a change built on it is not stored
      x.know.noteBasis(
        value,
        req.feeds.map((f) => [f, -1] as const),
      );
      return value;
    } catch (err) {
      x.c.source.errors++;
      throw err;
    }
  }

  /** Asks the authority; undefined when Redis is unavailable. */
  async #ask(
    req: Pick<Request<unknown>, 'key' | 'tags' | 'feeds'>,
    stamp: number,
    lease: boolean,
  ): Promise<ReadAnswer | undefined> {
    try {
      return await this.#x.auth.read(req.key, stamp, req.tags, req.feeds, lease);
    } catch (err) {
      if (err instanceof CacheRedisUnavailableError) return undefined;
      throw err;
    }
  }

  #release(key: string): void {
    this.#x.auth.release(key).catch(() => {
      // the lease expires by itself
    });
  }

  /**
   * Whether a read may share a flight: it began under the current epoch, its feeds were covered and this process has
   * not changed their coverage since, and no newer version of its key, tags or feeds has been heard since (when its
   * snapshot is not known yet, no tag or feed advanced at all, and its source call has not begun).
   */
  #joinable(flight: Flight): boolean {
    const know = this.#x.know;
    const snap = flight.snapshot;
    if (flight.epoch !== know.epoch || flight.seenKv > (snap?.kv ?? 0)) return false;
    // A load begun while a feed was not covered, or before this process changed a feed's coverage, is not shared:
    // coverage may have come back since (in this process before Redis answered, or in another one before the bus
    // said so), and a read after a gap must be answered by the source asked after it, not during it. Such a load
    // stores nothing anyway (its feed epoch is outdated or uncovered), so sharing it saves only a source call.
    if (snap !== undefined) {
      for (const [feed, e, c] of snap.feeds) if (c <= 0 || know.changedSince(feed, e, flight.depChanges)) return false;
    }
    if (flight.depChanges === know.depChanges) return true;
    return snap !== undefined && know.current(snap.tags, snap.feeds);
  }

  /** Encodes a loaded value; one that cannot be stored is reported and returned uncached, never thrown at a read. */
  #encodeOrReport(key: string, value: unknown): string | undefined {
    try {
      return this.#x.encode(key, value);
    } catch (err) {
      this.#x.logger.warn('cache: loaded value not stored', {
        key,
        error: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
  }
}

function sameVersions(a: Snapshot, b: Snapshot): boolean {
  if (a.tags.length !== b.tags.length || a.feeds.length !== b.feeds.length) return false;
  for (let i = 0; i < a.tags.length; i++) if (a.tags[i]?.[1] !== b.tags[i]?.[1]) return false;
  for (let i = 0; i < a.feeds.length; i++) if (a.feeds[i]?.[1] !== b.feeds[i]?.[1]) return false;
  return true;
}
