import { inspect } from 'node:util';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AppTokenProvider,
  AuthError,
  HelixClient,
  HelixError,
  type Logger,
  RateLimitError,
  RefreshingAuthProvider,
  StaticAuthProvider,
} from '../src/index.js';

// Provokes an error in each layer (Helix answers, the auth middleware, the rate limiter, the OAuth client) and
// checks that no printed, inspected or serialised form of it, nor any log line, holds a token or the client secret.

let mock: MockServer;
const closers: Array<() => Promise<void>> = [];
const lines: string[] = [];

/** A logger at every level that keeps each line with its fields serialised, as a JSON log shipper would. */
const capturing: Logger = {
  debug: (message, fields) => lines.push(`debug ${message} ${inspect(fields, { depth: 10 })}`),
  info: (message, fields) => lines.push(`info ${message} ${inspect(fields, { depth: 10 })}`),
  warn: (message, fields) => lines.push(`warn ${message} ${inspect(fields, { depth: 10 })}`),
  error: (message, fields) => lines.push(`error ${message} ${inspect(fields, { depth: 10 })}`),
};

beforeAll(async () => {
  mock = await startMock({ port: 0, seed: 11, lag: false });
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  mock.faults.clear();
});
afterAll(async () => {
  await mock?.stop();
});

function helixWith(auth: StaticAuthProvider | RefreshingAuthProvider | AppTokenProvider): HelixClient {
  const helix = new HelixClient({
    auth,
    helixBaseUrl: mock.urls.helix,
    oauthBaseUrl: mock.urls.oauth,
    retry: false,
    max429Retries: 0,
    logger: capturing,
  });
  closers.push(() => helix.close());
  return helix;
}

function refreshing(clientSecret = mock.clientSecret, oauthBaseUrl = mock.urls.oauth): RefreshingAuthProvider {
  const auth = new RefreshingAuthProvider({ clientId: mock.clientId, clientSecret, oauthBaseUrl, logger: capturing });
  closers.push(() => auth.close());
  return auth;
}

/** Every form in which an error reaches a person: message, stack, inspected (causes included), serialised. */
function renderings(error: unknown): string[] {
  return [String(error), (error as Error).stack ?? '', inspect(error, { depth: 10 }), JSON.stringify(error)];
}

function expectNoSecret(error: unknown, secrets: readonly string[]): void {
  for (const text of [...renderings(error), ...lines]) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error,
  );
}

describe('no token or secret in errors or logs', () => {
  it('HelixError (a 4xx from Helix) and AuthError (a missing scope) with a static user token', async () => {
    const user = mock.users[0]!;
    const issued = mock.createUserToken({ userId: user.id, scopes: [] });
    const auth = new StaticAuthProvider({ clientId: mock.clientId, accessToken: issued.accessToken, userId: user.id });
    const helix = helixWith(auth);
    lines.length = 0;
    mock.faults.inject({ path: '/helix/users', status: 400, times: 1 });
    const helixError = await failure(helix.users.getUsers({ id: user.id }));
    expect(helixError).toBeInstanceOf(HelixError);
    expectNoSecret(helixError, [issued.accessToken, issued.refreshToken, mock.clientSecret]);

    const scopeError = await failure(
      helix.channels.getChannelFollowers({ broadcasterId: user.id, userId: mock.users[1]!.id }),
    );
    expect(scopeError).toBeInstanceOf(AuthError);
    expectNoSecret(scopeError, [issued.accessToken, issued.refreshToken, mock.clientSecret]);
    expect(lines.length).toBeGreaterThan(0); // the logger did see the calls
  });

  it('AuthError from a failed refresh (the user disconnected the app on twitch.tv)', async () => {
    const user = mock.users[1]!;
    const issued = mock.createUserToken({ userId: user.id });
    const auth = refreshing();
    auth.addUser({ userId: user.id, accessToken: issued.accessToken, refreshToken: issued.refreshToken });
    const helix = helixWith(auth);
    lines.length = 0;
    mock.revokeUserTokens(user.id);
    const error = await failure(helix.users.getUsers({ id: user.id }));
    expect(error).toBeInstanceOf(AuthError);
    expect(lines.some((line) => line.includes('refresh failed'))).toBe(true);
    expectNoSecret(error, [issued.accessToken, issued.refreshToken, mock.clientSecret]);
    expect(inspect(auth, { depth: 10 })).not.toContain(issued.refreshToken);
  });

  it('RateLimitError after a 429', async () => {
    const issued = mock.createUserToken({ userId: mock.users[2]!.id });
    const auth = new StaticAuthProvider({ clientId: mock.clientId, accessToken: issued.accessToken });
    const helix = helixWith(auth);
    lines.length = 0;
    mock.faults.inject({ path: '/helix/users', status: 429, times: 1 });
    const error = await failure(helix.users.getUsers({ id: mock.users[2]!.id }));
    expect(error).toBeInstanceOf(RateLimitError);
    expectNoSecret(error, [issued.accessToken, mock.clientSecret]);
  });

  it('OAuth errors: a wrong client secret, a refused refresh, an unreachable OAuth server', async () => {
    const wrongSecret = `${mock.clientSecret.slice(0, -4)}zzzz`;
    lines.length = 0;
    const app = new AppTokenProvider({
      clientId: mock.clientId,
      clientSecret: wrongSecret,
      oauthBaseUrl: mock.urls.oauth,
    });
    closers.push(() => app.close());
    const appError = await failure(app.getAccessToken());
    expect(appError).toBeInstanceOf(AuthError);
    expectNoSecret(appError, [wrongSecret, mock.clientSecret]);

    // The refresh is refused because the secret is wrong: the form carried the secret and the refresh token.
    const user = mock.users[3]!;
    const issued = mock.createUserToken({ userId: user.id });
    mock.expireToken(issued.accessToken);
    const badClient = refreshing(wrongSecret);
    badClient.addUser({ userId: user.id, accessToken: issued.accessToken, refreshToken: issued.refreshToken });
    const refreshError = await failure(helixWith(badClient).users.getUsers({ id: user.id }));
    expect(refreshError).toBeInstanceOf(AuthError);
    expectNoSecret(refreshError, [issued.accessToken, issued.refreshToken, wrongSecret, mock.clientSecret]);

    // A network failure of the OAuth server: the error's causes (undici's) must not carry the request body.
    const issued2 = mock.createUserToken({ userId: user.id });
    const unreachable = refreshing(mock.clientSecret, 'http://127.0.0.1:9/oauth2');
    unreachable.addUser({ userId: user.id, accessToken: issued2.accessToken, refreshToken: issued2.refreshToken });
    const networkError = await failure(
      unreachable.refreshAfterUnauthorized(
        await unreachable.getAccessToken({ tokenType: 'user', userId: user.id, scopes: [] }),
      ),
    );
    expect(networkError).toBeInstanceOf(AuthError);
    expectNoSecret(networkError, [issued2.accessToken, issued2.refreshToken, mock.clientSecret]);
  });
});
