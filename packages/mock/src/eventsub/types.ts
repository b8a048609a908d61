/** Shapes shared by the pieces of the emulator's EventSub hub. Wire fields are snake_case, as Twitch sends them. */
import type { AuthContext } from '../http/route.js';

/** A notification to deliver to every matching subscription. */
export interface HubNotification {
  type: string;
  version: string;
  /** The notification's condition; a subscription matches when every key it shares with this one is equal. */
  condition: Record<string, string>;
  event: Record<string, unknown>;
  /** A batched type's items (`drop.entitlement.grant`): sent as `events` in place of `event`. */
  events?: { id: string; data: Record<string, unknown> }[];
}

/** Delivery faults, drawn from the hub's seeded random source. */
export interface DeliverySettings {
  delayMs: { min: number; max: number };
  /** Probability in [0, 1] that a notification is never sent. */
  dropRate: number;
  /** Probability that it is sent twice with the same message_id. */
  duplicateRate: number;
  /** Probability that it is held back and sent after the next one to the same destination. */
  reorderRate: number;
}

export type Transport =
  | { method: 'websocket'; session_id: string; connected_at: string; disconnected_at?: string }
  | { method: 'webhook'; callback: string; secret: string }
  | { method: 'conduit'; conduit_id: string };

/** A subscription as the hub stores it. */
export interface HubSubscription {
  id: string;
  clientId: string;
  /** The user whose token created a websocket subscription. */
  userId?: string;
  type: string;
  version: string;
  status: string;
  cost: number;
  condition: Record<string, string>;
  transport: Transport;
  createdAt: string;
}

/** A user as the emulator knows it, to fill `*_user_login` and `*_user_name` fields. */
export interface HubUser {
  id: string;
  login: string;
  displayName: string;
}

/** What the hub needs from the rest of the emulator. */
export interface EventSubHubDeps {
  /** The live context of an access token (for requests that reach the hub without one resolved). */
  lookupToken(accessToken: string): AuthContext | undefined;
  clock?: { now(): number };
  /** Seeded, uniform in [0, 1). */
  random(): number;
  /** `eventsubWs` is the URL clients connect to (used to build reconnect URLs). */
  urls: { eventsubWs: string };
  lookupUser?(userId: string): HubUser | undefined;
  /** Seconds a new socket has to get a subscription before it is closed with 4003. Default 10 (Twitch's). */
  subscribeWindowSeconds?: number;
  /** How often sessions are pinged (a missing pong by the next ping closes with 4002). Default the keepalive. */
  pingIntervalMs?: number;
  /** How long an old socket lives after session_reconnect before 4004. Default 30 s. */
  reconnectGraceMs?: number;
  /**
   * The keepalive every welcome names, whatever the client asked for (kept within Twitch's 10 to 600 s); default the
   * client's `keepalive_timeout_seconds` (10 when absent). Lets a test reach a client's keepalive watchdog at Twitch's
   * shortest keepalive without the client's cooperation.
   */
  keepaliveSeconds?: number;
  /** Webhook retries after a failed delivery, and the delay before the first (doubling). Default 3 and 200 ms. */
  webhookRetries?: { attempts: number; delayMs: number };
  /** Used for webhook deliveries; default the global fetch. */
  fetch?: typeof fetch;
  /** Per connection and per user token, as Twitch. */
  limits?: { subscriptionsPerConnection?: number; connectionsPerUser?: number };
}
