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
  payload: z.object({ subscription: wireSubscriptionSchema, event: z.record(z.string(), z.unknown()) }),
});
const revocationSchema = z.object({
  metadata: metadataSchema.extend({ message_type: z.literal('revocation') }),
  payload: z.object({ subscription: wireSubscriptionSchema }),
});

export type WireWelcome = z.infer<typeof welcomeSchema>;
export type WireReconnect = z.infer<typeof reconnectSchema>;
export type WireNotificationMessage = z.infer<typeof notificationSchema>;
export type WireRevocationMessage = z.infer<typeof revocationSchema>;

/** The schema of each message type: the type is read first, so one schema is tried per frame. */
export const messageSchemas: Readonly<Record<string, z.ZodType | undefined>> = {
  session_welcome: welcomeSchema,
  session_keepalive: keepaliveSchema,
  session_reconnect: reconnectSchema,
  notification: notificationSchema,
  revocation: revocationSchema,
};

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
