/** Request bodies are parsed with zod (the spec's schemas for Helix, wire/adminBodies for /admin) at the wire. */
import type { MockServer } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helix, type Json, startWithBroadcaster } from './helpers.js';

describe('zod validation of request bodies', () => {
  let mock: MockServer;
  let token: string;
  let b: string;
  beforeAll(async () => {
    ({ mock, b, token } = await startWithBroadcaster(33));
  });
  afterAll(async () => {
    await mock.stop();
  });

  const admin = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${mock.urls.admin}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it('refuses bad Helix bodies with 400 naming the field (nested ones too) and commits nothing', async () => {
    const before = mock.history().length;
    const subscriptionsBefore = mock.eventsub.subscriptions().length;
    const conduit = (await helix(mock, mock.appToken, 'POST', '/eventsub/conduits', { shard_count: 1 })).body.data[0];
    const cases: [string, string, string, unknown, string][] = [
      [token, 'PATCH', `/channels?broadcaster_id=${b}`, { title: 42 }, 'The field "title" must be of type string'],
      [
        token,
        'PATCH',
        `/channels?broadcaster_id=${b}`,
        { title: 'fine', content_classification_labels: [{ id: 'NotALabel', is_enabled: true }] },
        'The field "content_classification_labels[0].id" has an invalid value',
      ],
      [
        token,
        'PATCH',
        `/channels?broadcaster_id=${b}`,
        { title: 'fine', tags: ['ok', 7] },
        'The field "tags[1]" must be of type string',
      ],
      [
        token,
        'POST',
        '/polls',
        { broadcaster_id: b, title: 'Q?', choices: [{ title: 5 }, { title: 'b' }], duration: 60 },
        'The field "choices[0].title" must be of type string',
      ],
      [
        token,
        'POST',
        '/predictions',
        { broadcaster_id: b, title: 'Q?', outcomes: [{ title: 'a' }, {}], prediction_window: 60 },
        'Missing required field "outcomes[1].title" in the request body',
      ],
      [
        token,
        'POST',
        `/moderation/bans?broadcaster_id=${b}&moderator_id=${b}`,
        { data: { user_id: 12345 } },
        'The field "data.user_id" must be of type string',
      ],
      [
        token,
        'PATCH',
        `/chat/settings?broadcaster_id=${b}&moderator_id=${b}`,
        { non_moderator_chat_delay: true, non_moderator_chat_delay_duration: 3 },
        'The field "non_moderator_chat_delay_duration" has an invalid value',
      ],
      [
        token,
        'POST',
        `/channel_points/custom_rewards?broadcaster_id=${b}`,
        { title: 'half', cost: 1.5 },
        'The field "cost" must be of type integer',
      ],
      [
        token,
        'POST',
        '/eventsub/subscriptions',
        { type: 'stream.online', version: '1', condition: { broadcaster_user_id: b }, transport: {} },
        'Missing required field "transport.method" in the request body',
      ],
      [
        mock.appToken,
        'PATCH',
        '/eventsub/conduits/shards',
        { conduit_id: conduit.id, shards: [{ id: '0' }] },
        'Missing required field "shards[0].transport" in the request body',
      ],
    ];
    for (const [auth, method, path, body, message] of cases) {
      const res = await helix(mock, auth, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body).toEqual({ error: 'Bad Request', status: 400, message });
    }
    expect(mock.history().length).toBe(before);
    expect(mock.eventsub.subscriptions().length).toBe(subscriptionsBefore);
  });

  it('still serves a valid body (unknown fields pass through)', async () => {
    const res = await helix(mock, token, 'PATCH', `/channels?broadcaster_id=${b}`, {
      title: 'valid title',
      tags: ['a'],
      some_future_field: true,
    });
    expect(res.status).toBe(204);
    expect(mock.truth(`channel:${b}`)?.state).toMatchObject({ title: 'valid title' });
  });

  it('refuses bad admin bodies with 400 naming the field and changes no setting', async () => {
    const settings = async () => (await fetch(`${mock.urls.admin}/`).then((r) => r.json())) as Json;
    const before = await settings();
    const cases: [string, string, unknown, string][] = [
      ['PUT', '/lag', { kind: 'channel', minMs: '5', maxMs: 10 }, 'The field "minMs" must be of type number'],
      ['PUT', '/events', { dropRate: 2 }, 'The field "dropRate" is invalid'],
      ['PUT', '/rate-limit', { limit: 'many' }, 'The field "limit" must be of type number'],
      ['POST', '/tokens', { scopes: ['user:read:email'] }, 'Missing required field "userId" in the request body'],
      ['POST', '/faults', { path: '/users', malformed: 'xml' }, 'The field "malformed" has an invalid value'],
      ['POST', '/eventsub/emit', { type: 'stream.online@1', condition: { a: 1 } }, 'The field "condition.a"'],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await admin(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body).toMatchObject({ error: 'Bad Request', status: 400 });
      expect(res.body.message).toContain(message);
    }
    const after = await settings();
    expect(after.lag).toEqual(before.lag);
    expect(after.rateLimit).toEqual(before.rateLimit);
    expect(after.eventDelivery).toEqual(before.eventDelivery);
    expect(mock.faults.list()).toEqual([]);
  });
});
