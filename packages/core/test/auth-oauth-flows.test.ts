import { inspect } from 'node:util';
import { type MockServer, startMock } from '@twitchify/mock';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  authorizeWithDeviceCode,
  authorizeWithLocalServer,
  HelixClient,
  RefreshingAuthProvider,
} from '../src/index.js';

let mock: MockServer;

beforeAll(async () => {
  mock = await startMock({ port: 0, seed: 3, lag: false });
});
afterAll(async () => {
  await mock?.stop();
});

/** Plays the user's browser: visits the authorize URL and follows Twitch's redirect to the callback. */
async function visit(url: string, mutate?: (callback: URL) => void): Promise<number> {
  const authorize = await request(url, { method: 'GET' });
  await authorize.body.dump();
  expect(authorize.statusCode).toBe(302);
  const callback = new URL(String(authorize.headers.location));
  mutate?.(callback);
  const answer = await request(callback, { method: 'GET' });
  await answer.body.dump();
  return answer.statusCode;
}

describe('authorization code flow', () => {
  it('runs end to end: URL, callback on 127.0.0.1, state check, code exchange, usable tokens', async () => {
    let printed = '';
    const user = await authorizeWithLocalServer({
      clientId: mock.clientId,
      clientSecret: mock.clientSecret,
      scopes: ['user:read:email', 'moderator:read:followers'],
      oauthBaseUrl: mock.urls.oauth,
      port: 0,
      onAuthorizeUrl: (url) => {
        printed = url;
        void visit(url).then((status) => expect(status).toBe(200));
      },
    });
    const authorizeUrl = new URL(printed);
    expect(authorizeUrl.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(authorizeUrl.searchParams.get('state')).toBeTruthy();
    expect(user.userId).toBe(mock.users[0]!.id);
    expect(user.refreshToken).toBeTruthy();
    expect(user.scopes).toContain('moderator:read:followers');
    expect(inspect(user)).not.toContain(user.accessToken);
    expect(inspect(user)).not.toContain(user.refreshToken);

    // The tokens work, and refresh through the refreshing provider.
    const auth = new RefreshingAuthProvider({
      clientId: mock.clientId,
      clientSecret: mock.clientSecret,
      oauthBaseUrl: mock.urls.oauth,
    });
    auth.addUser({ userId: user.userId, accessToken: user.accessToken, refreshToken: user.refreshToken });
    const helix = new HelixClient({ auth, helixBaseUrl: mock.urls.helix, oauthBaseUrl: mock.urls.oauth });
    try {
      const me = await helix.users.getUsers({ id: user.userId });
      expect(me.data[0]!.id).toBe(user.userId);
    } finally {
      await helix.close();
      await auth.close();
    }
  });

  it('answers 400 to a callback whose state does not match, and goes on waiting for the right one', async () => {
    const refused: number[] = [];
    const user = await authorizeWithLocalServer({
      clientId: mock.clientId,
      clientSecret: mock.clientSecret,
      scopes: [],
      oauthBaseUrl: mock.urls.oauth,
      port: 0,
      onAuthorizeUrl: (url) => {
        void (async () => {
          // Someone else on the machine: a forged state, no state, a forged denial. None cancels the login.
          refused.push(await visit(url, (callback) => callback.searchParams.set('state', 'forged')));
          refused.push(await visit(url, (callback) => callback.searchParams.delete('state')));
          refused.push(
            await visit(url, (callback) => {
              callback.searchParams.set('state', 'forged');
              callback.searchParams.delete('code');
              callback.searchParams.set('error', 'access_denied');
            }),
          );
          // Then Twitch's real redirect.
          expect(await visit(url)).toBe(200);
        })();
      },
    });
    expect(refused).toEqual([400, 400, 400]);
    expect(user.userId).toBe(mock.users[0]!.id);
  });

  it('a denial carrying the right state ends the flow with AuthError', async () => {
    const flow = authorizeWithLocalServer({
      clientId: mock.clientId,
      clientSecret: mock.clientSecret,
      scopes: [],
      oauthBaseUrl: mock.urls.oauth,
      port: 0,
      onAuthorizeUrl: (url) => {
        void visit(url, (callback) => {
          callback.searchParams.delete('code');
          callback.searchParams.set('error', 'access_denied');
        }).then((status) => expect(status).toBe(400));
      },
    });
    await expect(flow).rejects.toBeInstanceOf(AuthError);
    await expect(flow).rejects.toThrow(/denied/);
  });
});

describe('device code flow', () => {
  it('hands out the code, polls until the user approves, yields tokens', async () => {
    let shownCode = '';
    const user = await authorizeWithDeviceCode({
      clientId: mock.clientId,
      scopes: ['chat:read'],
      oauthBaseUrl: mock.urls.oauth,
      onPrompt: (prompt) => {
        shownCode = prompt.userCode;
        expect(prompt.verificationUri).toContain(prompt.userCode);
        expect(mock.authorizeDevice(prompt.userCode, mock.users[2]!.id)).toBe(true);
      },
    });
    expect(shownCode).toMatch(/^[A-Z0-9]{8}$/);
    expect(user.userId).toBe(mock.users[2]!.id);
    expect(user.accessToken).toBeTruthy();
    expect(user.refreshToken).toBeTruthy();
  }, 20_000);

  it('stops with AuthError when aborted or refused', async () => {
    const controller = new AbortController();
    const flow = authorizeWithDeviceCode({
      clientId: mock.clientId,
      scopes: ['not:a:scope'],
      oauthBaseUrl: mock.urls.oauth,
      signal: controller.signal,
      onPrompt: () => {},
    });
    await expect(flow).rejects.toBeInstanceOf(AuthError);
  });
});

describe('device code flow: denial and expiry', () => {
  // A mock of its own: codes polled every second (not Twitch's 5 s) and a clock the test can move forward.
  let offsetMs = 0;
  let devices: MockServer;
  beforeAll(async () => {
    devices = await startMock({
      port: 0,
      seed: 4,
      lag: false,
      clock: { now: () => Date.now() + offsetMs },
      deviceCodes: { lifetimeSeconds: 60, intervalSeconds: 1 },
    });
  });
  afterAll(async () => {
    await devices?.stop();
  });
  const flow = (extra: Partial<Parameters<typeof authorizeWithDeviceCode>[0]>) =>
    authorizeWithDeviceCode({
      clientId: devices.clientId,
      scopes: ['chat:read'],
      oauthBaseUrl: devices.urls.oauth,
      ...extra,
    });
  const polls = () => devices.requests().filter((r) => r.path === '/oauth2/token').length;

  it('rejects with AuthError when the user denies the code', async () => {
    const denied = flow({ onPrompt: (prompt) => expect(devices.denyDevice(prompt.userCode)).toBe(true) });
    await expect(denied).rejects.toBeInstanceOf(AuthError);
    await expect(denied).rejects.toThrow(/access_denied/);
  }, 20_000);

  it('rejects with AuthError when Twitch says the code expired', async () => {
    // Twitch's clock runs past the code's lifetime while ours does not: the flow learns it from the poll.
    const expired = flow({ onPrompt: () => (offsetMs += 61_000) });
    await expect(expired).rejects.toBeInstanceOf(AuthError);
    await expect(expired).rejects.toThrow(/expired/);
  }, 20_000);

  it('rejects with AuthError, without polling again, once its own clock passes the expiry', async () => {
    let now = Date.UTC(2026, 0, 1);
    const before = polls();
    const expired = flow({ now: () => now, onPrompt: (prompt) => (now = prompt.expiresAt) });
    await expect(expired).rejects.toBeInstanceOf(AuthError);
    await expect(expired).rejects.toThrow(/expired before the user authorized/);
    expect(polls()).toBe(before);
  }, 20_000);
});
