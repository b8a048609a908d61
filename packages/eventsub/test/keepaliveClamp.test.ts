/**
 * A welcome's keepalive_timeout_seconds is held to Twitch's 10 to 600 s: 0 would make the watchdog reconnect every
 * second, 1e10 would overflow the timer (a warning and a 1 ms re-arm loop).
 */
import { afterEach, expect, it } from 'vitest';
import { EventSubConnection } from '../src/connection.js';
import type { WebSocketLike } from '../src/socket.js';

// biome-ignore lint/suspicious/noExplicitAny: the double stands in for every listener signature of the seam.
type Listener = (event: any) => void;

/** A socket double: the test pushes frames into the connection's 'message' listener. */
class FakeSocket implements WebSocketLike {
  readyState = 1;
  readonly listeners = new Map<string, Listener[]>();
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {}
  push(frame: unknown): void {
    for (const l of this.listeners.get('message') ?? []) l({ data: JSON.stringify(frame) });
  }
}

const open: EventSubConnection[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

function welcomed(keepalive: unknown): EventSubConnection {
  const socket = new FakeSocket();
  const conn = new EventSubConnection({
    url: 'ws://127.0.0.1:1/ws',
    keepaliveTimeoutSeconds: 30,
    factory: () => socket,
    clock: { now: () => Date.now() },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    maxFrameBytes: 1 << 20,
    welcomeTimeoutMs: 10_000,
    handlers: { welcome() {}, message() {}, frameError() {}, close() {} },
  });
  open.push(conn);
  conn.open();
  socket.push({
    metadata: { message_id: 'w', message_type: 'session_welcome', message_timestamp: new Date().toISOString() },
    payload: { session: { id: 's', status: 'connected', keepalive_timeout_seconds: keepalive, reconnect_url: null } },
  });
  return conn;
}

it('clamps a keepalive below 10 s to 10 s and above 600 s to 600 s', () => {
  expect(welcomed(0).keepaliveSeconds).toBe(10);
  expect(welcomed(1).keepaliveSeconds).toBe(10);
  expect(welcomed(-5).keepaliveSeconds).toBe(10);
  expect(welcomed(601).keepaliveSeconds).toBe(600);
  expect(welcomed(1e10).keepaliveSeconds).toBe(600);
  expect(welcomed(45).keepaliveSeconds).toBe(45);
  // No keepalive in the welcome: the one asked for.
  expect(welcomed(null).keepaliveSeconds).toBe(30);
});

it('arms no timer that overflows', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    welcomed(1e10);
    await new Promise((r) => setImmediate(r));
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  } finally {
    process.off('warning', onWarning);
  }
});
