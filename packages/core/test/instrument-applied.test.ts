/**
 * `instrument.onEvent` says the cache holds an event's change: an event whose apply failed is reported to
 * `onEventFailed` (and as an `error`) instead, while the app's handlers still receive it.
 */
import { createCache } from '@twitchify/cache';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { CachePort } from '../src/client/cache-port.js';
import type { Client } from '../src/index.js';
import { emulatorClient, until } from './support.js';

let mock: MockServer;
let client: Client;

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 3, lag: false });
});

afterEach(async () => {
  await client.close();
  await mock.stop();
});

it('an event whose cache apply failed is reported as failed, not as received', async () => {
  const inner = createCache();
  let failing = false;
  // the real cache, every method bound to it, with a record of changes that can be made to fail
  const bound = <T extends object>(target: T, override: (name: string | symbol) => unknown) =>
    new Proxy(target, {
      get: (t, name) => {
        const replaced = override(name);
        if (replaced !== undefined) return replaced;
        const value = Reflect.get(t, name, t) as unknown;
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
  const keys = bound(inner.keys, (name) =>
    name === 'record'
      ? (key: string, change: Parameters<CachePort['keys']['record']>[1]) =>
          failing ? Promise.reject(new Error('apply refused')) : inner.keys.record(key, change)
      : undefined,
  );
  const cache = bound(inner, (name) => (name === 'keys' ? keys : undefined)) as CachePort;
  const received: string[] = [];
  const failed: string[] = [];
  const handled: string[] = [];
  const errors: unknown[] = [];
  client = emulatorClient(mock, {
    cache,
    instrument: {
      onEvent: (key, event) => {
        if (key === 'channel.update@2') received.push((event as { title: string }).title);
      },
      onEventFailed: (key, event) => {
        if (key === 'channel.update@2') failed.push((event as { title: string }).title);
      },
    },
  });
  client.on('error', (e) => errors.push(e));
  client.on('channel.update', (e) => handled.push(e.title));
  const b = mock.users[0]!;
  await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
  await client.channels.get(b.id);
  await until(() => client.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@2?')));

  failing = true;
  mock.external.updateChannel(b.id, { title: 'lost by the cache' });
  await until(() => handled.includes('lost by the cache'));
  expect(failed).toEqual(['lost by the cache']);
  expect(received).toEqual([]);
  expect(errors.some((e) => e instanceof Error && e.message === 'apply refused')).toBe(true);

  failing = false;
  mock.external.updateChannel(b.id, { title: 'held by the cache' });
  await until(() => handled.includes('held by the cache'));
  expect(received).toEqual(['held by the cache']);
  await client.close();
  await inner.close();
});
