/**
 * The multi-process row: N child processes run Twitchify on one Redis against this process's emulator. Midway,
 * one process is crashed (no clean shutdown) and a new incarnation of it takes its place, so restart safety is
 * checked on a real restart: what was acknowledged or received before must bind what the new process reads.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MockServer } from '@twitchify/mock';
import { Redis } from 'ioredis';
import { KeySpace } from './catalog.js';
import { check } from './checker.js';
import type { ChildMessage, ChildStart } from './child.js';
import type { History, Restart } from './history.js';
import { ListPlanner } from './lists.js';
import { errorNotes } from './process-loop.js';
import type { RecordedProcess } from './recorder.js';
import { epochOffset } from './recorder.js';
import {
  buildHistory,
  listPoolOf,
  RequestTap,
  type RunSettings,
  startBenchMock,
  startDrivers,
  targetOf,
} from './row.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export interface MultiRowOptions {
  processes: number;
  redisUrl: string;
  /** Crash and restart process 1 at half time (default true). */
  restart: boolean;
  /**
   * Every process acts as the same broadcaster (one VIP list, one title that several processes write) and listens
   * as a shard of one conduit, so that each event reaches one process only.
   */
  shared?: boolean;
}

interface Running {
  child: ChildProcess;
  done: Promise<Extract<ChildMessage, { kind: 'done' }>>;
  ready: Promise<number>;
}

/**
 * `planner` answers the child's list requests: which change of its broadcaster's list to make next, and that a
 * change it was handed is done (the planner reads the emulator's truth, which lives in this process).
 */
function spawnChild(start: ChildStart, onProgress: (reads: number) => void, planner: ListPlanner): Running {
  const child = fork(CHILD, [], {
    execArgv: [...process.execArgv.filter((a) => !a.startsWith('--inspect')), '--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: process.env,
  });
  let resolveReady!: (at: number) => void;
  let resolveDone!: (m: Extract<ChildMessage, { kind: 'done' }>) => void;
  let rejectAll!: (e: Error) => void;
  const ready = new Promise<number>((res, rej) => {
    resolveReady = res;
    rejectAll = rej;
  });
  const done = new Promise<Extract<ChildMessage, { kind: 'done' }>>((res, rej) => {
    resolveDone = res;
    child.on('exit', (code) => rej(new Error(`process ${start.proc} exited with ${code} before reporting`)));
  });
  ready.catch(() => {});
  done.catch(() => {});
  child.on('exit', (code) => rejectAll(new Error(`process ${start.proc} exited with ${code} before ready`)));
  child.on('message', (m: ChildMessage) => {
    if (m.kind === 'ready') resolveReady(m.at);
    else if (m.kind === 'progress') onProgress(m.reads);
    else if (m.kind === 'done') resolveDone(m);
    else if (m.kind === 'list-next') {
      const change = planner.next(m.key);
      if (child.connected) child.send({ cmd: 'list', id: m.id, change });
      else planner.done(m.key, change.userId);
    } else if (m.kind === 'list-done') planner.done(m.key, m.userId);
  });
  child.send(start);
  return { child, done, ready };
}

export async function runMultiProcessRow(s: RunSettings, o: MultiRowOptions, progress: (reads: number) => void) {
  const mock = await startBenchMock(s, o.processes);
  const prefix = `bench:${process.pid}:${Date.now()}:`;
  const probeChannel = `${prefix}probe`;
  const publisher = new Redis(o.redisUrl, { maxRetriesPerRequest: 1 });
  const reads = new Map<string, number>();
  const report = (id: string) => (n: number) => {
    reads.set(id, n);
    progress([...reads.values()].reduce((a, b) => a + b, 0));
  };
  try {
    const broadcasters = Array.from({ length: s.keys }, (_, i) => mock.users[i]!.id);
    // Process p acts as broadcaster p: it reads and changes broadcaster p's lists, rewards and settings; in the
    // shared row every process acts as broadcaster 0.
    const owners = o.shared
      ? Array.from({ length: o.processes }, () => broadcasters[0]!)
      : broadcasters.slice(0, o.processes);
    const space = new KeySpace(broadcasters, owners, s.resources, s.few);
    const planner = new ListPlanner(mock, listPoolOf(mock, s), s.seed);
    // the children's clock is the emulator's and the checker's, to the microsecond
    const offset = epochOffset(s.clock);
    const { clock: _clock, ...settings } = s;
    const startOf = (proc: number, incarnation: number): ChildStart => ({
      cmd: 'start',
      proc,
      incarnation,
      epochOffset: offset,
      settings,
      target: targetOf(mock, o.shared ? 0 : proc),
      ...(o.shared ? { conduit: true } : {}),
      redisUrl: o.redisUrl,
      prefix,
      broadcasters,
      owners,
      probeChannel,
    });
    const tap = new RequestTap(mock, space.index);
    const procs = Array.from({ length: o.processes }, (_, p) => spawnChild(startOf(p, 0), report(`${p}:0`), planner));
    await Promise.all(procs.map((p) => p.ready));
    tap.begin();
    const stopDrivers = startDrivers(mock, s, space, 'multi', planner, owners);
    const probe = setInterval(() => void publisher.publish(probeChannel, String(s.clock.now())).catch(() => {}), 20);
    const begin = s.clock.now();
    const until = begin + s.durationMs;
    for (const p of procs) p.child.send({ cmd: 'go', until });

    const recorded: RecordedProcess[] = [];
    const restarts: Restart[] = [];
    let errors = 0;
    const errorsBy: Record<string, number> = {};
    let probeMaxMs = 0;
    const collect = (m: Extract<ChildMessage, { kind: 'done' }>) => {
      recorded.push(m.recorded);
      errors += m.errors;
      for (const [what, n] of Object.entries(m.errorsBy)) errorsBy[what] = (errorsBy[what] ?? 0) + n;
      probeMaxMs = Math.max(probeMaxMs, m.probeMaxMs);
    };
    if (o.restart && o.processes > 1) {
      await new Promise((r) => setTimeout(r, s.durationMs / 2));
      const victim = procs[1]!;
      victim.child.send({ cmd: 'crash' });
      const last = await victim.done;
      const downAt = s.clock.now();
      collect(last);
      const next = spawnChild(startOf(1, 1), report('1:1'), planner);
      const upAt = await next.ready;
      next.child.send({ cmd: 'go', until });
      restarts.push({ proc: 1, downAt, upAt });
      procs[1] = next;
    }
    for (const p of procs) collect(await p.done);
    const durationMs = s.clock.now() - begin;
    clearInterval(probe);
    stopDrivers();
    tap.stop();
    // δ: the worst delay a message published on Redis took to reach a busy child process, measured all run long.
    const deltaMs = Math.ceil(probeMaxMs);
    const history = buildHistory(mock, space, recorded, {
      restarts,
      gaps: recorded.flatMap((r) => r.gaps),
      sourceReads: tap.sourceReads,
      sharedTier: true,
      deltaMs,
    });
    if (process.env.BENCH_DUMP) dumpFirstViolation(history, mock);
    return {
      result: {
        system: o.shared
          ? `Twitchify on Redis (${o.processes} processes, one broadcaster, conduit)`
          : `Twitchify on Redis (${o.processes} processes)`,
        processes: o.processes,
        durationMs,
        helixRequests: tap.helixRequests,
        helixPerTokenPerMinute: tap.perTokenPerMinute(durationMs),
        check: check(history, s.bucketMs),
        deltaMs,
        errors,
        notes: [
          ...restarts.map((r) => `process ${r.proc} crashed and restarted (down ${(r.upAt - r.downAt).toFixed(0)} ms)`),
          ...(planner.added > 0 ? [`list members added: ${planner.added}`] : []),
          ...errorNotes(errorsBy),
        ],
        history,
      },
    };
  } finally {
    publisher.disconnect();
    await mock.stop();
    await cleanRedis(o.redisUrl, prefix).catch(() => {});
  }
}

/** Deletes this run's keys from Redis. */
export async function cleanRedis(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

/** Debug (BENCH_DUMP=1): the timeline of the key of the first violating read: truth, acks, events, gaps, reads. */
function dumpFirstViolation(history: History, mock: MockServer): void {
  const res = check(history);
  const first = Object.values(res.examples).flat()[0];
  if (first === undefined) return;
  const keyName = /read (\S+)/.exec(first)?.[1];
  const k = history.keys.indexOf(keyName ?? '');
  if (k < 0) return;
  const t0 = history.truth[k]?.[0]?.committedAt ?? 0;
  const rel = (t: number) => (t - t0).toFixed(1);
  const lines: string[] = [`first violation: ${first}`];
  for (const h of mock.history(keyName!))
    lines.push(`${rel(h.committedAt)} truth v${h.version} ${JSON.stringify((h.state as { title?: string }).title)}`);
  for (const a of history.acks) if (a.key === k) lines.push(`${rel(a.at)} ack p${a.proc} v${a.version}`);
  for (const e of history.events) if (e.key === k) lines.push(`${rel(e.at)} event p${e.proc} v${e.version}`);
  for (const g of history.gaps) if (g.key === k) lines.push(`${rel(g.start)} gap p${g.proc} until ${rel(g.end)}`);
  for (const x of history.restarts) lines.push(`${rel(x.downAt)} restart p${x.proc} up ${rel(x.upAt)}`);
  for (const x of history.sourceReads) if (x.key === k) lines.push(`${rel(x.at)} helix read`);
  const r = history.reads;
  const last = new Map<number, number>();
  for (let i = 0; i < r.size; i++) {
    if (r.key[i] !== k) continue;
    const p = r.proc[i]!;
    if (last.get(p) !== r.version[i])
      lines.push(`${rel(r.start[i]!)} read p${p} v${r.version[i]}${r.isFromCache(i) ? ' cache' : ' helix'}`);
    last.set(p, r.version[i]!);
  }
  const sorted = lines.slice(1).sort((a, b) => Number.parseFloat(a) - Number.parseFloat(b));
  process.stderr.write(`${[lines[0], ...sorted].join('\n')}\n`);
}
