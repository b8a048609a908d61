/** The keepalive a welcome names: the client's ask within Twitch's 10 to 600 s, or the emulator's own when set. */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Json, waitFor } from './helpers.js';

const mocks: MockServer[] = [];
afterEach(async () => {
  for (const m of mocks.splice(0)) await m.stop();
});

async function welcomeKeepalive(mock: MockServer, ask?: string): Promise<number> {
  const url = new URL(mock.urls.eventsubWs);
  if (ask !== undefined) url.searchParams.set('keepalive_timeout_seconds', ask);
  const ws = new WebSocket(url);
  const frames: Json[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  try {
    const welcome = await waitFor(() => frames.find((f) => f.metadata.message_type === 'session_welcome'));
    return welcome.payload.session.keepalive_timeout_seconds;
  } finally {
    ws.close();
  }
}

it("names the client's keepalive, moved into Twitch's 10 to 600 s", async () => {
  const mock = await startMock({ port: 0, lag: 0 });
  mocks.push(mock);
  expect(await welcomeKeepalive(mock, '30')).toBe(30);
  expect(await welcomeKeepalive(mock, '2')).toBe(10);
  expect(await welcomeKeepalive(mock, '9000')).toBe(600);
  expect(await welcomeKeepalive(mock)).toBe(10);
});

it('names its own keepalive when one is configured, whatever the client asked', async () => {
  const mock = await startMock({ port: 0, lag: 0, eventsub: { keepaliveSeconds: 10 } });
  mocks.push(mock);
  expect(await welcomeKeepalive(mock, '30')).toBe(10);
  expect(await welcomeKeepalive(mock)).toBe(10);
});
