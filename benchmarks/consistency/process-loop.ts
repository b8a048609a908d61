/**
 * The loop one process of a row runs: draw an operation, do it against the system, record it. Reads are awaited
 * one after another (a bot's handler reading what it needs); every 64 operations the loop yields to the event loop
 * so that EventSub frames and Redis messages are processed as they would be in an app.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Recorder } from './recorder.js';
import type { BenchSystem } from './systems.js';
import type { Workload } from './workload.js';

export interface LoopOptions {
  system: BenchSystem;
  workload: Workload;
  recorder: Recorder;
  /** Broadcaster id of each key index. */
  broadcasters: readonly string[];
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
    const id = o.broadcasters[op.key]!;
    try {
      if (op.kind === 'read') {
        const before = o.loads?.() ?? -1;
        const start = o.clock.now();
        const title = await o.system.read(id, op.strict);
        const end = o.clock.now();
        const fromCache = o.loads ? o.loads() === before : false;
        o.recorder.read(op.key, start, end, title, op.strict ? 'strict' : 'fast', fromCache);
        reads++;
      } else {
        await o.system.write(id, op.title);
        o.recorder.ack(op.key, o.clock.now(), op.title);
        writes++;
      }
    } catch (error) {
      errors++;
      if (errors <= 3 && process.env.BENCH_DEBUG) process.stderr.write(`loop error: ${String(error)}\n`);
      if (o.clock.now() >= o.until) break;
    }
  }
  o.progress?.(reads);
  return { reads, writes, errors };
}
