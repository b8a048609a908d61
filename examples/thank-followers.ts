/**
 * The original Twitchify README's bot: log in with the built-in flow, then thank every new follower in chat.
 *
 *   TWITCH_CLIENT_ID=... TWITCH_CLIENT_SECRET=... npx tsx examples/thank-followers.ts
 *
 * Register `http://127.0.0.1:3000/callback` as the app's redirect URI. `TWITCH_*_URL` point it at the emulator.
 */
import { Client } from '@twitchify/core';

const env = process.env;
const client = new Client({
  clientId: env.TWITCH_CLIENT_ID ?? '',
  clientSecret: env.TWITCH_CLIENT_SECRET,
  authPort: env.TWITCH_AUTH_PORT ? Number(env.TWITCH_AUTH_PORT) : undefined,
  urls: { helix: env.TWITCH_HELIX_URL, oauth: env.TWITCH_OAUTH_URL, eventsubWs: env.TWITCH_EVENTSUB_URL },
});

client.on('ready', () => console.log(`logged in as ${client.user.displayName}`));
client.on('follow', (f) => client.chat.say(f.broadcasterUserId, `Thank you for the follow, ${f.userName}!`));

await client.run();
