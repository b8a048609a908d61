import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cache, createCache } from '../src/index.js';
import { Source, testPrefix, until } from './helpers.js';

/** A private redis-server, so that this test can stop and restart Redis without disturbing anyone else. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error())));
    });
  });
}

function startRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
}

async function stopRedis(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

let cache: Cache | undefined;
let redis: ChildProcess | undefined;
afterEach(async () => {
  await cache?.close();
  if (redis !== undefined) await stopRedis(redis);
});

describe('when Redis fails', () => {
  it('falls back to the source while Redis is down and recovers on its own when it returns', async () => {
    const port = await freePort();
    redis = startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    cache = createCache({ redis: { url, prefix: testPrefix('resilience'), breakerCooldownMs: 50 } });
    const c = cache;
    await until(() => c.stats().bus.connected, 'the bus to subscribe');
    const src = new Source();
    src.set('k', 1);
    await c.read('k', { load: src.loader('k') });
    await c.read('k', { load: src.loader('k') });
    expect(src.loads).toBe(1);

    await stopRedis(redis);
    await until(() => !c.stats().bus.connected, 'the drop to be seen');
    src.set('k', 2); // a change nobody could announce: the process must not serve its in-process copy
    expect(await c.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(await c.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(src.loads).toBe(3);
    expect(c.stats().bus.drops).toBe(1);
    expect(c.stats().redis?.breaker).toBe('open');

    redis = startRedis(port);
    await until(() => c.stats().bus.connected, 'the bus to come back', 20_000);
    await until(
      async () => {
        await c.read('k', { load: src.loader('k') });
        return c.stats().redis?.breaker === 'closed' && c.stats().memory.fills >= 2;
      },
      'reads to go through Redis again',
      20_000,
    );
    const loads = src.loads;
    expect(await c.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(src.loads).toBe(loads); // cached again
  });
});
