/**
 * Redaction by value: a server or proxy that echoes the raw token, refresh token or client secret in its message,
 * with nothing around it that looks like a credential, still leaks nothing into `message`, `stack` or `inspect`;
 * and the patterns leave Twitch's own words alone.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  HelixClient,
  HelixError,
  RefreshingAuthProvider,
  redactSecrets,
  StaticAuthProvider,
} from '../src/index.js';

const ACCESS = 'q8rw2mz0hx7k3v5t1n9b4c6p0y2fa8';
const REFRESH = 'r5t7yu1io3pl9kj2hg4fd6sa8zx0cv';
const SECRET = 'cs0clientsecret1234567890abcd';

let server: Server;
let base: string;

beforeAll(async () => {
  // Echoes whatever credential it was sent, bare, in the error message.
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let message: string;
      let status = 400;
      if (url.pathname.startsWith('/helix/')) {
        const sent = String(req.headers.authorization ?? '').split(' ')[1];
        status = url.pathname === '/helix/users' ? 401 : 400;
        message = `the credential ${sent} is not accepted here`;
      } else {
        const form = new URLSearchParams(body);
        message = `grant refused for ${form.get('refresh_token')} with ${form.get('client_secret')}`;
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Bad Request', status, message }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function renderings(error: unknown): string[] {
  return [String(error), (error as Error).message, (error as Error).stack ?? '', inspect(error, { depth: 10 })];
}

function expectHidden(error: unknown): void {
  for (const text of renderings(error)) {
    expect(text).not.toContain(ACCESS);
    expect(text).not.toContain(REFRESH);
    expect(text).not.toContain(SECRET);
  }
}

describe('redaction by the values the SDK holds', () => {
  it('a Helix server echoing the access token (400 and 401)', async () => {
    const helix = new HelixClient({
      auth: new StaticAuthProvider({ clientId: 'cid', accessToken: ACCESS, userId: '1' }),
      helixBaseUrl: `${base}/helix`,
      oauthBaseUrl: `${base}/oauth2`,
      validateTokens: false,
      retry: false,
    });
    try {
      const bad = await helix.channels.getChannelInformation({ broadcasterId: '1' }).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(HelixError);
      expect((bad as HelixError).twitchMessage).toBe('the credential *** is not accepted here');
      expectHidden(bad);
      const refused = await helix.users.getUsers({ id: '1' }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AuthError);
      expectHidden(refused);
    } finally {
      await helix.close();
    }
  });

  it('an OAuth server echoing the refresh token and the client secret', async () => {
    const auth = new RefreshingAuthProvider({ clientId: 'cid', clientSecret: SECRET, oauthBaseUrl: `${base}/oauth2` });
    auth.addUser({ userId: '1', accessToken: ACCESS, refreshToken: REFRESH });
    try {
      const token = await auth.getAccessToken({ tokenType: 'user', userId: '1', scopes: [] });
      const error = await auth.refreshAfterUnauthorized(token).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect(renderings(error).join('\n')).toContain('grant refused for *** with ***');
      expectHidden(error);
    } finally {
      await auth.close();
    }
  });
});

describe('the patterns do not eat words', () => {
  it("keeps Twitch's own messages intact", () => {
    for (const text of [
      'Client ID and OAuth token do not match',
      'Invalid OAuth token',
      'Missing required parameter: token',
      'The refresh token is invalid',
      'Bearer token expired',
      'code: 400, secret: none given',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
    const error = new HelixError({
      status: 401,
      method: 'GET',
      endpoint: '/users',
      twitchMessage: 'Client ID and OAuth token do not match',
    });
    expect(error.message).toContain('Client ID and OAuth token do not match');
    expect(error.twitchMessage).toBe('Client ID and OAuth token do not match');
  });

  it('still hides credentials it was not told about', () => {
    expect(redactSecrets('Authorization: Bearer abcdefgh1234567890xyz')).toBe('Authorization: Bearer ***');
    expect(redactSecrets('Authorization: OAuth 0123456789abcdefghijklmnopqrst')).toBe('Authorization: OAuth ***');
    expect(redactSecrets('refresh_token=xk29dm3ksl20dkfj3k2l&x=1')).toBe('refresh_token=***&x=1');
    expect(redactSecrets('{"client_secret":"aaaabbbbccccddddeeeeffff"}')).toBe('{"client_secret":"***"}');
  });
});
