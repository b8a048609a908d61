/**
 * Property: whatever the interleaving of reads (some with slow source calls held open), writes, changes applied
 * from outside (values, patches, invalidations, replays of old changes, tag invalidations) and bus drops, no read
 * returns a value older than the newest write or change that completed before the read began, nor older than what
 * a read of the same instance that ended before it returned (monotonic reads). For `strict` reads
 * that holds for changes completed by any instance; for `fast` reads, for the instance's own changes and for every
 * change completed before the last moment the bus was known to have delivered everything (a "settle": the measured
 * bus delay, made explicit).
 *
 * Run against the in-process tier alone (one cache) and against Redis (three caches, each with its own connections
 * and bus subscriber, sharing a prefix). Thousands of cases in all.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type Cache, createCache } from '../packages/cache/src/index.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `t:cache-property:${randomUUID().slice(0, 8)}:`;
const KEYS = ['a', 'b'] as const;

type Level = 'fast' | 'strict';
type Action =
  | { t: 'read'; i: number; k: number; level: Level; slow: boolean }
  | { t: 'release'; n: number }
  | { t: 'write'; i: number; k: number; pin: boolean }
  | { t: 'change'; i: number; k: number; mode: 'value' | 'patch' | 'invalidate' | 'tag' }
  | { t: 'replay'; i: number; n: number }
  | { t: 'drop'; n: number }
  | { t: 'settle' };

function actions(instances: number, drops: boolean): fc.Arbitrary<Action[]> {
  const i = fc.nat(instances - 1);
  const k = fc.nat(KEYS.length - 1);
  const level = fc.constantFrom<Level>('fast', 'strict');
  const list: fc.WeightedArbitrary<Action>[] = [
    { weight: 6, arbitrary: fc.record({ t: fc.constant('read' as const), i, k, level, slow: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('release' as const), n: fc.nat(7) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('write' as const), i, k, pin: fc.boolean() }) },
    {
      weight: 4,
      arbitrary: fc.record({
        t: fc.constant('change' as const),
        i,
        k,
        mode: fc.constantFrom('value' as const, 'patch' as const, 'invalidate' as const, 'tag' as const),
      }),
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('replay' as const), i, n: fc.nat(20) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('settle' as const) }) },
  ];
  if (drops) list.push({ weight: 1, arbitrary: fc.record({ t: fc.constant('drop' as const), n: fc.nat(7) }) });
  return fc.array(fc.oneof(...list), { minLength: 1, maxLength: 24 });
}

interface Completed {
  key: string;
  v: number;
  inst: number;
  at: number; // logical time at which it completed
}

/** Runs one case against the given caches; returns the violations found. */
async function runCase(
  caches: Cache[],
  plan: Action[],
  env: { shared: boolean; drop?: (n: number) => Promise<void>; settle?: () => Promise<void> },
): Promise<string[]> {
  const run = randomUUID().slice(0, 8);
  const keyOf = (k: number) => `${run}:${KEYS[k]}`;
  const TAG = `${run}:g`; // per case: tag changes are ordered by \`at\`, which restarts with every case
  const truth = new Map<string, number>();
  const completed: Completed[] = [];
  const changes: { i: number; key: string; v: number }[] = [];
  const violations: string[] = [];
  const gates: (() => void)[] = [];
  const reads: Promise<void>[] = [];
  let clock = 0;
  let settledAt = -1;
  let version = 0;

  const required = (key: string, inst: number, level: Level, start: number): number => {
    let min = 0;
    for (const c of completed) {
      if (c.key !== key || c.at >= start) continue;
      if (!env.shared || level === 'strict' || c.inst === inst || c.at < settledAt) min = Math.max(min, c.v);
    }
    return min;
  };
  const done = (key: string, v: number, inst: number) => completed.push({ key, v, inst, at: ++clock });
  // monotonic reads: the newest version each instance has already returned for a key
  const returned = new Map<string, number>();

  for (const a of plan) {
    switch (a.t) {
      case 'read': {
        const key = keyOf(a.k);
        const start = ++clock;
        const need = Math.max(required(key, a.i, a.level, start), returned.get(`${a.i}|${key}`) ?? 0);
        let gate: Promise<void> | undefined;
        if (a.slow) gate = new Promise<void>((r) => gates.push(r));
        const load = async () => {
          const v = truth.get(key) ?? 0;
          if (gate !== undefined) await gate;
          return { v };
        };
        reads.push(
          caches[a.i]!.read(key, { load, tags: [TAG], level: a.level }).then((got) => {
            if (got.v < need) violations.push(`${a.level} read of ${key} by ${a.i} got v${got.v}, needed v${need}`);
            const id = `${a.i}|${key}`;
            returned.set(id, Math.max(returned.get(id) ?? 0, got.v));
          }),
        );
        break;
      }
      case 'release':
        if (gates.length > 0) gates.splice(a.n % gates.length, 1)[0]!();
        break;
      case 'write': {
        const key = keyOf(a.k);
        const v = ++version;
        truth.set(key, v); // the application's write to the source succeeded
        await caches[a.i]!.write(key, { v }, { tags: [TAG], pinMs: a.pin ? 60_000 : 0, at: v });
        done(key, v, a.i);
        break;
      }
      case 'change': {
        const key = keyOf(a.k);
        const v = ++version;
        truth.set(key, v); // changed at the source; the event arrives
        const c = caches[a.i]!;
        const id = `${key}@${v}`;
        if (a.mode === 'value') await c.apply({ id, at: v, key, value: { v }, tags: [TAG] });
        else if (a.mode === 'patch') await c.apply<{ v: number }>({ id, at: v, key, patch: () => ({ v }) });
        else if (a.mode === 'invalidate') await c.apply({ id, at: v, key, invalidate: true });
        else await c.apply({ id, at: v, tag: TAG, invalidate: true });
        changes.push({ i: a.i, key, v });
        done(key, v, a.i);
        break;
      }
      case 'replay': {
        const old = changes[a.n % Math.max(1, changes.length)];
        if (old === undefined) break;
        const outcome = await caches[a.i]!.apply({
          id: `${old.key}@${old.v}`,
          at: old.v,
          key: old.key,
          value: { v: old.v },
        });
        if (outcome === 'applied') violations.push(`replayed change ${old.key}@${old.v} was applied again`);
        break;
      }
      case 'drop':
        await env.drop?.(a.n);
        break;
      case 'settle':
        if (env.settle !== undefined) {
          const at = ++clock;
          await env.settle();
          settledAt = at;
        }
        break;
    }
  }
  for (const release of gates.splice(0)) release();
  await Promise.all(reads);
  return violations;
}

describe('property: no read older than a change completed before it began', () => {
  it('in-process tier alone: 3000 random interleavings', async () => {
    await fc.assert(
      fc.asyncProperty(actions(1, false), async (plan) => {
        const cache = createCache({ memory: { maxEntries: 100 } });
        try {
          expect(await runCase([cache], plan, { shared: false })).toEqual([]);
        } finally {
          await cache.close();
        }
      }),
      { numRuns: 3000 },
    );
  }, 120_000);

  const admin = new Redis(url);
  afterAll(async () => {
    const keys = await admin.keys(`{${prefix}}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  });

  it('three instances on Redis with bus drops: 500 random interleavings', async () => {
    const caches = [0, 1, 2].map(() => createCache({ redis: { url, prefix } }));
    const connected = async () => {
      const deadline = Date.now() + 10_000;
      while (!caches.every((c) => c.stats().bus.connected && c.stats().redis?.connected)) {
        if (Date.now() > deadline) throw new Error('bus did not reconnect');
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    const drop = async (n: number) => {
      const list = String(await admin.client('LIST')).split('\n');
      const subs = list.filter((l) => l.includes(`name=${prefix.replace(/[^\w:.-]/g, '_')}bus:`));
      const victim = subs[n % Math.max(1, subs.length)];
      const id = victim === undefined ? undefined : /id=(\d+)/.exec(victim)?.[1];
      if (id !== undefined) await admin.client('KILL', 'ID', id);
    };
    const settle = async () => {
      for (;;) {
        await connected();
        const before = caches.map((c) => c.stats().bus.messages);
        await caches[0]!.invalidate({ key: `settle:${randomUUID()}` });
        const deadline = Date.now() + 10_000;
        let ok = true;
        while (!caches.slice(1).every((c, j) => c.stats().bus.messages > before[j + 1]!)) {
          if (!caches.every((c) => c.stats().bus.connected) || Date.now() > deadline) {
            ok = false;
            break;
          }
          await new Promise((r) => setTimeout(r, 1));
        }
        if (ok) return;
      }
    };
    try {
      await connected();
      await fc.assert(
        fc.asyncProperty(actions(3, true), async (plan) => {
          await connected(); // each case starts with every bus up (drops of the previous case have healed)
          expect(await runCase(caches, plan, { shared: true, drop, settle })).toEqual([]);
        }),
        { numRuns: 500 },
      );
      const stats = caches.map((c) => c.stats());
      console.log(
        'property (redis): stale fills refused',
        stats.map((s) => (s.redis?.staleFillsRefused ?? 0) + s.memory.staleFillsRefused),
        'bus drops',
        stats.map((s) => s.bus.drops),
        'epoch bumps',
        stats.map((s) => s.epochBumps),
      );
    } finally {
      await Promise.all(caches.map((c) => c.close()));
    }
  }, 120_000);
});
