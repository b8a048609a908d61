/** @twitchify/eventsub: Twitch EventSub over WebSocket, webhooks and conduits, with typed events and coverage. */
export {
  type Conduit,
  type ConduitShard,
  createEventSubApi,
  type EventSubApi,
  type EventSubApiOptions,
  type ShardTransport,
  type TransportSpec,
} from './api.js';
export { type BackoffStrategy, exponentialBackoff } from './backoff.js';
export { EventSubConduitShard, type EventSubConduitShardOptions } from './conduitShard.js';
export { RECONNECT_REFUSED_CLOSE_CODE, WATCHDOG_CLOSE_CODE } from './connection.js';
export type { CoverageEvent, CoverageGap, CoverageState, CoverageTracker, GapReason } from './coverage.js';
export { decodeBatch, decodeNotification, isBatchedEvent, isKnownEvent } from './decode.js';
export { type Admission, MessageDeduper, type MessageDeduperOptions } from './dedupe.js';
export * from './errors.js';
export type * from './generated/events.js';
export { batchedEventKeys, conditionKeys, type EventSubEventMap } from './generated/events.js';
export { NotificationReceiver, type NotificationReceiverOptions, type ReceiverStats } from './receiver.js';
export {
  createUndiciWebSocketFactory,
  defaultWebSocketFactory,
  type WebSocketFactory,
  type WebSocketLike,
} from './socket.js';
export { type ReconcileResult, type ReconcileTarget, SubscriptionManager } from './subscriptionManager.js';
export { timestampMs } from './timestamp.js';
export { EventSubTransportBase, type TransportBaseOptions } from './transport.js';
export type {
  Clock,
  EventSubNotification,
  EventSubSubscription,
  KnownEventKey,
  Logger,
  MalformedNotification,
  NotificationMeta,
  RawNotification,
  Revocation,
  SubscriptionSpec,
  TypedNotification,
  Unsubscribe,
} from './types.js';
export { specKey } from './types.js';
export { EventSubWebhookHandler, type EventSubWebhookHandlerOptions, type WebhookAnswer } from './webhookHandler.js';
export { EventSubWebSocketListener, type EventSubWebSocketListenerOptions } from './websocketListener.js';
export type { WireNotificationBody, WireSubscription, WireTransport } from './wire/frames.js';
