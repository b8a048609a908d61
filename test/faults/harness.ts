/**
 * The fault matrix's harness: one row runs the Client (on the emulator, with Redis when the row wants it) under the
 * benchmark's workload (reads of two channels, writes of its own, outside changes) while the row's fault is made
 * and healed, then holds what the Client answered to the promises with the benchmark's checker, and waits (bounded)
 * until the Client serves the newest state again. Counts crashes and unhandled rejections of this process.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@twitchify/core';
import { type DeliverySettings, type MockOptions, type MockServer, startMock } from '@twitchify/mock';
import { expect } from 'vitest';
import { KeySpace } from '../../benchmarks/consistency/catalog.js';
import { type CheckResult, check, type Violations } from '../../benchmarks/consistency/checker.js';
import { instrumentFor } from '../../benchmarks/consistency/instrument.js';
import { runLoop } from '../../benchmarks/consistency/process-loop.js';
import { epochOffset, Recorder, sharedClock } from '../../benchmarks/consistency/recorder.js';
import { buildHistory, keysOf, RequestTap, targetOf } from '../../benchmarks/consistency/row.js';
import { type BenchSystem, twitchify } from '../../benchmarks/consistency/systems.js';
import { ExternalChanges, Workload } from '../../benchmarks/consistency/workload.js';
import { deletePrefix, REDIS_URL } from '../support.js';
import { earlyWritePositionReads, type KnownBug, onlyEarlyWritePosition } from './known-bugs.js';
import { type LogLine, timelineOf } from './timeline.js';

/** Everything a fault may act on while the workload runs. */
export interface FaultContext {
  readonly mock: MockServer;
  readonly client: Client;
  readonly broadcasters: readonly string[];
  readonly redisUrl: string | undefined;
  readonly prefix: string;
  /** What the Client logged so far (every level), on the row's clock. */
  readonly logs: readonly LogLine[];
  /** The row's clock (the emulator's and the Client's). */
  now(): number;
  /** Resolves after `ms` (the row's own pacing; nothing is asserted on time). */
  sleep(ms: number): Promise<void>;
}

/** One row of the matrix. */
export interface FaultRow {
  name: string;
  /** The Redis the Client uses: none (in-process tier alone) or a URL (the shared server, or the row's own). */
  redisUrl?: string;
  /** Runs while the Client is being started (`run()`), for faults present from the start. */
  atStart?: (ctx: Pick<FaultContext, 'mock' | 'broadcasters' | 'prefix'>) => Promise<void>;
  /** Makes the fault and heals it, while the workload runs. */
  fault(ctx: FaultContext): Promise<void>;
  /** How the emulator delivers events during the row (default: at once, none lost, duplicated or reordered). */
  delivery?: DeliverySettings;
  /** How long the workload runs, ms (default 1000): the fault runs within it. */
  durationMs?: number;
  /** One read every this many ms (default: as fast as the Client answers), for rows that run long. */
  readEveryMs?: number;
  /** The emulator's EventSub knobs for the row (reconnect grace, keepalive, ...). */
  eventsub?: MockOptions['eventsub'];
  /** An open bug this row is gated on as a whole (see {@link KnownBug}). */
  knownBug?: KnownBug;
}

/** Whether known bugs fail their rows too (see known-bugs.ts). */
export const KNOWN = process.env.TWITCHIFY_FAULTS_KNOWN === '1';

export interface RowOutcome {
  check: CheckResult;
  violations: Violations;
  reads: number;
  /** Operations of the workload that failed (a write during a 5xx burst, say): allowed, they lose nothing. */
  failedOps: number;
  uncaught: unknown[];
  unhandled: unknown[];
  /** Whether the Client answered the newest state again after the fault (within the bound). */
  servingAgain: boolean;
  /** How long that took, ms: from the first change made after the fault to the read that returned the last one. */
  servingAgainMs: number;
  /** What the Client logged during the row. */
  logs: readonly LogLine[];
  /** When the checker found a violation: what happened to the key of its first example, for the failure message. */
  timeline: string;
  /** The row's known bug, if it is gated on one. */
  knownBug: KnownBug | undefined;
  /** Reads with the signature of the known bug `earlyWritePosition` (known-bugs.ts). */
  earlyWritePosition: number;
}

/** Reads the checker gets at least (the workload goes on after the fault until it has them). */
export const MIN_READS = 50;

/** Upper bound of the wait for "serving again": generous, since the row asserts that it happens, not when. */
export const SERVING_AGAIN_WITHIN_MS = 30_000;

/** Log lines kept at most (the newest): a row's memory stays bounded however chatty the Client is. */
const MAX_LOG_LINES = 20_000;

/** The rows read and write channels only: no list changes to plan. */
const NO_LISTS = {
  next: () => Promise.reject(new Error('the fault matrix changes no list')),
  done: () => {},
};

const EVENTS_AT_ONCE: DeliverySettings = {
  delayMs: { min: 5, max: 40 },
  dropRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
};

export async function runFaultRow(row: FaultRow, seed = 7): Promise<RowOutcome> {
  const rowStarted = performance.now();
  const uncaught: unknown[] = [];
  const unhandled: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  const clock = sharedClock(epochOffset());
  const prefix = `t:faults:${randomUUID().slice(0, 8)}:`;
  const mock = await startMock({
    port: 0,
    seed,
    clock,
    users: 10,
    rateLimit: { limit: 10_000_000, windowMs: 60_000 },
    events: EVENTS_AT_ONCE,
    ...(row.eventsub ? { eventsub: row.eventsub } : {}),
  });
  let system: (BenchSystem & { client: Client }) | undefined;
  try {
    const broadcasters = [mock.users[0]!.id, mock.users[1]!.id];
    // channels only: the rows' faults are about transports and stores, not about a resource's rules
    const space = new KeySpace(broadcasters, [broadcasters[0]!], ['channel']);
    const recorder = new Recorder(0);
    const loads = { count: 0 };
    const tap = new RequestTap(mock, space.index);
    const logs: LogLine[] = [];
    const line = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => {
      if (logs.length >= MAX_LOG_LINES) logs.splice(0, MAX_LOG_LINES / 2);
      logs.push({ at: clock.now(), level, message, fields });
    };
    const logger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
    const [made] = await Promise.all([
      twitchify(targetOf(mock), {
        ...(row.redisUrl ? { redisUrl: row.redisUrl, prefix } : {}),
        instrument: instrumentFor(recorder, space, loads, clock),
        clock,
        warm: keysOf(space, broadcasters[0]!),
        logger,
      }),
      row.atStart?.({ mock, broadcasters, prefix }),
    ]);
    system = made;
    const client = made.client;
    client.on('error', () => {}); // reported errors are expected under faults; crashes and rejections are not
    mock.setEventDelivery(row.delivery ?? EVENTS_AT_ONCE);
    tap.begin();
    const external = new ExternalChanges(seed, broadcasters.length);
    const outside = setInterval(() => {
      const c = external.next('x');
      mock.external.updateChannel(broadcasters[c.key]!, { title: c.title });
    }, 60);
    const start = clock.now();
    const durationMs = row.durationMs ?? 1000;
    const ctx: FaultContext = {
      mock,
      client,
      broadcasters,
      redisUrl: row.redisUrl,
      prefix,
      logs,
      now: () => clock.now(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
    const workload = new Workload({ seed, proc: 0, space, owner: broadcasters[0]!, strictShare: 0.1 }, 'w');
    const loop = (until: number) =>
      runLoop({
        system: made,
        workload,
        recorder,
        space,
        lists: NO_LISTS,
        clock,
        until,
        writeEveryMs: 150,
        ...(row.readEveryMs ? { readEveryMs: row.readEveryMs } : {}),
        loads: () => loads.count,
      });
    const [counts] = await Promise.all([loop(start + durationMs), row.fault(ctx)]);
    // However slow the machine, the checker gets at least MIN_READS reads, the later ones after the fault
    let reads = counts.reads;
    let failedOps = counts.errors;
    const deadline = Date.now() + SERVING_AGAIN_WITHIN_MS;
    while (reads < MIN_READS && Date.now() < deadline) {
      const more = await loop(clock.now() + 250);
      reads += more.reads;
      failedOps += more.errors;
    }
    clearInterval(outside);
    mock.setEventDelivery(EVENTS_AT_ONCE);
    const servedFrom = performance.now();
    const servingAgain = await serving(client, mock, broadcasters);
    const servingAgainMs = performance.now() - servedFrom;
    await made.close();
    system = undefined;
    tap.stop();
    const history = buildHistory(mock, space, [recorder.toJSON()], {
      restarts: [],
      gaps: recorder.gaps,
      sourceReads: tap.sourceReads,
      sharedTier: false,
      deltaMs: 0,
    });
    const result = check(history);
    const found = Object.values(result.violations).some((n) => n > 0);
    report(
      `fault row "${row.name}": ${(performance.now() - rowStarted).toFixed(0)} ms, ${result.reads} reads, ` +
        `${failedOps} failed ops, serving again ${servingAgain ? `after ${servingAgainMs.toFixed(0)} ms` : 'never'}, ` +
        `violations ${JSON.stringify(result.violations)}`,
    );
    return {
      check: result,
      violations: result.violations,
      reads: result.reads,
      failedOps,
      uncaught,
      unhandled,
      servingAgain,
      servingAgainMs,
      logs,
      knownBug: row.knownBug,
      earlyWritePosition: found ? earlyWritePositionReads(history) : 0,
      timeline: found ? timelineOf(history, Object.values(result.examples).flat(), (k) => mock.history(k), logs) : '',
    };
  } finally {
    await system?.close().catch(() => {});
    await mock.stop();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUnhandled);
    if (row.redisUrl === REDIS_URL) await deletePrefix(prefix);
  }
}

/**
 * Whether the Client serves the newest state again: each channel changes once more on twitch.tv, and reads are
 * polled until they return that change (at most {@link SERVING_AGAIN_WITHIN_MS}).
 */
async function serving(client: Client, mock: MockServer, broadcasters: readonly string[]): Promise<boolean> {
  const deadline = Date.now() + SERVING_AGAIN_WITHIN_MS;
  for (const b of broadcasters) {
    const title = `after the fault ${randomUUID().slice(0, 6)}`;
    mock.external.updateChannel(b, { title });
    for (;;) {
      const read = await client.channels.get(b).catch(() => undefined);
      if (read?.title === title) break;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return true;
}

/** With TWITCHIFY_FAULTS_REPORT=1, one line of a row's measurements on stderr (what a report on the matrix quotes). */
export function report(line: string): void {
  if (process.env.TWITCHIFY_FAULTS_REPORT === '1') process.stderr.write(`${line}\n`);
}

/** The checker's counts when nothing broke. */
export const NO_VIOLATIONS: Violations = {
  readYourWrites: 0,
  eventStaleness: 0,
  monotonicReads: 0,
  staleFills: 0,
  restartSafety: 0,
};

/**
 * What every row asserts: no crash, no unhandled rejection, enough reads, serving again, and no violation. Unless
 * TWITCHIFY_FAULTS_KNOWN=1, the violations of a row gated on a known bug, and violations that all carry the signature
 * of `earlyWritePosition`, pass (known-bugs.ts).
 */
export function expectRowHealthy(outcome: RowOutcome): void {
  expect(outcome.uncaught).toEqual([]);
  expect(outcome.unhandled).toEqual([]);
  expect(outcome.reads).toBeGreaterThanOrEqual(MIN_READS);
  expect(outcome.servingAgain).toBe(true);
  const signed = onlyEarlyWritePosition(outcome.violations, outcome.earlyWritePosition);
  const known = outcome.knownBug ?? (signed ? 'earlyWritePosition' : undefined);
  if (!KNOWN && known !== undefined) {
    if (Object.values(outcome.violations).some((n) => n > 0)) {
      // passed as a known bug, but said: a run that meets it shows how often it happens
      process.stderr.write(`fault row passed with the known bug ${known}: ${JSON.stringify(outcome.violations)}\n`);
    }
    return;
  }
  expect(outcome.violations, `${JSON.stringify(outcome.check.examples)}\n${outcome.timeline}`).toEqual(NO_VIOLATIONS);
  expect(outcome.check.unmatched).toBe(0);
}
