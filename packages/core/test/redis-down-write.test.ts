/**
 * A write Twitch accepted succeeds even when the Redis cache cannot record it: the error is reported, this process
 * keeps reading its own write, and `run()` told the app that Redis was not connected instead of failing.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { emulatorClient } from './support.js';

let mock: MockServer;
let client: Client;

afterEach(async () => {
  await client?.close();
  await mock?.stop();
});

it('a write whose write-through Redis cannot record resolves, reports the error, and is read back', async () => {
  // Helix lags for longer than the test: only the write itself can show the new title
  mock = await startMock({ port: 0, seed: 8, lag: { '*': { minMs: 60_000, maxMs: 60_000 } } });
  const warnings: string[] = [];
  const log = () => {};
  client = emulatorClient(mock, {
    cache: { redis: { url: 'redis://127.0.0.1:1', prefix: 't:redis-down:' } },
    logger: { debug: log, info: log, warn: (message) => warnings.push(message), error: log },
  });
  const errors: unknown[] = [];
  client.on('error', (e) => errors.push(e));
  const b = mock.users[0]!;
  await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
  expect(warnings.some((w) => /Redis cache is not connected/.test(w))).toBe(true);

  await client.channels.update(b.id, { title: 'written while Redis is down' });
  expect(mock.truth(`channel:${b.id}`)?.state).toMatchObject({ title: 'written while Redis is down' });
  expect(errors.some((e) => (e as { code?: string }).code === 'TWITCHIFY_CACHE_REDIS_UNAVAILABLE')).toBe(true);
  expect((await client.channels.get(b.id))?.title).toBe('written while Redis is down');
}, 20_000);
