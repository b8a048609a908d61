/** Conduits: several shards (processes) share one conduit and each event reaches exactly one of them. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type CoverageEvent, EventSubConduitShard, type SubscriptionSpec } from '@twitchify/eventsub';
import type { MockServer } from '@twitchify/mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appApi, emulator, fastBackoff, until } from './support.js';

const worker = fileURLToPath(new URL('./fixtures/conduitWorker.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

describe('conduits', () => {
  let mock: MockServer;
  const children: ChildProcess[] = [];
  const shards: EventSubConduitShard[] = [];

  beforeEach(async () => {
    mock = await emulator();
  });
  afterEach(async () => {
    for (const s of shards.splice(0)) await s.stop();
    await Promise.all(
      children.splice(0).map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.stdin?.end();
            setTimeout(() => c.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
    await mock.stop();
  });

  it('three processes on one conduit receive every event exactly once between them', async () => {
    const b = mock.users[0]!.id;
    const conduit = await appApi(mock).createConduit(3);
    const lines: { id: string; title: string; shard: string }[] = [];
    const ready = new Set<string>();
    for (const shardId of ['0', '1', '2']) {
      const args = [
        worker,
        mock.urls.eventsubWs,
        mock.urls.helix,
        mock.clientId,
        mock.appToken,
        conduit.id,
        shardId,
        b,
      ];
      const child = spawn(tsx, args, { stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(child);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line === 'ready') ready.add(shardId);
        else lines.push(JSON.parse(line));
      });
    }
    await until('three shards attached', () => ready.size === 3, 25_000);
    const held = await appApi(mock).listSubscriptions();
    expect(held.filter((s) => s.transport.conduitId === conduit.id)).toHaveLength(1);
    const enabled = (await appApi(mock).listShards(conduit.id)).filter((s) => s.status === 'enabled');
    expect(enabled).toHaveLength(3);
    for (let i = 0; i < 90; i++) await mock.external.updateChannel(b, { title: `c${i}` });
    await until('90 received', () => lines.length >= 90, 15_000);
    // Let any stray duplicate arrive before counting.
    await new Promise((r) => setTimeout(r, 200));
    expect(lines).toHaveLength(90);
    expect(new Set(lines.map((l) => l.title)).size).toBe(90);
    for (const shardId of ['0', '1', '2']) expect(lines.filter((l) => l.shard === shardId).length).toBeGreaterThan(0);
  }, 40_000);

  it('re-attaches after a drop, reports the lost shard to the others, and resizes', async () => {
    const b = mock.users[0]!.id;
    const api = appApi(mock);
    const conduit = await api.createConduit(2);
    const specs: SubscriptionSpec[] = [
      { type: 'channel.update', version: '2', condition: { broadcaster_user_id: b } },
      { type: 'conduit.shard.disabled', version: '1', condition: { client_id: mock.clientId } },
    ];
    const make = (shardId: string) => {
      const s = new EventSubConduitShard({
        api,
        url: mock.urls.eventsubWs,
        conduitId: conduit.id,
        shardId,
        subscriptions: specs,
        reconnectStrategy: fastBackoff,
      });
      shards.push(s);
      return s;
    };
    const [a, c] = [make('0'), make('1')];
    const seen: string[] = [];
    const coverage: CoverageEvent[] = [];
    for (const s of [a, c]) s.on('channel.update@2', (e) => seen.push(e.title));
    a.onCoverage((e) => coverage.push(e));
    await Promise.all([a.start(), c.start()]);
    const before = c.sessionId!;
    mock.eventsub.dropSocket(before);
    // The surviving shard hears conduit.shard.disabled and records the gap; the dropped one comes back.
    await until('shard-lost gap', () => coverage.some((e) => e.type === 'gap' && e.gap.reason === 'shard-lost'));
    await until('re-attached', async () => {
      const list = await api.listShards(conduit.id);
      return list.every((s) => s.status === 'enabled') && c.sessionId !== undefined && c.sessionId !== before;
    });
    for (let i = 0; i < 10; i++) await mock.external.updateChannel(b, { title: `r${i}` });
    await until('all delivered once', () => seen.length === 10);
    expect(new Set(seen).size).toBe(10);
    const resized = await a.resize(4);
    expect(resized.shardCount).toBe(4);
    expect(await api.listShards(conduit.id)).toHaveLength(4);
  });
});
