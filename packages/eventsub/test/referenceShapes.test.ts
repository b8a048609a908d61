/**
 * Payloads as Twitch's reference describes them, written here by hand (neither from the emulator nor from the
 * docs' examples): each documented null decodes, the reference wins where the docs' example disagrees, a field that
 * violates the reference is delivered as malformed naming it, and a batched delivery gives one notification per
 * item over WebSocket and webhook, a bad item not holding back the good ones.
 */

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  decodeNotification,
  EventSubDecodeError,
  type EventSubNotification,
  EventSubWebhookHandler,
  type NotificationMeta,
} from '@twitchify/eventsub';
import { describe, expect, it } from 'vitest';
import { emulatorPerTest, until } from './support.js';

const meta = {
  messageId: 'm',
  messageTimestamp: '2024-01-01T00:00:00Z',
  receivedAt: 0,
  via: 'websocket',
} as NotificationMeta;
const decode = (key: string, event: Record<string, unknown>) => decodeNotification(key, event, meta);
const broadcaster = { broadcaster_user_id: '1337', broadcaster_user_login: 'cool', broadcaster_user_name: 'Cool' };

describe('documented nulls', () => {
  it('a permanent ban has ends_at null', () => {
    const n = decode('channel.ban@1', {
      ...broadcaster,
      user_id: '1',
      user_login: 'u',
      user_name: 'U',
      moderator_user_id: '2',
      moderator_user_login: 'm',
      moderator_user_name: 'M',
      reason: '',
      banned_at: '2024-01-01T00:00:00Z',
      ends_at: null,
      is_permanent: true,
    });
    expect(n.kind).toBe('typed');
    if (n.kind === 'typed' && n.key === 'channel.ban@1') expect(n.event.endsAt).toBeNull();
  });

  it('an anonymous cheer and an anonymous sub gift have null users (and a null cumulative total)', () => {
    const user = { user_id: null, user_login: null, user_name: null, is_anonymous: true };
    expect(decode('channel.cheer@1', { ...broadcaster, ...user, message: 'hi', bits: 100 }).kind).toBe('typed');
    const gift = decode('channel.subscription.gift@1', {
      ...broadcaster,
      ...user,
      total: 5,
      tier: '1000',
      cumulative_total: null,
    });
    expect(gift.kind).toBe('typed');
  });

  it("a canceled prediction's end has winning_outcome_id null", () => {
    const n = decode('channel.prediction.end@1', {
      ...broadcaster,
      id: 'p',
      title: 't',
      winning_outcome_id: null,
      outcomes: [{ id: 'o', title: 'Yes', color: 'blue', users: 0, channel_points: 0, top_predictors: [] }],
      status: 'canceled',
      started_at: '2024-01-01T00:00:00Z',
      ended_at: '2024-01-01T00:01:00Z',
    });
    expect(n.kind).toBe('typed');
  });
});

describe('the reference wins over the docs example', () => {
  const adBreak = {
    ...broadcaster,
    requester_user_id: '1337',
    requester_user_login: 'cool',
    requester_user_name: 'Cool',
    started_at: '2024-01-01T00:00:00Z',
  };

  it('channel.ad_break.begin: duration_seconds is an integer and is_automatic a boolean', () => {
    const n = decode('channel.ad_break.begin@1', { ...adBreak, duration_seconds: 60, is_automatic: false });
    expect(n.kind).toBe('typed');
    if (n.kind === 'typed' && n.key === 'channel.ad_break.begin@1') {
      expect(n.event.durationSeconds).toBe(60);
      expect(n.event.isAutomatic).toBe(false);
    }
    // The docs' own example quotes both: by the reference, that is malformed, and the error names the field.
    const docs = JSON.parse(readFileSync(new URL('../../../spec/eventsub-examples.json', import.meta.url), 'utf8'));
    const quoted = decode('channel.ad_break.begin@1', docs['channel.ad_break.begin@1'][0].event);
    expect(quoted.kind).toBe('malformed');
    if (quoted.kind === 'malformed') expect(quoted.error.field).toBe('event.duration_seconds');
    const fractional = decode('channel.ad_break.begin@1', { ...adBreak, duration_seconds: 1.5, is_automatic: true });
    expect(fractional.kind === 'malformed' && fractional.error.field).toBe('event.duration_seconds');
  });

  it('charity campaign events decode in both forms, broadcaster_user_* and broadcaster_*', () => {
    const amount = { value: 100, decimal_places: 2, currency: 'USD' };
    const rest = {
      id: 'c',
      charity_name: 'n',
      charity_description: 'd',
      charity_logo: 'l',
      charity_website: 'w',
      current_amount: amount,
      target_amount: amount,
      started_at: '2024-01-01T00:00:00Z',
    };
    const confirmed = decode('channel.charity_campaign.start@1', { ...broadcaster, ...rest });
    const docs = decode('channel.charity_campaign.start@1', {
      broadcaster_id: '1337',
      broadcaster_login: 'cool',
      broadcaster_name: 'Cool',
      ...rest,
    });
    for (const n of [confirmed, docs]) {
      expect(n.kind).toBe('typed');
      if (n.kind === 'typed' && n.key === 'channel.charity_campaign.start@1') {
        expect(n.event.broadcasterUserId).toBe('1337');
        expect(n.event.broadcasterUserLogin).toBe('cool');
      }
    }
    const neither = decode('channel.charity_campaign.start@1', rest);
    expect(neither.kind === 'malformed' && neither.error.field).toBe('event.broadcaster_user_id');
  });
});

describe('bad input', () => {
  it('names the field: a string where a number is due, a null where none is allowed, a nested field', () => {
    const cheer = { ...broadcaster, user_id: '1', user_login: 'u', user_name: 'U', is_anonymous: false, message: '' };
    const wrongType = decode('channel.cheer@1', { ...cheer, bits: '100' });
    expect(wrongType.kind).toBe('malformed');
    if (wrongType.kind === 'malformed') {
      expect(wrongType.error).toBeInstanceOf(EventSubDecodeError);
      expect(wrongType.error).toMatchObject({ field: 'event.bits', expected: 'a number', got: 'a string' });
      expect(wrongType.error.message).toBe('notification channel.cheer@1: event.bits must be a number, got a string');
      // Delivered with the raw event as it came.
      expect(wrongType.raw.bits).toBe('100');
    }
    const wrongNull = decode('channel.cheer@1', { ...cheer, bits: 1, broadcaster_user_id: null });
    expect(wrongNull.kind === 'malformed' && wrongNull.error.field).toBe('event.broadcaster_user_id');
    // Every field present but the user id, a number (as one docs example prints it).
    const predictor = { user_name: 'U', user_login: 'u', user_id: 5, channel_points_won: 10, channel_points_used: 1 };
    const nested = decode('channel.prediction.end@1', {
      ...broadcaster,
      id: 'p',
      title: 't',
      winning_outcome_id: 'o',
      outcomes: [{ id: 'o', title: 'Yes', color: 'blue', users: 1, channel_points: 1, top_predictors: [predictor] }],
      status: 'resolved',
      started_at: '2024-01-01T00:00:00Z',
      ended_at: '2024-01-01T00:01:00Z',
    });
    expect(nested.kind === 'malformed' && nested.error.field).toBe('event.outcomes[0].top_predictors[0].user_id');
  });

  it('keeps unknown extra fields, camelCased', () => {
    const n = decode('stream.offline@1', { ...broadcaster, brand_new_field: { inner_key: 1 } });
    expect(n.kind === 'typed' && (n.event as unknown as Record<string, unknown>).brandNewField).toEqual({
      innerKey: 1,
    });
  });
});

const grant = (i: number, over: Record<string, unknown> = {}) => ({
  id: `item-${i}`,
  data: {
    organization_id: 'org',
    category_id: 'cat',
    category_name: 'Game',
    campaign_id: 'camp',
    user_id: String(100 + i),
    user_name: 'U',
    user_login: 'u',
    entitlement_id: `ent-${i}`,
    benefit_id: 'b',
    created_at: '2024-01-01T00:00:00Z',
    ...over,
  },
});
const dropSubscription = (method: 'websocket' | 'webhook', sessionId?: string) => ({
  id: 'sub-drop',
  status: 'enabled',
  type: 'drop.entitlement.grant',
  version: '1',
  cost: 0,
  condition: { organization_id: 'org' },
  transport: method === 'webhook' ? { method, callback: 'https://example.com/cb' } : { method, session_id: sessionId },
  created_at: '2024-01-01T00:00:00Z',
});
const batch = [grant(0), grant(1, { user_id: 42 }), grant(2)];

function expectBatch(got: EventSubNotification[]) {
  expect(got.map((n) => n.kind)).toEqual(['typed', 'malformed', 'typed']);
  expect(got.map((n) => n.meta.itemId)).toEqual(['item-0', 'item-1', 'item-2']);
  expect(new Set(got.map((n) => n.meta.messageId)).size).toBe(1);
  const bad = got[1];
  if (bad?.kind === 'malformed') expect(bad.error.field).toBe('events[1].data.user_id');
  const first = got[0];
  if (first?.kind === 'typed' && first.key === 'drop.entitlement.grant@1') expect(first.event.userId).toBe('100');
}

describe('batched drop.entitlement.grant', () => {
  const env = emulatorPerTest();

  it('over WebSocket: one delivery per item, the bad item malformed, the good ones typed', async () => {
    const b = env.mock.users[0]!.id;
    const l = env.listener();
    l.add({ type: 'stream.online', version: '1', condition: { broadcaster_user_id: b } });
    const got: EventSubNotification[] = [];
    l.onNotification((n) => got.push(n));
    await l.start();
    const session = env.mock.eventsub.sessions()[0]!.id;
    env.mock.eventsub.sendFrame(session, {
      metadata: {
        message_id: 'batch-1',
        message_type: 'notification',
        message_timestamp: new Date().toISOString(),
        subscription_type: 'drop.entitlement.grant',
        subscription_version: '1',
      },
      payload: { subscription: dropSubscription('websocket', session), events: batch },
    });
    await until('three deliveries', () => got.length === 3);
    expectBatch(got);
  });

  it('over webhook: answered 204 (never 400), one delivery per item', async () => {
    const secret = 'a-webhook-secret-of-some-length';
    const handler = new EventSubWebhookHandler({ secret });
    const got: EventSubNotification[] = [];
    handler.onNotification((n) => got.push(n));
    const body = JSON.stringify({ subscription: dropSubscription('webhook'), events: batch });
    const ts = new Date().toISOString();
    const sig = `sha256=${createHmac('sha256', secret).update(`batch-2${ts}${body}`).digest('hex')}`;
    const headers: Record<string, string> = {
      'twitch-eventsub-message-id': 'batch-2',
      'twitch-eventsub-message-timestamp': ts,
      'twitch-eventsub-message-signature': sig,
      'twitch-eventsub-message-type': 'notification',
    };
    const answer = handler.handle((n) => headers[n], new TextEncoder().encode(body));
    expect(answer.status).toBe(204);
    expectBatch(got);
  });
});
