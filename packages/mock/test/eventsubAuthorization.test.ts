/** Creating an EventSub subscription checks the type's condition fields (400) and the token's scopes (403). */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SUBSCRIPTION_REQUIREMENTS } from '../src/eventsub/subscriptionRequirements.js';
import { EXTRA_EXAMPLES } from '../src/eventsub/twitchShapes.js';
import { EVENTSUB_EXAMPLES } from '../src/generated/eventsubExamples.js';
import { helix, waitFor } from './helpers.js';

describe('EventSub subscription authorization', () => {
  let mock: MockServer;
  let ws: WebSocket;
  let sessionId: string;
  let b: string;
  beforeAll(async () => {
    mock = await startMock({ port: 0, seed: 21, lag: 0 });
    b = mock.users[0]!.id;
    ws = new WebSocket(mock.urls.eventsubWs);
    const frames: { metadata: { message_type: string }; payload: { session?: { id: string } } }[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data))));
    const welcome = await waitFor(() => frames.find((f) => f.metadata.message_type === 'session_welcome'));
    sessionId = welcome.payload.session!.id;
  });
  afterAll(async () => {
    ws.close();
    await mock.stop();
  });

  const create = (scopes: string[], type: string, version: string, condition: Record<string, string>) => {
    const token = mock.createUserToken({ userId: b, scopes }).accessToken;
    const transport = { method: 'websocket', session_id: sessionId };
    return helix(mock, token, 'POST', '/eventsub/subscriptions', { type, version, condition, transport });
  };
  const count = () => mock.eventsub.subscriptions().length;

  it('has requirements for every type@version the emulator can emit', () => {
    const emitted = [...Object.keys(EVENTSUB_EXAMPLES), ...Object.keys(EXTRA_EXAMPLES)];
    expect(Object.keys(SUBSCRIPTION_REQUIREMENTS).sort()).toEqual(emitted.sort());
  });

  it('refuses a token without the type’s scope with 403 and Twitch’s body, creating nothing', async () => {
    const cases: [string, string, Record<string, string>][] = [
      ['channel.follow', '2', { broadcaster_user_id: b, moderator_user_id: b }],
      ['channel.moderator.add', '1', { broadcaster_user_id: b }],
      ['channel.ban', '1', { broadcaster_user_id: b }],
      ['channel.poll.begin', '1', { broadcaster_user_id: b }],
    ];
    for (const [type, version, condition] of cases) {
      const before = count();
      const res = await create(['user:read:email'], type, version, condition);
      expect(res.status, type).toBe(403);
      expect(res.body).toEqual({
        error: 'Forbidden',
        status: 403,
        message: 'subscription missing proper authorization',
      });
      expect(count()).toBe(before);
    }
  });

  it('admits the scope the type needs (either of a read/manage pair), and none where none is needed', async () => {
    const ok: [string[], string, string, Record<string, string>][] = [
      [['moderator:read:followers'], 'channel.follow', '2', { broadcaster_user_id: b, moderator_user_id: b }],
      [['moderation:read'], 'channel.moderator.add', '1', { broadcaster_user_id: b }],
      [['channel:moderate'], 'channel.ban', '1', { broadcaster_user_id: b }],
      [['channel:manage:polls'], 'channel.poll.begin', '1', { broadcaster_user_id: b }],
      [[], 'channel.update', '2', { broadcaster_user_id: b }],
      [[], 'channel.raid', '1', { from_broadcaster_user_id: b }],
    ];
    for (const [scopes, type, version, condition] of ok) {
      const res = await create(scopes, type, version, condition);
      expect(res.status, type).toBe(202);
    }
  });

  it('refuses a condition missing a required field with 400 naming it, before checking scopes', async () => {
    const before = count();
    const res = await create([], 'channel.follow', '2', { broadcaster_user_id: b });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Bad Request', status: 400 });
    expect(res.body.message).toContain('moderator_user_id');
    const raid = await create([], 'channel.raid', '1', {});
    expect(raid.status).toBe(400);
    expect(raid.body.message).toContain('from_broadcaster_user_id');
    expect(count()).toBe(before);
  });

  it('refuses app-only types over a user token with 403', async () => {
    const res = await create([], 'user.authorization.revoke', '1', { client_id: mock.clientId });
    expect(res.status).toBe(403);
  });
});
