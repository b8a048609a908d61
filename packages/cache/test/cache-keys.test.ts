import { describe, expect, it } from 'vitest';
import { createCache } from '../src/index.js';
import type { Op } from '../src/model/ops.js';
import { cacheOpener, freePort, testPrefix, until } from './helpers.js';

/**
 * `Cache.keys` as a cache wires it: the model on the cache's own store (memory, or Redis with the cache's bus carrying
 * every commit to the other processes), bases read back from Redis checked with `validate`, and a store that is away
 * never failing a read.
 */

const open = cacheOpener(testPrefix('cache-keys'));
const add = (id: string): Op => ({ op: 'add', idField: 'id', item: { id } });
const ids = (v: unknown) => (v as { id: string }[]).map((x) => x.id);

describe('Cache.keys', () => {
  it('a change recorded by one process reaches a view another process keeps, through the bus', async () => {
    const [a, b] = [await open(true), await open(true)];
    let loads = 0;
    const read = (c: typeof a) =>
      c.keys.read('list:1', {
        load: async () => {
          loads++;
          return [{ id: 'x' }];
        },
        ttlMs: 60_000,
      });
    expect(ids(await read(a))).toEqual(['x']);
    expect(ids(await read(b))).toEqual(['x']); // the base a stored
    expect(loads).toBe(1);
    await a.keys.record('list:1', { id: 'e1', pos: Date.now(), ops: [add('y')], lagMs: 5_000 });
    // b's kept view ends when the bus brings a's commit; it then reads the state a committed
    await until(async () => ids(await read(b)).includes('y'), 'the commit over the bus');
    expect(loads).toBe(1);
  });

  it('a stored base that fails validate is not served: the source answers again', async () => {
    const writer = await open(true);
    await writer.keys.read('list:2', { load: async () => ({ not: 'a list' }), ttlMs: 60_000 });
    const reader = await open(true, { validate: (_key, value) => Array.isArray(value) });
    const served = await reader.keys.read('list:2', { load: async () => [{ id: 'fresh' }], ttlMs: 60_000 });
    expect(ids(served)).toEqual(['fresh']);
    expect(reader.stats().redis?.decodeErrors).toBeGreaterThan(0);
  });

  it('a read while Redis is away is the source answer, and a change is refused with a typed error', async () => {
    const port = await freePort();
    const cache = createCache({
      redis: { url: `redis://127.0.0.1:${port}`, prefix: testPrefix('cache-keys-away') },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    try {
      let loads = 0;
      const read = () =>
        cache.keys.read('list:3', {
          load: async () => [{ id: String(++loads) }],
          ttlMs: 60_000,
        });
      expect(ids(await read())).toEqual(['1']);
      expect(ids(await read())).toEqual(['2']); // nothing kept
      await expect(
        cache.keys.record('list:3', { id: 'e', pos: Date.now(), ops: [add('z')], lagMs: 5_000 }),
      ).rejects.toMatchObject({ code: 'TWITCHIFY_CACHE_REDIS_UNAVAILABLE' });
    } finally {
      await cache.close();
    }
  });

  it('a TTL given as a function is asked when the answer is stored', async () => {
    let now = 1_000_000;
    const cache = await open(false, { clock: { now: () => now } });
    let asked = 0;
    let loads = 0;
    const read = () =>
      cache.keys.read('list:4', {
        load: async () => {
          loads++;
          return [];
        },
        ttlMs: () => {
          asked++;
          return 100;
        },
      });
    await read();
    expect(asked).toBe(1);
    await read();
    expect(loads).toBe(1);
    now += 101; // past the TTL the function gave
    await read();
    expect(loads).toBe(2);
  });
});
