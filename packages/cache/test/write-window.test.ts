/**
 * Write windows, in memory and on real Redis (with a second cache sharing it, as another process would): a source
 * commits a write somewhere between sending and answering, so a change ordered inside that window may come before or
 * after the write. Such a change is held (nothing recorded) until the write's own change settles the order, the
 * window is closed, or it runs out; then it goes through in its order.
 */
import { describe, expect, it } from 'vitest';
import { type Cache, CacheArgumentError, CacheKeyError } from '../src/index.js';
import { cacheOpener, testPrefix, until } from './helpers.js';

const prefix = testPrefix('write-window');
const openCache = cacheOpener(prefix);

type V = { v: string };

const read = (c: Cache, key: string, level: 'fast' | 'strict' = 'strict') =>
  c.read<V>(key, { level, load: async () => ({ v: 'loaded' }) });

/** An event carrying the whole new state `v`, ordered at `at`; it recognises a write of the same state as its own. */
const event = (c: Cache, key: string, id: string, at: number, v: string) =>
  c.apply<V>({ id, at, key, value: { v }, settles: (written) => written.v === v });

for (const redis of [false, true]) {
  describe(`write windows (${redis ? 'Redis, two caches' : 'memory'})`, () => {
    /** The writing cache, and the one that receives the outside change (another process when on Redis). */
    async function pair(): Promise<{ a: Cache; b: Cache }> {
      const a = await openCache(redis);
      return { a, b: redis ? await openCache(true) : a };
    }

    it('a change committed before the write, arriving inside its window, does not hide the write', async () => {
      const { a, b } = await pair();
      expect(await read(a, 'k')).toEqual({ v: 'loaded' });
      const id = await a.openWindow('k', { from: 100 });

      // the outside change is ordered after the write was sent: held, in every process, even before the answer
      expect(await event(b, 'k', 'theirs', 150, 'theirs')).toBe('held');
      await a.write('k', { v: 'ours' }, { at: 100, window: { id, to: 200 } });
      expect(await event(b, 'k', 'theirs', 150, 'theirs')).toBe('held');
      expect(await read(a, 'k')).toEqual({ v: 'ours' });
      expect(await read(b, 'k')).toEqual({ v: 'ours' });

      // the write's own change, committed at 180 (after the outside one): it settles the window
      expect(await event(b, 'k', 'ours', 180, 'ours')).toBe('applied');
      expect(b.stats().changes.settled).toBe(1);
      // the held change was not recorded (no duplicate) and is now older than what the key reflects
      expect(await event(b, 'k', 'theirs', 150, 'theirs')).toBe('ignored');
      expect(await read(a, 'k')).toEqual({ v: 'ours' });
      expect(await read(b, 'k')).toEqual({ v: 'ours' });
    });

    it('a change committed after the write, before its answer, goes through once the order is known', async () => {
      const { a, b } = await pair();
      await read(a, 'k');
      const id = await a.openWindow('k', { from: 100 });
      await a.write('k', { v: 'ours' }, { at: 100, window: { id, to: 200 } });
      expect(await event(b, 'k', 'theirs', 150, 'theirs')).toBe('held');
      expect(await read(b, 'k')).toEqual({ v: 'ours' });

      expect(await event(a, 'k', 'ours', 120, 'ours')).toBe('applied');
      expect(await event(b, 'k', 'theirs', 150, 'theirs')).toBe('applied');
      expect(await read(a, 'k')).toEqual({ v: 'theirs' });
      expect(await read(b, 'k')).toEqual({ v: 'theirs' });
    });

    it('only changes ordered inside the window wait', async () => {
      const { a, b } = await pair();
      await read(a, 'k');
      const id = await a.openWindow('k', { from: 100 });
      // before the write was sent: the write comes after it
      expect(await event(b, 'k', 'before', 90, 'before')).toBe('applied');
      await a.write('k', { v: 'ours' }, { at: 100, window: { id, to: 200 } });
      // after the answer: it comes after the write
      expect(await event(b, 'k', 'after', 250, 'after')).toBe('applied');
      expect(await read(a, 'k')).toEqual({ v: 'after' });
      // a change ordered before the newest one is ignored, window or not
      expect(await event(b, 'k', 'inside', 150, 'inside')).toBe('ignored');
    });

    it('the write’s own change arriving before the answer waits for it, then settles', async () => {
      const { a, b } = await pair();
      await read(a, 'k');
      const id = await a.openWindow('k', { from: 100 });
      // the written state is not known yet: the change cannot be recognised as the write's own
      expect(await event(b, 'k', 'ours', 120, 'ours')).toBe('held');
      const settled = b.windowsSettled('k');
      await a.write('k', { v: 'ours' }, { at: 100, window: { id, to: 200 } });
      await settled;
      expect(await event(b, 'k', 'ours', 120, 'ours')).toBe('applied');
      expect(await event(b, 'k', 'theirs', 150, 'theirs')).toBe('applied');
      expect(await read(a, 'k')).toEqual({ v: 'theirs' });
    });

    it('a closed window lets what it held through', async () => {
      const { a, b } = await pair();
      await read(a, 'k');
      const id = await a.openWindow('k', { from: 100 });
      expect(await event(b, 'k', 'theirs', 150, 'theirs')).toBe('held');
      await a.closeWindow('k', id); // the write failed
      expect(await event(b, 'k', 'theirs', 150, 'theirs')).toBe('applied');
      expect(await read(a, 'k')).toEqual({ v: 'theirs' });
      expect(b.stats().changes.held).toBe(1);
    });

    it('a window nobody ends, or whose write’s own change never comes, runs out', async () => {
      const { a, b } = await pair();
      await read(a, 'k');
      await a.openWindow('k', { from: 100, maxMs: 50 });
      expect(await event(b, 'k', 'theirs', 150, 'theirs')).toBe('held');
      await until(async () => (await event(b, 'k', 'theirs', 150, 'theirs')) === 'applied', 'the window ran out');

      const id = await a.openWindow('k', { from: 300 });
      await a.write('k', { v: 'ours' }, { at: 300, window: { id, to: 400, holdMs: 50 } });
      expect(await event(b, 'k', 'late', 350, 'late')).toBe('held');
      await until(async () => (await event(b, 'k', 'late', 350, 'late')) === 'applied', 'the hold ran out');
      expect(await read(a, 'k')).toEqual({ v: 'late' });
    });

    it('rejects bad arguments with a typed error', async () => {
      const { a } = await pair();
      await expect(a.openWindow('k', { from: Number.NaN })).rejects.toBeInstanceOf(CacheArgumentError);
      await expect(a.openWindow('k', { from: 1, maxMs: 0 })).rejects.toBeInstanceOf(CacheArgumentError);
      await expect(a.write('k', { v: 'x' }, { window: { id: '', to: 1 } })).rejects.toBeInstanceOf(CacheKeyError);
      await expect(a.write('k', { v: 'x' }, { window: { id: 'w', to: 1, holdMs: -1 } })).rejects.toBeInstanceOf(
        CacheArgumentError,
      );
      await expect(
        a.apply({ id: 'e', at: 1, key: 'k', value: { v: 'x' }, settles: 'yes' as never }),
      ).rejects.toBeInstanceOf(CacheArgumentError);
    });
  });
}
