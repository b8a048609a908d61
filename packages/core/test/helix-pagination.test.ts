import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HelixClient, ValidationError } from '../src/index.js';
import { broadcasterClient } from './support.js';

let mock: MockServer;
let helix: HelixClient;
let broadcasterId: string;

beforeAll(async () => {
  mock = await startMock({ port: 0, seed: 6, lag: false, users: 260 });
  broadcasterId = mock.users[0]!.id;
  for (const user of mock.users.slice(1, 231)) mock.external.follow(broadcasterId, user.id);
  ({ helix } = broadcasterClient(mock));
});
beforeEach(() => mock.clearRequests());
afterAll(async () => {
  await helix?.close();
  await mock?.stop();
});

const calls = (path: string) => mock.requests().filter((r) => r.path === `/helix${path}`);

describe('pagination', () => {
  it('walks every page through the cursor', async () => {
    const ids: string[] = [];
    for await (const follower of helix.channels.getChannelFollowersPaginated({ broadcasterId }))
      ids.push(follower.userId);
    expect(ids).toHaveLength(230);
    expect(new Set(ids).size).toBe(230);
    const pages = calls('/channels/followers');
    expect(pages).toHaveLength(3);
    expect(pages.every((p) => p.query.first === '100')).toBe(true);
  });

  it('`limit` bounds the items and the last page asks only for what is left', async () => {
    const ids: string[] = [];
    for await (const f of helix.channels.getChannelFollowersPaginated({ broadcasterId }, { limit: 150 }))
      ids.push(f.userId);
    expect(ids).toHaveLength(150);
    expect(calls('/channels/followers').map((p) => p.query.first)).toEqual(['100', '50']);
  });

  it('`first` is bounded: a page size over 100 is refused before any request', async () => {
    await expect(helix.channels.getChannelFollowers({ broadcasterId, first: 101 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const iterate = async () => {
      for await (const _ of helix.channels.getChannelFollowersPaginated({ broadcasterId }, { pageSize: 500 })) break;
    };
    await expect(iterate()).rejects.toThrow(/pageSize/);
    expect(calls('/channels/followers')).toHaveLength(0);
  });
});

describe('batched lookups', () => {
  it('concurrent lookups in one tick go out in calls of up to 100', async () => {
    const wanted = mock.users.slice(0, 150);
    const found = await Promise.all(wanted.map((u) => helix.batch.getUserById(u.id)));
    expect(found.map((u) => u?.id)).toEqual(wanted.map((u) => u.id));
    const requests = calls('/users');
    expect(requests).toHaveLength(2);
    const sizes = requests.map((r) => [r.query.id].flat().length).sort((a, b) => b - a);
    expect(sizes).toEqual([100, 50]);
  });

  it('shares one slot per key, resolves unknown keys with undefined, and batches logins case-insensitively', async () => {
    const login = mock.users[3]!.login;
    const [a, b, missing, byLogin] = await Promise.all([
      helix.batch.getUserById(mock.users[1]!.id),
      helix.batch.getUserById(mock.users[1]!.id),
      helix.batch.getUserById('999999999'),
      helix.batch.getUserByLogin(login.toUpperCase()),
    ]);
    expect(a?.id).toBe(mock.users[1]!.id);
    expect(b).toBe(a);
    expect(missing).toBeUndefined();
    expect(byLogin?.login).toBe(login);
    expect(calls('/users')).toHaveLength(2); // one by id, one by login
  });

  it('batches channel information too', async () => {
    const ids = mock.users.slice(0, 30).map((u) => u.id);
    const channels = await Promise.all(ids.map((id) => helix.batch.getChannelInformation(id)));
    expect(channels.map((c) => c?.broadcasterId)).toEqual(ids);
    expect(calls('/channels')).toHaveLength(1);
  });
});

describe('getAll() and collect()', () => {
  it('collect every item of a paginated read (a new walk each time), bounded by limit', async () => {
    const all = await helix.channels.getChannelFollowersPaginated({ broadcasterId }).getAll();
    expect(all).toHaveLength(230);
    const some = await helix.channels.getChannelFollowersPaginated({ broadcasterId }, { limit: 120 }).collect();
    expect(some.map((f) => f.userId)).toEqual(all.slice(0, 120).map((f) => f.userId));
  });
});
