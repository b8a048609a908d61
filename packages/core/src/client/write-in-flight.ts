/**
 * A write this process made to Twitch whose place among other changes of the same resource is not known yet.
 *
 * Twitch commits a write at some moment between when it was sent and when it was answered; the answer does not say
 * when. An event for a change made elsewhere, timestamped inside that interval, may have been committed before the
 * write or after it: applied at once it can hide the write (read-your-writes broken) or, ignored, be lost (its
 * event broken). Twitch also sends the event of the write itself, timestamped at its commit: once that event has
 * arrived the order is known. So the events timestamped inside a pending write's interval wait until its own event
 * has been applied (or the write failed, or {@link AMBIGUITY_HOLD_MS} passed), then go through in the usual order.
 */

/**
 * How long an event whose order against a write of this process is unknown waits for the write's own event. Twitch
 * delivers events within a second or so; the wait ends early as soon as the write's own event is in the cache, and
 * only such ambiguous events (rare: a change made elsewhere within one request's round trip) ever wait.
 */
export const AMBIGUITY_HOLD_MS = 3_000;

export class WriteInFlight {
  /** `kind:id` of the resource written. */
  readonly base: string;
  /** When the write was sent: an event timestamped at or before it was committed before the write. */
  readonly sentAt: number;
  /** When Twitch answered; until then any later event may have been committed before the write. */
  answeredAt: number | undefined;
  /** The states the write produced (one per cached copy), to recognise the write's own event. */
  states: readonly unknown[] = [];
  #ready = false;
  #settled = false;
  #waiters: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #clock: { now(): number };
  readonly #onSettled: (write: WriteInFlight) => void;

  constructor(base: string, sentAt: number, clock: { now(): number }, onSettled: (write: WriteInFlight) => void) {
    this.base = base;
    this.sentAt = sentAt;
    this.#clock = clock;
    this.#onSettled = onSettled;
  }

  /** Twitch acknowledged the write. */
  answered(): void {
    this.answeredAt = this.#clock.now();
  }

  /** The write is in the cache with these states: its own event can now be recognised. */
  ready(states: readonly unknown[]): void {
    if (this.#settled) return;
    this.states = states;
    this.#ready = true;
    this.#timer = setTimeout(() => this.settle(), AMBIGUITY_HOLD_MS);
    this.#timer.unref?.();
    this.#wake();
  }

  get isReady(): boolean {
    return this.#ready;
  }

  /** Whether an event timestamped `at` may have been committed before this write as well as after it. */
  ambiguous(at: number): boolean {
    return !this.#settled && at > this.sentAt && (this.answeredAt === undefined || at <= this.answeredAt);
  }

  /** Resolves at the next change of state (answered and ready, or settled). */
  changed(): Promise<void> {
    if (this.#settled) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** The order is known (the write's own event is in the cache), the write failed, or the wait ran out. */
  settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#onSettled(this);
    this.#wake();
  }

  /** The write's call is over: one that never reached the cache settles now (nothing to wait for). */
  end(): void {
    if (!this.#ready) this.settle();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
