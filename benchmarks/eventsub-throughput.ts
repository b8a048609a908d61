/**
 * EventSub over one WebSocket: how many notifications per second the client decodes (envelope + zod + camelCase),
 * deduplicates and dispatches to a typed handler, and the latency from the emulator's send to the handler.
 * Emulator and client share this process (and its event loop), so both numbers include the emulator's own cost.
 *
 * Run: npx tsx benchmarks/eventsub-throughput.ts [events=100000]
 */
import { createEventSubApi, EventSubWebSocketListener } from '../packages/eventsub/src/index.js';
import { startMock } from '../packages/mock/src/index.js';

const total = Number(process.argv[2] ?? 100_000);
const mock = await startMock({ port: 0, seed: 1, lag: 0 });
const b = mock.users[0]!.id;
const token = mock.createUserToken({ userId: b }).accessToken;
const listener = new EventSubWebSocketListener({
  api: createEventSubApi({ clientId: mock.clientId, token: () => token, baseUrl: mock.urls.helix }),
  url: mock.urls.eventsubWs,
  dedupe: { capacity: 10_000 },
});
listener.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } });

let received = 0;
let latencies: number[] = [];
let onCount: (() => void) | undefined;
let target = 0;
listener.on('channel.update@2', (e) => {
  latencies.push(performance.now() - Number(e.title));
  if (++received === target) onCount?.();
});
await listener.start();

const event = (sentAt: number) => ({
  broadcaster_user_id: b,
  broadcaster_user_login: mock.users[0]!.login,
  broadcaster_user_name: mock.users[0]!.displayName,
  title: String(sentAt),
  language: 'en',
  category_id: '509658',
  category_name: 'Just Chatting',
  content_classification_labels: ['MatureGame'],
});
const publish = () =>
  mock.eventsub.publish({
    type: 'channel.update',
    version: '2',
    condition: { broadcaster_user_id: b },
    event: event(performance.now()),
  });
const wait = (n: number) =>
  new Promise<void>((resolve) => {
    target = n;
    onCount = resolve;
    if (received >= n) resolve();
  });

// Throughput: publish in batches of 500, yielding between batches so the socket drains.
const warm = Math.min(5_000, total / 10);
for (let i = 0; i < warm; i++) publish();
await wait(warm);
received = 0;
latencies = [];
const start = performance.now();
for (let sent = 0; sent < total; ) {
  for (let i = 0; i < 500 && sent < total; i++, sent++) publish();
  await new Promise((r) => setImmediate(r));
}
await wait(total);
const seconds = (performance.now() - start) / 1000;
const rss = process.memoryUsage().rss;

// Latency: one event at a time, unloaded, so queueing does not dominate.
received = 0;
latencies = [];
const samples = 5_000;
for (let i = 0; i < samples; i++) {
  publish();
  await wait(i + 1);
}
latencies.sort((x, y) => x - y);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;

console.log(
  JSON.stringify(
    {
      events: total,
      eventsPerSecond: Math.round(total / seconds),
      latencyMs: { samples, p50: +pct(50).toFixed(3), p99: +pct(99).toFixed(3), max: +pct(100).toFixed(3) },
      rssMiB: Math.round(rss / 2 ** 20),
      stats: listener.stats,
      node: process.version,
    },
    null,
    2,
  ),
);
await listener.stop();
await mock.stop();
