/**
 * Member events per second on one list, side by side in one run (medians of 3 rounds):
 *
 * 1. raw: an lru-cache entry holding the list, each event copying it with the member added or removed (what a naive
 *    cache that patches values does; the floor of any approach that keeps a finished value per change);
 * 2. today's `Cache.apply` with a patch, one per event (the path `@twitchify/core` takes);
 * 3. the coherence model (`packages/cache/src/model/`): each event recorded as a declarative op in the key's state
 *    (memory store), with the log collected every 100 events.
 *
 * Every tenth event is followed by a read of the list, as an app reading while events arrive would. Run:
 * `npx tsx benchmarks/coherence-model.ts [events]` (default 20 000 on a list of 500 members).
 */
import { LRUCache } from 'lru-cache';
import { createCache } from '../packages/cache/src/index.js';
import type { Op } from '../packages/cache/src/model/ops.js';
import { MemoryStateStore } from '../packages/cache/src/model/store.js';
import { collect, fill, record } from '../packages/cache/src/model/transitions.js';
import { view } from '../packages/cache/src/model/view.js';

type Member = { user_id: string; user_name: string };
const events = Number(process.argv[2] ?? 20_000);
const MEMBERS = 500;
const initial: Member[] = Array.from({ length: MEMBERS }, (_, i) => ({ user_id: String(i), user_name: `u${i}` }));
const eventAt = (i: number) => ({ id: String(i % (MEMBERS + 200)), added: i % 2 === 0 });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function raw(): Promise<number> {
  const lru = new LRUCache<string, Member[]>({ max: 10 });
  lru.set('vips', initial);
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    const e = eventAt(i);
    const list = (lru.get('vips') ?? []).filter((m) => m.user_id !== e.id);
    if (e.added) list.push({ user_id: e.id, user_name: 'x' });
    lru.set('vips', list);
    if (i % 10 === 0) lru.get('vips');
  }
  return events / ((performance.now() - t0) / 1000);
}

async function cacheApply(): Promise<number> {
  const cache = createCache();
  await cache.read('vips', { load: async () => initial, ttlMs: 600_000 });
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    const e = eventAt(i);
    await cache.apply<Member[]>({
      id: `e${i}`,
      at: Date.now() + i / 1000,
      key: 'vips',
      patch: (old) => {
        const list = old.filter((m) => m.user_id !== e.id);
        if (e.added) list.push({ user_id: e.id, user_name: 'x' });
        return list;
      },
    });
    if (i % 10 === 0) await cache.read('vips', { load: async () => initial, ttlMs: 600_000 });
  }
  const rate = events / ((performance.now() - t0) / 1000);
  await cache.close();
  return rate;
}

async function model(): Promise<number> {
  const store = new MemoryStateStore({ maxKeys: 10 });
  const start = Date.now();
  store.updateNow('vips', (s) => fill(s, { variant: '', json: initial, readPos: start, ttlMs: 600_000 }, start));
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    const e = eventAt(i);
    const pos = start + i / 10; // 10 000 events per second of Twitch time
    const op: Op = e.added
      ? { op: 'add', idField: 'user_id', item: { user_id: e.id, user_name: 'x' } }
      : { op: 'remove', idField: 'user_id', id: e.id };
    store.updateNow('vips', (s) => record(s, { id: `e${i}`, pos, ops: [op], lagMs: 2_000 }));
    if (i % 100 === 0) store.updateNow('vips', (s) => ({ state: collect(s, pos), result: undefined }));
    if (i % 10 === 0) view(store.getNow('vips'), '', pos);
  }
  return events / ((performance.now() - t0) / 1000);
}

const rows: Array<[string, () => Promise<number>]> = [
  ['raw lru-cache, list copied per event', raw],
  ['Cache.apply with a patch (today)', cacheApply],
  ['coherence model, ops recorded', model],
];
const results = new Map<string, number[]>();
for (let round = 0; round < 3; round++) {
  for (const [name, run] of rows) {
    const list = results.get(name) ?? [];
    list.push(await run());
    results.set(name, list);
  }
}
const rawRate = median(results.get(rows[0]?.[0] ?? '') ?? []);
console.log(`| system (${events} member events, list of ${MEMBERS}) | events/s | vs raw |`);
console.log('| --- | ---: | ---: |');
for (const [name] of rows) {
  const rate = median(results.get(name) ?? []);
  console.log(`| ${name} | ${Math.round(rate).toLocaleString('en')} | ${(rate / rawRate).toFixed(2)}× |`);
}
