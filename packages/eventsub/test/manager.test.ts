/** The subscription manager's retries and the conduit's create-or-reuse, against the emulator. */

import { type CoverageEvent, EventSubConduitShard, EventSubWebSocketListener } from '@twitchify/eventsub';
import { expect, it } from 'vitest';
import { appApi, emulatorPerTest, fastBackoff, until, userApi } from './support.js';

const env = emulatorPerTest();

it('retries failed creates with backoff and reports the failure as a coverage gap', async () => {
  const b = env.mock.users[0]!.id;
  env.mock.faults.inject({ path: '/eventsub/subscriptions', method: 'POST', status: 503, times: 2 });
  const l = new EventSubWebSocketListener({
    api: userApi(env.mock),
    url: env.mock.urls.eventsubWs,
    reconnectStrategy: fastBackoff,
    retryStrategy: fastBackoff,
  });
  env.onStop(() => l.stop());
  l.add({ type: 'stream.online', version: '1', condition: { broadcaster_user_id: b } });
  const events: CoverageEvent[] = [];
  l.onCoverage((e) => events.push(e));
  await l.start();
  await until('covered after retries', () => l.active().length === 1);
  const covered = events.find((e) => e.type === 'covered');
  expect(covered?.type === 'covered' && covered.closedGap?.reason).toBe('create-failed');
  // One gap from the declaration to the successful create: the failures extend it, they do not split it.
  const uncovered = events.filter((e) => e.type === 'uncovered');
  expect(uncovered.map((e) => e.type === 'uncovered' && e.reason)).toEqual(['create-failed']);
  expect(uncovered[0]?.type === 'uncovered' && uncovered[0].detail).toMatch(/answered 503/);
  expect(uncovered[0]?.type === 'uncovered' && covered?.type === 'covered' && uncovered[0].since).toBe(
    covered?.type === 'covered' && covered.closedGap?.start,
  );
  expect(l.coverage.snapshot()[0]?.gaps).toHaveLength(1);
  const posts = env.mock.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/eventsub/subscriptions'));
  expect(posts.map((r) => r.status)).toEqual([503, 503, 202]);
});

it('creates a conduit when none exists, then reuses it and grows it for the next process', async () => {
  const b = env.mock.users[0]!.id;
  const api = appApi(env.mock);
  const make = () => {
    const s = new EventSubConduitShard({
      api,
      url: env.mock.urls.eventsubWs,
      subscriptions: [{ type: 'stream.online', version: '1', condition: { broadcaster_user_id: b } }],
      reconnectStrategy: fastBackoff,
    });
    env.onStop(() => s.stop());
    return s;
  };
  const first = make();
  await first.start();
  const second = make();
  await second.start();
  expect(second.conduitId).toBe(first.conduitId);
  expect([first.shardId, second.shardId]).toEqual(['0', '1']);
  const conduits = await api.listConduits();
  expect(conduits).toEqual([{ id: first.conduitId, shardCount: 2 }]);
  expect((await api.listSubscriptions()).filter((s) => s.transport.conduitId === first.conduitId)).toHaveLength(1);
  const got: string[] = [];
  for (const s of [first, second]) s.on('stream.online@1', (e) => got.push(e.id));
  for (let i = 0; i < 6; i++)
    env.mock.eventsub.emitExample('stream.online@1', { condition: { broadcaster_user_id: b } });
  await until('six delivered', () => got.length === 6);
});

it('a conduit shard follows session_reconnect without losing its shard or any event', async () => {
  const b = env.mock.users[0]!.id;
  const api = appApi(env.mock);
  const shard = new EventSubConduitShard({
    api,
    url: env.mock.urls.eventsubWs,
    shardCount: 1,
    subscriptions: [{ type: 'stream.online', version: '1', condition: { broadcaster_user_id: b } }],
    reconnectStrategy: fastBackoff,
  });
  env.onStop(() => shard.stop());
  const ids: string[] = [];
  shard.onNotification((n) => ids.push(n.meta.messageId));
  const coverage: CoverageEvent[] = [];
  shard.onCoverage((e) => coverage.push(e));
  await shard.start();
  const session = shard.sessionId!;
  for (let i = 0; i < 5; i++)
    env.mock.eventsub.emitExample('stream.online@1', { condition: { broadcaster_user_id: b } });
  env.mock.eventsub.reconnect(session);
  for (let i = 0; i < 5; i++)
    env.mock.eventsub.emitExample('stream.online@1', { condition: { broadcaster_user_id: b } });
  await until(
    'handover',
    () => env.mock.eventsub.sessions().length === 1 && env.mock.eventsub.sessions()[0]!.status === 'connected',
  );
  for (let i = 0; i < 5; i++)
    env.mock.eventsub.emitExample('stream.online@1', { condition: { broadcaster_user_id: b } });
  await until('fifteen delivered', () => ids.length === 15);
  expect(new Set(ids).size).toBe(15);
  expect((await api.listShards(shard.conduitId!))[0]?.status).toBe('enabled');
  expect(coverage.filter((e) => e.type !== 'covered')).toEqual([]);
});
