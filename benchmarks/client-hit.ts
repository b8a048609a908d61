/**
 * A cached read through the Client against a naive lru-cache behind the same call shape, side by side in one run.
 * Run: `npx tsx benchmarks/client-hit.ts [reads per round] [rounds]` (default 200000 and 5). Prints ns per read
 * (medians over rounds, alternating) and the ratio; writes benchmarks/results/client-hit.json.
 *
 * - naive: `channels.get(id)`: the same id check, then an lru-cache `get` (a Helix call on a miss), in an async
 *   method, as a hand-written cache in front of Helix would be;
 * - Twitchify: `client.channels.get(id)` on the in-memory cache, every read a hit (the emulator is asked once).
 *
 * Goal (issue 11): Twitchify at most 2x the naive read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Client } from '@twitchify/core';
import { startMock } from '@twitchify/mock';
import { LRUCache } from 'lru-cache';

const reads = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);
const ID = /^[A-Za-z0-9_-]{1,64}$/;

const mock = await startMock({ port: 0, seed: 1, lag: false });
const client = new Client({
  clientId: mock.clientId,
  urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
  eventsub: false,
});
await client.run({ accessToken: mock.createUserToken({ userId: mock.users[0]!.id }).accessToken });
const ids = mock.users.slice(0, 10).map((u) => u.id);

/** The naive cache: what a hand-written cache in front of Helix looks like, with the Client's argument check. */
class NaiveChannels {
  readonly #lru = new LRUCache<string, object>({ max: 10_000, ttl: 60_000 });
  async get(broadcasterId: string): Promise<object | null> {
    if (typeof broadcasterId !== 'string' || !ID.test(broadcasterId)) throw new Error('bad id');
    const key = `channel:${broadcasterId}`;
    const hit = this.#lru.get(key);
    if (hit !== undefined) return hit;
    const answer = (await client.helix.channels.getChannelInformation({ broadcasterId })).data[0] ?? null;
    if (answer) this.#lru.set(key, answer);
    return answer;
  }
}
const naive = new NaiveChannels();

async function timed(read: (id: string) => Promise<unknown>): Promise<number> {
  for (const id of ids) await read(id); // warm: every later read is a hit
  const start = process.hrtime.bigint();
  for (let i = 0; i < reads; i++) await read(ids[i % ids.length]!);
  return Number(process.hrtime.bigint() - start) / reads;
}

const results: { naive: number[]; twitchify: number[] } = { naive: [], twitchify: [] };
for (let r = 0; r < rounds; r++) {
  results.naive.push(await timed((id) => naive.get(id)));
  results.twitchify.push(await timed((id) => client.channels.get(id)));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = {
  readsPerRound: reads,
  rounds,
  naiveNs: median(results.naive),
  twitchifyNs: median(results.twitchify),
  ratio: median(results.twitchify) / median(results.naive),
  hits: client.cacheReport().stats?.memory.hits,
  rawNs: results,
};
console.log(`naive lru-cache behind the call shape: ${row.naiveNs.toFixed(0)} ns/read`);
console.log(`Twitchify client.channels.get (hit):   ${row.twitchifyNs.toFixed(0)} ns/read`);
console.log(`ratio: ${row.ratio.toFixed(2)}x (goal <= 2x)`);
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(new URL('results/client-hit.json', import.meta.url), `${JSON.stringify(row, null, 2)}\n`);
await client.close();
await mock.stop();
