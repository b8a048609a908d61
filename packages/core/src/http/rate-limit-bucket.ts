import { AbortError } from '../errors.js';

/** What a bucket knows of Twitch's limit for one token. */
export type BucketState =
  /** Nothing heard yet: one request goes first to learn the headers. */
  | 'unknown'
  /** Headers seen: requests are counted against `remaining`. */
  | 'known'
  /** Answers came without headers: nothing to count against, so nothing waits (until headers show up). */
  | 'unlimited';

/** Rate-limit headers of one answer, already parsed. */
export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  /** ms since epoch at which the bucket is full again. */
  resetAt: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * One token's bucket. `acquire` resolves when a request may go; `release` feeds the answer's headers back.
 * A request is sent only when `remaining - inFlight > 0`; when the bucket is empty, callers wait until its reset
 * time (one timer per bucket, not per caller). Answers without headers never leave the bucket waiting.
 */
export class RateLimitBucket {
  #state: BucketState = 'unknown';
  #limit = 0;
  #remaining = 0;
  /** When `#remaining` was reported, and the refill rate (points per ms) Twitch's reset time implies. */
  #seenAt = 0;
  #ratePerMs = 0;
  #inFlight = 0;
  /** Until when nothing goes after a 429 that carried no headers (clock ms; 0: no pause). */
  #pausedUntil = 0;
  #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #now: () => number;
  /** Longest wait for a reset, in case the server's clock is far off ours. */
  readonly #maxWaitMs: number;

  constructor(now: () => number, maxWaitMs = 60_000) {
    this.#now = now;
    this.#maxWaitMs = maxWaitMs;
  }

  get state(): BucketState {
    return this.#state;
  }
  get inFlight(): number {
    return this.#inFlight;
  }
  /** Whether nothing is in flight or waiting (so the bucket may be forgotten). */
  get idle(): boolean {
    return this.#inFlight === 0 && this.#waiters.length === 0;
  }

  /** Resolves when one request may be sent; counts it as in flight. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortError('waiting for the rate limit', { cause: signal.reason }));
    if (this.#waiters.length === 0 && this.#mayGo()) {
      this.#inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          reject(new AbortError('waiting for the rate limit', { cause: signal?.reason }));
          this.#drain();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#drain();
    });
  }

  /** Ends one request: `headers` when the answer carried them, `undefined` otherwise (or on a network error). */
  release(headers: RateLimitHeaders | undefined): void {
    this.#inFlight--;
    if (headers) {
      this.#state = 'known';
      this.#limit = headers.limit;
      this.#learn(headers.remaining, headers.resetAt);
    } else if (this.#state === 'unknown') {
      this.#state = 'unlimited';
    }
    this.#drain();
  }

  /**
   * A 429. With its headers, the bucket is known to be empty until the reset. Without them there is nothing to
   * learn the limit from: every call of the token pauses for `resetAt` (or a second when absent or already past)
   * and the bucket then goes back to the state it was in, so one header-less 429 never limits the token for good.
   */
  exhausted(headers: RateLimitHeaders | undefined): void {
    const now = this.#now();
    if (headers === undefined) {
      this.#pausedUntil = Math.max(this.#pausedUntil, now + 1000);
      return;
    }
    this.#state = 'known';
    this.#limit = Math.max(headers.limit, 1);
    // A reset already past (clock skew): wait a second rather than hammer Twitch with 429s.
    this.#learn(0, headers.resetAt > now ? headers.resetAt : now + 1000);
  }

  /**
   * Twitch refills the bucket evenly until `Ratelimit-Reset`, when it is full: from the remaining points and the
   * reset time we know the refill rate, so callers can go as soon as one point is back rather than at the reset.
   */
  #learn(remaining: number, resetAt: number): void {
    const now = this.#now();
    this.#remaining = remaining;
    this.#seenAt = now;
    const missing = this.#limit - remaining;
    this.#ratePerMs = missing <= 0 ? 0 : missing / Math.max(resetAt - now, 1);
  }

  /** Points available now, by the refill estimate. */
  #available(now: number): number {
    if (this.#ratePerMs === 0) return this.#remaining;
    return Math.min(this.#limit, this.#remaining + (now - this.#seenAt) * this.#ratePerMs);
  }

  #mayGo(): boolean {
    if (this.#pausedUntil > this.#now()) return false;
    switch (this.#state) {
      case 'unlimited':
        return true;
      case 'unknown':
        return this.#inFlight === 0;
      case 'known':
        // With nothing in flight, go whenever a point may be back, so that a wrong estimate never stalls.
        return this.#available(this.#now()) - this.#inFlight >= 1 || (this.#inFlight === 0 && this.#ratePerMs === 0);
    }
  }

  #drain(): void {
    while (this.#waiters.length > 0 && this.#mayGo()) {
      const waiter = this.#waiters.shift()!;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.#inFlight++;
      waiter.resolve();
    }
    if (this.#waiters.length > 0 && this.#timer === undefined) {
      const now = this.#now();
      let wait: number | undefined;
      if (this.#pausedUntil > now) wait = this.#pausedUntil - now;
      else if (this.#state === 'known') {
        // One timer per bucket, set for when the next point is back (answers in flight may wake us sooner).
        const needed = this.#inFlight + 1 - this.#available(now);
        wait = this.#ratePerMs > 0 ? Math.ceil(needed / this.#ratePerMs) : this.#maxWaitMs;
      }
      if (wait === undefined) return;
      this.#timer = setTimeout(
        () => {
          this.#timer = undefined;
          this.#drain();
        },
        Math.min(Math.max(wait, 1), this.#maxWaitMs),
      );
    }
  }

  /** Rejects every waiter and clears the timer. */
  close(error: Error): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(error);
    }
  }
}
