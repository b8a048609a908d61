/**
 * The seeded workload: which key each read asks for, which reads are strict, when a process writes, and which
 * external changes happen "on twitch.tv". Deterministic for a seed, so two runs (and every row of one run) draw the
 * same sequence of choices; only the timing, which the systems themselves influence, differs.
 */
import { isList, isShared, type KeySpace, type ListResource, type Resource } from './catalog.js';

/** mulberry32: a tiny, fast, seeded PRNG (32-bit state); good enough to draw a workload. */
export class Rng {
  #s: number;

  constructor(seed: number) {
    this.#s = seed >>> 0 || 0x9e3779b9;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** What one process of one row does. */
export interface WorkloadOptions {
  seed: number;
  /** Logical process id (0-based); mixed into the seed so processes differ. */
  proc: number;
  /** Incarnation of the process (0, then 1 after a restart): written values stay unique across incarnations. */
  incarnation?: number;
  /** The keys of the row (catalog.ts). */
  space: KeySpace;
  /** The broadcaster the process acts as (whose token it holds): it writes its resources and reads its own lists. */
  owner: string;
  /** Share of reads made at the `strict` level (only meaningful with a shared tier). */
  strictShare: number;
}

/** Share of reads per resource (of the resources the row covers). */
export const READ_WEIGHTS: Readonly<Record<Resource, number>> = {
  channel: 40,
  user: 10,
  stream: 10,
  chat_settings: 10,
  vips: 7.5,
  moderators: 7.5,
  bans: 7.5,
  rewards: 7.5,
};

/**
 * The order in which a process's writes go round its resources (of those the row covers). Rewards have no write:
 * the Client has no reward write-through (only `getCustomRewards`), so every system sees them change outside only.
 */
export const WRITE_CYCLE: readonly Resource[] = [
  'channel',
  'vips',
  'channel',
  'moderators',
  'channel',
  'bans',
  'user',
  'chat_settings',
];

/** Follower mode durations (minutes, Twitch allows 0 to 129600) of SDK writes: per incarnation, this many. */
const CHAT_RANGE = 3000;
/** Follower mode durations of external changes start here (above every SDK range of up to 16 processes). */
export const CHAT_EXTERNAL_BASE = 100_000;

/**
 * One read, one write of a unique value (a title, a description, a follower mode duration as a decimal string), or
 * one change of an own list (`listWrite`: which user to add or remove is decided when it is made, see `ListPlanner`).
 * Keys are key indices of the row's {@link KeySpace}.
 */
export type Op =
  | { kind: 'read'; key: number; resource: Resource; strict: boolean }
  | { kind: 'write'; key: number; resource: 'channel' | 'user' | 'chat_settings'; value: string }
  | { kind: 'listWrite'; key: number; resource: ListResource };

/**
 * Draws the operations of one process. Keys are skewed (a few hot channels, a long tail) as real bots read the
 * channels they serve far more than others; written values are unique across processes and rows, so a state names
 * exactly one version. Writes are drawn by {@link nextWrite}, on a clock (the loop decides when), so that every
 * system sees the same write rate whatever its read speed.
 */
export class Workload {
  readonly #rng: Rng;
  readonly #o: WorkloadOptions;
  readonly #tag: string;
  readonly #reads: { resource: Resource; upTo: number }[] = [];
  readonly #writes: Resource[];
  #written = 0;
  #chat = 0;

  constructor(options: WorkloadOptions, tag = 'w') {
    this.#o = options;
    this.#rng = new Rng((options.seed * 1_000_003 + options.proc * 7919) >>> 0);
    this.#tag = tag;
    const covered = new Set(options.space.resources);
    let total = 0;
    for (const r of options.space.resources) total += READ_WEIGHTS[r];
    let acc = 0;
    for (const r of options.space.resources) {
      acc += READ_WEIGHTS[r] / total;
      this.#reads.push({ resource: r, upTo: acc });
    }
    this.#writes = WRITE_CYCLE.filter((r) => covered.has(r));
  }

  /** The next read. */
  next(): Op {
    const x = this.#rng.next();
    const resource = (this.#reads.find((r) => x < r.upTo) ?? this.#reads.at(-1)!).resource;
    const strict = this.#rng.next() < this.#o.strictShare;
    if (isShared(resource))
      return { kind: 'read', key: this.#skewed(this.#o.space.shared(resource)), resource, strict };
    return { kind: 'read', key: this.#own(resource), resource, strict };
  }

  /** The next write: a value no other write of the run uses, or a change of an own list, round the write cycle. */
  nextWrite(): Op {
    const resource = this.#writes[this.#written++ % this.#writes.length]!;
    const key = this.#own(resource);
    const n = this.#written;
    if (isList(resource)) return { kind: 'listWrite', key, resource };
    if (resource === 'chat_settings') {
      const slot = this.#o.proc * 2 + (this.#o.incarnation ?? 0);
      const minutes = 1 + slot * CHAT_RANGE + (this.#chat++ % CHAT_RANGE);
      return { kind: 'write', key, resource, value: String(minutes) };
    }
    return {
      kind: 'write',
      key,
      resource: resource as 'channel' | 'user',
      value: `${this.#tag}-p${this.#o.proc}-${n}`,
    };
  }

  #own(resource: Resource): number {
    const key = this.#o.space.indexOf(resource, this.#o.owner);
    if (key === undefined) throw new Error(`no ${resource} key for ${this.#o.owner}`);
    return key;
  }

  /** A key, skewed: half the draws go to the first eighth of the keys. */
  #skewed(keys: readonly number[]): number {
    const n = keys.length;
    const hot = Math.max(1, Math.floor(n / 8));
    return keys[this.#rng.next() < 0.5 ? this.#rng.int(hot) : this.#rng.int(n)]!;
  }
}

/** The external changes made "on twitch.tv" during a row: a unique title for a random key, at a fixed rate. */
export class ExternalChanges {
  readonly #rng: Rng;
  readonly #keys: number;
  #count = 0;

  constructor(seed: number, keys: number) {
    this.#rng = new Rng((seed ^ 0x5bd1e995) >>> 0);
    this.#keys = keys;
  }

  next(tag: string): { key: number; title: string } {
    this.#count++;
    return { key: this.#rng.int(this.#keys), title: `ext-${tag}-${this.#count}` };
  }
}
