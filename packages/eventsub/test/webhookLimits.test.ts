/**
 * The webhook handler's bounds: the Fetch handler reads at most `maxBodyBytes` of a body whatever its Content-Length
 * says (or without one), and a captured request is never delivered twice inside the replay window, however many
 * messages arrive in between; when the id set is full it refuses clearly instead of forgetting.
 */
import { createHmac } from 'node:crypto';
import { type EventSubError, EventSubWebhookHandler } from '@twitchify/eventsub';
import { describe, expect, it } from 'vitest';

const secret = 'a-webhook-secret-of-some-length';

function headers(id: string, body: string, timestamp = new Date().toISOString()) {
  const sig = `sha256=${createHmac('sha256', secret)
    .update(id + timestamp + body)
    .digest('hex')}`;
  return {
    'twitch-eventsub-message-id': id,
    'twitch-eventsub-message-timestamp': timestamp,
    'twitch-eventsub-message-signature': sig,
    'twitch-eventsub-message-type': 'notification',
  } as Record<string, string>;
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
const bytes = new TextEncoder().encode(body);

describe('fetch handler body limit', () => {
  it('stops reading a body without Content-Length once it passes maxBodyBytes', async () => {
    const handler = new EventSubWebhookHandler({ secret, maxBodyBytes: 64 * 1024 });
    let pulled = 0;
    const chunk = new Uint8Array(16 * 1024);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 8 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const request = new Request('http://localhost/twitch', {
      method: 'POST',
      body: stream,
      headers: headers('big', ''),
      duplex: 'half',
    } as RequestInit);
    expect(request.headers.get('content-length')).toBeNull();
    const response = await handler.fetch(request);
    expect(response.status).toBe(413);
    // Read no further than the limit plus the chunks the stream had queued.
    expect(pulled).toBeLessThanOrEqual(64 * 1024 + 4 * chunk.byteLength);
  });

  it('still answers a normal request through the Fetch handler', async () => {
    const handler = new EventSubWebhookHandler({ secret });
    let got = 0;
    handler.on('stream.offline@1', () => got++);
    const response = await handler.fetch(
      new Request('http://localhost/twitch', { method: 'POST', body, headers: headers('ok-1', body) }),
    );
    expect(response.status).toBe(204);
    expect(got).toBe(1);
  });
});

describe('webhook replay window', () => {
  it('refuses a replay after 20 000 newer messages (ids are kept by time, not by count)', () => {
    const handler = new EventSubWebhookHandler({ secret });
    let delivered = 0;
    handler.on('stream.offline@1', () => delivered++);
    const captured = headers('captured', body);
    const get = (h: Record<string, string>) => (n: string) => h[n];
    expect(handler.handle(get(captured), bytes).status).toBe(204);
    for (let i = 0; i < 20_000; i++) handler.handle(get(headers(`m${i}`, body)), bytes);
    expect(delivered).toBe(20_001);
    expect(handler.handle(get(captured), bytes).status).toBe(204); // acknowledged, not delivered
    expect(delivered).toBe(20_001);
    expect(handler.stats.duplicates).toBe(1);
  });

  it('answers 503 BUSY when the id set is full of ids inside the window, and delivers nothing twice', () => {
    let now = Date.now();
    const handler = new EventSubWebhookHandler({ secret, dedupe: { capacity: 100 }, clock: { now: () => now } });
    const errors: EventSubError[] = [];
    handler.onError((e) => errors.push(e));
    let delivered = 0;
    handler.on('stream.offline@1', () => delivered++);
    const get = (h: Record<string, string>) => (n: string) => h[n];
    const at = () => new Date(now).toISOString();
    for (let i = 0; i < 100; i++) expect(handler.handle(get(headers(`a${i}`, body, at())), bytes).status).toBe(204);
    const refused = handler.handle(get(headers('one-too-many', body, at())), bytes);
    expect(refused).toMatchObject({ status: 503, body: 'TWITCHIFY_EVENTSUB_WEBHOOK_BUSY' });
    expect(errors.at(-1)?.code).toBe('TWITCHIFY_EVENTSUB_WEBHOOK_BUSY');
    // The first ids are still remembered: a replay of one is refused, not delivered.
    expect(handler.handle(get(headers('a0', body, at())), bytes).status).toBe(204);
    expect(delivered).toBe(100);
    // Once the oldest ids leave the window (twice the 10-minute age limit), Twitch's retry gets through.
    now += 20 * 60_000 + 1;
    expect(handler.handle(get(headers('one-too-many', body, at())), bytes).status).toBe(204);
    expect(delivered).toBe(101);
  });
});
