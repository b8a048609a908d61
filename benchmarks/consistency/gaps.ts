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
  const gaps = h.sharedTier ? nobodyListening(h) : h.gaps;
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
 * include every process; the interval is from the last of their starts to the first of their ends (from then on,
 * somebody listened again). Each process must then revalidate after that end.
 */
function nobodyListening(h: History): CoverageGap[] {
  const procs = new Set<number>();
  for (let i = 0; i < h.reads.size; i++) procs.add(h.reads.proc[i]!);
  const byKey = new Map<number, CoverageGap[]>();
  for (const g of h.gaps) {
    const l = byKey.get(g.key) ?? [];
    l.push(g);
    byKey.set(g.key, l);
  }
  const out: CoverageGap[] = [];
  for (const [key, list] of byKey) {
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
      if (start < end && [...procs].every((p) => members.has(p))) {
        for (const p of procs) out.push({ proc: p, key, start, end });
      }
      i = j;
    }
  }
  return out;
}
