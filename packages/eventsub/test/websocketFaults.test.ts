import {
  type CoverageEvent,
  createUndiciWebSocketFactory,
  EventSubCapacityError,
  EventSubConnectionError,
  type EventSubError,
  type EventSubNotification,
  type Revocation,
} from '@twitchify/eventsub';
import { describe, expect, it } from 'vitest';
import { appApi, emulatorPerTest, until, userApi } from './support.js';

describe('WebSocket faults', () => {
  const env = emulatorPerTest();

  it('reports an unplanned drop as a gap from the drop until the subscription is enabled again', async () => {
    const b = env.mock.users[0]!.id;
    const l = env.listener();
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const events: CoverageEvent[] = [];
    l.onCoverage((e) => events.push(e));
    const titles: string[] = [];
    l.on('channel.update@2', (e) => titles.push(e.title));
    await l.start();
    const firstSession = env.mock.eventsub.sessions()[0]!.id;
    await env.mock.external.updateChannel(b, { title: 'before' });
    await until('before delivered', () => titles.includes('before'));
    const dropAt = Date.now();
    env.mock.eventsub.dropSocket(firstSession);
    await until('covered again', () =>
      events.some((e) => e.type === 'covered' && e.closedGap?.reason === 'disconnected'),
    );
    const uncovered = events.find((e) => e.type === 'uncovered' && e.reason === 'disconnected');
    const covered = events.find((e) => e.type === 'covered' && e.closedGap?.reason === 'disconnected');
    if (covered?.type !== 'covered' || !covered.closedGap || uncovered?.type !== 'uncovered') throw new Error('no gap');
    // The gap starts no later than the drop (at the last frame received) and ends after it.
    expect(covered.closedGap.start).toBeLessThanOrEqual(dropAt);
    expect(covered.closedGap.end).toBeGreaterThanOrEqual(dropAt);
    expect(covered.closedGap.start).toBe(uncovered.since);
    // The subscription is back on a new session, and the old one is disabled on the emulator's side.
    const sessions = env.mock.eventsub.sessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.id).not.toBe(firstSession);
    expect(sessions[0]!.subscriptions).toBe(1);
    await env.mock.external.updateChannel(b, { title: 'after' });
    await until('after delivered', () => titles.includes('after'));
    expect(l.coverage.get(l.coverage.snapshot()[0]!.key)?.gaps.map((g) => g.reason)).toEqual([
      'not-yet-subscribed',
      'disconnected',
    ]);
  });

  it('delivers duplicates once and exposes message timestamps', async () => {
    const b = env.mock.users[0]!.id;
    env.mock.setEventDelivery({ duplicateRate: 1 });
    const l = env.listener();
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const got: EventSubNotification[] = [];
    l.onNotification((n) => got.push(n));
    await l.start();
    for (let i = 0; i < 50; i++) await env.mock.external.updateChannel(b, { title: `d${i}` });
    await until('all received', () => l.stats.delivered + l.stats.duplicates >= 100);
    expect(l.stats.duplicates).toBe(50);
    expect(got).toHaveLength(50);
    expect(new Set(got.map((n) => n.meta.messageId)).size).toBe(50);
    expect(got.every((n) => !Number.isNaN(Date.parse(n.meta.messageTimestamp)))).toBe(true);
  });

  it('tolerates out-of-order delivery: events carry timestamps to reorder by', async () => {
    const b = env.mock.users[0]!.id;
    env.mock.setEventDelivery({ reorderRate: 0.5, delayMs: { min: 0, max: 5 } });
    const l = env.listener();
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const titles: string[] = [];
    l.on('channel.update@2', (e) => titles.push(e.title));
    await l.start();
    for (let i = 0; i < 40; i++) await env.mock.external.updateChannel(b, { title: `o${String(i).padStart(2, '0')}` });
    await until('all received', () => titles.length === 40);
    expect([...titles].sort()).toEqual(Array.from({ length: 40 }, (_, i) => `o${String(i).padStart(2, '0')}`));
  });

  it('reports garbage, truncated, unknown and oversized frames and keeps the socket', async () => {
    const b = env.mock.users[0]!.id;
    const l = env.listener({ maxFrameBytes: 100_000 });
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const errors: EventSubError[] = [];
    l.onError((e) => errors.push(e));
    const titles: string[] = [];
    l.on('channel.update@2', (e) => titles.push(e.title));
    await l.start();
    const id = env.mock.eventsub.sessions()[0]!.id;
    for (const kind of ['json', 'truncated', 'unknown_type', 'huge', 'bad_shape'] as const) {
      env.mock.eventsub.sendMalformed(id, kind);
    }
    await env.mock.external.updateChannel(b, { title: 'still here' });
    await until('event after garbage', () => titles.includes('still here'));
    expect(errors.map((e) => e.code)).toEqual([
      'TWITCHIFY_EVENTSUB_MALFORMED_FRAME',
      'TWITCHIFY_EVENTSUB_MALFORMED_FRAME',
      'TWITCHIFY_EVENTSUB_UNKNOWN_MESSAGE',
      'TWITCHIFY_EVENTSUB_FRAME_TOO_LARGE',
      'TWITCHIFY_EVENTSUB_MALFORMED_FRAME',
    ]);
    expect(env.mock.eventsub.sessions().map((s) => s.id)).toEqual([id]);
  });

  it('bounds frames at the transport: a frame over the hard limit fails the socket, which comes back', async () => {
    const b = env.mock.users[0]!.id;
    const l = env.listener({ webSocketFactory: createUndiciWebSocketFactory({ maxPayloadBytes: 100_000 }) });
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const codes: number[] = [];
    l.onError((e) => {
      if (e instanceof EventSubConnectionError) codes.push(e.closeCode);
    });
    await l.start();
    const id = env.mock.eventsub.sessions()[0]!.id;
    env.mock.eventsub.sendMalformed(id, 'huge');
    await until('back on a new session', () => {
      const now = env.mock.eventsub.sessions();
      return now.length === 1 && now[0]!.id !== id && now[0]!.subscriptions === 1 && l.active().length === 1;
    });
    expect(codes[0]).toBe(1006);
  });

  it('delivers unknown types raw and malformed known events with their raw payload', async () => {
    const b = env.mock.users[0]!.id;
    const l = env.listener();
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const got: EventSubNotification[] = [];
    l.onNotification((n) => got.push(n));
    await l.start();
    // A field of the wrong type: the event is still delivered, as malformed, with the raw event.
    env.mock.eventsub.emitExample('channel.update@2', { condition: { broadcaster_user_id: b }, event: { title: 42 } });
    await until('malformed delivered', () => got.length === 1);
    expect(got[0]?.kind).toBe('malformed');
    if (got[0]?.kind === 'malformed') expect(got[0].raw.title).toBe(42);
  });

  it('surfaces revocations with their reason and reports the gap', async () => {
    const b = env.mock.users[0]!.id;
    const l = env.listener();
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const revocations: Revocation[] = [];
    l.onRevocation((r) => revocations.push(r));
    await l.start();
    const sub = l.active()[0]!;
    env.mock.eventsub.revoke(sub.id, 'authorization_revoked');
    await until('revocation', () => revocations.length === 1);
    expect(revocations[0]?.reason).toBe('authorization_revoked');
    expect(revocations[0]?.subscription.id).toBe(sub.id);
    expect(l.coverage.snapshot()[0]?.openGap?.reason).toBe('revoked');
    expect(l.active()).toHaveLength(0);
  });

  it('reconnects after Twitch close codes 4000, 4005 and 4006 and recreates the subscription', async () => {
    const b = env.mock.users[0]!.id;
    const l = env.listener();
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const codes: number[] = [];
    l.onError((e) => {
      if ('closeCode' in e) codes.push(e.closeCode as number);
    });
    await l.start();
    for (const code of [4000, 4005, 4006]) {
      const id = env.mock.eventsub.sessions()[0]!.id;
      env.mock.eventsub.closeSocket(id, code);
      await until(`back after ${code}`, () => {
        const now = env.mock.eventsub.sessions();
        return now.length === 1 && now[0]!.id !== id && now[0]!.subscriptions === 1 && l.active().length === 1;
      });
    }
    expect(codes).toEqual([4000, 4005, 4006]);
  });

  it('spreads 350 subscriptions of one user over two connections, and refuses what cannot fit', async () => {
    const l = env.listener();
    const specs = Array.from({ length: 350 }, (_, i) => ({
      type: 'channel.update',
      version: '2',
      condition: { broadcaster_user_id: String(100_000 + i) },
    }));
    await l.set(specs);
    await l.start();
    await until('all active', () => l.active().length === 350, 25_000);
    const sessions = env.mock.eventsub.sessions();
    expect(sessions.map((s) => s.subscriptions).sort((a, b) => a - b)).toEqual([50, 300]);
    expect(l.connections()).toHaveLength(2);
    const tooMany = Array.from({ length: 901 }, (_, i) => ({
      type: 'channel.update',
      version: '2',
      condition: { broadcaster_user_id: String(200_000 + i) },
    }));
    await expect(l.set(tooMany)).rejects.toBeInstanceOf(EventSubCapacityError);
    expect(l.active()).toHaveLength(350);
    // What Helix holds for this user is exactly the set: nothing duplicated.
    const held = await userApi(env.mock).listSubscriptions({ status: 'enabled' });
    expect(held).toHaveLength(350);
    void appApi;
  });
});
