/** Every `type@version` in Twitch's examples, emitted by the emulator over a real socket, decodes into its typed event. */

import { conditionKeys, type EventSubNotification, EventSubWebSocketListener, isKnownEvent } from '@twitchify/eventsub';
import type { MockServer } from '@twitchify/mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emulator, fastBackoff, until, userApi } from './support.js';

let mock: MockServer;
let listener: EventSubWebSocketListener;
beforeAll(async () => {
  mock = await emulator();
});
afterAll(async () => {
  await listener?.stop();
  await mock.stop();
});

it('decodes every example into its typed, camelCase event', async () => {
  const keys = Object.keys(conditionKeys) as (keyof typeof conditionKeys)[];
  expect(keys.length).toBe(80);
  const user = mock.users[0]!.id;
  const conditionOf = (key: keyof typeof conditionKeys) =>
    Object.fromEntries(conditionKeys[key].map((k) => [k, k.endsWith('client_id') ? mock.clientId : user]));
  listener = new EventSubWebSocketListener({
    api: userApi(mock),
    url: mock.urls.eventsubWs,
    reconnectStrategy: fastBackoff,
  });
  for (const key of keys) {
    const [type, version] = key.split('@') as [string, string];
    listener.add({ type, version, condition: conditionOf(key) });
  }
  const got = new Map<string, EventSubNotification[]>();
  listener.onNotification((n) => got.set(n.key, [...(got.get(n.key) ?? []), n]));
  await listener.start();
  await until('all subscribed', () => listener.active().length === keys.length);
  let expected = 0;
  for (const key of keys) {
    // Several examples for some types (channel.moderate@2 has four): emit each of them.
    for (let example = 0; example < 4; example++) {
      const sent = mock.eventsub.emitExample(key, { condition: conditionOf(key), example });
      expect(sent).toBe(1);
      expected++;
    }
  }
  await until('all received', () => [...got.values()].reduce((n, l) => n + l.length, 0) === expected);
  for (const key of keys) {
    const list = got.get(key) ?? [];
    expect(list.length, key).toBe(4);
    for (const n of list) {
      expect(n.kind, `${key}: ${n.kind === 'malformed' ? String(n.error.cause) : ''}`).toBe('typed');
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
