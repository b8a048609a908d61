/**
 * The loop one process of a row runs: draw an operation, do it against the system, record it. Reads are awaited
 * one after another (a bot's handler reading what it needs); every 64 operations the loop yields to the event loop
 * so that EventSub frames and Redis messages are processed as they would be in an app. Paced (the soak), it reads
 * at a fixed rate instead and sleeps in between. Writes run beside the reads, on their own clock.
 */
import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { chatSig, type KeySpace } from './catalog.js';
import { type MemberChange, memberChangeSig } from './lists.js';
import type { Recorder } from './recorder.js';
import type { BenchSystem, Write } from './systems.js';
import type { Op, Workload } from './workload.js';

export interface LoopOptions {
  system: BenchSystem;
  workload: Workload;
  recorder: Recorder;
  /** The row's keys: which resource and id a key index names. */
  space: KeySpace;
  /**
   * Which change of an own list to make next (`ListPlanner.next`, over IPC in a child), and that a change it handed
   * out has been made or has failed (`ListPlanner.done`). Keys are resource keys (`bans:<id>`).
   */
  lists: {
    next(key: string): Promise<MemberChange>;
    done(key: string, userId: string): void;
  };
  clock: { now(): number };
  /** Stop at this time (clock ms). */
  until: number;
  /** Asked at every yield: stop now (a crash). */
  shouldStop?: () => boolean;
  /** Optional cap on reads (to bound memory on very fast systems). */
  maxReads?: number;
  /** Paced reads (the soak): one read every this many ms, at most; 0 or absent: as fast as the system answers. */
  readEveryMs?: number;
  /** Whether the current read was answered without a Helix load: set by the system's instrumentation. */
  loads?: () => number;
  /** One write through the system every this many ms (0: none). */
  writeEveryMs: number;
  /** Called every ~1/8 s with the reads done so far. */
  progress?: (reads: number) => void;
}

/**
 * Runs until `until`; returns counts. Errors of single operations are counted, never thrown. Writes run in a lane
 * of their own, one every `writeEveryMs` (a slot missed while a write was slow is skipped, not made up), so that
 * slow writes never starve the reads, as in an app whose handlers write while others read.
 */
export async function runLoop(
  o: LoopOptions,
): Promise<{ reads: number; writes: number; errors: number; errorsBy: Record<string, number> }> {
  const errorsBy: Record<string, number> = {};
  let reads = 0;
  let writes = 0;
  let errors = 0;
  let ops = 0;
  let lastProgress = 0;
  let stopped = false;
  const pace = o.readEveryMs ?? 0;
  let nextRead = o.clock.now();
  const cap = o.maxReads ?? Number.POSITIVE_INFINITY;
  const debug = process.env.BENCH_DEBUG ? new OpTimes() : undefined;
  const failed = (op: Op, error: unknown) => {
    errors++;
    const what = `${op.kind === 'read' ? 'read' : 'write'} ${op.resource}`;
    errorsBy[what] = (errorsBy[what] ?? 0) + 1;
    if (errors <= 3 && process.env.BENCH_DEBUG) process.stderr.write(`loop error: ${String(error)}\n`);
  };
  const over = () => stopped || o.clock.now() >= o.until || o.shouldStop?.() === true;

  const writer = async () => {
    if (o.writeEveryMs <= 0) return;
    let due = o.clock.now() + o.writeEveryMs;
    while (!over()) {
      const wait = due - o.clock.now();
      if (wait > 0) await sleep(wait);
      if (over()) break;
      const op = o.workload.nextWrite();
      try {
        await write(op);
        writes++;
      } catch (error) {
        failed(op, error);
      }
      due = Math.max(due + o.writeEveryMs, o.clock.now());
    }
  };
  const write = async (op: Op) => {
    const { id } = o.space.at(op.key);
    const t0 = o.clock.now();
    if (op.kind === 'write') {
      await o.system.write(writeOf(op.resource, id, op.value));
      if (debug) debug.add(`write ${op.resource}`, o.clock.now() - t0);
      o.recorder.ack(op.key, o.clock.now(), op.resource === 'chat_settings' ? chatSig(Number(op.value)) : op.value);
    } else if (op.kind === 'listWrite') {
      const key = o.space.keys[op.key]!;
      const c = await o.lists.next(key);
      if (debug) debug.add('listPlan', o.clock.now() - t0);
      try {
        await o.system.write({ resource: op.resource, id, op: c.op, userId: c.userId, timeoutS: c.timeoutS });
      } finally {
        o.lists.done(key, c.userId);
      }
      if (debug) debug.add(`${op.resource} ${c.op}`, o.clock.now() - t0);
      o.recorder.ack(op.key, o.clock.now(), memberChangeSig(c.op, c.userId));
    }
  };
  const writing = writer();

  while (reads < cap) {
    if (pace > 0) {
      // paced: sleep until the next read is due; a late read does not make the next ones come faster
      const wait = nextRead - o.clock.now();
      if (wait > 1) await sleep(wait);
      else await yieldToLoop();
      nextRead = Math.max(nextRead + pace, o.clock.now());
    } else if ((++ops & 63) === 0) await yieldToLoop();
    if (over()) break;
    const now = o.clock.now();
    if (o.progress && now - lastProgress > 125) {
      lastProgress = now;
      o.progress(reads);
    }
    const op = o.workload.next();
    if (op.kind !== 'read') continue;
    const { id } = o.space.at(op.key);
    try {
      const before = o.loads?.() ?? -1;
      const start = o.clock.now();
      const sig = await o.system.read(op.resource, id, op.strict);
      const end = o.clock.now();
      // A load made meanwhile by the write lane marks the read as a Helix read: never a cached read that was not.
      const fromCache = o.loads ? o.loads() === before : false;
      o.recorder.read(op.key, start, end, sig, op.strict ? 'strict' : 'fast', fromCache);
      reads++;
      if (debug) debug.add(`read ${op.resource}`, end - start);
    } catch (error) {
      failed(op, error);
    }
  }
  stopped = true;
  await writing;
  o.progress?.(reads);
  if (debug) process.stderr.write(`loop time by op (count, total ms, max ms): ${debug.report()}\n`);
  return { reads, writes, errors, errorsBy };
}

/** The write a workload value makes. */
function writeOf(resource: 'channel' | 'user' | 'chat_settings', id: string, value: string): Write {
  if (resource === 'channel') return { resource, id, title: value };
  if (resource === 'user') return { resource, id, description: value };
  return { resource, id, followerMinutes: Number(value) };
}

/** Time spent per kind of operation (BENCH_DEBUG only). */
class OpTimes {
  readonly #by = new Map<string, { n: number; total: number; max: number }>();

  add(kind: string, ms: number): void {
    const x = this.#by.get(kind) ?? { n: 0, total: 0, max: 0 };
    x.n++;
    x.total += ms;
    x.max = Math.max(x.max, ms);
    this.#by.set(kind, x);
  }

  report(): string {
    return [...this.#by].map(([k, x]) => `${k} ${x.n}, ${x.total.toFixed(0)}, ${x.max.toFixed(1)}`).join('; ');
  }
}

/** Notes naming the operations that failed, by kind (`read rewards: 168 failed`). */
export function errorNotes(errorsBy: Record<string, number>): string[] {
  return Object.entries(errorsBy).map(([what, n]) => `${what}: ${n} failed`);
}
