/**
 * The fault matrix's view of the Client's EventSub sessions, as the emulator sees them: waiting until the Client is
 * subscribed (again), sending it session_reconnects, and reading what it logged.
 */
import type { HubSessionInfo, MockServer } from '@twitchify/mock';
import { type FaultContext, report } from './harness.js';

/**
 * Stated bound after a refused reconnect URL: the Client treats it as a drop, so its first backoff delay (at most
 * 0.5 s), a welcome and the re-creation of its subscriptions; generous, as the machine is shared.
 */
export const RESUBSCRIBED_WITHIN_MS = 10_000;

/** Polls `probe` every 20 ms until it answers, or throws after `withinMs`. */
export async function waitFor<T>(what: string, withinMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The Client's session once it is connected and holds `subscriptions` (at least one), other than `not`. */
export function liveSession(mock: MockServer, subscriptions: number, not?: string): HubSessionInfo | undefined {
  return mock.eventsub
    .sessions()
    .find((s) => s.status === 'connected' && s.id !== not && s.subscriptions >= Math.max(1, subscriptions));
}

/** The Client's first session holding subscriptions, once there is one (at most {@link RESUBSCRIBED_WITHIN_MS}). */
export function subscribedSession(mock: MockServer): Promise<HubSessionInfo> {
  return waitFor('the Client subscribed', RESUBSCRIBED_WITHIN_MS, () => liveSession(mock, 1));
}

/**
 * Sends a session_reconnect naming each of `urls` in turn, each once the Client is subscribed again on a session
 * of its own; returns how long each took, from the session_reconnect to the Client subscribed again (ms).
 */
export async function reconnectEach(
  { mock, sleep }: FaultContext,
  urls: readonly string[],
  withinMs: number,
): Promise<number[]> {
  await sleep(200);
  const subs = (await subscribedSession(mock)).subscriptions;
  const took: number[] = [];
  for (const url of urls) {
    const before = await waitFor('the Client subscribed', withinMs, () => liveSession(mock, subs));
    const t0 = performance.now();
    mock.eventsub.reconnect(before.id, url);
    await waitFor(`subscribed again after a reconnect to ${url}`, withinMs, () => liveSession(mock, subs, before.id));
    took.push(performance.now() - t0);
    report(`session_reconnect to ${url}: subscribed again after ${took.at(-1)!.toFixed(0)} ms`);
    await sleep(100);
  }
  return took;
}

/** The warnings the Client logged with `message`. */
export const warned = (logs: FaultContext['logs'], message: string) =>
  logs.filter((l) => l.level === 'warn' && l.message === message);
