import type { MockServer } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helix, startWithBroadcaster } from './helpers.js';

describe('rewards, polls, predictions, goals, subscriptions, schedule, hype train, emotes', () => {
  let mock: MockServer;
  let b: string;
  let token: string;
  beforeAll(async () => {
    ({ mock, b, token } = await startWithBroadcaster(13));
  });
  afterAll(() => mock.stop());

  it('custom rewards: POST, GET by id, PATCH, duplicate title 400, DELETE 204 then 404', async () => {
    const path = `/channel_points/custom_rewards?broadcaster_id=${b}`;
    const created = await helix(mock, token, 'POST', path, { title: 'Hydrate', cost: 100 });
    expect(created.status).toBe(200);
    const id = created.body.data[0].id as string;
    expect(created.body.data[0]).toMatchObject({ title: 'Hydrate', cost: 100, is_enabled: true });
    expect((await helix(mock, token, 'POST', path, { title: 'hydrate', cost: 5 })).status).toBe(400);
    expect((await helix(mock, token, 'POST', path, { title: 'x' })).status).toBe(400);
    const patched = await helix(mock, token, 'PATCH', `${path}&id=${id}`, { cost: 250, is_paused: true });
    expect(patched.body.data[0]).toMatchObject({ cost: 250, is_paused: true });
    expect((await helix(mock, token, 'GET', `${path}&id=${id}`)).body.data).toHaveLength(1);
    expect((await helix(mock, token, 'DELETE', `${path}&id=${id}`)).status).toBe(204);
    expect((await helix(mock, token, 'DELETE', `${path}&id=${id}`)).status).toBe(404);
    expect(mock.history(`rewards:${b}`).map((e) => e.version)).toEqual([0, 1, 2, 3]);
  });

  it('a reward has image null until images are uploaded on twitch.tv (Helix cannot set them)', async () => {
    const path = `/channel_points/custom_rewards?broadcaster_id=${b}`;
    const created = await helix(mock, token, 'POST', path, { title: 'Stretch', cost: 10 });
    expect(created.body.data[0].image).toBeNull();
    const image = { url_1x: 'https://img/1.png', url_2x: 'https://img/2.png', url_4x: 'https://img/4.png' };
    mock.external.createReward(b, { title: 'Uploaded', cost: 20 }, image);
    const all = (await helix(mock, token, 'GET', path)).body.data as { title: string; image: unknown }[];
    expect(all.find((r) => r.title === 'Uploaded')?.image).toEqual(image);
    expect(all.find((r) => r.title === 'Stretch')?.image).toBeNull();
  });

  it('polls: one active at a time, end it, bounds on choices', async () => {
    const poll = await helix(mock, token, 'POST', '/polls', {
      broadcaster_id: b,
      title: 'Heads?',
      choices: [{ title: 'H' }, { title: 'T' }],
      duration: 60,
    });
    expect(poll.body.data[0]).toMatchObject({ status: 'ACTIVE', title: 'Heads?' });
    expect(
      (
        await helix(mock, token, 'POST', '/polls', {
          broadcaster_id: b,
          title: 'Again',
          choices: [{ title: 'a' }, { title: 'b' }],
          duration: 60,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await helix(mock, token, 'POST', '/polls', {
          broadcaster_id: b,
          title: 'One',
          choices: [{ title: 'a' }],
          duration: 60,
        })
      ).status,
    ).toBe(400);
    const ended = await helix(mock, token, 'PATCH', '/polls', {
      broadcaster_id: b,
      id: poll.body.data[0].id,
      status: 'TERMINATED',
    });
    expect(ended.body.data[0].status).toBe('TERMINATED');
    expect((await helix(mock, token, 'GET', `/polls?broadcaster_id=${b}`)).body.data).toHaveLength(1);
    expect((await helix(mock, token, 'GET', `/polls?broadcaster_id=${b}&first=21`)).status).toBe(400);
  });

  it('predictions: start, lock, resolve with a winner', async () => {
    const p = await helix(mock, token, 'POST', '/predictions', {
      broadcaster_id: b,
      title: 'Win?',
      outcomes: [{ title: 'Yes' }, { title: 'No' }],
      prediction_window: 120,
    });
    expect(p.status).toBe(200);
    const id = p.body.data[0].id;
    const winner = p.body.data[0].outcomes[0].id;
    expect(
      (await helix(mock, token, 'PATCH', '/predictions', { broadcaster_id: b, id, status: 'LOCKED' })).body.data[0]
        .status,
    ).toBe('LOCKED');
    expect(
      (
        await helix(mock, token, 'PATCH', '/predictions', {
          broadcaster_id: b,
          id,
          status: 'RESOLVED',
          winning_outcome_id: 'nope',
        })
      ).status,
    ).toBe(400);
    const done = await helix(mock, token, 'PATCH', '/predictions', {
      broadcaster_id: b,
      id,
      status: 'RESOLVED',
      winning_outcome_id: winner,
    });
    expect(done.body.data[0]).toMatchObject({ status: 'RESOLVED', winning_outcome_id: winner });
  });

  it('goals, subscriptions, hype train and emotes follow external changes', async () => {
    const goal = mock.external.beginGoal(b, { type: 'follower', targetAmount: 100 });
    expect((await helix(mock, token, 'GET', `/goals?broadcaster_id=${b}`)).body.data[0]).toMatchObject({
      type: 'follower',
      target_amount: 100,
    });
    mock.external.progressGoal(b, (goal.state as Array<{ id: string }>)[0]!.id, 50);
    expect((await helix(mock, token, 'GET', `/goals?broadcaster_id=${b}`)).body.data[0].current_amount).toBe(50);

    mock.external.subscribe(b, mock.users[1]!.id, { tier: '3000' });
    mock.external.subscribe(b, mock.users[2]!.id, { gifterId: mock.users[3]!.id });
    const subs = await helix(mock, token, 'GET', `/subscriptions?broadcaster_id=${b}`);
    expect(subs.body).toMatchObject({ total: 2, points: 7 });
    const viewer = mock.createUserToken({ userId: mock.users[2]!.id }).accessToken;
    expect(
      (await helix(mock, viewer, 'GET', `/subscriptions/user?broadcaster_id=${b}&user_id=${mock.users[2]!.id}`)).body
        .data[0].is_gift,
    ).toBe(true);
    mock.external.unsubscribe(b, mock.users[2]!.id);
    expect(
      (await helix(mock, viewer, 'GET', `/subscriptions/user?broadcaster_id=${b}&user_id=${mock.users[2]!.id}`)).status,
    ).toBe(404);

    mock.external.hypeTrainContribute(b, mock.users[1]!.id, 1500);
    expect(
      (await helix(mock, token, 'GET', `/hypetrain/status?broadcaster_id=${b}`)).body.data[0].current,
    ).toMatchObject({ level: 2, total: 1500 });
    mock.external.endHypeTrain(b);
    const after = (await helix(mock, token, 'GET', `/hypetrain/status?broadcaster_id=${b}`)).body.data[0];
    expect(after.current).toBeNull();
    expect(after.all_time_high).toMatchObject({ level: 2, total: 1500 });

    mock.external.addEmote(b, 'streamerHype');
    expect((await helix(mock, mock.appToken, 'GET', `/chat/emotes?broadcaster_id=${b}`)).body.data[0].name).toBe(
      'streamerHype',
    );
  });

  it('schedule: 404 when empty, segment create/update/delete, vacation', async () => {
    expect((await helix(mock, mock.appToken, 'GET', `/schedule?broadcaster_id=${b}`)).status).toBe(404);
    const created = await helix(mock, token, 'POST', `/schedule/segment?broadcaster_id=${b}`, {
      start_time: '2030-01-01T18:00:00Z',
      timezone: 'UTC',
      duration: '60',
      title: 'Dev',
    });
    expect(created.status).toBe(200);
    const id = created.body.data.segments[0].id;
    expect(created.body.data.segments[0].end_time).toBe('2030-01-01T19:00:00.000Z');
    const upd = await helix(
      mock,
      token,
      'PATCH',
      `/schedule/segment?broadcaster_id=${b}&id=${encodeURIComponent(id)}`,
      { title: 'Dev 2' },
    );
    expect(upd.body.data.segments[0].title).toBe('Dev 2');
    expect((await helix(mock, mock.appToken, 'GET', `/schedule?broadcaster_id=${b}`)).body.data.segments).toHaveLength(
      1,
    );
    expect(
      (await helix(mock, token, 'DELETE', `/schedule/segment?broadcaster_id=${b}&id=${encodeURIComponent(id)}`)).status,
    ).toBe(204);
    expect(
      (
        await helix(
          mock,
          token,
          'PATCH',
          `/schedule/settings?broadcaster_id=${b}&is_vacation_enabled=true&vacation_start_time=2030-02-01T00:00:00Z&vacation_end_time=2030-02-10T00:00:00Z&timezone=UTC`,
        )
      ).status,
    ).toBe(204);
    expect(
      (await helix(mock, mock.appToken, 'GET', `/schedule?broadcaster_id=${b}`)).body.data.vacation,
    ).not.toBeNull();
  });
});
