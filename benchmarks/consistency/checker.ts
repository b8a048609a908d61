/**
 * The checker: holds a recorded {@link History} against the emulator's truth and counts, for each promise of
 * CONSISTENCY.md, the reads that break it. A read may break several promises and is then counted in each column.
 *
 * Every rule has the form "the version a read returned is at least the highest version of some set of witnesses
 * that happened before the read started". Witnesses (acks, events, earlier reads) are grouped, sorted by time and
 * turned into prefix maxima, so each read costs one binary search per rule: a million reads check in about a second.
 */

import { LIST_RESOURCES } from './catalog.js';
import { checkGaps } from './gaps.js';
import type { History, Witness } from './history.js';
import { checkListChanges, type ListChangeCheck } from './list-check.js';
import { type Percentiles, percentiles } from './stats.js';

/** Violations per promise (CONSISTENCY.md, 1 to 5). */
export interface Violations {
  readYourWrites: number;
  eventStaleness: number;
  monotonicReads: number;
  staleFills: number;
  restartSafety: number;
}

/** What the checker found for one resource (the part of a key before `:`, e.g. `channel`, `vips`). */
export interface ResourceCheck {
  reads: number;
  unmatched: number;
  /** Reads whose state equals no committed version (see `History.phantom`); checked at their resolved version. */
  phantom: number;
  violations: Violations;
  /** A few examples of this resource's violations (two per promise, and up to four more of restart safety). */
  examples: string[];
  /**
   * Lists only: the per-change check (`list-check.ts`), which holds a read to the changes its process was told
   * of (one user added or removed each) rather than to their versions, whose states include changes not told yet.
   * For lists, its counts are the resource's `violations` (promises 1 to 3, per member; restart safety's second
   * half is checked as for every key).
   */
  perChange?: ListChangeCheck;
  /**
   * Lists only, for information: the same reads held to whole-list versions. A list read while an outside
   * change's event is still on its way holds a set no version held (a phantom: the change is not known yet, and no
   * client can know it); the per-version rules then count it against every later version.
   */
  perVersion?: Violations;
  /** Staleness against truth of this resource's reads (ms), as the row's column counts it for all reads. */
  stalenessMs?: { p50: number; p99: number; max: number };
  /** Twitch's event delay: from a change's commit to its event's receipt (ms), over the events received. */
  eventDelayMs?: { p50: number; p99: number; max: number; events: number };
}

/** Zero of every promise. */
export const noViolations = (): Violations => ({
  readYourWrites: 0,
  eventStaleness: 0,
  monotonicReads: 0,
  staleFills: 0,
  restartSafety: 0,
});

/** The resource a key names: `vips:42` → `vips`. */
export const resourceOf = (key: string): string => {
  const i = key.indexOf(':');
  return i < 0 ? key : key.slice(0, i);
};

/** What the checker found. */
export interface CheckResult {
  reads: number;
  /** Reads whose returned state names no version the emulator recorded (a bug in the recorder, or garbage). */
  unmatched: number;
  violations: Violations;
  /** Reads that broke at least one of promises 1 to 3, per process. */
  brokenByProcess: Record<number, number>;
  /** Up to five human-readable examples per promise, for the report. */
  examples: Record<keyof Violations, string[]>;
  /** The same counts per resource, in the order the keys name them. */
  byResource: Record<string, ResourceCheck>;
  /** Staleness against truth (ms): how long before the read's start a newer version had been committed. */
  staleness: Percentiles;
  /** Reads that returned an older version than the truth at their start. */
  staleReads: number;
  /**
   * Staleness over time: per bucket of the run (`t`: its start, s since the first read), the reads' max, p99 and
   * mean staleness (ms), for the chart and the soak's growth check.
   */
  stalenessOverTime: StalenessBucket[];
}

/** One bucket of {@link CheckResult.stalenessOverTime}. */
export interface StalenessBucket {
  t: number;
  reads: number;
  max: number;
  p99: number;
  mean: number;
}

/** Time-sorted witnesses with prefix maxima of their versions: "highest version seen before t" in O(log n). */
class WitnessIndex {
  readonly #at: Float64Array;
  readonly #max: Int32Array;

  constructor(items: { at: number; version: number }[]) {
    items.sort((a, b) => a.at - b.at);
    this.#at = new Float64Array(items.length);
    this.#max = new Int32Array(items.length);
    let m = -1;
    items.forEach((w, i) => {
      m = Math.max(m, w.version);
      this.#at[i] = w.at;
      this.#max[i] = m;
    });
  }

  /** Highest version among witnesses strictly before `t`; -1 when none. */
  maxBefore(t: number): number {
    let lo = 0;
    let hi = this.#at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#at[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? -1 : this.#max[lo - 1]!;
  }
}

/** Groups witnesses by a numeric id and indexes each group. */
function indexBy(items: Witness[], id: (w: Witness) => number): Map<number, WitnessIndex> {
  const groups = new Map<number, { at: number; version: number }[]>();
  for (const w of items) {
    const g = groups.get(id(w));
    if (g) g.push({ at: w.at, version: w.version });
    else groups.set(id(w), [{ at: w.at, version: w.version }]);
  }
  const out = new Map<number, WitnessIndex>();
  for (const [k, g] of groups) out.set(k, new WitnessIndex(g));
  return out;
}

const PROCS = 256;
const procKey = (proc: number, key: number) => key * PROCS + proc;
const NONE = { maxBefore: () => -1 };

/**
 * Checks `h` and returns the violations and staleness; pure. `bucketMs`: width of the staleness-over-time buckets
 * (0: the run in 60 buckets).
 */
export function check(h: History, bucketMs = 0): CheckResult {
  const r = h.reads;
  const n = r.size;
  const violations = noViolations();
  const examples: Record<keyof Violations, string[]> = {
    readYourWrites: [],
    eventStaleness: [],
    monotonicReads: [],
    staleFills: [],
    restartSafety: [],
  };
  const zero = noViolations;
  const byResource: Record<string, ResourceCheck> = {};
  const resourceOfKey = h.keys.map((k) => {
    const name = resourceOf(k);
    byResource[name] ??= { reads: 0, unmatched: 0, phantom: 0, violations: zero(), examples: [] };
    return byResource[name]!;
  });
  const lists = new Set(Object.entries(byResource).flatMap(([name, x]) => (LIST_RESOURCES.has(name) ? [x] : [])));
  h.phantom?.forEach((count, k) => {
    if (resourceOfKey[k]) resourceOfKey[k]!.phantom += count;
  });
  // Lists are held to their members (the per-change check, below); their per-version counts are information.
  const perMember = (res: ResourceCheck | undefined) => h.lists !== undefined && res !== undefined && lists.has(res);
  const flag = (what: keyof Violations, i: number, need: number, why = '') => {
    const res = resourceOfKey[r.key[i]!];
    if (perMember(res)) {
      res!.perVersion ??= zero();
      res!.perVersion[what]++;
      return;
    }
    violations[what]++;
    if (res) res.violations[what]++;
    const room = (x: ResourceCheck | undefined): x is ResourceCheck =>
      x !== undefined && x.examples.length < 10 && x.examples.filter((e) => e.startsWith(`${what}:`)).length < 2;
    if (examples[what].length < 5 || room(res)) {
      const text =
        `p${r.proc[i]} read ${h.keys[r.key[i]!]} at [${r.start[i]!.toFixed(3)}, ${r.end[i]!.toFixed(3)}] ` +
        `got v${r.version[i]}, needed >= v${need}${why ? ` (${why})` : ''}${r.isFromCache(i) ? ', from the cache' : ''}`;
      if (examples[what].length < 5) examples[what].push(text);
      if (room(res)) res.examples.push(`${what}: ${text}`);
    }
  };

  const ackOwn = indexBy(h.acks, (w) => procKey(w.proc, w.key));
  const ackAny = indexBy(h.acks, (w) => w.key);
  const evOwn = indexBy(h.events, (w) => procKey(w.proc, w.key));
  const evAny = indexBy(h.events, (w) => w.key);
  const monotonicNeed = monotonicBounds(h);
  const restartOf = latestRestartFinder(h);
  const readsOwn = h.restarts.length > 0 ? readIndex(h) : new Map<number, WitnessIndex>();

  let unmatched = 0;
  const brokenByProcess: Record<number, number> = {};
  for (let i = 0; i < n; i++) {
    const v = r.version[i]!;
    const res = resourceOfKey[r.key[i]!];
    if (res) res.reads++;
    if (v < 0) {
      unmatched++;
      if (res) res.unmatched++;
      continue;
    }
    const p = r.proc[i]!;
    const k = r.key[i]!;
    const s = r.start[i]!;
    const strict = r.isStrict(i);
    const crossAt = strict ? s : s - h.deltaMs;

    let ryw = (ackOwn.get(procKey(p, k)) ?? NONE).maxBefore(s);
    let evt = (evOwn.get(procKey(p, k)) ?? NONE).maxBefore(s);
    if (h.sharedTier) {
      ryw = Math.max(ryw, (ackAny.get(k) ?? NONE).maxBefore(crossAt));
      evt = Math.max(evt, (evAny.get(k) ?? NONE).maxBefore(crossAt));
    }
    const mono = monotonicNeed[i]!;
    let broken = false;
    if (v < ryw) {
      flag('readYourWrites', i, ryw);
      broken = true;
    }
    if (v < evt) {
      const own = (evOwn.get(procKey(p, k)) ?? NONE).maxBefore(s);
      flag('eventStaleness', i, evt, v < own ? 'own event' : `event of another process before s - δ`);
      broken = true;
    }
    if (v < mono) {
      flag('monotonicReads', i, mono);
      broken = true;
    }
    if (broken && !perMember(res)) brokenByProcess[p] = (brokenByProcess[p] ?? 0) + 1;
    if (broken && r.isFromCache(i)) flag('staleFills', i, Math.max(ryw, evt, mono));

    const restart = restartOf(p, s);
    if (restart !== undefined) {
      // Promise 5, first half: what was known before the process went down still binds reads after it.
      const before = Math.max(
        (ackOwn.get(procKey(p, k)) ?? NONE).maxBefore(restart),
        (evOwn.get(procKey(p, k)) ?? NONE).maxBefore(restart),
        (readsOwn.get(procKey(p, k)) ?? NONE).maxBefore(restart),
        h.sharedTier ? (ackAny.get(k) ?? NONE).maxBefore(restart - h.deltaMs) : -1,
        h.sharedTier ? (evAny.get(k) ?? NONE).maxBefore(restart - h.deltaMs) : -1,
      );
      if (v < before) flag('restartSafety', i, before);
    }
  }
  checkGaps(h, (i, why) => {
    violations.restartSafety++;
    const res = resourceOfKey[r.key[i]!];
    if (res) res.violations.restartSafety++;
    const text = `p${r.proc[i]} read ${h.keys[r.key[i]!]} from the cache at ${r.start[i]!.toFixed(3)} (v${r.version[i]}) ${why}`;
    if (examples.restartSafety.length < 5) examples.restartSafety.push(text);
    if (res && res.examples.filter((e) => e.startsWith('restartSafety:')).length < 4) {
      res.examples.push(`restartSafety: ${text}`);
    }
  });

  if (h.lists) {
    for (const [name, list] of Object.entries(byResource)) {
      if (!lists.has(list)) continue;
      list.perChange = checkListChanges(h, (k) => resourceOf(h.keys[k]!) === name);
      for (const what of Object.keys(violations) as (keyof Violations)[]) {
        violations[what] += list.perChange.violations[what];
        list.violations[what] += list.perChange.violations[what];
      }
      list.examples.push(...list.perChange.examples.slice(0, 8));
      list.perVersion ??= zero();
    }
  }

  const { staleness, staleReads, overTime, byResource: stalenessOf } = stalenessAgainstTruth(h, bucketMs);
  for (const [name, x] of Object.entries(byResource)) {
    const p = stalenessOf[name];
    if (p !== undefined) x.stalenessMs = { p50: p.p50, p99: p.p99, max: p.max };
  }
  for (const [name, d] of Object.entries(eventDelays(h))) {
    const x = byResource[name];
    if (x) x.eventDelayMs = { ...percentiles(Float64Array.from(d)), events: d.length };
  }
  return {
    reads: n,
    unmatched,
    violations,
    brokenByProcess,
    examples,
    byResource,
    staleness,
    staleReads,
    stalenessOverTime: overTime,
  };
}

/**
 * Promise 3: for each read, the highest version returned by a read of the same key that ended before it started,
 * by the same process (and, with a shared tier, by any process when both reads are strict).
 */
function monotonicBounds(h: History): Int32Array {
  const r = h.reads;
  const need = new Int32Array(r.size).fill(-1);
  const groups = new Map<number, number[]>();
  const strictGroups = new Map<number, number[]>();
  const push = (m: Map<number, number[]>, id: number, i: number) => {
    const g = m.get(id);
    if (g) g.push(i);
    else m.set(id, [i]);
  };
  for (let i = 0; i < r.size; i++) {
    if (r.version[i]! < 0) continue;
    push(groups, procKey(r.proc[i]!, r.key[i]!), i);
    if (h.sharedTier && r.isStrict(i)) push(strictGroups, r.key[i]!, i);
  }
  const sweep = (ids: number[]) => {
    const byStart = Uint32Array.from(ids).sort((a, b) => r.start[a]! - r.start[b]!);
    const byEnd = Uint32Array.from(ids).sort((a, b) => r.end[a]! - r.end[b]!);
    let j = 0;
    let max = -1;
    for (const i of byStart) {
      const s = r.start[i]!;
      while (j < byEnd.length && r.end[byEnd[j]!]! < s) max = Math.max(max, r.version[byEnd[j++]!]!);
      if (max > need[i]!) need[i] = max;
    }
  };
  for (const ids of groups.values()) sweep(ids);
  for (const ids of strictGroups.values()) sweep(ids);
  return need;
}

/** Reads as witnesses at their end time, per process and key (promise 3 across a restart). */
function readIndex(h: History): Map<number, WitnessIndex> {
  const r = h.reads;
  const items: Witness[] = [];
  for (let i = 0; i < r.size; i++) {
    if (r.version[i]! >= 0) items.push({ proc: r.proc[i]!, key: r.key[i]!, at: r.end[i]!, version: r.version[i]! });
  }
  return indexBy(items, (w) => procKey(w.proc, w.key));
}

/** Returns a lookup "the downAt of the latest restart of `proc` that had ended by `t`", or undefined. */
function latestRestartFinder(h: History): (proc: number, t: number) => number | undefined {
  const byProc = new Map<number, { downAt: number; upAt: number }[]>();
  for (const x of h.restarts) {
    const l = byProc.get(x.proc) ?? [];
    l.push(x);
    byProc.set(x.proc, l);
  }
  for (const l of byProc.values()) l.sort((a, b) => a.upAt - b.upAt);
  return (proc, t) => {
    const l = byProc.get(proc);
    if (!l) return undefined;
    let found: number | undefined;
    for (const x of l) if (x.upAt <= t) found = x.downAt;
    return found;
  };
}

/**
 * Twitch's event delay per resource: for every event received (and resolved to a version), the time from the
 * version's commit to the receipt (ms). Duplicates and events of several processes each count.
 */
function eventDelays(h: History): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const e of h.events) {
    if (e.version < 0) continue;
    const committed = h.truth[e.key]?.find((t) => t.version === e.version)?.committedAt;
    if (committed === undefined) continue;
    const name = resourceOf(h.keys[e.key]!);
    const list = out[name] ?? [];
    list.push(Math.max(0, e.at - committed));
    out[name] = list;
  }
  return out;
}

/** Staleness against truth per read, with percentiles and a time series for the chart. */
function stalenessAgainstTruth(
  h: History,
  bucketMs: number,
): {
  staleness: Percentiles;
  staleReads: number;
  overTime: StalenessBucket[];
  byResource: Record<string, Percentiles>;
} {
  const r = h.reads;
  const values = new Float64Array(r.size);
  const resourceOfKey = h.keys.map(resourceOf);
  const perResource = new Map<string, number[]>();
  let m = 0;
  let staleReads = 0;
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < r.size; i++) {
    if (r.start[i]! < t0) t0 = r.start[i]!;
    if (r.start[i]! > t1) t1 = r.start[i]!;
  }
  const buckets = bucketMs > 0 ? Math.max(1, Math.ceil((t1 - t0 + 1) / bucketMs)) : 60;
  const width = bucketMs > 0 ? bucketMs : Math.max(1e-9, (t1 - t0) / buckets);
  const bucketOf = new Uint16Array(r.size);
  const bMax = new Float64Array(buckets);
  const bSum = new Float64Array(buckets);
  const bCount = new Float64Array(buckets);
  const lists = h.lists;
  for (let i = 0; i < r.size; i++) {
    const v = r.version[i]!;
    if (v < 0) continue;
    const s = r.start[i]!;
    let stale: number;
    const set = lists === undefined ? -1 : (lists.readSet[i] ?? -1);
    if (lists !== undefined && set >= 0) {
      // a list, per member (as its promises): since the oldest committed change the read does not reflect
      stale = listStaleness(lists, r.key[i]!, lists.sets[set]!, s);
    } else {
      const next = firstNewer(h.truth[r.key[i]!] ?? [], v);
      stale = next !== undefined && next.committedAt < s ? s - next.committedAt : 0;
    }
    if (stale > 0) staleReads++;
    values[m++] = stale;
    const name = resourceOfKey[r.key[i]!]!;
    let list = perResource.get(name);
    if (list === undefined) {
      list = [];
      perResource.set(name, list);
    }
    list.push(stale);
    const b = Math.min(buckets - 1, Math.floor((s - t0) / width));
    bucketOf[m - 1] = b;
    if (stale > bMax[b]!) bMax[b] = stale;
    bSum[b]! += stale;
    bCount[b]!++;
  }
  // p99 per bucket: the values of each bucket gathered (counting sort by bucket), then each bucket's percentile
  const offsets = new Float64Array(buckets + 1);
  for (let b = 0; b < buckets; b++) offsets[b + 1] = offsets[b]! + bCount[b]!;
  const byBucket = new Float64Array(m);
  const fill = offsets.slice(0, buckets);
  for (let i = 0; i < m; i++) byBucket[fill[bucketOf[i]!]!++] = values[i]!;
  const overTime = Array.from({ length: buckets }, (_, b) => ({
    t: (b * width) / 1000,
    reads: bCount[b]!,
    max: bMax[b]!,
    p99: percentiles(byBucket.subarray(offsets[b]!, offsets[b + 1]!)).p99,
    mean: bCount[b]! ? bSum[b]! / bCount[b]! : 0,
  }));
  const byResource: Record<string, Percentiles> = {};
  for (const [name, list] of perResource) byResource[name] = percentiles(Float64Array.from(list));
  return { staleness: percentiles(values.subarray(0, m)), staleReads, overTime, byResource };
}

/**
 * How long before `s` the oldest change of list `key` that `read` does not reflect was committed (0 when it reflects
 * every change committed before `s`): a member it has whose removal was committed, or one it lacks whose add was.
 */
function listStaleness(
  lists: NonNullable<History['lists']>,
  key: number,
  read: ReadonlySet<string>,
  s: number,
): number {
  const added = lists.addedAt?.get(key);
  const removed = lists.removedAt.get(key);
  let since = s;
  for (const u of read) {
    const at = removed?.get(u);
    if (at !== undefined && at < since) since = at;
  }
  if (added !== undefined) {
    for (const [u, at] of added) {
      if (at >= since || read.has(u)) continue;
      const gone = removed?.get(u);
      if (gone === undefined || gone >= s) since = at;
    }
  }
  return s - since;
}

/** The first version strictly newer than `v` (versions ascending). */
function firstNewer(versions: { version: number; committedAt: number }[], v: number) {
  let lo = 0;
  let hi = versions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (versions[mid]!.version <= v) lo = mid + 1;
    else hi = mid;
  }
  return versions[lo];
}
