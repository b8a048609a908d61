/**
 * The auth life cycle seen from the Client: `auth` after every refresh; when Twitch refuses the refresh for good,
 * one `authLost`, the status `authLost`, and no later request asks `/token` again; a refresh token the Client could
 * never use (no secret, not a public app) is refused at `run()`.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AuthError, type AuthTokens, type Client, ConfigurationError, RefreshingAuthProvider } from '../src/index.js';
import { emulatorClient } from './support.js';

let mock: MockServer;
let client: Client | undefined;

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 7 });
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await mock.stop();
});

const tokenCalls = () => mock.requests().filter((r) => r.path.endsWith('/token')).length;

it('emits auth on every refresh', async () => {
  const user = mock.users[0]!;
  client = emulatorClient(mock, { clientSecret: mock.clientSecret, eventsub: false, logLevel: 'silent' });
  const seen: AuthTokens[] = [];
  client.on('auth', (t) => seen.push(t));
  const issued = mock.createUserToken({ userId: user.id });
  await client.run({ accessToken: issued.accessToken, refreshToken: issued.refreshToken });
  for (let i = 0; i < 2; i++) {
    mock.expireToken(seen.at(-1)?.accessToken ?? issued.accessToken);
    await client.helix.users.getUsers({ id: user.id });
  }
  expect(seen).toHaveLength(2);
  expect(seen[0]!.accessToken).not.toBe(seen[1]!.accessToken);
});

it('a revoked refresh token: one authLost, status authLost, and later 401s do not ask /token again', async () => {
  const user = mock.users[0]!;
  client = emulatorClient(mock, { clientSecret: mock.clientSecret, eventsub: false, logLevel: 'silent' });
  const lost: AuthError[] = [];
  client.on('authLost', (e) => lost.push(e));
  const issued = mock.createUserToken({ userId: user.id });
  await client.run({ accessToken: issued.accessToken, refreshToken: issued.refreshToken });
  mock.revokeUserTokens(user.id);
  const first = await client.helix.users.getUsers({ id: user.id }).catch((e: unknown) => e);
  expect(first).toBeInstanceOf(AuthError);
  expect(lost).toHaveLength(1);
  expect(lost[0]!.message).toMatch(/authorization lost/);
  expect(client.status).toBe('authLost');
  const asked = tokenCalls();
  for (let i = 0; i < 3; i++) {
    const later = await client.helix.channels.getChannelInformation({ broadcasterId: user.id }).catch((e) => e);
    expect(later).toBeInstanceOf(AuthError);
  }
  expect(tokenCalls()).toBe(asked);
  expect(lost).toHaveLength(1);
  await client.close();
  expect(client.status).toBe('closed');
});

it('a refresh token without a client secret fails at run() with what to do, unless the app is public', async () => {
  const issued = mock.createUserToken({ userId: mock.users[0]!.id });
  client = emulatorClient(mock, { logLevel: 'silent' });
  const refused = await client
    .run({ accessToken: issued.accessToken, refreshToken: issued.refreshToken })
    .catch((e) => e);
  expect(refused).toBeInstanceOf(ConfigurationError);
  expect((refused as Error).message).toMatch(/clientSecret/);
  expect(client.status).toBe('idle');
  await client.close();
  client = emulatorClient(mock, { publicClient: true, eventsub: false, logLevel: 'silent' });
  await client.run({ accessToken: issued.accessToken, refreshToken: issued.refreshToken });
  expect(client.status).toBe('running');
});

it('runs on an AuthProvider of the app, as the user it names', async () => {
  const [a, b] = [mock.users[0]!, mock.users[1]!];
  const provider = new RefreshingAuthProvider({
    clientId: mock.clientId,
    clientSecret: mock.clientSecret,
    oauthBaseUrl: mock.urls.oauth,
  });
  for (const user of [a, b]) {
    const t = mock.createUserToken({ userId: user.id });
    provider.addUser({ userId: user.id, accessToken: t.accessToken, refreshToken: t.refreshToken });
  }
  client = emulatorClient(mock, { logLevel: 'silent' });
  await client.run({ authProvider: provider, userId: b.id });
  expect(client.user.id).toBe(b.id);
  expect((await client.channels.get(b.id))?.broadcasterId).toBe(b.id);
  await client.close();
  // the provider is the app's: the Client does not close it
  expect(provider.hasUser(a.id)).toBe(true);
  await provider.close();
});
