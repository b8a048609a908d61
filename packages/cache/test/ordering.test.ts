/**
 * Ordered writes and pinned changes, in memory and on real Redis:
 * - `write` honours `at` as `apply` does: an older write landing after a newer one changes nothing;
 * - a change that carries the new state can be pinned (`apply` with `pinMs`), so a process that has not heard of it
 *   cannot fill the source's lagging answer, even when the change's value itself was not stored;
 * - a pin depends on tags, not on feeds: a coverage gap revalidates the value (the source is asked again) but the
 *   pin still refuses a lagging answer;
 * - a load equal to the pinned state that the caller does not count as the source agreeing is stored without
 *   ending the pin;
 * - a renewal does not re-cover a feed that another process reported lost before the coverage lease has passed;
 * - a load is told the order position of the newest change recorded for its key, so that a caller can tell that a
 *   state it knows has been superseded by a change another process recorded.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheOpener, cleanPrefix, REDIS_URL, Source, testPrefix, until } from './helpers.js';

const prefix = testPrefix('ordering');
const make = cacheOpener(prefix);

afterAll(async () => {
  await cleanPrefix(prefix);
});

describe.each([
  ['in memory', false],
  ['on Redis', true],
])('ordering and pins (%s)', (_name, redis) => {
  it('an older write landing after a newer one changes nothing', async () => {
    const a = await make(redis);
    const src = new Source();
    src.set('k', 1); // the source still lags behind both writes
    await a.write('k', { v: 3 }, { at: 200 });
    await a.write('k', { v: 2 }, { at: 100 });
    expect(await a.read('k', { load: src.loader('k') })).toEqual({ v: 3 });
    expect(await a.read('k', { load: src.loader('k'), level: 'strict' })).toEqual({ v: 3 });
    if (redis) {
      // another process, which holds nothing, reads what Redis holds and refuses the lagging source by the pin
      const b = await make(true);
      expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 3 });
    }
    expect(a.stats().pins.held).toBe(1);
  });

  it('an older write does not end the newer write’s pin, and a newer write still replaces it', async () => {
    const a = await make(redis);
    const src = new Source();
    src.set('k', 1);
    await a.write('k', { v: 3 }, { at: 200, ttlMs: 1, pinMs: 60_000 }); // stored value expires at once, pin stays
    await a.write('k', { v: 2 }, { at: 100 });
    await new Promise((r) => setTimeout(r, 5));
    expect(await a.read('k', { load: src.loader('k') })).toEqual({ v: 3 });
    expect(a.stats().pins.refusals).toBe(1);
    await a.write('k', { v: 4 }, { at: 300 });
    expect(await a.read('k', { load: src.loader('k') })).toEqual({ v: 4 });
  });

  it('a pinned change holds against a lagging source even when its value was not stored', async () => {
    const a = await make(redis);
    const src = new Source();
    src.set('k', 1); // the source has not caught up with the change yet
    // the feed is not covered: the value cannot be stored, only the pin can hold the change
    await a.apply({ id: 'e1', at: 100, key: 'k', value: { v: 2 }, feeds: ['f'], pinMs: 60_000 });
    const reader = redis ? await make(true) : a;
    expect(await reader.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(reader.stats().pins.refusals).toBe(1);
    // once the source agrees, the pin ends and its answer is served
    src.set('k', 2);
    expect(await reader.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    src.set('k', 5);
    await reader.invalidate({ key: 'k' });
    expect(await reader.read('k', { load: src.loader('k') })).toEqual({ v: 5 });
  });

  it('a pinned patch holds against a lagging source after its value expired', async () => {
    const a = await make(redis);
    const src = new Source();
    src.set('k', 1);
    expect(await a.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    const outcome = await a.apply<{ v: number }>({
      id: 'e1',
      at: 100,
      key: 'k',
      patch: (old) => ({ v: old.v + 1 }),
      ttlMs: 1,
      pinMs: 60_000,
    });
    expect(outcome).toBe('applied');
    await new Promise((r) => setTimeout(r, 5));
    const reader = redis ? await make(true) : a;
    expect(await reader.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(reader.stats().pins.refusals).toBe(1);
  });

  it('a load equal to the pin that the caller says is not the source agreeing is stored, and the pin stays', async () => {
    const a = await make(redis);
    await a.write('k', { v: 2 }, { at: 100, ttlMs: 1, pinMs: 60_000 });
    await new Promise((r) => setTimeout(r, 5));
    const fills = () => (redis ? (a.stats().redis?.fills ?? 0) : a.stats().memory.fills);
    const before = fills();
    // the caller laid the state it knows over a lagging answer: equal to the pin, but not the source agreeing
    const overlaid = await a.read('k', { load: async () => ({ v: 2 }), agrees: () => false, ttlMs: 1 });
    expect(overlaid).toEqual({ v: 2 });
    expect(a.stats().pins.refusals).toBe(0);
    expect(fills()).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 5));
    // the source still lags: the pin still refuses its answer
    const reader = redis ? await make(true) : a;
    expect(await reader.read('k', { load: async () => ({ v: 1 }) })).toEqual({ v: 2 });
    expect(reader.stats().pins.refusals).toBe(1);
  });

  it('a load is told the order position of the newest change recorded for the key, by any process', async () => {
    const a = await make(redis);
    await a.apply({ id: 'e1', at: 300, key: 'k', value: { v: 2 }, ttlMs: 1 });
    await a.write('k', { v: 1 }, { at: 200, ttlMs: 1 }); // older: ignored, the position stays 300
    await new Promise((r) => setTimeout(r, 5));
    const reader = redis ? await make(true) : a;
    const seen: (number | undefined)[] = [];
    await reader.read('k', {
      load: async (_signal, info) => {
        seen.push(info.at);
        return { v: 2 };
      },
    });
    await reader.read('fresh', {
      load: async (_signal, info) => {
        seen.push(info.at);
        return { v: 0 };
      },
    });
    expect(seen).toEqual([300, undefined]);
  });

  it('a write’s pin outlives a coverage gap of its feed, while the value is revalidated', async () => {
    const a = await make(redis);
    const src = new Source();
    src.set('k', 1);
    await a.coverage.started('f');
    await a.write('k', { v: 2 }, { at: 100, feeds: ['f'], tags: ['t'] });
    expect(await a.read('k', { load: src.loader('k'), feeds: ['f'], tags: ['t'] })).toEqual({ v: 2 });
    expect(src.loads).toBe(0);
    await a.coverage.gap('f', { from: Date.now() - 100, to: Date.now() });
    // after the gap the source is asked again (nothing filled before the gap is served), and the pin refuses its
    // lagging answer
    expect(await a.read('k', { load: src.loader('k'), feeds: ['f'], tags: ['t'] })).toEqual({ v: 2 });
    expect(src.loads).toBe(1);
    expect(a.stats().pins.refusals).toBe(1);
  });
});

describe('coverage renewals on Redis', () => {
  it('a renewal does not re-cover a feed another process reported lost until the lease has passed', async () => {
    const lease = { redis: { coverageLeaseMs: 900 } };
    const a = await make(true, lease);
    const b = await make(true, lease);
    const admin = new Redis(REDIS_URL);
    try {
      await a.coverage.started('f');
      await b.coverage.started('f');
      // a's socket dropped (sockets often drop together): b, whose own drop may not be detected yet, keeps renewing
      await a.coverage.gap('f', { from: Date.now() });
      await new Promise((r) => setTimeout(r, 700)); // b's renewals (every 300 ms) ran meanwhile
      expect(await admin.hget(`{${prefix}}f:f`, 'u')).toBe('0');
      const src = new Source();
      src.set('k', 1);
      await b.read('k', { load: src.loader('k'), feeds: ['f'] });
      await b.read('k', { load: src.loader('k'), feeds: ['f'] });
      expect(src.loads).toBe(2); // nothing filled during the gap is trusted
      // once the lease has passed, a process still renewing is listening: the feed is covered again
      await until(async () => Number(await admin.hget(`{${prefix}}f:f`, 'u')) > 0, 'the renewal to re-cover');
      await until(async () => {
        await b.read('k', { load: src.loader('k'), feeds: ['f'] });
        const loads = src.loads;
        await b.read('k', { load: src.loader('k'), feeds: ['f'] });
        return src.loads === loads;
      }, 'reads to be cached again');
    } finally {
      admin.disconnect();
    }
  });
});
