/**
 * One drop, one line: a dropped EventSub socket that is reconnected is logged as exactly one warning that says it is
 * reconnecting (the details at debug), whether or not the app has an `error` handler, and the error given to that
 * handler says the same (`reconnecting`). Real emulator dropping the socket, the Client's logger captured.
 */
import { EventSubConnectionError } from '@twitchify/eventsub';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Client, ClientOptions } from '../src/index.js';
import { emulatorClient, until } from './support.js';

let mock: MockServer;
let client: Client | undefined;

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 31 });
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await mock.stop();
});

interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

function capture(): { lines: Line[]; logger: NonNullable<ClientOptions['logger']> } {
  const lines: Line[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, fields: fields ?? {} });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** The live session with both subscriptions on it, other than `not`. */
const subscribed = (not?: string) =>
  mock.eventsub.sessions().find((s) => s.status !== 'closed' && s.id !== not && s.subscriptions === 2);

/** Runs a Client with two handlers, drops its socket, and waits until it is subscribed on a new session. */
async function dropAndRecover(
  withErrorHandler: boolean,
): Promise<{ lines: Line[]; errors: unknown[]; dropped: string }> {
  const { lines, logger } = capture();
  const errors: unknown[] = [];
  client = emulatorClient(mock, { logger, logLevel: 'debug' });
  client.on('follow', () => {});
  client.on('channel.update', () => {});
  if (withErrorHandler) client.on('error', (e) => errors.push(e));
  await client.run({ accessToken: mock.createUserToken({ userId: mock.users[0]!.id }).accessToken });
  const first = (await until(() => subscribed()))!;
  const from = lines.length;
  mock.eventsub.dropSocket(first.id);
  await until(() => subscribed(first.id));
  await until(() => client!.cacheReport().feeds.active.length >= 2);
  return { lines: lines.slice(from), errors, dropped: first.id };
}

const loud = (lines: Line[]) => lines.filter((l) => l.level === 'warn' || l.level === 'error');

for (const withErrorHandler of [false, true]) {
  it(`a recovered socket drop logs exactly one warning, saying it reconnects (${withErrorHandler ? 'with' : 'without'} an error handler)`, async () => {
    const { lines, errors, dropped } = await dropAndRecover(withErrorHandler);
    const told = loud(lines);
    expect(told.map((l) => `${l.level} ${l.message}`)).toEqual([
      'warn EventSub socket closed: 1006 connection lost; reconnecting',
    ]);
    expect(told[0]!.fields).toMatchObject({ closeCode: 1006, reconnecting: true, session: dropped });
    // the details are at debug
    const detail = lines.find((l) => l.level === 'debug' && l.message === 'eventsub socket closed');
    expect(detail?.fields).toMatchObject({ code: 1006, session: dropped, attempt: 1 });
    expect(detail?.fields.reconnectInMs).toEqual(expect.any(Number));
    if (withErrorHandler) {
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(EventSubConnectionError);
      expect(errors[0]).toMatchObject({ closeCode: 1006, reconnecting: true, message: told[0]!.message });
    }
  });
}

it('a recovered drop of a conduit shard’s socket logs exactly one warning too', async () => {
  const { lines, logger } = capture();
  client = emulatorClient(mock, {
    logger,
    logLevel: 'debug',
    clientSecret: mock.clientSecret,
    eventsub: { conduit: {} },
  });
  client.on('channel.update', () => {});
  await client.run({ accessToken: mock.createUserToken({ userId: mock.users[0]!.id }).accessToken });
  await until(() => client!.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@')));
  const first = mock.eventsub.sessions().find((s) => s.status !== 'closed')!;
  const from = lines.length;
  mock.eventsub.dropSocket(first.id);
  await until(() => mock.eventsub.sessions().some((s) => s.status !== 'closed' && s.id !== first.id));
  await until(() =>
    lines.slice(from).some((l) => l.message === 'eventsub conduit shard attached' && l.fields.session !== first.id),
  );
  await until(() => client!.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@')));
  const told = loud(lines.slice(from));
  expect(told.map((l) => `${l.level} ${l.message}`)).toEqual([
    'warn EventSub conduit socket closed: 1006 connection lost; reconnecting',
  ]);
  expect(told[0]!.fields).toMatchObject({ closeCode: 1006, reconnecting: true, session: first.id });
});
