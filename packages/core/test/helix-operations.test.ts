import { inspect } from 'node:util';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helixOperations } from '../src/helix.js';
import { AppTokenProvider, HelixClient } from '../src/index.js';
import { broadcasterClient } from './support.js';

let mock: MockServer;
let helix: HelixClient;
let app: HelixClient;
let appAuth: AppTokenProvider;
let b: string;
let token: string;

beforeAll(async () => {
  mock = await startMock({ port: 0, seed: 8, lag: false });
  ({ helix, token, userId: b } = broadcasterClient(mock));
  appAuth = new AppTokenProvider({
    clientId: mock.clientId,
    clientSecret: mock.clientSecret,
    oauthBaseUrl: mock.urls.oauth,
  });
  app = new HelixClient({ auth: appAuth, helixBaseUrl: mock.urls.helix, oauthBaseUrl: mock.urls.oauth });
});
afterAll(async () => {
  await helix?.close();
  await app?.close();
  await appAuth?.close();
  await mock?.stop();
});

describe('generated operations', () => {
  it('covers all 144 operations of the spec, each reachable from a group method', () => {
    const operations = Object.values(helixOperations).filter((v) => typeof v === 'object');
    expect(helixOperations.operationCount).toBe(144);
    expect(operations).toHaveLength(144);
    expect(new Set(operations.map((o) => o.id)).size).toBe(144);
    const groups = Object.values(helix).filter((g) => g && typeof g === 'object' && 'runner' in g);
    const methods = groups.flatMap((g) =>
      Object.getOwnPropertyNames(Object.getPrototypeOf(g)).filter(
        (m) => m !== 'constructor' && !m.endsWith('Paginated'),
      ),
    );
    expect(methods).toHaveLength(144);
  });

  it('parses what the emulator answers for a broad set of reads (schemas match, camelCase out)', async () => {
    const reads: Array<[string, () => Promise<unknown>]> = [
      ['users', () => helix.users.getUsers({ id: b })],
      ['channels', () => helix.channels.getChannelInformation({ broadcasterId: b })],
      ['streams', () => helix.streams.getStreams({ userId: b })],
      ['followers', () => helix.channels.getChannelFollowers({ broadcasterId: b })],
      ['followed', () => helix.channels.getFollowedChannels({ userId: b })],
      ['moderators', () => helix.moderation.getModerators({ broadcasterId: b })],
      ['banned', () => helix.moderation.getBannedUsers({ broadcasterId: b })],
      ['vips', () => helix.moderation.getVips({ broadcasterId: b })],
      ['rewards', () => helix.channelPoints.getCustomReward({ broadcasterId: b })],
      ['polls', () => helix.polls.getPolls({ broadcasterId: b })],
      ['predictions', () => helix.predictions.getPredictions({ broadcasterId: b })],
      ['chat settings', () => helix.chat.getChatSettings({ broadcasterId: b })],
      ['goals', () => helix.goals.getCreatorGoals({ broadcasterId: b })],
      ['subscriptions', () => helix.subscriptions.getBroadcasterSubscriptions({ broadcasterId: b })],
      ['eventsub', () => helix.eventSub.getEventSubSubscriptions()],
      ['conduits', () => app.conduits.getConduits()],
    ];
    const failures: string[] = [];
    for (const [name, read] of reads) {
      try {
        const answer = (await read()) as { data: unknown };
        expect(answer).toHaveProperty('data');
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('writes through generated bodies (camelCase in, snake_case on the wire)', async () => {
    await helix.channels.modifyChannelInformation({ broadcasterId: b }, { title: 'generated write', delay: 0 });
    const channel = await helix.channels.getChannelInformation({ broadcasterId: b });
    expect(channel.data[0]!.title).toBe('generated write');
    const settings = await helix.chat.updateChatSettings(
      { broadcasterId: b, moderatorId: b },
      { slowMode: true, slowModeWaitTime: 30 },
    );
    expect(settings.data[0]!.slowMode).toBe(true);
    expect(settings.data[0]!.slowModeWaitTime).toBe(30);
  });

  it('keeps tokens out of inspected clients', () => {
    expect(inspect(helix, { depth: 10 })).not.toContain(token);
  });
});
