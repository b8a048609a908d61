/** The emulator's webhook side: challenge, signed retries with one message id, revocation after repeated failure. */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MockServer } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { appApi, emulator, until } from './support.js';

const secret = 'emulator-webhook-secret';
let mock: MockServer;
let server: Server;
let callback: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let failNotifications = true;

beforeEach(async () => {
  mock = await emulator({ eventsub: { webhookRetries: { attempts: 2, delayMs: 20 } } });
  received.length = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const type = req.headers['twitch-eventsub-message-type'];
      if (type === 'webhook_callback_verification') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(JSON.parse(body).challenge);
      } else res.writeHead(failNotifications ? 500 : 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
});
afterEach(async () => {
  await mock.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it('signs every delivery, retries a failing callback with the same message id, then revokes', async () => {
  const b = mock.users[0]!.id;
  const api = appApi(mock);
  await api.createSubscription(
    { type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } },
    { method: 'webhook', callback, secret },
  );
  await until('verified', async () => (await api.listSubscriptions())[0]?.status === 'enabled');
  await mock.external.updateChannel(b, { title: 'retry me' });
  await until('revoked', async () => (await api.listSubscriptions())[0]?.status === 'notification_failures_exceeded');
  const notes = received.filter((r) => r.headers['twitch-eventsub-message-type'] === 'notification');
  expect(notes).toHaveLength(3);
  expect(new Set(notes.map((n) => n.headers['twitch-eventsub-message-id'])).size).toBe(1);
  expect(notes.map((n) => n.headers['twitch-eventsub-message-retry'])).toEqual(['0', '1', '2']);
  for (const r of received) {
    const h = r.headers as Record<string, string>;
    const sig = createHmac('sha256', secret)
      .update(h['twitch-eventsub-message-id']! + h['twitch-eventsub-message-timestamp']! + r.body)
      .digest('hex');
    expect(h['twitch-eventsub-message-signature']).toBe(`sha256=${sig}`);
    expect(h['twitch-eventsub-subscription-type']).toBe('channel.update');
  }
});

it('marks a subscription whose callback does not echo the challenge as failed', async () => {
  const api = appApi(mock);
  await api.createSubscription(
    { type: 'stream.online', version: '1', condition: { broadcaster_user_id: mock.users[0]!.id } },
    { method: 'webhook', callback: `${callback.replace(/\d+\/cb$/, '1')}/nowhere`, secret },
  );
  await until(
    'verification failed',
    async () => (await api.listSubscriptions())[0]?.status === 'webhook_callback_verification_failed',
  );
  await expect(
    api.createSubscription(
      { type: 'stream.online', version: '1', condition: { broadcaster_user_id: '1' } },
      { method: 'webhook', callback, secret: 'short' },
    ),
  ).rejects.toMatchObject({ status: 400 });
  failNotifications = false;
});
