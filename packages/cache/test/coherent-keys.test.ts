import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createCache } from '../src/index.js';
import { CoherentKeys } from '../src/model/keys.js';
import type { Op } from '../src/model/ops.js';
import { stateSchema } from '../src/model/state.js';
import { MemoryStateStore } from '../src/model/store.js';
import { record } from '../src/model/transitions.js';
import { silentLogger } from '../src/options.js';
import { CircuitBreaker } from '../src/redis/breaker.js';
import { InvalidationBus } from '../src/redis/bus.js';
import { RedisCaller } from '../src/redis/caller.js';
import { RedisStateStore } from '../src/redis/state-store.js';
import { cleanPrefix, deferred, REDIS_URL, testPrefix, until } from './helpers.js';

/**
 * Reads and changes through the coherence model, as processes use it: in memory, and as two processes sharing Redis
 * (each its own connections and bus), with views kept in process between commits.
 */

const prefix = testPrefix('coherent-keys');
const closers: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await cleanPrefix(prefix);
});

/** Positions finer than a millisecond, as Twitch's timestamps are. */
const positions = { now: () => performance.timeOrigin + performance.now() };
const LAG = 2_000;
const add = (id: string): Op => ({ op: 'add', idField: 'user_id', item: { user_id: id } });

async function ready(client: Redis): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
}

/** One process on Redis: its data connection, its state store, its bus on the store's channel. */
async function redisProcess(): Promise<CoherentKeys> {
  const client = new Redis(REDIS_URL, { enableOfflineQueue: false, commandTimeout: 2_000 });
  await ready(client);
  const origin = randomUUID().slice(0, 8);
  const breaker = new CircuitBreaker({ failures: 3, cooldownMs: 100, clock: Date, onChange: () => {} });
  const store = new RedisStateStore({
    client,
    caller: new RedisCaller(client, breaker, () => {}),
    base: `{${prefix}}`,
    origin,
    ttlMs: 60_000,
    decodeError: () => {},
  });
  const keys = new CoherentKeys({ store, shared: true, positions });
  const bus = new InvalidationBus({
    subscriber: client.duplicate({ enableOfflineQueue: true, autoResubscribe: false }),
    channel: store.channel,
    logger: silentLogger,
    onMessage: (m) => {
      if (m.kind === 's') keys.heard(m.name, m.version);
      else if (m.kind === 'f') keys.feedHeard(m.name, m.version);
    },
    onMalformed: () => {},
    onStatus: (status) => keys.busStatus(status === 'subscribed'),
    heartbeat: {
      channel: `{${prefix}}heartbeat:${origin}`,
      publish: (channel, message) => client.publish(channel, message),
      everyMs: 100,
      timeoutMs: 1_000,
    },
  });
  closers.push(async () => {
    await bus.close();
    client.disconnect();
  });
  await until(() => bus.status === 'subscribed', 'the bus');
  return keys;
}

function memoryProcesses(): [CoherentKeys, CoherentKeys] {
  const keys = new CoherentKeys({ store: new MemoryStateStore({ maxKeys: 1_000 }), shared: false, positions });
  return [keys, keys];
}

class Source {
  loads = 0;
  constructor(public value: unknown) {}
  load = async () => {
    this.loads++;
    return structuredClone(this.value);
  };
}

describe.each([
  ['memory', async () => memoryProcesses()],
  ['redis, two processes', async () => [await redisProcess(), await redisProcess()] as [CoherentKeys, CoherentKeys]],
])('coherent keys: %s', (_name, open) => {
  it('serves a kept view without asking anyone, until a change is committed', async () => {
    const [a] = await open();
    const key = `channel:${randomUUID()}`;
    const src = new Source({ title: 'one' });
    expect(await a.read(key, { load: src.load, ttlMs: 60_000 })).toEqual({ title: 'one' });
    expect(await a.read(key, { load: src.load, ttlMs: 60_000 })).toEqual({ title: 'one' });
    expect(src.loads).toBe(1);
    await a.record(key, { id: 'e1', pos: positions.now(), ops: [{ op: 'set', fields: { title: 'two' } }], lagMs: LAG });
    expect(await a.read(key, { load: src.load, ttlMs: 60_000 })).toEqual({ title: 'two' });
    expect(src.loads).toBe(1); // the change is laid over the base: no load
  });

  it('a write is read by every process once its commit is heard, while the source still lags', async () => {
    const [a, b] = await open();
    const key = `channel:${randomUUID()}`;
    const src = new Source({ title: 'old' });
    await b.read(key, { load: src.load, ttlMs: 60_000 });
    const from = positions.now();
    await a.beginWrite(key, {
      id: 'w',
      from,
      ops: [{ op: 'set', fields: { title: 'new' } }],
      lagMs: LAG,
      openMs: 15_000,
    });
    await a.answerWrite(key, { id: 'w', to: positions.now(), lagMs: LAG, holdMs: 3_000 });
    expect(await a.read(key, { load: src.load, ttlMs: 60_000 })).toEqual({ title: 'new' });
    await until(async () => {
      const v = (await b.read(key, { load: src.load, ttlMs: 60_000 })) as { title: string };
      return v.title === 'new';
    }, 'the other process to serve the write');
    expect(src.loads).toBe(1);
  });

  it('two processes adding different members to one list at once: both members are in the list', async () => {
    const [a, b] = await open();
    const key = `vips:${randomUUID()}`;
    const src = new Source([{ user_id: '0' }]);
    await a.read(key, { load: src.load, ttlMs: 60_000 });
    await b.read(key, { load: src.load, ttlMs: 60_000 });
    const pos = positions.now();
    await Promise.all([
      a.record(key, { id: 'add-1', pos, ops: [add('1')], lagMs: LAG }),
      b.record(key, { id: 'add-2', pos, ops: [add('2')], lagMs: LAG }),
    ]);
    for (const p of [a, b]) {
      await until(async () => {
        const list = (await p.read(key, { load: src.load, ttlMs: 60_000 })) as Array<{ user_id: string }>;
        return list.length === 3;
      }, 'both members in every process');
    }
    const list = (await a.read(key, { load: src.load, ttlMs: 60_000 })) as Array<{ user_id: string }>;
    expect(list.map((m) => m.user_id).sort()).toEqual(['0', '1', '2']);
  });

  it('no stale fill: an answer loaded before a reload was recorded is not stored, and the read asks again', async () => {
    const [a, b] = await open();
    const key = `stream:${randomUUID()}`;
    const src = new Source({ live: false });
    const gate = deferred<void>();
    let first = true;
    const reading = a.read(key, {
      ttlMs: 60_000,
      load: async () => {
        const answer = await src.load();
        if (first) {
          first = false;
          await gate.promise;
        }
        return answer;
      },
    });
    await until(() => src.loads === 1, 'the first load to start');
    src.value = { live: true };
    await b.record(key, { id: 'online', pos: positions.now(), ops: [{ op: 'reload' }], lagMs: LAG });
    gate.resolve();
    expect(await reading).toEqual({ live: true });
    expect(src.loads).toBe(2);
  });

  it('hands out frozen values', async () => {
    const [a] = await open();
    const key = `user:${randomUUID()}`;
    const value = (await a.read(key, { load: async () => ({ login: 'x', tags: ['a'] }), ttlMs: 60_000 })) as {
      tags: string[];
    };
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.tags)).toBe(true);
  });
});

describe('coherent keys on Redis: feeds', () => {
  it('an answer is kept only while its feed is covered, and a gap ends it in every process', async () => {
    const a = await redisProcess();
    const b = await redisProcess();
    // coverage as the cache keeps it: its feed hashes and `f` messages on the same prefix and bus
    const coverage = createCache({ redis: { url: REDIS_URL, prefix } });
    closers.push(() => coverage.close());
    expect(await coverage.ready()).toBe(true);
    const key = `channel:${randomUUID()}`;
    const feed = `channel.update:${key}`;
    const src = new Source({ title: 'x' });
    const read = (p: CoherentKeys) => p.read(key, { load: src.load, ttlMs: 60_000, feeds: [feed] });

    expect(await read(a)).toEqual({ title: 'x' });
    expect(await read(a)).toEqual({ title: 'x' });
    expect(src.loads).toBe(2); // not covered: nothing kept

    await coverage.coverage.started(feed);
    await read(a);
    await read(a);
    await read(b);
    expect(src.loads).toBe(3); // covered: kept, and shared through the store

    await coverage.coverage.gap(feed, { from: Date.now() });
    src.value = { title: 'changed while nobody listened' };
    await until(async () => (await read(b)) !== undefined && src.loads > 3, 'the gap to reach the other process');
    expect(await read(b)).toEqual({ title: 'changed while nobody listened' });
    expect(await read(a)).toEqual({ title: 'changed while nobody listened' });
  });
});

describe('coherent keys on Redis: a flushed Redis', () => {
  it('versions start again from 1 after a flush: a process holding a newer-numbered view still reads the change', async () => {
    const a = await redisProcess();
    const b = await redisProcess();
    const key = `channel:${randomUUID()}`;
    const src = new Source({ title: 'before' });
    await b.read(key, { load: src.load, ttlMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      await a.record(key, { id: `e${i}`, pos: positions.now(), ops: [{ op: 'set', fields: { n: i } }], lagMs: LAG });
    }
    await until(async () => ((await b.read(key, { load: src.load, ttlMs: 60_000 })) as { n?: number }).n === 2, 'b');
    await cleanPrefix(prefix); // what FLUSHDB does to this prefix
    src.value = { title: 'after' };
    await a.record(key, {
      id: 'after-flush',
      pos: positions.now(),
      ops: [{ op: 'set', fields: { n: 9 } }],
      lagMs: LAG,
    });
    await until(async () => {
      const v = (await b.read(key, { load: src.load, ttlMs: 60_000 })) as { title: string };
      return v.title === 'after';
    }, 'the process that held a view from before the flush to read again');
  });
});

describe('coherent keys on Redis: trust follows the bus', () => {
  it('while the bus is down no view is served from the process alone: a commit it cannot hear is still read', async () => {
    const a = await redisProcess();
    const key = `channel:${randomUUID()}`;
    const src = new Source({ title: 'x' });
    await a.read(key, { load: src.load, ttlMs: 60_000 });
    /** A commit nobody announces: what a process misses while its bus is away. */
    const unannounced = async (title: string) => {
      const raw = new Redis(REDIS_URL);
      closers.push(() => raw.disconnect());
      const [v, blob] = await raw.hmget(`{${prefix}}m:${key}`, 'v', 's');
      const state = stateSchema.parse(JSON.parse(blob ?? ''));
      const next = record(state, {
        id: title,
        pos: positions.now(),
        ops: [{ op: 'set', fields: { title } }],
        lagMs: LAG,
      });
      const version = Number(v) + 1;
      await raw.hset(`{${prefix}}m:${key}`, 'v', String(version), 's', JSON.stringify({ ...next.state, version }));
    };
    await unannounced('y');
    expect(await a.read(key, { load: src.load, ttlMs: 60_000 })).toEqual({ title: 'x' }); // trusted: kept view
    a.busStatus(false);
    expect(await a.read(key, { load: src.load, ttlMs: 60_000 })).toEqual({ title: 'y' });
    await unannounced('z');
    expect(await a.read(key, { load: src.load, ttlMs: 60_000 })).toEqual({ title: 'z' });
    expect(src.loads).toBe(1);
  });
});
