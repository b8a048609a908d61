/**
 * Promise 5 for values built on a read made during a coverage gap, on real Redis: a write or a change that carries
 * `basedOn` (the LoadInfo of the read its value was built on) is stored only if the feed epochs of that read are
 * still current and covered. A value built during the gap and stored after coverage came back is not served by any
 * process without a source call, while its pin still refuses the source's lagging answer.
 */
import { describe, expect, it } from 'vitest';
import type { Cache, LoadInfo } from '../src/index.js';
import { cacheOpener, testPrefix } from './helpers.js';

const prefix = testPrefix('based-on');
const openCache = cacheOpener(prefix);
const make = (redis = true) => openCache(redis);

type Store = (cache: Cache, key: string, value: { v: number; t: string }, basedOn: LoadInfo) => Promise<unknown>;
/** Reads `{ v: 1, t: 'old' }` through `cache` from a loader that keeps the read's LoadInfo: the base of a change. */
async function readBase(cache: Cache, key: string): Promise<{ base: { v: number; t: string }; info: LoadInfo }> {
  let info: LoadInfo | undefined;
  const base = await cache.read(key, {
    feeds: ['feed'],
    load: async (_signal, i) => {
      info = i;
      return { v: 1, t: 'old' };
    },
  });
  return { base, info: info as LoadInfo };
}

const stores: [string, Store][] = [
  ['write', (c, key, value, basedOn) => c.write(key, value, { feeds: ['feed'], pinMs: 10_000, at: 5, basedOn })],
  [
    'apply',
    (c, key, value, basedOn) => c.apply({ id: `e:${key}`, at: 5, key, value, feeds: ['feed'], pinMs: 10_000, basedOn }),
  ],
];

describe('basedOn', () => {
  for (const [name, store] of stores) {
    it(`${name}: a value built on a read during a gap, stored after coverage resumed, is not served without a load`, async () => {
      const key = `k-${name}`;
      const a = await make();
      const b = await make();
      await a.coverage.started('feed');
      await a.coverage.gap('feed', { from: 1 }); // nobody listens

      // the base read, during the gap: a source call, not cached
      // 'v' read during the gap; a change to it was missed
      const { base, info } = await readBase(a, key);
      expect(info?.feeds?.[0]?.[0]).toBe('feed');

      await a.coverage.gap('feed', { from: 1, to: 2 }); // coverage is back (Redis records the new epoch)
      await store(a, key, { ...base, t: 'new' }, info); // the event / write-through lands after

      // Neither process serves it without asking the source after the gap.
      let loadsA = 0;
      let loadsB = 0;
      const agrees = (loaded: { t: string }, pinned: { t: string }) => loaded.t === pinned.t;
      const readA = await a.read(key, {
        feeds: ['feed'],
        agrees,
        load: async () => {
          loadsA++;
          return { v: 2, t: 'new' };
        },
      });
      const readB = await b.read(key, {
        feeds: ['feed'],
        level: 'strict',
        agrees,
        load: async () => {
          loadsB++;
          return { v: 2, t: 'new' };
        },
      });
      expect(loadsA + loadsB).toBeGreaterThanOrEqual(1);
      expect(readA).toEqual({ v: 2, t: 'new' });
      expect(readB).toEqual({ v: 2, t: 'new' });
    });

    it(`${name}: the pin is recorded even when the value is not stored`, async () => {
      const key = `p-${name}`;
      const a = await make();
      const b = await make();
      await a.coverage.started('feed');
      await a.coverage.gap('feed', { from: 1 });
      const { base, info } = await readBase(a, key);
      await a.coverage.gap('feed', { from: 1, to: 2 });
      await store(a, key, { ...base, t: 'new' }, info);
      // the source still lags (serves 'old'): the pin refuses it in the other process
      const read = await b.read(key, { feeds: ['feed'], level: 'strict', load: async () => ({ v: 1, t: 'old' }) });
      expect(read).toEqual({ v: 1, t: 'new' });
      expect(b.stats().pins.refusals).toBe(1);
    });

    it(`${name}: a value built on a read under the current covered epoch is stored`, async () => {
      const key = `s-${name}`;
      const a = await make();
      const b = await make();
      await a.coverage.started('feed');
      const { base, info } = await readBase(a, key);
      await store(a, key, { ...base, t: 'new' }, info);
      let loads = 0;
      const read = await b.read(key, {
        feeds: ['feed'],
        level: 'strict',
        load: async () => {
          loads++;
          return { v: 1, t: 'new' };
        },
      });
      expect(read).toEqual({ v: 1, t: 'new' });
      expect(loads).toBe(0);
    });
  }

  it('in memory: a value built on a read during a gap is not stored after coverage resumed', async () => {
    const a = await make(false);
    await a.coverage.started('feed');
    await a.coverage.gap('feed', { from: 1 });
    const { base, info } = await readBase(a, 'm');
    await a.coverage.gap('feed', { from: 1, to: 2 });
    await a.write('m', { ...base, t: 'new' }, { feeds: ['feed'], pinMs: 10_000, basedOn: info });
    let loads = 0;
    const read = await a.read('m', {
      feeds: ['feed'],
      agrees: (l: { t: string }, p: { t: string }) => l.t === p.t,
      load: async () => {
        loads++;
        return { v: 2, t: 'new' };
      },
    });
    expect(loads).toBe(1);
    expect(read).toEqual({ v: 2, t: 'new' });
  });

  // A base served from the cache (filled earlier, by this process or another) says what it was loaded under too.
  for (const redis of [true, false]) {
    const where = redis ? 'on Redis' : 'in memory';
    it(`${where}: basisOf a cache hit gives its feed epochs; a change built on it after a gap is not stored`, async () => {
      const key = `hit-${where}`;
      const a = await make(redis);
      await a.coverage.started('feed');
      let loads = 0;
      const load = async () => {
        loads++;
        return { v: loads, t: loads === 1 ? 'old' : 'new' };
      };
      await a.read(key, { feeds: ['feed'], load });
      const base = await a.read(key, { feeds: ['feed'], load }); // a hit
      expect(loads).toBe(1);
      const basis = a.basisOf(base);
      expect(basis?.feeds?.map(([f]) => f)).toEqual(['feed']);
      expect(a.basisOf({ v: 1, t: 'old' })).toBeUndefined(); // an equal value the cache did not return
      expect(a.basisOf('a string')).toBeUndefined();

      await a.coverage.gap('feed', { from: 1 }); // a gap opens and closes while the change is being built
      await a.coverage.gap('feed', { from: 1, to: 2 });
      await a.apply({ id: `e:${key}`, at: 5, key, value: { ...base, t: 'new' }, feeds: ['feed'], basedOn: basis });

      const read = await a.read(key, { feeds: ['feed'], load });
      expect(loads).toBe(2); // asked the source after the gap
      expect(read).toEqual({ v: 2, t: 'new' });
    });

    it(`${where}: a change built on a cache hit under the current epochs is stored`, async () => {
      const key = `hit-ok-${where}`;
      const a = await make(redis);
      await a.coverage.started('feed');
      let loads = 0;
      const load = async () => {
        loads++;
        return { v: 1, t: 'old' };
      };
      await a.read(key, { feeds: ['feed'], load });
      const base = await a.read(key, { feeds: ['feed'], load });
      await a.apply({
        id: `e:${key}`,
        at: 5,
        key,
        value: { ...base, t: 'new' },
        feeds: ['feed'],
        basedOn: a.basisOf(base),
      });
      expect(await a.read(key, { feeds: ['feed'], load })).toEqual({ v: 1, t: 'new' });
      expect(loads).toBe(1);
    });
  }

  // A value the cache returned without storing it (read during a gap, or a pinned state served over a lagging load)
  // says so too: a change built on it after coverage came back is not stored.
  for (const redis of [true, false]) {
    const where = redis ? 'on Redis' : 'in memory';
    it(`${where}: basisOf an unstored answer read during a gap never holds`, async () => {
      const key = `unstored-${where}`;
      const a = await make(redis);
      await a.coverage.started('feed');
      await a.write(key, { v: 2, t: 'pinned' }, { feeds: ['feed'], pinMs: 60_000, at: 1 });
      await a.coverage.gap('feed', { from: 1 });
      let lagged = 0;
      const lagging = async () => {
        lagged++;
        return { v: 1, t: 'lagging' };
      };
      // during the gap: the source lags behind the pin, the pinned state is served and nothing is stored
      const base = await a.read(key, { feeds: ['feed'], load: lagging });
      expect(lagged).toBe(1);
      expect(base).toEqual({ v: 2, t: 'pinned' });
      const basis = a.basisOf(base);
      expect(basis?.feeds).toEqual([['feed', -1]]);
      await a.coverage.gap('feed', { from: 1, to: 2 });
      await a.apply({ id: `e:${key}`, at: 5, key, value: { ...base, t: 'event' }, feeds: ['feed'], basedOn: basis });
      // not served from the cache: the source is asked after the gap (it has caught up by now)
      let asked = 0;
      const read = await a.read(key, {
        feeds: ['feed'],
        load: async () => {
          asked++;
          return { v: 3, t: 'event' };
        },
      });
      expect(asked).toBe(1);
      expect(read).toEqual({ v: 3, t: 'event' });
    });
  }
});
