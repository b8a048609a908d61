/**
 * The emulator's EventSub hub: WebSocket sessions at `/ws`, the Helix subscription and conduit routes, webhook
 * deliveries, conduit load-balancing and delivery faults. The server mounts `routes` under `/helix`, passes WebSocket
 * upgrades to `handleUpgrade`, and calls `publish` for every change made "on twitch.tv".
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { HelixRoute } from '../http/route.js';
import { conduitRoutes } from './conduitRoutes.js';
import type { HubContext } from './context.js';
import { DeliveryScheduler } from './delivery.js';
import { type ExampleOverrides, exampleNotification } from './examples.js';
import { type NotificationBody, notificationFrame, revocationFrame, wireSubscription } from './frames.js';
import { sessionId, timestamp, uuid } from './ids.js';
import { HubSession } from './session.js';
import { HubStore, matches, nextEnabledShard } from './store.js';
import { subscriptionRoutes } from './subscriptionRoutes.js';
import type { DeliverySettings, EventSubHubDeps, HubNotification, HubSubscription } from './types.js';
import { viaShard, WebhookSender } from './webhook.js';

export type { DeliverySettings, EventSubHubDeps, HubNotification, HubSubscription } from './types.js';

/** A session as tests see it. */
export interface HubSessionInfo {
  id: string;
  status: 'connected' | 'reconnecting' | 'closed';
  keepaliveSeconds: number;
  connectedAt: string;
  silenced: boolean;
  /** Enabled subscriptions delivered over this session directly. */
  subscriptions: number;
  /** Frames sent so far (welcome, keepalives, notifications...). */
  framesSent: number;
}

/** Frames that are not what Twitch sends, to test a client's resilience. */
export type MalformedKind = 'json' | 'truncated' | 'unknown_type' | 'huge' | 'bad_shape';

export interface EventSubHub {
  readonly routes: HelixRoute[];
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Delivers a notification to every enabled matching subscription; returns how many deliveries were scheduled. */
  publish(n: HubNotification): number;
  setDelivery(settings: DeliverySettings): void;
  sessions(): HubSessionInfo[];
  /** Every subscription, as Helix would print it (for assertions). */
  subscriptions(): Record<string, unknown>[];
  /** Drops one session's TCP connection (or every session's) without a close frame. */
  dropSocket(id?: string): void;
  /** Stops all traffic (keepalives included) on a session; the socket stays open. */
  silence(id: string, silent?: boolean): void;
  /**
   * Sends session_reconnect; the old socket closes with 4004 if the client never moves. `reconnectUrl` replaces the
   * URL Twitch would give (another host, `ws://`, not a URL at all) to test what a client follows.
   */
  reconnect(id: string, reconnectUrl?: string): void;
  /** Closes a session with a Twitch close code (4000-4007). */
  closeSocket(id: string, code: number): void;
  /** Sends a frame Twitch would never send. */
  sendMalformed(id: string, kind: MalformedKind): void;
  /** Revokes a subscription with a reason (`authorization_revoked`, `user_removed`, `version_removed`, ...). */
  revoke(subscriptionId: string, reason: string): void;
  /** Emits Twitch's example for `type@version`, with condition and event fields overridden. */
  /**
   * Emits what Twitch sends for `type@version` (its docs' example, corrected to the field tables), with condition and
   * event fields overridden; `variant` picks a documented alternative (`anonymous`, `permanent`, `canceled`...) or
   * `'seeded'` draws one; a batched type sends `batchSize` items as `events`.
   */
  emitExample(typeAtVersion: string, overrides?: ExampleOverrides): number;
  /** Sends any frame as it is (for a client's resilience to what Twitch would never send). */
  sendFrame(id: string, frame: unknown): void;
  close(): Promise<void>;
}

export function createEventSubHub(deps: EventSubHubDeps): EventSubHub {
  const now = () => (deps.clock ?? Date).now();
  const random = deps.random;
  const store = new HubStore();
  const sessions = new Map<string, HubSession>();
  const handovers = new Map<string, HubSession>();
  const scheduler = new DeliveryScheduler(random);
  const wss = new WebSocketServer({ noServer: true });
  const graceMs = deps.reconnectGraceMs ?? 30_000;
  const windowMs = (deps.subscribeWindowSeconds ?? 10) * 1000;

  const webhooks = new WebhookSender({
    fetch: deps.fetch ?? fetch,
    random,
    now,
    retries: deps.webhookRetries ?? { attempts: 3, delayMs: 200 },
    onFailed: (sub) => revoke(sub.id, 'notification_failures_exceeded'),
  });

  const ctx: HubContext = {
    store,
    sessions,
    webhooks,
    now,
    random,
    limits: {
      subscriptionsPerConnection: deps.limits?.subscriptionsPerConnection ?? 300,
      connectionsPerUser: deps.limits?.connectionsPerUser ?? 3,
    },
    verifyWebhook(sub) {
      void webhooks.verify(sub).then((ok) => {
        sub.status = ok ? 'enabled' : 'webhook_callback_verification_failed';
      });
    },
    verifyShard(conduit, shard) {
      const t = shard.transport;
      if (t?.method !== 'webhook') return;
      void webhooks.verifyShard(conduit.id, shard.id, t.callback, t.secret ?? '').then((ok) => {
        // The shard may have been reassigned meanwhile: only this transport's verification decides its status.
        if (shard.transport !== t) return;
        shard.status = ok ? 'enabled' : 'webhook_callback_verification_failed';
      });
    },
  };

  const isUsed = (s: HubSession) =>
    store.bySession(s.id).length > 0 ||
    [...store.conduits.values()].some((c) =>
      c.shards.some((sh) => sh.transport?.method === 'websocket' && sh.transport.session_id === s.id),
    );

  /** A session ended: its subscriptions are disabled and its conduit shards report conduit.shard.disabled. */
  const onEnd = (session: HubSession, status: string) => {
    sessions.delete(session.id);
    const at = timestamp(now());
    for (const sub of store.bySession(session.id)) {
      if (sub.status !== 'enabled') continue;
      sub.status = status;
      if (sub.transport.method === 'websocket') sub.transport.disconnected_at = at;
    }
    for (const conduit of store.conduits.values()) {
      for (const shard of conduit.shards) {
        const t = shard.transport;
        if (t?.method !== 'websocket' || t.session_id !== session.id || shard.status !== 'enabled') continue;
        shard.status = status;
        t.disconnected_at = at;
        publish({
          type: 'conduit.shard.disabled',
          version: '1',
          condition: { client_id: conduit.clientId },
          event: { conduit_id: conduit.id, shard_id: shard.id, status, transport: { ...t } },
        });
      }
    }
  };

  const deliverToSession = (session: HubSession | undefined, text: string) => {
    if (!session || session.status === 'closed') return;
    scheduler.deliver(`ws:${session.id}`, () => session.sendRaw(text));
  };

  /** `at`: when the change was committed, the message timestamp of every notification of it. */
  const deliver = (sub: HubSubscription, content: NotificationBody, at: number) => {
    const id = uuid(random);
    const t = sub.transport;
    if (t.method === 'websocket') {
      deliverToSession(sessions.get(t.session_id), JSON.stringify(notificationFrame(id, at, sub, content)));
    } else if (t.method === 'webhook') {
      const body = { subscription: wireSubscription(sub), ...content };
      scheduler.deliver(`wh:${sub.id}`, () => webhooks.send(sub, 'notification', body, id, at));
    } else {
      const conduit = store.conduits.get(t.conduit_id);
      const shard = conduit && nextEnabledShard(conduit);
      if (!conduit || !shard?.transport) return;
      const st = shard.transport;
      if (st.method === 'websocket') {
        deliverToSession(sessions.get(st.session_id), JSON.stringify(notificationFrame(id, at, sub, content)));
      } else {
        const body = { subscription: wireSubscription(sub), ...content };
        const via = viaShard(sub, st);
        scheduler.deliver(`wh:${conduit.id}:${shard.id}`, () => webhooks.send(via, 'notification', body, id, at));
      }
    }
  };

  function publish(n: HubNotification): number {
    let count = 0;
    // one timestamp for every subscriber: the clock can pass a millisecond while the loop runs
    const at = now();
    const content: NotificationBody = n.events ? { events: n.events } : { event: n.event };
    for (const sub of store.subscriptions.values()) {
      if (!matches(sub, n.type, n.version, n.condition)) continue;
      deliver(sub, content, at);
      count++;
    }
    return count;
  }

  function revoke(subscriptionId: string, reason: string): void {
    const sub = store.subscriptions.get(subscriptionId);
    if (!sub) return;
    const wasEnabled = sub.status === 'enabled';
    sub.status = reason;
    if (!wasEnabled) return;
    const t = sub.transport;
    if (t.method === 'websocket') sessions.get(t.session_id)?.send(revocationFrame(uuid(random), now(), sub));
    else if (t.method === 'webhook') webhooks.send(sub, 'revocation', { subscription: wireSubscription(sub) });
    else {
      // A conduit's revocation goes to one enabled shard, whichever transport it uses.
      const conduit = store.conduits.get(t.conduit_id);
      const st = conduit && nextEnabledShard(conduit)?.transport;
      if (st?.method === 'websocket') sessions.get(st.session_id)?.send(revocationFrame(uuid(random), now(), sub));
      else if (st?.method === 'webhook') {
        webhooks.send(viaShard(sub, st), 'revocation', { subscription: wireSubscription(sub) });
      }
    }
  }

  const need = (id: string) => {
    const s = sessions.get(id);
    if (!s) throw new RangeError(`no EventSub session ${id}`);
    return s;
  };

  return {
    routes: [...subscriptionRoutes(ctx, deps.lookupToken), ...conduitRoutes(ctx, deps.lookupToken)],
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/ws', 'http://localhost');
      wss.handleUpgrade(req, socket, head, (ws) => {
        const reconnectId = url.searchParams.get('reconnect_id');
        if (reconnectId !== null) {
          const session = handovers.get(reconnectId);
          handovers.delete(reconnectId);
          if (session?.status !== 'reconnecting') ws.close(4007, 'invalid reconnect url');
          else session?.handover(ws);
          return;
        }
        const asked = Number(deps.keepaliveSeconds ?? url.searchParams.get('keepalive_timeout_seconds') ?? 10);
        const keepaliveSeconds = Number.isFinite(asked) ? Math.min(600, Math.max(10, Math.round(asked))) : 10;
        const session = new HubSession({
          id: sessionId(random),
          socket: ws,
          keepaliveSeconds,
          subscribeWindowMs: windowMs,
          pingIntervalMs: deps.pingIntervalMs ?? keepaliveSeconds * 1000,
          now,
          random,
          onEnd,
          isUsed,
        });
        sessions.set(session.id, session);
        session.welcome();
      });
    },
    publish,
    setDelivery: (settings) => scheduler.set(settings),
    sessions: () =>
      [...sessions.values()].map((s) => ({
        id: s.id,
        status: s.status,
        keepaliveSeconds: s.keepaliveSeconds,
        connectedAt: s.connectedAt,
        silenced: s.silenced,
        subscriptions: store.enabledCountOnSession(s.id),
        framesSent: s.sent,
      })),
    subscriptions: () => [...store.subscriptions.values()].map(wireSubscription),
    dropSocket(id) {
      for (const s of id ? [need(id)] : [...sessions.values()]) s.terminate();
    },
    silence(id, silent = true) {
      need(id).silenced = silent;
    },
    reconnect(id, reconnectUrl) {
      const session = need(id);
      const token = uuid(random);
      handovers.set(token, session);
      const base = new URL(deps.urls.eventsubWs);
      base.search = '';
      base.searchParams.set('reconnect_id', token);
      session.startReconnect(reconnectUrl ?? base.toString(), graceMs);
    },
    closeSocket(id, code) {
      need(id).close(code, 'closed by the emulator');
    },
    sendMalformed(id, kind) {
      const session = need(id);
      const meta = { message_id: uuid(random), message_type: 'notification', message_timestamp: timestamp(now()) };
      if (kind === 'json') session.sendRaw('{"metadata": {"message_id": ');
      else if (kind === 'truncated') session.sendRaw(JSON.stringify({ metadata: meta, payload: {} }).slice(0, 40));
      else if (kind === 'unknown_type')
        session.send({ metadata: { ...meta, message_type: 'session_mystery' }, payload: {} });
      else if (kind === 'bad_shape') session.send({ metadata: meta, payload: { subscription: 42 } });
      else session.sendRaw(JSON.stringify({ metadata: meta, payload: { blob: 'x'.repeat(2_000_000) } }));
    },
    sendFrame(id, frame) {
      need(id).sendRaw(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    revoke,
    emitExample(typeAtVersion, overrides) {
      return publish(exampleNotification(typeAtVersion, overrides ?? {}, deps.lookupUser, random, () => uuid(random)));
    },
    async close() {
      for (const s of [...sessions.values()]) s.close(1001, 'emulator stopping');
      for (const ws of wss.clients) ws.terminate();
      scheduler.close();
      webhooks.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
