/** zod schemas of EventSub messages as Twitch sends them (snake_case); unknown fields pass through. */
import { z } from 'zod';

export const wireTransportSchema = z.looseObject({
  method: z.string(),
  session_id: z.string().optional(),
  callback: z.string().optional(),
  conduit_id: z.string().optional(),
  connected_at: z.string().optional(),
  disconnected_at: z.string().optional(),
});

export const wireSubscriptionSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  type: z.string(),
  version: z.string(),
  cost: z.number(),
  condition: z.record(z.string(), z.unknown()),
  transport: wireTransportSchema,
  created_at: z.string(),
});
export type WireSubscription = z.infer<typeof wireSubscriptionSchema>;

const metadataSchema = z.looseObject({
  message_id: z.string(),
  message_type: z.string(),
  message_timestamp: z.string(),
  subscription_type: z.string().optional(),
  subscription_version: z.string().optional(),
});

const sessionSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  connected_at: z.string().optional(),
  keepalive_timeout_seconds: z.number().nullable().optional(),
  reconnect_url: z.string().nullable().optional(),
});

const welcomeSchema = z.object({
  metadata: metadataSchema.extend({ message_type: z.literal('session_welcome') }),
  payload: z.object({ session: sessionSchema }),
});
const keepaliveSchema = z.object({
  metadata: metadataSchema.extend({ message_type: z.literal('session_keepalive') }),
  payload: z.unknown(),
});
const reconnectSchema = z.object({
  metadata: metadataSchema.extend({ message_type: z.literal('session_reconnect') }),
  payload: z.object({ session: sessionSchema.extend({ reconnect_url: z.string() }) }),
});
const notificationSchema = z.object({
  metadata: metadataSchema.extend({ message_type: z.literal('notification') }),
  payload: z.object({
    subscription: wireSubscriptionSchema,
    event: z.record(z.string(), z.unknown()).optional(),
    events: z.array(z.unknown()).optional(),
  }),
});
const revocationSchema = z.object({
  metadata: metadataSchema.extend({ message_type: z.literal('revocation') }),
  payload: z.object({ subscription: wireSubscriptionSchema }),
});

/** A notification's payload (a webhook body is the same): one `event`, or a batched type's `events: [{ id, data }]`. */
export interface WireNotificationBody {
  subscription: WireSubscription;
  event?: Record<string, unknown>;
  events?: unknown[];
}

export type WireWelcome = z.infer<typeof welcomeSchema>;
export type WireReconnect = z.infer<typeof reconnectSchema>;
export type WireNotificationMessage = z.infer<typeof notificationSchema>;
export type WireRevocationMessage = z.infer<typeof revocationSchema>;

/**
 * The schema of each rarer message type: the type is read first, so one schema is tried per frame. Notifications,
 * the hot path, are checked in place by `notificationProblem` instead (no copy of the frame).
 */
export const messageSchemas: Readonly<Record<string, z.ZodType | undefined>> = {
  session_welcome: welcomeSchema,
  session_keepalive: keepaliveSchema,
  session_reconnect: reconnectSchema,
  revocation: revocationSchema,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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

/** One WebSocket message; `metadata.message_type` says which. */
export const wireMessageSchema = z.union([
  welcomeSchema,
  keepaliveSchema,
  reconnectSchema,
  notificationSchema,
  revocationSchema,
]);
export type WireMessage = z.infer<typeof wireMessageSchema>;

/** Message types this package knows; anything else is reported as unknown and skipped. */
export const knownMessageTypes = new Set([
  'session_welcome',
  'session_keepalive',
  'session_reconnect',
  'notification',
  'revocation',
]);

export const metadataOnlySchema = z.object({ metadata: metadataSchema });
