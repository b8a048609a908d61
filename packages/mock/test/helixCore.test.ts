import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helix } from './helpers.js';

describe('Helix core routes over a real socket', () => {
  let mock: MockServer;
  let token: string;
  beforeAll(async () => {
    mock = await startMock({ port: 0, seed: 1, lag: 0 });
    token = mock.createUserToken({ userId: mock.users[0]!.id }).accessToken;
  });
  afterAll(() => mock.stop());

  it('serves users by id and login, repeated parameters as lists', async () => {
    const [a, b, c] = mock.users;
    const res = await helix(mock, mock.appToken, 'GET', `/users?id=${a!.id}&id=${b!.id}&login=${c!.login}`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((u: { id: string }) => u.id)).toEqual([a!.id, b!.id, c!.id]);
    expect(res.body.data[0].email).toBeUndefined();
  });

  it('refuses more than 100 ids', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `id=${i}`).join('&');
    const res = await helix(mock, mock.appToken, 'GET', `/users?${ids}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Bad Request', status: 400 });
  });

  it('serves the token user with email when no id is given and the scope is held', async () => {
    const res = await helix(mock, token, 'GET', '/users');
    expect(res.body.data[0].id).toBe(mock.users[0]!.id);
    expect(res.body.data[0].email).toContain('@');
  });

  it('PATCH /channels answers 204 and the change is read back and recorded', async () => {
    const b = mock.users[0]!.id;
    const res = await helix(mock, token, 'PATCH', `/channels?broadcaster_id=${b}`, {
      title: 'hello 1',
      game_id: '27471',
    });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    const read = await helix(mock, mock.appToken, 'GET', `/channels?broadcaster_id=${b}`);
    expect(read.body.data[0]).toMatchObject({ title: 'hello 1', game_id: '27471', game_name: 'Minecraft' });
    const last = mock.history(`channel:${b}`).at(-1)!;
    expect(last).toMatchObject({ version: 1, origin: 'api' });
    expect(mock.requests().at(-1)).toMatchObject({
      path: '/helix/channels',
      status: 200,
      served: [{ key: `channel:${b}`, version: 1 }],
    });
  });

  it('refuses a PATCH for another broadcaster, a missing scope, an app token, and changes nothing', async () => {
    const other = mock.users[1]!.id;
    const before = mock.history().length;
    expect((await helix(mock, token, 'PATCH', `/channels?broadcaster_id=${other}`, { title: 'x' })).status).toBe(401);
    const noScope = mock.createUserToken({ userId: mock.users[0]!.id, scopes: ['user:read:email'] }).accessToken;
    const r = await helix(mock, noScope, 'PATCH', `/channels?broadcaster_id=${mock.users[0]!.id}`, { title: 'x' });
    expect(r.status).toBe(401);
    expect(r.body.message).toContain('channel:manage:broadcast');
    expect(
      (await helix(mock, mock.appToken, 'PATCH', `/channels?broadcaster_id=${other}`, { title: 'x' })).status,
    ).toBe(401);
    expect(
      (await helix(mock, token, 'PATCH', `/channels?broadcaster_id=${mock.users[0]!.id}`, '{bad json')).status,
    ).toBe(400);
    expect(
      (await helix(mock, token, 'PATCH', `/channels?broadcaster_id=${mock.users[0]!.id}`, { title: 42 })).status,
    ).toBe(400);
    expect(mock.history().length).toBe(before);
  });

  it('answers 401 with Twitch’s body for a bad token, missing client id, and an expired token', async () => {
    const bad = await helix(mock, 'nope', 'GET', '/users?id=1');
    expect(bad).toMatchObject({
      status: 401,
      body: { error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' },
    });
    const noClient = await fetch(`${mock.urls.helix}/users?id=1`, {
      headers: { authorization: `Bearer ${mock.appToken}` },
    });
    expect(noClient.status).toBe(401);
    const t = mock.createUserToken({ userId: mock.users[0]!.id });
    mock.expireToken(t.accessToken);
    expect((await helix(mock, t.accessToken, 'GET', '/users')).status).toBe(401);
  });

  it('streams: live after goLive, filtered by user_id', async () => {
    const b = mock.users[2]!.id;
    expect((await helix(mock, mock.appToken, 'GET', `/streams?user_id=${b}`)).body.data).toEqual([]);
    mock.external.goLive(b);
    const res = await helix(mock, mock.appToken, 'GET', `/streams?user_id=${b}&user_id=${mock.users[3]!.id}`);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({ user_id: b, type: 'live' });
    mock.external.goOffline(b);
    expect((await helix(mock, mock.appToken, 'GET', `/streams?user_id=${b}`)).body.data).toEqual([]);
  });

  it('moderators: add (204), list, conflict (400), remove, with cursor pagination', async () => {
    const b = mock.users[0]!.id;
    for (const u of mock.users.slice(1, 6)) {
      expect(
        (await helix(mock, token, 'POST', `/moderation/moderators?broadcaster_id=${b}&user_id=${u.id}`)).status,
      ).toBe(204);
    }
    expect(
      (await helix(mock, token, 'POST', `/moderation/moderators?broadcaster_id=${b}&user_id=${mock.users[1]!.id}`))
        .status,
    ).toBe(400);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await helix(
        mock,
        token,
        'GET',
        `/moderation/moderators?broadcaster_id=${b}&first=2${cursor ? `&after=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((m: { user_id: string }) => m.user_id));
      cursor = res.body.pagination.cursor;
    } while (cursor);
    expect(seen).toEqual(mock.users.slice(1, 6).map((u) => u.id));
    expect(
      (await helix(mock, token, 'DELETE', `/moderation/moderators?broadcaster_id=${b}&user_id=${mock.users[1]!.id}`))
        .status,
    ).toBe(204);
    const after = await helix(
      mock,
      token,
      'GET',
      `/moderation/moderators?broadcaster_id=${b}&user_id=${mock.users[1]!.id}`,
    );
    expect(after.body.data).toEqual([]);
  });

  it('validates parameters: first > 100, missing required, unknown route', async () => {
    const b = mock.users[0]!.id;
    expect((await helix(mock, token, 'GET', `/moderation/moderators?broadcaster_id=${b}&first=101`)).status).toBe(400);
    expect((await helix(mock, token, 'GET', `/moderation/moderators`)).status).toBe(400);
    expect((await helix(mock, token, 'GET', `/no/such/route`)).status).toBe(404);
    expect((await helix(mock, token, 'GET', `/moderation/moderators?broadcaster_id=${b}&after=garbage!`)).status).toBe(
      400,
    );
  });

  it('answers unimplemented spec operations with the spec example after validating', async () => {
    const res = await helix(mock, mock.appToken, 'GET', '/games/top');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.data)).toBe(true);
    expect((await helix(mock, mock.appToken, 'GET', '/games/top?first=500')).status).toBe(400);
  });

  it('serves the same routes under /mock', async () => {
    const res = await fetch(`${mock.urls.base}/mock/users?id=${mock.users[0]!.id}`, {
      headers: { authorization: `Bearer ${mock.appToken}`, 'client-id': mock.clientId },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(1);
  });
});

describe('renames', () => {
  it('a login changed on twitch.tv is found by its new login only', async () => {
    const mock = await startMock({ port: 0, seed: 21, lag: 0 });
    try {
      const u = mock.users[1]!;
      mock.external.updateUser(u.id, { login: 'renamed_user', displayName: 'Renamed_User' });
      expect((await helix(mock, mock.appToken, 'GET', '/users?login=renamed_user')).body.data[0].id).toBe(u.id);
      expect((await helix(mock, mock.appToken, 'GET', `/users?login=${u.login}`)).body.data).toEqual([]);
    } finally {
      await mock.stop();
    }
  });
});
