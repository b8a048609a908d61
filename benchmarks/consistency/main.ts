/**
 * `npm run bench`: the consistency benchmark. Runs, in one go and on one seed, the same workload against each
 * system (no cache, a TTL cache, Twurple, Twitchify in memory, Twitchify on Redis with several processes), checks
 * every recorded read against the emulator's truth, prints the table and writes JSON and an HTML report to
 * benchmarks/results/.
 *
 * Options: --duration <s> (per row, default 20), --seed <n> (1), --redis <url> (REDIS_URL or
 * redis://127.0.0.1:6379; "none" skips the Redis row), --processes <n> (3), --rows <list> (raw,ttl,twurple,memory,redis),
 * --keys <n> (50), --strict-share <0..1> (share of `strict` reads in the Redis row, 0.01), --vips <on|off> (on).
 *
 * Two resources: channel information (title writes, `channel.update` events carrying the full state) and each
 * process's own broadcaster's VIP list (add/remove writes and `channel.vip.add/remove` events, each changing one
 * user); see vips.ts for how VIP states are kept unique and mapped to versions, vip-check.ts for the per-member check.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { instrumentFor } from './instrument.js';
import { runMultiProcessRow } from './multi-row.js';
import type { Recorder } from './recorder.js';
import { epochOffset, sharedClock } from './recorder.js';
import { renderReport } from './report.js';
import { type RunSettings, runInProcessRow } from './row.js';
import { type RowSummary, summarize } from './summary.js';
import { type BenchSystem, naiveTtl, rawHelix, type SystemTarget, twitchify, twurple } from './systems.js';
import { ProgressBar, renderTable } from './table.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    processes: { type: 'string', default: '3' },
    rows: { type: 'string', default: 'raw,ttl,twurple,memory,redis' },
    keys: { type: 'string', default: '50' },
    'strict-share': { type: 'string', default: '0.01' },
    vips: { type: 'string', default: 'on' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`npm run bench -- [options]

  --duration <s>        seconds per row (default 20)
  --seed <n>            workload and emulator seed (default 1)
  --redis <url>         Redis for the multi-process row (default REDIS_URL or redis://127.0.0.1:6379; "none" skips it)
  --processes <n>       processes of the Redis row (default 3)
  --rows <list>         rows to run, of raw,ttl,twurple,memory,redis (default all)
  --keys <n>            channels in the workload (default 50)
  --strict-share <0..1> share of strict reads in the Redis row (default 0.01)
  --vips <on|off>       also read and change the VIP lists (default on; off: the channel workload alone)

Workload per row: reads of the channels (90 %) and of the process's own broadcaster's VIP list (10 %); a write every
100 ms per process, alternating a unique title and a VIP add/remove on the own list; an external title change every
50 ms and an external VIP change every 200 ms (its event carries only the one user added or removed); a socket drop
every 7 s. Violations are counted per resource (channel, vips) in the JSON (byResource) and the table's footer.

Results: benchmarks/results/consistency-latest.json and consistency-latest.html
Debugging: BENCH_DEBUG=1 prints per-process cache stats; BENCH_DUMP=1 prints the timeline (truth, acks, events,
gaps, restarts, reads) of the key of the Redis row's first violation.`);
  process.exit(0);
}

const positive = (name: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    const bound = max < Number.MAX_SAFE_INTEGER ? ` and at most ${max}` : '';
    console.error(`--${name} must be a number above 0${bound}, not ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return n;
};
positive('duration', values.duration);
positive('processes', values.processes, 16);
positive('keys', values.keys, 10_000);
if (values.vips !== 'on' && values.vips !== 'off') {
  console.error(`--vips must be on or off, not ${JSON.stringify(values.vips)}`);
  process.exit(2);
}

const clock = sharedClock(epochOffset());
const settings: RunSettings = {
  seed: Number(values.seed),
  durationMs: Number(values.duration) * 1000,
  keys: Number(values.keys),
  writeEveryMs: 100,
  externalEveryMs: 50,
  externalVipEveryMs: 200,
  vips: values.vips !== 'off',
  vipReadShare: 0.1,
  dropEveryMs: 7000,
  strictShare: Number(values['strict-share']),
  maxReadsPerProcess: 5_000_000,
  clock,
};
const rowsWanted = new Set(String(values.rows).split(','));
const bar = new ProgressBar();

function countingLoads(system: BenchSystem, loads: { count: number }): BenchSystem {
  return {
    name: system.name,
    read: (id, strict) => {
      loads.count++;
      return system.read(id, strict);
    },
    write: (id, title) => system.write(id, title),
    readVips: (id, strict) => {
      loads.count++;
      return system.readVips(id, strict);
    },
    addVip: (id, userId) => system.addVip(id, userId),
    removeVip: (id, userId) => system.removeVip(id, userId),
    close: () => system.close(),
  };
}

async function redisAnswers(url: string): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

async function main(): Promise<void> {
  const summaries: RowSummary[] = [];
  const plan = ['raw', 'ttl', 'twurple', 'memory', 'redis'].filter((r) => rowsWanted.has(r));
  let index = 0;
  for (const name of plan) {
    index++;
    const started = clock.now();
    const label = `row ${index}/${plan.length} ${name}`;
    const progress = (reads: number) => bar.update(label, (clock.now() - started) / settings.durationMs, reads);
    let row: RowOutcome;
    try {
      row = await runRow(name, progress);
    } catch (error) {
      bar.done();
      process.stderr.write(`row ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      continue;
    }
    bar.update(label, 1, row.history.reads.size);
    bar.done();
    summaries.push(summarize(row, row.history));
  }
  writeResults(summaries);
}

/** Runs one row by name: the multi-process Redis row, or an in-process row with its system. */
async function runRow(name: string, progress: (reads: number) => void): Promise<RowOutcome> {
  if (name === 'redis') {
    if (values.redis === 'none' || !(await redisAnswers(String(values.redis)))) {
      throw new Error(`skipped: no Redis answers at ${values.redis}`);
    }
    const options = { processes: Number(values.processes), redisUrl: String(values.redis), restart: true };
    return (await runMultiProcessRow(settings, options, progress)).result;
  }
  const make = async (
    target: SystemTarget,
    recorder: Recorder,
    loads: { count: number },
    broadcasters: readonly string[],
  ): Promise<BenchSystem> => {
    // Every read of these is a Helix read: count each as a load so none is marked as served from a cache.
    if (name === 'raw') return countingLoads(rawHelix(target), loads);
    if (name === 'twurple') return countingLoads(await twurple(target), loads);
    if (name === 'ttl') return naiveTtl(target, 10_000, () => loads.count++);
    const keyOf = new Map(broadcasters.map((b, i) => [b, i] as const));
    // The process acts as broadcaster 0, whose VIP list is key index `keys` (see runInProcessRow).
    const vipKeyOf = new Map([[target.userId, broadcasters.length]]);
    return twitchify(target, {
      instrument: instrumentFor(recorder, keyOf, loads, clock, vipKeyOf),
      clock,
      warm: broadcasters,
      warmVips: settings.vips ? [target.userId] : [],
    });
  };
  return (await runInProcessRow(settings, make, progress)).result;
}

type RowOutcome = Awaited<ReturnType<typeof runInProcessRow>>['result'];

function writeResults(summaries: RowSummary[]): void {
  const table = renderTable(summaries);
  process.stdout.write(`\n${table}\n`);
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const meta = {
    seed: settings.seed,
    durationS: settings.durationMs / 1000,
    keys: settings.keys,
    node: process.version,
  };
  const json = JSON.stringify(
    summaries.map(({ charts: _c, ...r }) => r),
    null,
    2,
  );
  writeFileSync(`${dir}consistency-${stamp}.json`, json);
  writeFileSync(`${dir}consistency-latest.json`, json);
  writeFileSync(`${dir}consistency-latest.html`, renderReport(summaries, meta));
  process.stdout.write(`\nresults: ${dir}consistency-latest.json and consistency-latest.html\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(
      `\nbenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
