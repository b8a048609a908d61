/** Webhooks: the emulator's signed deliveries reach the handler; forged, stale and replayed requests are refused. */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EventSubError, EventSubWebhookHandler, type Revocation } from '@twitchify/eventsub';
import type { MockServer } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appApi, emulator, until } from './support.js';

const secret = 'a-webhook-secret-of-some-length';

function signed(body: string, opts: { id?: string; timestamp?: string; type?: string; key?: string } = {}) {
  const id = opts.id ?? `id-${Math.random()}`;
  const timestamp = opts.timestamp ?? new Date().toISOString();
  const sig = `sha256=${createHmac('sha256', opts.key ?? secret)
    .update(id + timestamp + body)
    .digest('hex')}`;
  return {
    'content-type': 'application/json',
    'twitch-eventsub-message-id': id,
    'twitch-eventsub-message-timestamp': timestamp,
    'twitch-eventsub-message-signature': sig,
    'twitch-eventsub-message-type': opts.type ?? 'notification',
    'twitch-eventsub-message-retry': '0',
  };
}

const body = JSON.stringify({
  subscription: {
    id: 'sub-1',
    status: 'enabled',
    type: 'stream.offline',
    version: '1',
    cost: 1,
    condition: { broadcaster_user_id: '1' },
    transport: { method: 'webhook', callback: 'http://x' },
    created_at: '2024-01-01T00:00:00Z',
  },
  event: { broadcaster_user_id: '1', broadcaster_user_login: 'a', broadcaster_user_name: 'A' },
});

describe('EventSubWebhookHandler', () => {
  let mock: MockServer;
  let server: Server;
  let handler: EventSubWebhookHandler;
  let callback: string;
  const titles: string[] = [];
  const errors: EventSubError[] = [];
  const revocations: Revocation[] = [];

  beforeAll(async () => {
    mock = await emulator();
    handler = new EventSubWebhookHandler({ secret });
    handler.on('channel.update@2', (e) => titles.push(e.title));
    handler.onError((e) => errors.push(e));
    handler.onRevocation((r) => revocations.push(r));
    server = createServer((req, res) => void handler.node(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/twitch`;
  });
  afterAll(async () => {
    await mock.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('answers the challenge, receives signed notifications from the emulator, and handles revocation', async () => {
    const b = mock.users[0]!.id;
    const result = await handler.sync(appApi(mock), callback, [
      { type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } },
    ]);
    expect(result.created).toBe(1);
    await until('verified and covered', () => handler.coverage.snapshot()[0]?.coveredSince !== null);
    await until('enabled on twitch', async () => (await appApi(mock).listSubscriptions())[0]?.status === 'enabled');
    await mock.external.updateChannel(b, { title: 'via webhook' });
    await until('delivered', () => titles.includes('via webhook'));
    // A second sync adopts instead of duplicating.
    const again = await handler.sync(appApi(mock), callback, [
      { type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } },
    ]);
    expect([again.adopted, again.created, again.deleted]).toEqual([1, 0, 0]);
    const sub = (await appApi(mock).listSubscriptions())[0]!;
    mock.eventsub.revoke(sub.id, 'user_removed');
    await until('revoked', () => revocations.length === 1);
    expect(revocations[0]?.reason).toBe('user_removed');
    expect(handler.coverage.snapshot()[0]?.openGap?.reason).toBe('revoked');
  });

  it('refuses forged signatures, stale timestamps and replayed ids (node http)', async () => {
    const before = handler.stats.delivered;
    const post = (headers: Record<string, string>, b = body) => fetch(callback, { method: 'POST', headers, body: b });
    const forged = await post(signed(body, { key: 'not-the-secret-at-all' }));
    expect(forged.status).toBe(403);
    const tampered = signed(body);
    expect((await post(tampered, body.replace('"1"', '"2"'))).status).toBe(403);
    const stale = await post(signed(body, { timestamp: new Date(Date.now() - 11 * 60_000).toISOString() }));
    expect(stale.status).toBe(403);
    const headers = signed(body, { id: 'replayed-id' });
    expect((await post(headers)).status).toBe(204);
    expect((await post(headers)).status).toBe(204);
    expect(handler.stats.delivered).toBe(before + 1);
    expect(handler.stats.duplicates).toBeGreaterThanOrEqual(1);
    expect(errors.map((e) => e.code)).toEqual(
      expect.arrayContaining([
        'TWITCHIFY_EVENTSUB_WEBHOOK_SIGNATURE',
        'TWITCHIFY_EVENTSUB_WEBHOOK_STALE',
        'TWITCHIFY_EVENTSUB_WEBHOOK_REPLAY',
      ]),
    );
    expect((await post({ 'content-type': 'application/json' })).status).toBe(400);
    const huge = 'x'.repeat(2 * 1024 * 1024);
    expect((await post(signed(huge), huge)).status).toBe(413);
  });

  it('works with Fetch Request/Response, including the challenge', async () => {
    const challengeBody = JSON.stringify({ challenge: 'pogchamp-kappa', subscription: JSON.parse(body).subscription });
    const res = await handler.fetch(
      new Request('http://local/hook', {
        method: 'POST',
        headers: signed(challengeBody, { type: 'webhook_callback_verification' }),
        body: challengeBody,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('pogchamp-kappa');
    const forged = await handler.fetch(
      new Request('http://local/hook', { method: 'POST', headers: signed(body, { key: 'wrong-secret-123' }), body }),
    );
    expect(forged.status).toBe(403);
  });
});
