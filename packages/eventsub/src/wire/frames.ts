/** EventSub messages as Twitch sends them (snake_case), and their checks; unknown fields pass through. */
import { type Check, isObject, literal, nullable, number, object, optional, string, unknown } from './check.js';

export interface WireTransport {
  method: string;
  session_id?: string | undefined;
  callback?: string | undefined;
  conduit_id?: string | undefined;
  connected_at?: string | undefined;
  disconnected_at?: string | undefined;
  [field: string]: unknown;
}

export interface WireSubscription {
  id: string;
  status: string;
  type: string;
  version: string;
  cost: number;
  condition: Record<string, unknown>;
  transport: WireTransport;
  created_at: string;
  [field: string]: unknown;
}

interface WireMetadata<T extends string> {
  message_id: string;
  message_type: T;
  message_timestamp: string;
  subscription_type?: string | undefined;
  subscription_version?: string | undefined;
  [field: string]: unknown;
}

interface WireSession {
  id: string;
  status: string;
  connected_at?: string | undefined;
  keepalive_timeout_seconds?: number | null | undefined;
  reconnect_url?: string | null | undefined;
  [field: string]: unknown;
}

export interface WireWelcome {
  metadata: WireMetadata<'session_welcome'>;
  payload: { session: WireSession };
}
export interface WireKeepalive {
  metadata: WireMetadata<'session_keepalive'>;
  payload?: unknown;
}
export interface WireReconnect {
  metadata: WireMetadata<'session_reconnect'>;
  payload: { session: WireSession & { reconnect_url: string } };
}
export interface WireNotificationMessage {
  metadata: WireMetadata<'notification'>;
  payload: WireNotificationBody;
}
export interface WireRevocationMessage {
  metadata: WireMetadata<'revocation'>;
  payload: { subscription: WireSubscription };
}

/** A notification's payload (a webhook body is the same): one `event`, or a batched type's `events: [{ id, data }]`. */
export interface WireNotificationBody {
  subscription: WireSubscription;
  event?: Record<string, unknown>;
  events?: unknown[];
}

/** One WebSocket message; `metadata.message_type` says which. */
export type WireMessage = WireWelcome | WireKeepalive | WireReconnect | WireNotificationMessage | WireRevocationMessage;

/**
 * The first field of a parsed notification frame that is not as Twitch sends it (`payload.subscription.cost`), or
 * undefined when the frame is well formed. The frame is checked in place, so a valid one costs no allocation.
 */
export function notificationProblem(frame: {
  metadata: Record<string, unknown>;
  payload?: unknown;
}): string | undefined {
  const m = frame.metadata;
  if (typeof m.message_id !== 'string') return 'metadata.message_id';
  if (typeof m.message_timestamp !== 'string') return 'metadata.message_timestamp';
  const p = frame.payload;
  if (!isObject(p)) return 'payload';
  const sub = subscriptionProblem(p.subscription);
  if (sub !== undefined) return `payload.subscription${sub}`;
  if (p.event !== undefined) return isObject(p.event) ? undefined : 'payload.event';
  return Array.isArray(p.events) ? undefined : 'payload.event';
}

/** The first field of a wire subscription that is off (`.cost`, `''` for the object itself), or undefined. */
export function subscriptionProblem(s: unknown): string | undefined {
  if (!isObject(s)) return '';
  if (typeof s.id !== 'string') return '.id';
  if (typeof s.status !== 'string') return '.status';
  if (typeof s.type !== 'string') return '.type';
  if (typeof s.version !== 'string') return '.version';
  if (typeof s.cost !== 'number') return '.cost';
  if (!isObject(s.condition)) return '.condition';
  if (typeof s.created_at !== 'string') return '.created_at';
  const t = s.transport;
  if (!isObject(t)) return '.transport';
  if (typeof t.method !== 'string') return '.transport.method';
  for (const k of ['session_id', 'callback', 'conduit_id', 'connected_at', 'disconnected_at'] as const) {
    if (t[k] !== undefined && typeof t[k] !== 'string') return `.transport.${k}`;
  }
  return undefined;
}

/** A wire subscription, as a {@link Check}. */
export const wireSubscription: Check = (v) => {
  const field = subscriptionProblem(v);
  if (field === undefined) return undefined;
  return field === '' ? ': expected a subscription object' : `${field}: not as Twitch sends it`;
};

const metadataFields = {
  message_id: string,
  message_type: string,
  message_timestamp: string,
  subscription_type: optional(string),
  subscription_version: optional(string),
};
const metadata = (type: string) => object({ ...metadataFields, message_type: literal(type) });

const sessionFields = {
  id: string,
  status: string,
  connected_at: optional(string),
  keepalive_timeout_seconds: optional(nullable(number)),
  reconnect_url: optional(nullable(string)),
};

/** A keepalive's payload may be anything (Twitch sends `{}`), but it must be there. */
function withPayload(check: Check): Check {
  return (v) => check(v) ?? ('payload' in (v as object) ? undefined : '.payload: expected a value, got nothing');
}

/**
 * The check of each rarer message type: the type is read first, so one check runs per frame. Notifications, the
 * hot path, are checked by `notificationProblem` instead.
 */
export const messageChecks: Readonly<Record<string, Check | undefined>> = {
  session_welcome: object({
    metadata: metadata('session_welcome'),
    payload: object({ session: object(sessionFields) }),
  }),
  session_keepalive: withPayload(object({ metadata: metadata('session_keepalive'), payload: unknown })),
  session_reconnect: object({
    metadata: metadata('session_reconnect'),
    payload: object({ session: object({ ...sessionFields, reconnect_url: string }) }),
  }),
  revocation: object({ metadata: metadata('revocation'), payload: object({ subscription: wireSubscription }) }),
};

/** Message types this package knows; anything else is reported as unknown and skipped. */
export const knownMessageTypes = new Set([
  'session_welcome',
  'session_keepalive',
  'session_reconnect',
  'notification',
  'revocation',
]);

/** A frame's metadata alone, to tell an unknown message type from a frame that has none. */
export const metadataOnly: Check = object({ metadata: object(metadataFields) });
