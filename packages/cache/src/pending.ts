import type { Authority } from './authority.js';
import type { Logger } from './types.js';

/** How many unrecorded changes are remembered; beyond it the oldest are forgotten (and that is logged). */
const MAX_PENDING = 10_000;

/**
 * Invalidations that Redis could not record (it was down when the application wrote or an event arrived). Until they
 * are recorded, Redis may still hold the state from before them, so reads of those keys and tags go to the source;
 * they are recorded as soon as Redis answers again (the breaker closes), or lazily by the next read that needs them.
 */
export class PendingChanges {
  readonly #keys = new Set<string>();
  readonly #tags = new Set<string>();
  readonly #logger: Logger;
  #flushing: Promise<void> | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  get size(): number {
    return this.#keys.size + this.#tags.size;
  }

  add(kind: 'key' | 'tag', name: string): void {
    const set = kind === 'key' ? this.#keys : this.#tags;
    set.delete(name);
    set.add(name);
    if (set.size > MAX_PENDING) {
      const oldest = set.values().next().value as string;
      set.delete(oldest);
      this.#logger.error('cache: too many changes Redis could not record; the oldest is forgotten', { kind, oldest });
    }
  }

  /** Whether a read of `key` under `tags` depends on a change Redis has not recorded. */
  affects(key: string, tags: readonly string[]): boolean {
    if (this.#keys.has(key)) return true;
    for (const t of tags) if (this.#tags.has(t)) return true;
    return false;
  }

  /** Records every pending change it can; stops at the first failure (Redis still unavailable). */
  flush(auth: Authority): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    this.#flushing ??= this.#flush(auth).finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flush(auth: Authority): Promise<void> {
    try {
      for (const key of [...this.#keys]) {
        await auth.invalidateKey(key);
        this.#keys.delete(key);
      }
      for (const tag of [...this.#tags]) {
        await auth.applyTag(undefined, tag, undefined);
        this.#tags.delete(tag);
      }
    } catch {
      // still unavailable: kept for the next attempt
    }
  }
}
