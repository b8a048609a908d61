/**
 * A write of one instance and a change made on twitch.tv while it was on its way, seen by two instances sharing
 * Redis (real Redis, real emulator). Twitch commits the write somewhere between sending and answering and does not
 * say when; the other instance cannot know a write is in flight unless the cache tells it. The write opens a window
 * in Redis before it is sent: every instance holds an event timestamped inside it until the write's own event
 * settles the order, so the outside change neither hides the write nor is lost.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Instances, watchingChannel } from './instances.js';
import { until } from './support.js';

const instances = new Instances('write-window');
let mock: MockServer;

beforeEach(async () => {
  // Helix lags (reads cannot show the truth early); every event takes 600 ms to arrive
  mock = await startMock({
    port: 0,
    seed: 21,
    lag: { '*': { minMs: 3000, maxMs: 3000 } },
    events: { delayMs: { min: 600, max: 600 } },
  });
});

afterEach(async () => {
  await instances.close();
  await mock.stop();
});

/** An instance run as user `i`, reading the first user's channel and keeping its titles. */
async function instance(i: number) {
  const client = instances.client(mock);
  const token = mock.createUserToken({ userId: mock.users[i]!.id }).accessToken;
  return { client, titles: await watchingChannel(client, token, mock.users[0]!.id) };
}

const truthTitle = (id: string) =>
  (mock.history(`channel:${id}`).at(-1)?.state as { title?: string } | undefined)?.title;

it('an outside change committed before another instance’s write, arriving before its answer, hides it nowhere', async () => {
  const b = mock.users[0]!;
  const writer = await instance(0);
  const other = await instance(1);

  // The PATCH is held 1.5 s before it commits; meanwhile the streamer changes the title on twitch.tv. Its event
  // reaches both instances 600 ms later, while the write is still on its way.
  mock.faults.inject({ path: '/channels', method: 'PATCH', latencyMs: 1500, times: 1 });
  const writing = writer.client.channels.update(b.id, { title: 'ours' });
  await until(() => mock.faults.list().length === 0);
  mock.external.updateChannel(b.id, { title: 'theirs' });
  await writing;

  expect(truthTitle(b.id)).toBe('ours');
  // The write's own event (600 ms after its commit) has not arrived: 'theirs' is still held in both instances,
  // and neither reads it over the write.
  expect(other.titles).toEqual([]);
  expect((await writer.client.channels.get(b.id))?.title).toBe('ours');
  expect((await other.client.channels.get(b.id, { level: 'strict' }))?.title).toBe('ours');

  // Once the write's own event settled the order, 'theirs' is received (as older) and the write stands.
  await until(() => other.titles.length === 2 && writer.titles.length === 2);
  expect([...other.titles].sort()).toEqual(['ours', 'theirs']);
  expect((await writer.client.channels.get(b.id))?.title).toBe('ours');
  expect((await other.client.channels.get(b.id))?.title).toBe('ours');
});

it('an outside change committed after another instance’s write, before its answer, wins everywhere', async () => {
  const b = mock.users[0]!;
  const writer = await instance(0);
  const other = await instance(1);

  // The PATCH commits at once and is answered 1.5 s later; the streamer's change comes right after the commit. Both
  // events arrive before the answer: neither can be ordered against the write until it is answered.
  mock.faults.inject({ path: '/channels', method: 'PATCH', answerDelayMs: 1500, times: 1 });
  const writing = writer.client.channels.update(b.id, { title: 'ours' });
  await until(() => truthTitle(b.id) === 'ours');
  mock.external.updateChannel(b.id, { title: 'theirs' });
  await writing;

  expect(truthTitle(b.id)).toBe('theirs');
  for (const { client, titles } of [other, writer]) {
    // once an instance has received the later change, every read it makes shows it
    await until(() => titles.includes('theirs'));
    expect((await client.channels.get(b.id))?.title).toBe('theirs');
  }
  await until(() => other.titles.length === 2 && writer.titles.length === 2);
  expect((await writer.client.channels.get(b.id))?.title).toBe('theirs');
  expect((await other.client.channels.get(b.id, { level: 'strict' }))?.title).toBe('theirs');
});
