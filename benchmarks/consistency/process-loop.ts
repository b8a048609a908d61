/**
 * The loop one process of a row runs: draw an operation, do it against the system, record it. Reads are awaited
 * one after another (a bot's handler reading what it needs); every 64 operations the loop yields to the event loop
 * so that EventSub frames and Redis messages are processed as they would be in an app. Paced (the soak), it reads
 * at a fixed rate instead and sleeps in between.
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

/** Runs until `until`; returns counts. Errors of single operations are counted, never thrown. */
export async function runLoop(
  o: LoopOptions,
): Promise<{ reads: number; writes: number; errors: number; errorsBy: Record<string, number> }> {
  const errorsBy: Record<string, number> = {};
  let reads = 0;
  let writes = 0;
  let errors = 0;
  let ops = 0;
  let lastProgress = 0;
  let nextWrite = o.writeEveryMs > 0 ? o.clock.now() + o.writeEveryMs : Number.POSITIVE_INFINITY;
  const pace = o.readEveryMs ?? 0;
  let nextRead = o.clock.now();
  const cap = o.maxReads ?? Number.POSITIVE_INFINITY;
  const debug = process.env.BENCH_DEBUG ? new OpTimes() : undefined;
  while (reads < cap) {
    if (pace > 0) {
      // paced: sleep until the next read (or write) is due; a late read does not make the next ones come faster
      const wait = Math.min(nextRead, nextWrite) - o.clock.now();
      if (wait > 1) await sleep(wait);
      const now = o.clock.now();
      if (now >= o.until || o.shouldStop?.()) break;
      if (o.progress && now - lastProgress > 125) {
        lastProgress = now;
        o.progress(reads);
      }
    } else if ((++ops & 63) === 0) {
      await yieldToLoop();
      const now = o.clock.now();
      if (now >= o.until || o.shouldStop?.()) break;
      if (o.progress && now - lastProgress > 125) {
        lastProgress = now;
        o.progress(reads);
      }
    }
    const now = o.clock.now();
    if (now >= o.until) break;
    let op: Op;
    if (now >= nextWrite) {
      op = o.workload.nextWrite();
      nextWrite += o.writeEveryMs;
    } else if (pace > 0 && now < nextRead) continue;
    else {
      op = o.workload.next();
      if (pace > 0) nextRead = Math.max(nextRead + pace, now);
    }
    const { id } = o.space.at(op.key);
    try {
      if (op.kind === 'read') {
        const before = o.loads?.() ?? -1;
        const start = o.clock.now();
        const sig = await o.system.read(op.resource, id, op.strict);
        const end = o.clock.now();
        const fromCache = o.loads ? o.loads() === before : false;
        o.recorder.read(op.key, start, end, sig, op.strict ? 'strict' : 'fast', fromCache);
        reads++;
        if (debug) debug.add(`read ${op.resource}`, end - start);
      } else if (op.kind === 'write') {
        const t0 = o.clock.now();
        await o.system.write(writeOf(op.resource, id, op.value));
        if (debug) debug.add(`write ${op.resource}`, o.clock.now() - t0);
        o.recorder.ack(op.key, o.clock.now(), op.resource === 'chat_settings' ? chatSig(Number(op.value)) : op.value);
        writes++;
      } else {
        const t0 = o.clock.now();
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
        writes++;
      }
    } catch (error) {
      errors++;
      const what = `${op.kind === 'read' ? 'read' : 'write'} ${op.resource}`;
      errorsBy[what] = (errorsBy[what] ?? 0) + 1;
      if (errors <= 3 && process.env.BENCH_DEBUG) process.stderr.write(`loop error: ${String(error)}\n`);
      if (o.clock.now() >= o.until) break;
    }
  }
  o.progress?.(reads);
  if (debug) process.stderr.write(`loop time by op (count, total ms, max ms): ${debug.report()}\n`);
  return { reads, writes, errors, errorsBy };
}

/** Notes naming the operations that failed, by kind (`read rewards: 168 failed`). */
export function errorNotes(errorsBy: Record<string, number>): string[] {
  return Object.entries(errorsBy).map(([what, n]) => `${what}: ${n} failed`);
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
