/**
 * A process that listens to a feed is killed and restarted while changes keep coming. Redis still holds what was
 * filled before the kill, and nobody applied the changes made while the process was down. Proves: after the restart
 * (the process starts covering the feed again, as a client does when it resubscribes) neither it nor any other
 * process serves anything older than the source, and changes applied afterwards are read back at once.
 */
import { describe, expect, it } from 'vitest';
import { sharedRedis } from '../packages/cache/test/fixtures/shared-redis.js';
import type { Worker } from '../packages/cache/test/fixtures/worker-handle.js';

const { setSource, worker } = sharedRedis('cache-restart');
const FEED = 'feed:channel';
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];

const version = new Map<string, number>(KEYS.map((k) => [k, 0]));
let counter = 0;
async function change(key: string): Promise<number> {
  const v = ++counter;
  version.set(key, v);
  await setSource(key, v);
  return v;
}

describe('a listening process killed and restarted while changes keep coming', () => {
  it('serves nothing stale afterwards, nor does any other process', async () => {
    for (const k of KEYS) await setSource(k, 0);
    let listener = worker(FEED);
    const reader = worker();
    await Promise.all([listener.ready, reader.ready]);
    const read = (w: Worker, key: string, level: 'fast' | 'strict') => w.read(key, level, { feeds: [FEED] });

    // phase 1: the listener applies every change (as events); both read them back at once
    for (let i = 0; i < 30; i++) {
      const key = KEYS[i % KEYS.length]!;
      const v = await change(key);
      await listener.call({ op: 'apply', key, v, feeds: [FEED] });
      expect(await read(listener, key, 'fast')).toBe(v);
      expect(await read(reader, key, 'strict')).toBe(v);
    }
    for (const k of KEYS) await read(listener, k, 'fast'); // everything is filled in Redis and in memory

    // phase 2: the listener dies; changes keep coming, but nobody hears them
    await listener.kill();
    for (let i = 0; i < 25; i++) await change(KEYS[i % KEYS.length]!);

    // phase 3: it restarts and covers the feed again (before answering: it starts the feed at boot)
    listener = worker(FEED);
    await listener.ready;
    for (const k of KEYS) {
      expect(await read(listener, k, 'fast')).toBe(version.get(k));
      expect(await read(listener, k, 'strict')).toBe(version.get(k));
      expect(await read(reader, k, 'strict')).toBe(version.get(k));
    }
    // and it keeps up with changes applied after the restart
    for (let i = 0; i < 20; i++) {
      const key = KEYS[i % KEYS.length]!;
      const v = await change(key);
      await listener.call({ op: 'apply', key, v, feeds: [FEED] });
      expect(await read(listener, key, 'fast')).toBe(v);
      expect(await read(reader, key, 'strict')).toBe(v);
    }
  });

  it('while nobody covers the feed (the holder died and its lease lapsed), other processes revalidate', async () => {
    const holder = worker('feed:other');
    const reader = worker();
    await Promise.all([holder.ready, reader.ready]);
    await setSource('x', 1);
    expect(await reader.read('x', 'strict', { feeds: ['feed:other'] })).toBe(1);
    await holder.kill();
    await setSource('x', 2); // an event nobody receives
    // once the holder's coverage lease lapses (600 ms), the entry is no longer trusted
    while ((await reader.read('x', 'strict', { feeds: ['feed:other'] })) !== 2) {
      // served from the tiers until the lapse: bounded by the coverage lease
    }
    expect(await reader.read('x', 'fast', { feeds: ['feed:other'] })).toBe(2);
  });
});
