/** The emulator's delivery faults are drawn from its seed: the same seed drops and doubles the same notifications. */
import { EventSubWebSocketListener } from '@twitchify/eventsub';
import { expect, it } from 'vitest';
import { emulator, fastBackoff, until, userApi } from './support.js';

async function run(seed: number): Promise<string[]> {
  const mock = await emulator({ seed, events: { delayMs: { min: 0, max: 0 }, dropRate: 0.3, duplicateRate: 0.3 } });
  const b = mock.users[0]!.id;
  const l = new EventSubWebSocketListener({
    api: userApi(mock),
    url: mock.urls.eventsubWs,
    reconnectStrategy: fastBackoff,
  });
  try {
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });
    const got: string[] = [];
    l.onNotification((n) =>
      got.push(`${n.meta.messageId}:${n.kind === 'typed' && 'title' in n.event ? n.event.title : ''}`),
    );
    await l.start();
    for (let i = 0; i < 60; i++) await mock.external.updateChannel(b, { title: `s${i}` });
    // A marker sent without faults after the rest, on the same socket: once it is here, everything before is too.
    mock.setEventDelivery({ dropRate: 0, duplicateRate: 0 });
    await mock.external.updateChannel(b, { title: 'end' });
    await until('marker', () => got.some((g) => g.endsWith(':end')));
    expect(l.stats.duplicates).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(61);
    return got;
  } finally {
    await l.stop();
    await mock.stop();
  }
}

it('replays the same drops, duplicates and message ids for the same seed', async () => {
  const a = await run(11);
  const b = await run(11);
  expect(b).toEqual(a);
  const c = await run(12);
  expect(c).not.toEqual(a);
});
