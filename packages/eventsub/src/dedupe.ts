/**
 * Remembers recently seen message ids to drop redeliveries and replays. An id is remembered for `windowMs`; at most
 * `capacity` ids are held. A ring buffer in arrival order plus a Map: O(1) per message, no timer per id (a Map trimmed
 * from its head degrades as deleted entries pile up before a rehash, measured at 10% of a run). The ring grows by
 * doubling up to `capacity`, so memory follows the traffic inside the window rather than the bound.
 *
 * When `capacity` ids are all still inside the window, `whenFull` decides: `'evict'` forgets the oldest (a socket,
 * where a redelivery is the only risk), `'refuse'` admits nothing new until the oldest ages out (a webhook, where a
 * forgotten id could be replayed by whoever captured the request).
 */
import type { Clock } from './types.js';

/** What `admit` found: a new id (now remembered), a duplicate, or a full set that refused it. */
export type Admission = 'new' | 'duplicate' | 'full';

export interface MessageDeduperOptions {
  /** Most ids held at once; default 10 000. */
  capacity?: number;
  /** How long an id is remembered, ms; default 10 minutes (Twitch's replay window). */
  windowMs?: number;
  /** Default `'evict'`. */
  whenFull?: 'evict' | 'refuse';
  clock?: Clock;
}

const INITIAL_SLOTS = 1024;

export class MessageDeduper {
  readonly #seen = new Map<string, number>();
  #ids: (string | undefined)[];
  #times: Float64Array;
  readonly #capacity: number;
  readonly #windowMs: number;
  readonly #refuse: boolean;
  readonly #clock: Clock;
  #head = 0;
  #count = 0;

  constructor(options: MessageDeduperOptions = {}) {
    this.#capacity = Math.max(1, Math.floor(options.capacity ?? 10_000));
    this.#windowMs = options.windowMs ?? 10 * 60_000;
    this.#refuse = options.whenFull === 'refuse';
    this.#clock = options.clock ?? { now: () => Date.now() };
    const slots = Math.min(this.#capacity, INITIAL_SLOTS);
    this.#ids = new Array(slots);
    this.#times = new Float64Array(slots);
  }

  /** True when `id` was seen within the window, or cannot be remembered (a full `'refuse'` set). */
  check(id: string): boolean {
    return this.admit(id) !== 'new';
  }

  /** Records `id` unless it is a duplicate, or the set is full of ids inside the window and refuses. */
  admit(id: string): Admission {
    const now = this.#clock.now();
    const at = this.#seen.get(id);
    if (at !== undefined && now - at <= this.#windowMs) return 'duplicate';
    while (this.#count > 0 && now - (this.#times[this.#head] as number) > this.#windowMs) this.#pop();
    if (this.#count === this.#ids.length) {
      if (this.#ids.length < this.#capacity) this.#grow();
      else if (this.#refuse) return 'full';
      else this.#pop();
    }
    const tail = (this.#head + this.#count) % this.#ids.length;
    this.#ids[tail] = id;
    this.#times[tail] = now;
    this.#count++;
    this.#seen.set(id, now);
    return 'new';
  }

  /** Ids remembered right now. */
  get size(): number {
    return this.#seen.size;
  }

  #grow(): void {
    const slots = Math.min(this.#capacity, this.#ids.length * 2);
    const ids: (string | undefined)[] = new Array(slots);
    const times = new Float64Array(slots);
    for (let i = 0; i < this.#count; i++) {
      const from = (this.#head + i) % this.#ids.length;
      ids[i] = this.#ids[from];
      times[i] = this.#times[from] as number;
    }
    this.#ids = ids;
    this.#times = times;
    this.#head = 0;
  }

  #pop(): void {
    const id = this.#ids[this.#head];
    // The id may have been recorded again later (after expiring); only its latest record keeps it alive.
    if (id !== undefined && this.#seen.get(id) === this.#times[this.#head]) this.#seen.delete(id);
    this.#ids[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#ids.length;
    this.#count--;
  }
}
