/**
 * Two Clients (two instances of an app) on the same user token each keep their EventSub WebSocket subscriptions:
 * neither one's reconcile deletes the other's, also after one of them reconnects, and an external change reaches
 * both. Real emulator, real sockets.
 */
import { Client } from '@twitchify/core';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let mock: MockServer;
const clients: Client[] = [];

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 5, lag: 0 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await mock.stop();
});

function newClient(): Client {
  const client = new Client({
    clientId: mock.clientId,
    urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
  });
  clients.push(client);
  return client;
}

/** Waits until `check` holds (no timed assertion: fails with `what` after a generous deadline). */
async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface HeldSub {
  type: string;
  status: string;
  transport: { method: string; session_id?: string };
}

describe('Clients sharing one user token', () => {
  it('keep each other’s subscriptions through reconciles and a reconnect, and both get the events', async () => {
    const b = mock.users[0]!;
    const token = mock.createUserToken({ userId: b.id }).accessToken;
    const first = newClient();
    const second = newClient();
    const seen: Record<'first' | 'second', string[]> = { first: [], second: [] };
    first.on('channel.update', (e) => seen.first.push(e.title));
    second.on('channel.update', (e) => seen.second.push(e.title));
    await first.run({ accessToken: token });
    await second.run({ accessToken: token }); // its reconcile sees the first one's enabled subscriptions

    const held = () => mock.eventsub.subscriptions() as unknown as HeldSub[];
    const updatesBySession = () => {
      const by = new Map<string, number>();
      for (const s of held()) {
        if (s.type !== 'channel.update' || s.status !== 'enabled' || !s.transport.session_id) continue;
        by.set(s.transport.session_id, (by.get(s.transport.session_id) ?? 0) + 1);
      }
      return by;
    };
    await until('a channel.update subscription on each Client’s session', () => updatesBySession().size === 2);

    await mock.external.updateChannel(b.id, { title: 'before the reconnect' });
    await until('the first Client got it', () => seen.first.includes('before the reconnect'));
    await until('the second Client got it', () => seen.second.includes('before the reconnect'));

    // One of them loses its socket: it reconnects and reconciles again, deleting only its own disabled leftovers.
    const [dropped] = mock.eventsub.sessions();
    mock.eventsub.dropSocket(dropped!.id);
    await until('the dropped Client reconciled on a new session, its leftovers gone, the other one untouched', () => {
      const by = updatesBySession();
      return by.size === 2 && !by.has(dropped!.id) && held().every((s) => s.status === 'enabled');
    });
    expect([...updatesBySession().values()]).toEqual([1, 1]);

    await mock.external.updateChannel(b.id, { title: 'after the reconnect' });
    await until('the first Client got it', () => seen.first.includes('after the reconnect'));
    await until('the second Client got it', () => seen.second.includes('after the reconnect'));
  });
});
