/**
 * Several real processes sharing Redis: each runs @twitchify/cache in a worker (packages/cache/test/fixtures).
 * Proves: a change completed in one process is seen by strict reads in every other at once and by fast reads once
 * the bus has carried it (the delay is measured and printed, not asserted); concurrent misses across processes make
 * one source call; a slow fill that began before another process's change is never served afterwards.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedRedis } from '../packages/cache/test/fixtures/shared-redis.js';
import type { Worker } from '../packages/cache/test/fixtures/worker-handle.js';

const { prefix, src, setSource, worker } = sharedRedis('cache-coherence');
let workers: Worker[] = [];

beforeAll(async () => {
  workers = [0, 1, 2].map(() => worker());
  await Promise.all(workers.map((w) => w.ready));
}, 60_000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe('cache across processes', () => {
  it('every change is seen by strict reads everywhere at once, and by fast reads after the bus delay', async () => {
    const delays: number[] = [];
    const key = 'coherent';
    await setSource(key, 0);
    for (let v = 1; v <= 45; v++) {
      await Promise.all(workers.map((w) => w.read(key))); // every process holds the key in memory
      const changer = workers[v % 3]!;
      const kind = v % 3 === 0 ? 'write' : v % 3 === 1 ? 'apply' : 'invalidate';
      await setSource(key, v);
      if (kind === 'write') await changer.call({ op: 'write', key, v });
      else if (kind === 'apply') await changer.call({ op: 'apply', key, v });
      else await changer.call({ op: 'invalidate', key });
      const done = performance.now();
      const strict = await Promise.all(workers.map((w) => w.read(key, 'strict')));
      expect(strict).toEqual([v, v, v]);
      for (const w of workers) {
        while ((await w.read(key)) !== v) {
          // a fast read may lag by the bus delay; it must converge
        }
        delays.push(performance.now() - done);
      }
    }
    delays.sort((a, b) => a - b);
    console.log(
      `fast-read convergence after a change in another process (includes a read round trip): p50 ${percentile(delays, 50).toFixed(2)} ms, p99 ${percentile(delays, 99).toFixed(2)} ms, max ${delays.at(-1)?.toFixed(2)} ms`,
    );
  });

  it('concurrent misses of one key in several processes make one source call', async () => {
    const key = 'herd';
    await setSource(key, 5);
    const values = await Promise.all(
      workers.flatMap((w) => [w.read(key, 'fast', { delayMs: 150 }), w.read(key, 'fast', { delayMs: 150 })]),
    );
    expect(values).toEqual([5, 5, 5, 5, 5, 5]);
    expect(await src.hget(`src:${prefix}`, `loads:${key}`)).toBe('1');
  });

  it('a slow fill that began before another process’s write is not stored anywhere', async () => {
    const key = 'race';
    await setSource(key, 1);
    const [a, b, c] = workers as [Worker, Worker, Worker];
    // The load holds its answer behind a gate that opens only once b's write has completed: the fill began before
    // the write and ends after it, whatever the machine's load.
    const slow = a.read(key, 'fast', { gate: 'race' });
    while ((await src.hget(`src:${prefix}`, `loads:${key}`)) !== '1') {
      // wait for the slow load to have read the old state
    }
    await b.call({ op: 'write', key, v: 2 });
    await src.hset(`src:${prefix}`, 'gate:race', '1');
    expect(await slow).toBe(1); // it began before the write completed
    for (const w of [a, b, c]) expect(await w.read(key, 'strict')).toBe(2);
    const stats = (await a.call<{ stats: { redis: { staleFillsRefused: number } } }>({ op: 'stats' })).stats;
    expect(stats.redis.staleFillsRefused).toBe(1);
  });
});
