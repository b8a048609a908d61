/**
 * The cached-read core of the Client, over the coherence model of `@twitchify/cache` (`Cache.keys`): every catalog
 * read is one key per resource (`kind:id`), whose variant is the reader when the answer depends on who reads; every
 * change (an event, a write's request and answer) is recorded as declarative ops in the key's one atomic
 * transition, and every read serves Helix's answer with the changes Helix may not show yet laid over it. Resource
 * classes (`client.channels`, ...) are thin over this.
 */

import { randomUUID } from 'node:crypto';
import { type ChangeInput, NOT_KEPT, type Op, type ReadLevel } from '@twitchify/cache';
import { catalogEntry } from '../catalog/catalog.js';
import { omitFields, RELOAD, withoutFields } from '../catalog/ops.js';
import type { CatalogEntry, ResourceKind } from '../catalog/types.js';
import { AbortError } from '../errors.js';
import type { CachePort } from './cache-port.js';

/** What the resource layer tells the Client while it works (feeds to subscribe, loads made), for wiring and tests. */
export interface ResourceHooks {
  /**
   * The feeds that report changes of `entry` for broadcaster/user `id` as `reader` reads it; unless `subscribe` is
   * false, the read is in use and the Client makes sure they run.
   */
  feedsFor(entry: CatalogEntry, id: string, reader: string | undefined, subscribe?: boolean): readonly string[];
  /** A Helix load of `key` is starting (instrumentation). */
  onLoad?(resourceKey: string): void;
  /**
   * The TTL for a fill under `feeds` with the entry's ceiling `ttlMs`: shorter while a feed has only just started
   * (or resumed) covering, because Helix may still serve a state whose change was announced before anybody listened.
   */
  ttlFor?(feeds: readonly string[], ttlMs: number): number;
  /** A failure that loses nothing but should be reported (a write Redis could not record, say). */
  onError?(error: unknown): void;
}

/** Options of one cached read. */
export interface CachedReadOptions {
  /** Read level for this call; default: the Client's. */
  level?: ReadLevel;
  /** The user whose token reads (user-scoped reads); default: the Client's user. */
  asUser?: string;
  /**
   * Stops waiting: the read rejects with an `AbortError` when it aborts. A Helix load the read started goes on for
   * the other reads that share it, and its answer is still stored.
   */
  signal?: AbortSignal;
}

/** A change pushed by Twitch: the event's message id and its position in Twitch's order (ms). */
export interface EventChange {
  readonly id: string;
  readonly at: number;
}

/** Where positions come from: Twitch's time, and the latest it can be (see `TwitchClock`). */
export interface PositionClock {
  now(): number;
  latestPossible?(): number;
}

/** How long a write may go unanswered before its record is given up (its writer may have died). */
const WRITE_OPEN_MS = 15_000;
/**
 * How long an answered write waits for its own event to give its place in Twitch's order: events arrive within a
 * second or two; a lost one (a socket drop) must not hold the changes around the write, or its call, for long.
 */
const WRITE_HOLD_MS = 5_000;

export class ResourceCache {
  readonly cache: CachePort;
  readonly #hooks: ResourceHooks;
  readonly #level: ReadLevel;
  readonly #entries = new Map<ResourceKind, CatalogEntry>();
  readonly #clock: PositionClock;
  /** How long Helix may serve a state older than a change (see `ClientOptions.sourceLagMs`). */
  readonly #sourceLagMs: number;

  constructor(
    cache: CachePort,
    hooks: ResourceHooks,
    level: ReadLevel,
    clock: PositionClock = { now: () => Date.now() },
    sourceLagMs = 5_000,
  ) {
    this.cache = cache;
    this.#hooks = hooks;
    this.#level = level;
    this.#clock = clock;
    this.#sourceLagMs = Math.max(1, sourceLagMs);
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
   * The key of a read: the resource key, or for a user's read of itself where the entry has private fields (see
   * `CatalogEntry.privateFields`) a key of its own, `<key>@<userId>`, the only one that holds them.
   */
  keyOf(entry: CatalogEntry, id: string, reader: string | undefined): string {
    const key = `${entry.kind}:${id}`;
    return entry.privateFields !== undefined && reader === id ? `${key}@${id}` : key;
  }

  /** Every key holding resource `kind:id`, with the fields each may not hold. */
  #keysOf(entry: CatalogEntry, id: string): readonly { key: string; hidden: readonly string[] }[] {
    const key = `${entry.kind}:${id}`;
    const hidden = entry.privateFields;
    return hidden === undefined
      ? [{ key, hidden: [] }]
      : [
          { key, hidden },
          { key: `${key}@${id}`, hidden: [] },
        ];
  }

  /** How long Helix may take to show a change of the entry. */
  #lagMs(entry: CatalogEntry): number {
    return Math.max(this.#sourceLagMs, entry.sourceLagMs ?? 0);
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
    const key = this.keyOf(entry, id, reader);
    const variant = entry.userScoped ? (reader ?? '-') : '';
    if (options?.signal?.aborted === true) {
      return Promise.reject(new AbortError('the cached read', { cause: options.signal.reason }));
    }
    const fresh = (options?.level ?? this.#level) === 'strict';
    // a hit builds nothing: a view is kept only under the feeds its first read subscribed
    if (!fresh) {
      const kept = this.cache.keys.peek(key, variant);
      if (kept !== NOT_KEPT) return Promise.resolve(kept as V);
    }
    const hidden = key.includes('@') ? undefined : entry.privateFields;
    const feeds = this.#hooks.feedsFor(entry, id, reader);
    const ttlFor = this.#hooks.ttlFor;
    const resource = `${kind}:${id}`;
    const read = this.cache.keys.readMissed<V>(key, {
      load: async () => {
        this.#hooks.onLoad?.(resource);
        const loaded = await load(this.#never);
        return hidden === undefined ? loaded : omitFields(loaded, hidden);
      },
      variant,
      // asked when the answer is stored: a feed may have started covering while the load ran
      ttlMs: ttlFor === undefined ? entry.ttlMs : () => ttlFor(feeds, entry.ttlMs),
      feeds,
      fresh,
    });
    const signal = options?.signal;
    return signal === undefined ? read : untilAborted(read, signal);
  }

  /** A signal never aborted, for loads the model makes (one load may answer several readers). */
  readonly #never = new AbortController().signal;

  /**
   * An event's change of resource `kind:id`, as declarative ops: recorded at the event's position in the one atomic
   * transition of every key of the resource. Duplicates change nothing; of two changes of one field (or one list
   * member), the later position wins, whichever arrives first.
   */
  async record(kind: ResourceKind, id: string, change: EventChange, ops: readonly Op[]): Promise<void> {
    const entry = this.entry(kind);
    const lagMs = this.#lagMs(entry);
    const feeds = this.#feedsOfValue(entry, id, ops);
    await Promise.all(
      this.#keysOf(entry, id).map(({ key, hidden }) => {
        const kept = withoutFields(ops, hidden);
        if (kept.length === 0) return undefined;
        return this.#recordSettled(key, { id: change.id, pos: change.at, ops: kept, lagMs, feeds });
      }),
    );
  }

  /**
   * The feeds a change that gives a whole value (`put`) is recorded under: served with no base to lay it over only
   * while they have not had a gap since (a change made during a gap may be missing from it).
   */
  #feedsOfValue(entry: CatalogEntry, id: string, ops: readonly Op[]): readonly string[] | undefined {
    return ops.some((o) => o.op === 'put') ? this.#hooks.feedsFor(entry, id, undefined, false) : undefined;
  }

  /**
   * Records a change and, when it is held (a write it may precede or follow has no place in Twitch's order yet),
   * waits until it is not: an event counts as received, and reaches the app, only once its order is known.
   */
  async #recordSettled(key: string, change: ChangeInput): Promise<void> {
    if ((await this.cache.keys.record(key, change)) === 'held') await this.cache.keys.settled(key, change);
  }

  /** An event that says `kind:id` changed without carrying the change: Helix is asked again once it can show it. */
  reload(kind: ResourceKind, id: string, change: EventChange): Promise<void> {
    return this.record(kind, id, change, [RELOAD]);
  }

  /**
   * Sends a write of resource `kind:id`: recorded before it is sent (so that its own event is recognised in every
   * process, even if this one dies), visible once Twitch answers, placed in Twitch's order by its own event.
   * `requested` is what the request changes; `answered` what Twitch's answer says it changed (default: the same;
   * undefined or empty: nothing).
   */
  async written<R>(
    kind: ResourceKind,
    id: string,
    send: () => Promise<R>,
    requested: readonly Op[],
    answered?: (answer: R) => readonly Op[] | undefined,
  ): Promise<R> {
    const entry = this.entry(kind);
    const keys = this.cache.keys;
    const writeId = `write:${randomUUID()}`;
    const lagMs = this.#lagMs(entry);
    const report = (err: unknown) => this.#hooks.onError?.(err);
    const targets = this.#keysOf(entry, id);
    const from = this.#clock.now();
    // Redis could not record it: the write goes on, and its answer is recorded as a change
    await Promise.all(
      targets.map(({ key, hidden }) => {
        const kept = withoutFields(requested, hidden);
        if (kept.length === 0) return undefined;
        return keys.beginWrite(key, { id: writeId, from, ops: kept, lagMs, openMs: WRITE_OPEN_MS }).catch(report);
      }),
    );
    let answer: R;
    try {
      answer = await send();
    } catch (err) {
      await Promise.all(targets.map(({ key }) => keys.failWrite(key, writeId).catch(report)));
      throw err;
    }
    const ops = answered === undefined ? requested : answered(answer);
    // Twitch committed the write before it answered: at `to` on the clock as events bound it (early by its error),
    // and no later than `until`; changes in between are held until the write's own event tells the order
    const to = this.#clock.now();
    const until = this.#clock.latestPossible?.() ?? to;
    await Promise.all(
      targets.map(({ key, hidden }) => {
        const kept = ops === undefined ? [] : withoutFields(ops, hidden);
        if (kept.length === 0) return keys.failWrite(key, writeId).catch(report);
        const feeds = this.#feedsOfValue(entry, id, kept);
        const answer = { id: writeId, to, until, ops: kept, lagMs, holdMs: WRITE_HOLD_MS, feeds };
        return keys.answerWrite(key, answer).catch(report);
      }),
    );
    // the call resolves once the write is shown: while another process's write of the same fields may have
    // committed around it, neither is, until their own events tell the order
    if (ops !== undefined && ops.length > 0) await Promise.all(targets.map(({ key }) => keys.visible(key, writeId)));
    return answer;
  }
}

/** `promise`, or a rejection with an `AbortError` as soon as `signal` aborts (the work itself goes on). */
function untilAborted<V>(promise: Promise<V>, signal: AbortSignal): Promise<V> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new AbortError('the cached read', { cause: signal.reason }));
  }
  return new Promise<V>((resolve, reject) => {
    const onAbort = () => reject(new AbortError('the cached read', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
