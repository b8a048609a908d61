/**
 * A cached read's `signal` stops the caller's wait, not the Helix load: another read sharing the load still gets its
 * answer, and the answer is stored.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AbortError, type Client } from '../src/index.js';
import { emulatorClient, until } from './support.js';

let mock: MockServer;
let client: Client;

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 9, lag: false });
  client = emulatorClient(mock, { eventsub: false });
});

afterEach(async () => {
  await client.close();
  await mock.stop();
});

it('an aborted read rejects with AbortError while the load it shares goes on', async () => {
  const b = mock.users[0]!;
  await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
  mock.faults.inject({ path: '/channels', method: 'GET', latencyMs: 400, times: 1 });
  const controller = new AbortController();
  const aborted = client.channels.get(b.id, { signal: controller.signal });
  const shared = client.channels.get(b.id);
  await until(() => mock.faults.list().length === 0);
  controller.abort();
  await expect(aborted).rejects.toBeInstanceOf(AbortError);
  expect((await shared)?.broadcasterId).toBe(b.id);
  const before = mock.requests().length;
  expect((await client.channels.get(b.id))?.broadcasterId).toBe(b.id);
  expect(mock.requests().length).toBe(before);
  // a signal aborted before the read: rejected at once
  await expect(client.channels.get(b.id, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
});
