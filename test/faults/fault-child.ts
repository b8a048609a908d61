/**
 * The second process of the fault matrix's kill -9 rows: a Client on the row's Redis that reads the given channels
 * (so it listens to their events), reports each event it applied, and starts a title write when asked (reporting
 * `writing` as the request leaves). Run with `fork(..., { execArgv: ['--import', 'tsx'] })`.
 */
import { Client } from '@twitchify/core';

interface Start {
  cmd: 'start';
  clientId: string;
  urls: { helix: string; oauth: string; eventsubWs: string };
  accessToken: string;
  redisUrl: string;
  prefix: string;
  broadcasters: string[];
}

let client: Client | undefined;

process.on('message', async (m: Start | { cmd: 'write'; broadcasterId: string; title: string }) => {
  try {
    if (m.cmd === 'start') {
      client = new Client({
        clientId: m.clientId,
        urls: m.urls,
        cache: { redis: { url: m.redisUrl, prefix: m.prefix } },
        instrument: { onEvent: () => process.send?.({ kind: 'event' }) },
      });
      client.on('error', () => {});
      await client.run({ accessToken: m.accessToken });
      for (const b of m.broadcasters) await client.channels.get(b);
      while (client.cacheReport().feeds.active.filter((f) => f.startsWith('channel.update@')).length < 2) {
        await new Promise((r) => setTimeout(r, 20));
      }
      process.send?.({ kind: 'ready' });
    } else {
      const writing = client!.channels.update(m.broadcasterId, { title: m.title });
      process.send?.({ kind: 'writing' });
      await writing;
      process.send?.({ kind: 'written' });
    }
  } catch (error) {
    process.send?.({ kind: 'error', message: String(error) });
  }
});
