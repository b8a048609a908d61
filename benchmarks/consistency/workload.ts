/**
 * The seeded workload: which key each read asks for, which reads are strict, when a process writes, and which
 * external changes happen "on twitch.tv". Deterministic for a seed, so two runs (and every row of one run) draw the
 * same sequence of choices; only the timing, which the systems themselves influence, differs.
 */

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
  /** Number of keys (broadcasters' channels) read. */
  keys: number;
  /** The key the process writes: the channel of the broadcaster whose token it holds. */
  writeKey: number;
  /** Share of reads made at the `strict` level (only meaningful with a shared tier). */
  strictShare: number;
  /**
   * Share of reads that read the VIP list of the process's own broadcaster (key index `keys + writeKey`: VIP lists
   * are only readable with the broadcaster's token) instead of a channel. Default 0.
   */
  vipReadShare?: number;
  /** Every other write changes that VIP list (add or remove, see `vips.ts`) instead of the title. Default false. */
  vipWrites?: boolean;
}

/**
 * One read (of a channel, or of the own broadcaster's VIP list with `vips`), one write of a unique title, or one
 * change of the own VIP list (`vipWrite`: which user to add or remove is decided when it is made, see `ListPlanner`).
 * Keys are history key indices: channels `0..keys-1`, VIP lists `keys + writeKey`.
 */
export type Op =
  | { kind: 'read'; key: number; strict: boolean; vips?: boolean }
  | { kind: 'write'; key: number; title: string }
  | { kind: 'vipWrite'; key: number };

/**
 * Draws the operations of one process. Keys are skewed (a few hot channels, a long tail) as real bots read the
 * channels they serve far more than others; written titles are unique across processes and rows, so a title names
 * exactly one version. Writes are drawn by {@link nextWrite}, on a clock (the loop decides when), so that every
 * system sees the same write rate whatever its read speed.
 */
export class Workload {
  readonly #rng: Rng;
  readonly #o: WorkloadOptions;
  readonly #tag: string;
  #writes = 0;

  constructor(options: WorkloadOptions, tag = 'w') {
    this.#o = options;
    this.#rng = new Rng((options.seed * 1_000_003 + options.proc * 7919) >>> 0);
    this.#tag = tag;
  }

  /** The next read. */
  next(): Op {
    const share = this.#o.vipReadShare ?? 0;
    if (share > 0 && this.#rng.next() < share) {
      return {
        kind: 'read',
        key: this.#o.keys + this.#o.writeKey,
        strict: this.#rng.next() < this.#o.strictShare,
        vips: true,
      };
    }
    return { kind: 'read', key: this.#key(), strict: this.#rng.next() < this.#o.strictShare };
  }

  /** The next write: a title no other write of the run uses, or (every other write) a change of the VIP list. */
  nextWrite(): Op {
    this.#writes++;
    const key = this.#o.writeKey;
    if (this.#o.vipWrites && this.#writes % 2 === 0) return { kind: 'vipWrite', key: this.#o.keys + key };
    return { kind: 'write', key, title: `${this.#tag}-p${this.#o.proc}-${this.#writes}` };
  }

  /** A key index, skewed: half the draws go to the first eighth of the keys. */
  #key(): number {
    const n = this.#o.keys;
    const hot = Math.max(1, Math.floor(n / 8));
    return this.#rng.next() < 0.5 ? this.#rng.int(hot) : this.#rng.int(n);
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
