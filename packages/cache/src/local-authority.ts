import { LRUCache } from 'lru-cache';
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
  Versioned,
  WindowEnd,
  WriteAnswer,
} from './authority.js';
import type { Clock } from './types.js';

// Bounded by count through maxSize rather than max: lru-cache preallocates `max` slots, which would make every
// cache cost milliseconds to create.
const one = (): number => 1;

/**
 * A pinned state: held until `until` while its tags hold; `scope` (part -> until): the parts it holds, each until its
 * own change's window ends; undefined: the whole value.
 */
interface Pin {
  value: unknown;
  until: number;
  tags: readonly Versioned[];
  scope: Map<string, number> | undefined;
}

/** A write window (see `Authority.openWindow`); `to` and `json` once the write ended it. */
interface Window {
  from: number;
  to: number | undefined;
  until: number;
  json: string | undefined;
}

/** Keys with windows past which expired windows are swept when one opens (windows of keys never changed again). */
const WINDOW_SWEEP_AT = 1_000;

interface KeyState {
  v: number;
  at: number;
  pin: Pin | undefined;
}

/**
 * The authority of a cache without Redis: versions kept in this process. Every version comes from one counter, so a
 * version forgotten (its map is bounded) and later recreated is always new: a fill that began under the forgotten
 * one is refused, never mistaken for current.
 */
export class LocalAuthority implements Authority {
  readonly shared = false;
  #seq = 0;
  readonly #keys: LRUCache<string, KeyState>;
  readonly #tags: LRUCache<string, { v: number; at: number }>;
  readonly #feeds = new Map<string, { e: number; covered: boolean }>();
  readonly #applied: LRUCache<string, true>;
  readonly #windows = new Map<string, Map<string, Window>>();
  readonly #clock: Clock;
  readonly #notify: (notice: Notice) => void;

  constructor(options: { maxKeys: number; dedupeTtlMs: number; clock: Clock; notify: (notice: Notice) => void }) {
    this.#keys = new LRUCache({ maxSize: options.maxKeys, sizeCalculation: one });
    this.#tags = new LRUCache({ maxSize: options.maxKeys, sizeCalculation: one });
    this.#applied = new LRUCache({ maxSize: options.maxKeys, sizeCalculation: one, ttl: options.dedupeTtlMs });
    this.#clock = options.clock;
    this.#notify = options.notify;
  }

  async read(key: string, _stamp: number, tags: readonly string[], feeds: readonly string[]): Promise<ReadAnswer> {
    return { kind: 'miss', snapshot: this.snapshot(key, tags, feeds) };
  }

  /** Synchronous snapshot (the cache uses it directly to skip a promise in memory-only mode). */
  snapshot(key: string, tags: readonly string[], feeds: readonly string[]): Snapshot {
    const state = this.#keys.get(key);
    const tagVersions = tags.map((t): Versioned => [t, this.#tags.get(t)?.v ?? 0]);
    return {
      kv: state?.v ?? 0,
      tags: tagVersions,
      feeds: feeds.map((f) => this.#feedState(f)),
      pin: this.#activePin(state),
      lease: 'none',
      at: state !== undefined && Number.isFinite(state.at) ? state.at : undefined,
    };
  }

  async fill(
    key: string,
    snap: Snapshot,
    _json: string,
    _ttlMs: number,
    agrees: boolean | 'same',
  ): Promise<FillAnswer> {
    const state = this.#keys.get(key);
    if ((state?.v ?? 0) !== snap.kv) return { stored: false, reason: 'version' };
    for (const [tag, v] of snap.tags) if ((this.#tags.get(tag)?.v ?? 0) !== v) return { stored: false, reason: 'tag' };
    for (const [feed, e] of snap.feeds) {
      const f = this.#feeds.get(feed);
      if (f === undefined || f.e !== e || !f.covered) return { stored: false, reason: 'feed' };
    }
    if (state?.pin !== undefined && this.#activePin(state) !== undefined) {
      if (agrees === false) return { stored: false, reason: 'pin' };
      if (agrees === true) state.pin = undefined;
    }
    return { stored: true, stamp: ++this.#seq };
  }

  async release(): Promise<void> {}

  async write(
    key: string,
    json: string,
    deps: Deps,
    _ttlMs: number,
    pinMs: number,
    at: number | undefined,
    pinScope?: readonly string[],
    window?: WindowEnd,
  ): Promise<WriteAnswer> {
    if (window !== undefined) this.#endWindow(key, window, json);
    // ordered like `applyKey`: a write older than what the key reflects, landing later, changes nothing
    const prior = this.#keys.get(key);
    if (at !== undefined && prior !== undefined && at < prior.at) {
      return { ignored: true, kv: 0, stamp: 0, stored: false, tags: [], feeds: [] };
    }
    const state = this.#bump(key, at);
    const stored = this.#stored(state.v, deps);
    if (pinMs > 0) state.pin = this.#pin(prior, json, pinMs, stored.tags, pinScope);
    this.#notify({ kind: 'key', name: key, version: state.v });
    return stored;
  }

  async applyKey(
    id: string,
    key: string,
    at: number | undefined,
    change: AuthorityChange,
    settles?: string,
  ): Promise<ApplyAnswer> {
    if (id !== '' && this.#applied.has(id)) return { outcome: 'duplicate' };
    // the write's own change settles its window even when a newer change makes it ignored: its order is known
    if (settles !== undefined && this.#windows.get(key)?.delete(settles) === true) {
      this.#notify({ kind: 'order', name: key, version: 0 });
    }
    const prior = this.#keys.get(key);
    if (at !== undefined && prior !== undefined && at < prior.at) {
      if (id !== '') this.#applied.set(id, true);
      return { outcome: 'ignored' };
    }
    if (at !== undefined) {
      const holding = this.#holding(key, at);
      if (holding.length > 0) return { outcome: 'held', windows: holding };
    }
    if (id !== '') this.#applied.set(id, true);
    const mode = change.mode === 'cas' && (prior?.v ?? 0) !== change.expectKv ? 'invalidate' : change.mode;
    const state = this.#bump(key, at);
    this.#notify({ kind: 'key', name: key, version: state.v });
    if (mode === 'invalidate' || change.mode === 'invalidate')
      return { outcome: 'applied', kv: state.v, stored: undefined };
    const stored = this.#stored(state.v, change.deps);
    if (change.pinMs > 0) state.pin = this.#pin(prior, change.json, change.pinMs, stored.tags, change.pinScope);
    return { outcome: 'applied', kv: state.v, stored: stored.stored ? stored : undefined };
  }

  async openWindow(key: string, id: string, from: number, maxMs: number): Promise<void> {
    if (this.#windows.size >= WINDOW_SWEEP_AT) for (const k of [...this.#windows.keys()]) this.#live(k);
    let windows = this.#windows.get(key);
    if (windows === undefined) {
      windows = new Map();
      this.#windows.set(key, windows);
    }
    windows.set(id, { from, to: undefined, until: this.#clock.now() + maxMs, json: undefined });
  }

  async closeWindow(key: string, id: string): Promise<void> {
    if (this.#windows.get(key)?.delete(id) === true) this.#notify({ kind: 'order', name: key, version: 0 });
  }

  /** The write ended its window: only changes ordered up to `to` stay held, for `holdMs` at most. */
  #endWindow(key: string, end: WindowEnd, json: string): void {
    const w = this.#live(key)?.get(end.id);
    if (w === undefined) return;
    w.to = end.to;
    w.json = json;
    w.until = this.#clock.now() + end.holdMs;
    this.#notify({ kind: 'order', name: key, version: 0 });
  }

  /** The windows of `key` that hold a change ordered at `at`. */
  #holding(key: string, at: number): HoldingWindow[] {
    const windows = this.#live(key);
    if (windows === undefined) return [];
    const now = this.#clock.now();
    const holding: HoldingWindow[] = [];
    for (const [id, w] of windows) {
      if (at > w.from && (w.to === undefined || at <= w.to))
        holding.push({ id, json: w.json, remainingMs: w.until - now });
    }
    return holding;
  }

  /** The unexpired windows of `key` (expired ones are dropped). */
  #live(key: string): Map<string, Window> | undefined {
    const windows = this.#windows.get(key);
    if (windows === undefined) return undefined;
    const now = this.#clock.now();
    for (const [id, w] of windows) if (w.until <= now) windows.delete(id);
    if (windows.size > 0) return windows;
    this.#windows.delete(key);
    return undefined;
  }

  async applyTag(id: string | undefined, tag: string, at: number | undefined): Promise<ApplyAnswer> {
    if (id !== undefined) {
      if (this.#applied.has(id)) return { outcome: 'duplicate' };
      this.#applied.set(id, true);
    }
    const prior = this.#tags.get(tag);
    if (at !== undefined && prior !== undefined && at < prior.at) return { outcome: 'ignored' };
    const v = ++this.#seq;
    this.#tags.set(tag, { v, at: Math.max(at ?? Number.NEGATIVE_INFINITY, prior?.at ?? Number.NEGATIVE_INFINITY) });
    this.#notify({ kind: 'tag', name: tag, version: v });
    return { outcome: 'applied', kv: v, stored: undefined };
  }

  async invalidateKey(key: string): Promise<number> {
    const state = this.#bump(key, undefined);
    this.#notify({ kind: 'key', name: key, version: state.v });
    return state.v;
  }

  async coverage(feed: string, op: CoverageOp): Promise<FeedState> {
    if (op === 'renew') return this.#feedState(feed);
    const state = { e: ++this.#seq, covered: op === 'started' || op === 'resumed' };
    this.#feeds.set(feed, state);
    this.#notify({ kind: 'feed', name: feed, version: state.e });
    return this.#feedState(feed);
  }

  async close(): Promise<void> {}

  /** Advances a key's version; a new version ends any pin (a newer change arrived). */
  #bump(key: string, at: number | undefined): KeyState {
    const prior = this.#keys.get(key);
    const state: KeyState = {
      v: ++this.#seq,
      at: Math.max(at ?? Number.NEGATIVE_INFINITY, prior?.at ?? Number.NEGATIVE_INFINITY),
      pin: undefined,
    };
    this.#keys.set(key, state);
    return state;
  }

  #stored(v: number, deps: Deps): WriteAnswer {
    const tags = deps.tags.map((t): Versioned => [t, this.#tags.get(t)?.v ?? 0]);
    const feeds = deps.feeds.map((f) => this.#feedState(f));
    const basisHolds = (deps.basis ?? []).every(([f, e]) => {
      const [, epoch, covered] = this.#feedState(f);
      return epoch === e && covered > 0;
    });
    return { kv: v, stamp: v, stored: basisHolds && feeds.every((f) => f[2] > 0), tags, feeds };
  }

  #feedState(feed: string): FeedState {
    const f = this.#feeds.get(feed);
    return [feed, f?.e ?? 0, f?.covered ? Number.POSITIVE_INFINITY : 0];
  }

  /**
   * The pin of a change landing on a key whose state was `prior`: a scoped change adds its parts to those of the
   * prior pin while it is active (each part held until its own change's window ends); a change without scope, or
   * one landing on an active pin of the whole value, holds the whole value.
   */
  #pin(
    prior: KeyState | undefined,
    json: string,
    pinMs: number,
    tags: readonly Versioned[],
    pinScope: readonly string[] | undefined,
  ): Pin {
    const now = this.#clock.now();
    const until = now + pinMs;
    let scope: Map<string, number> | undefined;
    if (pinScope !== undefined) {
      const before = prior?.pin !== undefined && this.#holds(prior.pin) ? prior.pin : undefined;
      if (before === undefined || before.scope !== undefined) {
        scope = new Map();
        if (before?.scope !== undefined) for (const [part, u] of before.scope) if (u > now) scope.set(part, u);
        for (const part of pinScope) scope.set(part, until);
      }
    }
    return { value: JSON.parse(json), until, tags, scope };
  }

  #holds(pin: Pin): boolean {
    if (pin.until <= this.#clock.now()) return false;
    for (const [tag, v] of pin.tags) if ((this.#tags.get(tag)?.v ?? 0) !== v) return false;
    return true;
  }

  #activePin(state: KeyState | undefined): Snapshot['pin'] {
    const pin = state?.pin;
    if (pin === undefined || !this.#holds(pin)) return undefined;
    if (pin.scope === undefined) return { value: pin.value };
    const now = this.#clock.now();
    const scope = [...pin.scope].filter(([, u]) => u > now).map(([part]) => part);
    return scope.length === 0 ? undefined : { value: pin.value, scope };
  }
}
