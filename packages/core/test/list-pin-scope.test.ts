/**
 * A list's pin holds only the members its changes were about (pin scopes). A VIP added on twitch.tv whose event was
 * lost is in Helix's answer after a coverage gap; the app keeps adding VIPs (each add pins the list for a few
 * seconds), yet the revalidation after the gap brings the lost VIP in: Helix's answer stands for every member but
 * the ones the app just changed, which the pins hold. Before pin scopes, every add re-pinned the whole list and the
 * lost VIP stayed missing for as long as the app kept writing. Real emulator with Twitch-like Helix lag.
 */
import { randomUUID } from 'node:crypto';
import { type MockServer, startMock } from '@twitchify/mock';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { emulatorClient, until } from './support.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `t:list-pin-scope:${randomUUID().slice(0, 8)}:`;

let mock: MockServer;
let client: Client;

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 1, users: 60 });
});

afterEach(async () => {
  await client?.close();
  await mock.stop();
  const r = new Redis(REDIS_URL);
  const keys = await r.keys(`*${prefix}*`);
  if (keys.length > 0) await r.del(...keys);
  await r.quit();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const redis of [false, true]) {
  describe(redis ? 'on Redis' : 'in memory', () => {
    it('a VIP whose event was lost reaches the list after a gap while the app keeps adding VIPs', async () => {
      client = emulatorClient(mock, redis ? { cache: { redis: { url: REDIS_URL, prefix } } } : {});
      const b = mock.users[0]!.id;
      const u = (i: number) => mock.users[i]!.id;
      const cached = async () => (await client.channels.getVips(b)).map((x) => x.userId);
      await client.run({ accessToken: mock.createUserToken({ userId: b }).accessToken });
      await cached();
      const vipFeeds = () => client.cacheReport().feeds.active.filter((f) => f.startsWith('channel.vip.')).length;
      await until(() => vipFeeds() === 2);
      await cached(); // kept from now on: its feeds cover it
      mock.setEventDelivery({ delayMs: { min: 20, max: 100 }, dropRate: 0, duplicateRate: 0, reorderRate: 0 });
      mock.setLag('vips', { minMs: 300, maxMs: 800 }); // Helix serves a list up to 800 ms old

      const own: string[] = [];
      let next = 3;
      const addOwn = async () => {
        const user = u(next++);
        await client.channels.addVip(b, user);
        own.push(user);
      };
      await addOwn();

      // Added on twitch.tv; its event is lost.
      mock.setEventDelivery({ dropRate: 1 });
      mock.external.addVip(b, u(2));
      mock.setEventDelivery({ dropRate: 0 });
      // The app keeps adding VIPs (each add pins the list for sourceLagMs): Helix has long had the lost VIP when the
      // list is next revalidated, but every read meanwhile is answered from the cache.
      for (let n = 0; n < 6; n++) {
        await addOwn();
        await sleep(250);
      }
      expect(await cached()).not.toContain(u(2)); // nothing told the Client of it yet

      // A coverage gap: the socket drops and the Client resumes. The app keeps adding VIPs all along.
      const bumps = () => client.cacheReport().stats?.coverageBumps ?? 0;
      const before = bumps();
      mock.eventsub.dropSocket();
      while (!(bumps() >= before + 4 && vipFeeds() === 2)) {
        await addOwn();
        await sleep(200);
      }

      // After resumption, within a few writes (each one pinning the list again, for longer than they last), the lost
      // VIP is in the list, with every VIP the app added.
      let seen = false;
      for (let n = 0; n < 12 && !seen; n++) {
        await addOwn();
        await sleep(250);
        seen = (await cached()).includes(u(2));
      }
      expect(seen).toBe(true);
      const list = await cached();
      expect(list).toContain(u(2));
      for (const user of own) expect(list).toContain(user);
      // Helix has them all too: nothing in the list is made up
      const truth = (mock.truth(`vips:${b}`)!.state as { user_id: string }[]).map((x) => x.user_id);
      expect([...list].sort()).toEqual([...truth].sort());
    });
  });
}
