/** What the cross-package tests share: where Redis is, and waiting for a condition without timed assertions. */

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Waits until `fn` returns a truthy value, and returns it (the test's timeout bounds the wait). */
export async function until<T>(fn: () => T | Promise<T>, stepMs = 25): Promise<T> {
  for (;;) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
