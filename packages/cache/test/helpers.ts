import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { type Cache, type CacheOptions, createCache } from '../src/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A unique key prefix for one test file (and run). */
export function testPrefix(file: string): string {
  return `t:cache-${file}:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key of a prefix (all live under the hash tag `{prefix}`). */
export async function cleanPrefix(prefix: string): Promise<void> {
  const r = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

/** A promise with its resolve function, to hold a load open until the test lets it go. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Waits until `check` holds, polling; fails after `timeoutMs` with `what`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A source of truth for tests: a versioned value per key, with loads that can be held open. */
export class Source {
  readonly values = new Map<string, number>();
  loads = 0;

  set(key: string, v: number): void {
    this.values.set(key, v);
  }

  /** A loader that reads the value when called. */
  loader(key: string): () => Promise<{ v: number }> {
    return async () => {
      this.loads++;
      return { v: this.values.get(key) ?? 0 };
    };
  }

  /** A loader that reads the value when called but answers only when `gate` resolves. */
  slowLoader(key: string, gate: Promise<void>): () => Promise<{ v: number }> {
    return async () => {
      this.loads++;
      const v = this.values.get(key) ?? 0;
      await gate;
      return { v };
    };
  }
}

/**
 * Opens caches for one test file under `prefix` (with the Redis tier, once Redis and the bus are connected) and
 * closes them, and cleans the prefix, after each test.
 */
export function cacheOpener(prefix: string): (redis: boolean, options?: Partial<CacheOptions>) => Promise<Cache> {
  const open: Cache[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await cleanPrefix(prefix);
  });
  return async (redis, options = {}) => {
    const cache = createCache({
      ...options,
      ...(redis ? { redis: { ...options.redis, url: REDIS_URL, prefix } } : {}),
    });
    open.push(cache);
    if (redis) {
      await until(() => cache.stats().bus.connected && cache.stats().redis?.connected === true, 'Redis and the bus');
    }
    return cache;
  };
}

/** A TCP port nothing listens on now, for a test's own redis-server or proxy. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error())));
    });
  });
}
