/**
 * Lists (VIPs, moderators, bans) change one member at a time, and such changes commute: an event for one member
 * that arrives after the app's own write of another member is still applied, and a removal made on twitch.tv is not
 * undone by a later write of another member built on the cached list. Real emulator, events delivered 300 ms late.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { emulatorClient, until } from './support.js';

let mock: MockServer;
let client: Client;
const received: string[] = [];

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 1, users: 20 });
  received.length = 0;
  client = emulatorClient(mock, {
    instrument: {
      onEvent: (key, event) => {
        if (key.startsWith('channel.vip'))
          received.push(`${key.slice(12, key.indexOf('@'))} ${(event as { userId: string }).userId}`);
      },
    },
  });
});

afterEach(async () => {
  await client.close();
  await mock.stop();
});

it('a late event of one member and a write of another both stay in the list', async () => {
  const b = mock.users[0]!.id;
  const u = (i: number) => mock.users[i]!.id;
  const truth = () => (mock.truth(`vips:${b}`)!.state as { user_id: string }[]).map((x) => x.user_id).sort();
  const cached = async () => (await client.channels.getVips(b)).map((x) => x.userId).sort();
  await client.run({ accessToken: mock.createUserToken({ userId: b }).accessToken });
  await cached();
  await until(() => client.cacheReport().feeds.active.filter((f) => f.startsWith('channel.vip.')).length === 2);
  mock.setEventDelivery({ delayMs: { min: 300, max: 300 }, dropRate: 0, duplicateRate: 0, reorderRate: 0 });

  // Added on twitch.tv (its event is on its way), then the app adds another VIP: the event, older than the write,
  // arrives after it.
  mock.external.addVip(b, u(5));
  await client.channels.addVip(b, u(6));
  await until(() => received.includes(`add ${u(5)}`));
  expect(await cached()).toEqual(truth());
  expect(await cached()).toEqual([u(5), u(6)].sort());

  // The app adds a VIP; twitch.tv removes it; the app adds another one before the removal's event arrives.
  await client.channels.addVip(b, u(9));
  await until(() => received.includes(`add ${u(9)}`));
  mock.external.removeVip(b, u(9));
  await client.channels.addVip(b, u(7));
  await until(() => received.includes(`remove ${u(9)}`));
  expect(await cached()).toEqual(truth());
  expect(await cached()).not.toContain(u(9));

  // Once every event is in, the list is the truth.
  await until(() => received.includes(`add ${u(7)}`));
  expect(await cached()).toEqual([u(5), u(6), u(7)].sort());
});
