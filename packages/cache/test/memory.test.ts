import { afterEach, describe, expect, it } from 'vitest';
import {
  type Cache,
  CacheArgumentError,
  CacheClosedError,
  CacheKeyError,
  CacheValueNotSerializableError,
  CacheValueTooLargeError,
  createCache,
} from '../src/index.js';
import { deferred, Source, until } from './helpers.js';

let cache: Cache;
afterEach(async () => {
  await cache?.close();
});

describe('in-process tier alone', () => {
  it('serves a hit without calling the source, and the value is deeply frozen', async () => {
    cache = createCache();
    const src = new Source();
    src.set('k', 1);
    const first = await cache.read('k', { load: async () => ({ v: 1, nested: { a: [1, 2] } }) });
    const again = await cache.read('k', { load: src.loader('k') });
    expect(again).toBe(first);
    expect(src.loads).toBe(0);
    expect(Object.isFrozen(again)).toBe(true);
    expect(Object.isFrozen((again as unknown as { nested: { a: number[] } }).nested.a)).toBe(true);
    expect(cache.stats().memory).toMatchObject({ hits: 1, misses: 1, fills: 1 });
  });

  it('makes one source call for concurrent misses of one key (single flight)', async () => {
    cache = createCache();
    const src = new Source();
    const gate = deferred<void>();
    const reads = Array.from({ length: 50 }, () => cache.read('k', { load: src.slowLoader('k', gate.promise) }));
    gate.resolve();
    const values = await Promise.all(reads);
    expect(src.loads).toBe(1);
    expect(new Set(values).size).toBe(1);
  });

  it('does not store a fill that began before an invalidation, and the next read asks the source', async () => {
    cache = createCache();
    const src = new Source();
    src.set('k', 1);
    const gate = deferred<void>();
    const slow = cache.read('k', { load: src.slowLoader('k', gate.promise) });
    await until(() => src.loads === 1, 'the load to start');
    src.set('k', 2);
    await cache.invalidate({ key: 'k' });
    gate.resolve();
    expect(await slow).toEqual({ v: 1 }); // began before the change: may see the old state
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(cache.stats().memory.staleFillsRefused).toBe(1);
  });

  it('a read that begins after an invalidation does not join a flight that began before it', async () => {
    cache = createCache();
    const src = new Source();
    src.set('k', 1);
    const gate = deferred<void>();
    const old = cache.read('k', { load: src.slowLoader('k', gate.promise) });
    await until(() => src.loads === 1, 'the load to start');
    src.set('k', 2);
    await cache.invalidate({ key: 'k' });
    const fresh = cache.read('k', { load: src.loader('k') });
    expect(await fresh).toEqual({ v: 2 });
    gate.resolve();
    await old;
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
  });

  it('invalidates by tag in O(1): every value of the tag, and a fill in flight under it', async () => {
    cache = createCache();
    const src = new Source();
    src.set('a', 1);
    src.set('b', 1);
    await cache.read('a', { load: src.loader('a'), tags: ['t'] });
    const gate = deferred<void>();
    const slow = cache.read('b', { load: src.slowLoader('b', gate.promise), tags: ['t'] });
    await until(() => src.loads === 2, 'the load to start');
    src.set('a', 2);
    src.set('b', 2);
    await cache.invalidate({ tag: 't' });
    gate.resolve();
    await slow;
    expect(await cache.read('a', { load: src.loader('a'), tags: ['t'] })).toEqual({ v: 2 });
    expect(await cache.read('b', { load: src.loader('b'), tags: ['t'] })).toEqual({ v: 2 });
  });

  it('reads its own write at once, above what was filled before it', async () => {
    cache = createCache();
    const src = new Source();
    src.set('k', 1);
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    await cache.write('k', { v: 2 }, { pinMs: 60_000 });
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(src.loads).toBe(1);
    expect(cache.stats().pins).toEqual({ held: 1, refusals: 0, merges: 0 });
  });

  it('a fill that disagrees with a pinned write inside its window is refused and the write is returned', async () => {
    let now = 1_000_000;
    cache = createCache({ clock: { now: () => now }, defaultTtlMs: 10_000 });
    const src = new Source();
    src.set('k', 1);
    await cache.write('k', { v: 2 }, { pinMs: 30_000, ttlMs: 1_000 });
    now += 1_500; // the written entry expired (ttl 1 s) but the pin (30 s) holds
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(cache.stats().pins.refusals).toBe(1);
    // the refused load stored the pinned state (for the read's TTL): the lagging source is not asked again
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(src.loads).toBe(1);
    now += 10_001; // that entry expired too; the pin still holds
    src.set('k', 2); // the source caught up: the load agrees, is stored, and the pin ends
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(src.loads).toBe(2);
    src.set('k', 3); // a later outside change (no event) is served once the entry expires: the pin ended early
    now += 10_001;
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 3 });
  });

  it('the pin ends at its window and the key is revalidated from the source', async () => {
    let now = 1_000_000;
    cache = createCache({ clock: { now: () => now } });
    const src = new Source();
    src.set('k', 1);
    await cache.write('k', { v: 2 }, { pinMs: 5_000 });
    now += 5_001;
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
  });

  it('a newer change ends a pin', async () => {
    let now = 1_000_000;
    cache = createCache({ clock: { now: () => now } });
    const src = new Source();
    src.set('k', 1);
    await cache.write('k', { v: 2 }, { pinMs: 60_000, ttlMs: 10 });
    await cache.apply({ id: 'e1', at: 5, key: 'k', invalidate: true });
    src.set('k', 3);
    now += 100;
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 3 });
    expect(cache.stats().pins.refusals).toBe(0);
  });

  it('apply is idempotent and ordered', async () => {
    cache = createCache();
    const src = new Source();
    expect(await cache.apply({ id: 'c1', at: 10, key: 'k', value: { v: 10 } })).toBe('applied');
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 10 });
    expect(await cache.apply({ id: 'c1', at: 10, key: 'k', value: { v: 10 } })).toBe('duplicate');
    expect(await cache.apply({ id: 'c0', at: 5, key: 'k', value: { v: 5 } })).toBe('ignored');
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 10 });
    expect(await cache.apply<{ v: number }>({ id: 'c2', at: 11, key: 'k', patch: (old) => ({ v: old.v + 1 }) })).toBe(
      'applied',
    );
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 11 });
    expect(src.loads).toBe(0);
    expect(cache.stats().changes).toEqual({ applied: 2, duplicate: 1, ignored: 1, held: 0, settled: 0 });
  });

  it('a patch with nothing cached invalidates', async () => {
    cache = createCache();
    const src = new Source();
    src.set('k', 4);
    expect(await cache.apply<{ v: number }>({ id: 'p', at: 1, key: 'k', patch: (o) => ({ v: o.v + 1 }) })).toBe(
      'applied',
    );
    expect(await cache.read('k', { load: src.loader('k') })).toEqual({ v: 4 });
  });

  it('values under a feed are cached only while it is covered, and a gap revalidates them', async () => {
    cache = createCache();
    const src = new Source();
    src.set('k', 1);
    await cache.read('k', { load: src.loader('k'), feeds: ['f'] });
    await cache.read('k', { load: src.loader('k'), feeds: ['f'] });
    expect(src.loads).toBe(2); // not covered: not cached
    await cache.coverage.started('f', 0);
    await cache.read('k', { load: src.loader('k'), feeds: ['f'] });
    await cache.read('k', { load: src.loader('k'), feeds: ['f'] });
    expect(src.loads).toBe(3);
    src.set('k', 2);
    await cache.coverage.gap('f', { from: 1, to: 2 });
    expect(await cache.read('k', { load: src.loader('k'), feeds: ['f'] })).toEqual({ v: 2 });
    expect(await cache.read('k', { load: src.loader('k'), feeds: ['f'] })).toEqual({ v: 2 });
    expect(src.loads).toBe(4);
    await cache.coverage.gap('f', { from: 3 }); // open gap: no longer covered
    await cache.read('k', { load: src.loader('k'), feeds: ['f'] });
    expect(src.loads).toBe(5);
  });

  it('is bounded by entries and by bytes', async () => {
    cache = createCache({ memory: { maxEntries: 10, maxBytes: 1_000 } });
    for (let i = 0; i < 50; i++) await cache.read(`k${i}`, { load: async () => ({ i }) });
    expect(cache.stats().memory.entries).toBe(10);
    for (let i = 0; i < 50; i++) await cache.read(`b${i}`, { load: async () => ({ s: 'x'.repeat(200) }) });
    expect(cache.stats().memory.bytes).toBeLessThanOrEqual(1_000);
  });

  it('refuses bad keys, oversized and unserializable values with clear errors', async () => {
    cache = createCache({ maxValueBytes: 100 });
    const load = async () => 1;
    await expect(cache.read('', { load })).rejects.toBeInstanceOf(CacheKeyError);
    await expect(cache.read('a\nb', { load })).rejects.toBeInstanceOf(CacheKeyError);
    await expect(cache.read('x'.repeat(2000), { load })).rejects.toThrow(/longer than/);
    await expect(cache.read('k', {} as never)).rejects.toBeInstanceOf(CacheArgumentError);
    await expect(cache.write('k', { s: 'x'.repeat(200) })).rejects.toBeInstanceOf(CacheValueTooLargeError);
    await expect(cache.write('k', { f: 1n })).rejects.toBeInstanceOf(CacheValueNotSerializableError);
    // an oversized loaded value is returned, not stored, and counted
    expect(await cache.read('big', { load: async () => 'y'.repeat(500) })).toHaveLength(500);
    expect(cache.stats().oversized).toBe(2); // the write above and this load
    expect(cache.stats().memory.entries).toBe(0);
    expect(() => createCache({ readLevel: 'sometimes' as never })).toThrow(CacheArgumentError);
    // not plain JSON data, but nothing crashes: returned as loaded
    expect(await cache.read('buf', { load: async () => ({ b: Buffer.from('hi') }) })).toHaveProperty('b');
    const err = await cache.read('', { load }).catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe('TWITCHIFY_CACHE_INVALID_KEY');
    expect((err as Record<symbol, unknown>)[Symbol.for('twitchify.error')]).toBe(true);
  });

  it('rejects calls after close and aborts loads in flight', async () => {
    cache = createCache();
    let signal: AbortSignal | undefined;
    const pending = cache.read('k', {
      load: (s) => {
        signal = s;
        return new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason)));
      },
    });
    await until(() => signal !== undefined, 'the load to start');
    await cache.close();
    await expect(pending).rejects.toBeInstanceOf(CacheClosedError);
    expect(signal?.aborted).toBe(true);
    await expect(cache.read('k', { load: async () => 1 })).rejects.toBeInstanceOf(CacheClosedError);
  });
});
