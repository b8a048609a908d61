/**
 * Promise 5 at the edge of a gap, on real Redis: once coverage of a feed has come back, no read that begins after it
 * is answered by a source call made during the gap, even while the resume is still on its way to Redis (a read then
 * must not share a load begun under the gap).
 */
import { describe, expect, it } from 'vitest';
import type { Cache } from '../src/index.js';
import { cacheOpener, deferred, testPrefix, until } from './helpers.js';

const prefix = testPrefix('coverage-resume');
const openCache = cacheOpener(prefix);
const make = (): Promise<Cache> => openCache(true);

describe('coverage resuming', () => {
  it('a read that begins after coverage came back does not share a load made during the gap', async () => {
    const a = await make();
    await a.coverage.started('feed');
    await a.coverage.gap('feed', { from: 1 }); // the socket dropped: nobody listens

    let truth = 1;
    let loads = 0;
    const held = deferred<void>();
    const duringGap = a.read('k', {
      feeds: ['feed'],
      load: async () => {
        loads++;
        const seen = truth; // Helix answers now, during the gap...
        await held.promise; // ...and the answer travels back slowly
        return { v: seen };
      },
    });
    await until(() => loads === 1, 'the load made during the gap');

    truth = 2; // a change whose event nobody received
    const back = a.coverage.gap('feed', { from: 1, to: 2 }); // coverage is back; Redis records it meanwhile
    const afterGap = a.read('k', {
      feeds: ['feed'],
      load: async () => {
        loads++;
        return { v: truth };
      },
    });
    held.resolve();
    await back;
    expect(await duringGap).toEqual({ v: 1 });
    expect(await afterGap).toEqual({ v: 2 });
    expect(loads).toBe(2);
  });

  it('a load made while the feed was not covered is not shared, even before the resume is heard', async () => {
    const a = await make();
    const b = await make();
    await a.coverage.started('feed');
    await a.coverage.gap('feed', { from: 1 });

    let loads = 0;
    const held = deferred<void>();
    const duringGap = b.read('k', {
      feeds: ['feed'],
      load: async () => {
        loads++;
        await held.promise;
        return { v: 1 };
      },
    });
    await until(() => loads === 1, 'the load made during the gap');
    // Another process resumes; b may not have heard it over the bus yet, but its read must ask the source again.
    await a.coverage.gap('feed', { from: 1, to: 2 });
    const afterGap = b.read('k', {
      feeds: ['feed'],
      load: async () => {
        loads++;
        return { v: 2 };
      },
    });
    held.resolve();
    expect(await duringGap).toEqual({ v: 1 });
    expect(await afterGap).toEqual({ v: 2 });
    expect(loads).toBe(2);
  });
});
