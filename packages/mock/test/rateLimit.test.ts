import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helix, manualClock } from './helpers.js';

describe('per-token rate limit bucket', () => {
  const clock = manualClock();
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({ port: 0, seed: 4, lag: 0, clock, rateLimit: { limit: 5, windowMs: 60_000 } });
  });
  afterAll(() => mock.stop());

  it('sends Ratelimit headers, answers 429 when empty, per token, and refills with time', async () => {
    const a = mock.createUserToken({ userId: mock.users[0]!.id }).accessToken;
    const b = mock.createUserToken({ userId: mock.users[1]!.id }).accessToken;
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await helix(mock, a, 'GET', '/users');
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      remaining.push(res.headers.get('ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const limited = await helix(mock, a, 'GET', '/users');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'Too Many Requests', status: 429 });
    expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThan(clock.now() / 1000);
    expect((await helix(mock, b, 'GET', '/users')).status).toBe(200);
    clock.advance(12_000);
    expect((await helix(mock, a, 'GET', '/users')).status).toBe(200);
  });

  it('also sends the headers on answers refused before the bucket (401, 404)', async () => {
    const unauthorized = await helix(mock, 'bad-token', 'GET', '/users');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('ratelimit-limit')).toBe('5');
    expect((await helix(mock, mock.appToken, 'GET', '/nowhere')).headers.get('ratelimit-remaining')).not.toBeNull();
  });
});
