/**
 * The emulator in its own process for benchmarks/eventsub-throughput.ts, so that the client's numbers are not shared
 * with the emulator's CPU. Prints one JSON line with what the client needs, then obeys stdin: `blast <n>` publishes
 * n channel.update notifications (batches of 500), answering `sent` when done.
 */
import { createInterface } from 'node:readline';
import { startMock } from '../../packages/mock/src/index.js';

const mock = await startMock({ port: 0, seed: 1, lag: 0, events: { delayMs: { min: 0, max: 0 } } });
const b = mock.users[0]!;
process.stdout.write(
  `${JSON.stringify({ ws: mock.urls.eventsubWs, helix: mock.urls.helix, clientId: mock.clientId, token: mock.createUserToken({ userId: b.id }).accessToken, broadcaster: b.id })}\n`,
);
const event = (title: string) => ({
  broadcaster_user_id: b.id,
  broadcaster_user_login: b.login,
  broadcaster_user_name: b.displayName,
  title,
  language: 'en',
  category_id: '509658',
  category_name: 'Just Chatting',
  content_classification_labels: ['MatureGame'],
});
createInterface({ input: process.stdin }).on('line', async (line) => {
  const [cmd, arg] = line.split(' ');
  if (cmd === 'blast') {
    const n = Number(arg);
    for (let sent = 0; sent < n; ) {
      for (let i = 0; i < 500 && sent < n; i++, sent++) {
        mock.eventsub.publish({
          type: 'channel.update',
          version: '2',
          condition: { broadcaster_user_id: b.id },
          event: event(String(sent)),
        });
      }
      await new Promise((r) => setImmediate(r));
    }
    process.stdout.write('sent\n');
  } else if (cmd === 'stop') {
    await mock.stop();
    process.exit(0);
  }
});
