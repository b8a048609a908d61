/**
 * Private fields never enter a shared cache entry: Helix shows a user's e-mail address only to that user (with
 * `user:read:email`), and so does `user.update`. Two Clients share one Redis: A reads itself and sees its e-mail;
 * B reads A and never sees it, neither from Helix, nor from the cache, nor after A's user.update; and no Redis
 * key but A's own copy of itself (`user:<A>@<A>`, read by A alone) holds it.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@twitchify/core';
import { type MockServer, startMock } from '@twitchify/mock';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deletePrefix, REDIS_URL, until } from './support.js';

const prefix = `t:private:${randomUUID().slice(0, 8)}:`;
let mock: MockServer;
const clients: Client[] = [];

beforeAll(async () => {
  mock = await startMock({ port: 0, seed: 21, lag: false });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await mock.stop();
  await deletePrefix(prefix);
});

function clientAs(userId: string, scopes: string[]): { client: Client; run: () => Promise<void> } {
  const client = new Client({
    clientId: mock.clientId,
    urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
    cache: { redis: { url: REDIS_URL, prefix } },
  });
  clients.push(client);
  return { client, run: () => client.run({ accessToken: mock.createUserToken({ userId, scopes }).accessToken }) };
}

/** Per Redis key under the prefix, everything stored there as text (strings, hashes, lists, sets, sorted sets). */
async function everythingStored(): Promise<Map<string, string>> {
  const r = new Redis(REDIS_URL);
  try {
    const out = new Map<string, string>();
    for (const key of await r.keys(`*${prefix}*`)) {
      const type = await r.type(key);
      if (type === 'string') out.set(key, String(await r.get(key)));
      else if (type === 'hash') out.set(key, JSON.stringify(await r.hgetall(key)));
      else if (type === 'list') out.set(key, JSON.stringify(await r.lrange(key, 0, -1)));
      else if (type === 'set') out.set(key, JSON.stringify(await r.smembers(key)));
      else if (type === 'zset') out.set(key, JSON.stringify(await r.zrange(key, 0, -1)));
    }
    return out;
  } finally {
    r.disconnect();
  }
}

/** The Redis keys whose contents hold `text`. */
async function keysHolding(text: string): Promise<string[]> {
  return [...(await everythingStored())].filter(([, v]) => v.includes(text)).map(([k]) => k);
}

it("a user's e-mail reaches that user only, never another user's reads nor Redis", async () => {
  const [a, b] = [mock.users[0]!, mock.users[1]!];
  const email = (mock.truth(`user:${a.id}`)!.state as { email: string }).email;
  expect(email).toContain('@');
  const A = clientAs(a.id, ['user:read:email']);
  const B = clientAs(b.id, ['user:read:email']);
  await A.run();
  // A reads itself: Helix shows it its e-mail, and so does every later (cached) read of A's.
  expect((await A.client.users.get(a.id))?.email).toBe(email);
  await until(() => A.client.cacheReport().feeds.active.some((f) => f.startsWith('user.update@1')));
  expect((await A.client.users.get(a.id))?.email).toBe(email);
  expect((await A.client.users.get(a.id))?.email).toBe(email);

  // B reads A: from the cache both processes share, or from Helix; never with A's e-mail.
  await B.run();
  expect((await B.client.users.get(a.id))?.email).toBeUndefined();
  await until(() => B.client.cacheReport().feeds.active.some((f) => f.startsWith('user.update@1')));
  expect((await B.client.users.get(a.id))?.email).toBeUndefined();
  expect((await A.client.users.get(a.id))?.email).toBe(email);
  const helixReads = mock.requests().filter((r) => r.path.endsWith('/users')).length;
  const cached = await B.client.users.get(a.id);
  expect(cached?.id).toBe(a.id);
  expect(cached?.email).toBeUndefined();
  expect(mock.requests().filter((r) => r.path.endsWith('/users')).length).toBe(helixReads);
  expect((await B.client.users.getByLogin(a.login))?.email).toBeUndefined();
  // A's shared entry is in Redis without the e-mail; only A's own key (read by A alone) holds it.
  expect((await keysHolding(a.login)).some((k) => k.includes(`user:${a.id}`) && !k.includes('@'))).toBe(true);
  for (const key of await keysHolding(email)) expect(key).toContain(`user:${a.id}@${a.id}`);

  // A's user.update carries the new e-mail: A's copy takes it, the shared entry does not.
  const next = 'renamed@example.invalid';
  mock.external.updateUser(a.id, { description: 'after the update', email: next });
  await until(async () => (await A.client.users.get(a.id))?.description === 'after the update');
  await until(async () => (await B.client.users.get(a.id))?.description === 'after the update');
  expect((await A.client.users.get(a.id))?.email).toBe(next);
  expect((await B.client.users.get(a.id))?.email).toBeUndefined();
  expect((await keysHolding('after the update')).some((k) => !k.includes('@'))).toBe(true);
  for (const key of [...(await keysHolding(next)), ...(await keysHolding(email))]) {
    expect(key).toContain(`user:${a.id}@${a.id}`);
  }
});
