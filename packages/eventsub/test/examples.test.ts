/**
 * Every `type@version` of the reference, emitted by the emulator over a real socket as Twitch sends it (its docs'
 * examples corrected, each documented alternative, the batched form), decodes into its typed event.
 */

import {
  conditionKeys,
  EventSubConduitShard,
  type EventSubNotification,
  EventSubWebSocketListener,
  isKnownEvent,
  type SubscriptionSpec,
} from '@twitchify/eventsub';
import { type MockServer, variantNames } from '@twitchify/mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appApi, emulator, fastBackoff, until, userApi } from './support.js';

/** Types only an app access token may subscribe to (Twitch refuses them over a user token's WebSocket): a conduit. */
const appOnly = new Set([
  'conduit.shard.disabled@1',
  'drop.entitlement.grant@1',
  'extension.bits_transaction.create@1',
  'user.authorization.grant@1',
  'user.authorization.revoke@1',
]);

let mock: MockServer;
let listener: EventSubWebSocketListener;
let shard: EventSubConduitShard | undefined;
beforeAll(async () => {
  mock = await emulator();
});
afterAll(async () => {
  await listener?.stop();
  await shard?.stop();
  await mock.stop();
});

it('decodes every example into its typed, camelCase event', async () => {
  const keys = Object.keys(conditionKeys) as (keyof typeof conditionKeys)[];
  expect(keys.length).toBe(81);
  const user = mock.users[0]!.id;
  const conditionOf = (key: keyof typeof conditionKeys) =>
    Object.fromEntries(conditionKeys[key].map((k) => [k, k.endsWith('client_id') ? mock.clientId : user]));
  listener = new EventSubWebSocketListener({
    api: userApi(mock),
    url: mock.urls.eventsubWs,
    reconnectStrategy: fastBackoff,
  });
  const viaConduit: SubscriptionSpec[] = [];
  for (const key of keys) {
    const [type, version] = key.split('@') as [string, string];
    const spec = { type, version, condition: conditionOf(key) };
    if (appOnly.has(key)) viaConduit.push(spec);
    else listener.add(spec);
  }
  shard = new EventSubConduitShard({
    api: appApi(mock),
    url: mock.urls.eventsubWs,
    shardCount: 1,
    subscriptions: viaConduit,
    reconnectStrategy: fastBackoff,
  });
  const got = new Map<string, EventSubNotification[]>();
  const record = (n: EventSubNotification) => got.set(n.key, [...(got.get(n.key) ?? []), n]);
  listener.onNotification(record);
  shard.onNotification(record);
  await listener.start();
  await shard.start();
  await until('all subscribed', () => listener.active().length === keys.length - appOnly.size);
  const expected = new Map<string, number>();
  for (const key of keys) {
    // Several examples for some types (channel.moderate@2 has four), and each documented alternative: emit them all.
    const sends = [
      ...[0, 1, 2, 3].map((example) => ({ example })),
      ...variantNames(key).map((variant) => ({ variant })),
    ];
    for (const send of sends) {
      const sent = mock.eventsub.emitExample(key, { condition: conditionOf(key), ...send });
      expect(sent).toBe(1);
      // A batched type's delivery carries two items, each its own notification.
      expected.set(key, (expected.get(key) ?? 0) + (key === 'drop.entitlement.grant@1' ? 2 : 1));
    }
  }
  const total = [...expected.values()].reduce((a, b) => a + b, 0);
  await until('all received', () => [...got.values()].reduce((n, l) => n + l.length, 0) === total);
  for (const key of keys) {
    const list = got.get(key) ?? [];
    expect(list.length, key).toBe(expected.get(key));
    for (const n of list) {
      expect(n.kind, `${key}: ${n.kind === 'malformed' ? n.error.message : ''}`).toBe('typed');
      expect(isKnownEvent(n.key)).toBe(true);
      // camelCase public objects: no snake_case key at the top level.
      if (n.kind === 'typed') expect(Object.keys(n.event).filter((k) => k.includes('_'))).toEqual([]);
    }
  }
  const update = got.get('channel.update@2')?.[0];
  if (update?.kind === 'typed' && update.key === 'channel.update@2') {
    expect(update.event.broadcasterUserId).toBe(user);
    expect(update.event.broadcasterUserLogin).toBe(mock.users[0]!.login);
  }
});
