/** The events a {@link Client} emits: its own life cycle, and one per EventSub subscription type. */
import type { EventSubEventMap, NotificationMeta } from '@twitchify/eventsub';
import type { AuthError } from '../errors.js';

/** `channel.update@2` → `channel.update`. */
type TypeOf<K> = K extends `${infer T}@${string}` ? T : never;

/** Every EventSub subscription type the Client knows (without version). */
export type SubscriptionType = TypeOf<keyof EventSubEventMap>;

/** The event object of a subscription type (a union when Twitch has several versions of it). */
export type EventOf<T extends SubscriptionType> = EventSubEventMap[Extract<keyof EventSubEventMap, `${T}@${string}`>];

/** Tokens handed out by the built-in flows and after every refresh; store them to skip the flow next time. */
export interface AuthTokens {
  /** The user access token now in use. */
  accessToken: string;
  /** Its refresh token (store it: Twitch may rotate it on every refresh), when there is one. */
  refreshToken: string | undefined;
  /** Seconds from issue, when known. */
  expiresIn: number | undefined;
  /** The scopes the token holds. */
  scopes: readonly string[];
  /** The user it belongs to, when known. */
  userId: string | undefined;
}

/** What the device code flow asks the user to do. */
export interface DeviceCode {
  /** Where the user goes to enter the code. */
  verificationUri: string;
  /** The code to enter there. */
  userCode: string;
  /** Seconds until the code expires. */
  expiresIn: number;
}

/** Life-cycle events of the Client. */
export interface ClientLifecycleEvents {
  /** Authenticated, `client.user` loaded, and the subscriptions of the handlers registered so far are active. */
  ready: () => void;
  /** New tokens: after the built-in authorization flow and after every refresh. Store them (refresh tokens rotate). */
  auth: (tokens: AuthTokens) => void;
  /**
   * Authorization is lost for good: Twitch refused to refresh the token (revoked, or the refresh token is invalid).
   * `client.status` is `authLost` from here on and every request fails with `error`; close the Client and run a new
   * one with new tokens.
   */
  authLost: (error: AuthError) => void;
  /** The device code flow needs the user to visit `verificationUri` and enter `userCode`. */
  code: (code: DeviceCode) => void;
  /** The built-in authorization code flow is waiting for the user at `url`. */
  authorize: (url: string) => void;
  /** Something went wrong that the Client survived: a handler threw, a subscription failed, a read of the cache. */
  error: (error: unknown) => void;
  /** `channel.follow` (shorthand). */
  follow: (follower: EventOf<'channel.follow'>, meta: NotificationMeta) => void;
}

/** Every event of the Client: its life cycle and one per subscription type. */
export type ClientEvents = ClientLifecycleEvents & {
  [T in SubscriptionType]: (event: EventOf<T>, meta: NotificationMeta) => void;
};

/** Names of the life-cycle events (everything else is a subscription type). */
export const LIFECYCLE_EVENTS: ReadonlySet<string> = new Set([
  'ready',
  'auth',
  'authLost',
  'code',
  'authorize',
  'error',
  'follow',
]);
