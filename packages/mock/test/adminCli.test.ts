import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { helix, waitFor } from './helpers.js';

describe('/admin mirrors the handle', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({ port: 0, seed: 15, lag: 0 });
  });
  afterAll(() => mock.stop());

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${mock.urls.admin}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it('GET / lists urls, client, users; POST /tokens issues a working user token', async () => {
    const info = await admin('GET', '/');
    expect(info.body).toMatchObject({ clientId: mock.clientId, urls: mock.urls, users: mock.users });
    const tok = await admin('POST', '/tokens', { userId: mock.users[1]!.id, scopes: ['user:read:email'] });
    expect(tok.body.scopes).toEqual(['user:read:email']);
    expect((await helix(mock, tok.body.accessToken, 'GET', '/users')).body.data[0].id).toBe(mock.users[1]!.id);
  });

  it('POST /external/<name> makes an external change, visible in /history', async () => {
    const b = mock.users[0]!.id;
    const res = await admin('POST', '/external/updateChannel', { args: [b, { title: 'via admin' }] });
    expect(res.body.data).toMatchObject({ key: `channel:${b}`, version: 1, origin: 'external' });
    const hist = await admin('GET', `/history?key=channel:${b}`);
    expect(hist.body.data.at(-1).state.title).toBe('via admin');
  });

  it('faults, lag, rate limit and request log over HTTP', async () => {
    const { body } = await admin('POST', '/faults', { path: '/users', status: 503, times: 1 });
    expect(typeof body.id).toBe('number');
    expect((await helix(mock, mock.appToken, 'GET', `/users?id=${mock.users[0]!.id}`)).status).toBe(503);
    expect((await admin('PUT', '/lag', { kind: 'channel', minMs: 0, maxMs: 0 })).status).toBe(200);
    expect((await admin('PUT', '/rate-limit', { limit: 1000 })).body.rateLimit.limit).toBe(1000);
    const log = await admin('GET', '/requests');
    expect(log.body.data.some((r: { status: number }) => r.status === 503)).toBe(true);
    expect((await admin('DELETE', '/faults')).status).toBe(204);
  });

  it('setEventDelivery reaches the hub: duplicateRate 1 sends each notification twice with one message_id', async () => {
    const b = mock.users[0]!.id;
    const token = mock.createUserToken({ userId: b }).accessToken;
    const frames: Array<{
      metadata: { message_id: string; message_type: string };
      payload: { session?: { id: string } };
    }> = [];
    const ws = new WebSocket(mock.urls.eventsubWs);
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    try {
      const welcome = await waitFor(() => frames.find((f) => f.metadata.message_type === 'session_welcome'));
      await helix(mock, token, 'POST', '/eventsub/subscriptions', {
        type: 'channel.vip.add',
        version: '1',
        condition: { broadcaster_user_id: b },
        transport: { method: 'websocket', session_id: welcome.payload.session!.id },
      });
      await admin('PUT', '/events', { duplicateRate: 1 });
      mock.external.addVip(b, mock.users[2]!.id);
      const notes = await waitFor(() => {
        const n = frames.filter((f) => f.metadata.message_type === 'notification');
        return n.length >= 2 ? n : undefined;
      });
      expect(notes[0]!.metadata.message_id).toBe(notes[1]!.metadata.message_id);
    } finally {
      mock.setEventDelivery({ duplicateRate: 0 });
      ws.close();
    }
  });
});

describe('the twitchify-mock command', () => {
  it('starts on the given port and prints urls, client id and secret, and an all-scopes token', async () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--seed', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.on('data', (d) => {
        out += String(d);
      });
      await waitFor(() => out.includes('user token:'), 20_000);
      const base = /base:\s+(\S+)/.exec(out)![1]!;
      const clientId = /client id:\s+(\S+)/.exec(out)![1]!;
      const token = /user token:\s+(\S+)/.exec(out)![1]!;
      expect(out).toMatch(/client secret:\s+\S+/);
      expect(out).toContain('ws://');
      const v = await fetch(`${base}/oauth2/validate`, { headers: { authorization: `OAuth ${token}` } });
      const body = (await v.json()) as { client_id: string; scopes: string[] };
      expect(body.client_id).toBe(clientId);
      expect(body.scopes).toContain('channel:manage:broadcast');
      expect(body.scopes).toContain('moderator:read:followers');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
