/**
 * Fuzzing Redis values: whatever Redis holds for a key (any text, any JSON, values of the right kind with fields of
 * the wrong type), reading it back gives either a value of the shape the catalog calls for or a decode error that
 * the cache turns into a miss; nothing of another shape is ever served. 10,000 stored values through the decoding
 * of the read script's answers, then a hundred through a real Cache on Redis.
 */
import { randomUUID } from 'node:crypto';
import { type Cache, createCache } from '@twitchify/cache';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotOf, storedEntryOf } from '../../packages/cache/src/redis/script-io.js';
import { cachedValueValid } from '../../packages/core/src/catalog/value-schemas.js';
import { deletePrefix, REDIS_URL } from '../support.js';

const keys = ['user:1', 'channel:1', 'stream:1', 'vips:1@1', 'bans:1@1', 'chat_settings:1@1', 'polls:1@1', 'other:1'];

/** Valid-looking values of the catalog's kinds, with fields of any type. */
const shaped = fc.oneof(
  fc.record(
    { id: fc.jsonValue({ maxDepth: 0 }), login: fc.string(), title: fc.jsonValue({ maxDepth: 0 }) },
    { requiredKeys: [] },
  ),
  fc.array(fc.record({ userId: fc.jsonValue({ maxDepth: 0 }), userLogin: fc.string(), userName: fc.string() })),
  fc.record({ data: fc.jsonValue({ maxDepth: 1 }) }),
);
const storedText = fc.oneof(
  fc.string(),
  fc.json({ maxDepth: 2 }),
  shaped.map((v) => JSON.stringify(v)),
  shaped.map((v) => JSON.stringify(v).slice(1)),
);

const decoderFor = (key: string) => (json: string) => {
  const value: unknown = JSON.parse(json);
  if (!cachedValueValid(key, value)) throw new Error('wrong shape');
  return value;
};

describe('fuzz: Redis values', () => {
  it('a stored value decodes to the right shape or fails to decode, for 10,000 arbitrary values', () => {
    fc.assert(
      fc.property(fc.constantFrom(...keys), storedText, fc.boolean(), (key, json, asPin) => {
        if (asPin) {
          let reported = 0;
          const snap = snapshotOf(
            key,
            { tags: [], feeds: [] },
            [3, 1, [], [], json, 0, null, null],
            decoderFor(key),
            () => {
              reported++;
            },
          );
          // a pin that does not decode is reported and ignored, never used
          return snap.pin === undefined ? reported === 1 : reported === 0 && cachedValueValid(key, snap.pin.value);
        }
        try {
          const entry = storedEntryOf([2, 1, 1, '', json, 1000, []], decoderFor(key));
          return cachedValueValid(key, entry.value);
        } catch (error) {
          return error instanceof Error; // the authority reports it (CacheDecodeError) and reads a miss
        }
      }),
      { numRuns: 10_000 },
    );
  });

  describe('through a Cache on Redis', () => {
    const prefix = `t:fuzz-redis:${randomUUID().slice(0, 8)}:`;
    let cache: Cache;
    let redis: Redis;

    beforeAll(async () => {
      cache = createCache({ redis: { url: REDIS_URL, prefix }, memory: false, validate: cachedValueValid });
      redis = new Redis(REDIS_URL);
      await cache.ready(5000);
    });

    afterAll(async () => {
      await cache.close();
      redis.disconnect();
      await deletePrefix(prefix);
    });

    it('a read of a corrupted entry returns the loader value or a valid stored one, for 100 values', async () => {
      const good = {
        broadcasterId: '1',
        title: 'from the source',
        gameId: '',
        gameName: '',
        broadcasterLogin: 'a',
        broadcasterName: 'A',
        broadcasterLanguage: 'en',
        delay: 0,
        tags: [],
        contentClassificationLabels: [],
        isBrandedContent: false,
      };
      const key = 'channel:1';
      await fc.assert(
        fc.asyncProperty(storedText, async (json) => {
          await cache.read(key, { load: async () => good, ttlMs: 60_000 });
          for (const k of await redis.keys(`*${prefix}*d:${key}`)) await redis.hset(k, 'v', json);
          const read = await cache.read(key, { load: async () => good, ttlMs: 60_000 });
          return cachedValueValid(key, read);
        }),
        { numRuns: 100 },
      );
      expect(cache.stats().redis?.decodeErrors).toBeGreaterThan(0);
    });
  });
});
