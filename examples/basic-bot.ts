/**
 * The basic bot: log in with a token, say who we are, greet followers.
 *
 *   npm run build --silent && npx tsx examples/basic-bot.ts
 *
 * Runs against the in-process emulator and makes someone follow after start; with a real Twitch app, drop the
 * emulator, pass your client id and a user token, and leave out `urls`.
 */
import { Client } from '@twitchify/core';
import { startEmulator } from './emulator.js';

const { mock, urls } = await startEmulator();
const me = mock.users[0]!;
const { accessToken, refreshToken } = mock.createUserToken({ userId: me.id });

const client = new Client({ clientId: mock.clientId, clientSecret: mock.clientSecret, urls });

client.on('ready', async () => {
  console.log(`logged in as ${client.user.displayName}`);
  const channel = await client.channels.get(client.user.id);
  console.log(`streaming "${channel?.title}"`);
  // Someone follows on twitch.tv (the emulator plays it):
  mock.external.follow(me.id, mock.users[2]!.id);
});

client.on('follow', async (follower) => {
  console.log(`${follower.userName} followed!`);
  await client.close();
  await mock.stop();
});

client.on('error', (error) => console.error('something went wrong (the bot keeps running):', error));

await client.run({ accessToken, refreshToken });
