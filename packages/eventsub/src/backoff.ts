/** Reconnect and retry delays as a pluggable strategy, like ioredis' `retryStrategy`. */

/** Delay in ms before attempt `attempt` (1-based), or null to give up. */
export type BackoffStrategy = (attempt: number) => number | null;

/** Capped exponential backoff with full jitter; `random` is injectable for determinism. */
export function exponentialBackoff(
  options: { baseMs?: number; maxMs?: number; maxAttempts?: number; random?: () => number } = {},
): BackoffStrategy {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const attempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  const random = options.random ?? Math.random;
  return (attempt) => {
    if (attempt > attempts) return null;
    const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
    // Half fixed, half jitter: spreads a fleet's reconnects without ever retrying at once.
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  };
}
