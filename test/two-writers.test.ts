/**
 * Two instances sharing Redis write one channel's title within a millisecond of each other (real Redis, real
 * emulator), in both commit orders. Twitch's order is the commit order, which neither instance can know from its
 * answer: each write is placed by its own event, so once both events arrived every instance reads the title Twitch
 * committed last, and no read of a writer ever returns the state before its own write.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Instances, watchingChannel } from './instances.js';
import { until } from './support.js';

const instances = new Instances('two-writers');
let mock: MockServer;

beforeEach(async () => {
  // Helix lags for longer than the test: only writes and events can show a new title
  mock = await startMock({
    port: 0,
    seed: 31,
    lag: { '*': { minMs: 20_000, maxMs: 20_000 } },
    events: { delayMs: { min: 50, max: 50 } },
  });
});

afterEach(async () => {
  await instances.close();
  await mock.stop();
});

/** An instance acting as the broadcaster, reading its channel and keeping its event titles. */
async function instance() {
  const client = instances.client(mock);
  const b = mock.users[0]!.id;
  return { client, titles: await watchingChannel(client, mock.createUserToken({ userId: b }).accessToken, b) };
}

const truthTitle = (id: string) =>
  (mock.history(`channel:${id}`).at(-1)?.state as { title?: string } | undefined)?.title;

for (const order of ['sent order', 'reverse order'] as const) {
  it(`two writes of one title sent a millisecond apart, committed in ${order}: every instance ends on Twitch's last`, async () => {
    const b = mock.users[0]!;
    const first = await instance();
    const second = await instance();
    // the first PATCH sent: committed at once but answered late (sent order), or held before committing (reverse)
    mock.faults.inject({
      path: '/channels',
      method: 'PATCH',
      ...(order === 'sent order' ? { answerDelayMs: 300 } : { latencyMs: 300 }),
      times: 1,
    });
    const writing = first.client.channels.update(b.id, { title: 'first' });
    // the second is sent as soon as the first reached Twitch (polled every millisecond)
    await until(() => mock.faults.list().length === 0, 1);
    const [a, z] = await Promise.allSettled([writing, second.client.channels.update(b.id, { title: 'second' })]);
    expect(a.status).toBe('fulfilled');
    expect(z.status).toBe('fulfilled');
    const last = truthTitle(b.id);
    expect(last).toBe(order === 'sent order' ? 'second' : 'first');
    // a writer reads its own write or the one Twitch committed after it, never what was there before
    for (const [w, own] of [
      [first, 'first'],
      [second, 'second'],
    ] as const) {
      expect([own, last]).toContain((await w.client.channels.get(b.id))?.title);
    }
    await until(() => [first, second].every((w) => w.titles.includes('first') && w.titles.includes('second')));
    for (const w of [first, second]) {
      expect((await w.client.channels.get(b.id))?.title).toBe(last);
      expect((await w.client.channels.get(b.id, { level: 'strict' }))?.title).toBe(last);
    }
  });
}

it('three instances writing one title at the same moment, round after round: each reads its own write or a later one', async () => {
  const b = mock.users[0]!.id;
  // events take 20 to 250 ms, so every write's own event arrives after the others were answered
  mock.setEventDelivery({ delayMs: { min: 20, max: 250 }, dropRate: 0, duplicateRate: 0, reorderRate: 0 });
  const writers = [await instance(), await instance(), await instance()];
  const order = () => mock.history(`channel:${b}`).map((h) => (h.state as { title: string }).title);
  const behind: string[] = [];
  for (let round = 0; round < 10; round++) {
    await Promise.all(
      writers.map(async ({ client }, i) => {
        const title = `round ${round} by ${i}`;
        await client.channels.update(b, { title });
        const read = (await client.channels.get(b))?.title ?? '';
        const history = order();
        if (history.lastIndexOf(read) < history.lastIndexOf(title)) behind.push(`${title}: read ${read}`);
      }),
    );
  }
  expect(behind).toEqual([]);
  const last = order().at(-1);
  await until(async () => {
    const reads = await Promise.all(writers.map(({ client }) => client.channels.get(b, { level: 'strict' })));
    return reads.every((r) => r?.title === last);
  });
}, 60_000);
