import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helix, startWithBroadcaster } from './helpers.js';

describe('followers, bans, VIPs, chat settings, users PUT', () => {
  let mock: MockServer;
  let b: string;
  let token: string;
  beforeAll(async () => {
    ({ mock, b, token } = await startWithBroadcaster(12));
  });
  afterAll(() => mock.stop());

  it('followers: newest first with total, filtered by user_id; followed from the viewer’s side', async () => {
    mock.external.follow(b, mock.users[1]!.id);
    mock.external.follow(b, mock.users[2]!.id);
    const res = await helix(mock, token, 'GET', `/channels/followers?broadcaster_id=${b}`);
    expect(res.body.total).toBe(2);
    expect(res.body.data.map((f: { user_id: string }) => f.user_id)).toEqual([mock.users[2]!.id, mock.users[1]!.id]);
    const one = await helix(mock, token, 'GET', `/channels/followers?broadcaster_id=${b}&user_id=${mock.users[1]!.id}`);
    expect(one.body.data).toHaveLength(1);
    const viewer = mock.createUserToken({ userId: mock.users[1]!.id }).accessToken;
    const followed = await helix(mock, viewer, 'GET', `/channels/followed?user_id=${mock.users[1]!.id}`);
    expect(followed.body).toMatchObject({ total: 1, data: [{ broadcaster_id: b }] });
    // A viewer who is not a moderator may not list the broadcaster's followers.
    expect((await helix(mock, viewer, 'GET', `/channels/followers?broadcaster_id=${b}`)).status).toBe(403);
  });

  it('bans: ban, timeout, list, unban; a banned user cannot be made moderator', async () => {
    const u = mock.users[3]!.id;
    const t = mock.users[4]!.id;
    const ban = await helix(mock, token, 'POST', `/moderation/bans?broadcaster_id=${b}&moderator_id=${b}`, {
      data: { user_id: u, reason: 'spam' },
    });
    expect(ban.status).toBe(200);
    expect(ban.body.data[0]).toMatchObject({ user_id: u, end_time: null });
    const timeout = await helix(mock, token, 'POST', `/moderation/bans?broadcaster_id=${b}&moderator_id=${b}`, {
      data: { user_id: t, duration: 600 },
    });
    expect(timeout.body.data[0].end_time).not.toBeNull();
    const list = await helix(mock, token, 'GET', `/moderation/banned?broadcaster_id=${b}`);
    expect(list.body.data.map((x: { user_id: string }) => x.user_id).sort()).toEqual([u, t].sort());
    expect((await helix(mock, token, 'POST', `/moderation/moderators?broadcaster_id=${b}&user_id=${u}`)).status).toBe(
      400,
    );
    expect(
      (
        await helix(mock, token, 'POST', `/moderation/bans?broadcaster_id=${b}&moderator_id=${b}`, {
          data: { user_id: u, duration: 0 },
        })
      ).status,
    ).toBe(400);
    expect(
      (await helix(mock, token, 'DELETE', `/moderation/bans?broadcaster_id=${b}&moderator_id=${b}&user_id=${u}`))
        .status,
    ).toBe(204);
    expect(
      (await helix(mock, token, 'DELETE', `/moderation/bans?broadcaster_id=${b}&moderator_id=${b}&user_id=${u}`))
        .status,
    ).toBe(400);
    expect(mock.history(`bans:${b}`).at(-1)!.origin).toBe('api');
  });

  it('VIPs: add, list, 422 on a moderator, remove', async () => {
    const v = mock.users[5]!.id;
    expect((await helix(mock, token, 'POST', `/channels/vips?broadcaster_id=${b}&user_id=${v}`)).status).toBe(204);
    expect((await helix(mock, token, 'GET', `/channels/vips?broadcaster_id=${b}`)).body.data).toEqual([
      { user_id: v, user_login: mock.users[5]!.login, user_name: mock.users[5]!.displayName },
    ]);
    mock.external.addModerator(b, mock.users[6]!.id);
    expect(
      (await helix(mock, token, 'POST', `/channels/vips?broadcaster_id=${b}&user_id=${mock.users[6]!.id}`)).status,
    ).toBe(422);
    expect((await helix(mock, token, 'DELETE', `/channels/vips?broadcaster_id=${b}&user_id=${v}`)).status).toBe(204);
    expect((await helix(mock, token, 'DELETE', `/channels/vips?broadcaster_id=${b}&user_id=${v}`)).status).toBe(422);
  });

  it('chat settings: app token sees public fields, a moderator patches', async () => {
    const open = await helix(mock, mock.appToken, 'GET', `/chat/settings?broadcaster_id=${b}`);
    expect(open.body.data[0]).not.toHaveProperty('non_moderator_chat_delay');
    const patched = await helix(mock, token, 'PATCH', `/chat/settings?broadcaster_id=${b}&moderator_id=${b}`, {
      slow_mode: true,
      slow_mode_wait_time: 10,
    });
    expect(patched.body.data[0]).toMatchObject({ slow_mode: true, slow_mode_wait_time: 10 });
    expect(
      (
        await helix(mock, token, 'PATCH', `/chat/settings?broadcaster_id=${b}&moderator_id=${b}`, {
          slow_mode_wait_time: 1,
        })
      ).status,
    ).toBe(400);
    expect(
      (await helix(mock, token, 'PATCH', `/chat/settings?broadcaster_id=${b}&moderator_id=${b}`, { slow_mode: 'yes' }))
        .status,
    ).toBe(400);
    const read = await helix(mock, token, 'GET', `/chat/settings?broadcaster_id=${b}&moderator_id=${b}`);
    expect(read.body.data[0]).toMatchObject({ slow_mode: true, non_moderator_chat_delay: false });
  });

  it('PUT /users updates the description of the token’s user', async () => {
    const res = await helix(mock, token, 'PUT', `/users?description=${encodeURIComponent('hello there')}`);
    expect(res.body.data[0]).toMatchObject({ id: b, description: 'hello there' });
    expect(mock.history(`user:${b}`).at(-1)!.origin).toBe('api');
  });
});

describe('timeouts run out by themselves', () => {
  it('an expired timeout leaves the list, recorded as a version dated at its expiry, with no event', async () => {
    let now = Date.UTC(2026, 0, 1);
    const mock = await startMock({ port: 0, seed: 18, lag: 0, clock: { now: () => now } });
    try {
      const b = mock.users[0]!.id;
      const token = mock.createUserToken({ userId: b }).accessToken;
      const u = mock.users[1]!.id;
      const res = await helix(mock, token, 'POST', `/moderation/bans?broadcaster_id=${b}&moderator_id=${b}`, {
        data: { user_id: u, duration: 60 },
      });
      expect(res.status).toBe(200);
      const bannedAt = now;
      now += 90_000;
      expect((await helix(mock, token, 'GET', `/moderation/banned?broadcaster_id=${b}`)).body.data).toEqual([]);
      const last = mock.history(`bans:${b}`).at(-1)!;
      expect(last).toMatchObject({ version: 2, origin: 'external', committedAt: bannedAt + 60_000, state: [] });
      // A moderator can be added again once the timeout is over.
      expect((await helix(mock, token, 'POST', `/moderation/moderators?broadcaster_id=${b}&user_id=${u}`)).status).toBe(
        204,
      );
    } finally {
      await mock.stop();
    }
  });
});
