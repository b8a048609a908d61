/**
 * EventSub decode path alone, in one process, no socket: CPU per frame of `JSON.parse` plus reading the event (raw),
 * against the same frames through `EventSubConnection` and `NotificationReceiver` (frame check, dedupe, decode
 * against the reference, camelCase, typed handler). Alternating, several rounds, medians.
 *
 * Run: npx tsx benchmarks/eventsub-decode.ts [frames=300000] [rounds=5] [only]
 *
 * `only` (`raw`, `twitchify`, or `twitchify-baseline`: the checkout named by `TWITCHIFY_BASELINE`) runs one side alone,
 * for instruction counts (`valgrind --tool=callgrind`, two runs of different lengths).
 */
import type { WebSocketLike } from '../packages/eventsub/src/socket.js';
import { twitchifyEntry } from './servers/entry.js';

const N = Number(process.argv[2] ?? 300_000);
const rounds = Number(process.argv[3] ?? 5);
const only = process.argv[4];
const baseline = only === 'twitchify-baseline';
const { EventSubConnection } = (await import(
  twitchifyEntry('eventsub', baseline, 'connection')
)) as typeof import('../packages/eventsub/src/connection.js');
const { NotificationReceiver } = (await import(
  twitchifyEntry('eventsub', baseline)
)) as typeof import('../packages/eventsub/src/index.js');
const frame = (i: number) =>
  `{"metadata":{"message_id":"m${i}","message_type":"notification","message_timestamp":"2024-01-01T00:00:00.000000000Z",` +
  `"subscription_type":"channel.follow","subscription_version":"2"},"payload":{"subscription":{"id":"sub-follow",` +
  `"status":"enabled","type":"channel.follow","version":"2","cost":0,"condition":{"broadcaster_user_id":"1337",` +
  `"moderator_user_id":"1337"},"transport":{"method":"websocket","session_id":"s"},` +
  `"created_at":"2024-01-01T00:00:00.000000000Z"},"event":{"user_id":"1234","user_login":"cool_user",` +
  `"user_name":"Cool_User","broadcaster_user_id":"1337","broadcaster_user_login":"cooler_user",` +
  `"broadcaster_user_name":"Cooler_User","followed_at":"2024-01-01T00:00:00.000000000Z"}}}`;

let sink = 0;
let offset = 0;
const batch = () => {
  offset += N;
  return Array.from({ length: N }, (_, i) => frame(offset + i));
};

function raw(frames: string[]) {
  for (const f of frames) {
    const m = JSON.parse(f);
    if (m.metadata.message_type === 'notification') sink += m.payload.event.user_name.length;
  }
}

let listener: ((e: { data: unknown }) => void) | undefined;
const socket = {
  readyState: 1,
  addEventListener: (type: string, l: (e: { data: unknown }) => void) => {
    if (type === 'message') listener = l;
  },
  close() {},
} as unknown as WebSocketLike;
const receiver = new NotificationReceiver({});
receiver.on('channel.follow@2', (e) => {
  sink += e.userName.length;
});
const conn = new EventSubConnection({
  url: 'ws://127.0.0.1:1/ws',
  keepaliveTimeoutSeconds: 600,
  factory: () => socket,
  clock: { now: () => Date.now() },
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  maxFrameBytes: 1 << 20,
  welcomeTimeoutMs: 1e9,
  handlers: {
    welcome() {},
    message(msg, at) {
      if (msg.metadata.message_type === 'notification') {
        const m = msg as unknown as { metadata: { message_id: string; message_timestamp: string }; payload: never };
        receiver.receive(m.metadata.message_id, m.metadata.message_timestamp, m.payload, at, 'websocket');
      }
    },
    frameError(e) {
      throw e;
    },
    close() {},
  },
});
conn.open();
listener!({
  data: JSON.stringify({
    metadata: { message_id: 'w', message_type: 'session_welcome', message_timestamp: 'x' },
    payload: { session: { id: 's', status: 'connected', keepalive_timeout_seconds: 600, reconnect_url: null } },
  }),
});
function ours(frames: string[]) {
  for (const f of frames) listener!({ data: f });
}

const cpu = (fn: (f: string[]) => void) => {
  const frames = batch();
  const c = process.cpuUsage();
  fn(frames);
  const u = process.cpuUsage(c);
  return (u.user + u.system) / N;
};
const results: Record<string, number[]> = { raw: [], twitchify: [] };
const runRaw = only === undefined || only === 'raw';
const runOurs = only === undefined || only !== 'raw';
if (runRaw) cpu(raw);
if (runOurs) cpu(ours);
for (let r = 0; r < rounds; r++) {
  if (runRaw) results.raw!.push(cpu(raw));
  if (runOurs) results.twitchify!.push(cpu(ours));
}
conn.close();
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : Number.NaN);
const a = median(results.raw!);
const b = median(results.twitchify!);
console.log(
  JSON.stringify(
    {
      benchmark: 'eventsub-decode',
      frames: N,
      rounds,
      cpuMicrosPerFrame: { raw: +a.toFixed(2), twitchify: +b.toFixed(2) },
      ratio: +(b / a).toFixed(2),
      received: receiver.stats.delivered,
      sink: sink > 0,
    },
    null,
    2,
  ),
);
