/**
 * The authority is where versions live: the one place that decides whether a fill is still current. Without Redis it
 * is this process ({@link LocalAuthority}); with Redis it is Redis, changed only by Lua scripts ({@link RedisAuthority}).
 * The cache talks to it through this interface and learns of every change, its own and (with Redis) other
 * processes', as {@link Notice}s.
 */

/** A name and the version (tag) or epoch (feed) it had. */
export type Versioned = readonly [name: string, version: number];
/** A feed, its epoch, and for how many more ms it is known to be covered (0: not covered). */
export type FeedState = readonly [name: string, epoch: number, coveredForMs: number];

/** What a fill remembers from when it began: it may be stored only if all of it still holds. */
export interface Snapshot {
  /** Version of the key. */
  kv: number;
  tags: readonly Versioned[];
  feeds: readonly FeedState[];
  /**
   * A write pinned on the key, if one is active; `scope`: the parts it holds (those whose change's window has not
   * ended), undefined when it holds the whole value.
   */
  pin: { value: unknown; scope?: readonly string[] } | undefined;
  /** Whether this process holds the cross-process lease to fill the key, another does, or there is none. */
  lease: 'held' | 'busy' | 'none';
  /** Order position (`at`) of the newest change recorded for the key, if any gave one. */
  at: number | undefined;
}

/** A value as the authority holds it. */
export interface StoredEntry {
  value: unknown;
  /** Unique id of this fill or write; equal stamps mean the same stored value. */
  stamp: number;
  /** Version of the key it was stored under. */
  kv: number;
  tags: readonly Versioned[];
  feeds: readonly FeedState[];
  /** Remaining validity. */
  ttlMs: number;
  /** JSON size. */
  bytes: number;
}

/** Answer of {@link Authority.read}. */
export type ReadAnswer =
  | { kind: 'same'; feeds: readonly FeedState[] }
  | { kind: 'hit'; entry: StoredEntry }
  | { kind: 'miss'; snapshot: Snapshot; decodeError?: unknown };

/** Answer of {@link Authority.fill}. */
export type FillAnswer =
  | { stored: true; stamp: number }
  | { stored: false; reason: 'version' | 'tag' | 'feed' | 'pin' };

/** Answer of {@link Authority.write} and of an applied value. */
export interface WriteAnswer {
  /** True when the write's `at` is older than what the key already reflects: nothing changed. */
  ignored?: boolean;
  kv: number;
  stamp: number;
  /** False when a feed of the value is not covered: the version advanced but nothing was stored. */
  stored: boolean;
  tags: readonly Versioned[];
  feeds: readonly FeedState[];
}

/** Tags and feeds a stored value depends on. */
export interface Deps {
  tags: readonly string[];
  feeds: readonly string[];
  /** Feed epochs the value was built under: stored only if each is still current and covered. */
  basis?: readonly Versioned[];
}

/** A change the authority announces: to this process at once, to others over the bus. */
export type Notice =
  | { kind: 'key'; name: string; version: number }
  | { kind: 'tag'; name: string; version: number }
  | { kind: 'feed'; name: string; version: number }
  | { kind: 'filled'; name: string; version: number }
  /** A write window of key `name` ended, settled or closed: changes it held may go through. */
  | { kind: 'order'; name: string; version: number }
  | { kind: 'flush' };

/** Coverage operations on a feed. */
export type CoverageOp = 'started' | 'resumed' | 'lost' | 'stopped' | 'renew';

/** A change to apply at the authority, after dedupe and ordering. */
export type AuthorityChange =
  | { mode: 'invalidate' }
  | { mode: 'value'; json: string; deps: Deps; ttlMs: number; pinMs: number; pinScope?: readonly string[] }
  | {
      mode: 'cas';
      json: string;
      deps: Deps;
      ttlMs: number;
      pinMs: number;
      pinScope?: readonly string[];
      expectKv: number;
    };

/** An open write window that holds a change (see {@link Authority.openWindow}). */
export interface HoldingWindow {
  id: string;
  /** The JSON the write stored when it ended the window; undefined while it has not. */
  json: string | undefined;
  /** How long the window still holds at most. */
  remainingMs: number;
}

/** Answer of {@link Authority.apply}. */
export type ApplyAnswer =
  | { outcome: 'duplicate' | 'ignored' }
  | { outcome: 'held'; windows: readonly HoldingWindow[] }
  | { outcome: 'applied'; kv: number; stored: WriteAnswer | undefined };

/** How a write ends its window: when the source answered, and how long changes inside stay held. */
export interface WindowEnd {
  id: string;
  to: number;
  holdMs: number;
}

/** See the module comment. */
export interface Authority {
  /** True when other processes share it (Redis): strict reads then ask it. */
  readonly shared: boolean;
  /**
   * Reads the key: `same` when the stored value still has `localStamp`, `hit` with another valid value, or `miss`
   * with a snapshot (taking the fill lease when `lease`).
   */
  read(
    key: string,
    localStamp: number,
    tags: readonly string[],
    feeds: readonly string[],
    lease: boolean,
  ): Promise<ReadAnswer>;
  /**
   * Stores a fill if nothing in its snapshot changed. `agrees` tells how it relates to the snapshot's pin: `true`
   * agrees (the pin ends), `false` disagrees (refused while the pin holds), `'same'` equals the pinned state without
   * the source agreeing yet (stored, the pin stays).
   */
  fill(key: string, snapshot: Snapshot, json: string, ttlMs: number, agrees: boolean | 'same'): Promise<FillAnswer>;
  /** Drops the fill lease without storing (the load failed). */
  release(key: string): Promise<void>;
  /**
   * Records a write at a new version, pinned for `pinMs` (about the parts in `pinScope`, accumulated with those of an
   * active pin; undefined: the whole value), unless `at` is older than what the key reflects.
   */
  write(
    key: string,
    json: string,
    deps: Deps,
    ttlMs: number,
    pinMs: number,
    at: number | undefined,
    pinScope?: readonly string[],
    window?: WindowEnd,
  ): Promise<WriteAnswer>;
  /**
   * Applies a change to a key, once per id, unless older than what the key reflects. A change whose `at` falls
   * inside an open write window of the key (after its `from`, not after its `to`) is held: nothing is recorded.
   * `settles`: the id of a window this change is the write's own change of; that window is closed first.
   */
  applyKey(
    id: string,
    key: string,
    at: number | undefined,
    change: AuthorityChange,
    settles?: string,
  ): Promise<ApplyAnswer>;
  /**
   * Opens a write window on a key: a write is being sent at `from`, and the source's answer will not say when it
   * committed it; changes ordered after `from` are held until the window ends and settles. Open at most `maxMs`.
   */
  openWindow(key: string, id: string, from: number, maxMs: number): Promise<void>;
  /** Closes a write window (the write failed or wrote nothing): changes it held go through. */
  closeWindow(key: string, id: string): Promise<void>;
  /** Invalidates a tag, once per id, unless older than what the tag reflects. */
  applyTag(id: string | undefined, tag: string, at: number | undefined): Promise<ApplyAnswer>;
  /** Invalidates a key unconditionally. */
  invalidateKey(key: string): Promise<number>;
  /** Changes a feed's coverage; returns its epoch and for how long it is covered. */
  coverage(feed: string, op: CoverageOp): Promise<FeedState>;
  /** Stops listening and releases what it holds (not a Redis client it was given). */
  close(): Promise<void>;
}
