import { type MockServer, startMock } from '@twitchify/mock';
import WebSocket from 'ws';

// Tests index freely into parsed JSON; a precise type per assertion would only restate the expectations.
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Json = any;

/** A Helix call over a real socket; returns status, headers and parsed body (undefined when empty). */
export async function helix(
  mock: MockServer,
  token: string,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Json }> {
  const res = await fetch(`${mock.urls.helix}${pathAndQuery}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'client-id': mock.clientId,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...extraHeaders,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Polls `check` until it returns a value other than undefined/false. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A clock a test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** An emulator without lag, its main broadcaster's id `b`, and a token of theirs with every scope. */
export async function startWithBroadcaster(seed: number): Promise<{ mock: MockServer; b: string; token: string }> {
  const mock = await startMock({ port: 0, seed, lag: 0 });
  const b = mock.users[0]!.id;
  return { mock, b, token: mock.createUserToken({ userId: b }).accessToken };
}

/**
 * A socket on the emulator's EventSub, welcomed: every frame it receives (parsed) lands in `frames`; `subscribe`
 * creates a websocket subscription on its session with `token` and answers the status.
 */
export async function eventSocket(mock: MockServer): Promise<{
  ws: WebSocket;
  frames: Json[];
  sessionId: string;
  subscribe(token: string, type: string, version: string, condition: Record<string, string>): Promise<number>;
}> {
  const frames: Json[] = [];
  const ws = new WebSocket(mock.urls.eventsubWs);
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  const welcome = await waitFor(() => frames.find((f) => f.metadata.message_type === 'session_welcome'));
  const sessionId: string = welcome.payload.session.id;
  return {
    ws,
    frames,
    sessionId,
    subscribe: async (token, type, version, condition) =>
      (
        await helix(mock, token, 'POST', '/eventsub/subscriptions', {
          type,
          version,
          condition,
          transport: { method: 'websocket', session_id: sessionId },
        })
      ).status,
  };
}
