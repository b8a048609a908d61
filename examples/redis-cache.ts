/**
 * The Redis cache: one option away. Reads are served from the process's memory and kept coherent through Redis;
 * `cacheReport()` says which reads are kept fresh by events and which only by their TTL, and why.
 *
 *   npm run build --silent && REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/redis-cache.ts
 */
import { Client } from '@twitchify/core';
import { startEmulator } from './emulator.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const { mock, urls } = await startEmulator();
const me = mock.users[0]!;

const client = new Client({ clientId: mock.clientId, urls, cache: { redis: { url: redisUrl, prefix: 'example:' } } });
await client.run({ accessToken: mock.createUserToken({ userId: me.id }).accessToken });

await client.channels.update(me.id, { title: 'hello from the Redis example' });
console.log('read after write:', (await client.channels.get(me.id))?.title);
const started = performance.now();
for (let i = 0; i < 100_000; i++) await client.channels.get(me.id);
console.log(`100,000 cached reads in ${(performance.now() - started).toFixed(0)} ms`);

const report = client.cacheReport();
for (const line of report.reads)
  console.log(`${line.read.padEnd(44)} ${line.freshness.padEnd(14)} ${line.reasons.join('; ')}`);
console.log('cache counters:', report.stats?.memory, report.stats?.redis);

await client.close();
await mock.stop();
