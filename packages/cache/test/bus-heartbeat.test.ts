import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cache, createCache } from '../src/index.js';
import { HalfOpenPath } from './fixtures/half-open-path.js';
import { freePort, Source, testPrefix, until } from './helpers.js';

/**
 * A stalled Redis and a half-open connection close nothing and deliver nothing: only the bus's heartbeat can tell.
 * Each case runs its own redis-server (or a proxy in front of one), so that stopping it disturbs nobody else.
 */

async function startRedis(): Promise<{ proc: ChildProcess; port: number }> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  return { proc: spawn('redis-server', args, { stdio: 'ignore' }), port };
}

const opened: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

function openCache(port: number, prefix: string): Cache {
  const cache = createCache({
    redis: {
      url: `redis://127.0.0.1:${port}`,
      prefix,
      heartbeatMs: 50,
      heartbeatTimeoutMs: 250,
      commandTimeoutMs: 200,
      breakerCooldownMs: 50,
    },
  });
  opened.push(() => cache.close());
  return cache;
}

async function connected(cache: Cache): Promise<void> {
  await until(
    () => cache.stats().bus.connected && cache.stats().redis?.connected === true,
    'Redis and the bus',
    20_000,
  );
}

describe('the bus heartbeat', () => {
  it('a paused Redis counts as a bus drop: the in-process tier stops serving, and serves again once Redis is back', async () => {
    const { proc, port } = await startRedis();
    opened.push(() => {
      proc.kill('SIGCONT');
      proc.kill('SIGKILL');
    });
    const prefix = testPrefix('heartbeat-paused');
    const cache = openCache(port, prefix);
    await connected(cache);
    const src = new Source();
    src.set('k', 1);
    await cache.read('k', { load: src.loader('k') });
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    expect(src.loads).toBe(1);

    proc.kill('SIGSTOP');
    src.set('k', 2); // announced to another process, whose message cannot pass a stalled Redis
    await until(() => !cache.stats().bus.connected, 'the stall to count as a drop');
    expect(cache.stats().bus.drops).toBe(1);
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 2 });

    proc.kill('SIGCONT');
    await connected(cache);
    await until(
      async () => {
        await cache.read('k', { load: src.loader('k') });
        const loads = src.loads;
        await cache.read('k', { load: src.loader('k') });
        return src.loads === loads;
      },
      'reads to be served from the cache again',
      20_000,
    );
    expect(cache.stats().bus.drops).toBe(1);
  });

  it('a half-open connection counts as a bus drop, and the subscriber reconnects once the path is back', async () => {
    const { proc, port } = await startRedis();
    opened.push(() => {
      proc.kill('SIGKILL');
    });
    const proxy = await HalfOpenPath.to(port);
    opened.push(() => proxy.close());
    const cache = openCache(Number(new URL(proxy.url).port), testPrefix('heartbeat-half-open'));
    await connected(cache);
    const src = new Source();
    src.set('k', 1);
    await cache.read('k', { load: src.loader('k') });
    expect(src.loads).toBe(1);

    proxy.freeze(true);
    src.set('k', 2);
    await until(() => !cache.stats().bus.connected, 'the silent bus to count as a drop');
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 2 });

    proxy.freeze(false);
    await connected(cache);
    expect(cache.stats().bus.drops).toBe(1);
    const loads = src.loads;
    await until(
      async () => {
        await cache.read('k', { load: src.loader('k') });
        return src.loads === loads;
      },
      'reads to be served from the cache again',
      20_000,
    );
  });

  it('a live bus hears its heartbeat and never drops on its own', async () => {
    const { proc, port } = await startRedis();
    opened.push(() => {
      proc.kill('SIGKILL');
    });
    const cache = openCache(port, testPrefix('heartbeat-live'));
    await connected(cache);
    // twenty heartbeat periods and more: long enough for a drop to show if the heartbeat were not heard
    await new Promise((r) => setTimeout(r, 1_200));
    expect(cache.stats().bus.drops).toBe(0);
    expect(cache.stats().bus.connected).toBe(true);
  });
});
