/** Builds EventSub messages in exactly Twitch's shape (WebSocket frames and webhook bodies). */
import { timestamp } from './ids.js';
import type { HubSubscription, Transport } from './types.js';

/** The subscription object as Twitch prints it inside messages and Helix answers. */
export function wireSubscription(sub: HubSubscription): Record<string, unknown> {
  return {
    id: sub.id,
    status: sub.status,
    type: sub.type,
    version: sub.version,
    cost: sub.cost,
    condition: sub.condition,
    transport: wireTransport(sub.transport),
    created_at: sub.createdAt,
  };
}

/** A transport without its secret (Twitch never echoes a webhook secret). */
export function wireTransport(t: Transport): Record<string, unknown> {
  if (t.method === 'webhook') return { method: 'webhook', callback: t.callback };
  if (t.method === 'conduit') return { method: 'conduit', conduit_id: t.conduit_id };
  const out: Record<string, unknown> = { method: 'websocket', session_id: t.session_id };
  if (t.connected_at) out.connected_at = t.connected_at;
  if (t.disconnected_at) out.disconnected_at = t.disconnected_at;
  return out;
}

export interface SessionInfo {
  id: string;
  status: 'connected' | 'reconnecting';
  connectedAt: string;
  keepaliveSeconds: number | null;
  reconnectUrl: string | null;
}

function metadata(messageId: string, type: string, nowMs: number, sub?: HubSubscription) {
  const meta: Record<string, string> = {
    message_id: messageId,
    message_type: type,
    message_timestamp: timestamp(nowMs),
  };
  if (sub) {
    meta.subscription_type = sub.type;
    meta.subscription_version = sub.version;
  }
  return meta;
}

export function sessionFrame(kind: 'session_welcome' | 'session_reconnect', id: string, now: number, s: SessionInfo) {
  return {
    metadata: metadata(id, kind, now),
    payload: {
      session: {
        id: s.id,
        status: s.status,
        connected_at: s.connectedAt,
        keepalive_timeout_seconds: s.keepaliveSeconds,
        reconnect_url: s.reconnectUrl,
      },
    },
  };
}

export function keepaliveFrame(id: string, now: number) {
  return { metadata: metadata(id, 'session_keepalive', now), payload: {} };
}

/** What a notification carries besides its subscription: one `event`, or a batched type's `events`. */
export type NotificationBody = { event: Record<string, unknown> } | { events: unknown[] };

export function notificationFrame(id: string, now: number, sub: HubSubscription, body: NotificationBody) {
  return {
    metadata: metadata(id, 'notification', now, sub),
    payload: { subscription: wireSubscription(sub), ...body },
  };
}

export function revocationFrame(id: string, now: number, sub: HubSubscription) {
  return { metadata: metadata(id, 'revocation', now, sub), payload: { subscription: wireSubscription(sub) } };
}
