import { startMock } from '@twitchify/mock';
import { it } from 'vitest';
import { Client } from '../packages/core/src/index.js';

it('dbg', async () => {
  const mock = await startMock({ port: 0, seed: 7 });
  const b = mock.users[0]!;
  const client = new Client({
    clientId: mock.clientId,
    urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
    cache: { redis: { url: 'redis://127.0.0.1:6379', prefix: `dbg:${Date.now()}:` } },
    logger: {
      debug() {},
      info() {},
      warn: (m, f) => console.log('WARN', m, JSON.stringify(f)),
      error: (m, f) => console.log('ERR', m, JSON.stringify(f)),
    },
  });
  client.on('error', (e) => console.log('client error', String(e)));
  await client.run({ accessToken: mock.createUserToken({ userId: b.id }).accessToken });
  await new Promise((r) => setTimeout(r, 6000));
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    await client.channels.get(mock.users[i % 3]!.id);
    const d = performance.now() - t;
    if (d > 5) console.log('slow read', i, d.toFixed(2), 'ms');
  }
  const t = performance.now();
  for (let i = 0; i < 100000; i++) await client.channels.get(mock.users[i % 3]!.id);
  console.log('100k reads', (performance.now() - t).toFixed(0), 'ms', JSON.stringify(client.cacheReport().stats));
  await client.close();
  await mock.stop();
});
