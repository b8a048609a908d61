import { Redis } from 'ioredis';

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

/** Deletes every Redis key a test made under `prefix` (tests run in parallel, each under its own prefix). */
export async function deletePrefix(prefix: string): Promise<void> {
  const r = new Redis(REDIS_URL);
  try {
    const keys = await r.keys(`*${prefix}*`);
    if (keys.length) await r.del(...keys);
  } finally {
    r.disconnect();
  }
}
