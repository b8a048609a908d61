/**
 * The cached-read core of the Client: builds the cache key of a catalog read (per reading user when the answer
 * depends on the user), loads through Helix with what this process knows to be newer laid over the answer, writes
 * through after a write, and applies events. Resource classes (`client.channels`, ...) are thin over this.
 */

import { randomUUID } from 'node:crypto';
import {
  type ApplyOutcome,
  CacheRedisUnavailableError,
  type LoadInfo,
  type Op,
  type ReadLevel,
  sameState,
} from '@twitchify/cache';
import { catalogEntry } from '../catalog/catalog.js';
import type { CatalogEntry, ResourceKind } from '../catalog/types.js';
import type { CachePort } from './cache-port.js';
import type { KnownStates } from './known-states.js';
import { WriteInFlight } from './write-in-flight.js';

/** What the resource layer tells the Client while it works (feeds to subscribe, loads made), for wiring and tests. */
export interface ResourceHooks {
  /** A read of `entry` for broadcaster/user `id` by `reader` is in use: the Client makes sure its feeds run. */
  feedsFor(entry: CatalogEntry, id: string, reader: string | undefined): readonly string[];
  /** A Helix load of `key` is starting (instrumentation). */
  onLoad?(resourceKey: string): void;
  /**
   * The TTL for a fill under `feeds` with the entry's ceiling `ttlMs`: shorter while a feed has only just started
   * (or resumed) covering, because Helix may still serve a state whose change was announced before anybody listened.
   */
  ttlFor?(feeds: readonly string[], ttlMs: number): number;
  /** A failure that loses nothing but should be reported (a write window Redis could not record, say). */
  onError?(error: unknown): void;
}

/** Options of one cached read. */
export interface CachedReadOptions {
  /** Read level for this call; default: the Client's. */
  level?: ReadLevel;
  /** The user whose token reads (user-scoped reads); default: the Client's user. */
  asUser?: string;
  signal?: AbortSignal;
}

/**
 * How long an event that carries the new state is held against a lagging Helix in every process sharing the cache
 * (as a write's pin): a fill that disagrees with it inside the window is Twitch lagging, refused. It ends earlier
 * when Helix agrees or a newer change arrives.
 */
const EVENT_PIN_MS = 15_000;

/**
 * The field naming a member of each list read whose changes are made one member at a time. These reads go through
 * the coherence model (`Cache.keys`): each change is recorded as a member added or removed, which commutes with
 * changes of the other members, and every read lays the changes Helix may not show yet over its answer.
 */
const MEMBER_ID: Partial<Record<ResourceKind, string>> = {
  vips: 'userId',
  moderators: 'userId',
  bans: 'userId',
  rewards: 'id',
};

/** An event's (or member write's) change of one cached copy, as `ResourceCache.#patch` applies it. */
interface KeyChange<V> {
  kind: ResourceKind;
  key: string;
  tags: readonly string[];
  change: { id: string; at: number };
  apply: (old: V) => V;
  agrees: (loaded: V) => boolean;
  pinMs: number;
}

/** How long a write may go unanswered before its record is given up (its writer may have died). */
const WRITE_OPEN_MS = 15_000;
/** How long an answered write waits for its own event to give its place in Twitch's order. */
const WRITE_HOLD_MS = 15_000;

export class ResourceCache {
  readonly cache: CachePort;
  readonly known: KnownStates;
  readonly #hooks: ResourceHooks;
  readonly #level: ReadLevel;
  readonly #entries = new Map<ResourceKind, CatalogEntry>();
  /** Per cache key: how to load it (to build an event's state on the current one, see `patch`). */
  readonly #loaders = new Map<
    string,
    { entry: CatalogEntry; id: string; reader: string | undefined; load: (signal: AbortSignal) => Promise<unknown> }
  >();
  /**
   * Changes in flight (an event's patch, a write-through), per cache key. With Redis a change takes a round trip
   * or two; until it lands, this process's memory tier still holds the state before it, so reads of the key made
   * meanwhile wait for it: a process never reads past an event it received or a write it made.
   */
  readonly #inflight = new Map<string, Promise<unknown>>();
  /** Per resource key of a user-scoped read: the readers holding a copy, so events reach every copy. */
  readonly #readers = new Map<string, Set<string>>();

  /**
   * Per cache key: the state its latest Helix load returned and the feed epochs that load was made under. A value
   * built on that state is stored only if those epochs still hold (`basedOn`): a base read during a coverage gap is
   * never stored as if it were read after the gap.
   */
  readonly #basis = new Map<string, { value: unknown; info: LoadInfo }>();

  /** Loaded states with a known state laid over (see the `agrees` of `#cacheRead`). */
  readonly #overlaid = new WeakSet<object>();

  readonly #clock: { now(): number };

  constructor(
    cache: CachePort,
    known: KnownStates,
    hooks: ResourceHooks,
    level: ReadLevel,
    clock: { now(): number } = { now: () => Date.now() },
    sourceLagMs = 5_000,
  ) {
    this.cache = cache;
    this.known = known;
    this.#hooks = hooks;
    this.#level = level;
    this.#clock = clock;
    this.#sourceLagMs = Math.max(1, sourceLagMs);
  }

  /** How long Helix may serve a state older than a change (see `ClientOptions.sourceLagMs`). */
  readonly #sourceLagMs: number;

  /**
   * Call right before sending a write of resource `kind:id` to Twitch (`sentAt`: when it was sent, if earlier). Opens
   * a write window on every cached copy of the resource (see WriteInFlight), unless the resource is a list changed
   * one member at a time (such changes commute: nothing needs their order). The returned handle orders the write:
   * pass it to {@link writeThrough}; call `answered()` when Twitch answers and {@link endWrite} in a `finally`.
   */
  async beginWrite(kind: ResourceKind, id: string, sentAt = this.#clock.now()): Promise<WriteInFlight> {
    const write = new WriteInFlight(`${kind}:${id}`, sentAt, this.#clock);
    await Promise.all(
      this.copies(kind, id).map(async (key) => {
        try {
          write.windows.set(key, await this.cache.openWindow(key, { from: sentAt }));
        } catch (err) {
          // Redis could not record it: the write goes on, ordered by when it was sent (as without windows)
          this.#hooks.onError?.(err);
        }
      }),
    );
    return write;
  }

  /** The write's call is over: windows it did not end by a write-through (it failed, or wrote nothing) close. */
  async endWrite(write: WriteInFlight): Promise<void> {
    const open = [...write.windows];
    write.windows.clear();
    await Promise.all(
      open.map(([key, id]) => this.cache.closeWindow(key, id).catch((err: unknown) => this.#hooks.onError?.(err))),
    );
  }

  /**
   * Sends a write of resource `kind:id` and writes its result through, ordered against events (see WriteInFlight).
   * `change` builds the state change from Twitch's answer (undefined: nothing to write through).
   */
  async written<R, V>(
    kind: ResourceKind,
    id: string,
    send: () => Promise<R>,
    change: (answer: R) => { apply: (old: V) => V; agrees: (loaded: V) => boolean } | undefined,
    current: (key: string) => Promise<V>,
  ): Promise<R> {
    const write = await this.beginWrite(kind, id);
    try {
      const answer = await send();
      write.answered();
      const c = change(answer);
      if (c !== undefined) await this.writeThrough(write, c.apply, c.agrees, current);
      return answer;
    } finally {
      await this.endWrite(write);
    }
  }

  entry(kind: ResourceKind): CatalogEntry {
    let e = this.#entries.get(kind);
    if (!e) {
      e = catalogEntry(kind);
      if (!e) throw new Error(`no catalog entry for ${kind}`);
      this.#entries.set(kind, e);
    }
    return e;
  }

  /**
   * The cache key: the resource key, and the reader for user-scoped reads and for a user's read of itself where
   * the entry has private fields (see `CatalogEntry.privateFields`).
   */
  cacheKey(entry: CatalogEntry, id: string, reader: string | undefined): string {
    const base = `${entry.kind}:${id}`;
    if (entry.userScoped) return `${base}@${reader ?? '-'}`;
    return entry.privateFields !== undefined && reader === id ? `${base}@${id}` : base;
  }

  /** Every cache key currently holding a copy of resource `kind:id`. */
  copies(kind: ResourceKind, id: string): string[] {
    const entry = this.entry(kind);
    const base = `${kind}:${id}`;
    const own = [...(this.#readers.get(base) ?? [])].map((r) => `${base}@${r}`);
    return entry.userScoped ? own : [base, ...own];
  }

  /**
   * `value` as it may be stored under `key`: without the entry's private fields unless `key` is the key of one
   * reader (the same object when it has none of them).
   */
  #storable<V>(entry: CatalogEntry, key: string, value: V): V {
    const fields = entry.privateFields;
    if (fields === undefined || key.includes('@') || typeof value !== 'object' || value === null) return value;
    if (!fields.some((f) => f in value)) return value;
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const f of fields) delete out[f];
    return out as V;
  }

  /** Reads `kind:id` through the cache; `load` asks Helix. */
  read<V>(
    kind: ResourceKind,
    id: string,
    reader: string | undefined,
    load: (signal: AbortSignal) => Promise<V>,
    options: CachedReadOptions | undefined,
  ): Promise<V> {
    const entry = this.entry(kind);
    if (MEMBER_ID[kind] !== undefined) return this.#modelRead(entry, id, reader, load, options);
    const key = this.cacheKey(entry, id, reader);
    const base = `${kind}:${id}`;
    if (key !== base) {
      let set = this.#readers.get(base);
      if (!set) {
        set = new Set();
        this.#readers.set(base, set);
      }
      set.add(reader ?? '-');
    }
    const feeds = this.#hooks.feedsFor(entry, id, reader);
    if (!this.#loaders.has(key)) this.#loaders.set(key, { entry, id, reader, load });
    const pending = this.#inflight.get(key);
    if (pending) return pending.then(() => this.read(kind, id, reader, load, options));
    return this.#cacheRead(key, entry, id, feeds, load, options?.level ?? this.#level);
  }

  /** The cache read of `key` (loads through Helix with the known states laid over), without waiting for changes. */
  #cacheRead<V>(
    key: string,
    entry: CatalogEntry,
    id: string,
    feeds: readonly string[],
    load: (signal: AbortSignal) => Promise<V>,
    level: ReadLevel,
  ): Promise<V> {
    const base = `${entry.kind}:${id}`;
    const ttlMs = this.#hooks.ttlFor ? this.#hooks.ttlFor(feeds, entry.ttlMs) : entry.ttlMs;
    return this.cache.read<V>(key, {
      load: async (signal, info) => {
        this.#hooks.onLoad?.(base);
        const loaded = this.#storable(entry, key, await load(signal));
        const value = this.#storable(entry, key, this.known.overlay(base, loaded, info?.at));
        if (value !== loaded && typeof value === 'object' && value !== null) this.#overlaid.add(value);
        if (info !== undefined) this.#basis.set(key, { value, info });
        return value;
      },
      // A pin ends when *Helix* agrees with it: an answer with a known state laid over is Helix still lagging
      // behind that state, even when the result equals the pinned one (ending the pin then would let another
      // process, which does not know that state, fill Helix's lagging answer).
      agrees: (loaded, pinned) => !this.#overlaid.has(loaded as object) && sameState(loaded, pinned),
      ttlMs,
      tags: [base, `user:${id}`],
      feeds,
      level,
    });
  }

  /**
   * After a write that Twitch acknowledged: remembers the written fields (so a lagging Helix cannot bring back the
   * old state) and writes the new state through, pinned, for every copy of the resource.
   */
  async writeThrough<V>(
    write: WriteInFlight,
    apply: (old: V) => V,
    agrees: (loaded: V) => boolean,
    current: (key: string) => Promise<V>,
  ): Promise<void> {
    const split = write.base.indexOf(':');
    const kind = write.base.slice(0, split) as ResourceKind;
    const id = write.base.slice(split + 1);
    // Ordered by when the write was sent, which is before Twitch committed it: an event for a change committed
    // after this write (timestamped at or after its commit) orders after it. Events timestamped between sending and
    // the answer wait for the write's own event (see WriteInFlight).
    const at = write.sentAt;
    const keys = this.copies(kind, id);
    this.known.remember<V>(write.base, at, apply, agrees);
    const ttlMs = this.entry(kind).ttlMs;
    await Promise.all(
      keys.map(async (key) => {
        // Read the current state first (outside the tracking: the read itself would wait for the change).
        const base = await current(key);
        const next = this.#storable(this.entry(kind), key, apply(base));
        const basedOn = this.#basedOn(key, base);
        // Written with the read's feeds: a coverage gap revalidates the value in every process sharing the cache
        // (nothing from before a gap is served before Helix was asked again), while the pin, which depends on tags
        // only, outlives the gap and keeps refusing Helix's lagging answer.
        const feeds = this.#feedsOf(key);
        // ends the key's window: events timestamped up to Twitch's answer stay held until this write's own event
        const window = write.endWindow(key);
        await this.#track(key, () =>
          this.cache
            .write(key, next, {
              at,
              tags: [`${kind}:${id}`, `user:${id}`],
              feeds,
              ttlMs,
              ...(basedOn === undefined ? {} : { basedOn }),
              ...(window === undefined ? {} : { window }),
            })
            .catch((err: unknown) => {
              // Twitch has the write: the call succeeds. The cache dropped the key here and records the write once
              // Redis is back (until then this process reads Helix, with the write laid over as a known state).
              if (!(err instanceof CacheRedisUnavailableError)) throw err;
              this.#hooks.onError?.(err);
            }),
        );
      }),
    );
  }

  /** Runs a change of `key`, making reads of the key wait for it (see `#inflight`). */
  #track<T>(key: string, run: () => Promise<T>): Promise<T> {
    const previous = this.#inflight.get(key);
    const job = (previous ? previous.then(run, run) : run()).finally(() => {
      if (this.#inflight.get(key) === job) this.#inflight.delete(key);
    });
    this.#inflight.set(key, job);
    return job;
  }

  /**
   * An event that carries (part of) the new state: patches every cached copy and remembers it for later loads.
   * `id` is the event's message id (duplicates change nothing), `at` its timestamp (older changes are ignored).
   */
  async patch<V>(
    kind: ResourceKind,
    id: string,
    change: { id: string; at: number },
    apply: (old: V) => V,
    agrees: (loaded: V) => boolean,
  ): Promise<void> {
    await this.#patch(kind, id, `${kind}:${id}`, change, apply, agrees);
  }

  async #patch<V>(
    kind: ResourceKind,
    id: string,
    base: string,
    change: { id: string; at: number },
    apply: (old: V) => V,
    agrees: (loaded: V) => boolean,
  ): Promise<void> {
    const keys = this.copies(kind, id);
    this.known.remember<V>(base, change.at, apply, agrees);
    const tags = [base, `user:${id}`];
    const pinMs = EVENT_PIN_MS;
    await Promise.all(
      keys.map(async (key) => {
        // Held while it may have been committed before or after a write in flight (see WriteInFlight), untracked:
        // until its order is known the event is not received, and reads go on with the state before it.
        const plan: KeyChange<V> = { kind, key, tags, change, apply, agrees, pinMs };
        while ((await this.#patchKey(plan)) === 'held') {
          await this.cache.windowsSettled(key);
        }
      }),
    );
  }

  /** One attempt at an event's change of one copy (see `#patch`). */
  #patchKey<V>({ kind, key, tags, change, apply, agrees, pinMs }: KeyChange<V>): Promise<ApplyOutcome> {
    // Tracked from the moment the event is received: reads of the key in this process wait for the change.
    return this.#track(key, async () => {
      // The event's state is recorded as a pinned change, built on the current state (a cache hit, or Helix
      // with the known states, this event's included, laid over), so that a process that has not received the
      // event yet cannot fill Helix's lagging answer: the pin refuses it in every process. Ordered by `at`
      // and deduplicated by id in the cache (an older event arriving late changes nothing). 'ignored' is not
      // acted on: with several processes it mostly means another process applied the same change first (its
      // copy of the event has another message id and the same timestamp).
      // `settles`: this is a write's own event when the written state has its fields (see WriteInFlight)
      const l = this.#loaders.get(key);
      const cur = l === undefined ? undefined : await this.#current<V>(key, l);
      const entry = this.entry(kind);
      if (cur === undefined) {
        return this.cache.apply<V>({
          id: `${change.id}:${key}`,
          at: change.at,
          key,
          patch: (old) => this.#storable(entry, key, apply(old)),
          pinMs,
          settles: agrees,
        });
      }
      const feeds = this.#feedsOf(key);
      const value = this.#storable(entry, key, apply(cur.value));
      const basedOn = this.#basedOn(key, cur.value);
      return this.cache.apply<V>({
        ...(basedOn === undefined ? {} : { basedOn }),
        id: `${change.id}:${key}`,
        at: change.at,
        key,
        value,
        tags,
        feeds,
        ttlMs: this.entry(kind).ttlMs,
        pinMs,
        settles: agrees,
      });
    });
  }

  /**
   * A read of a list changed one member at a time, through the coherence model: one key per list, the reader as the
   * variant (its base is Helix's answer to that reader), the changes recorded since laid over it.
   */
  #modelRead<V>(
    entry: CatalogEntry,
    id: string,
    reader: string | undefined,
    load: (signal: AbortSignal) => Promise<V>,
    options: CachedReadOptions | undefined,
  ): Promise<V> {
    const base = `${entry.kind}:${id}`;
    const feeds = this.#hooks.feedsFor(entry, id, reader);
    const ttlFor = this.#hooks.ttlFor;
    // when the answer is stored: a feed may have started covering while the load ran
    const ttlMs = ttlFor === undefined ? entry.ttlMs : () => ttlFor(feeds, entry.ttlMs);
    return this.cache.keys.read<V>(base, {
      load: () => {
        this.#hooks.onLoad?.(base);
        return load(this.#never);
      },
      variant: reader ?? '-',
      ttlMs,
      feeds,
      fresh: (options?.level ?? this.#level) === 'strict',
    });
  }

  /** A signal never aborted, for loads the model makes. */
  readonly #never = new AbortController().signal;

  /**
   * An event that adds or removes one member of a list (a VIP, a moderator, a ban, a reward): recorded as that op, at
   * the event's position, in the one atomic transition of the list's state. It commutes with changes of the other
   * members; of changes of one member, the later position wins, whichever arrives first.
   */
  async recordMember(kind: ResourceKind, id: string, change: { id: string; at: number }, op: Op): Promise<void> {
    await this.cache.keys.record(`${kind}:${id}`, {
      id: change.id,
      pos: change.at,
      ops: [op],
      lagMs: this.#sourceLagMs,
    });
  }

  /**
   * Sends a write of one member of a list: recorded before it is sent (so that its own event is recognised in every
   * process, even if this one dies), visible once Twitch answers, placed in Twitch's order by its own event.
   * `requested` is what the request changes; `answered` what Twitch's answer says it changed (default: the same).
   */
  async writtenMember<R>(
    kind: ResourceKind,
    id: string,
    send: () => Promise<R>,
    requested: Op,
    answered?: (answer: R) => Op | undefined,
  ): Promise<R> {
    const keys = this.cache.keys;
    const key = `${kind}:${id}`;
    const writeId = `write:${randomUUID()}`;
    const lagMs = this.#sourceLagMs;
    const report = (err: unknown) => this.#hooks.onError?.(err);
    // Redis could not record it: the write goes on, and its answer is recorded as a change
    await keys
      .beginWrite(key, { id: writeId, from: this.#clock.now(), ops: [requested], lagMs, openMs: WRITE_OPEN_MS })
      .catch(report);
    let answer: R;
    try {
      answer = await send();
    } catch (err) {
      await keys.failWrite(key, writeId).catch(report);
      throw err;
    }
    const op = answered === undefined ? requested : answered(answer);
    if (op === undefined) await keys.failWrite(key, writeId).catch(report);
    else {
      await keys
        .answerWrite(key, { id: writeId, to: this.#clock.now(), ops: [op], lagMs, holdMs: WRITE_HOLD_MS })
        .catch(report);
    }
    return answer;
  }

  /** The current state of a key this process has read (without waiting for changes); undefined if it fails. */
  async #current<V>(
    key: string,
    l: { entry: CatalogEntry; id: string; reader: string | undefined; load: (signal: AbortSignal) => Promise<unknown> },
  ): Promise<{ value: V } | undefined> {
    try {
      const feeds = this.#hooks.feedsFor(l.entry, l.id, l.reader);
      const value = (await this.#cacheRead(key, l.entry, l.id, feeds, l.load, 'strict')) as V;
      return { value };
    } catch {
      return undefined;
    }
  }

  /**
   * The load info under which `value` (a state just read of `key`) was loaded from Helix: this process's own load,
   * or, for a value served from the cache (filled by any process, or written), the feed epochs it was stored under.
   */
  #basedOn(key: string, value: unknown): LoadInfo | undefined {
    const b = this.#basis.get(key);
    return b !== undefined && b.value === value ? b.info : this.cache.basisOf?.(value);
  }

  /** The feeds a cache key's reads depend on (none when it was never read in this process). */
  #feedsOf(key: string): readonly string[] {
    const l = this.#loaders.get(key);
    return l === undefined ? [] : this.#hooks.feedsFor(l.entry, l.id, l.reader);
  }

  /** An event that says the state changed without carrying it: drops every copy (by tag). */
  async invalidate(kind: ResourceKind, id: string, change: { id: string; at: number }): Promise<void> {
    await this.cache.apply({ id: change.id, at: change.at, tag: `${kind}:${id}`, invalidate: true });
  }
}
