import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventSocket, helix, waitFor } from './helpers.js';

interface Frame {
  metadata: { message_id: string; message_type: string; subscription_type?: string };
  payload: { session?: { id: string }; event?: Record<string, unknown>; subscription?: { type: string } };
}

describe('external changes reach EventSub over the /ws socket', () => {
  let mock: MockServer;
  let ws: WebSocket;
  const frames: Frame[] = [];
  let token: string;
  beforeAll(async () => {
    mock = await startMock({ port: 0, seed: 10, lag: 0 });
    token = mock.createUserToken({ userId: mock.users[0]!.id }).accessToken;
    ws = new WebSocket(mock.urls.eventsubWs);
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    const welcome = await waitFor(() => frames.find((f) => f.metadata.message_type === 'session_welcome'));
    const sessionId = welcome.payload.session!.id;
    const b = mock.users[0]!.id;
    for (const [type, version, condition] of [
      ['channel.update', '2', { broadcaster_user_id: b }],
      ['channel.follow', '2', { broadcaster_user_id: b, moderator_user_id: b }],
      ['channel.moderator.add', '1', { broadcaster_user_id: b }],
      ['stream.online', '1', { broadcaster_user_id: b }],
      ['channel.ban', '1', { broadcaster_user_id: b }],
    ] as const) {
      const res = await helix(mock, token, 'POST', '/eventsub/subscriptions', {
        type,
        version,
        condition,
        transport: { method: 'websocket', session_id: sessionId },
      });
      expect(res.status).toBe(202);
    }
  });
  afterAll(async () => {
    ws.close();
    await mock.stop();
  });

  const notification = (type: string) =>
    waitFor(() =>
      frames.find((f) => f.metadata.message_type === 'notification' && f.payload.subscription?.type === type),
    );

  it('updateChannel -> channel.update with the new title', async () => {
    mock.external.updateChannel(mock.users[0]!.id, { title: 'from twitch.tv' });
    const frame = await notification('channel.update');
    expect(frame.payload.event).toMatchObject({ broadcaster_user_id: mock.users[0]!.id, title: 'from twitch.tv' });
  });

  it('follow -> channel.follow with the follower', async () => {
    mock.external.follow(mock.users[0]!.id, mock.users[3]!.id);
    const frame = await notification('channel.follow');
    expect(frame.payload.event).toMatchObject({ user_id: mock.users[3]!.id, user_login: mock.users[3]!.login });
  });

  it('an API write publishes too (add moderator via Helix -> channel.moderator.add)', async () => {
    const b = mock.users[0]!.id;
    await helix(mock, token, 'POST', `/moderation/moderators?broadcaster_id=${b}&user_id=${mock.users[4]!.id}`);
    const frame = await notification('channel.moderator.add');
    expect(frame.payload.event).toMatchObject({ user_id: mock.users[4]!.id });
  });

  it('goLive -> stream.online, ban -> channel.ban', async () => {
    mock.external.goLive(mock.users[0]!.id);
    expect((await notification('stream.online')).payload.event).toMatchObject({ type: 'live' });
    mock.external.ban(mock.users[0]!.id, mock.users[5]!.id, { reason: 'spam' });
    expect((await notification('channel.ban')).payload.event).toMatchObject({ reason: 'spam', is_permanent: true });
  });

  it('exposes the hub as mock.eventsub', () => {
    expect(mock.eventsub.sessions()).toHaveLength(1);
  });
});

describe('scopes of the hub’s routes are the hub’s', () => {
  it('a user token without channel:read:subscriptions can create a websocket subscription', async () => {
    const mock = await startMock({ port: 0, seed: 19, lag: 0 });
    const socket = await eventSocket(mock);
    try {
      const b = mock.users[0]!.id;
      const token = mock.createUserToken({ userId: b, scopes: ['channel:manage:broadcast'] }).accessToken;
      expect(await socket.subscribe(token, 'channel.update', '2', { broadcaster_user_id: b })).toBe(202);
    } finally {
      socket.ws.close();
      await mock.stop();
    }
  });
});
