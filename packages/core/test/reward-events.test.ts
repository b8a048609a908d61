/**
 * Reward events carry the whole reward: the Client lays it over the cached list, so once `update` is received no read
 * shows the reward as it was, even while Helix still answers the old one (invalidating would refetch that answer).
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { emulatorClient, until } from './support.js';

let mock: MockServer;
let client: Client;

beforeEach(async () => {
  // Helix lags for a while (reads cannot show the truth early), events arrive at once
  mock = await startMock({ port: 0, seed: 11, lag: { '*': { minMs: 2500, maxMs: 3000 } } });
  client = emulatorClient(mock, { logLevel: 'silent' });
});

afterEach(async () => {
  await client.close();
  await mock.stop();
});

it('a reward changed and another created on twitch.tv: every read after the events shows both', async () => {
  const b = mock.users[0]!;
  const created = mock.external.createReward(b.id, { title: 'Hydrate', cost: 100 });
  const rewardId = (created.state as Array<{ id: string }>)[0]!.id;
  await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
  const seen: string[] = [];
  client.on('channel.channel_points_custom_reward.update', (e) => seen.push(`update:${e.title}`));
  client.on('channel.channel_points_custom_reward.add', (e) => seen.push(`add:${e.title}`));
  await until(async () => (await client.channelPoints.getCustomRewards(b.id)).some((r) => r.id === rewardId));
  await until(() =>
    client.cacheReport().feeds.active.some((f) => f.startsWith('channel.channel_points_custom_reward.add@1?')),
  );

  mock.external.updateReward(b.id, rewardId, { title: 'Stretch', cost: 250 });
  mock.external.createReward(b.id, { title: 'Dance', cost: 500 });
  await until(() => seen.includes('update:Stretch') && seen.includes('add:Dance'));
  const rewards = await client.channelPoints.getCustomRewards(b.id);
  expect(rewards.find((r) => r.id === rewardId)).toMatchObject({ title: 'Stretch', cost: 250 });
  expect(rewards.map((r) => r.title).sort()).toEqual(['Dance', 'Stretch']);
});
