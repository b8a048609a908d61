/**
 * The built-in flow's callback is configurable: host, port and path of the server, and the redirect URI sent to
 * Twitch when a proxy stands in front. Real emulator (its /authorize redirects to the redirect URI given, and its
 * /token refuses a code exchanged with another one), real sockets.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type AuthTokens, type Client, ConfigurationError } from '../src/index.js';
import { emulatorClient } from './support.js';

let mock: MockServer;
let client: Client | undefined;
const servers: Server[] = [];

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 41 });
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await mock.stop();
});

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Plays the user's browser: opens the authorize URL, then follows Twitch's redirect; answers the callback's status. */
async function playBrowser(url: string, statuses: number[]): Promise<void> {
  const authorize = await fetch(url, { redirect: 'manual' });
  const location = authorize.headers.get('location');
  if (location) statuses.push((await fetch(location)).status);
}

/** Runs the built-in flow with `extra` options; resolves with the redirect URI sent and the tokens. */
async function login(extra: Parameters<typeof emulatorClient>[1]) {
  client = emulatorClient(mock, { clientSecret: mock.clientSecret, logLevel: 'silent', ...extra });
  let sent = '';
  const statuses: number[] = [];
  let browsed: Promise<void> = Promise.resolve();
  client.on('authorize', (url) => {
    sent = new URL(url).searchParams.get('redirect_uri') ?? '';
    browsed = playBrowser(url, statuses);
  });
  const tokens = new Promise<AuthTokens>((resolve) => client!.on('auth', resolve));
  await client.run();
  await browsed;
  return { sent, tokens: await tokens, statuses };
}

it('listens on the port and path given and sends that redirect URI', async () => {
  const port = await freePort();
  const { sent, tokens, statuses } = await login({ authCallback: { port, path: '/twitch/auth' } });
  expect(sent).toBe(`http://127.0.0.1:${port}/twitch/auth`);
  expect(statuses).toEqual([200]);
  expect(tokens.userId).toBe(mock.users[0]!.id);
  expect(client!.user.id).toBe(mock.users[0]!.id);
});

it('sends the redirect URI of a proxy in front, and answers on its path', async () => {
  const port = await freePort();
  // the proxy: forwards every request to the callback server, as a reverse proxy or a tunnel would
  const proxy = createServer((req, res) => {
    const forwarded = httpRequest({ host: '127.0.0.1', port, path: req.url, method: req.method }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on('error', () => res.writeHead(502).end());
    req.pipe(forwarded);
  });
  servers.push(proxy);
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  const redirectUri = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/bot/oauth`;
  const { sent, tokens, statuses } = await login({ authCallback: { port, redirectUri } });
  expect(sent).toBe(redirectUri);
  expect(statuses).toEqual([200]);
  expect(tokens.refreshToken).toEqual(expect.any(String));
});

it('authPort alone still sets the port, with the default host and path', async () => {
  const port = await freePort();
  const { sent } = await login({ authPort: port });
  expect(sent).toBe(`http://127.0.0.1:${port}/callback`);
});

it('a wrong callback is a ConfigurationError when the Client is made, naming the field', () => {
  const make = (authCallback: object, authPort?: number) => () =>
    emulatorClient(mock, { clientSecret: mock.clientSecret, authCallback, ...(authPort ? { authPort } : {}) });
  expect(make({ path: 'callback' })).toThrow(/authCallback\.path/);
  expect(make({ port: 70_000 })).toThrow(/authCallback\.port/);
  expect(make({ host: '' })).toThrow(/authCallback\.host/);
  expect(make({ redirectUri: 'http://127.0.0.1:3000/callback?x=1' })).toThrow(/authCallback\.redirectUri/);
  expect(make({ redirectUri: 'ftp://127.0.0.1/callback' })).toThrow(ConfigurationError);
  expect(make({ port: 4000 }, 5000)).toThrow(/disagree/);
});
