/**
 * Fault matrix, reconnect URLs the Client must not follow: a session_reconnect naming something other than a
 * WebSocket URL, a foreign host, an unreachable host, or the right origin where nothing takes the handover. Each is
 * logged and handled as an ordinary reconnect (a drop, then the configured URL): no crash, no unhandled rejection,
 * no violation of the promises, the Client subscribed again within {@link RESUBSCRIBED_WITHIN_MS} and serving the
 * newest state.
 */
import type { MockServer } from '@twitchify/mock';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../packages/cache/test/helpers.js';
import { expectRowHealthy, runFaultRow } from './harness.js';
import { RESUBSCRIBED_WITHIN_MS, reconnectEach, warned } from './sessions.js';

describe('fault matrix: a session_reconnect to a URL the Client must not follow', () => {
  const origin = (mock: MockServer) => new URL(mock.urls.eventsubWs).host;
  const cases: Array<{ name: string; urls: (mock: MockServer) => Promise<string[]> }> = [
    {
      name: 'not a WebSocket URL (not a URL at all, http://, wss:// on a ws:// origin, javascript:)',
      urls: async (mock) => [
        'not a url',
        `http://${origin(mock)}/ws`,
        `wss://${origin(mock)}/ws`,
        'javascript:alert(1)',
      ],
    },
    {
      name: "a foreign host (another host, Twitch's own while on the emulator, the emulator under another name)",
      urls: async (mock) => [
        'ws://eventsub.attacker.example/ws?reconnect_id=token-in-the-query',
        'wss://eventsub.wss.twitch.tv/ws',
        `ws://localhost:${new URL(mock.urls.eventsubWs).port}/ws`,
      ],
    },
    {
      name: 'an unreachable host (an unroutable address, a port nobody listens on, a name that does not resolve)',
      urls: async () => [
        'ws://10.255.255.1:9/ws',
        `ws://127.0.0.1:${await freePort()}/ws`,
        'ws://eventsub.does-not-resolve.invalid/ws',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, { timeout: 60_000 }, async () => {
      let urls: string[] = [];
      let took: number[] = [];
      const outcome = await runFaultRow({
        name: `session_reconnect to ${c.name}`,
        durationMs: 1500,
        async fault(ctx) {
          urls = await c.urls(ctx.mock);
          took = await reconnectEach(ctx, urls, RESUBSCRIBED_WITHIN_MS);
        },
      });
      expectRowHealthy(outcome);
      expect(took).toHaveLength(urls.length);
      // each refusal is told once, by the drop it becomes (the refused host is at debug)
      const told = warned(outcome.logs, 'EventSub socket closed: 4907 reconnect url refused (client); reconnecting');
      expect(told).toHaveLength(urls.length);
      // a URL's query can carry a token: only its host is logged
      expect(JSON.stringify(outcome.logs)).not.toContain('token-in-the-query');
    });
  }

  it('the right origin where nothing takes the handover (a path that 404s, a reconnect id the emulator refuses)', {
    timeout: 60_000,
  }, async () => {
    const GRACE_MS = 800;
    let urls: string[] = [];
    const outcome = await runFaultRow({
      name: 'session_reconnect to the right origin, handover refused',
      durationMs: 1500,
      // the old socket lives on (and delivers) until Twitch gives up on the handover: shortened for the row
      eventsub: { reconnectGraceMs: GRACE_MS },
      async fault(ctx) {
        const base = new URL(ctx.mock.urls.eventsubWs);
        urls = [`ws://${base.host}/nowhere`, `ws://${base.host}/ws?reconnect_id=not-a-handover`];
        await reconnectEach(ctx, urls, GRACE_MS + RESUBSCRIBED_WITHIN_MS);
      },
    });
    expectRowHealthy(outcome);
    expect(warned(outcome.logs, 'eventsub reconnect socket failed')).toHaveLength(urls.length);
  });
});
