import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Cache, CacheArgumentError, type CacheOptions, createCache, type RedisClientLike } from '../src/index.js';
import { cleanPrefix, deferred, REDIS_URL, Source, testPrefix, until } from './helpers.js';

const prefix = testPrefix('redis');
const open: Cache[] = [];
const admin = new Redis(REDIS_URL);

/** A cache on the shared prefix, subscribed to the bus before it is handed out. */
async function make(options: Partial<CacheOptions> = {}, redis: Partial<NonNullable<CacheOptions['redis']>> = {}) {
  const cache = createCache({ ...options, redis: { url: REDIS_URL, prefix, ...redis } });
  open.push(cache);
  await until(() => cache.stats().bus.connected && cache.stats().redis?.connected === true, 'Redis and the bus');
  return cache;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await cleanPrefix(prefix);
});
afterAll(async () => {
  admin.disconnect();
});

describe('Redis tier', () => {
  it('an ioredis client given as `client` fits RedisClientLike: the cache uses it and leaves it open', async () => {
    const given = new Redis(REDIS_URL);
    const like: RedisClientLike = given; // the structural type takes an ioredis client as it is
    const cache = await make({}, { url: undefined, client: like });
    const src = new Source();
    src.set('k', 1);
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    await open.splice(open.indexOf(cache), 1)[0]!.close();
    expect(given.status).toBe('ready');
    given.disconnect();
  });

  it('a fill by one instance is a Redis hit for another, then an in-process hit', async () => {
    const a = await make();
    const b = await make();
    const src = new Source();
    src.set('k', 1);
    expect(await a.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    expect(src.loads).toBe(1);
    expect(b.stats().redis).toMatchObject({ hits: 1 });
    expect(b.stats().memory).toMatchObject({ hits: 1, fills: 1 });
  });

  it('an invalidation in one instance drops exactly the affected entry in the other (bus)', async () => {
    const a = await make();
    const b = await make();
    const src = new Source();
    src.set('k', 1);
    src.set('other', 1);
    await b.read('k', { load: src.loader('k') });
    await b.read('other', { load: src.loader('other') });
    src.set('k', 2);
    await a.invalidate({ key: 'k' });
    await until(() => b.stats().bus.messages > 0, 'the bus message');
    expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    const loads = src.loads;
    expect(await b.read('other', { load: src.loader('other') })).toEqual({ v: 1 });
    expect(src.loads).toBe(loads); // untouched
  });

  it('a strict read sees another instance’s invalidation before the bus delivers it', async () => {
    const a = await make();
    const b = await make();
    const src = new Source();
    src.set('k', 1);
    await b.read('k', { load: src.loader('k') });
    src.set('k', 2);
    await a.write('k', { v: 2 }, { pinMs: 0 });
    // no wait for the bus: strict asks Redis
    expect(await b.read('k', { load: src.loader('k'), level: 'strict' })).toEqual({ v: 2 });
    // and a strict read of an unchanged entry is answered from memory after one check
    expect(await b.read('k', { load: src.loader('k'), level: 'strict' })).toEqual({ v: 2 });
  });

  it('a fill that began before another instance’s invalidation is never stored', async () => {
    const a = await make();
    const b = await make();
    const src = new Source();
    src.set('k', 1);
    const gate = deferred<void>();
    const slow = a.read('k', { load: src.slowLoader('k', gate.promise) });
    await until(() => src.loads === 1, 'the load to start');
    src.set('k', 2);
    await b.invalidate({ key: 'k' });
    gate.resolve();
    expect(await slow).toEqual({ v: 1 });
    expect(a.stats().redis?.staleFillsRefused).toBe(1);
    expect(await b.read('k', { load: src.loader('k'), level: 'strict' })).toEqual({ v: 2 });
    expect(await a.read('k', { load: src.loader('k'), level: 'strict' })).toEqual({ v: 2 });
  });

  it('concurrent misses across instances make one source call (lease), others read its fill', async () => {
    const caches = await Promise.all([make(), make(), make()]);
    const src = new Source();
    src.set('k', 7);
    const gate = deferred<void>();
    const first = caches[0]!.read('k', { load: src.slowLoader('k', gate.promise) });
    await until(() => src.loads === 1, 'the first load to start');
    const others = caches.slice(1).map((c) => c.read('k', { load: src.loader('k') }));
    await until(() => caches.slice(1).every((c) => c.stats().leaseWaits === 1), 'the others to wait');
    gate.resolve();
    expect(await Promise.all([first, ...others])).toEqual([{ v: 7 }, { v: 7 }, { v: 7 }]);
    expect(src.loads).toBe(1);
  });

  it('when the lease holder dies, the others go to the source after a bounded wait', async () => {
    const a = await make({}, { leaseWaitMs: 200, leaseMs: 60_000 });
    await admin.set(`{${prefix}}l:k`, 'dead-process', 'PX', 60_000);
    const src = new Source();
    src.set('k', 3);
    expect(await a.read('k', { load: src.loader('k') })).toEqual({ v: 3 });
    expect(a.stats().leaseWaits).toBe(1);
    expect(src.loads).toBe(1);
  });

  it('holds a write against a lagging source in every instance', async () => {
    const a = await make();
    const b = await make();
    const src = new Source();
    src.set('k', 1);
    await a.write('k', { v: 2 }, { pinMs: 60_000 });
    await admin.del(`{${prefix}}d:k`); // the written value is gone from the tier; the pin remains
    expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(b.stats().pins.refusals).toBe(1);
    // the refused load stored the pinned state: no instance asks the lagging source again for it
    const c = await make();
    expect(await c.read('k', { load: src.loader('k'), level: 'strict' })).toEqual({ v: 2 });
    expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(src.loads).toBe(1);
    expect(await admin.hget(`{${prefix}}v:k`, 'pu')).not.toBeNull(); // the source has not agreed: the pin holds
    src.set('k', 2);
    await admin.del(`{${prefix}}d:k`);
    const d = await make();
    expect(await d.read('k', { load: src.loader('k'), level: 'strict' })).toEqual({ v: 2 });
    expect(src.loads).toBe(2);
    expect(await admin.hget(`{${prefix}}v:k`, 'pu')).toBeNull(); // agreement ended the pin
  });

  it('apply is idempotent and ordered across instances', async () => {
    const a = await make();
    const b = await make();
    const src = new Source();
    expect(await a.apply({ id: 'e1', at: 10, key: 'k', value: { v: 10 } })).toBe('applied');
    expect(await b.apply({ id: 'e1', at: 10, key: 'k', value: { v: 10 } })).toBe('duplicate');
    expect(await b.apply({ id: 'e0', at: 9, key: 'k', value: { v: 9 } })).toBe('ignored');
    expect(await b.apply<{ v: number }>({ id: 'e2', at: 11, key: 'k', patch: (o) => ({ v: o.v + 1 }) })).toBe(
      'applied',
    );
    expect(await a.read('k', { load: src.loader('k'), level: 'strict' })).toEqual({ v: 11 });
    expect(await a.apply({ id: 't1', at: 1, tag: 'g', invalidate: true })).toBe('applied');
    expect(await b.apply({ id: 't0', at: 0, tag: 'g', invalidate: true })).toBe('ignored');
    expect(src.loads).toBe(0);
  });

  it('tag invalidation reaches values filled by other instances', async () => {
    const a = await make();
    const b = await make();
    const src = new Source();
    src.set('k', 1);
    await b.read('k', { load: src.loader('k'), tags: ['g'] });
    src.set('k', 2);
    await a.invalidate({ tag: 'g' });
    expect(await b.read('k', { load: src.loader('k'), tags: ['g'], level: 'strict' })).toEqual({ v: 2 });
    await until(() => b.stats().bus.messages > 0, 'the bus message');
    expect(await b.read('k', { load: src.loader('k'), tags: ['g'] })).toEqual({ v: 2 });
  });

  it('coverage lives in Redis: a gap recorded by one instance revalidates every instance’s entries', async () => {
    const a = await make();
    const b = await make();
    const src = new Source();
    src.set('k', 1);
    await a.coverage.started('feed');
    await b.read('k', { load: src.loader('k'), feeds: ['feed'] });
    await b.read('k', { load: src.loader('k'), feeds: ['feed'] });
    expect(src.loads).toBe(1);
    src.set('k', 2);
    await a.coverage.gap('feed', { from: 0, to: 1 });
    expect(await b.read('k', { load: src.loader('k'), feeds: ['feed'], level: 'strict' })).toEqual({ v: 2 });
  });

  it('when the covering process stops renewing, the lapse is a gap for everyone', async () => {
    const a = await make({}, { coverageLeaseMs: 150 });
    const src = new Source();
    src.set('k', 1);
    const holder = new Redis(REDIS_URL);
    // a holder that started the feed and died: coverage until now + 150 ms, never renewed
    const b = await make({}, { coverageLeaseMs: 150 });
    await b.coverage.started('feed');
    await a.read('k', { load: src.loader('k'), feeds: ['feed'] });
    await b.close();
    await holder.hset(`{${prefix}}f:feed`, 'u', String(Date.now() + 100));
    holder.disconnect();
    src.set('k', 2);
    await until(
      async () => (await a.read('k', { load: src.loader('k'), feeds: ['feed'], level: 'strict' })).v === 2,
      'the lapse to revalidate',
    );
  });

  it('values that do not decode from Redis are misses, reported, and replaced', async () => {
    const a = await make();
    const src = new Source();
    src.set('k', 1);
    await a.read('k', { load: src.loader('k') });
    await admin.hset(`{${prefix}}d:k`, 'v', '{not json');
    const b = await make();
    expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    expect(b.stats().redis?.decodeErrors).toBe(1);
    const c = await make();
    expect(await c.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    expect(c.stats().redis?.hits).toBe(1);
  });

  it('a dropped bus connection stops the in-process tier from being trusted until resubscribed', async () => {
    const a = await make();
    const b = await make();
    const src = new Source();
    src.set('k', 1);
    await b.read('k', { load: src.loader('k') });
    const bumps = b.stats().epochBumps;
    const list = await admin.client('LIST');
    const line = String(list)
      .split('\n')
      .find((l) => l.includes(`name=${prefix}bus:`) && / sub=[1-9]/.test(l));
    // both a's and b's subscribers match; kill b's by killing every subscriber of the prefix
    for (const l of String(list).split('\n')) {
      if (l.includes(`name=${prefix}bus:`)) await admin.client('KILL', 'ID', /id=(\d+)/.exec(l)![1]!);
    }
    expect(line).toBeDefined();
    src.set('k', 2);
    await a.invalidate({ key: 'k' }); // published while b's subscriber may be away
    await until(() => b.stats().bus.drops === 1, 'the drop to be seen');
    expect(b.stats().epochBumps).toBeGreaterThan(bumps);
    expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    await until(() => b.stats().epochBumps >= bumps + 2, 'resubscription');
  });

  it('falls back to the source when Redis is unreachable, opens the breaker, and never throws at reads', async () => {
    const c = createCache({ redis: { url: 'redis://127.0.0.1:1', prefix, breakerFailures: 2 } });
    open.push(c);
    const src = new Source();
    src.set('k', 1);
    for (let i = 0; i < 5; i++) expect(await c.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    expect(src.loads).toBe(5); // nothing cached that could not be verified
    expect(c.stats().redis?.breaker).toBe('open');
    await expect(c.write('k', { v: 2 })).rejects.toMatchObject({ code: 'TWITCHIFY_CACHE_REDIS_UNAVAILABLE' });
  });

  it('ready(): true once Redis and the bus are connected, false when Redis cannot be reached in time', async () => {
    const c = createCache({ redis: { url: REDIS_URL, prefix } });
    open.push(c);
    expect(await c.ready()).toBe(true);
    expect(c.stats().redis?.connected).toBe(true);
    expect(c.stats().bus.connected).toBe(true);
    expect(await createCache().ready()).toBe(true); // no Redis: nothing to wait for
    const down = createCache({ redis: { url: 'redis://127.0.0.1:1', prefix } });
    open.push(down);
    expect(await down.ready(50)).toBe(false);
    await expect(down.ready(-1)).rejects.toBeInstanceOf(CacheArgumentError);
  });

  it('a malformed bus message is counted and changes nothing', async () => {
    const a = await make();
    const src = new Source();
    src.set('k', 1);
    await a.read('k', { load: src.loader('k') });
    await admin.publish(`{${prefix}}bus`, 'garbage without fields');
    await admin.publish(`{${prefix}}bus`, 'k|not-a-number|x|k');
    await until(() => a.stats().bus.malformed === 2, 'the messages to be counted');
    expect(await a.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    expect(src.loads).toBe(1);
  });

  it('works with the Redis tier alone (no in-process tier)', async () => {
    const a = await make({ memory: false });
    const b = await make({ memory: false });
    const src = new Source();
    src.set('k', 1);
    expect(await a.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    src.set('k', 2);
    await a.invalidate({ key: 'k' });
    expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(src.loads).toBe(2);
    expect(b.stats().redis?.hits).toBe(1);
    expect(b.stats().memory.entries).toBe(0);
  });
});
