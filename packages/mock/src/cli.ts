#!/usr/bin/env node
/**
 * `twitchify-mock [--port 8080] [--seed 1] [--host 127.0.0.1] [--users 10] [--no-lag]`: starts the emulator and
 * prints what a client needs to connect. Stops on SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startMock } from './mockServer.js';

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) {
    process.stderr.write(`twitchify-mock: --${name} must be an integer\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      seed: { type: 'string', default: '1' },
      host: { type: 'string', default: '127.0.0.1' },
      users: { type: 'string', default: '10' },
      'no-lag': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: twitchify-mock [--port 8080] [--seed 1] [--host 127.0.0.1] [--users 10] [--no-lag]\n');
    return;
  }
  const mock = await startMock({
    port: intOption(values.port, 'port', 8080),
    seed: intOption(values.seed, 'seed', 1),
    host: values.host,
    users: intOption(values.users, 'users', 10),
    ...(values['no-lag'] ? { lag: 0 as const } : {}),
  });
  const broadcaster = mock.users[0]!;
  const token = mock.createUserToken({ userId: broadcaster.id });
  const lines = [
    'Twitchify mock is running',
    `  base:          ${mock.urls.base}`,
    `  helix:         ${mock.urls.helix}   (also ${mock.urls.base}/mock)`,
    `  oauth:         ${mock.urls.oauth}   (also ${mock.urls.base}/auth)`,
    `  eventsub ws:   ${mock.urls.eventsubWs}`,
    `  admin:         ${mock.urls.admin}`,
    `  client id:     ${mock.clientId}`,
    `  client secret: ${mock.clientSecret}`,
    `  app token:     ${mock.appToken}`,
    `  user:          ${broadcaster.login} (id ${broadcaster.id})`,
    `  user token:    ${token.accessToken}   (all scopes)`,
    `  refresh token: ${token.refreshToken}`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const stop = () => {
    void mock.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`twitchify-mock: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
