import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { CacheDecodeError } from '../src/errors.js';
import type { Op } from '../src/model/ops.js';
import type { StateStore } from '../src/model/store.js';
import { MemoryStateStore } from '../src/model/store.js';
import { fill, record } from '../src/model/transitions.js';
import { view } from '../src/model/view.js';
import { CircuitBreaker } from '../src/redis/breaker.js';
import { RedisCaller } from '../src/redis/caller.js';
import { RedisStateStore } from '../src/redis/state-store.js';
import { haveRedisServer, type LocalCluster, startCluster } from './fixtures/redis-cluster.js';
import { cleanPrefix, REDIS_URL, testPrefix } from './helpers.js';

/**
 * The state stores, one conformance suite: the same transitions, committed in memory, in Redis, or in a Redis
 * Cluster (started here when redis-server is on PATH). With Redis, several processes change one
 * key at once (each its own connection here) and no change is lost: a transition that lost the race runs again on
 * the newer state.
 */

const prefix = testPrefix('state-store');
const clients: (Redis | Cluster)[] = [];
const decodeErrors: CacheDecodeError[] = [];
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await cleanPrefix(prefix);
});

/** A local Redis Cluster (three masters), started once for the Cluster rows, when redis-server is on PATH. */
let cluster: Promise<LocalCluster> | undefined;
afterAll(async () => {
  await (await cluster)?.stop();
});

async function redisStore(kind: 'single' | 'cluster' = 'single'): Promise<RedisStateStore> {
  let client: Redis | Cluster;
  if (kind === 'cluster') {
    cluster ??= startCluster();
    const port = (await cluster).ports[0]!;
    client = new Cluster([{ host: '127.0.0.1', port }], {
      enableOfflineQueue: false,
      redisOptions: { commandTimeout: 2_000 },
    });
  } else client = new Redis(REDIS_URL, { enableOfflineQueue: false, commandTimeout: 2_000 });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
  const breaker = new CircuitBreaker({ failures: 3, cooldownMs: 100, clock: Date, onChange: () => {} });
  return new RedisStateStore({
    client,
    caller: new RedisCaller(client, breaker, () => {}),
    base: `{${prefix}}`,
    origin: randomUUID().slice(0, 8),
    ttlMs: 60_000,
    decodeError: (e) => decodeErrors.push(e),
  });
}

const add = (id: string): Op => ({ op: 'add', idField: 'user_id', item: { user_id: id } });

const stores: Array<[string, () => Promise<StateStore[]>]> = [
  [
    'memory',
    async () => {
      const one = new MemoryStateStore({ maxKeys: 100 });
      return [one, one];
    },
  ],
  ['redis (two processes)', async () => [await redisStore(), await redisStore()]],
  ...(haveRedisServer
    ? ([
        ['redis cluster (two processes)', async () => [await redisStore('cluster'), await redisStore('cluster')]],
      ] as Array<[string, () => Promise<StateStore[]>]>)
    : []),
];

describe.each(stores)('state store: %s', (_name, open) => {
  it('two processes adding members to one list at the same moment: every member is in the list', async () => {
    const [a, b] = (await open()) as [StateStore, StateStore];
    const key = `vips:${randomUUID()}`;
    await a.update(key, (s) => fill(s, { variant: '', json: [], readPos: 1_000, ttlMs: 60_000 }, 1_000));
    const adds = Array.from({ length: 40 }, (_, i) =>
      (i % 2 === 0 ? a : b).update(key, (s) =>
        record(s, { id: `e${i}`, pos: 1_001 + i, ops: [add(String(i))], lagMs: 2_000 }),
      ),
    );
    const outcomes = await Promise.all(adds);
    expect(outcomes.map((o) => o.result)).toEqual(Array(40).fill('applied'));
    for (const store of [a, b]) {
      const shown = view((await store.read(key)).state, '', 1_100);
      expect(shown.found).toBe(true);
      const ids = (shown.found ? (shown.value as Array<{ user_id: string }>) : []).map((m) => m.user_id);
      expect(ids.sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
    }
  });

  it('a change recorded twice, once by each process, is recorded once', async () => {
    const [a, b] = (await open()) as [StateStore, StateStore];
    const key = `vips:${randomUUID()}`;
    const change = { id: 'same', pos: 5, ops: [add('9')], lagMs: 2_000 };
    const [x, y] = await Promise.all([
      a.update(key, (s) => record(s, change)),
      b.update(key, (s) => record(s, change)),
    ]);
    expect([x.result, y.result].sort()).toEqual(['applied', 'duplicate']);
    expect((await a.read(key)).state.log.length).toBe(1);
  });

  it('the version advances with every commit and not when a step changes nothing', async () => {
    const [a] = (await open()) as [StateStore];
    const key = `k:${randomUUID()}`;
    const first = await a.update(key, (s) => record(s, { id: '1', pos: 1, ops: [add('1')], lagMs: 10 }));
    const again = await a.update(key, (s) => record(s, { id: '1', pos: 1, ops: [add('1')], lagMs: 10 }));
    expect(again.state.version).toBe(first.state.version);
    const second = await a.update(key, (s) => record(s, { id: '2', pos: 2, ops: [add('2')], lagMs: 10 }));
    expect(second.state.version).toBe(first.state.version + 1);
  });
});

describe('state store: what Redis holds is checked before use', () => {
  it('a stored state of the wrong shape is reported and treated as unknown, and its version keeps growing', async () => {
    const store = await redisStore();
    const key = `k:${randomUUID()}`;
    const raw = clients[clients.length - 1] as Redis;
    await raw.hset(`{${prefix}}m:${key}`, 'v', '7', 's', JSON.stringify({ version: 7, bases: 'nope', log: [] }));
    const before = decodeErrors.length;
    const { state } = await store.read(key);
    expect(state.log).toEqual([]);
    expect(state.version).toBe(7);
    expect(decodeErrors.length).toBe(before + 1);
    expect(decodeErrors[before]?.code).toBe('TWITCHIFY_CACHE_DECODE');
    const next = await store.update(key, (s) => record(s, { id: 'x', pos: 1, ops: [add('1')], lagMs: 10 }));
    expect(next.state.version).toBe(8);
    expect((await store.read(key)).state.log.map((e) => e.id)).toEqual(['x']);
  });

  it('a stored blob that is not JSON is reported, never thrown at the caller', async () => {
    const store = await redisStore();
    const key = `k:${randomUUID()}`;
    const raw = clients[clients.length - 1] as Redis;
    await raw.hset(`{${prefix}}m:${key}`, 'v', '3', 's', '{not json');
    const before = decodeErrors.length;
    expect((await store.read(key)).state.version).toBe(3);
    expect(decodeErrors.length).toBe(before + 1);
  });
});
