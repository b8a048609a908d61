/**
 * What the Client needs of an EventSub transport: declare the wanted subscriptions, receive notifications, learn
 * coverage. Implemented over `@twitchify/eventsub`'s WebSocket listener in {@link createWebSocketFeed}.
 */
import type { CoverageEvent, EventSubNotification } from '@twitchify/eventsub';
import type { PlannedSubscription } from './subscription-plan.js';

export interface EventFeed {
  /** Replaces the set of wanted subscriptions; resolves once each is enabled or has failed. */
  setDesired(subscriptions: readonly PlannedSubscription[]): Promise<void>;
  onNotification(handler: (n: EventSubNotification) => void): () => void;
  onCoverage(handler: (e: CoverageEvent) => void): () => void;
  /** A subscription Twitch refused for good (missing scope, not allowed): its feed name and the reason. */
  onRefused(handler: (feed: string, reason: unknown) => void): () => void;
  onError(handler: (error: unknown) => void): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
}
