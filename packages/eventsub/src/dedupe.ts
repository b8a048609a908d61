/**
 * Remembers recently seen message ids to drop redeliveries and replays: an id is remembered for at least `windowMs`
 * (and at most twice that), at most `capacity` ids at once. Two generations of ids in Sets: new ids go to the
 * current one; when it is `windowMs` old it becomes the previous one, and the previous one, all of whose ids are then
 * older than the window, is dropped whole. O(1) per message, one Set insertion and no deletion, no timer per id.
 *
 * When `capacity` ids are all still inside the window, `whenFull` decides: `'evict'` (a socket, where a redelivery
 * is the only risk) keeps generations of half the capacity and drops the older one whole, so the last `capacity / 2`
 * ids are always remembered; `'refuse'` admits nothing new until ids age out (a webhook, where a forgotten id could
 * be replayed by whoever captured the request).
 */
import type { Clock } from './types.js';

/** What `admit` found: a new id (now remembered), a duplicate, or a full set that refused it. */
export type Admission = 'new' | 'duplicate' | 'full';

export interface MessageDeduperOptions {
  /** Most ids held at once; default 10 000. */
  capacity?: number;
  /** How long an id is remembered at least, ms; default 10 minutes (Twitch's replay window). */
  windowMs?: number;
  /** Default `'evict'`. */
  whenFull?: 'evict' | 'refuse';
  clock?: Clock;
}

export class MessageDeduper {
  #current = new Set<string>();
  #previous = new Set<string>();
  /** When the current generation started, and when the previous one last took an id. */
  #currentSince: number;
  #previousLast = Number.NEGATIVE_INFINITY;
  #currentLast = Number.NEGATIVE_INFINITY;
  readonly #capacity: number;
  readonly #half: number;
  readonly #windowMs: number;
  readonly #refuse: boolean;
  readonly #clock: Clock;

  constructor(options: MessageDeduperOptions = {}) {
    this.#capacity = Math.max(1, Math.floor(options.capacity ?? 10_000));
    this.#half = Math.max(1, Math.floor(this.#capacity / 2));
    this.#windowMs = options.windowMs ?? 10 * 60_000;
    this.#refuse = options.whenFull === 'refuse';
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#currentSince = this.#clock.now();
  }

  /** True when `id` was seen within the window, or cannot be remembered (a full `'refuse'` set). */
  check(id: string): boolean {
    return this.admit(id) !== 'new';
  }

  /** Records `id` unless it is a duplicate, or the set is full of ids inside the window and refuses. */
  admit(id: string): Admission {
    if (this.#current.has(id) || this.#previous.has(id)) return 'duplicate';
    const now = this.#clock.now();
    if (now - this.#currentSince >= this.#windowMs) this.#rotate(now);
    if (this.#previous.size > 0 && now - this.#previousLast > this.#windowMs) this.#previous = new Set();
    if (this.#refuse) {
      if (this.#current.size + this.#previous.size >= this.#capacity) return 'full';
    } else if (this.#current.size >= this.#half) {
      // Evict: generations of half the capacity each, the older one dropped whole; the last half are always kept.
      this.#rotate(now);
    }
    this.#current.add(id);
    this.#currentLast = now;
    return 'new';
  }

  /** Ids remembered right now. */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  #rotate(now: number): void {
    this.#previous = this.#current;
    this.#previousLast = this.#currentLast;
    this.#current = new Set();
    this.#currentSince = now;
  }
}
