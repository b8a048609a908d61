/**
 * Fault matrix, EventSub rows: the socket dropped, silent, asked to reconnect again and again; events duplicated,
 * reordered and lost. Each row: no crash, no unhandled rejection, no violation of the promises, and the Client
 * serving the newest state again afterwards. (Reconnect URLs the Client must not follow: reconnect-url-faults.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { expectRowHealthy, type FaultRow, report, runFaultRow } from './harness.js';
import { liveSession, RESUBSCRIBED_WITHIN_MS, subscribedSession, waitFor, warned } from './sessions.js';

/** The emulator's keepalive in the silent-socket row: Twitch's shortest, so that the watchdog fires soonest. */
const KEEPALIVE_S = 10;
/** When the Client's watchdog gives up on a silent socket: the keepalive plus its slack (20 %, at least 1 s). */
const WATCHDOG_BOUND_MS = KEEPALIVE_S * 1000 + Math.max(1000, KEEPALIVE_S * 200);

/** The rows that need nothing but a fault and the common assertions. */
const plainRows: FaultRow[] = [
  {
    name: 'EventSub socket dropped, three times',
    async fault({ mock, sleep }) {
      // early in the row, so that outside changes go on after the last gap (see the report on a change lost in a
      // gap right after the app's own write)
      for (let i = 0; i < 3; i++) {
        await sleep(150);
        mock.eventsub.dropSocket();
      }
    },
  },
  {
    name: 'reconnect storm (session_reconnect again and again)',
    async fault({ mock, sleep }) {
      for (let i = 0; i < 6; i++) {
        await sleep(150);
        for (const s of mock.eventsub.sessions()) if (s.status === 'connected') mock.eventsub.reconnect(s.id);
      }
    },
  },
  {
    name: 'events duplicated and reordered',
    delivery: { delayMs: { min: 5, max: 120 }, dropRate: 0, duplicateRate: 0.5, reorderRate: 0.5 },
    async fault() {},
  },
  {
    name: 'events lost',
    delivery: { delayMs: { min: 5, max: 40 }, dropRate: 0.3, duplicateRate: 0, reorderRate: 0 },
    async fault() {},
  },
];

describe('fault matrix: EventSub', () => {
  for (const row of plainRows) {
    it(row.name, { timeout: 60_000 }, async () => {
      expectRowHealthy(await runFaultRow(row));
    });
  }

  it('a silent socket (no keepalive, no event) is given up by the watchdog, which reconnects', {
    timeout: 90_000,
  }, async () => {
    let silentFor = 0;
    let silencedId = '';
    const outcome = await runFaultRow({
      name: 'silent socket',
      eventsub: { keepaliveSeconds: KEEPALIVE_S },
      // the workload goes on past the watchdog's reconnect, paced so that the long row stays light
      durationMs: 300 + WATCHDOG_BOUND_MS + 2000,
      readEveryMs: 5,
      async fault({ mock, sleep }) {
        await sleep(300);
        const live = await subscribedSession(mock);
        silencedId = live.id;
        const t0 = performance.now();
        mock.eventsub.silence(live.id);
        await waitFor('a new session after the silence', WATCHDOG_BOUND_MS + RESUBSCRIBED_WITHIN_MS, () =>
          liveSession(mock, live.subscriptions, live.id),
        );
        silentFor = performance.now() - t0;
        report(`silent socket: a new session, subscribed, after ${silentFor.toFixed(0)} ms`);
      },
    });
    expectRowHealthy(outcome);
    // the watchdog, not anything else, ended the silent socket: never before the keepalive ran out
    expect(silentFor).toBeGreaterThanOrEqual(KEEPALIVE_S * 1000);
    // told once, by the drop the watchdog made (the keepalive timeout's details are at debug)
    const told = warned(outcome.logs, 'EventSub socket closed: 4905 keepalive timeout (client watchdog); reconnecting');
    expect(told.map((l) => l.fields?.session)).toEqual([silencedId]);
  });

  it('reconnect storm back to back (each session_reconnect as soon as the last handover is welcomed)', {
    timeout: 60_000,
  }, async () => {
    const STORM = 25;
    let sessionId = '';
    const outcome = await runFaultRow({
      name: 'reconnect storm back to back',
      durationMs: 1500,
      async fault({ mock, sleep }) {
        await sleep(200);
        const live = await subscribedSession(mock);
        sessionId = live.id;
        for (let i = 0; i < STORM; i++) {
          const sent = mock.eventsub.sessions().find((s) => s.id === live.id)?.framesSent ?? 0;
          mock.eventsub.reconnect(live.id);
          // handed over: the session is connected again on the new socket, which got its welcome
          await waitFor(`handover ${i + 1}`, RESUBSCRIBED_WITHIN_MS, () =>
            mock.eventsub.sessions().find((s) => s.id === live.id && s.status === 'connected' && s.framesSent > sent),
          );
        }
      },
    });
    expectRowHealthy(outcome);
    const welcomes = outcome.logs.filter((l) => l.message === 'eventsub session welcomed');
    // every one a handover of the one session: the subscriptions carried over, no gap, no new session
    expect(welcomes.filter((l) => l.fields?.handover === true)).toHaveLength(STORM);
    expect(new Set(welcomes.map((l) => l.fields?.session))).toEqual(new Set([sessionId]));
  });
});
