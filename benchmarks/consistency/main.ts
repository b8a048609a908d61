/**
 * `npm run bench`: the consistency benchmark. Runs, in one go and on one seed, the same workload against each
 * system (no cache, a TTL cache, Twurple, BentoCache invalidated by EventSub, Twitchify in memory, Twitchify on Redis
 * with several processes), checks every recorded read against the emulator's truth, prints the table and writes
 * JSON and an HTML report to benchmarks/results/.
 *
 * The workload covers the catalog (catalog.ts): channels, users, streams (whose Helix status flaps for a minute
 * after each change), chat settings, and each process's own VIPs, moderators, bans (half of them timeouts that run
 * out with no event) and custom rewards. Scenarios: `default` (a socket drop every 7 s; events late, lost,
 * duplicated and reordered) and `quiet` (no socket drop; events late, lost and duplicated only). `--soak <minutes>`
 * reads at a fixed rate with no read cap, and reports staleness per minute, to show whether it grows with time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { bento } from './bento.js';
import { parseResources, type Resource } from './catalog.js';
import { instrumentFor } from './instrument.js';
import { renderMarkdown } from './markdown.js';
import { cleanRedis, runMultiProcessRow } from './multi-row.js';
import { epochOffset, sharedClock } from './recorder.js';
import { renderReport } from './report.js';
import { type RowContext, type RunSettings, runInProcessRow } from './row.js';
import { type RowSummary, summarize } from './summary.js';
import { type BenchSystem, naiveTtl, rawHelix, twitchify, twurple } from './systems.js';
import { ProgressBar, renderTable } from './table.js';

const ROWS = ['raw', 'ttl', 'twurple', 'bento', 'memory', 'redis', 'shared'];
/** Rows run when --rows is not given. */
const DEFAULT_ROWS = ['raw', 'ttl', 'twurple', 'bento', 'memory', 'redis'];

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    processes: { type: 'string', default: '3' },
    rows: { type: 'string' },
    keys: { type: 'string', default: '50' },
    'strict-share': { type: 'string', default: '0.01' },
    resources: { type: 'string', default: 'all' },
    scenario: { type: 'string', default: 'default' },
    soak: { type: 'string' },
    'read-rate': { type: 'string', default: '200' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`npm run bench -- [options]

  --duration <s>        seconds per row (default 20)
  --seed <n>            workload and emulator seed (default 1)
  --redis <url>         Redis for the BentoCache and multi-process rows (default REDIS_URL or redis://127.0.0.1:6379;
                        "none" skips them)
  --processes <n>       processes of the Redis row (default 3)
  --rows <list>         rows to run, of ${ROWS.join(',')} (default ${DEFAULT_ROWS.join(',')}; with --soak:
                        raw,memory,redis; shared: processes acting as one broadcaster over a conduit)
  --keys <n>            channels in the workload (default 50; users, streams and chat settings of the first 10)
  --strict-share <0..1> share of strict reads in the Redis row (default 0.01)
  --resources <list>    all (default) or some of channel,user,stream,chat_settings,vips,moderators,bans,rewards
  --scenario <name>     default (a socket drop every 7 s; events late, lost, duplicated, reordered) or quiet (no
                        socket drop; events late, lost and duplicated only)
  --soak <minutes>      a paced soak: each row runs this long, reads at --read-rate per process with no read cap,
                        staleness reported per minute (does it grow with time?)
  --read-rate <n/s>     reads per second per process in a soak (default 200)

Workload per row: reads of the catalog (channels 40 %, users, streams and chat settings 10 % each, the process's own
VIPs, moderators, bans and rewards 7.5 % each); a write every 100 ms per process round a cycle (title, VIP, title,
moderator, title, ban or timeout, description, chat settings); an external title change every 50 ms and an external
change of another resource every 100 ms (round VIPs, stream online/offline, moderators, description, bans, chat
settings, a reward's title); a socket drop every 7 s (default scenario). Counts per resource are in the JSON
(byResource) and the table's footer.

Results: benchmarks/results/consistency-latest.json, .html and .md (the tables as Markdown)
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
const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};
positive('duration', values.duration);
positive('processes', values.processes, 16);
positive('keys', values.keys, 10_000);
const soakMinutes = values.soak === undefined ? 0 : positive('soak', values.soak, 24 * 60);
const readRate = positive('read-rate', values['read-rate'], 100_000);
if (values.scenario !== 'default' && values.scenario !== 'quiet') {
  fail(`--scenario must be default or quiet, not ${JSON.stringify(values.scenario)}`);
}
let resources: Resource[] = [];
try {
  resources = parseResources(String(values.resources));
} catch (error) {
  fail(`--resources: ${error instanceof Error ? error.message : String(error)}`);
}
const quiet = values.scenario === 'quiet';
const rowsWanted = new Set(
  String(values.rows ?? (soakMinutes > 0 ? 'raw,memory,redis' : DEFAULT_ROWS.join(','))).split(','),
);
for (const r of rowsWanted)
  if (!ROWS.includes(r)) fail(`--rows: unknown row ${JSON.stringify(r)}; rows are ${ROWS.join(',')}`);

const clock = sharedClock(epochOffset());
const settings: RunSettings = {
  seed: Number(values.seed),
  durationMs: soakMinutes > 0 ? soakMinutes * 60_000 : Number(values.duration) * 1000,
  keys: Number(values.keys),
  few: 10,
  resources,
  writeEveryMs: 100,
  externalEveryMs: 50,
  externalCatalogEveryMs: 100,
  dropEveryMs: quiet ? 0 : 7000,
  delivery: { delayMs: { min: 20, max: 250 }, dropRate: 0.02, duplicateRate: 0.05, reorderRate: quiet ? 0 : 0.05 },
  strictShare: Number(values['strict-share']),
  maxReadsPerProcess: 5_000_000,
  readEveryMs: soakMinutes > 0 ? 1000 / readRate : 0,
  bucketMs: soakMinutes > 0 ? 60_000 : 0,
  clock,
};
const bar = new ProgressBar();

/** Every read of these systems is a Helix read: each counts as a load, so none is marked as served from a cache. */
function countingLoads(system: BenchSystem, loads: { count: number }): BenchSystem {
  return {
    name: system.name,
    read: (resource, id, strict) => {
      loads.count++;
      return system.read(resource, id, strict);
    },
    write: (w) => system.write(w),
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
  const plan = ROWS.filter((r) => rowsWanted.has(r));
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

/** Throws unless a Redis answers at `--redis` (the rows that need one are then skipped). */
async function needRedis(): Promise<string> {
  if (values.redis === 'none' || !(await redisAnswers(String(values.redis)))) {
    throw new Error(`skipped: no Redis answers at ${values.redis}`);
  }
  return String(values.redis);
}

/** Runs one row by name: the multi-process Redis row, or an in-process row with its system. */
async function runRow(name: string, progress: (reads: number) => void): Promise<RowOutcome> {
  if (name === 'redis' || name === 'shared') {
    const options = {
      processes: Number(values.processes),
      redisUrl: await needRedis(),
      restart: true,
      shared: name === 'shared',
    };
    return (await runMultiProcessRow(settings, options, progress)).result;
  }
  const redisUrl = name === 'bento' ? await needRedis() : '';
  const prefix = `bench:${process.pid}:${Date.now()}:`;
  const make = async (c: RowContext): Promise<BenchSystem> => {
    if (name === 'raw') return countingLoads(rawHelix(c.target), c.loads);
    if (name === 'twurple') return countingLoads(await twurple(c.target), c.loads);
    if (name === 'ttl') return naiveTtl(c.target, 10_000, () => c.loads.count++);
    if (name === 'bento') {
      const keys = c.keys.map((k) => `${k.resource}:${k.id}`);
      return bento(c.target, { redisUrl, prefix, space: c.space, keys, recorder: c.recorder, loads: c.loads, clock });
    }
    return twitchify(c.target, {
      instrument: instrumentFor(c.recorder, c.space, c.loads, clock),
      clock,
      warm: c.keys,
    });
  };
  try {
    return (await runInProcessRow(settings, make, progress)).result;
  } finally {
    if (redisUrl) await cleanRedis(redisUrl, prefix).catch(() => {});
  }
}

type RowOutcome = Awaited<ReturnType<typeof runInProcessRow>>['result'];

function writeResults(summaries: RowSummary[]): void {
  const table = renderTable(summaries, soakMinutes > 0);
  process.stdout.write(`\n${table}\n`);
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const meta = {
    seed: settings.seed,
    durationS: settings.durationMs / 1000,
    keys: settings.keys,
    scenario: soakMinutes > 0 ? `soak ${soakMinutes} min (${readRate} reads/s per process)` : String(values.scenario),
    resources: settings.resources,
    node: process.version,
  };
  const json = JSON.stringify({ meta, rows: summaries.map(({ charts: _c, ...r }) => r) }, null, 2);
  writeFileSync(`${dir}consistency-${stamp}.json`, json);
  writeFileSync(`${dir}consistency-latest.json`, json);
  writeFileSync(`${dir}consistency-latest.html`, renderReport(summaries, meta));
  writeFileSync(`${dir}consistency-latest.md`, renderMarkdown(summaries, soakMinutes > 0));
  process.stdout.write(`\nresults: ${dir}consistency-latest.json, .html and .md\n`);
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
