/**
 * Values read from Redis are checked against the catalog's shape of their key before use: valid JSON of the wrong
 * shape (another version of the app, anything else writing there) is reported and read as a miss, never served.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@twitchify/core';
import { type MockServer, startMock } from '@twitchify/mock';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deletePrefix, REDIS_URL } from './support.js';

const prefix = `t:validated:${randomUUID().slice(0, 8)}:`;
let mock: MockServer;
const clients: Client[] = [];
const warnings: string[] = [];

beforeAll(async () => {
  mock = await startMock({ port: 0, seed: 22, lag: false });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await mock.stop();
  await deletePrefix(prefix);
});

/** A Client on the shared prefix that listens to no events (its reads depend on Redis and Helix only). */
async function started(): Promise<Client> {
  const client = new Client({
    clientId: mock.clientId,
    urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
    cache: { redis: { url: REDIS_URL, prefix } },
    eventsub: false,
    logger: {
      debug: () => {},
      info: () => {},
      warn: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`),
      error: () => {},
    },
  });
  clients.push(client);
  await client.run({ accessToken: mock.createUserToken({ userId: mock.users[0]!.id }).accessToken });
  return client;
}

/** Overwrites the base of cache key `key` (the answer stored for everyone) with `json`, in its stored state. */
async function overwrite(key: string, json: string): Promise<number> {
  const r = new Redis(REDIS_URL);
  try {
    let written = 0;
    for (const k of await r.keys(`*${prefix}*m:${key}`)) {
      const stored = await r.hget(k, 's');
      if (stored === null) continue;
      const state = JSON.parse(stored) as { bases: Record<string, { json: unknown }> };
      const base = state.bases[''];
      if (base === undefined) continue;
      base.json = JSON.parse(json);
      await r.hset(k, 's', JSON.stringify(state));
      written++;
    }
    return written;
  } finally {
    r.disconnect();
  }
}

it('a stored value of the wrong shape is a miss, reported, and replaced by a fill', async () => {
  const b = mock.users[0]!;
  const first = await started();
  const channel = await first.channels.get(b.id);
  expect(channel?.broadcasterId).toBe(b.id);
  const user = await first.users.get(mock.users[1]!.id);
  expect(user?.id).toBe(mock.users[1]!.id);

  // valid JSON, wrong shapes: a title that is a number, a user that is a string
  expect(await overwrite(`channel:${b.id}`, JSON.stringify({ ...channel, title: 42 }))).toBe(1);
  expect(await overwrite(`user:${mock.users[1]!.id}`, JSON.stringify('not a user'))).toBe(1);

  // a process that holds nothing in memory reads them: from Helix, never the stored shapes
  const second = await started();
  const loads = mock.requests().length;
  const read = await second.channels.get(b.id);
  expect(read?.title).toBe(channel?.title);
  expect(typeof read?.title).toBe('string');
  expect((await second.users.get(mock.users[1]!.id))?.id).toBe(mock.users[1]!.id);
  expect(mock.requests().length).toBeGreaterThan(loads);
  expect(second.cacheReport().stats?.redis?.decodeErrors).toBeGreaterThanOrEqual(2);
  expect(warnings.some((w) => w.includes('does not decode') && w.includes(`channel:${b.id}`))).toBe(true);

  // the fill replaced them: a third process is served the right shapes from Redis
  const third = await started();
  const before = mock.requests().length;
  expect((await third.channels.get(b.id))?.title).toBe(channel?.title);
  expect(mock.requests().length).toBe(before);
  expect(third.cacheReport().stats?.redis?.decodeErrors).toBe(0);
});
