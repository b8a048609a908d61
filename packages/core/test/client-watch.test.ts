/**
 * Twurple habits: watching another channel at run time, and a handle per handler that stops it (its subscription
 * ends with the last handler of its type).
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { emulatorClient, until } from './support.js';

let mock: MockServer;
let client: Client;

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 12 });
  client = emulatorClient(mock, { logLevel: 'silent' });
});

afterEach(async () => {
  await client.close();
  await mock.stop();
});

const subscribed = (type: string, b: string) =>
  (mock.eventsub.subscriptions() as { type: string; status: string; condition: Record<string, string> }[]).some(
    (s) => s.type === type && s.status === 'enabled' && s.condition.broadcaster_user_id === b,
  );

it('watch() subscribes the handlers to another channel at run time; unwatch() ends it', async () => {
  const [me, other] = [mock.users[0]!, mock.users[1]!];
  const titles: string[] = [];
  client.on('channel.update', (e) => titles.push(`${e.broadcasterUserId}:${e.title}`));
  await client.run({ accessToken: mock.createUserToken({ userId: me.id }).accessToken });
  expect(client.watching).toEqual([me.id]);
  client.watch(other.id);
  expect(client.watching).toEqual([me.id, other.id]);
  await until(() => subscribed('channel.update', other.id));
  mock.external.updateChannel(other.id, { title: 'elsewhere' });
  await until(() => titles.includes(`${other.id}:elsewhere`));
  client.unwatch(other.id);
  await until(() => !subscribed('channel.update', other.id));
  expect(subscribed('channel.update', me.id)).toBe(true);
});

it('the handle client.on returns stops that handler; the last one ends the subscription', async () => {
  const me = mock.users[0]!;
  const handle = client.on('channel.update', () => {});
  await client.run({ accessToken: mock.createUserToken({ userId: me.id }).accessToken });
  await until(() => subscribed('channel.update', me.id));
  handle.stop();
  await until(() => !subscribed('channel.update', me.id));
});
