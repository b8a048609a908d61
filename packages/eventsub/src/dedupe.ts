/**
 * Remembers recently seen message ids to drop redeliveries. Memory is bounded by `capacity` and ids older than
 * `windowMs` are forgotten as new ones arrive: one Map in insertion order, no timer per id.
 */
import type { Clock } from './types.js';

export class MessageDeduper {
  readonly #seen = new Map<string, number>();
  readonly #capacity: number;
  readonly #windowMs: number;
  readonly #clock: Clock;

  constructor(options: { capacity?: number; windowMs?: number; clock?: Clock } = {}) {
    this.#capacity = options.capacity ?? 10_000;
    this.#windowMs = options.windowMs ?? 10 * 60_000;
    this.#clock = options.clock ?? { now: () => Date.now() };
  }

  /** True when `id` was seen within the window (a duplicate); otherwise records it and answers false. */
  check(id: string): boolean {
    const now = this.#clock.now();
    const at = this.#seen.get(id);
    if (at !== undefined && now - at <= this.#windowMs) return true;
    if (at !== undefined) this.#seen.delete(id);
    this.#seen.set(id, now);
    this.#evict(now);
    return false;
  }

  get size(): number {
    return this.#seen.size;
  }

  #evict(now: number): void {
    // Oldest first: stop at the first id that is both inside the window and inside the capacity.
    for (const [id, at] of this.#seen) {
      if (this.#seen.size <= this.#capacity && now - at <= this.#windowMs) break;
      this.#seen.delete(id);
    }
  }
}
