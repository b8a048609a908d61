/**
 * A write's place among changes made elsewhere: Twitch commits it somewhere between sending and answering, and an
 * outside change timestamped in between may come before or after it. The Client holds such an event until the
 * write's own event tells the order (a write is placed by its own event: see docs/coherence-model.md), so neither the
 * write nor the event is lost.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { emulatorClient, until } from './support.js';

let mock: MockServer;
let client: Client;

beforeEach(async () => {
  // Helix lags for a while (reads cannot show the truth early), events arrive at once
  mock = await startMock({ port: 0, seed: 5, lag: { '*': { minMs: 1500, maxMs: 2000 } } });
  client = emulatorClient(mock);
});

afterEach(async () => {
  await client.close();
  await mock.stop();
});

/** Runs the client as the first user, reading its channel and handing its channel.update titles to `titles`. */
async function watchingOwnChannel(): Promise<{ b: { id: string }; titles: string[] }> {
  const b = mock.users[0]!;
  await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
  const titles: string[] = [];
  client.on('channel.update', (e) => titles.push(e.title));
  await client.channels.get(b.id);
  await until(() => client.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@2?')));
  return { b, titles };
}

it('an outside change committed while our write was on its way does not hide the write', async () => {
  const { b, titles } = await watchingOwnChannel();

  // Our PATCH is held at the emulator before it commits; meanwhile the streamer changes the title on twitch.tv.
  mock.faults.inject({ path: '/channels', method: 'PATCH', latencyMs: 400, times: 1 });
  const writing = client.channels.update(b.id, { title: 'ours' });
  await until(() => mock.faults.list().length === 0);
  mock.external.updateChannel(b.id, { title: 'theirs' });
  await writing;

  // The emulator committed 'theirs' first, then 'ours': ours is the truth, and what every read returns.
  const truth = mock.history(`channel:${b.id}`).at(-1)?.state as { title: string };
  expect(truth.title).toBe('ours');
  expect((await client.channels.get(b.id))?.title).toBe('ours');
  await until(() => titles.includes('ours') && titles.includes('theirs'));
  expect((await client.channels.get(b.id))?.title).toBe('ours');
  // Both events reached the app's handlers ('theirs' once the order was known, so after 'ours').
  expect([...titles].sort()).toEqual(['ours', 'theirs']);
});

it('an outside change committed after our write, before its answer, wins once the order is known', async () => {
  const { b, titles } = await watchingOwnChannel();

  // Our PATCH commits at once but its answer is held; meanwhile the streamer changes the title on twitch.tv.
  mock.faults.inject({ path: '/channels', method: 'PATCH', answerDelayMs: 400, times: 1 });
  const writing = client.channels.update(b.id, { title: 'ours' });
  await until(() => mock.history(`channel:${b.id}`).some((h) => (h.state as { title: string }).title === 'ours'));
  mock.external.updateChannel(b.id, { title: 'theirs' });
  await writing;

  const truth = mock.history(`channel:${b.id}`).at(-1)?.state as { title: string };
  expect(truth.title).toBe('theirs');
  // Once the app has received the event of the later change, every read shows it (and never 'ours' again).
  await until(() => titles.includes('theirs'));
  expect((await client.channels.get(b.id))?.title).toBe('theirs');
  await until(() => titles.includes('ours'));
  expect((await client.channels.get(b.id))?.title).toBe('theirs');
});
