import { type MockServer, startMock } from '@twitchify/mock';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authMiddleware,
  composeMiddleware,
  concurrencyMiddleware,
  createTransport,
  type HelixRequest,
  type Middleware,
  rateLimitMiddleware,
} from '../src/helix.js';
import { AbortError, HelixClient, StaticAuthProvider } from '../src/index.js';

let mock: MockServer;
let dispatcher: Agent;

beforeAll(async () => {
  mock = await startMock({ port: 0, seed: 9, lag: false });
  dispatcher = new Agent({ connections: 4 });
});
afterAll(async () => {
  await dispatcher?.close();
  await mock?.stop();
});

const request = (signal?: AbortSignal): HelixRequest => ({
  method: 'GET',
  path: '/users',
  query: [['id', mock.users[0]!.id]],
  auth: { tokenType: 'app-or-user', scopes: [] },
  headers: {},
  signal,
});

describe('middleware composition', () => {
  it('layers wrap next(request) in order, over an injected dispatcher', async () => {
    const seen: string[] = [];
    const trace =
      (name: string): Middleware =>
      (next) =>
      async (req) => {
        seen.push(`${name}>`);
        const res = await next(req);
        seen.push(`<${name}`);
        return res;
      };
    const token = mock.createUserToken({ userId: mock.users[0]!.id }).accessToken;
    const limiter = rateLimitMiddleware();
    const handler = composeMiddleware(
      [
        trace('outer'),
        authMiddleware({ provider: new StaticAuthProvider({ clientId: mock.clientId, accessToken: token }) }),
        limiter,
        trace('inner'),
      ],
      createTransport({ baseUrl: mock.urls.helix, dispatcher, timeoutMs: 5000 }),
    );
    const res = await handler(request());
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).data[0].id).toBe(mock.users[0]!.id);
    expect(seen).toEqual(['outer>', 'inner>', '<inner', '<outer']);
    // Buckets are keyed by a fingerprint of the token, never by the token itself.
    const keys = [...limiter.buckets.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(keys[0]).not.toContain(token);
  });

  it('a call aborted while queued behind the concurrency limit never goes out', async () => {
    mock.faults.inject({ path: '/users', latencyMs: 300, times: 1 });
    const token = mock.createUserToken({ userId: mock.users[0]!.id }).accessToken;
    const handler = composeMiddleware(
      [
        authMiddleware({ provider: new StaticAuthProvider({ clientId: mock.clientId, accessToken: token }) }),
        concurrencyMiddleware(1),
      ],
      createTransport({ baseUrl: mock.urls.helix, dispatcher, timeoutMs: 5000 }),
    );
    mock.clearRequests();
    const slow = handler(request());
    const controller = new AbortController();
    const queued = handler(request(controller.signal)).catch((e: unknown) => e);
    controller.abort();
    expect(await queued).toBeInstanceOf(AbortError);
    expect((await slow).status).toBe(200);
    expect(mock.requests().filter((r) => r.path === '/helix/users')).toHaveLength(1);
  });

  it('the HelixClient refuses invalid options with a ConfigurationError', () => {
    const auth = new StaticAuthProvider({ clientId: 'c', accessToken: 't' });
    expect(() => new HelixClient({ auth, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => new HelixClient({ auth, helixBaseUrl: 'not a url' })).toThrow(/helixBaseUrl/);
    // @ts-expect-error: auth is required
    expect(() => new HelixClient({})).toThrow(/auth/);
  });
});
