import { inspect } from 'node:util';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeHelixResponse, helixOperations } from '../src/helix.js';
import {
  AbortError,
  type HelixClient,
  HelixError,
  TimeoutError,
  TwitchifyError,
  ValidationError,
} from '../src/index.js';
import { broadcasterClient } from './support.js';

let mock: MockServer;
let helix: HelixClient;
let token: string;
let userId: string;

beforeAll(async () => {
  mock = await startMock({ port: 0, seed: 4, lag: false });
  ({ helix, token, userId } = broadcasterClient(mock, { retry: false, timeoutMs: 2000 }));
});
beforeEach(() => mock.faults.clear());
afterAll(async () => {
  await helix?.close();
  await mock?.stop();
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('broken answers become typed errors', () => {
  it('malformed JSON -> ValidationError on the body', async () => {
    mock.faults.inject({ path: '/users', malformed: 'json', times: 1 });
    const error = await failure(helix.users.getUsers({ id: userId }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('body');
    expect((error as ValidationError).source).toBe('response');
  });

  it('a truncated body -> a typed error (the connection was cut mid-body)', async () => {
    mock.faults.inject({ path: '/users', malformed: 'truncated', times: 1 });
    const error = await failure(helix.users.getUsers({ id: userId }));
    expect(error).toBeInstanceOf(TwitchifyError);
    expect((error as TwitchifyError).code).toBe('TWITCHIFY_NETWORK');
    expect(inspect(error, { depth: 10 })).not.toContain(token);
  });

  it('an HTML error page -> HelixError with its status', async () => {
    mock.faults.inject({ path: '/users', malformed: 'html', status: 502, times: 1 });
    const error = await failure(helix.users.getUsers({ id: userId }));
    expect(error).toBeInstanceOf(HelixError);
    expect((error as HelixError).status).toBe(502);
  });

  it('an HTML page with a 200 -> ValidationError naming the content type', async () => {
    mock.faults.inject({ path: '/users', malformed: 'html', status: 200, times: 1 });
    const error = await failure(helix.users.getUsers({ id: userId }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('text/html');
  });

  it('Twitch errors carry status, method, endpoint and message, never the token', async () => {
    const error = await failure(helix.users.getUsers({ id: 'x'.repeat(5), login: 'a' }));
    if (error) {
      expect(error).toBeInstanceOf(TwitchifyError);
      expect(inspect(error)).not.toContain(token);
    }
    mock.faults.inject({ path: '/users', status: 400, times: 1 });
    const bad = (await failure(helix.users.getUsers({ id: userId }))) as HelixError;
    expect(bad).toBeInstanceOf(HelixError);
    expect(bad.status).toBe(400);
    expect(bad.method).toBe('GET');
    expect(bad.endpoint).toBe('/users');
    expect(bad.twitchMessage).toBe('Injected fault');
    expect(bad.code).toBe('TWITCHIFY_HELIX');
    expect(inspect(bad)).not.toContain(token);
    expect(JSON.stringify(bad)).not.toContain(token);
  });

  it('a field that does not match its schema -> ValidationError naming it; unknown fields pass through', () => {
    const request = {
      method: 'GET' as const,
      path: '/users',
      query: [],
      auth: { tokenType: 'app-or-user' as const, scopes: [] },
      headers: {},
    };
    const headers = { 'content-type': 'application/json' };
    const user = {
      id: '1',
      login: 'a',
      display_name: 'A',
      type: '',
      broadcaster_type: '',
      description: '',
      profile_image_url: '',
      offline_image_url: '',
      view_count: 0,
      created_at: '2020-01-01T00:00:00Z',
    };
    const bad = { data: [{ ...user, display_name: 42 }] };
    try {
      decodeHelixResponse(helixOperations.getUsers, request, { status: 200, headers, body: JSON.stringify(bad) });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('data[0].display_name');
    }
    const extra = { data: [{ ...user, brand_new_field: { nested_thing: 1 } }] };
    const decoded = decodeHelixResponse(helixOperations.getUsers, request, {
      status: 200,
      headers,
      body: JSON.stringify(extra),
    }) as { data: Record<string, unknown>[] };
    expect(decoded.data[0]!.displayName).toBe('A');
    expect(decoded.data[0]!.brand_new_field).toEqual({ nested_thing: 1 });
  });
});

describe('cancellation and time limits', () => {
  it('a slow answer -> TimeoutError', async () => {
    mock.faults.inject({ path: '/users', latencyMs: 3000, times: 1 });
    const error = await failure(helix.users.getUsers({ id: userId }));
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("the caller's AbortSignal cancels a call on the wire -> AbortError", async () => {
    mock.faults.inject({ path: '/users', latencyMs: 1500, times: 1 });
    const controller = new AbortController();
    const call = failure(helix.users.getUsers({ id: userId }, { signal: controller.signal }));
    await expect.poll(() => mock.requests().length).toBeGreaterThan(0);
    controller.abort();
    expect(await call).toBeInstanceOf(AbortError);
  });
});
