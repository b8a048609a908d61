/**
 * Several instances of an app on one user token (each its own listener, as separate processes are) keep each other's
 * enabled WebSocket subscriptions: only disabled subscriptions of dead sessions are orphans to delete.
 */

import { type EventSubApi, EventSubWebSocketListener, type SubscriptionSpec } from '@twitchify/eventsub';
import { describe, expect, it } from 'vitest';
import { emulatorPerTest, fastBackoff, until, userApi } from './support.js';

interface HeldSub {
  id: string;
  status: string;
  transport: { method: string; session_id?: string };
}

describe('listeners of one user token', () => {
  const env = emulatorPerTest();

  /** A listener on `api` (shared: the same user token) that records the titles of channel.update events. */
  function peer(api: EventSubApi, spec: SubscriptionSpec, reconnect = true) {
    const l = new EventSubWebSocketListener({
      api,
      url: env.mock.urls.eventsubWs,
      keepaliveTimeoutSeconds: 10,
      reconnectStrategy: reconnect ? fastBackoff : () => null,
      retryStrategy: fastBackoff,
    });
    env.onStop(() => l.stop());
    l.add(spec);
    const titles: string[] = [];
    l.on('channel.update@2', (e) => titles.push(e.title));
    return { l, titles };
  }

  const held = () => env.mock.eventsub.subscriptions() as unknown as HeldSub[];
  const enabledSessions = () =>
    held()
      .filter((s) => s.status === 'enabled')
      .map((s) => s.transport.session_id)
      .sort();
  const sessionOf = (l: EventSubWebSocketListener) => l.connections()[0]?.sessionId;
  /** The listener is connected and reconciled on a session other than `before`. */
  const reconciledOnNewSession = (l: EventSubWebSocketListener, before: string | undefined) => {
    const session = sessionOf(l);
    return !!session && session !== before && l.active().some((s) => s.transport.sessionId === session);
  };

  it('keep each other’s enabled subscriptions through reconciles and reconnects, and both get events', async () => {
    const b = env.mock.users[0]!.id;
    const spec: SubscriptionSpec = { type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } };
    const api = userApi(env.mock);
    const a = peer(api, spec);
    const c = peer(api, spec);
    await a.l.start();
    await until('a active', () => a.l.active().length === 1);
    await c.l.start(); // reconciles while a's subscription is enabled on a session c does not know
    await until('c active', () => c.l.active().length === 1);
    expect(enabledSessions()).toEqual([sessionOf(a.l), sessionOf(c.l)].sort());

    // a loses its socket, reconnects and reconciles again: it deletes its own disabled subscription, not c's.
    const aBefore = sessionOf(a.l);
    env.mock.eventsub.dropSocket(aBefore);
    await until('a reconciled on a new session', () => reconciledOnNewSession(a.l, aBefore));
    // And c does the same while a's new subscription is enabled.
    const cBefore = sessionOf(c.l);
    env.mock.eventsub.dropSocket(cBefore);
    await until('c reconciled on a new session', () => reconciledOnNewSession(c.l, cBefore));
    await until('the dead sessions’ subscriptions are deleted', () => held().length === 2);
    expect(enabledSessions()).toEqual([sessionOf(a.l), sessionOf(c.l)].sort());
    expect((await api.listSubscriptions()).every((s) => s.status === 'enabled')).toBe(true);

    // An external change reaches both instances.
    await env.mock.external.updateChannel(b, { title: 'seen by both' });
    await until('a got the event', () => a.titles.includes('seen by both'));
    await until('c got the event', () => c.titles.includes('seen by both'));
  });

  it('a crashed peer’s disabled subscriptions are deleted by the next reconcile, a live peer’s are kept', async () => {
    const b = env.mock.users[0]!.id;
    const spec: SubscriptionSpec = { type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } };
    const api = userApi(env.mock);
    const crashed = peer(api, spec, false); // never reconnects: the process is gone
    const live = peer(api, spec);
    await crashed.l.start();
    await live.l.start();
    await until('both active', () => crashed.l.active().length === 1 && live.l.active().length === 1);
    const crashedSession = sessionOf(crashed.l);
    env.mock.eventsub.dropSocket(crashedSession);
    await until('the crashed session’s subscription is disabled', () =>
      held().some((s) => s.transport.session_id === crashedSession && s.status !== 'enabled'),
    );

    // A restart of the crashed instance: its reconcile deletes the disabled leftover and keeps the live peer's.
    const restarted = peer(api, spec);
    await restarted.l.start();
    await until('restarted active', () => restarted.l.active().length === 1);
    await until('the leftover is deleted', () => held().length === 2);
    expect(held().every((s) => s.status === 'enabled')).toBe(true);
    expect(enabledSessions()).toEqual([sessionOf(live.l), sessionOf(restarted.l)].sort());

    await env.mock.external.updateChannel(b, { title: 'after the restart' });
    await until('live got the event', () => live.titles.includes('after the restart'));
    await until('restarted got the event', () => restarted.titles.includes('after the restart'));
    expect(crashed.titles).not.toContain('after the restart');
  });
});
