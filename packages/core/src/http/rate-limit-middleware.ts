import { RateLimitError } from '../errors.js';
import { RateLimitBucket, type RateLimitHeaders } from './rate-limit-bucket.js';
import { type HelixRawResponse, headerValue, type Middleware } from './types.js';

/** Options of {@link rateLimitMiddleware}. */
export interface RateLimitOptions {
  /** Clock in ms since epoch (default `Date.now`). */
  now?: () => number;
  /** How many 429 answers in a row one call waits out before giving up with `RateLimitError` (default 5). */
  max429Retries?: number;
  /** Buckets kept for idle tokens before the oldest are forgotten (default 10,000). */
  maxBuckets?: number;
}

const present = (n: number) => Number.isFinite(n) && n >= 0;

/** Parses `Ratelimit-Limit`, `Ratelimit-Remaining` and `Ratelimit-Reset` (epoch seconds); undefined if any lacks. */
export function parseRateLimitHeaders(response: HelixRawResponse): RateLimitHeaders | undefined {
  const limit = Number(headerValue(response, 'ratelimit-limit'));
  const remaining = Number(headerValue(response, 'ratelimit-remaining'));
  const reset = Number(headerValue(response, 'ratelimit-reset'));
  if (
    !present(limit) ||
    !present(remaining) ||
    !present(reset) ||
    headerValue(response, 'ratelimit-reset') === undefined
  )
    return undefined;
  return { limit, remaining, resetAt: reset * 1000 };
}

/**
 * One bucket per token, keyed by the token's fingerprint (never the token): a user's 429 holds back only that
 * user's calls. A 429 makes the call wait until `Ratelimit-Reset` and try again (a 429 means Twitch did not act
 * on the request, so this is safe for every method). Requests without a token (none chosen) pass through.
 */
export function rateLimitMiddleware(
  options: RateLimitOptions = {},
): Middleware & { buckets: Map<string, RateLimitBucket> } {
  const now = options.now ?? Date.now;
  const max429 = options.max429Retries ?? 5;
  const maxBuckets = options.maxBuckets ?? 10_000;
  const buckets = new Map<string, RateLimitBucket>();

  const bucketFor = (fingerprint: string): RateLimitBucket => {
    let bucket = buckets.get(fingerprint);
    if (!bucket) {
      if (buckets.size >= maxBuckets) {
        // Forget idle buckets, oldest first: their tokens will relearn the headers on their next call.
        for (const [key, b] of buckets) {
          if (buckets.size < maxBuckets) break;
          if (b.idle) buckets.delete(key);
        }
      }
      bucket = new RateLimitBucket(now);
      buckets.set(fingerprint, bucket);
    }
    return bucket;
  };

  const middleware: Middleware = (next) => async (request) => {
    const fingerprint = request.token?.fingerprint;
    if (!fingerprint) return next(request);
    const bucket = bucketFor(fingerprint);
    for (let attempt = 0; ; attempt++) {
      await bucket.acquire(request.signal);
      let response: HelixRawResponse;
      try {
        response = await next(request);
      } catch (error) {
        bucket.release(undefined);
        throw error;
      }
      const headers = parseRateLimitHeaders(response);
      if (response.status === 429) {
        bucket.exhausted(headers);
        bucket.release(undefined);
        if (attempt >= max429) {
          throw new RateLimitError({ method: request.method, endpoint: request.path, resetAt: headers?.resetAt });
        }
        continue;
      }
      bucket.release(headers);
      return response;
    }
  };
  return Object.assign(middleware, { buckets });
}
