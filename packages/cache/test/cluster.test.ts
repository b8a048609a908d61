/**
 * The Redis tier on a real Redis Cluster (three masters, started here): two caches sharing the cluster, as two
 * processes would, through a given ioredis `Cluster` client. Every script runs in the one slot of the cache's hash tag
 * `{prefix}`, which is chosen here to live on a node other than the seed node, so that slot routing is exercised.
 */
import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Cache, createCache } from '../src/index.js';
import { haveRedisServer, type LocalCluster, startCluster } from './fixtures/redis-cluster.js';
import { deferred, Source, testPrefix, until } from './helpers.js';

type V = { v: number };

describe.skipIf(!haveRedisServer)('Redis Cluster (needs redis-server and redis-cli on PATH; skipped without)', () => {
  let cluster: LocalCluster;
  let admin: Cluster;
  const clients: Cluster[] = [];
  const caches: Cache[] = [];

  beforeAll(async () => {
    cluster = await startCluster();
    admin = clusterClient();
    await until(() => admin.status === 'ready', 'the admin cluster client');
  });
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((c) => c.close()));
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    admin?.disconnect();
    await cluster?.stop();
  });

  function clusterClient(): Cluster {
    return new Cluster([{ host: '127.0.0.1', port: cluster.ports[0]! }], {
      enableOfflineQueue: false,
      redisOptions: { commandTimeout: 2000 },
    });
  }

  /** The port of the master that serves `slot`. */
  async function ownerOf(slot: number): Promise<number> {
    const slots = await cluster.nodes[0]!.cluster('SLOTS');
    const master = slots.find(([from, to]) => from <= slot && slot <= to)?.[2];
    if (master === undefined) throw new Error(`slot ${slot} is not served`);
    return master[1];
  }

  const slotOf = async (key: string) => Number(await cluster.nodes[0]!.cluster('KEYSLOT', key));

  /** A fresh prefix whose slot is served by a node other than the seed node. */
  async function remotePrefix(): Promise<string> {
    for (;;) {
      const prefix = testPrefix('cluster');
      if ((await ownerOf(await slotOf(`{${prefix}}`))) !== cluster.ports[0]) return prefix;
    }
  }

  /** Two caches ("processes") on their own Cluster clients, subscribed to the bus. */
  async function pair(prefix: string): Promise<[Cache, Cache]> {
    const open = async () => {
      const client = clusterClient();
      clients.push(client);
      const cache = createCache({ redis: { client, prefix } });
      caches.push(cache);
      await until(() => cache.stats().bus.connected && cache.stats().redis?.connected === true, 'Redis and the bus');
      return cache;
    };
    return [await open(), await open()];
  }

  it('a fill in one cache is a Redis hit in the other', async () => {
    const [a, b] = await pair(await remotePrefix());
    const src = new Source();
    src.set('k', 1);
    expect(await a.read('k', { load: src.loader('k') })).toEqual({ v: 1 });
    const other = new Source();
    expect(await b.read('k', { load: other.loader('k') })).toEqual({ v: 1 });
    expect(other.loads).toBe(0);
    expect(b.stats().redis).toMatchObject({ hits: 1, errors: 0 });
    expect(a.stats().redis).toMatchObject({ fills: 1, errors: 0 });
  });

  it('a write in one cache reaches the other: through the bus for fast reads, at once for strict reads', async () => {
    const [a, b] = await pair(await remotePrefix());
    const src = new Source();
    src.set('k', 1);
    src.set('s', 1);
    await b.read('k', { load: src.loader('k') });
    await b.read('s', { load: src.loader('s') });
    expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 1 }); // in-process hit
    expect(b.stats().memory.hits).toBe(1);

    src.set('k', 2);
    await a.write('k', { v: 2 }, { pinMs: 0 });
    await until(async () => (await b.read<V>('k', { load: src.loader('k') })).v === 2, 'the bus to drop b’s entry');
    expect(b.stats().bus.messages).toBeGreaterThan(0);

    src.set('s', 2);
    await a.write('s', { v: 2 }, { pinMs: 0 });
    expect(await b.read('s', { load: src.loader('s'), level: 'strict' })).toEqual({ v: 2 });
    expect(b.stats().redis?.errors).toBe(0);
  });

  it('apply is deduplicated and ordered across caches', async () => {
    const [a, b] = await pair(await remotePrefix());
    const src = new Source();
    expect(await a.apply({ id: 'e1', at: 10, key: 'k', value: { v: 10 } })).toBe('applied');
    expect(await b.apply({ id: 'e1', at: 10, key: 'k', value: { v: 10 } })).toBe('duplicate');
    expect(await b.apply({ id: 'e0', at: 9, key: 'k', value: { v: 9 } })).toBe('ignored');
    expect(await b.apply<V>({ id: 'e2', at: 11, key: 'k', patch: (o) => ({ v: o.v + 1 }) })).toBe('applied');
    expect(await a.read('k', { load: src.loader('k'), level: 'strict' })).toEqual({ v: 11 });
    expect(await a.apply({ id: 't1', at: 1, tag: 'g', invalidate: true })).toBe('applied');
    expect(await b.apply({ id: 't0', at: 0, tag: 'g', invalidate: true })).toBe('ignored');
    expect(src.loads).toBe(0);
  });

  it('a pinned write refuses the other cache’s lagging load', async () => {
    const prefix = await remotePrefix();
    const [a, b] = await pair(prefix);
    const src = new Source();
    src.set('k', 1); // the source lags: it still answers the old state
    await a.write('k', { v: 2 }, { pinMs: 60_000 });
    await admin.del(`{${prefix}}d:k`); // the written value is gone from the tier; the pin remains
    expect(await b.read('k', { load: src.loader('k') })).toEqual({ v: 2 });
    expect(src.loads).toBe(1);
    expect(b.stats().pins.refusals).toBe(1);
  });

  it('a write window holds another cache’s change until the write’s own change settles the order', async () => {
    const [a, b] = await pair(await remotePrefix());
    const event = (c: Cache, id: string, at: number, v: number) =>
      c.apply<V>({ id, at, key: 'k', value: { v }, settles: (written) => written.v === v });
    const read = (c: Cache) => c.read<V>('k', { level: 'strict', load: async () => ({ v: 0 }) });
    expect(await read(a)).toEqual({ v: 0 });
    const id = await a.openWindow('k', { from: 100 });
    expect(await event(b, 'theirs', 150, 1)).toBe('held');
    await a.write('k', { v: 2 }, { at: 100, window: { id, to: 200 } });
    expect(await event(b, 'theirs', 150, 1)).toBe('held');
    expect(await read(b)).toEqual({ v: 2 });
    expect(await event(b, 'ours', 180, 2)).toBe('applied');
    expect(b.stats().changes.settled).toBe(1);
    expect(await event(b, 'theirs', 150, 1)).toBe('ignored');
    expect(await read(a)).toEqual({ v: 2 });
    expect(await read(b)).toEqual({ v: 2 });
  });

  it('coverage lives in the cluster: a gap recorded by one cache makes the other load again', async () => {
    const [a, b] = await pair(await remotePrefix());
    const src = new Source();
    src.set('k', 1);
    await a.coverage.started('feed');
    await b.read('k', { load: src.loader('k'), feeds: ['feed'] });
    expect(await b.read('k', { load: src.loader('k'), feeds: ['feed'] })).toEqual({ v: 1 });
    expect(src.loads).toBe(1); // cached while covered
    src.set('k', 2);
    await a.coverage.gap('feed', { from: 1, to: 2 });
    expect(await b.read('k', { load: src.loader('k'), feeds: ['feed'], level: 'strict' })).toEqual({ v: 2 });
    expect(src.loads).toBe(2);
  });

  it('every key a cache creates lives in the one slot of its hash tag', async () => {
    const prefix = await remotePrefix();
    const [a, b] = await pair(prefix);
    const src = new Source();
    src.set('k', 1);
    src.set('j', 1);
    await a.coverage.started('feed');
    const gate = deferred<void>();
    const slow = a.read('k', { load: src.slowLoader('k', gate.promise), tags: ['g'], feeds: ['feed'] });
    await until(() => src.loads === 1, 'the load to start');
    const seen = await scanAll(prefix); // with the fill lease
    gate.resolve();
    await slow;
    seen.push(...(await scanAll(prefix))); // with the fill
    await b.read('j', { load: src.loader('j'), tags: ['g'] });
    await a.write('j', { v: 2 }, { pinMs: 60_000 });
    await b.apply({ id: 'e1', at: 1, key: 'x', value: { v: 1 } });
    await a.apply({ id: 't1', at: 1, tag: 'g', invalidate: true });
    const id = await a.openWindow('w', { from: 1 });
    await a.closeWindow('w', id);

    const byNode = await Promise.all(cluster.nodes.map((n) => scanNode(n, prefix)));
    const keys = [...new Set([...seen, ...byNode.flat()])];
    const slot = await slotOf(`{${prefix}}`);
    const owner = cluster.ports.indexOf(await ownerOf(slot));
    // every kind of key the scripts write, and all of them on the slot's owner alone
    for (const kind of [
      'seq',
      'l:k',
      'd:k',
      'v:j',
      'n:j',
      'd:j',
      'v:x',
      'd:x',
      'a:e1',
      'a:t1',
      't:g',
      'ta:g',
      'f:feed',
    ]) {
      expect(keys).toContain(`{${prefix}}${kind}`);
    }
    expect(byNode.map((ks, i) => (i === owner ? ks.length > 0 : ks.length === 0))).toEqual([true, true, true]);
    expect(new Set(await Promise.all(keys.map(slotOf)))).toEqual(new Set([slot]));
    expect(a.stats().redis?.errors).toBe(0);
    expect(b.stats().redis?.errors).toBe(0);
  });

  /** The keys of `prefix` on one node (SCAN on a cluster node sees only that node's keys). */
  async function scanNode(node: LocalCluster['nodes'][number], prefix: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    return found;
  }

  async function scanAll(prefix: string): Promise<string[]> {
    return (await Promise.all(cluster.nodes.map((n) => scanNode(n, prefix)))).flat();
  }
});
