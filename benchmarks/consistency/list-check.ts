/**
 * The per-change check of lists (VIPs, moderators, bans), next to the checker's per-version one.
 *
 * A list event carries one user added or removed, and a list write changes one user: a client can only apply that
 * change to the list it has. When another change (made on twitch.tv) was committed before it and its event has not
 * arrived yet, or was lost, the list the client holds after the write or the event lacks that other change: the
 * per-version check then counts the read as older than the write (the version of the write includes the other
 * change), although the client did reflect everything it was told. This check asks only what a client can promise
 * for delta-carrying resources:
 *
 * - read-your-writes / events: once a process acknowledged (received) the add of `u`, its reads contain `u` until the
 *   removal of `u` was committed (before the read's end); once it acknowledged (received) the removal of `u`, they
 *   never contain `u`;
 * - monotonic reads: once a read of a process returned `u`, a later read of that process contains `u` until the
 *   removal of `u` was committed; a user that a read returned and a later read no longer did never comes back
 *   (no user is ever added twice).
 *
 * Witnesses and reads of the same process only (a list is read by its broadcaster's process alone; a restarted
 * process keeps its id, so what it knew before the restart binds it after). A read is counted once per promise.
 */
import { noViolations, type Violations } from './checker.js';
import type { History, MemberChangeWitness } from './history.js';
import { type Percentiles, percentiles } from './stats.js';

/** Per-change violations of the lists (restart safety is not checked here: 0). */
export interface ListChangeCheck {
  reads: number;
  violations: Violations;
  /**
   * For the reads that broke read-your-writes or the events promise: how long before the read's start the oldest
   * change it failed to reflect had been acknowledged or received (ms), i.e. how long a lost change stays lost.
   */
  unreflectedMs: Percentiles;
  examples: string[];
}

/** Checks the list reads of the keys `keep` admits (default every list key). */
export function checkListChanges(h: History, keep: (key: number) => boolean = () => true): ListChangeCheck {
  const violations = noViolations();
  const examples: string[] = [];
  const ages: number[] = [];
  const d = h.lists;
  if (!d) return { reads: 0, violations, unreflectedMs: percentiles(new Float64Array()), examples };
  const r = h.reads;
  const groups = new Map<string, number[]>();
  let reads = 0;
  for (let i = 0; i < r.size; i++) {
    if ((d.readSet[i] ?? -1) < 0 || !keep(r.key[i]!)) continue;
    reads++;
    const id = `${r.proc[i]}:${r.key[i]}`;
    const g = groups.get(id);
    if (g) g.push(i);
    else groups.set(id, [i]);
  }
  const witnesses = new Map<string, MemberChangeWitness[]>();
  for (const w of d.changes) {
    const id = `${w.proc}:${w.key}`;
    const l = witnesses.get(id) ?? [];
    l.push(w);
    witnesses.set(id, l);
  }
  const never = Number.POSITIVE_INFINITY;
  for (const [id, list] of groups) {
    list.sort((a, b) => r.start[a]! - r.start[b]!);
    const key = r.key[list[0]!]!;
    const removedAt = d.removedAt.get(key) ?? new Map<string, number>();
    const ws = (witnesses.get(id) ?? []).sort((a, b) => a.at - b.at);
    const mustHave = new Map<string, MemberChangeWitness>();
    const mustLack = new Map<string, MemberChangeWitness>();
    const seen = new Set<string>();
    const gone = new Set<string>();
    let wi = 0;
    let ended = 0;
    for (const i of list) {
      const s = r.start[i]!;
      const e = r.end[i]!;
      const set = d.sets[d.readSet[i]!]!;
      while (wi < ws.length && ws[wi]!.at < s) {
        const w = ws[wi++]!;
        if (w.op === 'add') {
          if (!mustLack.has(w.userId) && !mustHave.has(w.userId)) mustHave.set(w.userId, w);
        } else {
          mustHave.delete(w.userId);
          if (!mustLack.has(w.userId)) mustLack.set(w.userId, w);
        }
      }
      // Earlier reads of this process that ended before this one started (a process reads one after another).
      while (ended < list.length && r.end[list[ended]!]! < s) {
        const prev = d.sets[d.readSet[list[ended++]!]!]!;
        for (const u of seen) {
          if (!prev.has(u)) {
            seen.delete(u);
            gone.add(u);
          }
        }
        for (const u of prev) if (!gone.has(u)) seen.add(u);
      }
      const broken = new Set<keyof Violations>();
      const why: string[] = [];
      let oldest = Number.POSITIVE_INFINITY;
      for (const [u, w] of mustHave) {
        const removed = removedAt.get(u) ?? never;
        if (removed <= s) mustHave.delete(u);
        else if (!set.has(u) && removed > e) {
          oldest = Math.min(oldest, w.at);
          broken.add(w.source === 'ack' ? 'readYourWrites' : 'eventStaleness');
          why.push(
            `lacks ${u} whose add was ${w.source === 'ack' ? 'acknowledged' : 'received'} at ${w.at.toFixed(3)}`,
          );
        }
      }
      for (const u of set) {
        const w = mustLack.get(u);
        if (w) {
          oldest = Math.min(oldest, w.at);
          broken.add(w.source === 'ack' ? 'readYourWrites' : 'eventStaleness');
          why.push(
            `has ${u} whose removal was ${w.source === 'ack' ? 'acknowledged' : 'received'} at ${w.at.toFixed(3)}`,
          );
        }
        if (gone.has(u)) {
          broken.add('monotonicReads');
          why.push(`has ${u} again, which an earlier read no longer had`);
        }
      }
      for (const u of seen) {
        if (!set.has(u) && (removedAt.get(u) ?? never) > e) {
          broken.add('monotonicReads');
          why.push(`lacks ${u}, which an earlier read had, before its removal`);
        }
      }
      if (broken.size === 0) continue;
      if (oldest < s) ages.push(s - oldest);
      if (r.isFromCache(i)) broken.add('staleFills');
      for (const what of broken) violations[what]++;
      if (examples.length < 5) {
        // The changes this process was told of in the second before the read, with their commit times.
        const added = d.addedAt?.get(key);
        const told = ws
          .slice(0, wi)
          .filter((w) => w.at > s - 1000)
          .map((w) => {
            const committed = w.op === 'add' ? added?.get(w.userId) : removedAt.get(w.userId);
            return `${w.source} ${w.op} ${w.userId} at ${w.at.toFixed(3)} (committed ${committed?.toFixed(3) ?? '?'})`;
          });
        examples.push(
          `p${r.proc[i]} read ${h.keys[key]} at [${s.toFixed(3)}, ${e.toFixed(3)}]${r.isFromCache(i) ? ' from the cache' : ''}: ` +
            `[${[...set].join(',')}] ${why.slice(0, 3).join('; ')}; told in the second before: ${told.join(', ') || 'nothing'}`,
        );
      }
    }
  }
  return { reads, violations, unreflectedMs: percentiles(Float64Array.from(ages)), examples };
}
