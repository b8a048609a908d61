/**
 * Pin scopes, in memory and on real Redis: a pinned change about some parts of a value (list members) holds only
 * those parts against the source. A load that disagrees with the pin is merged with it (the pinned parts from the
 * pin, the rest from the source) and stored with the pin kept, so that a change the pin is not about (one whose
 * event was lost) reaches the cache while the list keeps changing. Scopes of changes within one window accumulate,
 * each part held until its own change's window ends; without a scope or a merge, the pin refuses as before.
 */
import { describe, expect, it } from 'vitest';
import type { Cache } from '../src/index.js';
import { cacheOpener, testPrefix } from './helpers.js';

const prefix = testPrefix('pin-scope');
const openCache = cacheOpener(prefix);

type Item = { id: string; n?: number };
type List = Item[];

/** The pinned members in scope (present, in place or appended, or absent), the loaded ones otherwise. */
function merge(loaded: List, pinned: List, scope: readonly string[]): List {
  const s = new Set(scope);
  const pin = new Map(pinned.filter((x) => s.has(x.id)).map((x) => [x.id, x]));
  const out = loaded.flatMap((x) => (!s.has(x.id) ? [x] : pin.has(x.id) ? [pin.get(x.id) as Item] : []));
  for (const x of pin.values()) if (!loaded.some((y) => y.id === x.id)) out.push(x);
  return out;
}
const ids = (l: List) => l.map((x) => x.id).sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Revalidates what was stored under `feed` (a coverage gap that ended): the pins, which depend on tags, stay. */
async function gap(c: Cache): Promise<void> {
  await c.coverage.gap('feed', { from: 1, to: 2 });
}

function reader(c: Cache, key: string, source: () => List, withMerge = true, level: 'fast' | 'strict' = 'fast') {
  let loads = 0;
  return {
    get loads() {
      return loads;
    },
    read: () =>
      c.read<List>(key, {
        feeds: ['feed'],
        tags: [`t:${key}`],
        level,
        ...(withMerge ? { merge } : {}),
        load: async () => {
          loads++;
          return source();
        },
      }),
  };
}

/** A member change pinned for `pinMs`, built on `base`, about `member` (or the whole value without it). */
function change(c: Cache, key: string, n: number, value: List, member: string | undefined, pinMs = 10_000) {
  return c.apply<List>({
    id: `e${n}:${key}`,
    at: n,
    key,
    value,
    tags: [`t:${key}`],
    feeds: ['feed'],
    pinMs,
    commutes: true,
    ...(member === undefined ? {} : { pinScope: [member] }),
  });
}

for (const redis of [false, true]) {
  describe(`pin scopes (${redis ? 'Redis' : 'memory'})`, () => {
    it('a lagging load keeps the pinned member and brings in a change the pin is not about', async () => {
      const a = await openCache(redis);
      await a.coverage.started('feed');
      const key = 'k1';
      const base: List = [{ id: 'a' }];
      const first = reader(a, key, () => base);
      expect(await first.read()).toEqual(base);

      // m added (event or write), pinned; meanwhile x was added on the source, and its event was lost
      await change(a, key, 1, [...base, { id: 'm' }], 'm');
      await gap(a);
      const source: List = [{ id: 'a' }, { id: 'x' }]; // lags on m, has x
      const r = reader(a, key, () => source);
      expect(ids(await r.read())).toEqual(['a', 'm', 'x']);
      expect(r.loads).toBe(1);
      expect(a.stats().pins.merges).toBe(1);
      // stored, with the pin kept: the next read is a hit
      expect(ids(await r.read())).toEqual(['a', 'm', 'x']);
      expect(r.loads).toBe(1);

      if (redis) {
        // another process: the merged state from Redis, no load
        const b = await openCache(true);
        const rb = reader(b, key, () => source, true, 'strict');
        expect(ids(await rb.read())).toEqual(['a', 'm', 'x']);
        expect(rb.loads).toBe(0);
      }
      // the pin still holds m against the lagging source after another gap
      await gap(a);
      const again = reader(a, key, () => source);
      expect(ids(await again.read())).toEqual(['a', 'm', 'x']);
      expect(again.loads).toBe(1);
    });

    it('the pinned member absent: a source that still has it does not bring it back', async () => {
      const a = await openCache(redis);
      await a.coverage.started('feed');
      const key = 'k-remove';
      await reader(a, key, () => [{ id: 'a' }, { id: 'm' }]).read();
      await change(a, key, 1, [{ id: 'a' }], 'm'); // m removed
      await gap(a);
      const r = reader(a, key, () => [{ id: 'a' }, { id: 'm' }, { id: 'x' }]);
      expect(ids(await r.read())).toEqual(['a', 'x']);
    });

    it('scopes accumulate over the changes within the window', async () => {
      const a = await openCache(redis);
      await a.coverage.started('feed');
      const key = 'k2';
      await reader(a, key, () => []).read();
      await change(a, key, 1, [{ id: 'm1' }], 'm1');
      await change(a, key, 2, [{ id: 'm1' }, { id: 'm2' }], 'm2');
      await gap(a);
      const r = reader(a, key, () => [{ id: 'x' }]); // lags on both
      expect(ids(await r.read())).toEqual(['m1', 'm2', 'x']);
    });

    it('each part is held until its own window ends', async () => {
      const a = await openCache(redis);
      await a.coverage.started('feed');
      const key = 'k3';
      await reader(a, key, () => []).read();
      await change(a, key, 1, [{ id: 'm1' }], 'm1', 300);
      await change(a, key, 2, [{ id: 'm1' }, { id: 'm2' }], 'm2', 10_000);
      await sleep(400);
      await gap(a);
      // m1's window ended: the source's answer stands for it (it was removed again there, say)
      const r = reader(a, key, () => [{ id: 'x' }]);
      expect(ids(await r.read())).toEqual(['m2', 'x']);
    });

    it('a load that agrees with every pinned part ends the pin', async () => {
      const a = await openCache(redis);
      await a.coverage.started('feed');
      const key = 'k4';
      await reader(a, key, () => []).read();
      await change(a, key, 1, [{ id: 'm' }], 'm');
      await gap(a);
      const r = reader(a, key, () => [{ id: 'm' }, { id: 'x' }]);
      expect(ids(await r.read())).toEqual(['m', 'x']);
      expect(a.stats().pins.merges).toBe(0);
      // the pin ended: a later answer without m is the source's word
      await gap(a);
      const later = reader(a, key, () => [{ id: 'x' }]);
      expect(ids(await later.read())).toEqual(['x']);
    });

    it('without a scope, or without a merge, a disagreeing load is refused as before', async () => {
      const a = await openCache(redis);
      await a.coverage.started('feed');
      await reader(a, 'k5', () => []).read();
      await change(a, 'k5', 1, [{ id: 'm' }], undefined); // no scope: the whole value is held
      await gap(a);
      const r = reader(a, 'k5', () => [{ id: 'x' }]);
      expect(ids(await r.read())).toEqual(['m']);

      await reader(a, 'k6', () => []).read();
      await change(a, 'k6', 1, [{ id: 'm' }], 'm');
      await gap(a);
      const noMerge = reader(a, 'k6', () => [{ id: 'x' }], false);
      expect(ids(await noMerge.read())).toEqual(['m']);
      expect(a.stats().pins.refusals).toBe(2);
      expect(a.stats().pins.merges).toBe(0);

      // a change without scope landing on a scoped pin holds the whole value again
      await reader(a, 'k7', () => []).read();
      await change(a, 'k7', 1, [{ id: 'm' }], 'm');
      await change(a, 'k7', 2, [{ id: 'm' }, { id: 'n' }], undefined);
      await gap(a);
      expect(ids(await reader(a, 'k7', () => [{ id: 'x' }]).read())).toEqual(['m', 'n']);
    });

    it('a write carries a scope too', async () => {
      const a = await openCache(redis);
      await a.coverage.started('feed');
      await reader(a, 'k8', () => []).read();
      await a.write<List>('k8', [{ id: 'm' }], { tags: ['t:k8'], feeds: ['feed'], pinMs: 10_000, pinScope: ['m'] });
      await gap(a);
      expect(ids(await reader(a, 'k8', () => [{ id: 'x' }]).read())).toEqual(['m', 'x']);
      await expect(a.write('k9', [], { pinScope: [] })).rejects.toThrow(/pinScope/);
    });
  });
}
