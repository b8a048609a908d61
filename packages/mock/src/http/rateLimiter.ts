import type { Clock } from '../clock.js';

/** Bucket settings: `limit` points refilled evenly over `windowMs` (Twitch: 800 per minute). */
export interface RateLimitOptions {
  limit?: number;
  windowMs?: number;
}

/** One answer of the limiter: whether the request may pass and the headers Twitch sends. */
export interface RateLimitVerdict {
  allowed: boolean;
  headers: Record<string, string>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** A token bucket per access token, refilled continuously, with Twitch's `Ratelimit-*` headers. */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #clock: Clock;
  #limit: number;
  #windowMs: number;

  constructor(clock: Clock, options: RateLimitOptions = {}) {
    this.#clock = clock;
    this.#limit = options.limit ?? 800;
    this.#windowMs = options.windowMs ?? 60_000;
  }

  configure(options: RateLimitOptions): void {
    if (options.limit !== undefined) this.#limit = options.limit;
    if (options.windowMs !== undefined) this.#windowMs = options.windowMs;
    this.#buckets.clear();
  }

  get settings(): Required<RateLimitOptions> {
    return { limit: this.#limit, windowMs: this.#windowMs };
  }

  #refill(key: string): Bucket {
    const now = this.#clock.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#limit, updatedAt: now };
    const gained = ((now - bucket.updatedAt) / this.#windowMs) * this.#limit;
    bucket.tokens = Math.min(this.#limit, bucket.tokens + gained);
    bucket.updatedAt = now;
    this.#buckets.set(key, bucket);
    return bucket;
  }

  #headers(bucket: Bucket): Record<string, string> {
    const missing = this.#limit - bucket.tokens;
    const resetMs = bucket.updatedAt + Math.ceil((missing / this.#limit) * this.#windowMs);
    return {
      'ratelimit-limit': String(this.#limit),
      'ratelimit-remaining': String(Math.max(0, Math.floor(bucket.tokens))),
      'ratelimit-reset': String(Math.ceil(resetMs / 1000)),
    };
  }

  /** Takes one point from the token's bucket; refuses when fewer than one is left. */
  take(key: string): RateLimitVerdict {
    const bucket = this.#refill(key);
    if (bucket.tokens < 1) return { allowed: false, headers: this.#headers(bucket) };
    bucket.tokens -= 1;
    return { allowed: true, headers: this.#headers(bucket) };
  }

  /** The headers for a key without spending a point. */
  peek(key: string): Record<string, string> {
    return this.#headers(this.#refill(key));
  }

  /** Empties a bucket (a 429 burst for that token). */
  drain(key: string): void {
    this.#refill(key).tokens = 0;
  }
}
