/**
 * Checks one webhook request the way Twitch asks: HMAC-SHA256 over message id + timestamp + raw body, compared in
 * constant time, and a timestamp no older than 10 minutes. Replays are refused by the receiver's message-id memory.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EventSubWebhookError } from './errors.js';

export interface WebhookHeaders {
  messageId: string;
  messageType: string;
  timestamp: string;
  signature: string;
  retry: string | undefined;
}

const H = {
  id: 'twitch-eventsub-message-id',
  type: 'twitch-eventsub-message-type',
  ts: 'twitch-eventsub-message-timestamp',
  sig: 'twitch-eventsub-message-signature',
  retry: 'twitch-eventsub-message-retry',
};

/** Reads Twitch's headers through `get` (case-insensitive lookups); refuses a request missing one. */
export function readHeaders(get: (name: string) => string | undefined): WebhookHeaders {
  const messageId = get(H.id);
  const messageType = get(H.type);
  const timestamp = get(H.ts);
  const signature = get(H.sig);
  if (!messageId || !messageType || !timestamp || !signature) {
    throw new EventSubWebhookError('TWITCHIFY_EVENTSUB_WEBHOOK_BAD_REQUEST', 'missing Twitch-Eventsub-* headers', 400);
  }
  return { messageId, messageType, timestamp, signature, retry: get(H.retry) };
}

export function verifySignature(secret: string, h: WebhookHeaders, body: Uint8Array): void {
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret)
      .update(h.messageId + h.timestamp)
      .update(body)
      .digest('hex')}`,
  );
  const given = Buffer.from(h.signature);
  // Lengths differ only for malformed signatures; the length of a sha256 hex digest is no secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new EventSubWebhookError('TWITCHIFY_EVENTSUB_WEBHOOK_SIGNATURE', 'signature does not match', 403);
  }
}

export function verifyTimestamp(h: WebhookHeaders, now: number, maxAgeMs: number): void {
  const at = Date.parse(h.timestamp);
  if (!Number.isFinite(at) || Math.abs(now - at) > maxAgeMs) {
    throw new EventSubWebhookError('TWITCHIFY_EVENTSUB_WEBHOOK_STALE', 'timestamp outside the accepted window', 403);
  }
}
