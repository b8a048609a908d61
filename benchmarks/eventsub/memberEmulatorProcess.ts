/**
 * The emulator in its own process for benchmarks/member-flood.ts, so that the client's heap and CPU are its own.
 * Prints one JSON line with what the client needs, then obeys stdin: `flood <n>` adds or removes a VIP of the first
 * user n times, on twitch.tv as it were (each with its event), answering `sent <json list of VIP ids>` when done.
 */
import { createInterface } from 'node:readline';
import { startMock } from '../../packages/mock/src/index.js';

const POOL = 200;
const mock = await startMock({
  port: 0,
  seed: 2,
  lag: false,
  users: POOL + 1,
  events: { delayMs: { min: 0, max: 0 } },
});
const b = mock.users[0]!.id;
const pool = mock.users.slice(1).map((u) => u.id);
const vips = new Set<string>();
let step = 0;
process.stdout.write(
  `${JSON.stringify({ urls: mock.urls, clientId: mock.clientId, token: mock.createUserToken({ userId: b }).accessToken, broadcaster: b })}\n`,
);
createInterface({ input: process.stdin }).on('line', async (line) => {
  const [cmd, arg] = line.split(' ');
  if (cmd === 'flood') {
    const n = Number(arg);
    for (let i = 0; i < n; i++, step++) {
      const u = pool[(step * 7) % POOL]!;
      if (vips.has(u)) {
        mock.external.removeVip(b, u);
        vips.delete(u);
      } else {
        mock.external.addVip(b, u);
        vips.add(u);
      }
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    }
    process.stdout.write(`sent ${JSON.stringify([...vips])}\n`);
  } else if (cmd === 'stop') {
    await mock.stop();
    process.exit(0);
  }
});
