import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HelixClient, HelixError, NetworkError } from '../src/index.js';
import { broadcasterClient } from './support.js';

let mock: MockServer;
let helix: HelixClient;
let broadcasterId: string;

beforeAll(async () => {
  mock = await startMock({ port: 0, seed: 2, lag: false });
  ({ helix, userId: broadcasterId } = broadcasterClient(mock, { retry: { baseDelayMs: 5, maxDelayMs: 20 } }));
  await helix.users.getUsers({ id: broadcasterId });
});
beforeEach(() => {
  mock.faults.clear();
  mock.clearRequests();
});
afterAll(async () => {
  await helix?.close();
  await mock?.stop();
});

const calls = (method: string, path: string) =>
  mock.requests().filter((r) => r.method === method && r.path === `/helix${path}`);

describe('retries', () => {
  it('a 503 on a POST is not repeated: the caller gets HelixError 503 after one attempt', async () => {
    mock.faults.inject({ method: 'POST', path: '/moderation/moderators', status: 503, times: 5 });
    const error = await helix.moderation
      .addChannelModerator({ broadcasterId, userId: mock.users[4]!.id })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HelixError);
    expect((error as HelixError).status).toBe(503);
    expect((error as HelixError).method).toBe('POST');
    expect((error as HelixError).endpoint).toBe('/moderation/moderators');
    expect(calls('POST', '/moderation/moderators')).toHaveLength(1);
  });

  it('a 503 on a PATCH is not repeated either', async () => {
    mock.faults.inject({ method: 'PATCH', path: '/channels', status: 503, times: 5 });
    await expect(helix.channels.modifyChannelInformation({ broadcasterId }, { title: 'x' })).rejects.toBeInstanceOf(
      HelixError,
    );
    expect(calls('PATCH', '/channels')).toHaveLength(1);
  });

  it('a cut connection on a POST reaches the caller as NetworkError, once', async () => {
    mock.faults.inject({ method: 'POST', path: '/moderation/moderators', malformed: 'truncated', times: 5 });
    // A 204 has no body to cut, so use a route that answers with JSON.
    mock.faults.clear();
    mock.faults.inject({ method: 'POST', path: '/moderation/bans', malformed: 'truncated', times: 5 });
    const error = await helix.moderation
      .banUser({ broadcasterId, moderatorId: broadcasterId }, { data: { userId: mock.users[5]!.id, reason: 'x' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(calls('POST', '/moderation/bans')).toHaveLength(1);
  });

  it('GETs are retried on 5xx and on cut connections, then succeed', async () => {
    mock.faults.inject({ method: 'GET', path: '/users', status: 503, times: 2 });
    const answer = await helix.users.getUsers({ id: broadcasterId });
    expect(answer.data[0]!.id).toBe(broadcasterId);
    expect(calls('GET', '/users')).toHaveLength(3);

    mock.clearRequests();
    mock.faults.inject({ method: 'GET', path: '/users', malformed: 'truncated', times: 1 });
    const again = await helix.users.getUsers({ id: broadcasterId });
    expect(again.data[0]!.id).toBe(broadcasterId);
    expect(calls('GET', '/users')).toHaveLength(2);
  });

  it('retries are capped: a GET that keeps failing ends with the last HelixError', async () => {
    mock.faults.inject({ method: 'GET', path: '/users', status: 500 });
    const error = await helix.users.getUsers({ id: broadcasterId }).catch((e: unknown) => e);
    expect((error as HelixError).status).toBe(500);
    expect(calls('GET', '/users')).toHaveLength(4);
  });

  it('a DELETE or PUT answered 5xx is not repeated (Twitch may have acted): the caller gets the 5xx', async () => {
    await helix.moderation.addChannelModerator({ broadcasterId, userId: mock.users[6]!.id });
    mock.faults.inject({ method: 'DELETE', path: '/moderation/moderators', status: 502, times: 1 });
    const error = await helix.moderation
      .removeChannelModerator({ broadcasterId, userId: mock.users[6]!.id })
      .catch((e: unknown) => e);
    expect((error as HelixError).status).toBe(502);
    expect(calls('DELETE', '/moderation/moderators')).toHaveLength(1);

    mock.faults.inject({ method: 'PUT', path: '/users', status: 503, times: 1 });
    const put = await helix.users.updateUser({ description: 'x' }).catch((e: unknown) => e);
    expect((put as HelixError).status).toBe(503);
    expect(calls('PUT', '/users')).toHaveLength(1);
  });

  it('a PUT whose answer was cut off is not repeated either', async () => {
    mock.faults.inject({ method: 'PUT', path: '/users', malformed: 'truncated', times: 1 });
    const error = await helix.users.updateUser({ description: 'y' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(calls('PUT', '/users')).toHaveLength(1);
  });
});
