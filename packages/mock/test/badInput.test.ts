import { connect } from 'node:net';
import { type MockServer, startMock } from '@twitchify/mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helix } from './helpers.js';

const paths = [
  '/channels',
  '/users',
  '/moderation/moderators',
  '/moderation/bans',
  '/channels/vips',
  '/channel_points/custom_rewards',
  '/polls',
  '/predictions',
  '/chat/settings',
  '/schedule/segment',
  '/streams',
  '/eventsub/subscriptions',
  '/nope',
];

describe('bad input never crashes the emulator nor changes its state', () => {
  let mock: MockServer;
  let token: string;
  beforeAll(async () => {
    mock = await startMock({ port: 0, seed: 14, lag: 0 });
    token = mock.createUserToken({ userId: mock.users[0]!.id }).accessToken;
  });
  afterAll(() => mock.stop());

  it('random requests: refused ones answer Twitch’s error body and commit nothing', async () => {
    const b = mock.users[0]!.id;
    const params = fc.array(
      fc.tuple(
        fc.constantFrom('broadcaster_id', 'user_id', 'moderator_id', 'id', 'first', 'after', 'title'),
        fc.oneof(
          fc.constant(b),
          fc.constant(mock.users[1]!.id),
          fc.string({ maxLength: 12 }),
          fc.constant('101'),
          fc.constant('-1'),
        ),
      ),
      { maxLength: 4 },
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 30 }),
      fc.json({ maxDepth: 2 }),
      fc.record({ title: fc.oneof(fc.string(), fc.integer()), cost: fc.oneof(fc.integer(), fc.string()) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE'),
        fc.constantFrom(...paths),
        params,
        body,
        fc.constantFrom(token, mock.appToken, 'garbage'),
        async (method, path, query, payload, bearer) => {
          const before = mock.history().length;
          const qs = new URLSearchParams(query).toString();
          const res = await helix(
            mock,
            bearer,
            method,
            `${path}${qs ? `?${qs}` : ''}`,
            method === 'GET' ? undefined : payload,
          );
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.body).toMatchObject({ status: res.status });
            expect(typeof res.body.message).toBe('string');
            expect(typeof res.body.error).toBe('string');
            expect(mock.history().length).toBe(before);
          }
        },
      ),
      { numRuns: 300, seed: 14 },
    );
    expect((await helix(mock, mock.appToken, 'GET', `/users?id=${b}`)).status).toBe(200);
  });

  it('an oversized body is 413, bad JSON 400, and the server still answers', async () => {
    const b = mock.users[0]!.id;
    const huge = await helix(
      mock,
      token,
      'PATCH',
      `/channels?broadcaster_id=${b}`,
      JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
    const bad = await helix(mock, token, 'PATCH', `/channels?broadcaster_id=${b}`, '{"title":');
    expect(bad).toMatchObject({ status: 400, body: { status: 400 } });
    expect((await helix(mock, mock.appToken, 'GET', `/users?id=${b}`)).status).toBe(200);
  });

  it('garbage on the socket gets a 400 and the server keeps serving', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(mock.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => {
        data += String(d);
      });
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(reply).toContain('400');
    expect((await helix(mock, mock.appToken, 'GET', `/users?id=${mock.users[0]!.id}`)).status).toBe(200);
  });

  it('bad admin input is a 400, not a crash', async () => {
    const res = await fetch(`${mock.urls.admin}/external/follow`, {
      method: 'POST',
      body: JSON.stringify({ args: ['nobody', 'nobody'] }),
    });
    expect(res.status).toBe(400);
    const lag = await fetch(`${mock.urls.admin}/lag`, {
      method: 'PUT',
      body: JSON.stringify({ kind: 'channel', minMs: 5, maxMs: 1 }),
    });
    expect(lag.status).toBe(400);
  });
});
