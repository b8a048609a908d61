/**
 * Two instances sharing Redis (as two replicas of a bot would): a write through one is what the other reads, at
 * once with `level: 'strict'` and within the bus delay with the default `fast` level, while Helix itself still
 * serves the old title.
 *
 *   npm run build --silent && REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/two-instances.ts
 */
import { Client } from '@twitchify/core';
import { startEmulator } from './emulator.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const { mock, urls } = await startEmulator();
const me = mock.users[0]!;
const cache = { redis: { url: redisUrl, prefix: `example-two:${Date.now()}:` } };

const a = new Client({ clientId: mock.clientId, urls, cache });
const b = new Client({ clientId: mock.clientId, urls, cache });
await a.run({ accessToken: mock.createUserToken({ userId: me.id }).accessToken });
await b.run({ accessToken: mock.createUserToken({ userId: me.id }).accessToken });

console.log('b reads:', (await b.channels.get(me.id))?.title);
await a.channels.update(me.id, { title: 'written by instance a' });
console.log('b reads (strict):', (await b.channels.get(me.id, { level: 'strict' }))?.title);
await new Promise((r) => setTimeout(r, 50));
console.log('b reads (fast):  ', (await b.channels.get(me.id))?.title);
const raw = await b.helix.channels.getChannelInformation({ broadcasterId: me.id });
console.log('Helix itself still says:', raw.data[0]?.title);

await a.close();
await b.close();
await mock.stop();
