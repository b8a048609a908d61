/**
 * A closed socket is told once, by the listener: a warning while it reconnects, an error when it does not (the
 * reconnect strategy gave up), each saying which, with the details at debug; the error listeners get the same error,
 * marked `reconnecting`. Real emulator dropping the socket.
 */
import { EventSubConnectionError } from '@twitchify/eventsub';
import { describe, expect, it } from 'vitest';
import { emulatorPerTest, until } from './support.js';

describe('a dropped socket is told once', () => {
  const env = emulatorPerTest();

  async function drop(reconnectStrategy?: () => number | null) {
    const lines: string[] = [];
    const at = (level: string) => (message: string) => lines.push(`${level} ${message}`);
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const l = env.listener({ logger, ...(reconnectStrategy ? { reconnectStrategy } : {}) });
    l.add({ type: 'channel.update', version: '2', condition: { broadcaster_user_id: env.mock.users[0]!.id } });
    const errors: EventSubConnectionError[] = [];
    l.onError((e) => {
      if (e instanceof EventSubConnectionError) errors.push(e);
    });
    await l.start();
    const first = env.mock.eventsub.sessions()[0]!.id;
    const from = lines.length;
    env.mock.eventsub.dropSocket(first);
    await until('the drop told', () => errors.length === 1);
    return { l, lines: () => lines.slice(from), errors, first };
  }

  it('reconnecting: one warning that says so', async () => {
    const { l, lines, errors, first } = await drop();
    await until('subscribed on a new session', () =>
      env.mock.eventsub.sessions().some((s) => s.id !== first && s.status !== 'closed' && s.subscriptions === 1),
    );
    await until('active again', () => l.active().length === 1);
    const loud = lines().filter((x) => x.startsWith('warn') || x.startsWith('error'));
    expect(loud).toEqual(['warn EventSub socket closed: 1006 connection lost; reconnecting']);
    expect(lines()).toContain('debug eventsub socket closed');
    expect(errors[0]).toMatchObject({ reconnecting: true, closeCode: 1006 });
    expect(errors[0]!.reconnectInMs).toEqual(expect.any(Number));
  });

  it('given up: one error that says it does not reconnect', async () => {
    const { lines, errors } = await drop(() => null);
    const loud = lines().filter((x) => x.startsWith('warn') || x.startsWith('error'));
    expect(loud).toEqual([
      'error EventSub socket closed: 1006 connection lost; not reconnecting (gave up after 1 attempt)',
    ]);
    expect(errors[0]).toMatchObject({ reconnecting: false, reconnectInMs: undefined });
  });
});
