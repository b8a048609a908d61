import type { Authority, CoverageOp, FeedState } from './authority.js';
import { CacheArgumentError, CacheClosedError } from './errors.js';
import type { Knowledge } from './knowledge.js';
import { checkName } from './names.js';
import type { Clock, Logger } from './types.js';

/**
 * Coverage of feeds (sources of change notifications, e.g. one event subscription). A value read with `feeds` is
 * cached only while each of them is covered, and each coverage change advances the feed's epoch, which invalidates
 * everything filled under the feed before it in O(1).
 *
 * With Redis the state lives in Redis: a feed counts as covered only while a process that covers it keeps renewing
 * it (every third of `coverageLeaseMs`), so when the listening process dies, the lapse is a gap for everyone, and a
 * process that restarts and starts the feed again revalidates what was filled before. Redis failures never reject
 * these calls: a change that could not be recorded is retried at the next renewal, and meanwhile the local epoch
 * already stopped this process from trusting the feed's entries.
 */
export class Coverage {
  readonly #auth: Authority;
  readonly #know: Knowledge;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #counted: () => void;
  readonly #closed: () => boolean;
  /** Feeds this process covers (renewed) and coverage changes Redis has not recorded yet. */
  readonly #covering = new Set<string>();
  readonly #pending = new Map<string, CoverageOp>();
  readonly #timer: ReturnType<typeof setInterval> | undefined;

  /** @internal Created by the cache. */
  constructor(options: {
    authority: Authority;
    knowledge: Knowledge;
    clock: Clock;
    logger: Logger;
    renewEveryMs: number;
    counted: () => void;
    closed: () => boolean;
  }) {
    this.#auth = options.authority;
    this.#know = options.knowledge;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#counted = options.counted;
    this.#closed = options.closed;
    if (options.renewEveryMs > 0) {
      this.#timer = setInterval(() => void this.#renew(), options.renewEveryMs);
      this.#timer.unref();
    }
  }

  /**
   * The feed is covered from now on (e.g. its subscription was confirmed). Anything filled under it before is
   * revalidated: nothing says what happened while it was not covered. `at` is informational (when coverage began).
   */
  async started(feed: string, at?: number): Promise<void> {
    this.#check(at, 'at');
    await this.#change(checkName('feed', feed), 'started');
  }

  /**
   * The feed missed notifications between `from` and `to` (omit `to` while the gap is still open, e.g. the connection
   * is down; call {@link started} or `gap` with `to` when coverage is back). Everything filled under it before now is
   * revalidated on its next read.
   */
  async gap(feed: string, gap: { from: number; to?: number }): Promise<void> {
    const name = checkName('feed', feed);
    if (typeof gap !== 'object' || gap === null) throw new CacheArgumentError('gap', 'must be { from, to? }');
    this.#check(gap.from, 'gap.from');
    this.#check(gap.to, 'gap.to');
    await this.#change(name, gap.to === undefined ? 'lost' : 'resumed');
  }

  /** The feed is no longer covered by this process; its entries are revalidated and no longer cached. */
  async stopped(feed: string): Promise<void> {
    await this.#change(checkName('feed', feed), 'stopped');
  }

  /** @internal Gives up every feed this process covers; called by `Cache.close`. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const feeds = [...this.#covering];
    this.#covering.clear();
    await Promise.all(feeds.map((f) => this.#auth.coverage(f, 'stopped').catch(() => undefined)));
  }

  async #change(feed: string, op: CoverageOp): Promise<void> {
    if (this.#closed()) throw new CacheClosedError();
    if (op === 'started' || op === 'resumed') this.#covering.add(feed);
    else this.#covering.delete(feed);
    // stop trusting the feed's entries here at once, whatever Redis says, and stop sharing loads begun before
    this.#know.feedChanged(feed);
    this.#counted();
    try {
      this.#learn(await this.#auth.coverage(feed, op));
      this.#pending.delete(feed);
    } catch (err) {
      this.#pending.set(feed, op);
      this.#logger.warn('cache: coverage change not recorded yet; will retry', {
        feed,
        op,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  async #renew(): Promise<void> {
    if (this.#closed()) return;
    for (const [feed, op] of [...this.#pending]) {
      try {
        this.#learn(await this.#auth.coverage(feed, op));
        if (this.#pending.get(feed) === op) this.#pending.delete(feed);
      } catch {
        return; // Redis still unavailable; retry at the next tick
      }
    }
    for (const feed of [...this.#covering]) {
      if (this.#pending.has(feed)) continue;
      try {
        this.#learn(await this.#auth.coverage(feed, 'renew'));
      } catch {
        return;
      }
    }
  }

  #learn([feed, e, coveredFor]: FeedState): void {
    const known = this.#know.feeds.get(feed);
    if (known !== undefined && known.e > e) return;
    this.#know.feeds.set(feed, { e, until: coveredFor > 0 ? this.#clock.now() + coveredFor : 0 });
  }

  #check(at: number | undefined, field: string): void {
    if (at !== undefined && (typeof at !== 'number' || !Number.isFinite(at))) {
      throw new CacheArgumentError(field, 'must be a finite number');
    }
  }
}
