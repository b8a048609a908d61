/**
 * Helix GET, measuring the client: the minimal fast server (benchmarks/servers/fast-server.ts, one fixed `users`
 * body, not the emulator) answers `GET /helix/users?id=` for each client in turn, each in its own process:
 *
 * - `raw`: a bare undici `Pool.request` plus `JSON.parse` of the body: the floor;
 * - `twitchify`: `HelixClient.users.getUsers` (arguments validated, auth, rate limit, retry, concurrency, the answer
 *   validated against the spec and camelCased);
 * - `twurple`: `@twurple/api` 8 `users.getUserById`;
 * - `twitchify-baseline`: `twitchify` from the checkout named by `TWITCHIFY_BASELINE` (servers/entry.ts; also
 *   `TWITCHIFY_ENTRY=dist`).
 *
 * `concurrency` workers each send their next request when the last one answered. Per round: requests/s and client
 * CPU µs per request. Clients alternate, several rounds; medians and ratios to raw are printed and written to
 * benchmarks/results/helix-client.json.
 *
 * Run: npx tsx benchmarks/helix-client.ts [requests=20000] [rounds=3] [concurrency=50]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './servers/child.js';
import { spread, twitchifyEntry, withBaseline } from './servers/entry.js';

const here = dirname(fileURLToPath(import.meta.url));

interface ClientResult {
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
  /** Client CPU time over wall time: near 1, the client (not the server) was the limit. */
  clientBusy: number;
  /** The server's CPU per request (its own process). */
  serverCpuMicrosPerRequest: number;
  errors: number;
}

// ---------- child: one client ----------
if (process.argv[2] === '--client') {
  const [name, port, requestsArg, concurrencyArg] = process.argv.slice(3) as [string, string, string, string];
  const requests = Number(requestsArg);
  const concurrency = Number(concurrencyArg);
  const base = `http://127.0.0.1:${port}`;
  const { call, close } = await client(name, base, concurrency);
  let errors = 0;
  const run = async (total: number) => {
    let next = 0;
    const worker = async () => {
      while (next++ < total) {
        try {
          await call();
        } catch (error) {
          if (errors++ === 0) console.error(name, 'first error:', error);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await run(Math.min(5_000, requests));
  errors = 0;
  // The server's CPU, read through node's own HTTP client (not the pool being measured).
  const serverCpu = () =>
    new Promise<number>((resolve, reject) => {
      httpGet(`${base}/control/cpu`, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c;
        });
        res.on('end', () => {
          const u = JSON.parse(body) as { user: number; system: number };
          resolve(u.user + u.system);
        });
      }).on('error', reject);
    });
  const serverBefore = await serverCpu();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(requests);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const serverUsed = (await serverCpu()) - serverBefore;
  const result: ClientResult = {
    requestsPerSecond: Math.round(requests / seconds),
    cpuMicrosPerRequest: +((used.user + used.system) / requests).toFixed(1),
    clientBusy: +((used.user + used.system) / 1e6 / seconds).toFixed(2),
    serverCpuMicrosPerRequest: +(serverUsed / requests).toFixed(1),
    errors,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await close();
  process.exit(0);
}

async function client(
  name: string,
  base: string,
  concurrency: number,
): Promise<{ call: () => Promise<unknown>; close: () => Promise<void> }> {
  if (name === 'raw') {
    const { Pool } = await import('undici');
    const pool = new Pool(base, { connections: concurrency });
    const headers = { 'client-id': 'benchclient', authorization: 'Bearer benchtoken' };
    return {
      call: async () => {
        const res = await pool.request({ path: '/helix/users?id=141981764', method: 'GET', headers });
        return JSON.parse(await res.body.text());
      },
      close: () => pool.close(),
    };
  }
  if (name === 'twitchify' || name === 'twitchify-baseline') {
    const { HelixClient, StaticAuthProvider } = (await import(
      twitchifyEntry('core', name === 'twitchify-baseline')
    )) as typeof import('../packages/core/src/index.js');
    const helix = new HelixClient({
      auth: new StaticAuthProvider({ clientId: 'benchclient', accessToken: 'benchtoken', userId: '141981764' }),
      helixBaseUrl: `${base}/helix`,
      oauthBaseUrl: `${base}/oauth2`,
      concurrency,
    });
    return { call: () => helix.users.getUsers({ id: '141981764' }), close: () => helix.close() };
  }
  if (name === 'twurple') {
    process.env.TWURPLE_MOCK_API_PORT = new URL(base).port;
    const { ApiClient } = await import('@twurple/api');
    const token = { accessToken: 'benchtoken', refreshToken: null, scope: [], expiresIn: null, obtainmentTimestamp: 0 };
    const authProvider = {
      clientId: 'benchclient',
      authorizationType: 'Bearer',
      getCurrentScopesForUser: () => [],
      getAccessTokenForUser: async () => ({ ...token, userId: '141981764' }),
      getAnyAccessToken: async () => ({ ...token, userId: '141981764' }),
    };
    // biome-ignore lint/suspicious/noExplicitAny: Twurple's AuthProvider type has optional members we do not need
    const api = new ApiClient({ authProvider: authProvider as any });
    return { call: () => api.users.getUserById('141981764'), close: async () => {} };
  }
  throw new Error(`unknown client ${name}`);
}

// ---------- parent ----------
const requests = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 3);
const concurrency = Number(process.argv[4] ?? 50);

const server = startChild([join(here, 'servers', 'fast-server.ts')]);
const { port } = JSON.parse(await server.line) as { port: number };
const clients = withBaseline(['raw', 'twitchify', 'twurple']);
const results = new Map<string, ClientResult[]>(clients.map((c) => [c, []]));
const failed = new Map<string, string>();
try {
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? clients : [...clients].reverse();
    for (const name of order) {
      if (failed.has(name)) continue;
      const args = [fileURLToPath(import.meta.url), '--client', name, String(port), String(requests)];
      const c = startChild([...args, String(concurrency)]);
      try {
        const result = JSON.parse(await c.line) as ClientResult;
        await new Promise((resolve) => c.child.once('exit', resolve));
        results.get(name)!.push(result);
        console.error(`round ${r + 1}/${rounds} ${name}: ${JSON.stringify(result)}`);
      } catch (error) {
        // A client that cannot run against this server is reported as such; the others are still measured.
        failed.set(name, error instanceof Error ? error.message : String(error));
        console.error(`${name} did not complete: ${failed.get(name)}`);
      }
    }
  }
} finally {
  server.child.send('stop');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const measured = clients.filter((c) => !failed.has(c));
const summary = Object.fromEntries(
  measured.map((name) => {
    const rs = results.get(name)!;
    return [
      name,
      {
        requestsPerSecond: Math.round(median(rs.map((x) => x.requestsPerSecond))),
        cpuMicrosPerRequest: +median(rs.map((x) => x.cpuMicrosPerRequest)).toFixed(1),
        clientBusy: median(rs.map((x) => x.clientBusy)),
        serverCpuMicrosPerRequest: median(rs.map((x) => x.serverCpuMicrosPerRequest)),
        errors: rs.reduce((n, x) => n + x.errors, 0),
      },
    ];
  }),
) as Record<string, ClientResult>;
const spreads = Object.fromEntries(measured.map((name) => [name, spread(results.get(name)!)]));
const raw = summary.raw!;
const ratios = Object.fromEntries(
  measured
    .filter((c) => c !== 'raw')
    .map((name) => [
      name,
      {
        throughputVsRaw: +(summary[name]!.requestsPerSecond / raw.requestsPerSecond).toFixed(2),
        cpuPerRequestVsRaw: +(summary[name]!.cpuMicrosPerRequest / raw.cpuMicrosPerRequest).toFixed(2),
      },
    ]),
);
const out = {
  benchmark: 'helix-client',
  at: new Date().toISOString(),
  node: process.version,
  requests,
  rounds,
  concurrency,
  entry: process.env.TWITCHIFY_ENTRY === 'dist' ? 'dist' : 'src',
  baseline: process.env.TWITCHIFY_BASELINE,
  medians: summary,
  spreads,
  ratios,
  didNotComplete: Object.fromEntries(failed),
  goals: 'twitchify >= 0.8x raw throughput with validation; CPU per request <= 1.25x raw',
};
console.log(JSON.stringify(out, null, 2));
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'helix-client.json'), `${JSON.stringify(out, null, 2)}\n`);
process.exit(0);
