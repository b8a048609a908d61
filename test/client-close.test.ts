/**
 * A clean shutdown is quiet: `client.close()` is the app's own doing, so nothing it closes (the Redis connections,
 * the EventSub socket, Helix calls in flight) may count as a failure, trip the Redis circuit breaker or warn. Real
 * emulator, real Redis; the control row kills a redis-server of its own to show the same capture does hear a breaker.
 */
import { randomUUID } from 'node:crypto';
import { Client, type ClientOptions } from '@twitchify/core';
import { type MockServer, startMock } from '@twitchify/mock';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { OwnRedis } from './faults/own-redis.js';
import { deletePrefix, REDIS_URL, until } from './support.js';

const prefix = `t:client-close:${randomUUID().slice(0, 8)}:`;

let mock: MockServer | undefined;
let own: OwnRedis | undefined;

afterEach(async () => {
  await mock?.stop();
  mock = undefined;
  await own?.kill();
  own = undefined;
  await deletePrefix(prefix);
});

/** A logger that keeps every line it is given, level first. */
function capture(): { lines: string[]; logger: NonNullable<ClientOptions['logger']> } {
  const lines: string[] = [];
  const at = (level: string) => (message: string, fields?: unknown) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

const loud = (lines: string[]) => lines.filter((l) => l.startsWith('warn ') || l.startsWith('error '));

/** A Client with handlers (so EventSub is subscribed) that has read through its cache, and reads in flight. */
async function runningClient(
  m: MockServer,
  options: Partial<ClientOptions>,
): Promise<{ client: Client; reads: Promise<unknown>[] }> {
  const client = new Client({
    clientId: m.clientId,
    urls: { helix: m.urls.helix, oauth: m.urls.oauth, eventsubWs: m.urls.eventsubWs },
    logLevel: 'debug',
    ...options,
  });
  const b = m.users[0]!;
  client.on('follow', () => {});
  client.on('channel.update', () => {});
  await client.run({ accessToken: m.createUserToken({ userId: b.id }).accessToken });
  await client.channels.get(b.id);
  await until(() => client.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@')));
  const reads = [...m.users.slice(0, 5)].map((u) => client.users.get(u.id).catch((e: unknown) => e));
  return { client, reads };
}

/** Resolves once Redis lists no connection of the cache's prefix (its data and bus connections are gone). */
async function connectionsGone(url: string, p: string): Promise<void> {
  const r = new Redis(url);
  try {
    await until(async () => !String(await r.client('LIST')).includes(p.replace(/[^\w:.-]/g, '_')));
  } finally {
    r.disconnect();
  }
}

it('closing a Client on Redis logs no warning and trips no circuit breaker', async () => {
  mock = await startMock({ port: 0, seed: 21 });
  const { lines, logger } = capture();
  const { client, reads } = await runningClient(mock, { logger, cache: { redis: { url: REDIS_URL, prefix } } });
  expect(loud(lines)).toEqual([]);
  lines.push('-- close');
  await client.close();
  await Promise.all(reads);
  await connectionsGone(REDIS_URL, prefix);
  // the client side hears its sockets close after the server does: one more turn of I/O
  await new Promise((r) => setTimeout(r, 100));
  const after = lines.slice(lines.indexOf('-- close'));
  expect(loud(after)).toEqual([]);
  expect(after.filter((l) => /breaker/i.test(l))).toEqual([]);
  expect(client.status).toBe('closed');
});

it('control: Redis dying under a running Client is heard as an open breaker by the same capture', async () => {
  mock = await startMock({ port: 0, seed: 22 });
  own = await OwnRedis.onFreePort();
  await own.start();
  const { lines, logger } = capture();
  const { client, reads } = await runningClient(mock, { logger, cache: { redis: { url: own.url, prefix } } });
  await Promise.all(reads);
  await own.kill();
  await until(() => lines.some((l) => l.startsWith('warn cache: redis circuit breaker {"state":"open"}')));
  await client.close();
});

it('closing a Client on the in-process cache logs no warning', async () => {
  mock = await startMock({ port: 0, seed: 23 });
  const { lines, logger } = capture();
  const { client, reads } = await runningClient(mock, { logger });
  lines.push('-- close');
  await client.close();
  await Promise.all(reads);
  await new Promise((r) => setTimeout(r, 100));
  expect(loud(lines)).toEqual([]);
});
