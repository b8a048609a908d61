import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helix } from './helpers.js';

async function post(url: string, form: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(form) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('OAuth over a real socket', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({ port: 0, seed: 2, lag: 0 });
  });
  afterAll(() => mock.stop());

  it('client_credentials issues an app token that validates and serves Helix', async () => {
    const res = await post(`${mock.urls.oauth}/token`, {
      client_id: mock.clientId,
      client_secret: mock.clientSecret,
      grant_type: 'client_credentials',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'bearer' });
    const v = await fetch(`${mock.urls.oauth}/validate`, {
      headers: { authorization: `OAuth ${res.body.access_token}` },
    });
    expect(await v.json()).toMatchObject({ client_id: mock.clientId, scopes: [] });
    expect((await helix(mock, res.body.access_token, 'GET', `/users?id=${mock.users[0]!.id}`)).status).toBe(200);
  });

  it('keeps credentials sent in the query out of the request log', async () => {
    const query = new URLSearchParams({
      client_id: mock.clientId,
      client_secret: mock.clientSecret,
      grant_type: 'client_credentials',
    });
    const res = await fetch(`${mock.urls.oauth}/token?${query}`, { method: 'POST' });
    await res.body?.cancel();
    const logged = mock.requests().filter((r) => r.path === '/oauth2/token' && r.query.client_secret !== undefined);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((r) => r.query.client_secret === '***' && r.query.client_id === mock.clientId)).toBe(true);
    expect(JSON.stringify(mock.requests())).not.toContain(mock.clientSecret);
  });

  it('refuses a wrong secret and an unknown grant', async () => {
    const bad = await post(`${mock.urls.oauth}/token`, {
      client_id: mock.clientId,
      client_secret: 'x',
      grant_type: 'client_credentials',
    });
    expect(bad.status).toBe(403);
    const grant = await post(`${mock.urls.oauth}/token`, {
      client_id: mock.clientId,
      client_secret: mock.clientSecret,
      grant_type: 'magic',
    });
    expect(grant).toMatchObject({ status: 400, body: { status: 400 } });
  });

  it('authorize redirects with code and state; the code is exchanged once', async () => {
    const redirect = 'http://localhost:3000/cb';
    const url = `${mock.urls.oauth}/authorize?client_id=${mock.clientId}&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&scope=user:read:email+channel:manage:broadcast&state=xyz`;
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(redirect);
    expect(location.searchParams.get('state')).toBe('xyz');
    const code = location.searchParams.get('code')!;
    const form = {
      client_id: mock.clientId,
      client_secret: mock.clientSecret,
      code,
      grant_type: 'authorization_code',
      redirect_uri: redirect,
    };
    const tok = await post(`${mock.urls.oauth}/token`, form);
    expect(tok.status).toBe(200);
    expect(tok.body.scope).toEqual(['user:read:email', 'channel:manage:broadcast']);
    expect((await post(`${mock.urls.oauth}/token`, form)).status).toBe(400);
    const v = await fetch(`${mock.urls.oauth}/validate`, {
      headers: { authorization: `OAuth ${tok.body.access_token}` },
    });
    expect(await v.json()).toMatchObject({ user_id: mock.users[0]!.id, login: mock.users[0]!.login });
  });

  it('authorize with response_type=token puts the token in the fragment (implicit flow), for a chosen user', async () => {
    const redirect = 'http://localhost:3000/cb';
    const u = mock.users[4]!.id;
    const url = `${mock.urls.oauth}/authorize?client_id=${mock.clientId}&redirect_uri=${encodeURIComponent(redirect)}&response_type=token&scope=chat:read&state=s1&user_id=${u}`;
    const res = await fetch(url, { redirect: 'manual' });
    const fragment = new URLSearchParams(new URL(res.headers.get('location')!).hash.slice(1));
    expect(fragment.get('state')).toBe('s1');
    const v = await fetch(`${mock.urls.oauth}/validate`, {
      headers: { authorization: `OAuth ${fragment.get('access_token')}` },
    });
    expect(await v.json()).toMatchObject({ user_id: u, scopes: ['chat:read'] });
    const badScope = await fetch(`${url}+not:a:scope`, { redirect: 'manual' });
    expect(badScope.status).toBe(400);
    const badClient = await fetch(url.replace(mock.clientId, 'nope'), { redirect: 'manual' });
    expect(badClient.status).toBe(400);
  });

  it('refresh rotates: the old refresh token and the old access token die', async () => {
    const first = mock.createUserToken({ userId: mock.users[1]!.id, scopes: ['user:read:email'] });
    const form = {
      client_id: mock.clientId,
      client_secret: mock.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken,
    };
    const next = await post(`${mock.urls.oauth}/token`, form);
    expect(next.status).toBe(200);
    expect(next.body.refresh_token).not.toBe(first.refreshToken);
    expect(next.body.scope).toEqual(['user:read:email']);
    expect((await post(`${mock.urls.oauth}/token`, form)).body).toMatchObject({
      status: 400,
      message: 'Invalid refresh token',
    });
    expect((await helix(mock, first.accessToken, 'GET', '/users')).status).toBe(401);
    expect((await helix(mock, next.body.access_token, 'GET', '/users')).status).toBe(200);
  });

  it('revoke kills a token; validate then answers 401', async () => {
    const t = mock.createUserToken({ userId: mock.users[0]!.id });
    expect((await post(`${mock.urls.oauth}/revoke`, { client_id: mock.clientId, token: t.accessToken })).status).toBe(
      200,
    );
    const v = await fetch(`${mock.urls.oauth}/validate`, { headers: { authorization: `OAuth ${t.accessToken}` } });
    expect(v.status).toBe(401);
    expect(await v.json()).toEqual({ status: 401, message: 'invalid access token' });
    expect((await post(`${mock.urls.oauth}/revoke`, { client_id: mock.clientId, token: t.accessToken })).status).toBe(
      400,
    );
  });

  it('revokeUserTokens kills every token of that user, as disconnecting the app on twitch.tv', async () => {
    const u = mock.users[3]!.id;
    const a = mock.createUserToken({ userId: u });
    const other = mock.createUserToken({ userId: mock.users[4]!.id });
    expect(mock.revokeUserTokens(u)).toBe(1);
    expect((await helix(mock, a.accessToken, 'GET', '/users')).status).toBe(401);
    const refresh = await post(`${mock.urls.oauth}/token`, {
      client_id: mock.clientId,
      client_secret: mock.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: a.refreshToken,
    });
    expect(refresh.status).toBe(400);
    expect((await helix(mock, other.accessToken, 'GET', '/users')).status).toBe(200);
  });

  it('is also served under /auth', async () => {
    const res = await post(`${mock.urls.base}/auth/token`, {
      client_id: mock.clientId,
      client_secret: mock.clientSecret,
      grant_type: 'client_credentials',
    });
    expect(res.status).toBe(200);
  });

  it('device code grant: pending, slow_down, then a token once the user approves', async () => {
    const dev = await post(`${mock.urls.oauth}/device`, { client_id: mock.clientId, scopes: 'user:read:email' });
    expect(dev.status).toBe(200);
    const poll = {
      client_id: mock.clientId,
      device_code: dev.body.device_code,
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    };
    expect((await post(`${mock.urls.oauth}/token`, poll)).body).toMatchObject({
      status: 400,
      message: 'authorization_pending',
    });
    expect((await post(`${mock.urls.oauth}/token`, poll)).body).toMatchObject({ status: 400, message: 'slow_down' });
    const activate = await fetch(`${dev.body.verification_uri}&user_id=${mock.users[2]!.id}`);
    expect(activate.status).toBe(200);
    const tok = await post(`${mock.urls.oauth}/token`, poll);
    expect(tok.status).toBe(200);
    const v = await fetch(`${mock.urls.oauth}/validate`, {
      headers: { authorization: `OAuth ${tok.body.access_token}` },
    });
    expect(await v.json()).toMatchObject({ user_id: mock.users[2]!.id, scopes: ['user:read:email'] });
    expect((await post(`${mock.urls.oauth}/token`, poll)).body).toMatchObject({
      status: 400,
      message: 'invalid device code',
    });
  });
});

describe('device code expiry', () => {
  it('answers expired after the code’s lifetime', async () => {
    let now = Date.UTC(2026, 0, 1);
    const mock = await startMock({ port: 0, seed: 3, lag: 0, clock: { now: () => now } });
    try {
      const dev = await post(`${mock.urls.oauth}/device`, { client_id: mock.clientId, scopes: '' });
      now += dev.body.expires_in * 1000 + 1;
      const poll = {
        client_id: mock.clientId,
        device_code: dev.body.device_code,
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      };
      expect((await post(`${mock.urls.oauth}/token`, poll)).body).toMatchObject({ status: 400, message: 'expired' });
    } finally {
      await mock.stop();
    }
  });
});

describe('device code denial and lifetime', () => {
  let now = Date.UTC(2026, 0, 1);
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({
      port: 0,
      seed: 4,
      lag: 0,
      clock: { now: () => now },
      deviceCodes: { lifetimeSeconds: 60 },
    });
  });
  afterAll(() => mock.stop());
  const issue = () => post(`${mock.urls.oauth}/device`, { client_id: mock.clientId, scopes: '' });
  const pollOf = (deviceCode: string) => ({
    client_id: mock.clientId,
    device_code: deviceCode,
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
  });

  it('a denied code answers access_denied once, then is gone; a decided code cannot be approved', async () => {
    const dev = await issue();
    expect(mock.denyDevice(dev.body.user_code)).toBe(true);
    expect(mock.authorizeDevice(dev.body.user_code)).toBe(false);
    const poll = pollOf(dev.body.device_code);
    expect((await post(`${mock.urls.oauth}/token`, poll)).body).toMatchObject({
      status: 400,
      message: 'access_denied',
    });
    expect((await post(`${mock.urls.oauth}/token`, poll)).body).toMatchObject({ message: 'invalid device code' });
    expect(mock.denyDevice('NOSUCHCD')).toBe(false);
  });

  it('the lifetime comes from the option, the handle and the admin API', async () => {
    expect((await issue()).body.expires_in).toBe(60);
    mock.setDeviceCodes({ lifetimeSeconds: 5, intervalSeconds: 1 });
    const short = await issue();
    expect(short.body).toMatchObject({ expires_in: 5, interval: 1 });
    now += 5_001;
    expect((await post(`${mock.urls.oauth}/token`, pollOf(short.body.device_code))).body).toMatchObject({
      message: 'expired',
    });
    const put = await fetch(`${mock.urls.admin}/devices`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lifetimeSeconds: 30 }),
    });
    expect(await put.json()).toMatchObject({ deviceCodes: { lifetimeSeconds: 30, intervalSeconds: 1 } });
    const refused = await fetch(`${mock.urls.admin}/devices`, { method: 'PUT', body: '{"lifetimeSeconds":-1}' });
    expect(refused.status).toBe(400);
    const viaAdmin = await issue();
    expect(viaAdmin.body.expires_in).toBe(30);
    const deny = await fetch(`${mock.urls.admin}/devices/deny`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userCode: viaAdmin.body.user_code }),
    });
    expect(await deny.json()).toEqual({ denied: true });
    expect(() => mock.setDeviceCodes({ lifetimeSeconds: 0 })).toThrow(/lifetimeSeconds/);
  });
});
