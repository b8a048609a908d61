import { MockOptionsError } from '../errors.js';
import type { Random } from '../random.js';

/** The kinds of resource whose versions the emulator records; the prefix of a resource key. */
export const RESOURCE_KINDS = [
  'user',
  'channel',
  'stream',
  'followers',
  'moderators',
  'vips',
  'bans',
  'rewards',
  'polls',
  'predictions',
  'chat_settings',
  'goals',
  'hype_train',
  'subscriptions',
  'schedule',
  'emotes',
] as const;

/** One of `RESOURCE_KINDS`. */
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** How long reads keep serving the previous state after a write, drawn uniformly per write. 0/0 is off. */
export interface LagRange {
  minMs: number;
  maxMs: number;
}

/**
 * After a stream goes live, reads within `windowMs` of it becoming visible answer "offline" with `probability`;
 * with `afterOffline`, reads after it ended answer the ended stream with `probability` within the window too
 * (Get Streams is served from caches that take up to a minute to agree on a stream's status, both ways).
 */
export interface StreamFlap {
  windowMs: number;
  probability: number;
  /** Also flap after `stream.offline` (reads may answer the ended stream as live). Default false. */
  afterOffline?: boolean;
}

/** Lag per resource kind (`'*'` for the rest) and stream flapping; `false` or `0` turns everything off. */
export type LagOptions = false | 0 | ({ [K in ResourceKind | '*']?: LagRange } & { streamFlap?: StreamFlap });

/** Twitch-like defaults: a second or two for most reads, more for streams, which also flap. */
export const DEFAULT_LAG: Readonly<Exclude<LagOptions, false | 0>> = Object.freeze({
  '*': { minMs: 500, maxMs: 2000 },
  stream: { minMs: 1000, maxMs: 4000 },
  moderators: { minMs: 1000, maxMs: 2500 },
  streamFlap: { windowMs: 20_000, probability: 0.3 },
});

const off: LagRange = { minMs: 0, maxMs: 0 };

function checkRange(kind: string, range: LagRange): LagRange {
  const ok =
    Number.isFinite(range.minMs) && Number.isFinite(range.maxMs) && range.minMs >= 0 && range.maxMs >= range.minMs;
  if (!ok) throw new MockOptionsError(`lag for ${kind}: need 0 <= minMs <= maxMs, got ${JSON.stringify(range)}`);
  return { minMs: range.minMs, maxMs: range.maxMs };
}

/** Draws, for each committed write, how long reads keep serving the state before it. */
export class LagPolicy {
  readonly #ranges = new Map<string, LagRange>();
  #flap: StreamFlap = { windowMs: 0, probability: 0 };
  readonly #random: Random;
  readonly #flapRandom: Random;

  /** `flapRandom` is a separate stream so that the number of stream reads does not shift later lags. */
  constructor(random: Random, options: LagOptions | undefined, flapRandom: Random = random) {
    this.#random = random;
    this.#flapRandom = flapRandom;
    const settings = options === undefined ? DEFAULT_LAG : options;
    if (settings === false || settings === 0) {
      this.#ranges.set('*', off);
      return;
    }
    const { '*': all, streamFlap, ...kinds } = settings;
    if (all) this.set('*', all);
    for (const [kind, range] of Object.entries(kinds)) if (range) this.set(kind as ResourceKind, range);
    if (streamFlap) this.setFlap(streamFlap);
    if (!this.#ranges.has('*')) this.#ranges.set('*', off);
  }

  /**
   * Sets the lag of one kind. `'*'` sets every kind (dropping per-kind ranges), and `'*'` at 0/0 also stops stream
   * flapping, so that it turns every kind of staleness off.
   */
  set(kind: ResourceKind | '*', range: LagRange): void {
    if (kind !== '*' && !(RESOURCE_KINDS as readonly string[]).includes(kind)) {
      throw new MockOptionsError(`unknown resource kind ${kind}; one of ${RESOURCE_KINDS.join(', ')} or *`);
    }
    const checked = checkRange(kind, range);
    if (kind === '*') {
      this.#ranges.clear();
      if (checked.maxMs === 0) this.#flap = { windowMs: 0, probability: 0 };
    }
    this.#ranges.set(kind, checked);
  }

  setFlap(flap: StreamFlap): void {
    if (!(flap.windowMs >= 0) || !(flap.probability >= 0 && flap.probability <= 1)) {
      throw new MockOptionsError(`streamFlap: need windowMs >= 0 and 0 <= probability <= 1`);
    }
    this.#flap = { windowMs: flap.windowMs, probability: flap.probability, afterOffline: flap.afterOffline === true };
  }

  get flap(): StreamFlap {
    return this.#flap;
  }

  /** A lag in ms for one write to a resource of `kind`. */
  draw(kind: string): number {
    const range = this.#ranges.get(kind) ?? this.#ranges.get('*') ?? off;
    if (range.maxMs === 0) return 0;
    return range.minMs + Math.floor(this.#random.next() * (range.maxMs - range.minMs + 1));
  }

  /** Whether this read of a stream whose status just changed should still answer the previous status. */
  flapNow(sinceVisibleMs: number, offline = false): boolean {
    if (offline && this.#flap.afterOffline !== true) return false;
    if (this.#flap.probability === 0 || sinceVisibleMs >= this.#flap.windowMs) return false;
    return this.#flapRandom.next() < this.#flap.probability;
  }

  snapshot(): Record<string, LagRange | StreamFlap> {
    return { ...Object.fromEntries(this.#ranges), streamFlap: this.#flap };
  }
}
