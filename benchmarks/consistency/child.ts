/**
 * A process of the multi-process row: runs the Twitchify Client on Redis with the workload, against the parent's
 * emulator, and sends back what it recorded. Started by `multi-row.ts` with `fork` (advanced serialization, so the
 * typed arrays of the read log cross the IPC channel as they are).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { KeySpace } from './catalog.js';
import { instrumentFor } from './instrument.js';
import type { MemberChange } from './lists.js';
import { runLoop } from './process-loop.js';
import { Recorder, sharedClock } from './recorder.js';
import { keysOf, type RunSettings } from './row.js';
import { type SystemTarget, twitchify } from './systems.js';
import { Workload } from './workload.js';

/** What the parent sends to start a child. */
export interface ChildStart {
  cmd: 'start';
  proc: number;
  incarnation: number;
  epochOffset: number;
  settings: Omit<RunSettings, 'clock'>;
  target: SystemTarget;
  redisUrl: string;
  prefix: string;
  broadcasters: string[];
  /** The broadcasters the processes act as (process p: `owners[p]`). */
  owners: string[];
  probeChannel: string;
  /** Listen as a shard of the app's conduit (the shared row), not over a WebSocket of its own. */
  conduit?: boolean;
}

/** What a child sends back (and its list requests to the parent's planner; keys are resource keys). */
export type ChildMessage =
  | { kind: 'ready'; at: number }
  | { kind: 'progress'; reads: number }
  | { kind: 'list-next'; id: number; key: string }
  | { kind: 'list-done'; key: string; userId: string }
  | {
      kind: 'done';
      recorded: ReturnType<Recorder['toJSON']>;
      errors: number;
      errorsBy: Record<string, number>;
      probeMaxMs: number;
      crashed: boolean;
    };

const send = (m: ChildMessage) => process.send?.(m);

/** What the parent sends after the start: go, crash, or the answer to a list request. */
type ParentMessage =
  | ChildStart
  | { cmd: 'go'; until: number }
  | { cmd: 'crash' }
  | { cmd: 'list'; id: number; change: MemberChange };

const listWaiting = new Map<number, (c: MemberChange) => void>();
let listIds = 0;

/** Asks the parent's list planner for the next change of list `key`. */
function nextChange(key: string): Promise<MemberChange> {
  const id = ++listIds;
  return new Promise((resolve) => {
    listWaiting.set(id, resolve);
    send({ kind: 'list-next', id, key });
  });
}

process.on('message', (m: ParentMessage) => {
  if (m.cmd === 'start') void start(m);
  else if (m.cmd === 'go') go?.(m.until);
  else if (m.cmd === 'crash') crash?.();
  else if (m.cmd === 'list') {
    listWaiting.get(m.id)?.(m.change);
    listWaiting.delete(m.id);
  }
});

let go: ((until: number) => void) | undefined;
let crash: (() => void) | undefined;

async function start(m: ChildStart): Promise<void> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const clock = sharedClock(m.epochOffset);
  const recorder = new Recorder(m.proc);
  const { resources, few } = m.settings;
  const space = new KeySpace(m.broadcasters, m.owners, resources, few);
  // This process acts as broadcaster `owners[proc]`: its lists and rewards are the only ones it may read.
  const owner = m.owners[m.proc]!;
  const loads = { count: 0 };
  // The bus delay probe: the parent publishes its clock on this channel; the worst delay seen bounds δ.
  const probe = new Redis(m.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let probeMaxMs = 0;
  await probe.connect();
  await probe.subscribe(m.probeChannel);
  probe.on('message', (_c, sentAt) => {
    probeMaxMs = Math.max(probeMaxMs, clock.now() - Number(sentAt));
  });
  const system = await twitchify(m.target, {
    redisUrl: m.redisUrl,
    prefix: m.prefix,
    instrument: instrumentFor(recorder, space, loads, clock),
    clock,
    warm: keysOf(space, owner),
    ...(m.conduit ? { conduit: true } : {}),
  });
  let stop = false;
  crash = () => {
    stop = true;
  };
  const until = await new Promise<number>((resolve) => {
    go = resolve;
    send({ kind: 'ready', at: clock.now() });
  });
  const loopStart = clock.now();
  if (process.env.BENCH_DEBUG) process.stderr.write(`p${m.proc} go: until in ${(until - loopStart).toFixed(0)} ms\n`);
  const counts = await runLoop({
    system,
    workload: new Workload(
      {
        seed: m.settings.seed,
        proc: m.proc,
        incarnation: m.incarnation,
        space,
        owner,
        strictShare: m.settings.strictShare,
      },
      `w${m.incarnation}`,
    ),
    recorder,
    space,
    lists: { next: nextChange, done: (key, userId) => send({ kind: 'list-done', key, userId }) },
    clock,
    shouldStop: () => stop,
    until,
    maxReads: m.settings.readEveryMs > 0 ? Number.POSITIVE_INFINITY : m.settings.maxReadsPerProcess,
    readEveryMs: m.settings.readEveryMs,
    writeEveryMs: m.settings.writeEveryMs,
    loads: () => loads.count,
    progress: (reads) => send({ kind: 'progress', reads }),
  });
  if (process.env.BENCH_DEBUG) {
    const stats = system.client.cacheReport().stats;
    process.stderr.write(
      `p${m.proc}: ${JSON.stringify(counts)} in ${(clock.now() - loopStart).toFixed(0)} ms, loop delay p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms max ${(lag.max / 1e6).toFixed(1)} ms; ${JSON.stringify(stats)}\n`,
    );
  }
  // A crash leaves the Client and Redis as they are (no close): the next incarnation must cope with that.
  if (!stop) await system.close();
  probe.disconnect();
  // Exit only once the (large) message has been handed to the IPC channel.
  process.send?.(
    {
      kind: 'done',
      recorded: recorder.toJSON(),
      errors: counts.errors,
      errorsBy: counts.errorsBy,
      probeMaxMs,
      crashed: stop,
    } satisfies ChildMessage,
    undefined,
    {},
    () => process.exit(0),
  );
}
