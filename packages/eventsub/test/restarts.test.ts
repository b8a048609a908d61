/** Restarting the process (a new listener each time, the old one gone without cleanup) leaves exactly the wanted set. */

import { EventSubWebSocketListener, type SubscriptionSpec, specKey } from '@twitchify/eventsub';
import type { MockServer } from '@twitchify/mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emulator, fastBackoff, until, userApi } from './support.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await emulator();
});
afterAll(async () => {
  await mock.stop();
});

it('five restarts leave exactly the desired subscriptions, with no duplicate or orphan', async () => {
  const b = mock.users[0]!.id;
  const mod = mock.users[1]!.id;
  const wanted: SubscriptionSpec[] = [
    { type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } },
    { type: 'stream.online', version: '1', condition: { broadcaster_user_id: b } },
    { type: 'stream.offline', version: '1', condition: { broadcaster_user_id: b } },
    { type: 'channel.follow', version: '2', condition: { broadcaster_user_id: b, moderator_user_id: mod } },
  ];
  const api = userApi(mock);
  for (let run = 0; run < 5; run++) {
    // Each run wants a slightly different set, as a deployed app does between versions.
    const specs = run === 2 ? wanted.slice(0, 2) : wanted;
    const l = new EventSubWebSocketListener({ api, url: mock.urls.eventsubWs, reconnectStrategy: fastBackoff });
    await l.set(specs);
    await l.start();
    await until(`run ${run} active`, () => l.active().length === specs.length);
    const held = await api.listSubscriptions();
    expect(
      held
        .filter((s) => s.status === 'enabled')
        .map((s) => `${s.type}@${s.version}`)
        .sort(),
    ).toEqual(specs.map((s) => `${s.type}@${s.version}`).sort());
    // Nothing else remains: the previous run's subscriptions (disabled when its socket died) were deleted.
    expect(held).toHaveLength(specs.length);
    if (run < 4) mock.eventsub.dropSocket(); // the process dies: no unsubscribe, no goodbye
    await l.stop();
  }
  const last = new EventSubWebSocketListener({ api, url: mock.urls.eventsubWs, reconnectStrategy: fastBackoff });
  await last.set(wanted);
  await last.start();
  await until('last run active', () => last.active().length === wanted.length);
  const final = await api.listSubscriptions();
  expect(
    final
      .map((s) => specKey({ type: s.type, version: s.version, condition: s.condition as Record<string, string> }))
      .sort(),
  ).toEqual(wanted.map(specKey).sort());
  // A clean shutdown deletes what it created.
  await last.stop({ unsubscribe: true });
  expect(await api.listSubscriptions()).toEqual([]);
});
