/**
 * A flood of 20,000 VIP add/remove events through the socket of each of two instances sharing Redis: at the end,
 * every instance lists exactly the emulator's members, in fast and strict reads (real emulator, real Redis).
 */
import type { Client } from '@twitchify/core';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Instances, toggleVip } from './instances.js';
import { until } from './support.js';

const instances = new Instances('member-flood');
let mock: MockServer;

beforeEach(async () => {
  // Helix lags for longer than the test: the list can only be right through the events
  mock = await startMock({
    port: 0,
    seed: 41,
    users: 101,
    lag: { '*': { minMs: 60_000, maxMs: 60_000 } },
    events: { delayMs: { min: 0, max: 5 } },
  });
});

afterEach(async () => {
  await instances.close();
  await mock.stop();
});

it('20,000 member events through one socket per instance: every instance ends with the emulator’s list', async () => {
  const b = mock.users[0]!.id;
  const token = mock.createUserToken({ userId: b }).accessToken;
  const readers: Client[] = [];
  let handled = 0;
  for (let i = 0; i < 2; i++) {
    const client = instances.client(mock, { logLevel: 'silent' });
    await client.run({ accessToken: token });
    client.on('channel.vip.add', () => handled++);
    client.on('channel.vip.remove', () => handled++);
    await client.channels.getVips(b);
    readers.push(client);
  }
  await until(() =>
    readers.every((c) => c.cacheReport().feeds.active.some((f) => f.startsWith('channel.vip.remove@1?'))),
  );

  const pool = mock.users.slice(1).map((u) => u.id);
  const truth = new Set<string>();
  const EVENTS = 20_000;
  for (let i = 0; i < EVENTS; i++) {
    toggleVip(mock, b, pool[(i * 7) % pool.length]!, truth);
    if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  // every instance's handlers had every event (each instance has its own socket)
  await until(() => handled >= EVENTS * readers.length);
  const same = (listed: readonly { userId: string }[]) =>
    listed.length === truth.size && listed.every((v) => truth.has(v.userId));
  for (const c of readers) {
    expect(same(await c.channels.getVips(b))).toBe(true);
    expect(same(await c.channels.getVips(b, { level: 'strict' }))).toBe(true);
  }
}, 120_000);
