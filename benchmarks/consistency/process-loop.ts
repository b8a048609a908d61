/**
 * The loop one process of a row runs: draw an operation, do it against the system, record it. Reads are awaited
 * one after another (a bot's handler reading what it needs); every 64 operations the loop yields to the event loop
 * so that EventSub frames and Redis messages are processed as they would be in an app.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { listReadSig, type MemberChange, memberChangeSig } from './lists.js';
import type { Recorder } from './recorder.js';
import type { BenchSystem } from './systems.js';
import type { Workload } from './workload.js';

export interface LoopOptions {
  system: BenchSystem;
  workload: Workload;
  recorder: Recorder;
  /** Broadcaster id of each channel key index; VIP key `broadcasters.length + i` is the list of `broadcasters[i]`. */
  broadcasters: readonly string[];
  /**
   * Which change of a VIP list to make next (`ListPlanner.next`, over IPC in a child), and that a removal it handed
   * out has been made or has failed (`ListPlanner.done`). Needed when the workload makes VIP writes.
   */
  vips?: {
    next(broadcasterId: string): Promise<MemberChange>;
    done(broadcasterId: string, userId: string): void;
  };
  clock: { now(): number };
  /** Stop at this time (clock ms). */
  until: number;
  /** Asked at every yield: stop now (a crash). */
  shouldStop?: () => boolean;
  /** Optional cap on reads (to bound memory on very fast systems). */
  maxReads?: number;
  /** Whether the current read was answered without a Helix load: set by the system's instrumentation. */
  loads?: () => number;
  /** One write through the system every this many ms (0: none). */
  writeEveryMs: number;
  /** Called every ~1/8 s with the reads done so far. */
  progress?: (reads: number) => void;
}

/** Runs until `until`; returns counts. Errors of single operations are counted, never thrown. */
export async function runLoop(o: LoopOptions): Promise<{ reads: number; writes: number; errors: number }> {
  let reads = 0;
  let writes = 0;
  let errors = 0;
  let ops = 0;
  let lastProgress = 0;
  let nextWrite = o.writeEveryMs > 0 ? o.clock.now() + o.writeEveryMs : Number.POSITIVE_INFINITY;
  const cap = o.maxReads ?? Number.POSITIVE_INFINITY;
  const debug = process.env.BENCH_DEBUG ? new OpTimes() : undefined;
  while (reads < cap) {
    if ((++ops & 63) === 0) {
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
    let op = o.workload.next();
    if (now >= nextWrite) {
      op = o.workload.nextWrite();
      nextWrite += o.writeEveryMs;
    }
    const n = o.broadcasters.length;
    const id = o.broadcasters[op.key < n ? op.key : op.key - n]!;
    try {
      if (op.kind === 'read') {
        const before = o.loads?.() ?? -1;
        const start = o.clock.now();
        const sig = op.vips ? listReadSig(await o.system.readVips(id, op.strict)) : await o.system.read(id, op.strict);
        const end = o.clock.now();
        const fromCache = o.loads ? o.loads() === before : false;
        o.recorder.read(op.key, start, end, sig, op.strict ? 'strict' : 'fast', fromCache);
        reads++;
        if (debug) debug.add(op.vips ? 'vipRead' : 'read', end - start);
      } else if (op.kind === 'write') {
        const t0 = o.clock.now();
        await o.system.write(id, op.title);
        if (debug) debug.add('write', o.clock.now() - t0);
        o.recorder.ack(op.key, o.clock.now(), op.title);
        writes++;
      } else if (o.vips) {
        const t0 = o.clock.now();
        const c = await o.vips.next(id);
        if (debug) debug.add('vipPlan', o.clock.now() - t0);
        try {
          if (c.op === 'add') await o.system.addVip(id, c.userId);
          else await o.system.removeVip(id, c.userId);
        } finally {
          o.vips.done(id, c.userId);
        }
        if (debug) debug.add(c.op === 'add' ? 'addVip' : 'removeVip', o.clock.now() - t0);
        o.recorder.ack(op.key, o.clock.now(), memberChangeSig(c.op, c.userId));
        writes++;
      }
    } catch (error) {
      errors++;
      if (errors <= 3 && process.env.BENCH_DEBUG) process.stderr.write(`loop error: ${String(error)}\n`);
      if (o.clock.now() >= o.until) break;
    }
  }
  o.progress?.(reads);
  if (debug) process.stderr.write(`loop time by op (count, total ms, max ms): ${debug.report()}\n`);
  return { reads, writes, errors };
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
