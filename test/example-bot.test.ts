/**
 * The bot of the original library's README (examples/thank-followers.ts: the built-in flow, then a thank-you in
 * chat for every follower) runs against the emulator as a user would run it, in its own process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
let mock: MockServer | undefined;
let bot: ChildProcess | undefined;

afterEach(async () => {
  bot?.kill();
  await mock?.stop();
});

async function playBrowser(url: string): Promise<void> {
  const authorize = await fetch(url, { redirect: 'manual' });
  const location = authorize.headers.get('location');
  if (location) await fetch(location);
}

it('is under 20 lines of code, logs in with the built-in flow and thanks a follower in chat', async () => {
  const source = await readFile(`${root}examples/thank-followers.ts`, 'utf8');
  const code = source
    .replace(/\/\*\*[\s\S]*?\*\//, '')
    .split('\n')
    .filter((l) => l.trim() !== '');
  expect(code.length).toBeLessThan(20);

  mock = await startMock({ port: 0, seed: 3 });
  const me = mock.users[0]!;
  bot = spawn(process.execPath, ['--import', 'tsx', 'examples/thank-followers.ts'], {
    cwd: root,
    env: {
      ...process.env,
      TWITCH_CLIENT_ID: mock.clientId,
      TWITCH_CLIENT_SECRET: mock.clientSecret,
      TWITCH_AUTH_PORT: '0',
      TWITCH_HELIX_URL: mock.urls.helix,
      TWITCH_OAUTH_URL: mock.urls.oauth,
      TWITCH_EVENTSUB_URL: mock.urls.eventsubWs,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: bot.stdout! });
  const ready = new Promise<void>((resolve, reject) => {
    bot!.once('exit', (code) => reject(new Error(`the bot exited with ${code}`)));
    lines.on('line', (line) => {
      const url = /https?:\/\/\S+/.exec(line)?.[0];
      if (line.startsWith('Open this URL') && url) void playBrowser(url);
      if (line === `logged in as ${me.displayName}`) resolve();
    });
  });
  await ready;
  const fan = mock.users[4]!;
  mock.external.follow(me.id, fan.id);
  for (;;) {
    const said = mock.chatMessages(me.id).find((m) => m.chatter_user_id === me.id);
    if (said) {
      expect(said.text).toBe(`Thank you for the follow, ${fan.displayName}!`);
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
});
