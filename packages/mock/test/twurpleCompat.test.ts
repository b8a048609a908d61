import { type MockServer, startMock } from '@twitchify/mock';
import { ApiClient } from '@twurple/api';
import { StaticAuthProvider } from '@twurple/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Twurple picks its mock server from this variable (a test may set it; library code never reads it).
describe('Twurple in TWURPLE_MOCK_API_PORT mode works unchanged against /mock and /auth', () => {
  let mock: MockServer;
  let previous: string | undefined;
  beforeAll(async () => {
    mock = await startMock({ port: 0, seed: 16, lag: 0, host: '127.0.0.1' });
    previous = process.env.TWURPLE_MOCK_API_PORT;
    process.env.TWURPLE_MOCK_API_PORT = String(mock.port);
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.TWURPLE_MOCK_API_PORT;
    else process.env.TWURPLE_MOCK_API_PORT = previous;
    await mock.stop();
  });

  it('reads users, writes a channel, manages moderators and lists EventSub subscriptions', async () => {
    const b = mock.users[0]!;
    const { accessToken } = mock.createUserToken({ userId: b.id });
    const api = new ApiClient({ authProvider: new StaticAuthProvider(mock.clientId, accessToken) });
    const user = await api.users.getUserById(b.id);
    expect(user?.name).toBe(b.login);
    await api.channels.updateChannelInfo(b.id, { title: 'set by twurple' });
    expect((await api.channels.getChannelInfoById(b.id))?.title).toBe('set by twurple');
    await api.moderation.addModerator(b.id, mock.users[1]!.id);
    const mods = await api.moderation.getModerators(b.id);
    expect(mods.data.map((m) => m.userId)).toEqual([mock.users[1]!.id]);
    const subs = await api.eventSub.getSubscriptions();
    expect(subs.data).toEqual([]);
  });
});
