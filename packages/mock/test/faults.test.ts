import { request } from 'node:http';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { helix } from './helpers.js';

/** A raw GET so that a truncated body can be observed (fetch would just throw). */
function rawGet(mock: MockServer, path: string): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request(`${mock.urls.helix}${path}`, {
      headers: { authorization: `Bearer ${mock.appToken}`, 'client-id': mock.clientId },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (e) => resolve({ status: res.statusCode ?? 0, body, error: e.message }));
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, body, error: 'aborted' }));
    });
    req.on('error', (e) => resolve({ status: 0, body: '', error: e.message }));
    req.end();
  });
}

describe('faults', () => {
  let mock: MockServer;
  let path: string;
  beforeAll(async () => {
    mock = await startMock({ port: 0, seed: 8, lag: 0 });
    path = `/users?id=${mock.users[0]!.id}`;
  });
  afterEach(() => mock.faults.clear());
  afterAll(() => mock.stop());

  it('a 5xx burst of `times` requests, then normal service', async () => {
    mock.faults.inject({ path: '/users', status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await helix(mock, mock.appToken, 'GET', path)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('a 429 burst with Twitch’s body, matched by method and RegExp', async () => {
    mock.faults.inject({ path: /\/helix\/users/, method: 'GET', status: 429, times: 1 });
    const res = await helix(mock, mock.appToken, 'GET', path);
    expect(res).toMatchObject({ status: 429, body: { error: 'Too Many Requests', status: 429 } });
    expect((await helix(mock, mock.appToken, 'GET', `/channels?broadcaster_id=${mock.users[0]!.id}`)).status).toBe(200);
  });

  it('the remover takes a fault away', async () => {
    const remove = mock.faults.inject({ status: 500 });
    expect((await helix(mock, mock.appToken, 'GET', path)).status).toBe(500);
    remove();
    expect((await helix(mock, mock.appToken, 'GET', path)).status).toBe(200);
  });

  it('latency delays the answer (observed as ordering, not timing)', async () => {
    mock.faults.inject({ path: '/users', latencyMs: 300, times: 1 });
    const order: string[] = [];
    await Promise.all([
      helix(mock, mock.appToken, 'GET', path).then(() => order.push('slow')),
      new Promise((r) => setTimeout(r, 20)).then(() =>
        helix(mock, mock.appToken, 'GET', `/channels?broadcaster_id=${mock.users[0]!.id}`).then(() =>
          order.push('fast'),
        ),
      ),
    ]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('malformed JSON, a truncated body and an HTML error page', async () => {
    mock.faults.inject({ path: '/users', malformed: 'json', times: 1 });
    const bad = await rawGet(mock, path);
    expect(bad.status).toBe(200);
    expect(() => JSON.parse(bad.body)).toThrow();

    mock.faults.inject({ path: '/users', malformed: 'truncated', times: 1 });
    const cut = await rawGet(mock, path);
    expect(cut.error).toBeDefined();

    mock.faults.inject({ path: '/users', malformed: 'html', status: 502, times: 1 });
    const html = await fetch(`${mock.urls.helix}${path}`, {
      headers: { authorization: `Bearer ${mock.appToken}`, 'client-id': mock.clientId },
    });
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('<html>');
  });

  it('omits the rate-limit headers when asked, and only for matching requests', async () => {
    mock.faults.inject({ path: '/users', omitRateLimitHeaders: true, times: 1 });
    const res = await helix(mock, mock.appToken, 'GET', path);
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBeNull();
    expect((await helix(mock, mock.appToken, 'GET', path)).headers.get('ratelimit-limit')).not.toBeNull();
  });

  it('afterServing answers the status after Twitch acted: the write is committed, the caller hears a 502', async () => {
    const b = mock.users[0]!.id;
    const token = mock.createUserToken({ userId: b }).accessToken;
    mock.faults.inject({ path: '/channels', method: 'PATCH', status: 502, afterServing: true, times: 1 });
    const res = await helix(mock, token, 'PATCH', `/channels?broadcaster_id=${b}`, { title: 'acted on anyway' });
    expect(res.status).toBe(502);
    expect(mock.history(`channel:${b}`).at(-1)?.state).toMatchObject({ title: 'acted on anyway' });
    // without afterServing the request is not served at all
    mock.faults.inject({ path: '/channels', method: 'PATCH', status: 502, times: 1 });
    expect((await helix(mock, token, 'PATCH', `/channels?broadcaster_id=${b}`, { title: 'never' })).status).toBe(502);
    expect(mock.history(`channel:${b}`).at(-1)?.state).toMatchObject({ title: 'acted on anyway' });
  });

  it('forMs bounds a fault in time', async () => {
    let now = Date.UTC(2026, 0, 1);
    const m = await startMock({ port: 0, seed: 9, lag: 0, clock: { now: () => now } });
    try {
      m.faults.inject({ status: 500, forMs: 1000 });
      expect((await helix(m, m.appToken, 'GET', `/users?id=${m.users[0]!.id}`)).status).toBe(500);
      now += 1000;
      expect((await helix(m, m.appToken, 'GET', `/users?id=${m.users[0]!.id}`)).status).toBe(200);
    } finally {
      await m.stop();
    }
  });
});
