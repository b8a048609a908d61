import { randomUUID } from 'node:crypto';
import type { ApplyAnswer, AuthorityChange, Deps, Versioned, WindowEnd, WriteAnswer } from './authority.js';
import type { Context } from './context.js';
import { CacheArgumentError, CacheRedisUnavailableError } from './errors.js';
import { checkName, checkNames } from './names.js';
import type { ApplyOutcome, Change, LoadInfo, WindowOptions, WriteOptions } from './types.js';
import { deepFreeze } from './values.js';

/** The current value of a key, for a patch. */
interface Current {
  value: unknown;
  kv: number;
  tags: readonly Versioned[];
  feeds: readonly Versioned[];
  ttlMs: number;
}

/**
 * Everything that changes what the cache holds: writes the application made, changes pushed from outside (events),
 * and invalidations. Each advances a version at the authority first, then updates the in-process tier.
 */
/** Longest wait for a write window's news before a held change is tried again (a bus message may be lost). */
const HELD_RETRY_MS = 250;

export class Writer {
  readonly #x: Context;
  /** Per key: who waits for news of its write windows (see {@link windowsSettled}). */
  readonly #orderWaiters = new Map<string, Set<() => void>>();
  /** Per key: when the windows that held its last held change run out at the latest. */
  readonly #heldUntil = new Map<string, number>();

  constructor(context: Context) {
    this.#x = context;
  }

  async openWindow(key: string, options: WindowOptions): Promise<string> {
    const x = this.#x;
    x.open();
    checkName('key', key);
    if (typeof options !== 'object' || options === null) throw new CacheArgumentError('options', 'must be an object');
    const from = x.at(options.from, 'options.from');
    const maxMs = options.maxMs ?? x.o.defaultWindowOpenMs;
    if (!Number.isInteger(maxMs) || maxMs <= 0)
      throw new CacheArgumentError('options.maxMs', 'must be a positive integer');
    const id = randomUUID();
    await x.auth.openWindow(key, id, from, maxMs);
    return id;
  }

  async closeWindow(key: string, id: string): Promise<void> {
    const x = this.#x;
    x.open();
    await x.auth.closeWindow(checkName('key', key), checkName('id', id));
  }

  /**
   * Resolves when a write window of `key` ended, settled or closed (in any process), or when the windows that held
   * its last held change may have run out; at most {@link HELD_RETRY_MS} later, or at once if the cache closes.
   */
  windowsSettled(key: string): Promise<void> {
    const x = this.#x;
    if (x.closed) return Promise.resolve();
    const waitMs = Math.max(1, Math.min(HELD_RETRY_MS, (this.#heldUntil.get(key) ?? 0) - x.clock.now()));
    return new Promise((resolve) => {
      let waiters = this.#orderWaiters.get(key);
      if (waiters === undefined) {
        waiters = new Set();
        this.#orderWaiters.set(key, waiters);
      }
      const set = waiters;
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.#orderWaiters.get(key) === set) this.#orderWaiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      set.add(done);
    });
  }

  /** A write window of `key` changed: held changes of it may go through now. */
  orderChanged(key: string): void {
    const waiters = this.#orderWaiters.get(key);
    if (waiters !== undefined) for (const wake of [...waiters]) wake();
  }

  /** The cache closes: nobody waits. */
  wakeAll(): void {
    for (const key of [...this.#orderWaiters.keys()]) this.orderChanged(key);
  }

  async write<V>(key: string, value: V, options: WriteOptions): Promise<void> {
    const x = this.#x;
    x.open();
    checkName('key', key);
    const deps: Deps = {
      tags: checkNames('options.tags', options.tags),
      feeds: checkNames('options.feeds', options.feeds),
      basis: basisOf('options.basedOn', options.basedOn),
    };
    const ttl = x.ttl(options.ttlMs, 'options.ttlMs');
    const pinMs = options.pinMs ?? x.o.defaultPinMs;
    if (!Number.isInteger(pinMs) || pinMs < 0) throw new CacheArgumentError('options.pinMs', 'must be an integer >= 0');
    const at = options.at === undefined ? undefined : x.at(options.at, 'options.at');
    const pinScope = scopeOf('options.pinScope', options.pinScope);
    const window = this.#windowEnd(options.window);
    const json = x.encode(key, value);
    // the written state is revalidated from the source when its pin ends
    const ttlMs = pinMs > 0 ? Math.min(ttl, pinMs) : ttl;
    const tracker = x.begin(key);
    try {
      let answer: WriteAnswer;
      try {
        answer = await x.auth.write(key, json, deps, ttlMs, pinMs, at, pinScope, window);
      } catch (err) {
        if (err instanceof CacheRedisUnavailableError) this.#unrecorded('key', key);
        throw err;
      }
      if (answer.ignored === true) return; // older than what the key reflects: the newer state stands
      x.c.invalidations++;
      if (pinMs > 0) x.c.pins.held++;
      if (answer.stored) x.mem?.store(tracker, key, { ...answer, value: JSON.parse(json), ttlMs, bytes: json.length });
    } finally {
      x.trackers.end(tracker);
    }
  }

  async apply<V>(change: Change<V>): Promise<ApplyOutcome> {
    const x = this.#x;
    x.open();
    if (typeof change !== 'object' || change === null) throw new CacheArgumentError('change', 'must be an object');
    const id = checkName('change.id', change.id);
    const at = x.at(change.at, 'change.at');
    let outcome: ApplyOutcome;
    if ('tag' in change) {
      const tag = checkName('change.tag', change.tag);
      outcome = (await this.#recorded('tag', tag, () => x.auth.applyTag(id, tag, at))).outcome;
      if (outcome === 'applied') x.c.invalidations++;
    } else {
      const key = checkName('change.key', change.key);
      // a change that commutes with the others is not ordered against them (and does not move the key's order)
      const order = 'commutes' in change && change.commutes === true ? undefined : at;
      outcome = await this.#recorded('key', key, () => this.#applyKey(id, key, order, change));
    }
    x.c.changes[outcome]++;
    x.logger.debug('cache: change', {
      target: 'tag' in change ? `tag ${change.tag}` : change.key,
      id,
      at,
      commutes: 'commutes' in change && change.commutes === true,
      outcome,
    });
    return outcome;
  }

  async invalidate(target: { key: string } | { tag: string }): Promise<void> {
    const x = this.#x;
    x.open();
    if (typeof target !== 'object' || target === null)
      throw new CacheArgumentError('target', 'must be { key } or { tag }');
    if ('key' in target) {
      const key = checkName('target.key', target.key);
      await this.#recorded('key', key, () => x.auth.invalidateKey(key));
    } else {
      const tag = checkName('target.tag', target.tag);
      await this.#recorded('tag', tag, () => x.auth.applyTag(undefined, tag, undefined));
    }
    x.c.invalidations++;
  }

  /** Runs a change at the authority; if Redis could not record it, remembers it as pending and rethrows. */
  async #recorded<T>(kind: 'key' | 'tag', name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof CacheRedisUnavailableError) this.#unrecorded(kind, name);
      throw err;
    }
  }

  /**
   * Redis did not record a change: drop what this process holds and remember it, so that nothing Redis still holds
   * from before it is served until it is recorded.
   */
  #unrecorded(kind: 'key' | 'tag', name: string): void {
    const x = this.#x;
    if (x.redis === undefined) return;
    if (kind === 'key') {
      x.mem?.lru.delete(name);
    } else {
      // entries of the tag cannot be found without a scan: stop trusting the whole in-process tier (O(1))
      x.know.epoch++;
      x.c.epochBumps++;
    }
    x.pending.add(kind, name);
  }

  async #applyKey<V>(id: string, key: string, at: number | undefined, change: Change<V>): Promise<ApplyOutcome> {
    const x = this.#x;
    if ('invalidate' in change) return this.#invalidateChange(id, key, at);
    const tracker = x.begin(key);
    try {
      let json: string;
      let deps: Deps;
      let expectKv: number | undefined;
      let ttlMs: number;
      const pinMs = this.#pinOf(change);
      const pinScope = 'pinScope' in change ? scopeOf('change.pinScope', change.pinScope) : undefined;
      const scoped = pinScope === undefined ? {} : { pinScope };
      if ('value' in change) {
        json = x.encode(key, change.value);
        deps = {
          tags: checkNames('change.tags', change.tags),
          feeds: checkNames('change.feeds', change.feeds),
          basis: basisOf('change.basedOn', change.basedOn),
        };
        ttlMs = x.ttl(change.ttlMs, 'change.ttlMs');
      } else if ('patch' in change && typeof change.patch === 'function') {
        const current = await this.#current(key);
        if (current === undefined) return await this.#invalidateChange(id, key, at, settlesOf(change.settles));
        json = x.encode(key, change.patch(current.value as V));
        // built on the current value: stored only if the feed epochs it was stored under still hold (promise 5)
        deps = {
          tags: current.tags.map(([t]) => t),
          feeds: current.feeds.map(([f]) => f),
          basis: current.feeds.map(([f, e]): Versioned => [f, e]),
        };
        expectKv = current.kv;
        ttlMs = change.ttlMs === undefined ? current.ttlMs : x.ttl(change.ttlMs, 'change.ttlMs');
      } else {
        throw new CacheArgumentError('change', 'needs one of value, patch or invalidate');
      }
      // a pinned state is revalidated from the source when its pin ends, as a written one is
      if (pinMs > 0) ttlMs = Math.min(ttlMs, pinMs);
      const settles = 'settles' in change ? settlesOf(change.settles) : undefined;
      const answer = await this.#applyAt(
        id,
        key,
        at,
        expectKv === undefined
          ? { mode: 'value', json, deps, ttlMs, pinMs, ...scoped }
          : { mode: 'cas', json, deps, ttlMs, pinMs, expectKv, ...scoped },
        settles,
      );
      if (answer.outcome === 'applied') {
        x.c.invalidations++;
        if (pinMs > 0) x.c.pins.held++;
        if (answer.stored !== undefined) {
          x.mem?.store(tracker, key, { ...answer.stored, value: JSON.parse(json), ttlMs, bytes: json.length });
        }
      }
      return answer.outcome;
    } finally {
      x.trackers.end(tracker);
    }
  }

  /** `WriteOptions.window`, validated. */
  #windowEnd(window: WriteOptions['window']): WindowEnd | undefined {
    if (window === undefined) return undefined;
    const x = this.#x;
    if (typeof window !== 'object' || window === null) {
      throw new CacheArgumentError('options.window', 'must be { id, to, holdMs? }');
    }
    const holdMs = window.holdMs ?? x.o.defaultWindowHoldMs;
    if (!Number.isInteger(holdMs) || holdMs <= 0) {
      throw new CacheArgumentError('options.window.holdMs', 'must be a positive integer');
    }
    return { id: checkName('options.window.id', window.id), to: x.at(window.to, 'options.window.to'), holdMs };
  }

  /**
   * Applies a change at the authority. Held by a write window whose written value the change recognises as its
   * own (`settles`): applied again at once, settling that window.
   */
  async #applyAt(
    id: string,
    key: string,
    at: number | undefined,
    change: AuthorityChange,
    settles: ((written: never) => boolean) | undefined,
  ): Promise<ApplyAnswer> {
    const x = this.#x;
    let answer = await x.auth.applyKey(id, key, at, change);
    if (answer.outcome !== 'held') return answer;
    const own = settles === undefined ? undefined : answer.windows.find((w) => recognises(settles, w.json));
    if (own !== undefined) {
      x.c.changes.settled++;
      answer = await x.auth.applyKey(id, key, at, change, own.id);
    }
    if (answer.outcome === 'held') this.#held(key, answer);
    return answer;
  }

  /** Remembers until when the windows that held a change of `key` may hold it (see {@link windowsSettled}). */
  #held(key: string, answer: { windows: readonly { remainingMs: number }[] }): void {
    const remaining = Math.max(0, ...answer.windows.map((w) => w.remainingMs));
    this.#heldUntil.set(key, this.#x.clock.now() + remaining);
    if (this.#heldUntil.size > 1_000) {
      const now = this.#x.clock.now();
      for (const [k, until] of this.#heldUntil) if (until <= now) this.#heldUntil.delete(k);
    }
  }

  /** The pin window of a value or patch change (0: none); validated like `WriteOptions.pinMs`. */
  #pinOf(change: { pinMs?: number }): number {
    const pinMs = change.pinMs ?? 0;
    if (!Number.isInteger(pinMs) || pinMs < 0) throw new CacheArgumentError('change.pinMs', 'must be an integer >= 0');
    return pinMs;
  }

  async #invalidateChange(
    id: string,
    key: string,
    at: number | undefined,
    settles?: (written: never) => boolean,
  ): Promise<ApplyOutcome> {
    const answer = await this.#applyAt(id, key, at, { mode: 'invalidate' }, settles);
    if (answer.outcome === 'applied') this.#x.c.invalidations++;
    return answer.outcome;
  }

  /** The current value of a key for a patch: a valid in-process entry, else Redis' (authoritative) one. */
  async #current(key: string): Promise<Current | undefined> {
    const x = this.#x;
    const now = x.clock.now();
    const e = x.mem?.lru.get(key);
    const fromEntry = (): Current | undefined =>
      e === undefined
        ? undefined
        : { value: e.value, kv: e.kv, tags: e.tags ?? [], feeds: e.feeds ?? [], ttlMs: Math.max(1, e.expiresAt - now) };
    if (x.redis === undefined) return e !== undefined && x.mem?.valid(e, now) ? fromEntry() : undefined;
    try {
      const answer = await x.redis.read(key, e?.stamp ?? 0, [], [], false);
      if (answer.kind === 'same') return fromEntry();
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
}

/** A pin's scope (see {@link WriteOptions.pinScope}), validated; undefined: the whole value. */
function scopeOf(field: string, scope: readonly string[] | undefined): readonly string[] | undefined {
  if (scope === undefined) return undefined;
  if (!Array.isArray(scope) || scope.length === 0) {
    throw new CacheArgumentError(field, 'must be a non-empty array of names (omit it to pin the whole value)');
  }
  return checkNames(field, scope);
}

/** The feed epochs of a `basedOn` (see {@link WriteOptions.basedOn}), validated. */
function basisOf(field: string, basedOn: LoadInfo | undefined): readonly Versioned[] | undefined {
  if (basedOn === undefined || basedOn.feeds === undefined) return undefined;
  if (typeof basedOn !== 'object' || !Array.isArray(basedOn.feeds)) {
    throw new CacheArgumentError(field, 'must be the LoadInfo of a read');
  }
  return basedOn.feeds.map(([feed, epoch], i): Versioned => {
    if (!Number.isInteger(epoch)) throw new CacheArgumentError(`${field}.feeds[${i}]`, 'epoch must be an integer');
    return [checkName(`${field}.feeds[${i}]`, feed), epoch];
  });
}

/** `Change.settles`, validated. */
function settlesOf(settles: unknown): ((written: never) => boolean) | undefined {
  if (settles === undefined) return undefined;
  if (typeof settles !== 'function') throw new CacheArgumentError('change.settles', 'must be a function');
  return settles as (written: never) => boolean;
}

/** Whether `settles` recognises the value a window's write stored (a predicate that throws recognises nothing). */
function recognises(settles: (written: never) => boolean, json: string | undefined): boolean {
  if (json === undefined) return false;
  try {
    return settles(deepFreeze(JSON.parse(json)) as never) === true;
  } catch {
    return false;
  }
}
