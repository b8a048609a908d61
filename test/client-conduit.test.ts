/**
 * Instances of an app on one conduit, sharing Redis: each joins as one shard, Twitch hands every event to exactly
 * one of them, and the cache carries it to the others. Real emulator (conduits, app tokens), real Redis.
 */
import { randomUUID } from 'node:crypto';
import { Client, ConfigurationError } from '@twitchify/core';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { deletePrefix, REDIS_URL, until } from './support.js';

const prefix = `t:client-conduit:${randomUUID().slice(0, 8)}:`;

let mock: MockServer;
const clients: Client[] = [];

beforeEach(async () => {
  // Helix lags: a read can only show an outside change through the event that some instance received
  mock = await startMock({ port: 0, seed: 21, lag: { '*': { minMs: 4000, maxMs: 5000 } } });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await mock.stop();
  await deletePrefix(prefix);
});

function instance(): Client {
  const client = new Client({
    clientId: mock.clientId,
    clientSecret: mock.clientSecret,
    urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
    cache: { redis: { url: REDIS_URL, prefix } },
    eventsub: { conduit: {} },
  });
  clients.push(client);
  return client;
}

it('two instances share one conduit: each event reaches one of them, and both read it', async () => {
  const b = mock.users[0]!;
  const token = mock.createUserToken({ userId: b.id }).accessToken;
  const first = instance();
  const second = instance();
  const seen: Record<'first' | 'second', string[]> = { first: [], second: [] };
  first.on('channel.update', (e) => seen.first.push(e.title));
  second.on('channel.update', (e) => seen.second.push(e.title));
  await first.run({ accessToken: token });
  await second.run({ accessToken: token });
  await first.channels.get(b.id);
  await second.channels.get(b.id);
  const covered = (c: Client) => c.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@2?'));
  await until(() => covered(first) && covered(second));

  // The instances' reads differ: the second also reads another channel, then the first starts a read of its own
  // (it reconciles again): neither deletes what the other wants.
  const other = mock.users[1]!;
  await second.channels.get(other.id);
  const feedOf = (c: Client, id: string) => c.cacheReport().feeds.active.some((f) => f.endsWith(`=${id}`));
  await until(() => feedOf(second, other.id));
  await first.users.get(b.id);
  await until(() => first.cacheReport().feeds.active.some((f) => f.startsWith('user.update@')));

  // One subscription per wanted feed on the conduit (not one per instance), all of them kept.
  type Held = { type: string; status: string; condition: Record<string, string>; transport: { method: string } };
  const subs = mock.eventsub.subscriptions() as unknown as Held[];
  const updates = subs.filter((s) => s.type === 'channel.update' && s.status === 'enabled');
  expect(updates.map((s) => s.condition.broadcaster_user_id).sort()).toEqual([b.id, other.id].sort());
  expect(updates.every((s) => s.transport.method === 'conduit')).toBe(true);

  const titles = Array.from({ length: 6 }, (_, i) => `changed on twitch.tv ${i}`);
  for (const title of titles) {
    mock.external.updateChannel(b.id, { title });
    // Both instances read the change, whichever received its event (Helix lags by 4 s at least).
    await until(async () => (await first.channels.get(b.id))?.title === title);
    await until(async () => (await second.channels.get(b.id))?.title === title);
  }
  // Each event was delivered to exactly one instance, and between them they got all of them.
  await until(() => seen.first.length + seen.second.length === titles.length);
  expect([...seen.first, ...seen.second].sort()).toEqual([...titles].sort());
  expect(seen.first.length).toBeGreaterThan(0);
  expect(seen.second.length).toBeGreaterThan(0);

  // One instance stops: its shard is disabled and every later event goes to the one left.
  await second.close();
  // (once the emulator has seen its socket go: an event routed to the shard before that would be Twitch's to lose)
  await until(() => mock.eventsub.sessions().filter((x) => x.status !== 'closed').length === 1);
  const after = seen.first.length;
  for (const title of ['after the second stopped 1', 'after the second stopped 2']) {
    mock.external.updateChannel(b.id, { title });
    await until(async () => (await first.channels.get(b.id))?.title === title);
  }
  // (the handlers run once the cache has the change: wait for them too)
  await until(() => seen.first.length - after === 2);
  expect(seen.first.slice(after)).toEqual(['after the second stopped 1', 'after the second stopped 2']);
});

it('refuses the conduit option without a client secret, with a typed error', () => {
  expect(
    () =>
      new Client({
        clientId: mock.clientId,
        urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
        eventsub: { conduit: {} },
      }),
  ).toThrow(ConfigurationError);
});
