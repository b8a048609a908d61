/**
 * Three instances of one app on a conduit, sharing Redis: each joins the app's conduit as one shard, Twitch hands
 * every event to one of them, and the cache carries it to the others. Prints which instance received each change
 * and what every instance reads.
 *
 *   npm run build --silent && REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/conduit.ts
 */
import { Client } from '@twitchify/core';
import { startEmulator } from './emulator.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const { mock, urls } = await startEmulator();
const me = mock.users[0]!;
const cache = { redis: { url: redisUrl, prefix: `example-conduit:${Date.now()}:` } };

const instances = ['a', 'b', 'c'].map((name) => {
  const client = new Client({
    clientId: mock.clientId,
    clientSecret: mock.clientSecret, // conduits are managed with an app token
    urls,
    cache,
    eventsub: { conduit: {} },
  });
  client.on('channel.update', (e) => console.log(`instance ${name} received: ${e.title}`));
  return { name, client };
});
for (const { client } of instances) {
  await client.run({ accessToken: mock.createUserToken({ userId: me.id }).accessToken });
  await client.channels.get(me.id); // reading the channel subscribes to its changes (once, on the conduit)
}
await new Promise((r) => setTimeout(r, 500)); // the subscription is enabled

for (const title of ['first change on twitch.tv', 'second change on twitch.tv', 'third change on twitch.tv']) {
  mock.external.updateChannel(me.id, { title });
  await new Promise((r) => setTimeout(r, 300));
  const reads = await Promise.all(
    instances.map(async ({ name, client }) => `${name}: ${(await client.channels.get(me.id))?.title}`),
  );
  console.log(`  reads -> ${reads.join(' | ')}`);
}

for (const { client } of instances) await client.close();
await mock.stop();
