import { describe, expect, it } from 'vitest';
import { SafeEmitter } from '../src/client/emitter.js';
import { SubscriptionPlan } from '../src/client/subscription-plan.js';
import { subscriptionTypes } from '../src/client/websocket-feed.js';
import { catalogEntry } from '../src/index.js';

describe('SafeEmitter', () => {
  it('reports thrown and rejected handler errors and keeps calling the others', async () => {
    const errors: unknown[] = [];
    const firsts: string[] = [];
    const lasts: string[] = [];
    const e = new SafeEmitter<{ x: (n: number) => void }>({
      onHandlerError: (_ev, err) => errors.push(err),
      onFirstListener: (ev) => firsts.push(ev),
      onLastListenerGone: (ev) => lasts.push(ev),
    });
    const seen: number[] = [];
    const off1 = e.on('x', () => {
      throw new Error('sync');
    });
    const off2 = e.on('x', async () => {
      throw new Error('async');
    });
    const off3 = e.on('x', (n) => seen.push(n));
    e.emit('x', 1);
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([1]);
    expect(errors.map((x) => (x as Error).message).sort()).toEqual(['async', 'sync']);
    off1();
    off2();
    expect(lasts).toEqual([]);
    off3();
    expect(firsts).toEqual(['x']);
    expect(lasts).toEqual(['x']);
  });
});

describe('SubscriptionPlan', () => {
  it('subscribes handler types for the channels, and feeds of reads in use within the scopes granted', () => {
    let changes = 0;
    const plan = new SubscriptionPlan(
      {
        clientId: 'app',
        userId: () => '10',
        scopes: () => new Set(['moderator:read:followers']),
        types: subscriptionTypes(),
      },
      undefined,
      () => changes++,
    );
    plan.addHandlerType('channel.follow');
    expect(plan.desired()).toEqual([
      { type: 'channel.follow', version: '2', condition: { broadcaster_user_id: '10', moderator_user_id: '10' } },
    ]);
    expect(plan.feedsFor(catalogEntry('channel')!, '42', undefined)).toEqual([
      'channel.update@2?broadcaster_user_id=42',
    ]);
    // Moderator feeds need moderation:read, which was not granted: the read is TTL-bounded, nothing subscribed.
    expect(plan.feedsFor(catalogEntry('moderators')!, '42', '10')).toEqual([]);
    expect(plan.desired()).toHaveLength(2);
    plan.refuse('channel.update@2?broadcaster_user_id=42');
    expect(plan.feedsFor(catalogEntry('channel')!, '42', undefined)).toEqual([]);
    expect(plan.desired()).toHaveLength(1);
    expect(changes).toBeGreaterThanOrEqual(3);
  });
});
