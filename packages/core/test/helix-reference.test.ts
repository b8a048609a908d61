/**
 * Where Twitch's reference field tables and the OpenAPI description disagree, the reference wins
 * (spec/helix-reference.json): answers shaped as Twitch documents them decode.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { broadcasterClient } from './support.js';

let mock: MockServer;
beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 3, lag: false });
});
afterEach(async () => {
  await mock.stop();
});

it('a custom reward without uploaded images (image: null) decodes, with its default images', async () => {
  const { helix, userId } = broadcasterClient(mock);
  mock.external.createReward(userId, { title: 'Hydrate', cost: 100 });
  const answer = await helix.channelPoints.getCustomReward({ broadcasterId: userId });
  const reward = answer.data.find((r) => r.title === 'Hydrate');
  expect(reward?.image).toBeNull();
  expect(reward?.defaultImage.url1x).toMatch(/^https:\/\//);
});
