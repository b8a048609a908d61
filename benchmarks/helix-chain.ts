/**
 * The Helix client's own cost per request, with no network: `HelixClient.users.getUsers` (argument validation,
 * auth, rate limit, retry, concurrency, transport, response validation and camelCase) over a dispatcher that answers
 * at once, against `JSON.parse` of the same body through the same dispatcher. Alternating, several rounds, medians.
 *
 * Run: npx tsx benchmarks/helix-chain.ts [requests=100000] [rounds=5] [only]
 *
 * `only` (`raw`, `twitchify`, or `twitchify-baseline`: the checkout named by `TWITCHIFY_BASELINE`) runs one side alone,
 * for instruction counts: `valgrind --tool=callgrind` of two runs of different lengths, the difference over the
 * requests between them (no network, so the count does not depend on timing).
 */
import type { Dispatcher } from 'undici';
import { twitchifyEntry } from './servers/entry.js';

const N = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 5);
const only = process.argv[4];
const { HelixClient, StaticAuthProvider } = (await import(
  twitchifyEntry('core', only === 'twitchify-baseline')
)) as typeof import('../packages/core/src/index.js');
const WORKERS = 50;
const USERS = JSON.stringify({
  data: [
    {
      id: '141981764',
      login: 'twitchdev',
      display_name: 'TwitchDev',
      type: '',
      broadcaster_type: 'partner',
      description: 'Supporting third-party developers building Twitch integrations from chatbots to game integrations.',
      profile_image_url: 'https://static-cdn.jtvnw.net/jtv_user_pictures/8a6381c7-profile_image-300x300.png',
      offline_image_url: 'https://static-cdn.jtvnw.net/jtv_user_pictures/3f13ab61-channel_offline_image-1920x1080.png',
      view_count: 5980557,
      created_at: '2016-12-14T20:32:28Z',
    },
  ],
});
const VALIDATE = JSON.stringify({
  client_id: 'bench',
  login: 'twitchdev',
  scopes: [],
  user_id: '141981764',
  expires_in: 5e6,
});

/** Answers every request at once: the validate body for /validate, the users body otherwise. */
const dispatcher = {
  request: async (o: { path: string }) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: { text: async () => (o.path.includes('validate') ? VALIDATE : USERS) },
  }),
  close: async () => {},
  destroy: async () => {},
} as unknown as Dispatcher;

const helix = new HelixClient({
  auth: new StaticAuthProvider({ clientId: 'bench', accessToken: 'benchtoken', userId: '141981764' }),
  helixBaseUrl: 'http://127.0.0.1:1/helix',
  oauthBaseUrl: 'http://127.0.0.1:1/oauth2',
  concurrency: WORKERS,
  dispatcher,
});

const workers = async (call: () => Promise<unknown>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (next++ < N) await call();
    }),
  );
};
const raw = () =>
  workers(async () => {
    const r = await dispatcher.request({
      origin: 'http://127.0.0.1:1',
      path: '/helix/users?id=141981764',
      method: 'GET',
    });
    return JSON.parse(await r.body.text());
  });
const ours = () => workers(() => helix.users.getUsers({ id: '141981764' }));

const cpu = async (fn: () => Promise<void>) => {
  const c = process.cpuUsage();
  await fn();
  const u = process.cpuUsage(c);
  return (u.user + u.system) / N;
};
const runRaw = only === undefined || only === 'raw';
const runOurs = only === undefined || only !== 'raw';
if (runRaw) await raw();
if (runOurs) await ours();
const results = { raw: [] as number[], twitchify: [] as number[] };
for (let r = 0; r < rounds; r++) {
  if (runRaw) results.raw.push(await cpu(raw));
  if (runOurs) results.twitchify.push(await cpu(ours));
}
await helix.close();
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : Number.NaN);
const a = median(results.raw);
const b = median(results.twitchify);
console.log(
  JSON.stringify(
    {
      benchmark: 'helix-chain',
      requests: N,
      rounds,
      cpuMicrosPerRequest: { raw: +a.toFixed(2), twitchify: +b.toFixed(2) },
      overheadMicros: +(b - a).toFixed(2),
    },
    null,
    2,
  ),
);
