/**
 * A machine whose clock is off by seconds: a write is ordered against events by Twitch's clock, not by the local one.
 * Events carry Twitch's timestamps; a write's place is taken from the local clock corrected by what those timestamps
 * (and Helix's `Date` headers) tell of the offset.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { emulatorClient, until } from './support.js';

let mock: MockServer;
let client: Client | undefined;

beforeEach(async () => {
  // Helix lags (reads cannot show the truth early), events arrive at once
  mock = await startMock({ port: 0, seed: 7, lag: { '*': { minMs: 1500, maxMs: 2000 } } });
});

afterEach(async () => {
  await client?.close();
  await mock.stop();
});

async function watchingOwnChannel(skewMs: number): Promise<{ b: { id: string }; c: Client; titles: string[] }> {
  const c = emulatorClient(mock, { clock: { now: () => Date.now() + skewMs } });
  client = c;
  const b = mock.users[0]!;
  await c.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
  const titles: string[] = [];
  c.on('channel.update', (e) => titles.push(e.title));
  await c.channels.get(b.id);
  await until(() => c.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@2?')));
  // one outside change first, so that the Client has seen Twitch's clock in an event
  mock.external.updateChannel(b.id, { title: 'warm-up' });
  await until(() => titles.includes('warm-up'));
  return { b, c, titles };
}

for (const skewMs of [2_000, -2_000]) {
  it(`with the local clock ${skewMs > 0 ? 'ahead' : 'behind'} by 2 s, an outside change after our write wins`, async () => {
    const { b, c, titles } = await watchingOwnChannel(skewMs);
    await c.channels.update(b.id, { title: 'ours' });
    await until(() => titles.includes('ours'));
    mock.external.updateChannel(b.id, { title: 'theirs' });
    await until(() => titles.includes('theirs'));
    const truth = mock.history(`channel:${b.id}`).at(-1)?.state as { title: string };
    expect(truth.title).toBe('theirs');
    expect((await c.channels.get(b.id))?.title).toBe('theirs');
  });

  it(`with the local clock ${skewMs > 0 ? 'ahead' : 'behind'} by 2 s, our write after an outside change wins`, async () => {
    const { b, c, titles } = await watchingOwnChannel(skewMs);
    mock.external.updateChannel(b.id, { title: 'theirs' });
    await c.channels.update(b.id, { title: 'ours' });
    const truth = mock.history(`channel:${b.id}`).at(-1)?.state as { title: string };
    expect(truth.title).toBe('ours');
    await until(() => titles.includes('theirs') && titles.includes('ours'));
    expect((await c.channels.get(b.id))?.title).toBe('ours');
  });
}
