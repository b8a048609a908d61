/**
 * Three instances on one conduit share one broadcaster's VIP list while members are added and removed on twitch.tv:
 * each event reaches one instance, the list's state in Redis carries it to the others. Every instance lists exactly
 * the emulator's members once the events arrived, whoever received them (real emulator, real Redis).
 */
import type { Client } from '@twitchify/core';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Instances, toggleVip } from './instances.js';
import { until } from './support.js';

const instances = new Instances('conduit-list');
let mock: MockServer;

beforeEach(async () => {
  // Helix lags for longer than the test: only the events can show a change
  mock = await startMock({
    port: 0,
    seed: 23,
    users: 30,
    lag: { '*': { minMs: 30_000, maxMs: 30_000 } },
    events: { delayMs: { min: 5, max: 60 } },
  });
});

afterEach(async () => {
  await instances.close();
  await mock.stop();
});

/** A shard of the app's conduit, reading `b`'s VIPs. */
async function shard(token: string, b: string): Promise<Client> {
  const client = instances.client(mock, { clientSecret: mock.clientSecret, eventsub: { conduit: {} } });
  await client.run({ accessToken: token });
  await client.channels.getVips(b);
  return client;
}

it('instances on one conduit sharing one VIP list while members change on twitch.tv: every member right everywhere', async () => {
  const b = mock.users[0]!.id;
  const token = mock.createUserToken({ userId: b }).accessToken;
  const shards = [await shard(token, b), await shard(token, b), await shard(token, b)];
  const covered = (c: Client) => c.cacheReport().feeds.active.some((f) => f.startsWith('channel.vip.add@1?'));
  await until(() => shards.every(covered));

  const pool = mock.users.slice(1).map((u) => u.id);
  const truth = new Set<string>();
  const listed = async (c: Client, level: 'fast' | 'strict') =>
    new Set((await c.channels.getVips(b, { level })).map((v) => v.userId));
  for (let i = 0; i < 60; i++) {
    toggleVip(mock, b, pool[(i * 7) % pool.length]!, truth);
    // reads go on in every instance while the events are on their way
    if (i % 5 === 4) await Promise.all(shards.map((c) => c.channels.getVips(b)));
  }
  const same = (s: Set<string>) => s.size === truth.size && [...truth].every((u) => s.has(u));
  for (const c of shards) {
    await until(async () => same(await listed(c, 'strict')));
    await until(async () => same(await listed(c, 'fast')));
  }
  // and it stays so: nothing written back by one instance undoes another's events
  for (const c of shards) {
    expect(same(await listed(c, 'fast'))).toBe(true);
    expect(same(await listed(c, 'strict'))).toBe(true);
  }
});
