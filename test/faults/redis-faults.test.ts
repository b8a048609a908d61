/**
 * Fault matrix, Redis rows, each on a redis-server of its own (never the shared one): Redis down when the Client
 * starts, killed and restarted, flushed, its pub/sub connection killed, paused (SIGSTOP), and every connection
 * to it half-open for a while. Each row: no crash, no unhandled rejection,
 * no violation of the promises, and the Client serving the newest state again afterwards.
 */
import { afterEach, describe, it } from 'vitest';
import { expectRowHealthy, type FaultRow, runFaultRow } from './harness.js';
import { HalfOpenPath, OwnRedis } from './own-redis.js';

const servers: OwnRedis[] = [];
const paths: HalfOpenPath[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.resume();
    await s.kill();
  }
  for (const p of paths.splice(0)) await p.close();
});

async function own(started = true): Promise<OwnRedis> {
  const server = await OwnRedis.onFreePort();
  servers.push(server);
  if (started) await server.start();
  return server;
}

/**
 * Rows that find an open bug now and then run with TWITCHIFY_FAULTS_KNOWN=1 until it is fixed (`knownBug`, and the
 * half-open row below):
 * - While Redis cannot be asked (killed, frozen), the events that arrive are not recorded (their change waits for
 *   Redis) and a read falls back to Helix, whose lagging answer can be older than an earlier fallback answer: a
 *   monotonic-read violation.
 * - Two writes of one key back to back (the write lane catching up after Redis stalled): the second is placed on
 *   Twitch's clock as this process bounds it, which runs early by the smallest delivery delay of an event, so its
 *   position can fall before the first write's commit; the first write's own event, arriving after the second was
 *   acknowledged, is then ordered after it and applied over it: reads serve the first write (read-your-writes)
 *   until the second's own event arrives.
 */
const KNOWN = process.env.TWITCHIFY_FAULTS_KNOWN === '1';

const rows: Array<{
  name: string;
  row: (redis: OwnRedis) => Omit<FaultRow, 'name' | 'redisUrl'>;
  started?: boolean;
  knownBug?: boolean;
}> = [
  {
    name: 'Redis down when the Client starts (it comes up later)',
    started: false,
    row: (redis) => ({
      atStart: async () => {
        await new Promise((r) => setTimeout(r, 800));
        await redis.start();
      },
      async fault() {},
    }),
  },
  {
    name: 'Redis killed (SIGKILL) and restarted',
    // the Helix fallback above (a monotonic-read violation), about one run in ten
    knownBug: true,
    row: (redis) => ({
      async fault({ sleep }) {
        await sleep(250);
        await redis.kill();
        await sleep(300);
        await redis.start();
      },
    }),
  },
  {
    name: 'Redis flushed (FLUSHALL on its own server)',
    row: (redis) => ({
      async fault({ sleep }) {
        await sleep(300);
        await redis.command('FLUSHALL');
        await sleep(200);
        await redis.command('FLUSHALL');
      },
    }),
  },
  {
    name: "Redis' pub/sub connection killed (CLIENT KILL TYPE pubsub)",
    row: (redis) => ({
      async fault({ sleep }) {
        for (let i = 0; i < 3; i++) {
          await sleep(250);
          await redis.command('CLIENT', 'KILL', 'TYPE', 'pubsub');
        }
      },
    }),
  },
  {
    name: 'Redis paused (SIGSTOP) and resumed',
    // the writes held during the pause go out back to back afterwards: the back-to-back writes bug above
    knownBug: true,
    row: (redis) => ({
      async fault({ sleep }) {
        await sleep(250);
        redis.pause();
        await sleep(600);
        redis.resume();
      },
    }),
  },
];

describe('fault matrix: Redis', () => {
  for (const { name, row, started, knownBug } of rows) {
    it.skipIf(knownBug && !KNOWN)(name, { timeout: 60_000 }, async () => {
      const redis = await own(started ?? true);
      const outcome = await runFaultRow({ name, redisUrl: redis.url, ...row(redis) });
      expectRowHealthy(outcome);
    });
  }
});

describe('fault matrix: Redis behind a path that goes half-open', () => {
  // The Helix fallback of the rows above, in most runs: a read made while frozen returns Helix's lagging answer, older
  // than the one the read before got from Helix (a monotonic-read violation); runs with TWITCHIFY_FAULTS_KNOWN=1.
  it.skipIf(!KNOWN)(
    'every connection to Redis frozen (no byte either way, none closed), then thawed',
    {
      timeout: 60_000,
    },
    async () => {
      const redis = await own();
      const path = await HalfOpenPath.to(redis.port);
      paths.push(path);
      const outcome = await runFaultRow({
        name: 'half-open',
        redisUrl: path.url,
        async fault({ sleep }) {
          await sleep(250);
          path.freeze(true);
          await sleep(1500);
          path.freeze(false);
        },
        durationMs: 2200,
      });
      expectRowHealthy(outcome);
    },
  );
});
