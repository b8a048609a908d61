import type { Clock } from '../clock.js';
import type { LagPolicy } from './lagPolicy.js';

/** Who made a change: seeded at start, a Helix write, or a change "on twitch.tv". */
export type ChangeOrigin = 'seed' | 'api' | 'external';

/** One committed version of one resource key. */
export interface HistoryEntry<T = unknown> {
  key: string;
  /** Monotonically increasing per key; the seeded state is version 0. */
  version: number;
  /** ms since epoch. */
  committedAt: number;
  state: T;
  origin: ChangeOrigin;
}

/** A version as a read saw it. */
export interface ServedVersion<T = unknown> {
  key: string;
  version: number;
  state: T;
}

interface StoredVersion extends HistoryEntry {
  /** When reads start to serve this version. */
  visibleAt: number;
  /** A stream's status changed: reads may flap back to the previous version for a while (see `StreamFlap`). */
  flaps: boolean;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The truth and its history, per resource key. A commit is the truth at once; `read` serves, per key, the newest
 * version whose drawn lag has passed, which is how Helix reads trail writes.
 */
export class VersionedStore {
  readonly #versions = new Map<string, StoredVersion[]>();
  readonly #log: HistoryEntry[] = [];
  readonly #clock: Clock;
  readonly #lag: LagPolicy;
  readonly #listeners = new Set<(entry: HistoryEntry) => void>();

  constructor(clock: Clock, lag: LagPolicy) {
    this.#clock = clock;
    this.#lag = lag;
  }

  has(key: string): boolean {
    return this.#versions.has(key);
  }

  keys(prefix: string): string[] {
    return [...this.#versions.keys()].filter((k) => k.startsWith(prefix));
  }

  /** Commits a new version; the state is frozen (callers build new objects, never mutate). */
  commit<T>(
    key: string,
    state: T,
    origin: ChangeOrigin,
    options: { flaps?: boolean; at?: number } = {},
  ): HistoryEntry<T> {
    const list = this.#versions.get(key) ?? [];
    // `at` back-dates a change that happened by itself (a timeout running out), never before the previous version.
    const now = Math.max(Math.min(options.at ?? this.#clock.now(), this.#clock.now()), list.at(-1)?.committedAt ?? 0);
    const lag = origin === 'seed' ? 0 : this.#lag.draw(key.slice(0, key.indexOf(':')));
    const stored: StoredVersion = {
      key,
      version: list.length === 0 ? 0 : (list.at(-1)?.version ?? 0) + 1,
      committedAt: now,
      state: deepFreeze(structuredClone(state)),
      origin,
      visibleAt: now + lag,
      flaps: options.flaps === true,
    };
    list.push(stored);
    this.#versions.set(key, list);
    const entry = toEntry(stored);
    this.#log.push(entry);
    for (const listener of this.#listeners) listener(entry);
    return entry as HistoryEntry<T>;
  }

  /** The committed truth of a key. */
  truth<T>(key: string): HistoryEntry<T> | undefined {
    const last = this.#versions.get(key)?.at(-1);
    return last ? (toEntry(last) as HistoryEntry<T>) : undefined;
  }

  /** What a Helix read of the key sees now: the newest visible version (with stream flapping). */
  read<T>(key: string): ServedVersion<T> | undefined {
    const list = this.#versions.get(key);
    if (!list || list.length === 0) return undefined;
    const now = this.#clock.now();
    for (let i = list.length - 1; i >= 0; i--) {
      const v = list[i]!;
      if (v.visibleAt > now && i > 0) continue;
      if (v.flaps && i > 0 && this.#lag.flapNow(now - v.visibleAt, v.state === null)) {
        const prev = list[i - 1]!;
        return { key, version: prev.version, state: prev.state as T };
      }
      return { key, version: v.version, state: v.state as T };
    }
    return undefined;
  }

  /** Every committed version, in commit order; of one key when given. */
  history(key?: string): HistoryEntry[] {
    if (key === undefined) return [...this.#log];
    return (this.#versions.get(key) ?? []).map(toEntry);
  }

  /** Calls `listener` for every commit; returns the unsubscribe function. */
  onCommit(listener: (entry: HistoryEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function toEntry(v: StoredVersion): HistoryEntry {
  return { key: v.key, version: v.version, committedAt: v.committedAt, state: v.state, origin: v.origin };
}
