import { createCache } from '@twitchify/cache';
import { type MockServer, startMock } from '@twitchify/mock';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuthTokens, Client } from '../src/index.js';

let mock: MockServer;
const clients: Client[] = [];

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 7, lag: { '*': { minMs: 1500, maxMs: 2000 } } });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await mock.stop();
});

function newClient(extra: Partial<ConstructorParameters<typeof Client>[0]> = {}): Client {
  const client = new Client({
    clientId: mock.clientId,
    urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
    ...extra,
  });
  clients.push(client);
  return client;
}

/** Waits until `fn` returns a truthy value (no timed assertions: the test timeout bounds it). */
async function until<T>(fn: () => T | Promise<T>, stepMs = 20): Promise<T> {
  for (;;) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

describe('Client end to end against the emulator', () => {
  it('token given: ready with client.user, then a follow event reaches the follow handler', async () => {
    const broadcaster = mock.users[0]!;
    const follower = mock.users[3]!;
    const token = mock.createUserToken({ userId: broadcaster.id });
    const client = newClient();
    const events: string[] = [];
    client.on('ready', () => events.push(`ready:${client.user.login}`));
    const followed = new Promise<string>((resolve) => client.on('follow', (f) => resolve(f.userName)));
    await client.run({ accessToken: token.accessToken });
    expect(events).toEqual([`ready:${broadcaster.login}`]);
    mock.external.follow(broadcaster.id, follower.id);
    expect(await followed).toBe(follower.displayName);
  });

  it('write then read returns the written state while the emulator still serves the old one', async () => {
    const b = mock.users[0]!;
    const client = newClient();
    await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
    const before = await client.channels.get(b.id);
    await client.channels.update(b.id, { title: 'written by the test' });
    expect((await client.channels.get(b.id))?.title).toBe('written by the test');
    // The emulator still lags: a raw Helix read shows the old title.
    const raw = await client.helix.channels.getChannelInformation({ broadcasterId: b.id });
    expect(raw.data[0]?.title).toBe(before?.title);
  });

  it("an external change's event replaces the cached read", async () => {
    const b = mock.users[0]!;
    const client = newClient();
    await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
    await client.channels.get(b.id); // subscribes to channel.update for b
    await until(() => client.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@2?')));
    await until(async () => {
      await client.channels.get(b.id);
      return (client.cacheReport().stats?.memory.hits ?? 0) > 0;
    });
    mock.external.updateChannel(b.id, { title: 'changed on twitch.tv' });
    await until(async () => (await client.channels.get(b.id))?.title === 'changed on twitch.tv');
    // Helix lags for 1.5 s at least: the cache got it from the event, not from a refetch.
    const raw = await client.helix.channels.getChannelInformation({ broadcasterId: b.id });
    expect(raw.data[0]?.title).not.toBe('changed on twitch.tv');
  });

  it('reports which reads are event-covered and which are TTL-bounded, and why', async () => {
    const b = mock.users[0]!;
    const client = newClient();
    await client.run({
      accessToken: mock.createUserToken({ userId: b.id, scopes: ['channel:manage:broadcast'] }).accessToken,
    });
    const report = client.cacheReport();
    const line = (name: string) => report.reads.find((r) => r.read === name)!;
    expect(line('channels.get').freshness).toBe('event-covered');
    expect(line('moderation.getModerators').freshness).toBe('ttl-bounded');
    expect(line('moderation.getModerators').reasons.join(' ')).toContain('moderation:read');
    expect(line('schedule.get').reasons.join(' ')).toContain('no EventSub type');
  });

  it('a handler that throws is reported on `error` and the client keeps serving', async () => {
    const b = mock.users[0]!;
    const client = newClient();
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    client.on('channel.update', () => {
      throw new Error('handler bug');
    });
    let seen = 0;
    client.on('channel.update', () => {
      seen++;
    });
    await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
    mock.external.updateChannel(b.id, { title: 'one' });
    await until(() => seen === 1);
    expect(errors.map((e) => (e as Error).message)).toContain('handler bug');
    expect((await client.channels.get(b.id))?.broadcasterId).toBe(b.id);
  });

  it('refuses invalid arguments before any request', async () => {
    const b = mock.users[0]!;
    const client = newClient();
    await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
    await expect(client.channels.get('not an id!')).rejects.toMatchObject({ code: 'TWITCHIFY_INVALID_ARGUMENT' });
    await expect(client.users.getByLogin('')).rejects.toMatchObject({ field: 'login' });
  });

  it('built-in flow: run() with no tokens runs the authorization code flow and emits auth with both tokens', async () => {
    const client = newClient({ clientSecret: mock.clientSecret, authPort: 0 });
    const seen: string[] = [];
    client.on('authorize', (url) => {
      seen.push('authorize');
      // Play the user's browser: Twitch redirects to the callback on 127.0.0.1 with a code.
      void (async () => {
        const authorize = await request(url, { method: 'GET' });
        await authorize.body.dump();
        const callback = await request(String(authorize.headers.location), { method: 'GET' });
        await callback.body.dump();
      })();
    });
    const tokens = new Promise<AuthTokens>((resolve) => client.on('auth', resolve));
    client.on('ready', () => seen.push('ready'));
    await client.run();
    const t = await tokens;
    expect(t.accessToken).toBeTruthy();
    expect(t.refreshToken).toBeTruthy();
    expect(t.userId).toBe(mock.users[0]!.id);
    expect(seen).toEqual(['authorize', 'ready']);
    expect(client.user.id).toBe(mock.users[0]!.id);
  });

  it("two users' scoped reads stay apart, even through one shared cache", async () => {
    const cache = createCache();
    const owner = mock.users[0]!;
    const other = mock.users[4]!;
    mock.external.addModerator(owner.id, mock.users[2]!.id);
    const a = newClient({ cache });
    const b = newClient({ cache });
    await a.run({ accessToken: mock.createUserToken({ userId: owner.id }).accessToken });
    await b.run({ accessToken: mock.createUserToken({ userId: other.id }).accessToken });
    // Helix lags behind the change; the read shows it once Helix (or the event) catches up.
    await until(async () => (await a.moderation.getModerators(owner.id)).some((m) => m.userId === mock.users[2]!.id));
    // The other user is not the broadcaster: Twitch refuses them; the owner's cached answer must not leak.
    await expect(b.moderation.getModerators(owner.id)).rejects.toMatchObject({ status: expect.any(Number) });
    await cache.close();
  });
});
