/**
 * Two changes made on twitch.tv within one millisecond, whose events arrive in the opposite order: the Client orders
 * them by their message timestamps to the microsecond, so the older one, arriving last, does not hide the newer.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { emulatorClient, until } from './support.js';

let mock: MockServer;
let client: Client;

afterEach(async () => {
  await client?.close();
  await mock?.stop();
});

it('the older of two changes within one millisecond, arriving last, is ignored', async () => {
  // The emulator's clock is the wall clock, except while the test pins it inside one millisecond.
  let pinned: number | undefined;
  mock = await startMock({ port: 0, seed: 4, lag: 0, clock: { now: () => pinned ?? Date.now() } });
  client = emulatorClient(mock);
  const b = mock.users[0]!;
  await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
  const titles: string[] = [];
  client.on('channel.update', (e) => titles.push(e.title));
  await client.channels.get(b.id);
  await until(() => client.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@2?')));

  const ms = Math.floor(Date.now());
  mock.setEventDelivery({ delayMs: { min: 300, max: 300 } });
  pinned = ms + 0.25;
  mock.external.updateChannel(b.id, { title: 'older' });
  mock.setEventDelivery({ delayMs: { min: 0, max: 0 } });
  pinned = ms + 0.75;
  mock.external.updateChannel(b.id, { title: 'newer' });
  pinned = undefined;

  await until(() => titles.length === 2);
  expect(titles).toEqual(['newer', 'older']);
  expect(mock.truth(`channel:${b.id}`)?.state).toMatchObject({ title: 'newer' });
  expect((await client.channels.get(b.id))?.title).toBe('newer');
});
