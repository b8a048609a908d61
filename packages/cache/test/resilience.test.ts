import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cache, createCache } from '../src/index.js';
import { freePort, Source, testPrefix, until } from './helpers.js';

/** A private redis-server, so that this test can stop and restart Redis without disturbing anyone else. */
function startRedis(port: number, extra: string[] = []): ChildProcess {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra];
  return spawn('redis-server', args, { stdio: 'ignore' });
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
    await until(() => c.stats().bus.connected && c.stats().redis?.connected === true, 'Redis and the bus');
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

  it('connects with a password in the URL and never shows it in messages', async () => {
    const port = await freePort();
    redis = startRedis(port, ['--requirepass', 's3cret-pass']);
    const logged: string[] = [];
    const logger = {
      debug: (m: string, f?: Record<string, unknown>) => logged.push(m + JSON.stringify(f ?? {})),
      info: () => {},
      warn: (m: string, f?: Record<string, unknown>) => logged.push(m + JSON.stringify(f ?? {})),
      error: () => {},
    };
    // a wrong password first: the cache answers from the source and logs, without the secret
    const wrong = createCache({ redis: { url: `redis://:wrong-pass@127.0.0.1:${port}`, prefix: 'x:' }, logger });
    const src = new Source();
    src.set('k', 1);
    await until(() => logged.length > 0, 'a logged connection error');
    expect(await wrong.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    await wrong.close();
    expect(logged.join('\n')).not.toContain('wrong-pass');
    cache = createCache({ redis: { url: `redis://:s3cret-pass@127.0.0.1:${port}`, prefix: testPrefix('auth') } });
    const c = cache;
    await until(() => c.stats().bus.connected && c.stats().redis?.connected === true, 'Redis and the bus, with auth');
    await c.read('k', { load: src.loader('k') });
    await c.read('k', { load: src.loader('k') });
    expect(c.stats().redis?.fills).toBe(1);
    expect(c.stats().memory.hits).toBe(1);
  });

  it('a slow Redis opens the breaker: reads go to the source instead of waiting', async () => {
    const port = await freePort();
    redis = startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    cache = createCache({
      memory: false,
      redis: { url, prefix: testPrefix('slow'), commandTimeoutMs: 100, breakerFailures: 2, breakerCooldownMs: 60_000 },
    });
    const c = cache;
    await until(() => c.stats().bus.connected && c.stats().redis?.connected === true, 'Redis and the bus');
    const src = new Source();
    src.set('k', 1);
    await c.read('k', { load: src.loader('k') });
    const { Redis } = await import('ioredis');
    const admin = new Redis(url);
    await admin.client('PAUSE', 3000, 'ALL'); // Redis answers nothing for 3 s
    admin.disconnect();
    for (let i = 0; i < 4; i++) expect(await c.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    expect(c.stats().redis?.breaker).toBe('open');
    expect(c.stats().redis?.errors).toBeGreaterThanOrEqual(2);
    expect(src.loads).toBe(5);
  });

  it('a write Redis could not record is recorded when Redis answers again; the old value is never served', async () => {
    const port = await freePort();
    redis = startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const prefix = testPrefix('pending');
    const opts = { url, prefix, commandTimeoutMs: 100, breakerFailures: 1, breakerCooldownMs: 50 };
    cache = createCache({ redis: opts });
    const other = createCache({ redis: opts });
    const a = cache;
    try {
      await until(
        () => [a, other].every((x) => x.stats().bus.connected && x.stats().redis?.connected === true),
        'Redis and the buses',
      );
      const src = new Source();
      src.set('k', 1);
      await a.read('k', { load: src.loader('k') }); // Redis now holds v1
      const { Redis } = await import('ioredis');
      const admin = new Redis(url);
      await admin.client('PAUSE', 1000, 'ALL');
      src.set('k', 2); // the application's write succeeded at the source...
      await expect(a.write('k', { v: 2 }, { pinMs: 0 })).rejects.toMatchObject({
        code: 'TWITCHIFY_CACHE_REDIS_UNAVAILABLE',
      }); // ...but the cache could not record it
      expect(await a.read('k', { load: src.loader('k') })).toEqual({ v: 2 }); // from the source, not Redis' v1
      await admin.ping(); // answered once the pause is over
      admin.disconnect();
      await until(async () => (await a.read('k', { load: src.loader('k') })).v === 2, 'a read after recovery');
      // the pending invalidation was recorded: another process no longer finds v1 in Redis
      await until(
        async () => (await other.read('k', { load: src.loader('k'), level: 'strict' })).v === 2,
        'the invalidation to be recorded',
      );
    } finally {
      await other.close();
    }
  });
});
