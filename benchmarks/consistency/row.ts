/**
 * One row of the benchmark, run in this process: a fresh emulator, the system under test, the external changes
 * and socket drops, the workload loop, then the truth read back from the emulator and the history checked.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { type CheckResult, check } from './checker.js';
import {
  type CoverageGap,
  clampCommits,
  type History,
  type MemberChangeWitness,
  type SourceRead,
  type Witness,
} from './history.js';
import { ListPlanner, ListVersions } from './lists.js';
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
  /** One external change of a VIP list (round robin over the processes' broadcasters) every this many ms (0: never). */
  externalVipEveryMs: number;
  /** Whether the workload covers the VIP lists too (reads, writes, external changes); false: channels only. */
  vips: boolean;
  /** Share of each process's reads that read its own broadcaster's VIP list. */
  vipReadShare: number;
  /** Drop every EventSub socket every this many ms (0: never). */
  dropEveryMs: number;
  strictShare: number;
  maxReadsPerProcess: number;
  clock: { now(): number };
}

/**
 * Users the VIP lists of a row may add (each once): about half of the VIP changes are adds; `vipLists` processes
 * change their list on every other write, and the external driver one list every `externalVipEveryMs`. Twice that,
 * plus a margin; when they run out, the planner adds users to the emulator at runtime.
 */
export function vipPoolSize(s: Omit<RunSettings, 'clock'>, vipLists: number): number {
  const perSecond =
    (vipLists * 1000) / (2 * s.writeEveryMs) + (s.externalVipEveryMs > 0 ? 1000 / s.externalVipEveryMs : 0);
  return Math.ceil((s.durationMs / 1000) * perSecond) + 50;
}

/**
 * The emulator as every row starts it: Twitch-like lag and an imperfect EventSub delivery. Seeds the channels'
 * broadcasters (users `0..keys-1`) and after them a pool of users for the VIP lists of `vipLists` broadcasters.
 */
export async function startBenchMock(s: RunSettings, vipLists = 1): Promise<MockServer> {
  return startMock({
    port: 0,
    seed: s.seed,
    clock: s.clock,
    users: Math.min(10_000, Math.max(10, s.keys) + (s.vips ? vipPoolSize(s, vipLists) : 0)),
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

/** The users after the channels' broadcasters: the pool the VIP planner adds from. */
export function vipPoolOf(mock: MockServer, s: RunSettings): string[] {
  return mock.users.slice(Math.max(10, s.keys)).map((u) => u.id);
}

/**
 * Background drivers of a row: external title changes at a fixed rate, external changes of the VIP lists of
 * `vipBroadcasters` (round robin, decided by `planner`) on a second timer, and periodic socket drops.
 */
export function startDrivers(
  mock: MockServer,
  s: RunSettings,
  broadcasters: readonly string[],
  tag: string,
  planner?: ListPlanner,
  vipBroadcasters: readonly string[] = [],
) {
  const ext = new ExternalChanges(s.seed, broadcasters.length);
  const timers = [
    setInterval(() => {
      const c = ext.next(tag);
      mock.external.updateChannel(broadcasters[c.key]!, { title: c.title });
    }, s.externalEveryMs),
  ];
  if (planner && vipBroadcasters.length > 0 && s.externalVipEveryMs > 0) {
    let n = 0;
    timers.push(
      setInterval(() => {
        try {
          planner.external(vipBroadcasters[n++ % vipBroadcasters.length]!);
        } catch (error) {
          if (process.env.BENCH_DEBUG) process.stderr.write(`external VIP change failed: ${String(error)}\n`);
        }
      }, s.externalVipEveryMs),
    );
  }
  if (s.dropEveryMs > 0) timers.push(setInterval(() => mock.eventsub.dropSocket(), s.dropEveryMs));
  return () => {
    for (const t of timers) clearInterval(t);
  };
}

/**
 * Keeps the emulator's Helix request log from overflowing: drains it into source reads and a count. Create it before
 * the systems start (their warm-up reads are source reads the checker must see: gaps are recorded from the start);
 * the count covers only what follows {@link begin}.
 */
export class RequestTap {
  readonly sourceReads: SourceRead[] = [];
  helixRequests = 0;
  #counting = false;
  readonly #mock: MockServer;
  readonly #keyIndex: Map<string, number>;
  readonly #timer: NodeJS.Timeout;

  constructor(mock: MockServer, keyIndex: Map<string, number>) {
    this.#mock = mock;
    this.#keyIndex = keyIndex;
    mock.clearRequests();
    this.#timer = setInterval(() => this.drain(), 500);
  }

  /** The measured run starts: Helix requests are counted from now on. */
  begin(): void {
    this.drain();
    this.#counting = true;
  }

  drain(): void {
    for (const r of this.#mock.requests()) {
      if (!r.path.startsWith('/helix') && !r.path.startsWith('/mock')) continue;
      if (this.#counting) this.helixRequests++;
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

/**
 * The history key index of every resource key a row checks: channels first (`channel:<b>` at `0..keys-1`), then
 * the VIP lists (`vips:<b>` at `keys + i` for `vipBroadcasters[i]`, which are `broadcasters[i]`).
 */
export function keyIndexOf(broadcasters: readonly string[], vipBroadcasters: readonly string[]): Map<string, number> {
  const m = new Map(broadcasters.map((b, i) => [`channel:${b}`, i]));
  vipBroadcasters.forEach((b, i) => {
    m.set(`vips:${b}`, broadcasters.length + i);
  });
  return m;
}

/**
 * Builds the checker's history from the processes' recordings and the emulator's truth. A channel signature is
 * the title read, written or carried by an event; a VIP signature is resolved by {@link ListVersions}.
 */
export function buildHistory(
  mock: MockServer,
  broadcasters: readonly string[],
  recorded: RecordedProcess[],
  extra: Pick<History, 'restarts' | 'gaps' | 'sourceReads' | 'sharedTier' | 'deltaMs'>,
  vipBroadcasters: readonly string[] = [],
): History {
  const keys = [...broadcasters.map((b) => `channel:${b}`), ...vipBroadcasters.map((b) => `vips:${b}`)];
  const truth = keys.map((k) => mock.history(k).map((h) => ({ version: h.version, committedAt: h.committedAt })));
  const versionBySig = new Map<string, number>();
  broadcasters.forEach((b, i) => {
    for (const h of mock.history(`channel:${b}`)) {
      versionBySig.set(`${i}|${(h.state as { title: string }).title}`, h.version);
    }
  });
  const vipVersions = new Map<number, ListVersions>();
  vipBroadcasters.forEach((b, i) => {
    const entries = mock.history(`vips:${b}`).map((h) => ({
      version: h.version,
      userIds: (h.state as { user_id: string }[]).map((u) => u.user_id),
    }));
    const versions = new ListVersions(entries);
    if (versions.duplicates > 0) {
      process.stderr.write(
        `warning: vips:${b} had ${versions.duplicates} repeated states; reads of them are ambiguous\n`,
      );
    }
    vipVersions.set(broadcasters.length + i, versions);
  });
  const phantom = new Array<number>(keys.length).fill(0);
  const history: History = { keys, reads: undefined as never, acks: [], events: [], truth, phantom, ...extra };
  // The per-change view of the VIP lists (vip-check.ts): each read's set, each witnessed change, removal times.
  const sets: ReadonlySet<string>[] = [];
  const setIndex = new Map<string, number>();
  const readSetParts: Int32Array[] = [];
  const changes: MemberChangeWitness[] = [];
  const removedAt = new Map<number, Map<string, number>>();
  const addedAt = new Map<number, Map<string, number>>();
  vipBroadcasters.forEach((b, i) => {
    const removed = new Map<string, number>();
    const added = new Map<string, number>();
    let prev = new Set<string>();
    for (const h of mock.history(`vips:${b}`)) {
      const ids = new Set((h.state as { user_id: string }[]).map((u) => u.user_id));
      for (const id of prev) if (!ids.has(id)) removed.set(id, h.committedAt);
      for (const id of ids) if (!prev.has(id)) added.set(id, h.committedAt);
      prev = ids;
    }
    removedAt.set(broadcasters.length + i, removed);
    addedAt.set(broadcasters.length + i, added);
  });
  let first = true;
  for (const rec of recorded) {
    if (vipBroadcasters.length > 0) {
      const setOfSig = rec.signatures.map((full) => {
        const bar = full.indexOf('|');
        const sig = full.slice(bar + 1);
        if (!vipVersions.has(Number(full.slice(0, bar))) || !sig.startsWith('S:')) return -1;
        let id = setIndex.get(sig);
        if (id === undefined) {
          id = sets.length;
          sets.push(new Set(sig.length > 2 ? sig.slice(2).split(',') : []));
          setIndex.set(sig, id);
        }
        return id;
      });
      readSetParts.push(Int32Array.from(rec.reads.version, (v) => setOfSig[v] ?? -1));
      const witness = (source: 'ack' | 'event') => (w: Witness) => {
        const full = rec.signatures[w.version] ?? '';
        const sig = full.slice(full.indexOf('|') + 1);
        if (!vipVersions.has(w.key) || !(sig.startsWith('+') || sig.startsWith('-'))) return;
        const op = sig.startsWith('+') ? 'add' : 'remove';
        changes.push({ proc: w.proc, key: w.key, at: w.at, op, userId: sig.slice(1), source });
      };
      rec.acks.forEach(witness('ack'));
      rec.events.forEach(witness('event'));
    }
    // Reads of VIP lists equal to no committed state (phantoms), counted per key before their ids become versions.
    const phantomSig = rec.signatures.map((sig) => {
      const bar = sig.indexOf('|');
      return vipVersions.get(Number(sig.slice(0, bar)))?.resolve(sig.slice(bar + 1)).phantom ?? false;
    });
    for (let i = 0; i < rec.reads.version.length; i++) {
      if (phantomSig[rec.reads.version[i]!]) phantom[rec.reads.key[i]!]!++;
    }
    const r = resolveVersions(rec, (sig) => {
      const bar = sig.indexOf('|');
      const vip = vipVersions.get(Number(sig.slice(0, bar)));
      return vip ? vip.resolve(sig.slice(bar + 1)).version : (versionBySig.get(sig) ?? -1);
    });
    if (first) history.reads = r.reads;
    else history.reads.append(r.reads);
    first = false;
    history.acks.push(...r.acks);
    history.events.push(...r.events);
  }
  clampCommits(history, changes, removedAt, addedAt);
  if (vipBroadcasters.length > 0) {
    const readSet = new Int32Array(history.reads.size);
    let at = 0;
    for (const part of readSetParts) {
      readSet.set(part, at);
      at += part.length;
    }
    history.lists = { readSet, sets, changes, removedAt, addedAt };
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
  const mock = await startBenchMock(s, 1);
  try {
    const broadcasters = Array.from({ length: s.keys }, (_, i) => mock.users[i]!.id);
    // One process, acting as broadcaster 0: it reads and changes broadcaster 0's VIP list (key index `keys`).
    const vipBroadcasters = s.vips ? broadcasters.slice(0, 1) : [];
    const keyIndex = keyIndexOf(broadcasters, vipBroadcasters);
    const planner = new ListPlanner(mock, vipPoolOf(mock, s), s.seed);
    const recorder = new Recorder(0);
    const loads = { count: 0 };
    const tap = new RequestTap(mock, keyIndex);
    const system = await make(targetOf(mock), recorder, loads, broadcasters);
    tap.begin();
    const tag = system.name.replace(/\W+/g, '');
    const stopDrivers = startDrivers(mock, s, broadcasters, tag, planner, vipBroadcasters);
    const start = s.clock.now();
    const counts = await runLoop({
      system,
      workload: new Workload(
        {
          seed: s.seed,
          proc: 0,
          keys: s.keys,
          writeKey: 0,
          strictShare: 0,
          vipReadShare: s.vips ? s.vipReadShare : 0,
          vipWrites: s.vips,
        },
        'w',
      ),
      recorder,
      broadcasters,
      vips: { next: async (b) => planner.next(b), done: (b, u) => planner.done(b, u) },
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
    const history = buildHistory(
      mock,
      broadcasters,
      [recorder.toJSON()],
      {
        restarts: [],
        gaps: gapsOf(recorder),
        sourceReads: tap.sourceReads,
        sharedTier: false,
        deltaMs: 0,
      },
      vipBroadcasters,
    );
    return {
      result: {
        system: system.name,
        processes: 1,
        durationMs,
        helixRequests: tap.helixRequests,
        check: check(history),
        deltaMs: 0,
        errors: counts.errors,
        notes: s.vips ? [`VIP users added: ${planner.added}`] : [],
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
