/**
 * Fault matrix, Redis rows, each on a redis-server of its own (never the shared one): Redis down when the Client
 * starts, killed and restarted, flushed, its pub/sub connection killed, paused (SIGSTOP), and every connection
 * to it half-open for a while. Each row: no crash, no unhandled rejection,
 * no violation of the promises, and the Client serving the newest state again afterwards.
 */
import { afterEach, describe, it } from 'vitest';
import { expectRowHealthy, type FaultRow, KNOWN, runFaultRow } from './harness.js';
import type { KnownBug } from './known-bugs.js';
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

const rows: Array<{
  name: string;
  row: (redis: OwnRedis) => Omit<FaultRow, 'name' | 'redisUrl'>;
  started?: boolean;
  knownBug?: KnownBug;
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
    // the writes held during the pause go out back to back: the known bug earlyWritePosition in 2 runs of 11
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
    it(name, { timeout: 60_000 }, async () => {
      const redis = await own(started ?? true);
      const outcome = await runFaultRow({
        name,
        redisUrl: redis.url,
        ...(knownBug ? { knownBug } : {}),
        ...row(redis),
      });
      expectRowHealthy(outcome);
    });
  }
});

describe('fault matrix: Redis behind a path that goes half-open', () => {
  // The known bug helixFallback: a read made while frozen falls back to Helix, whose lagging answer can be older than
  // what the read before got from Redis (this process's journal lays its own changes over it, not what other
  // processes recorded). It runs only with TWITCHIFY_FAULTS_KNOWN=1.
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
