/** Public (camelCase) types shared by the package's transports. */
import type { EventSubDecodeError } from './errors.js';
import type { EventSubEventMap } from './generated/events.js';

/** Every `type@version` this package decodes into a typed event. */
export type KnownEventKey = keyof EventSubEventMap;

/** ms since epoch; injected so tests and replays can drive time. */
export interface Clock {
  now(): number;
}

/** A logger; the default is silent. Messages are constant strings, details go in `fields`. */
export type Logger = Record<'debug' | 'info' | 'warn' | 'error', LogMethod>;
type LogMethod = (message: string, fields?: Record<string, unknown>) => void;

/** Stops a handler from being called. */
export type Unsubscribe = () => void;

/** A subscription the app wants: condition keys as Twitch names them (`broadcaster_user_id`, ...). */
export interface SubscriptionSpec {
  type: string;
  version: string;
  condition: Readonly<Record<string, string>>;
}

/** A subscription as Helix reports it. */
export interface EventSubSubscription {
  id: string;
  status: string;
  type: string;
  version: string;
  cost: number;
  condition: Record<string, unknown>;
  transport: { method: string; sessionId?: string; callback?: string; conduitId?: string };
  createdAt: string;
}

/** Facts about one delivered message. */
export interface NotificationMeta {
  /** Twitch's id; a resent message keeps it. */
  messageId: string;
  /**
   * When Twitch sent it (RFC 3339, nanoseconds): order by this, delivery order is not guaranteed. `timestampMs` reads
   * it without losing the digits past the millisecond.
   */
  messageTimestamp: string;
  /** `clock.now()` when the frame was read. */
  receivedAt: number;
  subscription: EventSubSubscription;
  via: 'websocket' | 'webhook' | 'conduit';
  /**
   * For a batched type (`drop.entitlement.grant`): the item's id. One message carries several items, each delivered
   * as its own notification with the message's `messageId`.
   */
  itemId?: string;
}

/** A notification of a known type, decoded and camelCased. */
export type TypedNotification = {
  [K in KnownEventKey]: { kind: 'typed'; key: K; event: EventSubEventMap[K]; meta: NotificationMeta };
}[KnownEventKey];

/** A notification of a type this package does not know: the wire event as received, never dropped. */
export interface RawNotification {
  kind: 'raw';
  key: string;
  event: Record<string, unknown>;
  meta: NotificationMeta;
}

/** A known type whose event did not match its schema: delivered with the raw event and the error. */
export interface MalformedNotification {
  kind: 'malformed';
  key: string;
  raw: Record<string, unknown>;
  error: EventSubDecodeError;
  meta: NotificationMeta;
}

export type EventSubNotification = TypedNotification | RawNotification | MalformedNotification;

/** A subscription Twitch revoked, with its reason (`authorization_revoked`, `user_removed`, `version_removed`...). */
export interface Revocation {
  subscription: EventSubSubscription;
  reason: string;
  messageId: string;
  receivedAt: number;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
export const systemClock: Clock = { now: () => Date.now() };

/** The key under which a spec is tracked: `type@version` plus its condition in a canonical order. */
export function specKey(spec: SubscriptionSpec): string {
  const cond = Object.keys(spec.condition)
    .sort()
    .map((k) => `${k}=${spec.condition[k]}`)
    .join('&');
  return `${spec.type}@${spec.version}?${cond}`;
}
