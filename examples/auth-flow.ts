/**
 * The built-in authorization code flow: `client.run()` with no tokens opens a callback server on 127.0.0.1, asks
 * the user to visit Twitch's authorize URL, and hands out the tokens on `auth` (store them to skip the flow next time).
 *
 *   npm run build --silent && npx tsx examples/auth-flow.ts
 *
 * Against the emulator the "browser" is played by this script.
 */
import { Client } from '@twitchify/core';
import { playBrowser, startEmulator } from './emulator.js';

const { mock, urls } = await startEmulator();
const client = new Client({ clientId: mock.clientId, clientSecret: mock.clientSecret, urls, authPort: 0 });

client.on('authorize', (url) => {
  console.log(`visit ${url}`);
  void playBrowser(url);
});
client.on('auth', ({ accessToken, refreshToken, scopes }) => {
  console.log(`access token:  ${accessToken}`);
  console.log(`refresh token: ${refreshToken}`);
  console.log(`scopes: ${scopes.join(' ')}`);
});
client.on('ready', async () => {
  console.log(`ready as ${client.user.login}`);
  await client.close();
  await mock.stop();
});

await client.run();
