/** Promise 5's second half: after a coverage gap, a cached read must come after a fresh Helix read of its key. */
import type { CoverageGap, History } from './history.js';

const procKey = (proc: number, key: number) => key * 256 + proc;

/**
 * Promise 5, second half: after a coverage gap on `key` for process `proc`, the first read of `key` by `proc`
 * served from the cache must come after a Helix read of `key` made after the gap ended. A read serves its value when
 * it ends: a read that waited for another process's fill (under its lease) is served from the cache, with a Helix
 * read made while it waited, so the Helix read must precede the read's end, not its start.
 */
export function checkGaps(h: History, flag: (readIndex: number, why: string) => void): void {
  if (h.gaps.length === 0) return;
  const r = h.reads;
  const own = mergeOwnGaps(h.gaps);
  const gaps = h.sharedTier ? nobodyListening(h, own) : own;
  const sourceByKey = new Map<number, number[]>();
  for (const x of h.sourceReads) {
    const l = sourceByKey.get(x.key) ?? [];
    l.push(x.at);
    sourceByKey.set(x.key, l);
  }
  for (const l of sourceByKey.values()) l.sort((a, b) => a - b);
  const readsBy = new Map<number, number[]>();
  for (let i = 0; i < r.size; i++) {
    if (!r.isFromCache(i)) continue;
    const id = procKey(r.proc[i]!, r.key[i]!);
    const l = readsBy.get(id) ?? [];
    l.push(i);
    readsBy.set(id, l);
  }
  for (const l of readsBy.values()) l.sort((a, b) => r.start[a]! - r.start[b]!);
  for (const gap of gaps) {
    const cached = readsBy.get(procKey(gap.proc, gap.key));
    const first = cached?.find((i) => r.start[i]! > gap.end);
    if (first === undefined) continue;
    const sources = sourceByKey.get(gap.key) ?? [];
    const asked = sources.some((at) => at > gap.end && at <= r.end[first]!);
    if (!asked) {
      const last = sources.filter((at) => at <= r.end[first]!).pop();
      flag(
        first,
        `after the gap [${gap.start.toFixed(3)}, ${gap.end.toFixed(3)}] with no Helix read since (last ${last?.toFixed(3) ?? 'none'})`,
      );
    }
  }
}

/**
 * With a shared tier, a gap matters only while nobody listened: for each key, clusters of overlapping gaps that
 * include every process that reads the key (every process for a channel; only its broadcaster's process for a
 * list, which only that process may read and listen to); the interval is from the last of their starts to the first
 * of their ends (from then on, somebody listened again). Each of those processes must then revalidate after that end.
 */
function nobodyListening(h: History, gaps: CoverageGap[]): CoverageGap[] {
  const procsOf = new Map<number, Set<number>>();
  for (let i = 0; i < h.reads.size; i++) {
    const k = h.reads.key[i]!;
    let s = procsOf.get(k);
    if (!s) {
      s = new Set();
      procsOf.set(k, s);
    }
    s.add(h.reads.proc[i]!);
  }
  const byKey = new Map<number, CoverageGap[]>();
  for (const g of gaps) {
    const l = byKey.get(g.key) ?? [];
    l.push(g);
    byKey.set(g.key, l);
  }
  const out: CoverageGap[] = [];
  for (const [key, list] of byKey) {
    const procs = procsOf.get(key) ?? new Set<number>();
    list.sort((a, b) => a.start - b.start);
    let i = 0;
    while (i < list.length) {
      let start = list[i]!.start;
      let end = list[i]!.end;
      let reach = end;
      const members = new Set<number>([list[i]!.proc]);
      let j = i + 1;
      while (j < list.length && list[j]!.start <= reach) {
        members.add(list[j]!.proc);
        start = Math.max(start, list[j]!.start);
        end = Math.min(end, list[j]!.end);
        reach = Math.max(reach, list[j]!.end);
        j++;
      }
      if (start < end && procs.size > 0 && [...procs].every((p) => members.has(p))) {
        for (const p of procs) out.push({ proc: p, key, start, end });
      }
      i = j;
    }
  }
  return out;
}

/**
 * A key kept fresh by several feeds (a list: `channel.vip.add` and `channel.vip.remove`; a stream: `stream.online`, `stream.offline`, `channel.update`) is uncovered for a
 * process while any of them is: its overlapping gaps of one process are merged into their union.
 */
function mergeOwnGaps(gaps: readonly CoverageGap[]): CoverageGap[] {
  const by = new Map<number, CoverageGap[]>();
  for (const g of gaps) {
    const id = procKey(g.proc, g.key);
    const l = by.get(id) ?? [];
    l.push(g);
    by.set(id, l);
  }
  const out: CoverageGap[] = [];
  for (const list of by.values()) {
    list.sort((a, b) => a.start - b.start);
    let cur = { ...list[0]! };
    for (const g of list.slice(1)) {
      if (g.start <= cur.end) cur.end = Math.max(cur.end, g.end);
      else {
        out.push(cur);
        cur = { ...g };
      }
    }
    out.push(cur);
  }
  return out;
}
