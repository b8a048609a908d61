/**
 * EventSub over one WebSocket: notifications per second that the client decodes (envelope + zod + camelCase),
 * deduplicates and dispatches to a typed handler, and the latency from the emulator's send to the handler.
 *
 * - throughput, split: the emulator runs in a child process (its CPU is not the client's);
 * - throughput and latency, shared: emulator and client in this process; latency is measured one event at a time
 *   (unloaded) with the send time taken just before the emulator writes the frame, on the same clock.
 *
 * Run: npx tsx benchmarks/eventsub-throughput.ts [events=100000]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createEventSubApi, EventSubWebSocketListener } from '../packages/eventsub/src/index.js';
import { startMock } from '../packages/mock/src/index.js';

const total = Number(process.argv[2] ?? 100_000);

interface Target {
  ws: string;
  helix: string;
  clientId: string;
  token: string;
  broadcaster: string;
}

async function listen(t: Target, onEvent: (title: string) => void): Promise<EventSubWebSocketListener> {
  const listener = new EventSubWebSocketListener({
    api: createEventSubApi({ clientId: t.clientId, token: () => t.token, baseUrl: t.helix }),
    url: t.ws,
  });
  listener.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: t.broadcaster } });
  listener.on('channel.update@2', (e) => onEvent(e.title));
  await listener.start();
  return listener;
}

/** Throughput with the emulator in a child process. */
async function split(): Promise<{
  eventsPerSecond: number;
  clientCpuPercent: number;
  clientCpuMicrosPerEvent: number;
}> {
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const script = fileURLToPath(new URL('./eventsub/emulatorProcess.ts', import.meta.url));
  const child = spawn(tsx, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
  const target = JSON.parse(await next()) as Target;
  let received = 0;
  let goal = 0;
  let done: (() => void) | undefined;
  const listener = await listen(target, () => {
    if (++received === goal) done?.();
  });
  const run = async (n: number) => {
    received = 0;
    goal = n;
    const finished = new Promise<void>((r) => {
      done = r;
    });
    child.stdin!.write(`blast ${n}\n`);
    await finished;
  };
  await run(Math.min(5_000, total / 10)); // warm-up
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run(total);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await listener.stop();
  child.stdin!.write('stop\n');
  await new Promise((r) => child.once('exit', r));
  return {
    eventsPerSecond: Math.round(total / (ms / 1000)),
    clientCpuPercent: Math.round(((used.user + used.system) / 1000 / ms) * 100),
    // The client's own cost per event (receive, parse, validate, camelCase, dedupe, dispatch), whatever the sender.
    clientCpuMicrosPerEvent: +((used.user + used.system) / total).toFixed(2),
  };
}

/** Throughput and latency with the emulator in this process. */
async function shared() {
  const mock = await startMock({ port: 0, seed: 1, lag: 0, events: { delayMs: { min: 0, max: 0 } } });
  const b = mock.users[0]!;
  const target: Target = {
    ws: mock.urls.eventsubWs,
    helix: mock.urls.helix,
    clientId: mock.clientId,
    token: mock.createUserToken({ userId: b.id }).accessToken,
    broadcaster: b.id,
  };
  let received = 0;
  let goal = 0;
  let done: (() => void) | undefined;
  let latencies: number[] = [];
  const listener = await listen(target, (title) => {
    latencies.push(performance.now() - Number(title));
    if (++received === goal) done?.();
  });
  const publish = () =>
    mock.eventsub.publish({
      type: 'channel.update',
      version: '2',
      condition: { broadcaster_user_id: b.id },
      event: {
        broadcaster_user_id: b.id,
        broadcaster_user_login: b.login,
        broadcaster_user_name: b.displayName,
        title: String(performance.now()),
        language: 'en',
        category_id: '509658',
        category_name: 'Just Chatting',
        content_classification_labels: ['MatureGame'],
      },
    });
  const waitFor = (n: number) =>
    new Promise<void>((resolve) => {
      goal = n;
      done = resolve;
      if (received >= n) resolve();
    });
  const blast = async (n: number) => {
    received = 0;
    const finished = waitFor(n);
    for (let sent = 0; sent < n; ) {
      for (let i = 0; i < 500 && sent < n; i++, sent++) publish();
      await new Promise((r) => setImmediate(r));
    }
    await finished;
  };
  await blast(Math.min(5_000, total / 10));
  const start = performance.now();
  await blast(total);
  const eventsPerSecond = Math.round(total / ((performance.now() - start) / 1000));
  received = 0;
  latencies = [];
  const samples = 5_000;
  for (let i = 0; i < samples; i++) {
    const arrived = waitFor(i + 1);
    publish();
    await arrived;
  }
  latencies.sort((x, y) => x - y);
  const pct = (p: number) =>
    +latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(3);
  const stats = listener.stats;
  await listener.stop();
  await mock.stop();
  return { eventsPerSecond, latencyMs: { samples, p50: pct(50), p99: pct(99), max: pct(100) }, stats };
}

const splitResult = await split();
const sharedResult = await shared();
console.log(
  JSON.stringify(
    {
      events: total,
      split: splitResult,
      shared: sharedResult,
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      node: process.version,
    },
    null,
    2,
  ),
);
