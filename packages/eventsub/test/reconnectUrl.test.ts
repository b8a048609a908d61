/**
 * session_reconnect is followed only to where the session lives (the configured origin; `wss://` on Twitch's host in
 * production). A URL that is elsewhere, `ws://` to another host, or no URL at all is logged and handled as a drop:
 * the listener reconnects to its configured URL, and nothing throws out of the socket's listener.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventSubConnectionError, RECONNECT_REFUSED_CLOSE_CODE } from '@twitchify/eventsub';
import { describe, expect, it } from 'vitest';
import { emulatorPerTest, until } from './support.js';

describe('session_reconnect URLs', () => {
  const env = emulatorPerTest();

  async function listening(reconnectUrl: (other: string) => string) {
    // A server that counts upgrade attempts: a client that follows a foreign URL would knock here.
    let knocks = 0;
    const other = createServer();
    other.on('upgrade', (_req, socket) => {
      knocks++;
      socket.destroy();
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    env.onStop(() => new Promise<void>((r) => other.close(() => r())));
    const otherUrl = `ws://127.0.0.1:${(other.address() as AddressInfo).port}/ws`;

    const b = env.mock.users[0]!.id;
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => warnings.push(m) };
    const l = env.listener({ logger });
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const codes: number[] = [];
    l.onError((e) => {
      if (e instanceof EventSubConnectionError) codes.push(e.closeCode);
    });
    const titles: string[] = [];
    l.on('channel.update@2', (e) => titles.push(e.title));
    await l.start();
    const first = env.mock.eventsub.sessions()[0]!.id;
    env.mock.eventsub.reconnect(first, reconnectUrl(otherUrl));
    await until('back on a fresh session', () => {
      const now = env.mock.eventsub.sessions().filter((s) => s.status !== 'closed');
      return now.length === 1 && now[0]!.id !== first && now[0]!.subscriptions === 1 && l.active().length === 1;
    });
    await env.mock.external.updateChannel(b, { title: 'after' });
    await until('delivered after', () => titles.includes('after'));
    return { knocks, codes, warnings };
  }

  for (const [name, url] of [
    ['not a URL', () => 'not a url at all'],
    ['a scheme the socket factory refuses', () => 'ftp://127.0.0.1/ws'],
    ['an empty string', () => ''],
  ] as const) {
    it(`survives a reconnect_url that is ${name}, and reconnects as after a drop`, async () => {
      const { codes, warnings } = await listening(url);
      expect(codes).toEqual([RECONNECT_REFUSED_CLOSE_CODE]);
      expect(warnings).toEqual(['EventSub socket closed: 4907 reconnect url refused (client); reconnecting']);
    });
  }

  it('never follows a reconnect_url to another host or port', async () => {
    const { knocks, codes } = await listening((other) => other);
    expect(knocks).toBe(0);
    expect(codes).toEqual([RECONNECT_REFUSED_CLOSE_CODE]);
  });

  it('still follows the emulator own reconnect_url (a handover, no drop)', async () => {
    const b = env.mock.users[0]!.id;
    const l = env.listener();
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const codes: number[] = [];
    l.onError((e) => {
      if (e instanceof EventSubConnectionError) codes.push(e.closeCode);
    });
    await l.start();
    const first = env.mock.eventsub.sessions()[0]!.id;
    const sub = l.active()[0]!.id;
    env.mock.eventsub.reconnect(first);
    await until(
      'handed over',
      () => l.connections()[0]?.status === 'connected' && (env.mock.eventsub.sessions()[0]?.framesSent ?? 0) > 1,
    );
    await until('old socket gone', () => env.mock.eventsub.sessions().length === 1);
    // The same subscription carries over: a handover, not a reconnect.
    expect(l.active()[0]!.id).toBe(sub);
    expect(codes).toEqual([]);
  });
});
