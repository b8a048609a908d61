import { inspect } from 'node:util';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AppTokenProvider,
  AuthError,
  HelixClient,
  RefreshingAuthProvider,
  StaticAuthProvider,
  type UserTokenData,
} from '../src/index.js';

let mock: MockServer;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 5, lag: false });
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await mock.stop();
});

const oauthCalls = (path: string) => mock.requests().filter((r) => r.path === `/oauth2${path}`);

function refreshing(onRefresh?: (data: UserTokenData) => void): RefreshingAuthProvider {
  const auth = new RefreshingAuthProvider({
    clientId: mock.clientId,
    clientSecret: mock.clientSecret,
    oauthBaseUrl: mock.urls.oauth,
    onRefresh,
  });
  closers.push(() => auth.close());
  return auth;
}

function helixWith(auth: RefreshingAuthProvider | StaticAuthProvider | AppTokenProvider): HelixClient {
  const helix = new HelixClient({ auth, helixBaseUrl: mock.urls.helix, oauthBaseUrl: mock.urls.oauth });
  closers.push(() => helix.close());
  return helix;
}

describe('refreshing user-token provider', () => {
  it('a 401 leads to exactly one refresh however many calls wait, and the app gets the new tokens', async () => {
    const user = mock.users[0]!;
    const issued = mock.createUserToken({ userId: user.id });
    const persisted: UserTokenData[] = [];
    const events: UserTokenData[] = [];
    const auth = refreshing((data) => persisted.push(data));
    auth.on('refresh', (data) => events.push(data));
    auth.addUser({ userId: user.id, accessToken: issued.accessToken, refreshToken: issued.refreshToken });
    const helix = helixWith(auth);
    await helix.users.getUsers({ id: user.id });

    mock.expireToken(issued.accessToken);
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => helix.channels.getChannelInformation({ broadcasterId: user.id })),
    );
    expect(answers.every((a) => a.data[0]!.broadcasterId === user.id)).toBe(true);
    expect(oauthCalls('/token')).toHaveLength(1);
    expect(persisted).toHaveLength(1);
    expect(events).toHaveLength(1);
    expect(persisted[0]!.accessToken).not.toBe(issued.accessToken);
    expect(persisted[0]!.refreshToken).not.toBe(issued.refreshToken);
    // The app can read and persist the tokens, but printing them shows ***.
    expect(inspect(persisted[0])).not.toContain(persisted[0]!.accessToken);
    expect(inspect(events[0])).not.toContain(events[0]!.refreshToken);
    expect(JSON.parse(JSON.stringify(persisted[0])).refreshToken).toBe(persisted[0]!.refreshToken);
    expect(mock.requests().some((r) => r.status === 401)).toBe(true);
  });

  it('a failed refresh gives AuthError (and a refreshFailed event), without leaking tokens', async () => {
    const user = mock.users[1]!;
    const issued = mock.createUserToken({ userId: user.id });
    const auth = refreshing();
    const failures: string[] = [];
    auth.on('refreshFailed', (userId) => failures.push(userId));
    auth.addUser({ userId: user.id, accessToken: issued.accessToken, refreshToken: 'not-a-refresh-token' });
    const helix = helixWith(auth);
    mock.expireToken(issued.accessToken);
    const errors = await Promise.all(
      Array.from({ length: 5 }, () => helix.users.getUsers({ id: user.id }).catch((e: unknown) => e)),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(AuthError);
      expect(String((error as Error).message)).not.toContain(issued.accessToken);
      expect(inspect(error)).not.toContain(issued.accessToken);
    }
    expect(failures).toEqual([user.id]);
    expect(oauthCalls('/token')).toHaveLength(1);
    expect(inspect(auth)).not.toContain(issued.accessToken);
  });

  it('refreshes before expiry, so no call meets a 401', async () => {
    const user = mock.users[2]!;
    const issued = mock.createUserToken({ userId: user.id });
    const auth = refreshing();
    auth.addUser({
      userId: user.id,
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: Date.now() + 10_000, // inside the 60 s margin
    });
    const helix = helixWith(auth);
    await Promise.all(Array.from({ length: 10 }, () => helix.users.getUsers({ id: user.id })));
    expect(oauthCalls('/token')).toHaveLength(1);
    expect(mock.requests().filter((r) => r.status === 401)).toHaveLength(0);
  });
});

describe('token validation', () => {
  it('validates again once an hour has passed (injected clock), still once for concurrent calls', async () => {
    const user = mock.users[0]!;
    const issued = mock.createUserToken({ userId: user.id });
    let now = Date.now();
    const helix = new HelixClient({
      auth: new StaticAuthProvider({ clientId: mock.clientId, accessToken: issued.accessToken }),
      helixBaseUrl: mock.urls.helix,
      oauthBaseUrl: mock.urls.oauth,
      clock: { now: () => now },
    });
    closers.push(() => helix.close());
    await Promise.all(Array.from({ length: 5 }, () => helix.users.getUsers({ id: user.id })));
    now += 59 * 60_000;
    await helix.users.getUsers({ id: user.id });
    expect(oauthCalls('/validate')).toHaveLength(1);
    now += 2 * 60_000;
    await Promise.all(Array.from({ length: 5 }, () => helix.users.getUsers({ id: user.id })));
    expect(oauthCalls('/validate')).toHaveLength(2);
  });

  it('a 401 for a missing scope is not "cured" by a refresh: AuthError, no refresh', async () => {
    const user = mock.users[3]!;
    const issued = mock.createUserToken({ userId: user.id, scopes: ['user:read:email'] });
    const auth = refreshing();
    auth.addUser({ userId: user.id, accessToken: issued.accessToken, refreshToken: issued.refreshToken });
    const helix = helixWith(auth);
    const error = await helix.moderation.getModerators({ broadcasterId: user.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/scope/i);
    expect(oauthCalls('/token')).toHaveLength(0);
  });

  it('validates once however many calls start together', async () => {
    const user = mock.users[0]!;
    const issued = mock.createUserToken({ userId: user.id });
    const helix = helixWith(new StaticAuthProvider({ clientId: mock.clientId, accessToken: issued.accessToken }));
    await Promise.all(Array.from({ length: 10 }, () => helix.users.getUsers({ id: user.id })));
    expect(oauthCalls('/validate')).toHaveLength(1);
    expect(helix.tokenValidator?.validations).toBe(1);
  });

  it('an unreachable OAuth server does not block Helix calls (validation is retried later)', async () => {
    const user = mock.users[0]!;
    const issued = mock.createUserToken({ userId: user.id });
    const helix = new HelixClient({
      auth: new StaticAuthProvider({ clientId: mock.clientId, accessToken: issued.accessToken }),
      helixBaseUrl: mock.urls.helix,
      oauthBaseUrl: 'http://127.0.0.1:1/oauth2',
    });
    closers.push(() => helix.close());
    const answers = await Promise.all(Array.from({ length: 5 }, () => helix.users.getUsers({ id: user.id })));
    expect(answers.every((a) => a.data[0]!.id === user.id)).toBe(true);
    expect(helix.tokenValidator?.validations).toBe(1);
  });

  it('a token issued to another client id is refused before any Helix request', async () => {
    const issued = mock.createUserToken({ userId: mock.users[0]!.id });
    const helix = helixWith(new StaticAuthProvider({ clientId: 'some-other-client', accessToken: issued.accessToken }));
    await expect(helix.users.getUsers({ id: mock.users[0]!.id })).rejects.toThrow(/another client id/);
    expect(mock.requests().filter((r) => r.path.startsWith('/helix'))).toHaveLength(0);
  });

  it('an invalid token is refused at validation, before any Helix request', async () => {
    const helix = helixWith(new StaticAuthProvider({ clientId: mock.clientId, accessToken: 'revoked-token-value' }));
    const error = await helix.users.getUsers({ id: mock.users[0]!.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).not.toContain('revoked-token-value');
    expect(mock.requests().filter((r) => r.path.startsWith('/helix'))).toHaveLength(0);
  });
});

describe('app-token provider', () => {
  it('gets one app token for many concurrent first calls and uses it', async () => {
    const auth = new AppTokenProvider({
      clientId: mock.clientId,
      clientSecret: mock.clientSecret,
      oauthBaseUrl: mock.urls.oauth,
    });
    closers.push(() => auth.close());
    const helix = helixWith(auth);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => helix.users.getUsers({ id: mock.users[i % 3]!.id })),
    );
    expect(answers.every((a) => a.data.length === 1)).toBe(true);
    expect(oauthCalls('/token')).toHaveLength(1);
    const token = await auth.getAccessToken({ tokenType: 'app', scopes: [] });
    expect(token.tokenType).toBe('app');
    expect(inspect(token)).not.toContain(token.accessToken);
    expect(JSON.stringify(token)).not.toContain(token.accessToken);
  });
});
