/**
 * Fuzzing the two parsers that take bytes from outside: WebSocket frames (through the connection and the receiver,
 * as the listener wires them) and webhook requests (headers and body through the handler). Each frame or request
 * ends as a typed result (a delivery, a session message, an answer) or a typed error; nothing throws, nothing falls
 * through to the connection's catch-all. 10,000 cases per suite each, in-process so that it takes seconds.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { EVENTSUB_EXAMPLES } from '../../mock/src/generated/eventsubExamples.js';
import { EventSubConnection } from '../src/connection.js';
import {
  EventSubDecodeError,
  type EventSubError,
  EventSubFrameError,
  type EventSubNotification,
  EventSubWebhookError,
  EventSubWebhookHandler,
  NotificationReceiver,
} from '../src/index.js';
import type { WebSocketLike } from '../src/socket.js';
import { leaves, mutate } from './mutate.js';

const RUNS = 10_000;
const keys = Object.keys(EVENTSUB_EXAMPLES);

const leafCache = new Map<string, (string | number)[][]>();

/** A Twitch example event with one field replaced by anything JSON can carry, or removed. */
const mutatedEvent = fc.constantFrom(...keys).chain((key) => {
  const event = EVENTSUB_EXAMPLES[key]!.events[0]!;
  const paths = leafCache.get(key) ?? leafCache.set(key, leaves(event)).get(key)!;
  return fc.record({
    key: fc.constant(key),
    event: fc
      .tuple(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 2 }), fc.boolean())
      .map(([path, value, remove]) => mutate(event, path, value, remove && path.length > 0)),
  });
});

const subscriptionOf = (key: string) => {
  const [type, version] = key.split('@') as [string, string];
  return {
    id: 'sub',
    status: 'enabled',
    type,
    version,
    cost: 0,
    condition: {},
    transport: { method: 'websocket', session_id: 's' },
    created_at: '2024-01-01T00:00:00Z',
  };
};

const notification = (id: string, payload: unknown) => ({
  metadata: { message_id: id, message_type: 'notification', message_timestamp: '2024-01-01T00:00:00Z' },
  payload,
});

let counter = 0;
/** What a hostile or broken peer can send: raw strings, any JSON, and near-valid frames of every kind. */
const frames = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  mutatedEvent.map(({ key, event }) =>
    JSON.stringify(notification(`n${counter++}`, { subscription: subscriptionOf(key), event })),
  ),
  fc
    .record({
      metadata: fc.record({
        message_id: fc.oneof(fc.string(), fc.integer()),
        message_type: fc.constantFrom(
          'notification',
          'revocation',
          'session_keepalive',
          'session_reconnect',
          'session_welcome',
          'x',
        ),
        message_timestamp: fc.oneof(fc.string(), fc.constant(null)),
      }),
      payload: fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.record({ subscription: fc.jsonValue({ maxDepth: 2 }), event: fc.jsonValue({ maxDepth: 2 }) }),
        fc.record({
          session: fc.record({
            id: fc.string(),
            status: fc.string(),
            keepalive_timeout_seconds: fc.oneof(fc.integer(), fc.double(), fc.constant(null)),
            reconnect_url: fc.oneof(fc.string(), fc.webUrl(), fc.constant('ws://127.0.0.1:1/ws')),
          }),
        }),
        fc.record({
          subscription: fc.constant(subscriptionOf('drop.entitlement.grant@1')),
          events: fc.array(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ id: fc.string(), data: fc.object() }))),
        }),
      ),
    })
    .map((f) => JSON.stringify(f)),
);

// biome-ignore lint/suspicious/noExplicitAny: the double stands in for every listener signature of the seam.
type Listener = (event: any) => void;
class FakeSocket implements WebSocketLike {
  readyState = 1;
  readonly listeners = new Map<string, Listener[]>();
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {}
  push(data: unknown): void {
    for (const l of this.listeners.get('message') ?? []) l({ data });
  }
}

describe('fuzz', () => {
  it(`WebSocket frames: ${RUNS} frames, each a typed result or a typed error`, () => {
    const sockets: FakeSocket[] = [];
    const receiver = new NotificationReceiver({ dedupe: { capacity: 1000 } });
    const delivered: EventSubNotification[] = [];
    const errors: EventSubError[] = [];
    receiver.onNotification((n) => delivered.push(n));
    receiver.onError((e) => errors.push(e));
    const conn = new EventSubConnection({
      url: 'ws://127.0.0.1:1/ws',
      keepaliveTimeoutSeconds: 30,
      factory: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      clock: { now: () => Date.now() },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      maxFrameBytes: 1 << 20,
      welcomeTimeoutMs: 60_000,
      handlers: {
        welcome() {},
        message(msg, at) {
          if (msg.metadata.message_type === 'notification') {
            const m = msg as unknown as { metadata: { message_id: string; message_timestamp: string }; payload: never };
            receiver.receive(m.metadata.message_id, m.metadata.message_timestamp, m.payload, at, 'websocket');
          }
        },
        frameError: (e) => errors.push(e),
        close() {},
      },
    });
    conn.open();
    sockets[0]!.push(
      JSON.stringify({
        metadata: { message_id: 'w', message_type: 'session_welcome', message_timestamp: '2024-01-01T00:00:00Z' },
        payload: { session: { id: 's', status: 'connected', keepalive_timeout_seconds: 30, reconnect_url: null } },
      }),
    );
    try {
      fc.assert(
        fc.property(frames, (frame) => {
          const before = delivered.length + errors.length;
          // Frames go to the socket the connection currently reads (a reconnect may have replaced it).
          // A throw here fails the property (and would be uncaught on a real socket).
          sockets[sockets.length - 1]!.push(frame);
          for (const n of delivered.slice(before)) {
            if (n.kind === 'malformed') {
              if (!(n.error instanceof EventSubDecodeError) || !/^(event|events\[\d+\])/.test(n.error.field))
                return false;
            } else if (n.kind !== 'typed' && n.kind !== 'raw') return false;
          }
          for (const e of errors.slice(before)) {
            if (!(e instanceof EventSubFrameError || e instanceof EventSubDecodeError)) return false;
            // Never the catch-all: every bad frame is recognised for what it is.
            if (e.message === 'frame could not be handled') return false;
          }
          delivered.length = 0;
          errors.length = 0;
          return true;
        }),
        { numRuns: RUNS, seed: 1 },
      );
    } finally {
      conn.close();
    }
  });

  it(`webhook requests: ${RUNS} requests, each answered with a typed status and error`, () => {
    const secret = 'a-webhook-secret-of-some-length';
    const handler = new EventSubWebhookHandler({ secret });
    const errors: EventSubError[] = [];
    handler.onError((e) => errors.push(e));
    handler.onNotification(() => {});
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      mutatedEvent.map(({ key, event }) =>
        JSON.stringify({
          subscription: { ...subscriptionOf(key), transport: { method: 'webhook', callback: 'x' } },
          event,
        }),
      ),
      fc
        .record({
          subscription: fc.constant(subscriptionOf('drop.entitlement.grant@1')),
          events: fc.array(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ id: fc.string(), data: fc.object() }))),
          challenge: fc.option(fc.string()),
        })
        .map((b) => JSON.stringify(b)),
    );
    const request = fc.record({
      body,
      id: fc.oneof(fc.uuid(), fc.string()),
      type: fc.constantFrom('notification', 'revocation', 'webhook_callback_verification', 'other', ''),
      timestamp: fc.oneof(
        fc.constant('now'),
        fc.string(),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
      sign: fc.constantFrom('right', 'wrong', 'none', 'garbage'),
      drop: fc.subarray([
        'twitch-eventsub-message-id',
        'twitch-eventsub-message-timestamp',
        'twitch-eventsub-message-type',
      ]),
    });
    fc.assert(
      fc.property(request, (r) => {
        const timestamp = r.timestamp === 'now' ? new Date().toISOString() : r.timestamp;
        const mac = createHmac('sha256', r.sign === 'wrong' ? 'another-secret-entirely' : secret)
          .update(r.id + timestamp + r.body)
          .digest('hex');
        const headers: Record<string, string> = {
          'twitch-eventsub-message-id': r.id,
          'twitch-eventsub-message-timestamp': timestamp,
          'twitch-eventsub-message-type': r.type,
        };
        if (r.sign === 'right' || r.sign === 'wrong') headers['twitch-eventsub-message-signature'] = `sha256=${mac}`;
        if (r.sign === 'garbage') headers['twitch-eventsub-message-signature'] = r.body.slice(0, 80);
        for (const d of r.drop) delete headers[d];
        const before = errors.length;
        const answer = handler.handle((n) => headers[n], new TextEncoder().encode(r.body));
        if (![200, 204, 400, 403, 413, 503].includes(answer.status) || typeof answer.body !== 'string') return false;
        for (const e of errors.slice(before)) {
          if (!(e instanceof EventSubWebhookError || e instanceof EventSubDecodeError)) return false;
        }
        errors.length = 0;
        return true;
      }),
      { numRuns: RUNS, seed: 2 },
    );
  });
});
