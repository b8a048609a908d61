/**
 * A write this process sends to Twitch, whose place among other changes of the same resource is not known yet.
 *
 * Twitch commits a write at some moment between when it was sent and when it was answered; the answer does not say
 * when. An event for a change made elsewhere, timestamped inside that interval, may have been committed before the
 * write or after it: applied at once it can hide the write (read-your-writes broken) or, ignored, be lost (its
 * event broken). Twitch also sends the event of the write itself, timestamped at its commit: once that event is in
 * the cache the order is known. So before sending, the write opens a window on each cached copy of the resource
 * (`Cache.openWindow`, recorded in Redis when the cache is shared): every process holds the events timestamped
 * inside it until the write's own event has settled it (or the write failed, or the window ran out), then applies
 * them in the usual order. This handle remembers the windows and when the write was sent and answered.
 */

export class WriteInFlight {
  /** `kind:id` of the resource written. */
  readonly base: string;
  /** When the write was sent: an event timestamped at or before it was committed before the write. */
  readonly sentAt: number;
  /** When Twitch answered; until then any later event may have been committed before the write. */
  answeredAt: number | undefined;
  /** The window opened on each cached copy (cache key → window id) and not yet ended by a write-through. */
  readonly windows = new Map<string, string>();
  readonly #clock: { now(): number };

  constructor(base: string, sentAt: number, clock: { now(): number }) {
    this.base = base;
    this.sentAt = sentAt;
    this.#clock = clock;
  }

  /** Twitch acknowledged the write. */
  answered(): void {
    this.answeredAt = this.#clock.now();
  }

  /**
   * How the write-through of copy `key` ends its window (the window then holds only events timestamped up to the
   * answer), or undefined when none is open for it. The window is the write-through's from then on.
   */
  endWindow(key: string): { id: string; to: number } | undefined {
    const id = this.windows.get(key);
    if (id === undefined) return undefined;
    this.windows.delete(key);
    return { id, to: this.answeredAt ?? this.#clock.now() };
  }
}
