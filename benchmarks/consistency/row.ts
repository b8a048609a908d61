/**
 * One row of the benchmark, run in this process: a fresh emulator, the system under test, the external changes
 * and socket drops, the workload loop, then the truth read back from the emulator and the history checked.
 */
import { DEFAULT_LAG, type MockServer, startMock } from '@twitchify/mock';
import { CHAT_SLOW_MODE, isList, isShared, KeySpace, membersOf, type Resource } from './catalog.js';
import { type CheckResult, check } from './checker.js';
import { clampCommits, type History, type MemberChangeWitness, type SourceRead, type Witness } from './history.js';
import { ListPlanner, ListVersions } from './lists.js';
import { errorNotes, runLoop } from './process-loop.js';
import { type RecordedProcess, Recorder, resolveVersions } from './recorder.js';
import { StateVersions } from './state-versions.js';
import type { BenchSystem, SystemTarget } from './systems.js';
import { CHAT_EXTERNAL_BASE, ExternalChanges, Rng, Workload } from './workload.js';

/** Settings shared by every row of a run. */
export interface RunSettings {
  seed: number;
  durationMs: number;
  keys: number;
  /** Broadcasters whose users, streams and chat settings are read (the first of the channels' broadcasters). */
  few: number;
  /** The resources the workload covers (catalog.ts). */
  resources: Resource[];
  /** One SDK write every this many ms per process. */
  writeEveryMs: number;
  /** One external title change every this many ms. */
  externalEveryMs: number;
  /** One external change of another resource (round the catalog) every this many ms (0: never). */
  externalCatalogEveryMs: number;
  /** Drop every EventSub socket every this many ms (0: never). */
  dropEveryMs: number;
  /** EventSub delivery of the emulator (delay, lost, duplicated, reordered). */
  delivery: { delayMs: { min: number; max: number }; dropRate: number; duplicateRate: number; reorderRate: number };
  strictShare: number;
  maxReadsPerProcess: number;
  /** Paced reads (the soak): one read every this many ms per process; 0: as fast as the system answers. */
  readEveryMs: number;
  /** Width of the staleness-over-time buckets (ms); 0: the run in 60 buckets. */
  bucketMs: number;
  clock: { now(): number };
}

/**
 * The rewards' uploaded images. A reward without images (`image: null`, as Twitch's reference allows) fails the
 * SDK's response schema, which types `image` as an object: every read of such rewards fails (reported), so the
 * workload's rewards have images and measure the cache instead.
 */
const REWARD_IMAGE = {
  url_1x: 'https://static-cdn.jtvnw.net/custom-reward-images/bench-1.png',
  url_2x: 'https://static-cdn.jtvnw.net/custom-reward-images/bench-2.png',
  url_4x: 'https://static-cdn.jtvnw.net/custom-reward-images/bench-4.png',
};

/** Helix's stream status flaps after every change, both ways, for up to a minute. */
export const STREAM_FLAP = { windowMs: 60_000, probability: 0.3, afterOffline: true };

/**
 * Users the lists of a row may add (each once): 3 of every 8 writes of a process change one of its lists, 3 of every
 * 7 external catalog changes change a list; about half of the changes are adds. Twice that, plus a margin; when they
 * run out, the planner adds users to the emulator at runtime.
 */
export function listPoolSize(s: Omit<RunSettings, 'clock'>, owners: number): number {
  const lists = s.resources.filter(isList).length;
  if (lists === 0) return 0;
  const perSecond =
    (owners * 1000 * (lists / 8)) / s.writeEveryMs +
    (s.externalCatalogEveryMs > 0 ? (1000 * (lists / 7)) / s.externalCatalogEveryMs : 0);
  return Math.ceil((s.durationMs / 1000) * perSecond) + 50;
}

/**
 * The emulator as every row starts it: Twitch-like lag (streams flapping both ways for a minute) and an imperfect
 * EventSub delivery. Seeds the channels' broadcasters (users `0..keys-1`) and after them a pool of users for the
 * lists of `owners` broadcasters; gives each owner two custom rewards.
 */
export async function startBenchMock(s: RunSettings, owners = 1): Promise<MockServer> {
  const mock = await startMock({
    port: 0,
    seed: s.seed,
    clock: s.clock,
    users: Math.min(10_000, Math.max(10, s.keys) + listPoolSize(s, owners)),
    rateLimit: { limit: 10_000_000, windowMs: 60_000 },
    lag: { ...DEFAULT_LAG, streamFlap: STREAM_FLAP },
    events: s.delivery,
  });
  if (s.resources.includes('rewards')) {
    for (let p = 0; p < owners; p++) {
      for (const title of ['reward-a', 'reward-b']) {
        mock.external.createReward(mock.users[p]!.id, { title, cost: 100 }, REWARD_IMAGE);
      }
    }
  }
  return mock;
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
    clientSecret: mock.clientSecret,
  };
}

/** The users after the channels' broadcasters: the pool the list planner adds from. */
export function listPoolOf(mock: MockServer, s: RunSettings): string[] {
  return mock.users.slice(Math.max(10, s.keys)).map((u) => u.id);
}

/** The keys a process acting as `owner` reads: every shared key, and its own. */
export function keysOf(space: KeySpace, owner: string): { resource: Resource; id: string }[] {
  const out: { resource: Resource; id: string }[] = [];
  for (let i = 0; i < space.keys.length; i++) {
    const k = space.at(i);
    if (isShared(k.resource) || k.id === owner) out.push(k);
  }
  return out;
}

/** The external changes of the catalog (besides titles), in the order the driver goes round them. */
const EXTERNAL_CYCLE: readonly Resource[] = [
  'vips',
  'stream',
  'moderators',
  'user',
  'bans',
  'chat_settings',
  'rewards',
];

/**
 * Background drivers of a row: external title changes at a fixed rate; external changes round the rest of the
 * catalog on a second timer (lists through `planner`, of the owners round robin; users, streams and chat settings
 * of a random one of the `few`; a reward's title of an owner); periodic socket drops.
 */
export function startDrivers(
  mock: MockServer,
  s: RunSettings,
  space: KeySpace,
  tag: string,
  planner: ListPlanner,
  owners: readonly string[],
) {
  const channels = space.shared('channel').map((k) => space.at(k).id);
  const ext = new ExternalChanges(s.seed, channels.length);
  const timers = [
    setInterval(() => {
      const c = ext.next(tag);
      mock.external.updateChannel(channels[c.key]!, { title: c.title });
    }, s.externalEveryMs),
  ];
  const cycle = EXTERNAL_CYCLE.filter((r) => s.resources.includes(r));
  if (cycle.length > 0 && s.externalCatalogEveryMs > 0) {
    const rng = new Rng((s.seed ^ 0x1b873593) >>> 0);
    let n = 0;
    timers.push(
      setInterval(() => {
        const r = cycle[n % cycle.length]!;
        const owner = owners[Math.floor(n / cycle.length) % owners.length]!;
        n++;
        try {
          externalChange(mock, space, planner, r, owner, rng, `ext-${tag}-${n}`, CHAT_EXTERNAL_BASE + n);
        } catch (error) {
          if (process.env.BENCH_DEBUG) process.stderr.write(`external ${r} change failed: ${String(error)}\n`);
        }
      }, s.externalCatalogEveryMs),
    );
  }
  if (s.dropEveryMs > 0) timers.push(setInterval(() => mock.eventsub.dropSocket(), s.dropEveryMs));
  return () => {
    for (const t of timers) clearInterval(t);
  };
}

/** One change "on twitch.tv" of `resource` (its event goes out with the emulator's faults). */
function externalChange(
  mock: MockServer,
  space: KeySpace,
  planner: ListPlanner,
  resource: Resource,
  owner: string,
  rng: Rng,
  unique: string,
  minutes: number,
): void {
  if (isList(resource)) {
    planner.external(`${resource}:${owner}`);
    return;
  }
  if (resource === 'rewards') {
    const rewards = (mock.truth(`rewards:${owner}`)?.state ?? []) as { id: string }[];
    const reward = rewards[rng.int(rewards.length)];
    if (reward) mock.external.updateReward(owner, reward.id, { title: unique });
    return;
  }
  const shared = space.shared(resource);
  const id = space.at(shared[rng.int(shared.length)]!).id;
  if (resource === 'user') mock.external.updateUser(id, { description: unique });
  else if (resource === 'chat_settings')
    mock.external.updateChatSettings(id, { ...CHAT_SLOW_MODE, followerMode: true, followerModeDuration: minutes });
  else if (resource === 'stream') {
    if (mock.truth(`stream:${id}`)?.state) mock.external.goOffline(id);
    else mock.external.goLive(id);
  }
}

/**
 * Keeps the emulator's Helix request log from overflowing: drains it into source reads and counts (in all and per
 * token's user). Create it before the systems start (their warm-up reads are source reads the checker must see:
 * gaps are recorded from the start); the counts cover only what follows {@link begin}.
 */
export class RequestTap {
  readonly sourceReads: SourceRead[] = [];
  helixRequests = 0;
  /** Helix requests per user whose token made them (app tokens under `app`). */
  readonly perToken = new Map<string, number>();
  #counting = false;
  readonly #mock: MockServer;
  readonly #keyIndex: ReadonlyMap<string, number>;
  readonly #timer: NodeJS.Timeout;

  constructor(mock: MockServer, keyIndex: ReadonlyMap<string, number>) {
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
      if (this.#counting) {
        this.helixRequests++;
        const who = r.userId ?? 'app';
        this.perToken.set(who, (this.perToken.get(who) ?? 0) + 1);
      }
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

  /** The busiest token's Helix requests per minute over `durationMs` (Twitch allows 800 points per minute). */
  perTokenPerMinute(durationMs: number): number {
    const most = Math.max(0, ...this.perToken.values());
    return durationMs > 0 ? Math.round((most / durationMs) * 60_000) : 0;
  }
}

/**
 * Builds the checker's history from the processes' recordings and the emulator's truth. Signatures (catalog.ts)
 * resolve to versions by {@link StateVersions} for single states and by {@link ListVersions} for lists, which also
 * give the per-member view of lists (list-check.ts).
 */
export function buildHistory(
  mock: MockServer,
  space: KeySpace,
  recorded: RecordedProcess[],
  extra: Pick<History, 'restarts' | 'gaps' | 'sourceReads' | 'sharedTier' | 'deltaMs'>,
): History {
  const keys = space.keys;
  const histories = keys.map((k) => mock.history(k));
  const truth = histories.map((hs) => hs.map((h) => ({ version: h.version, committedAt: h.committedAt })));
  const listKeys = new Set<number>();
  const resolvers = histories.map((hs, k) => {
    const { resource } = space.at(k);
    if (!isList(resource)) return new StateVersions(resource, hs);
    listKeys.add(k);
    const versions = new ListVersions(
      hs.map((h) => ({ version: h.version, userIds: membersOf(h.state), committedAt: h.committedAt })),
    );
    // a ban list repeats a state when its newest timeouts run out; any other repeat is the sliding window failing
    if (versions.duplicates > 0 && resource !== 'bans') {
      process.stderr.write(
        `warning: ${keys[k]} had ${versions.duplicates} repeated states; reads of them are ambiguous\n`,
      );
    }
    return versions;
  });
  const phantom = new Array<number>(keys.length).fill(0);
  const history: History = { keys, reads: undefined as never, acks: [], events: [], truth, phantom, ...extra };
  // The per-change view of the lists (list-check.ts): each read's set, each witnessed change, add and removal times.
  const sets: ReadonlySet<string>[] = [];
  const setIndex = new Map<string, number>();
  const readSetParts: Int32Array[] = [];
  const changes: MemberChangeWitness[] = [];
  const removedAt = new Map<number, Map<string, number>>();
  const addedAt = new Map<number, Map<string, number>>();
  for (const k of listKeys) {
    const removed = new Map<string, number>();
    const added = new Map<string, number>();
    let prev = new Set<string>();
    for (const h of histories[k]!) {
      const ids = new Set(membersOf(h.state));
      for (const id of prev) if (!ids.has(id)) removed.set(id, h.committedAt);
      for (const id of ids) if (!prev.has(id)) added.set(id, h.committedAt);
      prev = ids;
    }
    removedAt.set(k, removed);
    addedAt.set(k, added);
  }
  const split = (full: string) => {
    const bar = full.indexOf('|');
    return { key: Number(full.slice(0, bar)), sig: full.slice(bar + 1) };
  };
  let first = true;
  for (const rec of recorded) {
    if (listKeys.size > 0) {
      const setOfSig = rec.signatures.map((full) => {
        const { key, sig } = split(full);
        if (!listKeys.has(key) || !sig.startsWith('S:')) return -1;
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
        const { sig } = split(rec.signatures[w.version] ?? '|');
        if (!listKeys.has(w.key) || !(sig.startsWith('+') || sig.startsWith('-'))) return;
        const op = sig.startsWith('+') ? 'add' : 'remove';
        changes.push({ proc: w.proc, key: w.key, at: w.at, op, userId: sig.slice(1), source });
      };
      rec.acks.forEach(witness('ack'));
      rec.events.forEach(witness('event'));
    }
    // Reads of lists equal to no committed state (phantoms), counted per key before their ids become versions.
    const phantomSig = rec.signatures.map((full) => {
      const { key, sig } = split(full);
      return listKeys.has(key) ? (resolvers[key]?.resolve(sig).phantom ?? false) : false;
    });
    for (let i = 0; i < rec.reads.version.length; i++) {
      if (phantomSig[rec.reads.version[i]!]) phantom[rec.reads.key[i]!]!++;
    }
    const r = resolveVersions(rec, (full, at) => {
      const { key, sig } = split(full);
      return resolvers[key]?.resolve(sig, at) ?? { version: -1 };
    });
    if (first) history.reads = r.reads;
    else history.reads.append(r.reads);
    first = false;
    history.acks.push(...r.acks);
    history.events.push(...r.events);
  }
  clampCommits(history, changes, removedAt, addedAt);
  if (listKeys.size > 0) {
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
  /** The busiest token's Helix requests per minute. */
  helixPerTokenPerMinute: number;
  hitRate: number;
  latencyUs: { p50: number; p99: number };
  latencySample: number[];
  check: CheckResult;
  deltaMs: number;
  errors: number;
  notes: string[];
}

/** What an in-process row's system is built from. */
export interface RowContext {
  target: SystemTarget;
  recorder: Recorder;
  loads: { count: number };
  space: KeySpace;
  /** The keys the process reads (warm them). */
  keys: { resource: Resource; id: string }[];
}

/** Runs an in-process row (one process, acting as broadcaster 0) for the system built by `make`. */
export async function runInProcessRow(
  s: RunSettings,
  make: (c: RowContext) => Promise<BenchSystem>,
  progress: (reads: number) => void,
): Promise<{ result: Omit<RowResult, 'latencyUs' | 'latencySample' | 'hitRate'> & { history: History } }> {
  const mock = await startBenchMock(s, 1);
  try {
    const broadcasters = Array.from({ length: s.keys }, (_, i) => mock.users[i]!.id);
    const owner = broadcasters[0]!;
    const space = new KeySpace(broadcasters, [owner], s.resources, s.few);
    const planner = new ListPlanner(mock, listPoolOf(mock, s), s.seed);
    const recorder = new Recorder(0);
    const loads = { count: 0 };
    const tap = new RequestTap(mock, space.index);
    const system = await make({ target: targetOf(mock), recorder, loads, space, keys: keysOf(space, owner) });
    tap.begin();
    const tag = system.name.replace(/\W+/g, '');
    const stopDrivers = startDrivers(mock, s, space, tag, planner, [owner]);
    const start = s.clock.now();
    const counts = await runLoop({
      system,
      workload: new Workload({ seed: s.seed, proc: 0, space, owner, strictShare: 0 }, 'w'),
      recorder,
      space,
      lists: { next: async (key) => planner.next(key), done: (key, u) => planner.done(key, u) },
      clock: s.clock,
      until: start + s.durationMs,
      maxReads: s.readEveryMs > 0 ? Number.POSITIVE_INFINITY : s.maxReadsPerProcess,
      readEveryMs: s.readEveryMs,
      writeEveryMs: s.writeEveryMs,
      loads: () => loads.count,
      progress,
    });
    const durationMs = s.clock.now() - start;
    stopDrivers();
    await system.close();
    tap.stop();
    const history = buildHistory(mock, space, [recorder.toJSON()], {
      restarts: [],
      gaps: recorder.gaps,
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
        helixPerTokenPerMinute: tap.perTokenPerMinute(durationMs),
        check: check(history, s.bucketMs),
        deltaMs: 0,
        errors: counts.errors,
        notes: [...(planner.added > 0 ? [`list members added: ${planner.added}`] : []), ...errorNotes(counts.errorsBy)],
        history,
      },
    };
  } finally {
    await mock.stop();
  }
}
