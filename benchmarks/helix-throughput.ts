/**
 * Helix throughput: the same request mix through `@twitchify/core` and `@twurple/api` 8, against the same
 * emulator, in one run, at equal concurrency (N workers, each sending its next request when the last one answered).
 * Prints requests per second and latency p50/p99 for both and their ratio; writes
 * `benchmarks/results/helix-throughput.json`.
 *
 * The emulator runs in a child process so that its CPU does not share the clients' event loop; the two clients take
 * turns (A B A B ...) so drift on the machine hits both alike. The emulator's rate limit is set out of reach and its
 * read lag off: this measures the clients, not the limiter.
 *
 * Run: npx tsx benchmarks/helix-throughput.ts [concurrency=32] [requestsPerRound=4000] [rounds=3]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// ---------- child: the emulator ----------
if (process.argv[2] === '--emulator') {
  const { startMock } = await import('../packages/mock/src/index.js');
  const mock = await startMock({ port: 0, seed: 1, lag: false, rateLimit: { limit: 1_000_000_000, windowMs: 60_000 } });
  const broadcaster = mock.users[0]!;
  for (const user of mock.users.slice(1)) mock.external.follow(broadcaster.id, user.id);
  const token = mock.createUserToken({ userId: broadcaster.id });
  process.stdout.write(
    `${JSON.stringify({
      port: mock.port,
      helix: mock.urls.helix,
      oauth: mock.urls.oauth,
      clientId: mock.clientId,
      accessToken: token.accessToken,
      scopes: token.scopes,
      broadcasterId: broadcaster.id,
      userIds: mock.users.map((u) => u.id),
    })}\n`,
  );
  process.on('message', async () => {
    // Twurple's fetch keeps idle keep-alive sockets open; do not let them hold the emulator's shutdown.
    await Promise.race([mock.stop(), new Promise((resolve) => setTimeout(resolve, 2000))]);
    process.exit(0);
  });
  await new Promise(() => {});
}

// ---------- parent: the clients ----------
interface EmulatorInfo {
  port: number;
  helix: string;
  oauth: string;
  clientId: string;
  accessToken: string;
  scopes: string[];
  broadcasterId: string;
  userIds: string[];
}

const concurrency = Number(process.argv[2] ?? 32);
const perRound = Number(process.argv[3] ?? 4000);
const rounds = Number(process.argv[4] ?? 3);

function startEmulator(): Promise<{ child: ChildProcess; info: EmulatorInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--emulator'], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.indexOf('\n');
      if (line >= 0) resolve({ child, info: JSON.parse(buffer.slice(0, line)) as EmulatorInfo });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
}

const { child, info } = await startEmulator();
// Twurple picks its server from this variable (its documented way to use a mock server); /mock/ is served too.
process.env.TWURPLE_MOCK_API_PORT = String(info.port);

const { HelixClient, StaticAuthProvider } = await import('../packages/core/src/index.js');
const { ApiClient } = await import('@twurple/api');

/** One request of the mix, i-th of the run: the same Helix calls on both sides. */
type Call = (i: number) => Promise<unknown>;
const ids = info.userIds;
const b = info.broadcasterId;

const twitchify = new HelixClient({
  auth: new StaticAuthProvider({ clientId: info.clientId, accessToken: info.accessToken, userId: b }),
  helixBaseUrl: info.helix,
  oauthBaseUrl: info.oauth,
  concurrency,
});
const twitchifyMix: Call[] = [
  (i) => twitchify.users.getUsers({ id: ids[i % ids.length]! }),
  (i) => twitchify.channels.getChannelInformation({ broadcasterId: ids[i % ids.length]! }),
  (i) => twitchify.streams.getStreams({ userId: ids[i % ids.length]! }),
  () => twitchify.channels.getChannelFollowers({ broadcasterId: b, first: 20 }),
  () => twitchify.moderation.getModerators({ broadcasterId: b }),
];

// Twurple's AuthProvider: hands out the emulator's token and never reaches id.twitch.tv.
const token = {
  accessToken: info.accessToken,
  refreshToken: null,
  scope: info.scopes,
  expiresIn: null,
  obtainmentTimestamp: Date.now(),
  userId: b,
};
const twurpleAuth = {
  clientId: info.clientId,
  authorizationType: 'Bearer',
  getCurrentScopesForUser: () => info.scopes,
  getAccessTokenForUser: async () => token,
  getAnyAccessToken: async () => token,
};
// biome-ignore lint/suspicious/noExplicitAny: Twurple's AuthProvider type has optional members we do not need
const twurple = new ApiClient({ authProvider: twurpleAuth as any });
const twurpleMix: Call[] = [
  (i) => twurple.users.getUserById(ids[i % ids.length]!),
  (i) => twurple.channels.getChannelInfoById(ids[i % ids.length]!),
  (i) => twurple.streams.getStreamByUserId(ids[i % ids.length]!),
  () => twurple.channels.getChannelFollowers(b, undefined, { limit: 20 }),
  () => twurple.moderation.getModerators(b),
];

interface RoundResult {
  /** CPU time of this (client) process per request, in µs: the client's own cost, apart from the emulator's. */
  cpuMicrosPerRequest: number;
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

async function round(mix: Call[], total: number): Promise<RoundResult> {
  let next = 0;
  let errors = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t = performance.now();
      try {
        await mix[i % mix.length]!(i);
      } catch (error) {
        if (errors++ === 0) console.error('first error:', error instanceof Error ? error.message : error);
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(cpu);
  return {
    cpuMicrosPerRequest: (used.user + used.system) / total,
    requests: total,
    errors,
    seconds: (performance.now() - started) / 1000,
    latenciesMs: latencies,
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

function summarise(results: RoundResult[]) {
  const requests = results.reduce((n, r) => n + r.requests, 0);
  const seconds = results.reduce((n, r) => n + r.seconds, 0);
  const sorted = results.flatMap((r) => r.latenciesMs).sort((x, y) => x - y);
  return {
    requests,
    errors: results.reduce((n, r) => n + r.errors, 0),
    clientCpuMicrosPerRequest: Math.round(results.reduce((n, r) => n + r.cpuMicrosPerRequest, 0) / results.length),
    requestsPerSecond: Math.round(requests / seconds),
    latencyMs: {
      p50: Number(percentile(sorted, 0.5).toFixed(2)),
      p99: Number(percentile(sorted, 0.99).toFixed(2)),
    },
  };
}

try {
  // Warm up both (connections, JIT, token validation) before measuring.
  await round(twitchifyMix, 1000);
  await round(twurpleMix, 1000);
  console.error('warmed up');
  const ours: RoundResult[] = [];
  const theirs: RoundResult[] = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(await round(twitchifyMix, perRound));
    theirs.push(await round(twurpleMix, perRound));
    const [o, t] = [ours.at(-1)!, theirs.at(-1)!];
    console.error(
      `round ${r + 1}/${rounds}: twitchify ${Math.round(o.requests / o.seconds)} req/s ${Math.round(o.cpuMicrosPerRequest)} µs cpu/req, twurple ${Math.round(t.requests / t.seconds)} req/s ${Math.round(t.cpuMicrosPerRequest)} µs cpu/req`,
    );
  }
  const a = summarise(ours);
  const t = summarise(theirs);
  const result = {
    benchmark: 'helix-throughput',
    at: new Date().toISOString(),
    node: process.version,
    concurrency,
    rounds,
    requestsPerRound: perRound,
    mix: [
      'GET /users?id',
      'GET /channels?broadcaster_id',
      'GET /streams?user_id',
      'GET /channels/followers',
      'GET /moderation/moderators',
    ],
    twitchify: a,
    twurple: t,
    throughputRatio: Number((a.requestsPerSecond / t.requestsPerSecond).toFixed(2)),
    // The machine is shared: rounds vary, so each round's ratio (taken back to back) is kept too.
    roundRatios: ours.map((o, i) =>
      Number((o.requests / o.seconds / (theirs[i]!.requests / theirs[i]!.seconds)).toFixed(2)),
    ),
    clientCpuRatio: Number((t.clientCpuMicrosPerRequest / a.clientCpuMicrosPerRequest).toFixed(2)),
    p50Ratio: Number((t.latencyMs.p50 / a.latencyMs.p50).toFixed(2)),
    goal: 'twitchify requests/s >= 1.5 x twurple at equal concurrency',
  };
  console.log(`concurrency ${concurrency}, ${rounds} x ${perRound} requests each, emulator in a child process`);
  console.log(
    `@twitchify/core  ${a.requestsPerSecond} req/s  p50 ${a.latencyMs.p50} ms  p99 ${a.latencyMs.p99} ms  errors ${a.errors}`,
  );
  console.log(
    `@twurple/api     ${t.requestsPerSecond} req/s  p50 ${t.latencyMs.p50} ms  p99 ${t.latencyMs.p99} ms  errors ${t.errors}`,
  );
  console.log(`throughput ratio ${result.throughputRatio}x (goal >= 1.5x); per round ${result.roundRatios.join(', ')}`);
  console.log(
    `client CPU per request: twitchify ${a.clientCpuMicrosPerRequest} µs, twurple ${t.clientCpuMicrosPerRequest} µs`,
  );
  const out = join(here, 'results', 'helix-throughput.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await twitchify.close();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(kill);
}
