import { describe, expect, it } from 'vitest';
import { check } from '../benchmarks/consistency/checker.js';
import {
  clampCommits,
  type History,
  type MemberChangeWitness,
  type ReadLevel,
  ReadLog,
} from '../benchmarks/consistency/history.js';
import { ListVersions, listReadSig, memberChangeSig } from '../benchmarks/consistency/lists.js';

/** A small history builder: one key 'channel:1' (index 0) with versions committed at the given times. */
function history(commits: number[], opts: Partial<History> = {}): History {
  return {
    keys: ['channel:1', 'channel:2'],
    reads: new ReadLog(),
    acks: [],
    events: [],
    truth: [commits.map((committedAt, version) => ({ version, committedAt })), [{ version: 0, committedAt: 0 }]],
    restarts: [],
    gaps: [],
    sourceReads: [],
    sharedTier: false,
    deltaMs: 0,
    ...opts,
  };
}

type Read = [proc: number, start: number, end: number, version: number, level?: ReadLevel, fromCache?: boolean];
const reads = (h: History, rs: Read[], key = 0) => {
  for (const [p, s, e, v, level = 'fast', fromCache = true] of rs) h.reads.add(p, key, s, e, v, level, fromCache);
  return h;
};

describe('checker: clean histories', () => {
  it('counts nothing when every read returns the newest known version', () => {
    const h = history([0, 10, 20]);
    h.acks.push({ proc: 0, key: 0, at: 11, version: 1 });
    h.events.push({ proc: 0, key: 0, at: 25, version: 2 });
    reads(h, [
      [0, 1, 2, 0],
      [0, 12, 13, 1],
      [0, 26, 27, 2],
      [0, 27, 28, 2],
    ]);
    const res = check(h);
    expect(res.violations).toEqual({
      readYourWrites: 0,
      eventStaleness: 0,
      monotonicReads: 0,
      staleFills: 0,
      restartSafety: 0,
    });
    expect(res.reads).toBe(4);
    expect(res.unmatched).toBe(0);
    // The read at 12 returned v1 although v2 was committed only at 20: fresh. The read at 1 saw v0, fresh too.
    expect(res.staleness).toEqual({ p50: 0, p99: 0, max: 0 });
  });

  it('accepts an old version for a read that overlaps the ack (the ack is not before its start)', () => {
    const h = history([0, 10]);
    h.acks.push({ proc: 0, key: 0, at: 11, version: 1 });
    reads(h, [[0, 10.5, 12, 0]]);
    expect(check(h).violations.readYourWrites).toBe(0);
  });

  it('allows fast reads on other processes to lag by at most delta', () => {
    const h = history([0, 10], { sharedTier: true, deltaMs: 5 });
    h.acks.push({ proc: 0, key: 0, at: 11, version: 1 });
    reads(h, [[1, 14, 15, 0, 'fast']]);
    expect(check(h).violations.readYourWrites).toBe(0);
  });
});

describe('checker: violating histories', () => {
  it('counts a read-your-writes violation (own write acknowledged, old state read)', () => {
    const h = history([0, 10]);
    h.acks.push({ proc: 0, key: 0, at: 11, version: 1 });
    reads(h, [[0, 12, 13, 0, 'fast', false]]);
    const res = check(h);
    expect(res.violations.readYourWrites).toBe(1);
    expect(res.violations.staleFills).toBe(0); // it came from Helix, not from a cache
    expect(res.examples.readYourWrites[0]).toContain('needed >= v1');
    expect(res.staleness.max).toBe(2);
  });

  it('applies strict reads across processes with no delta, fast reads only after delta', () => {
    const h = history([0, 10], { sharedTier: true, deltaMs: 5 });
    h.acks.push({ proc: 0, key: 0, at: 11, version: 1 });
    reads(h, [
      [1, 12, 13, 0, 'strict'], // violation: strict, ack before start
      [1, 17, 18, 0, 'fast'], // violation: fast, ack before start - delta
      [2, 14, 15, 0, 'fast'], // allowed: within delta
    ]);
    expect(check(h).violations.readYourWrites).toBe(2);
  });

  it('ignores other processes entirely without a shared tier', () => {
    const h = history([0, 10]);
    h.acks.push({ proc: 0, key: 0, at: 11, version: 1 });
    reads(h, [[1, 50, 51, 0]]);
    expect(check(h).violations.readYourWrites).toBe(0);
  });

  it('counts event-bounded staleness and marks cache hits as stale fills', () => {
    const h = history([0, 10]);
    h.events.push({ proc: 0, key: 0, at: 30, version: 1 });
    reads(h, [
      [0, 20, 21, 0], // before the event was received: allowed (staleness 10)
      [0, 31, 32, 0, 'fast', true], // after: violation, from the cache
    ]);
    const res = check(h);
    expect(res.violations.eventStaleness).toBe(1);
    expect(res.violations.staleFills).toBe(1);
    expect(res.violations.readYourWrites).toBe(0);
    expect(res.staleReads).toBe(2);
    expect(res.staleness.max).toBe(21);
  });

  it('counts monotonic-read violations per process and key, and across processes for strict reads', () => {
    const h = history([0, 10, 20], { sharedTier: true });
    reads(h, [
      [0, 21, 22, 2],
      [0, 23, 24, 1], // own: went back
      [0, 21.5, 25, 1], // overlaps the first read: allowed
      [1, 30, 31, 1, 'fast'], // another process, fast: allowed
      [2, 40, 41, 2, 'strict'],
      [1, 42, 43, 1, 'strict'], // strict after a strict read of v2 by p2: violation
    ]);
    const res = check(h);
    expect(res.violations.monotonicReads).toBe(2);
  });

  it('keeps keys apart', () => {
    const h = history([0, 10]);
    h.acks.push({ proc: 0, key: 1, at: 11, version: 5 });
    reads(h, [[0, 12, 13, 0]]);
    expect(check(h).violations.readYourWrites).toBe(0);
  });

  it('counts restart-safety violations: knowledge from before a restart', () => {
    const h = history([0, 10], { restarts: [{ proc: 0, downAt: 15, upAt: 20 }] });
    h.acks.push({ proc: 0, key: 0, at: 11, version: 1 });
    reads(h, [
      [0, 12, 13, 1],
      [0, 21, 22, 0], // after the restart the write is forgotten
    ]);
    const res = check(h);
    expect(res.violations.restartSafety).toBe(1);
    expect(res.violations.readYourWrites).toBe(1);
    expect(res.violations.monotonicReads).toBe(1);
  });

  it('counts a cache hit after a coverage gap with no Helix read after the gap', () => {
    const h = history([0, 10], { gaps: [{ proc: 0, key: 0, start: 5, end: 12 }] });
    reads(h, [
      [0, 1, 2, 0, 'fast', false],
      [0, 13, 14, 0, 'fast', true], // served from the cache without asking Helix after the gap
    ]);
    expect(check(h).violations.restartSafety).toBe(1);
  });

  it('accepts a cache hit after a gap once Helix was asked again', () => {
    const h = history([0, 10], {
      gaps: [{ proc: 0, key: 0, start: 5, end: 12 }],
      sourceReads: [{ key: 0, at: 12.5 }],
    });
    reads(h, [
      [0, 12.4, 12.6, 1, 'fast', false],
      [0, 13, 14, 1, 'fast', true],
    ]);
    expect(check(h).violations.restartSafety).toBe(0);
  });

  it('accepts a cached read that waited for another process’s fill made after the gap (served at its end)', () => {
    // Process 1 began its read before process 0 asked Helix (its lease), waited, and was served that fill: the
    // source was asked after the gap and before the value was served. The Helix read is within the read.
    const gaps = [
      { proc: 0, key: 0, start: 5, end: 12 },
      { proc: 1, key: 0, start: 5, end: 12 },
    ];
    const h = history([0, 10], { sharedTier: true, gaps, sourceReads: [{ key: 0, at: 13.5 }] });
    reads(h, [
      [0, 13, 14, 1, 'fast', false],
      [1, 13.2, 14.1, 1, 'fast', true],
    ]);
    expect(check(h).violations.restartSafety).toBe(0);
    // A cached read that ended before any Helix read after the gap still counts, even if one follows it.
    const h2 = history([0, 10], { sharedTier: true, gaps, sourceReads: [{ key: 0, at: 13.5 }] });
    reads(h2, [
      [0, 13, 14, 1, 'fast', false],
      [1, 13.2, 13.3, 0, 'fast', true],
    ]);
    expect(check(h2).violations.restartSafety).toBe(1);
  });

  it('with a shared tier, counts a gap only while nobody listened, and from when somebody listened again', () => {
    const gaps = [
      { proc: 0, key: 0, start: 5, end: 12 },
      { proc: 1, key: 0, start: 6, end: 9 },
    ];
    const h = history([0, 10], { sharedTier: true, gaps, sourceReads: [{ key: 0, at: 9.5 }] });
    reads(h, [
      [0, 1, 2, 0, 'fast', false],
      [1, 1, 2, 0, 'fast', false],
      // Process 1 listened again at 9; Helix was asked at 9.5: both cached reads are fine.
      [0, 13, 14, 1, 'fast', true],
      [1, 10, 11, 1, 'fast', true],
    ]);
    expect(check(h).violations.restartSafety).toBe(0);
    const h2 = history([0, 10], { sharedTier: true, gaps });
    reads(h2, [
      [0, 1, 2, 0, 'fast', false],
      [1, 1, 2, 0, 'fast', false],
      [1, 10, 11, 0, 'fast', true],
    ]);
    expect(check(h2).violations.restartSafety).toBe(1);
  });

  it('reports unmatched reads instead of checking them', () => {
    const h = history([0, 10]);
    reads(h, [[0, 1, 2, -1]]);
    const res = check(h);
    expect(res.unmatched).toBe(1);
    expect(res.staleness.max).toBe(0);
  });
});

/**
 * A VIP list `vips:1` (key index 1; index 0 is a channel nobody reads) with versions committed at 0, 10, 20, ...:
 * v0 [], v1 [a] (external add), v2 [a, b] (SDK add), v3 [a, b, c] (external add), v4 [b, c] (SDK removal of a).
 * Reads, acks and events are given as lists and changes, and resolved to versions by `ListVersions`, as buildHistory does.
 */
const VIP_TRUTH = [[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['b', 'c']];

function vipHistory(opts: Partial<History> = {}) {
  const entries = VIP_TRUTH.map((userIds, version) => ({ version, userIds }));
  const versions = new ListVersions(entries);
  const sets: Set<string>[] = [];
  const readSet: number[] = [];
  const changes: MemberChangeWitness[] = [];
  const h: History = {
    keys: ['channel:1', 'vips:1'],
    reads: new ReadLog(),
    acks: [],
    events: [],
    truth: [
      [{ version: 0, committedAt: 0 }],
      entries.map((e) => ({ version: e.version, committedAt: e.version * 10 })),
    ],
    restarts: [],
    gaps: [],
    sourceReads: [],
    sharedTier: false,
    deltaMs: 0,
    phantom: [0, 0],
    ...opts,
  };
  const api = {
    h,
    versions,
    read(proc: number, start: number, end: number, ids: string[], fromCache = true) {
      const r = versions.resolve(listReadSig(ids));
      if (r.phantom) h.phantom![1]!++;
      h.reads.add(proc, 1, start, end, r.version, 'fast', fromCache);
      sets.push(new Set(ids));
      readSet.push(sets.length - 1);
      return api;
    },
    witness(source: 'ack' | 'event', proc: number, at: number, op: 'add' | 'remove', userId: string) {
      const version = versions.resolve(memberChangeSig(op, userId)).version;
      (source === 'ack' ? h.acks : h.events).push({ proc, key: 1, at, version });
      changes.push({ proc, key: 1, at, op, userId, source });
      return api;
    },
    done(): History {
      h.lists = {
        readSet: Int32Array.from(readSet),
        sets,
        changes,
        removedAt: new Map([[1, new Map([['a', 40]])]]),
        addedAt: new Map([
          [
            1,
            new Map([
              ['a', 10],
              ['b', 20],
              ['c', 30],
            ]),
          ],
        ]),
      };
      return h;
    },
  };
  return api;
}

describe('checker: VIP lists (a change applied on a cached base)', () => {
  it('maps lists, acks and events to versions; a list equal to no state to the newest version it fully reflects', () => {
    const { versions } = vipHistory();
    expect(versions.resolve(listReadSig(['b', 'a']))).toEqual({ version: 2, phantom: false });
    expect(versions.resolve(listReadSig([]))).toEqual({ version: 0, phantom: false });
    expect(versions.resolve(memberChangeSig('add', 'b')).version).toBe(2);
    expect(versions.resolve(memberChangeSig('remove', 'a')).version).toBe(4);
    expect(versions.resolve(memberChangeSig('add', 'z')).version).toBe(-1);
    // [a, c]: lacks b (v2), so it reflects v1 at most, whatever it has of v3.
    expect(versions.resolve(listReadSig(['a', 'c']))).toEqual({ version: 1, phantom: true });
    // [b]: the removal of a (v4) applied on [a, b], lacking the external add of c (v3) and so a's add (v1) too.
    expect(versions.resolve(listReadSig(['b']))).toEqual({ version: 0, phantom: true });
    expect(versions.duplicates).toBe(0);
    // Removing the newest VIP brings a state back: the window forbids it, and the mapping reports it.
    const back = new ListVersions([[], ['a'], ['a', 'b'], ['a']].map((userIds, version) => ({ version, userIds })));
    expect(back.duplicates).toBe(1);
  });

  it('takes a change as committed no later than a process acknowledged it (process clocks differ slightly)', () => {
    // The SDK's removal of a (v4, committed at 40 by the emulator's clock) was acknowledged at 39.9 by the writing
    // process's clock; a read at 39.95 lacking a is right, not a read older than what an earlier read showed.
    const history = () => {
      const v = vipHistory();
      v.read(0, 35, 36, ['a', 'b', 'c']);
      v.witness('ack', 0, 39.9, 'remove', 'a');
      v.read(0, 39.95, 39.96, ['b', 'c']);
      return v.done();
    };
    expect(check(history()).violations.monotonicReads).toBe(1);
    const clamped = history();
    clampCommits(clamped, clamped.lists!.changes, clamped.lists!.removedAt, clamped.lists!.addedAt!);
    expect(clamped.lists!.removedAt.get(1)!.get('a')).toBe(39.9);
    expect(clamped.truth[1]!.map((t) => t.committedAt)).toEqual([0, 10, 20, 30, 39.9]);
    expect(check(clamped).violations).toEqual(check(vipHistory().done()).violations);
  });

  it('counts a stale VIP read after the own add was acknowledged, per resource, and not a correct one', () => {
    const v = vipHistory().witness('ack', 0, 21, 'add', 'b');
    v.read(0, 22, 23, ['a']); // stale: the acknowledged add of b is missing
    v.read(0, 24, 25, ['a', 'b']); // correct
    v.read(0, 31, 32, ['a', 'b']); // v2 while v3 exists: stale against truth, but no promise broken
    const res = check(v.done());
    expect(res.violations.readYourWrites).toBe(1);
    expect(res.violations.staleFills).toBe(1);
    expect(res.byResource.vips!.violations.readYourWrites).toBe(1);
    expect(res.byResource.vips!.reads).toBe(3);
    expect(res.byResource.channel!.violations.readYourWrites).toBe(0);
    expect(res.byResource.vips!.examples.length).toBeGreaterThan(0);
    expect(res.byResource.vips!.perChange!.violations.readYourWrites).toBe(1);
    expect(res.byResource.vips!.perVersion!.readYourWrites).toBe(1);
    expect(res.staleReads).toBe(2);
    // per member: the first read lacks b (added at 20) from 22, the last lacks c (added at 30) from 31
    expect(res.byResource.vips!.stalenessMs?.max).toBe(2);
    // per member: the first read lacks b (added at 20) from 22, the last lacks c (added at 30) from 31
    expect(res.byResource.vips!.stalenessMs?.max).toBe(2);
  });

  it('counts a VIP read that ignores a received removal event, per member and per version', () => {
    const v = vipHistory().witness('event', 0, 45, 'remove', 'a');
    v.read(0, 46, 47, ['a', 'b', 'c']);
    v.read(0, 48, 49, ['b', 'c']);
    const res = check(v.done());
    expect(res.violations.eventStaleness).toBe(1);
    expect(res.byResource.vips!.perChange!.violations.eventStaleness).toBe(1);
    expect(res.byResource.vips!.perChange!.examples[0]).toContain('has a whose removal was received');
    expect(res.byResource.vips!.perChange!.unreflectedMs.max).toBe(1); // received at 45, still unreflected at 46
  });

  it('per change, does not count a write applied on a base that lacks an external change not told yet', () => {
    // c was added on twitch.tv at 30, its event not received; the SDK removed a at 40 and holds [b].
    const v = vipHistory().witness('ack', 0, 21, 'add', 'b').witness('ack', 0, 41, 'remove', 'a');
    v.read(0, 42, 43, ['b']);
    const res = check(v.done());
    expect(res.byResource.vips!.phantom).toBe(1);
    expect(res.byResource.vips!.perVersion!.readYourWrites).toBe(1); // per version: needed v4, got v0 (information)
    expect(res.violations.readYourWrites).toBe(0); // lists are held to their members
    expect(res.byResource.vips!.perChange!.violations).toEqual({
      readYourWrites: 0,
      eventStaleness: 0,
      monotonicReads: 0,
      staleFills: 0,
      restartSafety: 0,
    });
  });

  it('per change, counts a user that disappears before its removal and one that comes back', () => {
    const v = vipHistory();
    v.read(0, 31, 32, ['a', 'b', 'c']);
    v.read(0, 33, 34, ['a', 'b']); // c vanished, never removed: monotonic
    v.read(0, 35, 36, ['a', 'b', 'c']); // c back after a read no longer had it: monotonic
    const res = check(v.done());
    expect(res.byResource.vips!.perChange!.violations.monotonicReads).toBe(2);
    expect(res.violations.monotonicReads).toBe(2); // per member, as the columns count lists
    expect(res.byResource.vips!.perVersion!.monotonicReads).toBe(1); // per version: v3, then v2, then v3
  });

  it('with a shared tier, counts a gap of a VIP list read by its broadcaster’s process alone', () => {
    const v = vipHistory({ sharedTier: true, gaps: [{ proc: 0, key: 1, start: 5, end: 12 }] });
    v.read(0, 1, 2, [], false);
    v.read(0, 13, 14, ['a']); // from the cache, no Helix read since the gap
    const h = v.done();
    h.reads.add(1, 0, 13, 14, 0, 'fast', true); // process 1 reads only the channel, and had no gap
    expect(check(h).violations.restartSafety).toBe(1);
    expect(check(h).byResource.vips!.violations.restartSafety).toBe(1);
  });

  it('merges the gaps of the two VIP feeds of one process before asking when nobody listened', () => {
    // Process 0 lost the add feed [5, 12] and the remove feed [11, 15]; process 1 (also reading) was down [5, 20].
    // Nobody listened from 5 to 15, not only from 11 to 12: the Helix read at 12.5 does not revalidate.
    const v = vipHistory({
      sharedTier: true,
      gaps: [
        { proc: 0, key: 1, start: 5, end: 12 },
        { proc: 0, key: 1, start: 11, end: 15 },
        { proc: 1, key: 1, start: 5, end: 20 },
      ],
      sourceReads: [{ key: 1, at: 12.5 }],
    });
    v.read(1, 1, 2, [], false);
    v.read(0, 12.4, 12.6, ['a'], false);
    v.read(0, 16, 17, ['a']);
    expect(check(v.done()).violations.restartSafety).toBe(1);
  });
});

describe('checker: scale', () => {
  it('checks 200k reads of a clean random history with no violation', () => {
    const commits = Array.from({ length: 1000 }, (_, i) => i * 10);
    const h = history(commits, { sharedTier: true, deltaMs: 1 });
    // Each process reads the truth at its start: clean by construction.
    for (let i = 0; i < 200_000; i++) {
      const s = (i % 9990) + 0.5;
      h.reads.add(i % 3, 0, s, s + 0.1, Math.floor(s / 10), i % 2 ? 'strict' : 'fast', true);
    }
    for (let v = 1; v < 1000; v++) h.acks.push({ proc: v % 3, key: 0, at: v * 10 + 0.01, version: v });
    const res = check(h);
    expect(res.violations.readYourWrites + res.violations.monotonicReads + res.violations.eventStaleness).toBe(0);
    expect(res.reads).toBe(200_000);
  });
});
