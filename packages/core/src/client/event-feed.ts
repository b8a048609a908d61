import type { CoverageEvent, EventSubNotification } from '@twitchify/eventsub';
import type { PlannedSubscription } from './subscription-plan.js';

/**
 * What the Client needs of an EventSub transport: declare the wanted subscriptions, receive notifications, learn
 * coverage. The Client makes one over `@twitchify/eventsub`'s WebSocket listener (or a conduit shard); pass one of
 * your own as `eventsub` to receive events another way.
 */
export interface EventFeed {
  /** Replaces the set of wanted subscriptions; resolves once each is enabled or has failed. */
  setDesired(subscriptions: readonly PlannedSubscription[]): Promise<void>;
  /** Hands every notification to `handler`; returns the function that removes it. */
  onNotification(handler: (n: EventSubNotification) => void): () => void;
  /** Hands every change of a feed's coverage (covered, uncovered, a past gap) to `handler`. */
  onCoverage(handler: (e: CoverageEvent) => void): () => void;
  /** A subscription Twitch refused for good (missing scope, not allowed): its feed name and the reason. */
  onRefused(handler: (feed: string, reason: unknown) => void): () => void;
  /**
   * Hands every error of the transport to `handler`. A closed socket (`EventSubConnectionError`) is logged by the
   * feed itself, once, so the Client does not log it again.
   */
  onError(handler: (error: unknown) => void): () => void;
  /** Starts the transport (connects); resolves once it is running. */
  start(): Promise<void>;
  /** Stops the transport; the feed is not used again. */
  close(): Promise<void>;
}
