/**
 * Many concurrent reads share one long-lived AbortSignal (the cache's, aborted when it closes): that must print no
 * MaxListenersExceededWarning, and every request's 'abort' listener must be gone once the request has ended.
 */

import { getEventListeners } from 'node:events';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, Client, type HelixClient } from '../src/index.js';
import { broadcasterClient } from './support.js';

const readers = 50;
let mock: MockServer;
const closers: Array<() => Promise<void>> = [];
let warnings: Error[] = [];
const onWarning = (w: Error) => {
  warnings.push(w);
};

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 11, lag: 0, users: readers + 2 });
  warnings = [];
  process.on('warning', onWarning);
});

afterEach(async () => {
  process.off('warning', onWarning);
  for (const close of closers.splice(0)) await close();
  await mock.stop();
});

const leakWarnings = () => warnings.filter((w) => w.name === 'MaxListenersExceededWarning');
/** Warnings are emitted on a later tick: let them arrive before looking. */
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('one AbortSignal shared by many concurrent requests', () => {
  it(`${readers} concurrent cached reads of distinct keys through a Client print no listener warning`, async () => {
    const b = mock.users[0]!;
    const client = new Client({
      clientId: mock.clientId,
      urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
    });
    closers.push(() => client.close());
    await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
    const ids = mock.users.slice(0, readers).map((u) => u.id);
    expect(new Set(ids).size).toBe(readers);
    const channels = await Promise.all(ids.map((id) => client.channels.get(id)));
    expect(channels.map((c) => c?.broadcasterId)).toEqual(ids);
    await settle();
    expect(leakWarnings()).toEqual([]);
  });

  it(`${readers} concurrent Helix calls on one signal leave no 'abort' listener behind and warn nothing`, async () => {
    const { helix } = broadcasterClient(mock);
    closers.push(() => (helix as HelixClient).close());
    const controller = new AbortController();
    const signal = controller.signal;
    const before = getEventListeners(signal, 'abort').length;
    const ids = mock.users.slice(0, readers).map((u) => u.id);
    const answers = await Promise.all(
      ids.map((id) => helix.channels.getChannelInformation({ broadcasterId: id }, { signal })),
    );
    expect(answers.map((a) => a.data[0]?.broadcasterId)).toEqual(ids);
    // Several rounds: a listener left per request would pile up.
    for (let round = 0; round < 3; round++) {
      await Promise.all(ids.map((id) => helix.users.getUsers({ id }, { signal })));
    }
    await settle();
    expect(getEventListeners(signal, 'abort').length).toBe(before);
    expect(leakWarnings()).toEqual([]);
  });

  it(`aborting the shared signal ends all ${readers} calls in flight with AbortError and leaves no listener`, async () => {
    const { helix } = broadcasterClient(mock);
    closers.push(() => (helix as HelixClient).close());
    // One call first: the token's rate-limit bucket is learnt from its answer, and then all go out at once.
    await helix.users.getUsers({ id: mock.users[0]!.id });
    // Hold every request at the emulator until the test has aborted them.
    mock.faults.inject({ path: '/channels', latencyMs: 2_000, times: readers });
    const controller = new AbortController();
    const signal = controller.signal;
    const ids = mock.users.slice(0, readers).map((u) => u.id);
    const calls = ids.map((id) =>
      helix.channels.getChannelInformation({ broadcasterId: id }, { signal }).then(
        () => 'answered',
        (error: unknown) => error,
      ),
    );
    await until(() => mock.faults.list().length === 0); // all of them reached the emulator
    controller.abort();
    const outcomes = await Promise.all(calls);
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(AbortError);
      expect((outcome as AbortError).cause).toBe(signal.reason);
    }
    expect(getEventListeners(signal, 'abort').length).toBe(0);
    await settle();
    expect(leakWarnings()).toEqual([]);
  });

  it('a call aborted with a reason of its own while queued ends in AbortError whose cause is that reason', async () => {
    const { helix } = broadcasterClient(mock, { concurrency: 1 });
    closers.push(() => (helix as HelixClient).close());
    await helix.users.getUsers({ id: mock.users[0]!.id });
    mock.faults.inject({ path: '/channels', latencyMs: 1_000, times: 1 });
    const holder = helix.channels.getChannelInformation({ broadcasterId: mock.users[0]!.id });
    await until(() => mock.faults.list().length === 0); // the only slot is taken
    const controller = new AbortController();
    const queued = helix.users.getUsers({ id: mock.users[1]!.id }, { signal: controller.signal }).then(
      () => 'answered',
      (error: unknown) => error,
    );
    const reason = new Error('the app gave up');
    controller.abort(reason);
    const outcome = await queued;
    expect(outcome).toBeInstanceOf(AbortError);
    expect((outcome as AbortError).cause).toBe(reason);
    await holder;
  });

  it(`${readers} concurrent batched lookups on one signal warn nothing, leave no listener, and abort together`, async () => {
    const { helix } = broadcasterClient(mock);
    closers.push(() => (helix as HelixClient).close());
    const ids = mock.users.slice(0, readers).map((u) => u.id);
    const shared = new AbortController();
    const users = await Promise.all(ids.map((id) => helix.batch.getUserById(id, { signal: shared.signal })));
    expect(users.map((u) => u?.id)).toEqual(ids);
    expect(getEventListeners(shared.signal, 'abort').length).toBe(0);

    // Waiters stop waiting when the signal aborts (before their batch has even gone out).
    const aborted = new AbortController();
    const waits = ids.map((id) =>
      helix.batch.getChannelInformation(id, { signal: aborted.signal }).then(
        () => 'answered',
        (error: unknown) => error,
      ),
    );
    aborted.abort();
    for (const outcome of await Promise.all(waits)) expect(outcome).toBeInstanceOf(AbortError);
    expect(getEventListeners(aborted.signal, 'abort').length).toBe(0);
    await settle();
    expect(leakWarnings()).toEqual([]);
  });
});

/** Waits until `check` holds (no timed assertion: the test timeout bounds it). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}
