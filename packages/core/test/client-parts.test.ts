import { describe, expect, it } from 'vitest';
import { SafeEmitter } from '../src/client/emitter.js';
import { KnownStates } from '../src/client/known-states.js';
import { SubscriptionPlan } from '../src/client/subscription-plan.js';
import { subscriptionTypes } from '../src/client/websocket-feed.js';
import { catalogEntry } from '../src/index.js';

describe('KnownStates', () => {
  const clock = {
    t: 0,
    now() {
      return this.t;
    },
  };
  type S = { title: string; game: string };
  const setTitle = (title: string) => (s: S) => ({ ...s, title });
  const hasTitle = (title: string) => (s: S) => s.title === title;

  it('lays what it knows over a lagging answer, in order, and forgets what the answer agrees with', () => {
    const known = new KnownStates({ clock, windowMs: 1000 });
    known.remember('k', 2, setTitle('b'), hasTitle('b'));
    known.remember('k', 1, setTitle('a'), hasTitle('a'));
    expect(known.overlay('k', { title: 'old', game: 'g' })).toEqual({ title: 'b', game: 'g' });
    // Helix caught up with the first write only: the second is still laid over.
    expect(known.overlay('k', { title: 'a', game: 'g2' })).toEqual({ title: 'b', game: 'g2' });
    // Helix caught up with the newest: everything is forgotten.
    expect(known.overlay('k', { title: 'b', game: 'g3' })).toEqual({ title: 'b', game: 'g3' });
    expect(known.has('k')).toBe(false);
  });

  it('lays over Helix only what the cache has not recorded yet', () => {
    // This process knew title 'a' (at 1) and missed the event of 'b' (at 2), which another process recorded in
    // the cache: Helix may already show 'b', and laying 'a' over it would bring back an older state.
    const known = new KnownStates({ clock, windowMs: 1000 });
    clock.t = 0;
    known.remember('k', 1, setTitle('a'), hasTitle('a'));
    expect(known.overlay('k', { title: 'b', game: '' }, 2).title).toBe('b');
    // Recorded in the cache (at 3, the newest change): its pin holds it, and once the pin ended (Helix agreed with
    // it) Helix may show a newer state whose event was lost, which must not be overridden.
    known.remember('k', 3, setTitle('c'), hasTitle('c'));
    expect(known.overlay('k', { title: 'd', game: '' }, 3).title).toBe('d');
    // Not recorded yet (its change is on its way to the cache): laid over a lagging answer.
    known.remember('k', 4, setTitle('e'), hasTitle('e'));
    expect(known.overlay('k', { title: 'd', game: '' }, 3).title).toBe('e');
    // Without a newest position (the cache could not be asked), everything live is laid over.
    expect(known.overlay('k', { title: 'd', game: '' }).title).toBe('e');
  });

  it('stops overriding Helix once Helix must show the change (its lag bound after the change’s time)', () => {
    // Known at 0 (the change's time), Helix shows changes within 1000 ms: at 1001 an answer that differs is a
    // newer state whose event this process missed (lost, or sent while nobody listened), not Helix lagging.
    const known = new KnownStates({ clock, windowMs: 30_000, lagMs: 1000 });
    clock.t = 500;
    known.remember('k', 0, setTitle('mine'), hasTitle('mine'));
    expect(known.overlay('k', { title: 'older', game: '' }).title).toBe('mine');
    clock.t = 1001;
    expect(known.overlay('k', { title: 'newer', game: '' }).title).toBe('newer');
  });

  it('stops overriding Helix when its window ends', () => {
    const known = new KnownStates({ clock, windowMs: 1000 });
    clock.t = 0;
    known.remember('k', 1, setTitle('mine'), hasTitle('mine'));
    expect(known.latestAt('k')).toBe(1);
    clock.t = 1001;
    expect(known.overlay('k', { title: 'theirs', game: '' }).title).toBe('theirs');
    expect(known.latestAt('k')).toBeUndefined();
  });
});

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
