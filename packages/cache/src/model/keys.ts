import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { Counters } from '../counters.js';
import { CacheArgumentError, CacheRedisUnavailableError } from '../errors.js';
import { checkName } from '../names.js';
import { deepFreeze } from '../values.js';
import { concealedUntil, type FeedStates, type KeyState } from './state.js';
import { MemoryStateStore, type StateStore } from './store.js';
import {
  type AnswerInput,
  answerWrite,
  beginWrite,
  type ChangeInput,
  collect,
  DEFAULT_LIMITS,
  type FillOutcome,
  failWrite,
  fill,
  heldUntil,
  type ModelLimits,
  type RecordOutcome,
  record,
  restore,
  type Step,
  showWrite,
  type WriteInput,
} from './transitions.js';
import { view } from './view.js';

/** Where positions come from: Twitch's time as this process best knows it, in milliseconds. */
export interface PositionClock {
  now(): number;
}

/** Options of {@link CoherentKeys}. */
export interface CoherentKeysOptions {
  /** Where key states live: a `MemoryStateStore`, or a `RedisStateStore` shared by every process on its prefix. */
  readonly store: StateStore;
  /**
   * Whether other processes change the store too. Views are then kept in process only while this process hears
   * every commit ({@link CoherentKeys.busStatus}); without that, every read asks the store.
   */
  readonly shared: boolean;
  readonly positions: PositionClock;
  /** Most views kept in process. Default 10 000. */
  readonly maxViews?: number;
  readonly limits?: ModelLimits;
  /** Where reads, loads and changes are counted (the cache's {@link Counters}); default: counted nowhere. */
  readonly counters?: Counters;
}

/** A read's arguments. */
export interface KeyReadOptions<V> {
  /** Loads the value from the source; its signal is never aborted by this class today. */
  readonly load: () => Promise<V>;
  /** Whose answer it is, for reads whose answer depends on who asks. Default `''`: everyone's. */
  readonly variant?: string;
  /** How long a loaded answer is kept at most; a function is asked when the answer is stored. */
  readonly ttlMs: number | (() => number);
  /**
   * The feeds that report the key's changes: the answer is kept only while each stays at the epoch it had when the
   * load began and covered.
   */
  readonly feeds?: readonly string[];
  /** Ask the store even when a view is kept (a `strict` read: what any process committed before it began). */
  readonly fresh?: boolean;
}

interface KeyViews {
  heard: number;
  shared: KeptView | undefined;
  byVariant: Map<string, KeptView> | undefined;
}

interface KeptView {
  readonly version: number;
  readonly epoch: number;
  readonly value: unknown;
  readonly validUntil: number;
  /** The feeds' epochs the view was read under. */
  readonly feeds: readonly (readonly [string, number])[] | undefined;
}

/** What {@link CoherentKeys.peek} answers when no view may be served. */
export const NOT_KEPT: unique symbol = Symbol('twitchify.notKept');

/**
 * How long {@link CoherentKeys.settled} and {@link CoherentKeys.visible} wait at most, in ms of this process's time:
 * past any write's span and hold, whatever the key's changes meanwhile.
 */
const MAX_WAIT_MS = 30_000;

/** How many loads a read makes at most when its answers keep predating a change recorded meanwhile. */
const MAX_LOADS = 3;

/**
 * Reads and changes of keys through the coherence model: every change is a transition of the key's state in the
 * store, every read serves the view of the state (the base with the changes the source may not reflect laid over
 * it), and this process keeps views by version so that a hit costs a map lookup. A view is kept only while it is the
 * newest version this process heard of, the trust epoch has not moved, and its base has not expired.
 */
export class CoherentKeys {
  readonly #store: StateStore;
  readonly #positions: PositionClock;
  readonly #limits: ModelLimits;
  /**
   * Per key, the newest version heard of and the views kept: one record, so that forgetting a key (LRU) forgets its
   * views with the version they must be checked against.
   */
  readonly #keys: LRUCache<string, KeyViews>;
  /** Feed epochs heard of (from the store's answers and {@link feedHeard}): views of older epochs are not served. */
  readonly #feedEpochs = new Map<string, number>();
  readonly #flights = new Map<string, Promise<unknown>>();
  /** Per key, who waits for its next change (see {@link settled}). */
  readonly #waiting = new Map<string, Set<() => void>>();
  /**
   * With a shared store, the changes this process recorded, per key, in a state of their own: while the store is
   * away, the source's answers are served with them laid over, so that a process never reads past what it wrote or
   * received (its own writes, its events) because Redis failed. Bounded by keys, and each log by its entries' lag.
   */
  readonly #journal: MemoryStateStore | undefined;
  /** Per key, the store's version after this process's last commit: a lower one means the store lost the key. */
  readonly #confirmed: LRUCache<string, number>;
  #epoch = 0;
  #trusted: boolean;
  readonly #c: Counters;
  /** This instance's id on the writes it records: positions of one instance share a clock. */
  readonly #origin = randomUUID().slice(0, 12);
  /** Where fills are counted: the tier the store is. */
  readonly #storeTier: { fills: number; staleFillsRefused: number };

  constructor(options: CoherentKeysOptions) {
    this.#store = options.store;
    this.#positions = options.positions;
    this.#limits = options.limits ?? DEFAULT_LIMITS;
    const max = options.maxViews ?? 10_000;
    if (!Number.isSafeInteger(max) || max < 1) throw new CacheArgumentError('options.maxViews', 'must be >= 1');
    this.#keys = new LRUCache({ max });
    this.#trusted = !options.shared;
    this.#c = options.counters ?? new Counters();
    this.#storeTier = options.shared ? this.#c.redis : this.#c.memory;
    this.#journal = options.shared ? new MemoryStateStore({ maxKeys: max }) : undefined;
    this.#confirmed = new LRUCache({ max });
  }

  /**
   * A process committed `version` of `key` (an `s` message of the bus). Any version but the one a view was read at
   * ends the key's views: a late message of an older version costs a read of the store, and after Redis was flushed
   * (versions start again from 1) nothing from before survives.
   */
  heard(key: string, version: number): void {
    this.#wake(key);
    const rec = this.#keys.get(key);
    if (rec === undefined) this.#keys.set(key, { heard: version, shared: undefined, byVariant: undefined });
    else if (version !== rec.heard) {
      rec.heard = version;
      rec.shared = undefined;
      rec.byVariant = undefined;
    }
  }

  /**
   * A feed's coverage changed (a gap began or ended) and its epoch is now `epoch`, in this process or another (an
   * `f` message of the bus). As with versions, any other epoch than a view's ends it.
   */
  feedHeard(feed: string, epoch: number): void {
    this.#feedEpochs.set(feed, epoch);
  }

  /** This process read the store at `version`: versions it learns this way only move forward. */
  #advance(key: string, version: number): void {
    this.#wake(key);
    const rec = this.#keys.get(key);
    if (rec === undefined) this.#keys.set(key, { heard: version, shared: undefined, byVariant: undefined });
    else if (version > rec.heard) rec.heard = version;
  }

  /** The bus that carries commits is subscribed (`true`) or not: while it is not, no view is kept or served. */
  busStatus(subscribed: boolean): void {
    this.#trusted = subscribed;
    this.#epoch++;
  }

  /** Reads a key: a kept view, else the store's view, else a load whose answer is stored as the variant's base. */
  read<V>(key: string, options: KeyReadOptions<V>): Promise<V> {
    if (options.fresh !== true) {
      const kept = this.peek(key, options.variant);
      if (kept !== NOT_KEPT) return Promise.resolve(kept as V);
    }
    return this.readMissed(key, options);
  }

  /** {@link read} past the view kept in process (after {@link peek} answered {@link NOT_KEPT}, or a `fresh` read). */
  readMissed<V>(key: string, options: KeyReadOptions<V>): Promise<V> {
    this.#c.memory.misses++;
    const variant = options.variant ?? '';
    const slot = variant === '' ? key : `${key}\u0000${variant}`;
    const flying = this.#flights.get(slot);
    if (flying !== undefined) return flying as Promise<V>;
    checkName('key', key);
    const flight = this.#readThrough(key, variant, options).finally(() => this.#flights.delete(slot));
    this.#flights.set(slot, flight);
    return flight as Promise<V>;
  }

  /**
   * The view this process keeps of `key` for `variant`, if it may be served now (what {@link read} serves without
   * asking the store), else {@link NOT_KEPT}; then {@link readMissed} reads on. Counted as a hit when found. For
   * callers whose read options cost something to build: ask this first.
   */
  peek(key: string, variant = ''): unknown {
    const rec = this.#keys.get(key);
    const kept = rec === undefined ? undefined : variant === '' ? rec.shared : rec.byVariant?.get(variant);
    if (
      kept !== undefined &&
      this.#trusted &&
      kept.epoch === this.#epoch &&
      kept.version >= (rec as KeyViews).heard &&
      kept.validUntil > this.#positions.now() &&
      (kept.feeds === undefined || this.#feedsCurrent(kept.feeds))
    ) {
      this.#c.memory.hits++;
      return kept.value;
    }
    return NOT_KEPT;
  }

  /** Records a change pushed from outside (an event). */
  async record(key: string, change: ChangeInput): Promise<RecordOutcome> {
    this.#journaled(key, (s) => record(s, change));
    const outcome = (await this.#update(key, (s, f) => record(s, change, f), change.feeds)).result;
    this.#c.changes[outcome === 'superseded' ? 'ignored' : outcome]++;
    return outcome;
  }

  /**
   * Resolves once a change of `key` that {@link record} answered `held` is no longer held: the write it may
   * precede or follow was placed by its own event (in any process), failed, or was settled where it is when it ran
   * out. Never rejects: when the store is away, it resolves (the change is recorded; nothing more can be learned).
   */
  settled(key: string, change: Pick<ChangeInput, 'ops' | 'pos'>): Promise<void> {
    return this.#waitFor(key, (state) => heldUntil(state, change.ops, change.pos));
  }

  /**
   * Resolves once the answered write `id` of `key` is shown: at once, unless another write of the same fields may
   * have committed inside its span (then when its own event places it, or its hold runs out). Never rejects.
   */
  async visible(key: string, id: string): Promise<void> {
    const giveUpAt = performance.now() + MAX_WAIT_MS;
    while (performance.now() < giveUpAt) {
      let step: Step<boolean>;
      try {
        step = await this.#update(key, (s) => showWrite(s, id));
      } catch {
        return;
      }
      if (step.result) {
        this.#journaled(key, (s) => showWrite(s, id));
        return;
      }
      const e = step.state.log.find((x) => x.id === id);
      const until = e === undefined ? undefined : concealedUntil(step.state.log, e);
      const ms = (until ?? 0) - this.#positions.now();
      await this.#nextChange(key, Math.max(0, ms) + 1);
    }
  }

  /**
   * Waits while `until(state)` names a position (by which the wait ends at the latest): at every change of the key
   * heard of, and at that position, when collecting ends it. Never rejects.
   */
  async #waitFor(key: string, until: (state: KeyState) => number | undefined): Promise<void> {
    const giveUpAt = performance.now() + MAX_WAIT_MS;
    while (performance.now() < giveUpAt) {
      let deadline: number | undefined;
      try {
        deadline = until((await this.#store.read(key)).state);
      } catch {
        return;
      }
      if (deadline === undefined) return;
      const ms = deadline - this.#positions.now();
      const changed = await this.#nextChange(key, Math.max(0, ms) + 1);
      // ran out: collecting settles the write where it is (a step that changes nothing commits only that)
      if (!changed) await this.#update(key, (state) => ({ state, result: undefined })).catch(() => undefined);
    }
  }

  /** Resolves `true` at the key's next change heard of, `false` after `ms`. */
  #nextChange(key: string, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      let set = this.#waiting.get(key);
      if (set === undefined) {
        set = new Set();
        this.#waiting.set(key, set);
      }
      const waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const waiters = this.#waiting.get(key);
        waiters?.delete(waiter);
        if (waiters?.size === 0) this.#waiting.delete(key);
        resolve(false);
      }, ms);
      timer.unref?.();
      set.add(waiter);
    });
  }

  #wake(key: string): void {
    const waiters = this.#waiting.get(key);
    if (waiters === undefined) return;
    this.#waiting.delete(key);
    for (const w of waiters) w();
  }

  /** Records a write before it is sent (see `beginWrite` in `transitions.ts`). */
  async beginWrite(key: string, input: WriteInput): Promise<void> {
    const stamped = { ...input, writer: this.#origin };
    this.#journaled(key, (s) => beginWrite(s, stamped));
    await this.#update(key, (s) => beginWrite(s, stamped));
  }

  /** Twitch answered the write. */
  async answerWrite(key: string, input: AnswerInput): Promise<void> {
    this.#journaled(key, (s) => answerWrite(s, input));
    await this.#update(key, (s, f) => answerWrite(s, input, f), input.feeds);
  }

  /** The write failed or wrote nothing. */
  async failWrite(key: string, id: string): Promise<void> {
    this.#journaled(key, (s) => failWrite(s, id));
    await this.#update(key, (s) => failWrite(s, id));
  }

  async #readThrough<V>(key: string, variant: string, options: KeyReadOptions<V>): Promise<V> {
    const epoch = this.#epoch;
    const feedNames = options.feeds ?? [];
    let read: { state: KeyState; feeds: FeedStates };
    try {
      read = await this.#store.read(key, feedNames);
      // a base stored under feeds this read does not name (another process listens for the key): it is as good
      // as any while those feeds hold, which one more read tells
      const others = feedsBeyond(read.state, variant, feedNames);
      if (others !== undefined) read = await this.#store.read(key, [...feedNames, ...others]);
      if (this.#lost(key, read.state)) {
        const names = [...feedNames, ...(others ?? [])];
        read = { state: (await this.#update(key, (state) => ({ state, result: undefined }))).state, feeds: read.feeds };
        if (names.length > 0) read = await this.#store.read(key, names);
      }
    } catch (err) {
      // the store is away: the source answers, and nothing is kept
      if (!(err instanceof CacheRedisUnavailableError)) throw err;
      this.#c.source.loads++;
      return this.#withJournal(key, variant, await options.load());
    }
    const now = this.#positions.now();
    const current = view(read.state, variant, now, read.feeds, feedNames);
    if (this.#journal !== undefined) this.#c.redis[current.found ? 'hits' : 'misses']++;
    if (current.found) return this.#keep(key, variant, read, epoch, current, now) as V;
    let loaded: V | undefined;
    let feeds = read.feeds;
    for (let attempt = 0; attempt < MAX_LOADS; attempt++) {
      const readPos = this.#positions.now();
      const epochs = feedNames.length === 0 ? undefined : epochsOf(feedNames, feeds);
      this.#c.source.loads++;
      try {
        loaded = await options.load();
      } catch (err) {
        this.#c.source.errors++;
        throw err;
      }
      const at = this.#positions.now();
      const ttlMs = typeof options.ttlMs === 'function' ? options.ttlMs() : options.ttlMs;
      const input = { variant, json: loaded, readPos, ttlMs, feeds: epochs };
      let seen = feeds;
      let step: Step<FillOutcome>;
      try {
        step = await this.#update(
          key,
          (s, f) => {
            seen = f;
            return fill(s, input, at, f);
          },
          feedNames,
        );
      } catch (err) {
        if (!(err instanceof CacheRedisUnavailableError)) throw err;
        return this.#withJournal(key, variant, loaded as V);
      }
      if (step.result === 'stored') this.#storeTier.fills++;
      else this.#storeTier.staleFillsRefused++;
      const shown = view(step.state, variant, at, seen, feedNames);
      if (shown.found) return this.#keep(key, variant, { state: step.state, feeds: seen }, epoch, shown, at) as V;
      // refused, and nothing better is known: with a feed not covered, nothing can be kept (the answer is served
      // with the changes it may not show laid over); else the answer predates a reload, or a feed moved: ask again
      // under the feed states seen now
      if (feedNames.some((f) => seen.get(f)?.covered !== true)) return overlaid(step.state, variant, loaded, readPos);
      // a base loaded later, which this read cannot use (its feeds do not hold): asking again would not beat it
      const held = step.state.bases[variant];
      if (held !== undefined && held.readPos > readPos) return overlaid(step.state, variant, loaded, readPos);
      feeds = seen;
    }
    return deepFreeze(loaded) as V;
  }

  /** Runs a transition on this process's journal of `key` too (see {@link #journal}). */
  #journaled<R>(key: string, step: (state: KeyState) => Step<R>): void {
    this.#journal?.updateNow(key, (s) => step(collect(s, this.#positions.now(), this.#limits)));
  }

  /** A source's answer, read while the store was away, with this process's own changes laid over it. */
  #withJournal<V>(key: string, variant: string, loaded: V): V {
    const journal = this.#journal?.getNow(key);
    if (journal === undefined || journal.log.length === 0) return deepFreeze(loaded) as V;
    return overlaid(journal, variant, loaded, this.#positions.now());
  }

  #keep(
    key: string,
    variant: string,
    read: { state: KeyState; feeds: FeedStates },
    epoch: number,
    shown: { value: unknown; validUntil: number },
    now: number,
  ): unknown {
    // states are never modified once made, so a view may share their objects and freeze them
    const frozen = deepFreeze(shown.value);
    const { state, feeds } = read;
    this.#advance(key, state.version);
    let validUntil = shown.validUntil;
    const kept: (readonly [string, number])[] | undefined = feeds.size === 0 ? undefined : [];
    for (const [name, f] of feeds) {
      if (!this.#feedEpochs.has(name) || f.epoch > (this.#feedEpochs.get(name) ?? 0))
        this.#feedEpochs.set(name, f.epoch);
      validUntil = Math.min(validUntil, now + f.coveredForMs);
      kept?.push([name, f.epoch]);
    }
    const rec = this.#keys.get(key) as KeyViews; // just heard
    if (this.#trusted && epoch === this.#epoch && state.version >= rec.heard && this.#feedsCurrent(kept)) {
      const view: KeptView = { version: state.version, epoch, value: frozen, validUntil, feeds: kept };
      if (variant === '') rec.shared = view;
      else {
        rec.byVariant ??= new Map();
        rec.byVariant.set(variant, view);
      }
    }
    return frozen;
  }

  #feedsCurrent(feeds: readonly (readonly [string, number])[] | undefined): boolean {
    if (feeds === undefined) return true;
    for (const [name, e] of feeds) if (this.#feedEpochs.get(name) !== e) return false;
    return true;
  }

  async #update<R>(
    key: string,
    step: (state: KeyState, feeds: FeedStates) => Step<R>,
    feeds: readonly string[] = [],
  ): Promise<Step<R>> {
    checkName('key', key);
    // collect first: a step returns the state it was given when it changes nothing, so a commit happens exactly
    // when collecting or the step changed something
    const done = await this.#store.update(
      key,
      (s, f) => {
        const now = this.#positions.now();
        return step(this.#restored(key, collect(s, now, this.#limits), now), f);
      },
      feeds,
    );
    // the version an update ends at is the store's newest: any other kept, even a higher one (the store lost the
    // key meanwhile), is no longer the key's
    this.heard(key, done.state.version);
    if (this.#journal !== undefined) this.#confirmed.set(key, done.state.version);
    return done;
  }

  /**
   * `state` with this process's journal of the key recorded again when the store lost the key (its version is
   * below one this process committed: Redis was flushed or restarted empty, or the key expired): what this process
   * wrote or received binds every process again, as the positions say, instead of being lost with the store.
   */
  #restored(key: string, state: KeyState, now: number): KeyState {
    const confirmed = this.#confirmed.get(key);
    if (confirmed === undefined || state.version >= confirmed) return state;
    const journal = this.#journal?.getNow(key);
    return journal === undefined ? state : restore(state, journal.log, now);
  }

  /** Whether the store lost what this process committed to `key` (see {@link #restored}). */
  #lost(key: string, state: KeyState): boolean {
    const confirmed = this.#confirmed.get(key);
    return confirmed !== undefined && state.version < confirmed;
  }
}

/** The feeds the variant's base was stored under that `names` does not include, if any. */
function feedsBeyond(state: KeyState, variant: string, names: readonly string[]): string[] | undefined {
  const recorded = state.bases[variant]?.feeds;
  if (recorded === undefined) return undefined;
  const beyond = Object.keys(recorded).filter((name) => !names.includes(name));
  return beyond.length === 0 ? undefined : beyond;
}

/**
 * The epochs of `names` in `feeds` when a load begins, -1 for a feed not covered then: an answer loaded while a
 * change could go unheard is never kept, even if the feed is covered again, at the same epoch, when it is stored.
 */
function epochsOf(names: readonly string[], feeds: FeedStates): Record<string, number> {
  const epochs: Record<string, number> = {};
  for (const name of names) {
    const f = feeds.get(name);
    epochs[name] = f?.covered === true ? f.epoch : -1;
  }
  return epochs;
}

/**
 * An answer that is not stored, read at `readPos`, with the changes of `state` the source may not show yet laid over
 * it (as it would be served, were it the variant's base); the answer as it is when a reload after it means it cannot
 * be trusted.
 */
function overlaid<V>(state: KeyState, variant: string, loaded: V, readPos: number): V {
  if (state.log.length === 0) return deepFreeze(loaded) as V;
  const base = { json: loaded, readPos, expiresAt: Number.POSITIVE_INFINITY };
  const shown = view({ ...state, bases: { [variant]: base } }, variant, Number.NEGATIVE_INFINITY);
  return deepFreeze(shown.found ? shown.value : loaded) as V;
}
