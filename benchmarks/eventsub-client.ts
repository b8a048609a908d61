/**
 * EventSub receive, measuring the client: a minimal fast server (benchmarks/servers/fast-server.ts, not the emulator)
 * feeds `channel.follow` notifications over one WebSocket to each client in turn, each client in its own process so
 * that CPU and peak RSS are its own:
 *
 * - `raw`: `ws` + `JSON.parse`, reading the event: the floor;
 * - `twitchify`: `EventSubWebSocketListener` as an app uses it (its default undici WebSocket; dedupe, decode against
 *   the reference, camelCase, typed handler); `twitchify-ws`: the same over `ws`, the socket raw uses;
 * - `twurple`: `@twurple/eventsub-ws` 8, when installed;
 * - `twitchify-baseline`: `twitchify` from the checkout named by `TWITCHIFY_BASELINE` (a change against the code
 *   before it, in one run). `TWITCHIFY_ENTRY=dist` loads the built packages, as an app does (servers/entry.ts).
 *
 * Per client and round: events/s over a blast of `events`, client CPU µs per event, then `paced` events at 20,000/s
 * with the send→handler latency (the server stamps each frame with its send time), and the process's peak RSS.
 * Clients alternate, several rounds; medians and ratios to raw are printed and written to
 * benchmarks/results/eventsub-client.json.
 *
 * Run: npx tsx benchmarks/eventsub-client.ts [events=100000] [rounds=3] [paced=20000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './servers/child.js';
import { spread, twitchifyEntry, withBaseline } from './servers/entry.js';

const here = dirname(fileURLToPath(import.meta.url));
const RATE = 20_000;

interface ClientResult {
  eventsPerSecond: number;
  cpuMicrosPerEvent: number;
  /** Client CPU time over wall time during the blast: near 1, the client (not the server) was the limit. */
  clientBusy: number;
  /** The server's CPU per event during the blast (its own process). */
  serverCpuMicrosPerEvent: number;
  pacedP50Ms: number;
  pacedP99Ms: number;
  peakRssMiB: number;
}

// ---------- child: one client ----------
if (process.argv[2] === '--client') {
  const [name, port, eventsArg, pacedArg] = process.argv.slice(3) as [string, string, string, string];
  const events = Number(eventsArg);
  const pacedCount = Number(pacedArg);
  const base = `http://127.0.0.1:${port}`;
  let count = 0;
  let goal = Number.POSITIVE_INFINITY;
  let reached: (() => void) | undefined;
  let latencies: number[] | undefined;
  const onEvent = (userName: string) => {
    if (latencies) latencies.push((performance.timeOrigin + performance.now()) * 1000 - Number(userName));
    if (++count === goal) reached?.();
  };
  const until = (n: number) =>
    new Promise<void>((resolve) => {
      goal = n;
      reached = resolve;
      if (count >= n) resolve();
    });
  const stop = await connect(name, base, onEvent);
  const run = async (kind: 'blast' | 'paced', n: number) => {
    count = 0;
    const done = until(n);
    await fetch(`${base}/control/${kind}?n=${n}&rate=${RATE}`, { method: 'POST' });
    await done;
  };
  await run('blast', Math.min(20_000, events));
  const serverCpu = async () => {
    const u = (await (await fetch(`${base}/control/cpu`)).json()) as { user: number; system: number };
    return u.user + u.system;
  };
  const serverBefore = await serverCpu();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run('blast', events);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const serverUsed = (await serverCpu()) - serverBefore;
  latencies = [];
  await run('paced', pacedCount);
  const sorted = latencies.sort((a, b) => a - b);
  const pct = (p: number) => +(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! / 1000).toFixed(3);
  const result: ClientResult = {
    eventsPerSecond: Math.round(events / seconds),
    cpuMicrosPerEvent: +((used.user + used.system) / events).toFixed(2),
    clientBusy: +((used.user + used.system) / 1e6 / seconds).toFixed(2),
    serverCpuMicrosPerEvent: +(serverUsed / events).toFixed(2),
    pacedP50Ms: pct(0.5),
    pacedP99Ms: pct(0.99),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await stop();
  process.exit(0);
}

async function connect(name: string, base: string, onEvent: (userName: string) => void): Promise<() => Promise<void>> {
  const wsUrl = `${base.replace('http', 'ws')}/ws`;
  if (name === 'raw') {
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(wsUrl);
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString());
      if (m.metadata.message_type === 'notification') onEvent(m.payload.event.user_name);
    });
    await new Promise((r) => ws.once('open', r));
    return async () => ws.close();
  }
  if (name === 'twitchify' || name === 'twitchify-ws' || name === 'twitchify-baseline') {
    const { createEventSubApi, EventSubWebSocketListener } = (await import(
      twitchifyEntry('eventsub', name === 'twitchify-baseline')
    )) as typeof import('../packages/eventsub/src/index.js');
    const { default: WebSocket } = await import('ws');
    const listener = new EventSubWebSocketListener({
      api: createEventSubApi({ clientId: 'benchclient', token: () => 'benchtoken', baseUrl: `${base}/helix` }),
      url: wsUrl,
      // `twitchify-ws`: the same listener over the `ws` socket the raw client uses, through the factory seam.
      ...(name === 'twitchify-ws' ? { webSocketFactory: (u: string) => new WebSocket(u) as never } : {}),
    });
    listener.add({
      type: 'channel.follow',
      version: '2',
      condition: { broadcaster_user_id: '1337', moderator_user_id: '1337' },
    });
    listener.on('channel.follow@2', (e) => onEvent(e.userName));
    await listener.start();
    return () => listener.stop();
  }
  if (name === 'twurple') {
    const { ApiClient } = await import('@twurple/api');
    const { EventSubWsListener } = await import('@twurple/eventsub-ws' as string);
    const token = { accessToken: 'benchtoken', refreshToken: null, scope: [], expiresIn: null, obtainmentTimestamp: 0 };
    const authProvider = {
      clientId: 'benchclient',
      authorizationType: 'Bearer',
      getCurrentScopesForUser: () => [],
      getAccessTokenForUser: async () => ({ ...token, userId: '1337' }),
      getAnyAccessToken: async () => ({ ...token, userId: '1337' }),
    };
    // biome-ignore lint/suspicious/noExplicitAny: Twurple's AuthProvider type has optional members we do not need
    const apiClient = new ApiClient({ authProvider: authProvider as any });
    const listener = new EventSubWsListener({ apiClient, url: wsUrl });
    listener.onChannelFollow('1337', '1337', (e: { userDisplayName: string }) => onEvent(e.userDisplayName));
    listener.start();
    await new Promise((r) => setTimeout(r, 1000));
    return async () => listener.stop();
  }
  throw new Error(`unknown client ${name}`);
}

// ---------- parent ----------
const events = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 3);
const pacedCount = Number(process.argv[4] ?? 20_000);

const server = startChild([join(here, 'servers', 'fast-server.ts')]);
const { port } = JSON.parse(await server.line) as { port: number };

const available = async (name: string) => {
  if (name !== 'twurple') return true;
  try {
    await import('@twurple/eventsub-ws' as string);
    return true;
  } catch {
    return false;
  }
};
const clients: string[] = [];
for (const name of withBaseline(['raw', 'twitchify', 'twitchify-ws', 'twurple']))
  if (await available(name)) clients.push(name);

const results = new Map<string, ClientResult[]>(clients.map((c) => [c, []]));
try {
  for (let r = 0; r < rounds; r++) {
    // Alternate the order, so that drift on a shared machine hits every client alike.
    const order = r % 2 === 0 ? clients : [...clients].reverse();
    for (const name of order) {
      const c = startChild([
        fileURLToPath(import.meta.url),
        '--client',
        name,
        String(port),
        String(events),
        String(pacedCount),
      ]);
      const result = JSON.parse(await c.line) as ClientResult;
      await new Promise((resolve) => c.child.once('exit', resolve));
      results.get(name)!.push(result);
      console.error(`round ${r + 1}/${rounds} ${name}: ${JSON.stringify(result)}`);
    }
  }
} finally {
  server.child.send('stop');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const summary = Object.fromEntries(
  clients.map((name) => {
    const rs = results.get(name)!;
    return [
      name,
      {
        eventsPerSecond: Math.round(median(rs.map((x) => x.eventsPerSecond))),
        cpuMicrosPerEvent: +median(rs.map((x) => x.cpuMicrosPerEvent)).toFixed(2),
        clientBusy: median(rs.map((x) => x.clientBusy)),
        serverCpuMicrosPerEvent: median(rs.map((x) => x.serverCpuMicrosPerEvent)),
        pacedP50Ms: median(rs.map((x) => x.pacedP50Ms)),
        pacedP99Ms: median(rs.map((x) => x.pacedP99Ms)),
        peakRssMiB: median(rs.map((x) => x.peakRssMiB)),
      },
    ];
  }),
) as Record<string, ClientResult>;
const spreads = Object.fromEntries(clients.map((name) => [name, spread(results.get(name)!)]));
const raw = summary.raw!;
const ratios = Object.fromEntries(
  clients
    .filter((c) => c !== 'raw')
    .map((name) => {
      const s = summary[name]!;
      return [
        name,
        {
          throughputVsRaw: +(s.eventsPerSecond / raw.eventsPerSecond).toFixed(2),
          cpuPerEventVsRaw: +(s.cpuMicrosPerEvent / raw.cpuMicrosPerEvent).toFixed(2),
          pacedP99VsRaw: +(s.pacedP99Ms / raw.pacedP99Ms).toFixed(2),
          rssOverRawMiB: s.peakRssMiB - raw.peakRssMiB,
        },
      ];
    }),
);
const out = {
  benchmark: 'eventsub-client',
  at: new Date().toISOString(),
  node: process.version,
  events,
  rounds,
  paced: { events: pacedCount, perSecond: RATE },
  entry: process.env.TWITCHIFY_ENTRY === 'dist' ? 'dist' : 'src',
  baseline: process.env.TWITCHIFY_BASELINE,
  medians: summary,
  spreads,
  ratios,
  goals: 'throughput >= 0.8x raw, paced p99 <= 1.5x raw, RSS <= raw + 20 MiB',
};
console.log(JSON.stringify(out, null, 2));
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'eventsub-client.json'), `${JSON.stringify(out, null, 2)}\n`);
process.exit(0);
