/**
 * Loud by default, quiet on request: what goes wrong reaches the developer once, naming the cause and the fix, through
 * stderr by default or through the app's logger (pino, console and winston shapes), and never twice for one cause.
 */
import { Writable } from 'node:stream';
import { type MockServer, startMock } from '@twitchify/mock';
import pino from 'pino';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { type Client, ConfigurationError, SubscriptionRefusedError } from '../src/index.js';
import { emulatorClient, until } from './support.js';

let mock: MockServer;
let client: Client | undefined;

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 5 });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await client?.close();
  client = undefined;
  await mock.stop();
});

/** A token of the main broadcaster without the follow scope. */
function tokenWithout(scope: string): string {
  const all = mock.createUserToken({ userId: mock.users[0]!.id }).scopes as string[] | undefined;
  const scopes = (all ?? ['user:read:email']).filter((s) => s !== scope);
  return mock.createUserToken({ userId: mock.users[0]!.id, scopes }).accessToken;
}

/** Captures what the default logger writes to stderr. */
function captureStderr(): string[] {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.startsWith('twitchify ')) {
      lines.push(text);
      return true;
    }
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write);
  return lines;
}

it('by default, a follow handler whose scope is missing prints one warning naming the scope and the TTL-bounded reads', async () => {
  const lines = captureStderr();
  client = emulatorClient(mock);
  client.on('follow', () => {});
  await client.run({ accessToken: tokenWithout('moderator:read:followers') });
  await until(() => client!.cacheReport().feeds.refused.length > 0);
  // a second channel's refusal of the same cause is not told again
  const about = lines.filter((l) => l.includes('moderator:read:followers'));
  expect(about).toHaveLength(1);
  expect(about[0]).toMatch(/^twitchify warn: /);
  expect(about[0]).toContain('channels.getFollowers');
  expect(about[0]).toContain('fix:');
});

it('with an error handler, one refusal is one SubscriptionRefusedError carrying the missing scope', async () => {
  client = emulatorClient(mock, { logLevel: 'silent' });
  const errors: unknown[] = [];
  client.on('error', (e) => errors.push(e));
  client.on('follow', () => {});
  await client.run({ accessToken: tokenWithout('moderator:read:followers') });
  await until(() => client!.cacheReport().feeds.refused.length > 0);
  expect(errors).toHaveLength(1);
  const refusal = errors[0] as SubscriptionRefusedError;
  expect(refusal).toBeInstanceOf(SubscriptionRefusedError);
  expect(refusal.missingScopes).toEqual(['moderator:read:followers']);
  expect(refusal.ttlBoundReads).toContain('channels.getFollowers');
});

it('a handler that throws with no error handler is printed once, with what to do', async () => {
  const lines = captureStderr();
  client = emulatorClient(mock);
  client.on('ready', () => {
    throw new Error('boom in ready');
  });
  await client.run({ accessToken: mock.createUserToken({ userId: mock.users[0]!.id }).accessToken });
  await until(() => lines.some((l) => l.includes('boom in ready')));
  const printed = lines.filter((l) => l.includes('boom in ready'));
  expect(printed).toHaveLength(1);
  expect(printed[0]).toMatch(/^twitchify error: /);
  expect(printed[0]).toContain("client.on('error'");
});

it("logLevel 'silent' prints nothing", async () => {
  const lines = captureStderr();
  client = emulatorClient(mock, { logLevel: 'silent' });
  client.on('ready', () => {
    throw new Error('quiet please');
  });
  client.on('follow', () => {});
  await client.run({ accessToken: tokenWithout('moderator:read:followers') });
  await until(() => client!.cacheReport().feeds.refused.length > 0);
  expect(lines).toEqual([]);
});

it('pino receives the fields (it is called fields first)', async () => {
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) records.push(JSON.parse(line));
      done();
    },
  });
  client = emulatorClient(mock, { logger: pino({ level: 'warn' }, sink) });
  client.on('follow', () => {});
  await client.run({ accessToken: tokenWithout('moderator:read:followers') });
  await until(() => records.some((r) => String(r.msg).includes('moderator:read:followers')));
  const warning = records.find((r) => String(r.msg).includes('moderator:read:followers'))!;
  expect(warning.level).toBe(40);
  expect(warning.missingScopes).toEqual(['moderator:read:followers']);
  expect(warning.code).toBe('TWITCHIFY_SUBSCRIPTION_REFUSED');
});

it('console and winston shapes are called (message, fields); a logger that throws hurts nothing', async () => {
  const calls: unknown[][] = [];
  const consoleLike = { warn: (...a: unknown[]) => calls.push(a), error: (...a: unknown[]) => calls.push(a) };
  // winston: `log` and `transports`, and level methods called (message, meta)
  const winstonLike = { ...consoleLike, log: () => {}, transports: [], levels: { error: 0, warn: 1 } };
  for (const logger of [consoleLike, winstonLike]) {
    calls.length = 0;
    const c = emulatorClient(mock, { logger });
    c.on('follow', () => {});
    await c.run({ accessToken: tokenWithout('moderator:read:followers') });
    await until(() => calls.length > 0);
    expect(typeof calls[0]![0]).toBe('string');
    expect(calls[0]![1]).toMatchObject({ missingScopes: ['moderator:read:followers'] });
    await c.close();
  }
  const throwing = {
    warn: () => {
      throw new Error('logger down');
    },
    error: () => {
      throw new Error('logger down');
    },
  };
  client = emulatorClient(mock, { logger: throwing });
  client.on('follow', () => {});
  client.on('ready', () => {
    throw new Error('handler down');
  });
  await client.run({ accessToken: tokenWithout('moderator:read:followers') });
  await until(() => client!.cacheReport().feeds.refused.length > 0);
  expect(client.status).toBe('running');
});

it("client.on('folow') throws a typed error naming the close match; a bad logger or level is refused", () => {
  client = emulatorClient(mock);
  const c = client as unknown as { on(name: string, h: () => void): void };
  expect(() => c.on('folow', () => {})).toThrow(ConfigurationError);
  expect(() => c.on('folow', () => {})).toThrow(/did you mean 'follow'/);
  expect(() => c.on('channel.updat', () => {})).toThrow(/'channel.update'/);
  expect(() => emulatorClient(mock, { logLevel: 'loud' as never })).toThrow(ConfigurationError);
  expect(() => emulatorClient(mock, { logger: {} as never })).toThrow(/`logger`/);
});
