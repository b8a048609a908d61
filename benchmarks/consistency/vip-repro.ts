/**
 * A deterministic reproduction of the VIP violations the consistency benchmark counts for Twitchify (run after a
 * build: `npx tsx benchmarks/consistency/vip-repro.ts`). No faults: every event is delivered once, 300 ms late.
 *
 * 1. A VIP is added on twitch.tv (its event is on its way), then the app adds another VIP through the Client. The
 *    write-through builds the new list on the cached one, which lacks the first VIP; when the first VIP's event
 *    arrives, its timestamp is older than the write's, so the cache ignores it: the list lacks that VIP until a
 *    coverage gap or the TTL (10 min), although the Client received the event.
 * 2. The same with a removal on twitch.tv followed by an add through the Client: the removed VIP stays listed.
 * Before them, a control: an external add alone is applied.
 *
 * Prints, per case, whether the Client lists the user as the emulator's truth does, a second after the change (the
 * event was received), with both lists and the events received; exits 1 if a case fails.
 */
import { Client } from '@twitchify/core';
import { startMock } from '@twitchify/mock';

const mock = await startMock({ port: 0, seed: 1, users: 20 });
mock.setEventDelivery({ delayMs: { min: 300, max: 300 }, dropRate: 0, duplicateRate: 0, reorderRate: 0 });
const b = mock.users[0]!.id;
const u = (i: number) => mock.users[i]!.id;
const received: string[] = [];
const client = new Client({
  clientId: mock.clientId,
  urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
  instrument: {
    onEvent: (key, event) => {
      if (key.startsWith('channel.vip')) received.push(`${key} ${(event as { userId: string }).userId}`);
    },
  },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const truth = () => (mock.truth(`vips:${b}`)!.state as { user_id: string }[]).map((x) => x.user_id).sort();
const cached = async () => (await client.channels.getVips(b)).map((x) => x.userId).sort();
let failed = 0;
/** Whether the Client lists user `id` as the truth does (the verdict), with both lists shown. */
const report = async (name: string, id: string) => {
  const got = await cached();
  const want = truth();
  const ok = got.includes(id) === want.includes(id);
  if (!ok) failed++;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${name} (user ${id}): Client ${JSON.stringify(got)}, truth ${JSON.stringify(want)}`,
  );
  console.log(`     events received: ${received.splice(0).join('; ') || 'none'}`);
};

try {
  await client.run({ accessToken: mock.createUserToken({ userId: b }).accessToken });
  await cached();
  // Let the VIP feeds become active (and the settling window of a fresh feed pass).
  for (let i = 0; i < 200 && client.cacheReport().feeds.active.filter((f) => f.includes('vip')).length < 2; i++) {
    await sleep(50);
  }
  await sleep(5500);
  await cached();

  mock.external.addVip(b, u(8));
  await sleep(1000);
  await report('control: an external add alone', u(8));

  mock.external.addVip(b, u(5));
  await client.channels.addVip(b, u(6));
  await sleep(1000);
  await report('external add of user 5, then Client.addVip(user 6)', u(5));

  await client.channels.addVip(b, u(9));
  await sleep(1000);
  received.splice(0);
  mock.external.removeVip(b, u(9));
  await client.channels.addVip(b, u(7));
  await sleep(1000);
  await report('Client.addVip(user 9), later an external removal of user 9, then Client.addVip(user 7)', u(9));
} finally {
  await client.close();
  await mock.stop();
}
process.exit(failed > 0 ? 1 : 0);
