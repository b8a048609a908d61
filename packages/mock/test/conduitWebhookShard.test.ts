/** Conduit shards on webhooks: the challenge before enabling, and revocations that reach them. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { helix, waitFor } from './helpers.js';

const secret = 'conduit-shard-secret';
let mock: MockServer;
let server: Server;
let base: string;
const received: { path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 5, lag: 0 });
  received.length = 0;
  // `/good` echoes the challenge; `/bad` answers 200 with something else.
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      received.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.headers['twitch-eventsub-message-type'] === 'webhook_callback_verification') {
        const answer = req.url === '/good' ? String(body.challenge) : 'not the challenge';
        res.writeHead(200, { 'content-type': 'text/plain' }).end(answer);
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await mock.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const ofType = (type: string) => received.filter((r) => r.headers['twitch-eventsub-message-type'] === type);

async function conduitWithShards(n: number): Promise<string> {
  const res = await helix(mock, mock.appToken, 'POST', '/eventsub/conduits', { shard_count: n });
  expect(res.status).toBe(200);
  return res.body.data[0].id as string;
}

const shards = async (conduitId: string) =>
  (await helix(mock, mock.appToken, 'GET', `/eventsub/conduits/shards?conduit_id=${conduitId}`)).body.data as {
    id: string;
    status: string;
  }[];

it('a webhook shard is pending until its callback answers the challenge, and failed when it does not', async () => {
  const conduitId = await conduitWithShards(2);
  const res = await helix(mock, mock.appToken, 'PATCH', '/eventsub/conduits/shards', {
    conduit_id: conduitId,
    shards: [
      { id: '0', transport: { method: 'webhook', callback: `${base}/good`, secret } },
      { id: '1', transport: { method: 'webhook', callback: `${base}/bad`, secret } },
    ],
  });
  expect(res.status).toBe(202);
  expect(res.body.data.map((s: { status: string }) => s.status)).toEqual([
    'webhook_callback_verification_pending',
    'webhook_callback_verification_pending',
  ]);
  await waitFor(async () => {
    const s = await shards(conduitId);
    return s[0]?.status === 'enabled' && s[1]?.status === 'webhook_callback_verification_failed';
  });
  const challenges = ofType('webhook_callback_verification');
  expect(challenges.map((c) => c.path).sort()).toEqual(['/bad', '/good']);
  expect(challenges.find((c) => c.path === '/good')?.body.shard).toEqual({ conduit_id: conduitId, id: '0' });

  // Only the verified shard takes events.
  const b = mock.users[0]!.id;
  const sub = await helix(mock, mock.appToken, 'POST', '/eventsub/subscriptions', {
    type: 'stream.online',
    version: '1',
    condition: { broadcaster_user_id: b },
    transport: { method: 'conduit', conduit_id: conduitId },
  });
  expect(sub.status).toBe(202);
  for (let i = 0; i < 4; i++) mock.eventsub.emitExample('stream.online@1', { condition: { broadcaster_user_id: b } });
  await waitFor(() => ofType('notification').length === 4);
  expect(new Set(ofType('notification').map((n) => n.path))).toEqual(new Set(['/good']));
});

it('revoking a conduit subscription reaches a webhook shard', async () => {
  const conduitId = await conduitWithShards(1);
  await helix(mock, mock.appToken, 'PATCH', '/eventsub/conduits/shards', {
    conduit_id: conduitId,
    shards: [{ id: '0', transport: { method: 'webhook', callback: `${base}/good`, secret } }],
  });
  await waitFor(async () => (await shards(conduitId))[0]?.status === 'enabled');
  const sub = await helix(mock, mock.appToken, 'POST', '/eventsub/subscriptions', {
    type: 'channel.update',
    version: '2',
    condition: { broadcaster_user_id: mock.users[0]!.id },
    transport: { method: 'conduit', conduit_id: conduitId },
  });
  const id = sub.body.data[0].id as string;
  mock.eventsub.revoke(id, 'authorization_revoked');
  const revocation = await waitFor(() => ofType('revocation')[0]);
  expect(revocation.path).toBe('/good');
  expect(revocation.headers['twitch-eventsub-subscription-type']).toBe('channel.update');
  expect(revocation.body.subscription).toMatchObject({
    id,
    status: 'authorization_revoked',
    transport: { method: 'conduit', conduit_id: conduitId },
  });
});
