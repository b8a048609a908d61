/** A silent socket (no keepalive) is declared lost by the watchdog; the listener reconnects and reports the gap. */

import { type CoverageEvent, EventSubWebSocketListener, WATCHDOG_CLOSE_CODE } from '@twitchify/eventsub';
import type { MockServer } from '@twitchify/mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emulator, fastBackoff, until, userApi } from './support.js';

let mock: MockServer;
let listener: EventSubWebSocketListener;
beforeAll(async () => {
  mock = await emulator();
});
afterAll(async () => {
  await listener?.stop();
  await mock.stop();
});

it('reconnects when the socket goes silent past keepalive_timeout_seconds', async () => {
  const b = mock.users[0]!.id;
  listener = new EventSubWebSocketListener({
    api: userApi(mock),
    url: mock.urls.eventsubWs,
    keepaliveTimeoutSeconds: 10,
    reconnectStrategy: fastBackoff,
  });
  listener.add({ type: 'stream.online', version: '1', condition: { broadcaster_user_id: b } });
  const events: CoverageEvent[] = [];
  listener.onCoverage((e) => events.push(e));
  await listener.start();
  const silent = mock.eventsub.sessions()[0]!.id;
  mock.eventsub.silence(silent);
  await until(
    'watchdog reconnect',
    () => events.some((e) => e.type === 'covered' && e.closedGap?.detail?.startsWith(String(WATCHDOG_CLOSE_CODE))),
    25_000,
  );
  expect(listener.active()).toHaveLength(1);
  expect(listener.active()[0]?.transport.sessionId).not.toBe(silent);
}, 30_000);
