import type { EventSubNotification } from '@twitchify/eventsub';
import { describe, expect, it } from 'vitest';
import { emulatorPerTest, until, userApi } from './support.js';

describe('EventSubWebSocketListener against the emulator', () => {
  const env = emulatorPerTest();

  it('subscribes after the welcome and delivers typed events from external changes', async () => {
    const b = env.mock.users[0]!.id;
    const l = env.listener();
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const got: EventSubNotification[] = [];
    l.onNotification((n) => got.push(n));
    const titles: string[] = [];
    l.on('channel.update@2', (e) => titles.push(e.title));
    await l.start();
    expect(l.active()).toHaveLength(1);
    await env.mock.external.updateChannel(b, { title: 'hello from twitch.tv' });
    await until('event delivered', () => titles.length === 1);
    expect(titles).toEqual(['hello from twitch.tv']);
    expect(got[0]?.kind).toBe('typed');
    expect(got[0]?.meta.messageTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('hands over on session_reconnect without losing or duplicating anything', async () => {
    const b = env.mock.users[0]!.id;
    const l = env.listener();
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const titles: string[] = [];
    l.on('channel.update@2', (e) => titles.push(e.title));
    const coverage: string[] = [];
    l.onCoverage((e) => coverage.push(e.type));
    await l.start();
    const before = coverage.length;
    const [session] = env.mock.eventsub.sessions();
    let n = 0;
    // Events before, during and after the handover.
    for (; n < 20; n++) await env.mock.external.updateChannel(b, { title: `t${n}` });
    env.mock.eventsub.reconnect(session!.id);
    for (; n < 40; n++) await env.mock.external.updateChannel(b, { title: `t${n}` });
    await until('handover done', () => env.mock.eventsub.sessions().every((s) => s.status === 'connected'));
    for (; n < 60; n++) await env.mock.external.updateChannel(b, { title: `t${n}` });
    await until('all delivered', () => titles.length >= 60);
    // Delivery delays (20-200 ms by default) straddle the handover; order is not promised, completeness is.
    await new Promise((r) => setTimeout(r, 250));
    expect([...titles].sort()).toEqual(Array.from({ length: 60 }, (_, i) => `t${i}`).sort());
    expect(coverage.length).toBe(before); // no gap reported
    expect(env.mock.eventsub.sessions()).toHaveLength(1);
  });

  it('set() adds and removes the difference on Twitch while running', async () => {
    const b = env.mock.users[0]!.id;
    const l = env.listener();
    const online = { type: 'stream.online', version: '1', condition: { broadcaster_user_id: b } };
    const offline = { type: 'stream.offline', version: '1', condition: { broadcaster_user_id: b } };
    const update = { type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } };
    await l.set([online, offline]);
    await l.start();
    await until('two active', () => l.active().length === 2);
    await l.set([offline, update]);
    await until('swapped', () => l.active().length === 2 && l.active().some((s) => s.type === 'channel.update'));
    const held = await userApi(env.mock).listSubscriptions();
    expect(held.map((s) => s.type).sort()).toEqual(['channel.update', 'stream.offline']);
    expect(
      l.coverage
        .snapshot()
        .map((c) => c.spec.type)
        .sort(),
    ).toEqual(['channel.update', 'stream.offline']);
  });
});
