import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, describe, expect, it } from 'vitest';
import { helix, manualClock } from './helpers.js';

describe('lag and history', () => {
  let mock: MockServer | undefined;
  afterEach(async () => {
    await mock?.stop();
    mock = undefined;
  });

  it('a write commits at once but reads serve the previous state until the drawn lag passes', async () => {
    const clock = manualClock();
    mock = await startMock({ port: 0, seed: 5, clock, lag: { channel: { minMs: 2000, maxMs: 2000 } } });
    const b = mock.users[0]!.id;
    const token = mock.createUserToken({ userId: b }).accessToken;
    const before = (await helix(mock, token, 'GET', `/channels?broadcaster_id=${b}`)).body.data[0].title;
    expect((await helix(mock, token, 'PATCH', `/channels?broadcaster_id=${b}`, { title: 'new title' })).status).toBe(
      204,
    );
    expect(mock.history(`channel:${b}`).at(-1)).toMatchObject({ version: 1, origin: 'api', committedAt: clock.now() });
    expect((mock.history(`channel:${b}`).at(-1)!.state as { title: string }).title).toBe('new title');
    expect((await helix(mock, token, 'GET', `/channels?broadcaster_id=${b}`)).body.data[0].title).toBe(before);
    expect(mock.requests().at(-1)!.served).toEqual([{ key: `channel:${b}`, version: 0 }]);
    clock.advance(1999);
    expect((await helix(mock, token, 'GET', `/channels?broadcaster_id=${b}`)).body.data[0].title).toBe(before);
    clock.advance(1);
    expect((await helix(mock, token, 'GET', `/channels?broadcaster_id=${b}`)).body.data[0].title).toBe('new title');
    expect(mock.requests().at(-1)!.served).toEqual([{ key: `channel:${b}`, version: 1 }]);
  });

  it('lag is per kind: moderators lag while channels do not', async () => {
    const clock = manualClock();
    mock = await startMock({ port: 0, seed: 6, clock, lag: { moderators: { minMs: 1000, maxMs: 1500 } } });
    const b = mock.users[0]!.id;
    const token = mock.createUserToken({ userId: b }).accessToken;
    mock.external.addModerator(b, mock.users[1]!.id);
    mock.external.updateChannel(b, { title: 'instant' });
    expect((await helix(mock, token, 'GET', `/moderation/moderators?broadcaster_id=${b}`)).body.data).toEqual([]);
    expect((await helix(mock, token, 'GET', `/channels?broadcaster_id=${b}`)).body.data[0].title).toBe('instant');
    clock.advance(1500);
    expect((await helix(mock, token, 'GET', `/moderation/moderators?broadcaster_id=${b}`)).body.data).toHaveLength(1);
    mock.setLag('moderators', { minMs: 0, maxMs: 0 });
    mock.external.removeModerator(b, mock.users[1]!.id);
    expect((await helix(mock, token, 'GET', `/moderation/moderators?broadcaster_id=${b}`)).body.data).toEqual([]);
  });

  it('versions increase per key, external and api alike, with timestamps, also over /admin/history', async () => {
    const clock = manualClock();
    mock = await startMock({ port: 0, seed: 7, clock, lag: 0 });
    const b = mock.users[0]!.id;
    const token = mock.createUserToken({ userId: b }).accessToken;
    mock.external.updateChannel(b, { title: 'a' });
    clock.advance(10);
    await helix(mock, token, 'PATCH', `/channels?broadcaster_id=${b}`, { title: 'b' });
    clock.advance(10);
    mock.external.follow(b, mock.users[2]!.id);
    const channel = mock.history(`channel:${b}`);
    expect(channel.map((e) => [e.version, e.origin])).toEqual([
      [0, 'seed'],
      [1, 'external'],
      [2, 'api'],
    ]);
    expect(channel[2]!.committedAt - channel[1]!.committedAt).toBe(10);
    expect(mock.history(`followers:${b}`).at(-1)!.version).toBe(1);
    const res = await fetch(`${mock.urls.admin}/history?key=${encodeURIComponent(`channel:${b}`)}`);
    const body = (await res.json()) as { data: Array<{ version: number; state: { title: string } }> };
    expect(body.data.map((e) => e.state.title).slice(1)).toEqual(['a', 'b']);
  });

  it('a stream can flap back to offline after going live, deterministically from the seed', async () => {
    const run = async (seed: number) => {
      const clock = manualClock();
      const m = await startMock({
        port: 0,
        seed,
        clock,
        lag: { stream: { minMs: 0, maxMs: 0 }, streamFlap: { windowMs: 60_000, probability: 0.5 } },
      });
      try {
        const b = m.users[0]!.id;
        m.external.goLive(b);
        const seen: number[] = [];
        for (let i = 0; i < 30; i++) {
          seen.push((await helix(m, m.appToken, 'GET', `/streams?user_id=${b}`)).body.data.length);
          clock.advance(1000);
        }
        clock.advance(60_000);
        const settled = (await helix(m, m.appToken, 'GET', `/streams?user_id=${b}`)).body.data.length;
        return { seen, settled };
      } finally {
        await m.stop();
      }
    };
    const a = await run(11);
    expect(a.seen).toContain(0);
    expect(a.seen).toContain(1);
    expect(a.settled).toBe(1);
    expect((await run(11)).seen).toEqual(a.seen);
  });

  it('with afterOffline, a stream that ended can still be answered live for the flap window; without, never', async () => {
    const run = async (afterOffline: boolean) => {
      const clock = manualClock();
      const m = await startMock({
        port: 0,
        seed: 11,
        clock,
        lag: { stream: { minMs: 0, maxMs: 0 }, streamFlap: { windowMs: 60_000, probability: 0.5, afterOffline } },
      });
      try {
        const b = m.users[0]!.id;
        m.external.goLive(b);
        clock.advance(61_000);
        m.external.goOffline(b);
        const seen: number[] = [];
        for (let i = 0; i < 30; i++) {
          seen.push((await helix(m, m.appToken, 'GET', `/streams?user_id=${b}`)).body.data.length);
          clock.advance(1000);
        }
        clock.advance(60_000);
        const settled = (await helix(m, m.appToken, 'GET', `/streams?user_id=${b}`)).body.data.length;
        return { seen, settled };
      } finally {
        await m.stop();
      }
    };
    const flapping = await run(true);
    expect(flapping.seen).toContain(0);
    expect(flapping.seen).toContain(1);
    expect(flapping.settled).toBe(0);
    expect((await run(false)).seen.every((n) => n === 0)).toBe(true);
  });

  it('a timeout that ran out is in the history, dated when it ended, though nobody read the ban list', async () => {
    const clock = manualClock();
    const m = await startMock({ port: 0, seed: 3, clock, lag: 0 });
    try {
      const b = m.users[0]!.id;
      const u = m.users[1]!.id;
      const expiresAt = new Date(clock.now() + 5000).toISOString();
      m.external.ban(b, u, { expiresAt });
      clock.advance(60_000);
      const bans = m.history(`bans:${b}`);
      expect(bans.map((h) => (h.state as { user_id: string }[]).length)).toEqual([0, 1, 0]);
      expect(bans[2]!.committedAt).toBe(Date.parse(expiresAt));
      expect(m.truth(`bans:${b}`)!.version).toBe(2);
    } finally {
      await m.stop();
    }
  });

  it('the same seed gives the same users, tokens and lags', async () => {
    const a = await startMock({ port: 0, seed: 42 });
    const b = await startMock({ port: 0, seed: 42 });
    try {
      expect(a.users).toEqual(b.users);
      expect(a.clientId).toBe(b.clientId);
      expect(a.appToken).toBe(b.appToken);
      const c = await startMock({ port: 0, seed: 43 });
      expect(c.users[0]!.id).not.toBe(a.users[0]!.id);
      await c.stop();
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

describe('lag settings', () => {
  it("setLag('*', 0/0) turns every kind and flapping off; unknown kinds are refused", async () => {
    const clock = manualClock();
    const mock = await startMock({ port: 0, seed: 17, clock });
    try {
      mock.setLag('*', { minMs: 0, maxMs: 0 });
      const b = mock.users[0]!.id;
      const token = mock.createUserToken({ userId: b }).accessToken;
      mock.external.goLive(b);
      mock.external.addModerator(b, mock.users[1]!.id);
      for (let i = 0; i < 10; i++) {
        expect((await helix(mock, mock.appToken, 'GET', `/streams?user_id=${b}`)).body.data).toHaveLength(1);
      }
      expect((await helix(mock, token, 'GET', `/moderation/moderators?broadcaster_id=${b}`)).body.data).toHaveLength(1);
      expect(() => mock.setLag('chanel' as never, { minMs: 0, maxMs: 0 })).toThrow(/unknown resource kind/);
      expect(() => mock.setLag('channel', { minMs: 5, maxMs: 1 })).toThrow();
      expect(mock.truth(`moderators:${b}`)).toMatchObject({ version: 1, origin: 'external' });
    } finally {
      await mock.stop();
    }
  });
});

describe('defaults', () => {
  it('lag is on by default (Twitch-like) and addUser creates a user with a channel', async () => {
    const clock = manualClock();
    const mock = await startMock({ port: 0, seed: 20, clock });
    try {
      const added = mock.addUser('new_streamer');
      expect(() => mock.addUser('new_streamer')).toThrow(/taken/);
      const token = mock.createUserToken({ userId: added.id }).accessToken;
      expect(
        (await helix(mock, token, 'PATCH', `/channels?broadcaster_id=${added.id}`, { title: 'first' })).status,
      ).toBe(204);
      expect((await helix(mock, token, 'GET', `/channels?broadcaster_id=${added.id}`)).body.data[0].title).not.toBe(
        'first',
      );
      clock.advance(2000);
      expect((await helix(mock, token, 'GET', `/channels?broadcaster_id=${added.id}`)).body.data[0].title).toBe(
        'first',
      );
    } finally {
      await mock.stop();
    }
  });
});
