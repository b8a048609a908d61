/** The emulator's EventSub side as a bare client sees it: welcome, keepalive, close codes, limits, handover. */
import type { MockServer } from '@twitchify/mock';
import { WebSocket } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { emulator, until, userApi } from './support.js';

interface Client {
  ws: WebSocket;
  frames: { metadata: { message_type: string }; payload: { session?: Record<string, unknown> } }[];
  closed?: { code: number };
}

function connect(url: string): Client {
  const ws = new WebSocket(url);
  const c: Client = { ws, frames: [] };
  ws.addEventListener('message', (e) => c.frames.push(JSON.parse(String(e.data))));
  ws.addEventListener('close', (e) => {
    c.closed = { code: e.code };
  });
  return c;
}

const welcomed = (c: Client) =>
  until('welcome', () => c.frames.some((f) => f.metadata.message_type === 'session_welcome'));
const sessionOf = (c: Client) =>
  c.frames.find((f) => f.metadata.message_type === 'session_welcome')!.payload.session as {
    id: string;
    keepalive_timeout_seconds: number;
    reconnect_url: string | null;
  };

describe('emulator EventSub hub', () => {
  let mock: MockServer;
  const clients: Client[] = [];

  beforeEach(async () => {
    mock = await emulator({ eventsub: { subscribeWindowSeconds: 3, reconnectGraceMs: 300, pingIntervalMs: 500 } });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.close();
    await mock.stop();
  });

  const open = (query = '') => {
    const c = connect(`${mock.urls.eventsubWs}${query}`);
    clients.push(c);
    return c;
  };

  it('clamps keepalive_timeout_seconds to 10..600 in the welcome', async () => {
    const low = open('?keepalive_timeout_seconds=2');
    const high = open('?keepalive_timeout_seconds=9000');
    await welcomed(low);
    await welcomed(high);
    expect(sessionOf(low).keepalive_timeout_seconds).toBe(10);
    expect(sessionOf(high).keepalive_timeout_seconds).toBe(600);
    expect(sessionOf(low).reconnect_url).toBeNull();
  });

  it('closes with 4001 on any client message and 4003 when nothing subscribes in the window', async () => {
    const talker = open();
    await welcomed(talker);
    talker.ws.send('hello');
    const idle = open();
    await until('closed', () => talker.closed !== undefined && idle.closed !== undefined);
    expect(talker.closed?.code).toBe(4001);
    expect(idle.closed?.code).toBe(4003);
  });

  it('closes the old socket with 4004 when the client never moves, and disables its subscriptions', async () => {
    const c = open();
    await welcomed(c);
    const api = userApi(mock);
    const sub = await api.createSubscription(
      { type: 'stream.online', version: '1', condition: { broadcaster_user_id: mock.users[0]!.id } },
      { method: 'websocket', sessionId: sessionOf(c).id },
    );
    mock.eventsub.reconnect(sessionOf(c).id);
    await until('reconnect frame', () => c.frames.some((f) => f.metadata.message_type === 'session_reconnect'));
    await until('4004', () => c.closed !== undefined);
    expect(c.closed?.code).toBe(4004);
    const [held] = await api.listSubscriptions();
    expect(held?.id).toBe(sub.id);
    expect(held?.status).toBe('websocket_failed_to_reconnect');
  });

  it('closes with 4002 a client that does not answer pings, and keeps one that does', async () => {
    const deaf = new WsWebSocket(mock.urls.eventsubWs, { autoPong: false });
    const code = new Promise<number>((resolve) => deaf.on('close', (c) => resolve(c)));
    const polite = open();
    expect(await code).toBe(4002);
    await welcomed(polite);
    expect(polite.closed).toBeUndefined();
  });

  it('refuses an unknown reconnect url with 4007', async () => {
    const c = open('?reconnect_id=nope');
    await until('closed', () => c.closed !== undefined);
    expect(c.closed?.code).toBe(4007);
  });

  it('enforces websocket transport rules, 409 on duplicates and 3 connections per user', async () => {
    const api = userApi(mock);
    const socks = [open(), open(), open(), open()];
    for (const s of socks) await welcomed(s);
    const spec = (i: number) => ({
      type: 'stream.online',
      version: '1',
      condition: { broadcaster_user_id: String(i) },
    });
    for (let i = 0; i < 3; i++)
      await api.createSubscription(spec(i), { method: 'websocket', sessionId: sessionOf(socks[i]!).id });
    await expect(
      api.createSubscription(spec(0), { method: 'websocket', sessionId: sessionOf(socks[0]!).id }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      api.createSubscription(spec(9), { method: 'websocket', sessionId: sessionOf(socks[3]!).id }),
    ).rejects.toMatchObject({ status: 429 });
    await expect(
      api.createSubscription(spec(9), { method: 'websocket', sessionId: 'AQoQnothere' }),
    ).rejects.toMatchObject({ status: 400 });
    // Keepalives are sent only when idle: a fresh session has sent only its welcome.
    expect(mock.eventsub.sessions().every((s) => s.framesSent === 1)).toBe(true);
  });
});
