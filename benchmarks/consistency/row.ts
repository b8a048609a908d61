/**
 * One row of the benchmark, run in this process: a fresh emulator, the system under test, the external changes
 * and socket drops, the workload loop, then the truth read back from the emulator and the history checked.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { type CheckResult, check } from './checker.js';
import type { CoverageGap, History, SourceRead } from './history.js';
import { runLoop } from './process-loop.js';
import { type RecordedProcess, Recorder, resolveVersions } from './recorder.js';
import type { BenchSystem, SystemTarget } from './systems.js';
import { ExternalChanges, Workload } from './workload.js';

/** Settings shared by every row of a run. */
export interface RunSettings {
  seed: number;
  durationMs: number;
  keys: number;
  /** One SDK write every this many ms per process. */
  writeEveryMs: number;
  /** One external change every this many ms. */
  externalEveryMs: number;
  /** Drop every EventSub socket every this many ms (0: never). */
  dropEveryMs: number;
  strictShare: number;
  maxReadsPerProcess: number;
  clock: { now(): number };
}

/** The emulator as every row starts it: Twitch-like lag and an imperfect EventSub delivery. */
export async function startBenchMock(s: RunSettings): Promise<MockServer> {
  return startMock({
    port: 0,
    seed: s.seed,
    clock: s.clock,
    users: Math.max(10, s.keys),
    rateLimit: { limit: 10_000_000, windowMs: 60_000 },
    events: { delayMs: { min: 20, max: 250 }, dropRate: 0.02, duplicateRate: 0.05, reorderRate: 0.05 },
  });
}

/**
 * The target a system needs: the emulator's URLs and a token (all scopes) of broadcaster `index` (each process of
 * the multi-process row acts as its own broadcaster: EventSub WebSocket subscriptions belong to one user's token).
 */
export function targetOf(mock: MockServer, index = 0): SystemTarget {
  const user = mock.users[index]!;
  const token = mock.createUserToken({ userId: user.id });
  return {
    clientId: mock.clientId,
    helixUrl: mock.urls.helix,
    oauthUrl: mock.urls.oauth,
    eventsubWsUrl: mock.urls.eventsubWs,
    port: mock.port,
    userId: user.id,
    accessToken: token.accessToken,
  };
}

/** Background drivers of a row: external changes at a fixed rate and periodic socket drops. */
export function startDrivers(mock: MockServer, s: RunSettings, broadcasters: readonly string[], tag: string) {
  const ext = new ExternalChanges(s.seed, broadcasters.length);
  const timers = [
    setInterval(() => {
      const c = ext.next(tag);
      mock.external.updateChannel(broadcasters[c.key]!, { title: c.title });
    }, s.externalEveryMs),
  ];
  if (s.dropEveryMs > 0) timers.push(setInterval(() => mock.eventsub.dropSocket(), s.dropEveryMs));
  return () => {
    for (const t of timers) clearInterval(t);
  };
}

/** Keeps the emulator's Helix request log from overflowing: drains it into source reads and a count. */
export class RequestTap {
  readonly sourceReads: SourceRead[] = [];
  helixRequests = 0;
  readonly #mock: MockServer;
  readonly #keyIndex: Map<string, number>;
  readonly #timer: NodeJS.Timeout;

  constructor(mock: MockServer, keyIndex: Map<string, number>) {
    this.#mock = mock;
    this.#keyIndex = keyIndex;
    mock.clearRequests();
    this.#timer = setInterval(() => this.drain(), 500);
  }

  drain(): void {
    for (const r of this.#mock.requests()) {
      if (!r.path.startsWith('/helix') && !r.path.startsWith('/mock')) continue;
      this.helixRequests++;
      for (const s of r.served ?? []) {
        const k = this.#keyIndex.get(s.key);
        if (k !== undefined) this.sourceReads.push({ key: k, at: r.at });
      }
    }
    this.#mock.clearRequests();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.drain();
  }
}

/** Builds the checker's history from the processes' recordings and the emulator's truth. */
export function buildHistory(
  mock: MockServer,
  broadcasters: readonly string[],
  recorded: RecordedProcess[],
  extra: Pick<History, 'restarts' | 'gaps' | 'sourceReads' | 'sharedTier' | 'deltaMs'>,
): History {
  const keys = broadcasters.map((b) => `channel:${b}`);
  const truth = keys.map((k) => mock.history(k).map((h) => ({ version: h.version, committedAt: h.committedAt })));
  const versionBySig = new Map<string, number>();
  keys.forEach((k, i) => {
    for (const h of mock.history(k)) versionBySig.set(`${i}|${(h.state as { title: string }).title}`, h.version);
  });
  const history: History = { keys, reads: undefined as never, acks: [], events: [], truth, ...extra };
  let first = true;
  for (const rec of recorded) {
    const r = resolveVersions(rec, (sig) => versionBySig.get(sig) ?? -1);
    if (first) history.reads = r.reads;
    else history.reads.append(r.reads);
    first = false;
    history.acks.push(...r.acks);
    history.events.push(...r.events);
  }
  return history;
}

/** Result of one row. */
export interface RowResult {
  system: string;
  processes: number;
  durationMs: number;
  helixRequests: number;
  hitRate: number;
  latencyUs: { p50: number; p99: number };
  latencySample: number[];
  check: CheckResult;
  deltaMs: number;
  errors: number;
  notes: string[];
}

/** Runs an in-process row (one process) for the system built by `make`. */
export async function runInProcessRow(
  s: RunSettings,
  make: (
    target: SystemTarget,
    recorder: Recorder,
    loads: { count: number },
    broadcasters: readonly string[],
  ) => Promise<BenchSystem>,
  progress: (reads: number) => void,
): Promise<{ result: Omit<RowResult, 'latencyUs' | 'latencySample' | 'hitRate'> & { history: History } }> {
  const mock = await startBenchMock(s);
  try {
    const broadcasters = Array.from({ length: s.keys }, (_, i) => mock.users[i]!.id);
    const keyIndex = new Map(broadcasters.map((b, i) => [`channel:${b}`, i]));
    const recorder = new Recorder(0);
    const loads = { count: 0 };
    const system = await make(targetOf(mock), recorder, loads, broadcasters);
    const tap = new RequestTap(mock, keyIndex);
    const stopDrivers = startDrivers(mock, s, broadcasters, system.name.replace(/\W+/g, ''));
    const start = s.clock.now();
    const counts = await runLoop({
      system,
      workload: new Workload({ seed: s.seed, proc: 0, keys: s.keys, writeKey: 0, strictShare: 0 }, 'w'),
      recorder,
      broadcasters,
      clock: s.clock,
      until: start + s.durationMs,
      maxReads: s.maxReadsPerProcess,
      writeEveryMs: s.writeEveryMs,
      loads: () => loads.count,
      progress,
    });
    const durationMs = s.clock.now() - start;
    stopDrivers();
    await system.close();
    tap.stop();
    const history = buildHistory(mock, broadcasters, [recorder.toJSON()], {
      restarts: [],
      gaps: gapsOf(recorder),
      sourceReads: tap.sourceReads,
      sharedTier: false,
      deltaMs: 0,
    });
    return {
      result: {
        system: system.name,
        processes: 1,
        durationMs,
        helixRequests: tap.helixRequests,
        check: check(history),
        deltaMs: 0,
        errors: counts.errors,
        notes: [],
        history,
      },
    };
  } finally {
    await mock.stop();
  }
}

/** Coverage gaps a recorder collected (see `Recorder.gap`). */
export function gapsOf(recorder: Recorder): CoverageGap[] {
  return recorder.gaps;
}
