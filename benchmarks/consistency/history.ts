/**
 * The history a consistency run records: every read (process, key, start, end, version seen), every write
 * acknowledged, every event received, every restart and coverage gap, and the emulator's truth.
 *
 * Reads are stored column-wise in growable typed arrays because a run records millions of them: an object per
 * read would cost ~100 bytes and GC time that would show up in the latencies being measured.
 */

/** How a read was asked to be served (see CONSISTENCY.md, promise 1). Baselines record `fast`. */
export type ReadLevel = 'fast' | 'strict';

/** One committed version of a key, as the emulator recorded it. */
export interface TruthVersion {
  version: number;
  committedAt: number;
}

/** A write acknowledged (its call resolved) or an event received (handed to the cache), with the version it carries. */
export interface Witness {
  proc: number;
  key: number;
  at: number;
  version: number;
}

/** A process going down at `downAt` and serving again from `upAt` (same logical process id). */
export interface Restart {
  proc: number;
  downAt: number;
  upAt: number;
}

/** An interval in which nobody listened to the events that would have changed `key` (for process `proc`). */
export interface CoverageGap {
  proc: number;
  key: number;
  start: number;
  end: number;
}

/** One Helix read of `key` in the emulator's request log. */
export interface SourceRead {
  key: number;
  at: number;
}

const FLAG_STRICT = 1;
const FLAG_FROM_CACHE = 2;

/** Growable column store of reads. */
export class ReadLog {
  #size = 0;
  proc = new Uint8Array(1024);
  key = new Uint32Array(1024);
  start = new Float64Array(1024);
  end = new Float64Array(1024);
  version = new Int32Array(1024);
  flags = new Uint8Array(1024);

  get size(): number {
    return this.#size;
  }

  /**
   * Records one read. `version` is -1 when the state returned names no version (a failed read is not recorded).
   * `fromCache` says whether it was answered without asking Helix (unknown for baselines: pass false).
   */
  add(proc: number, key: number, start: number, end: number, version: number, level: ReadLevel, fromCache: boolean) {
    if (this.#size === this.proc.length) this.#grow();
    const i = this.#size++;
    this.proc[i] = proc;
    this.key[i] = key;
    this.start[i] = start;
    this.end[i] = end;
    this.version[i] = version;
    this.flags[i] = (level === 'strict' ? FLAG_STRICT : 0) | (fromCache ? FLAG_FROM_CACHE : 0);
  }

  isStrict(i: number): boolean {
    return (this.flags[i]! & FLAG_STRICT) !== 0;
  }

  isFromCache(i: number): boolean {
    return (this.flags[i]! & FLAG_FROM_CACHE) !== 0;
  }

  /** Appends every read of `other`, with its process ids shifted by `procOffset` (merging child processes). */
  append(other: ReadLog, procOffset = 0): void {
    for (let i = 0; i < other.size; i++) {
      this.add(
        other.proc[i]! + procOffset,
        other.key[i]!,
        other.start[i]!,
        other.end[i]!,
        other.version[i]!,
        other.isStrict(i) ? 'strict' : 'fast',
        other.isFromCache(i),
      );
    }
  }

  /** The columns trimmed to size, for sending to another process. */
  toColumns(): ReadColumns {
    const n = this.#size;
    return {
      proc: this.proc.slice(0, n),
      key: this.key.slice(0, n),
      start: this.start.slice(0, n),
      end: this.end.slice(0, n),
      version: this.version.slice(0, n),
      flags: this.flags.slice(0, n),
    };
  }

  /** Rebuilds a log from columns (the inverse of {@link toColumns}). */
  static fromColumns(c: ReadColumns): ReadLog {
    const log = new ReadLog();
    log.proc = Uint8Array.from(c.proc);
    log.key = Uint32Array.from(c.key);
    log.start = Float64Array.from(c.start);
    log.end = Float64Array.from(c.end);
    log.version = Int32Array.from(c.version);
    log.flags = Uint8Array.from(c.flags);
    log.#size = log.proc.length;
    if (log.#size === 0) log.#grow();
    return log;
  }

  #grow(): void {
    const n = Math.max(1024, this.proc.length * 2);
    const grow = <T extends Uint8Array | Uint32Array | Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a as never);
      return b;
    };
    this.proc = grow(this.proc, (m) => new Uint8Array(m));
    this.key = grow(this.key, (m) => new Uint32Array(m));
    this.start = grow(this.start, (m) => new Float64Array(m));
    this.end = grow(this.end, (m) => new Float64Array(m));
    this.version = grow(this.version, (m) => new Int32Array(m));
    this.flags = grow(this.flags, (m) => new Uint8Array(m));
  }
}

/** Plain arrays of a {@link ReadLog}, structured-clone friendly. */
export interface ReadColumns {
  proc: ArrayLike<number>;
  key: ArrayLike<number>;
  start: ArrayLike<number>;
  end: ArrayLike<number>;
  version: ArrayLike<number>;
  flags: ArrayLike<number>;
}

/** Everything the checker holds against the truth. Keys are indices into `keys`. */
export interface History {
  keys: string[];
  reads: ReadLog;
  acks: Witness[];
  events: Witness[];
  /** Per key index: versions ascending. */
  truth: TruthVersion[][];
  restarts: Restart[];
  gaps: CoverageGap[];
  sourceReads: SourceRead[];
  /**
   * Processes that share one tier (Redis): the cross-process rules apply among them. Baselines and the in-memory
   * row have one process, so this is irrelevant there.
   */
  sharedTier: boolean;
  /** The bus delay bound δ measured by the run (ms), for `fast` reads across processes. */
  deltaMs: number;
  /**
   * Per key index: reads whose state equals no committed version (a list patched on a stale base). Their
   * version is the newest whose changes they all reflect (`ListVersions`), so the promises still apply to them.
   */
  phantom?: number[];
  /** What the per-change check of lists needs (`list-check.ts`); absent when no list was read. */
  lists?: ListDetail;
}

/** An acknowledged list write or a received list event, by the one change it carries. */
export interface MemberChangeWitness {
  proc: number;
  key: number;
  at: number;
  op: 'add' | 'remove';
  userId: string;
  source: 'ack' | 'event';
}

/** The lists' reads as sets of user ids, their changes as witnessed, and the truth's removal times. */
export interface ListDetail {
  /** Per read index: index into `sets` of the list it returned; -1 for a read of another resource. */
  readSet: Int32Array;
  sets: ReadonlySet<string>[];
  changes: MemberChangeWitness[];
  /** Per list key index: when each removed user's removal was committed. */
  removedAt: Map<number, Map<string, number>>;
  /** Per list key index: when each user's add was committed (for the examples). */
  addedAt?: Map<number, Map<string, number>>;
}

/**
 * A change was committed before any process acknowledged or received it, but each process reads its own clock, and
 * the clocks of processes differ by a fraction of a millisecond: an acknowledgement can appear to come before the
 * commit it acknowledges (by 0.1 ms, say), which would make a read between the two look older than the change. So a
 * commit time is taken as at most the earliest time a process acknowledged or received that change.
 */
export function clampCommits(
  history: History,
  changes: readonly MemberChangeWitness[],
  removedAt: Map<number, Map<string, number>>,
  addedAt: Map<number, Map<string, number>>,
): void {
  for (const w of [...history.acks, ...history.events]) {
    const version = history.truth[w.key]?.find((t) => t.version === w.version);
    if (version !== undefined && version.committedAt > w.at) version.committedAt = w.at;
  }
  // versions stay in commit order
  for (const versions of history.truth) {
    for (let i = versions.length - 2; i >= 0; i--) {
      versions[i]!.committedAt = Math.min(versions[i]!.committedAt, versions[i + 1]!.committedAt);
    }
  }
  for (const w of changes) {
    const byUser = (w.op === 'remove' ? removedAt : addedAt).get(w.key);
    const committed = byUser?.get(w.userId);
    if (committed !== undefined && committed > w.at) byUser!.set(w.userId, w.at);
  }
}
