/**
 * The Client on Redis across restarts and processes: knowledge outlives a process, and two processes agree.
 * Real Redis (REDIS_URL), real emulator, a real second process.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client } from '@twitchify/core';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, describe, expect, it } from 'vitest';
import { deletePrefix, REDIS_URL, until } from './support.js';

const prefix = `t:client-redis:${randomUUID().slice(0, 8)}:`;

let mock: MockServer | undefined;
const clients: Client[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const c of children.splice(0)) c.kill();
  await mock?.stop();
  mock = undefined;
  await deletePrefix(prefix);
});

function clientOn(m: MockServer, p = prefix): Client {
  const client = new Client({
    clientId: m.clientId,
    urls: { helix: m.urls.helix, oauth: m.urls.oauth, eventsubWs: m.urls.eventsubWs },
    cache: { redis: { url: REDIS_URL, prefix: p } },
  });
  clients.push(client);
  return client;
}

const helixReadsOf = (m: MockServer, id: string, after: number) =>
  m
    .requests()
    .filter(
      (r) => r.path.endsWith('/channels') && r.method === 'GET' && r.at >= after && r.query.broadcaster_id === id,
    );

describe('Client on Redis', () => {
  it('an event one process received is held against Helix’s lag in a process that did not receive it', async () => {
    mock = await startMock({ port: 0, seed: 13, lag: { '*': { minMs: 4000, maxMs: 5000 } } });
    const b = mock.users[0]!;
    const listener = clientOn(mock);
    await listener.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
    const before = await listener.channels.get(b.id);
    await until(() => listener.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@')));
    // A process that listens to nothing: it can only learn of the event through the cache.
    const other = new Client({
      clientId: mock.clientId,
      urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
      cache: { redis: { url: REDIS_URL, prefix } },
      eventsub: false,
    });
    clients.push(other);
    await other.run({ accessToken: mock.createUserToken({ userId: mock.users[1]!.id }).accessToken });

    mock.external.updateChannel(b.id, { title: 'changed on twitch.tv' });
    await until(async () => (await listener.channels.get(b.id))?.title === 'changed on twitch.tv');
    // The other process's first read asks Helix, which still lags.
    const raw = await other.helix.channels.getChannelInformation({ broadcasterId: b.id });
    expect(raw.data[0]?.title).toBe(before?.title);
    // The event's change is recorded with the key's state: laid over Helix's lagging answer, in every process.
    expect((await other.channels.get(b.id))?.title).toBe('changed on twitch.tv');
    expect((await other.channels.get(b.id, { level: 'strict' }))?.title).toBe('changed on twitch.tv');
    expect((await listener.channels.get(b.id, { level: 'strict' }))?.title).toBe('changed on twitch.tv');
  });

  it('a restart revalidates what changed while nobody listened', async () => {
    mock = await startMock({ port: 0, seed: 11, lag: false });
    const b = mock.users[0]!;
    const token = () => mock!.createUserToken({ userId: b.id }).accessToken;
    const first = clientOn(mock);
    await first.run({ accessToken: token() });
    await first.channels.get(b.id);
    await until(() => first.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@2?')));
    // Filled under coverage, in Redis.
    await until(async () => {
      await first.channels.get(b.id);
      return (first.cacheReport().stats?.redis?.fills ?? 0) > 0;
    });
    await first.close();

    // While the process is down, the channel changes on twitch.tv: nobody receives the event.
    mock.external.updateChannel(b.id, { title: 'changed while down' });
    const restartedAt = Date.now();
    const second = clientOn(mock);
    await second.run({ accessToken: token() });
    expect((await second.channels.get(b.id))?.title).toBe('changed while down');
    expect(helixReadsOf(mock, b.id, restartedAt).length).toBeGreaterThan(0);
  });

  it('two processes on Redis agree: a write in one is what a strict read in the other returns', async () => {
    mock = await startMock({ port: 0, seed: 12, lag: { '*': { minMs: 3000, maxMs: 4000 } } });
    const b = mock.users[0]!;
    const reader = clientOn(mock);
    await reader.run({ accessToken: mock.createUserToken({ userId: mock.users[1]!.id }).accessToken });
    const before = await reader.channels.get(b.id);

    const child = fork(fileURLToPath(new URL('./fixtures/client-writer.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: fileURLToPath(new URL('../benchmarks/consistency/tsconfig.dev.json', import.meta.url)),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const next = (kind: string) =>
      new Promise<void>((resolve, reject) =>
        child.once('message', (m: { kind: string; message?: string }) =>
          m.kind === kind ? resolve() : reject(new Error(m.message ?? m.kind)),
        ),
      );
    const ready = next('ready');
    child.send({
      cmd: 'start',
      clientId: mock.clientId,
      urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
      accessToken: mock.createUserToken({ userId: b.id }).accessToken,
      redisUrl: REDIS_URL,
      prefix,
    });
    await ready;
    const written = next('written');
    child.send({ cmd: 'write', broadcasterId: b.id, title: 'written by the other process' });
    await written;

    // Helix still serves the old title for 3 s; the strict read reflects the other process's write at once.
    expect((await reader.channels.get(b.id, { level: 'strict' }))?.title).toBe('written by the other process');
    const raw = await reader.helix.channels.getChannelInformation({ broadcasterId: b.id });
    expect(raw.data[0]?.title).toBe(before?.title);
    // A fast read agrees once the bus has delivered the invalidation.
    await until(async () => (await reader.channels.get(b.id))?.title === 'written by the other process');
    const stopped = next('stopped');
    child.send({ cmd: 'stop' });
    await stopped;
  });
});
