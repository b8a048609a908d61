/**
 * Scopes from what the app uses: the built-in flow asks for the scopes of the registered handlers, the cached reads
 * and chat; a given token lacking a scope a handler needs is warned about at start, naming it.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { emulatorClient } from './support.js';

let mock: MockServer;
let client: Client | undefined;

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 6 });
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await mock.stop();
});

async function playBrowser(url: string): Promise<void> {
  const authorize = await fetch(url, { redirect: 'manual' });
  const location = authorize.headers.get('location');
  if (location) await fetch(location);
}

it('client.run() asks for the scopes of the handlers (channel.cheer → bits:read), the reads and chat', async () => {
  client = emulatorClient(mock, { clientSecret: mock.clientSecret, authPort: 0, logLevel: 'silent' });
  let asked: string[] = [];
  client.on('authorize', (url) => {
    asked = (new URL(url).searchParams.get('scope') ?? '').split(' ');
    void playBrowser(url);
  });
  client.on('channel.cheer', () => {});
  const granted: string[][] = [];
  client.on('auth', (tokens) => granted.push([...tokens.scopes]));
  await client.run();
  expect(asked).toEqual(
    expect.arrayContaining(['bits:read', 'user:write:chat', 'user:bot', 'moderator:read:followers']),
  );
  expect(granted[0]).toEqual(expect.arrayContaining(['bits:read', 'user:write:chat']));
  // with the scope granted, Twitch accepts the subscription: nothing refused
  expect(client.cacheReport().feeds.refused).toEqual([]);
});

it('run() with a token lacking a handler scope warns at start with the scope, once', async () => {
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
  client = emulatorClient(mock, { logger });
  client.on('channel.cheer', () => {});
  client.on('channel.poll.begin', () => {});
  const token = mock.createUserToken({ userId: mock.users[0]!.id, scopes: ['channel:read:polls'] });
  await client.run({ accessToken: token.accessToken });
  const cheer = warnings.filter((w) => w.includes('bits:read'));
  expect(cheer).toHaveLength(1);
  expect(cheer[0]).toContain('channel.cheer');
  expect(warnings.some((w) => w.includes('channel.poll.begin'))).toBe(false);
});
