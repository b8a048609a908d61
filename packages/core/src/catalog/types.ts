/**
 * The shape of one row of the resource catalog: everything the Client needs to cache one Helix read coherently,
 * stated as data so that the docs, `client.cacheReport()` and the benchmark read the same table.
 */

import type { Op } from '@twitchify/cache';

/** The kinds of Twitch state whose versions the emulator records (the prefix of a resource key). */
export type ResourceKind =
  | 'user'
  | 'channel'
  | 'stream'
  | 'followers'
  | 'moderators'
  | 'vips'
  | 'bans'
  | 'rewards'
  | 'polls'
  | 'predictions'
  | 'chat_settings'
  | 'goals'
  | 'hype_train'
  | 'subscriptions'
  | 'schedule'
  | 'emotes';

/** How a write or an event changes a cached value. */
export type Effect =
  /** The new state is built (from the request, the response or the event) and stored as a pinned write / patch. */
  | 'patch'
  /** The entry is dropped and refetched on its next read. */
  | 'invalidate';

/** A Helix write that changes the cached read. */
export interface WriteRule {
  /** `METHOD /path`, as in the Helix reference. */
  readonly operation: string;
  /** The Client method that performs it, e.g. `channels.update`. */
  readonly method: string;
  /** What the write does to the cached read. */
  readonly effect: Effect;
  /** Where the written state comes from: Twitch answers 204 for some writes, so the request must be used. */
  readonly source: 'request' | 'response' | 'request+users';
}

/** An event's payload as the EventSub decoder gives it (camelCase fields). */
export type EventPayload = Readonly<Record<string, unknown>>;

/** An EventSub subscription type that changes the cached read. */
export interface EventRule {
  /** The subscription type, e.g. `channel.update`. */
  readonly type: string;
  /** Its version, e.g. `2`. */
  readonly version: string;
  /** What an event of that type does to the cached read. */
  readonly effect: Effect;
  /**
   * For `patch`: the changes the event says happened, as declarative ops (its payload as the decoder gives it, in
   * camelCase). Without it, the event records a reload.
   */
  readonly changes?: (event: EventPayload) => readonly Op[];
  /** The event field naming the read's id (the broadcaster, or the user for `user.update`). Default `broadcasterUserId`. */
  readonly idField?: string;
}

/** The subscription whose coverage the freshness of an entry depends on. */
export interface FeedRule {
  /** The subscription type, e.g. `channel.update`. */
  readonly type: string;
  /** Its version, e.g. `2`. */
  readonly version: string;
  /** Scopes of which the subscribing user token needs one (empty: none). */
  readonly scopes: readonly string[];
  /** The subscription's condition for one broadcaster (or user). */
  readonly condition: (id: string, readerId: string) => Record<string, string>;
}

/** One row of the catalog. */
export interface CatalogEntry {
  /** The Client method that reads it, e.g. `channels.get`. */
  readonly name: string;
  /** The kind of resource it reads. */
  readonly kind: ResourceKind;
  /** Key template as in conventions.md, e.g. `channel:<broadcasterId>`. */
  readonly key: string;
  /** Tags the entry carries, so that one change can drop every read that contains an entity. */
  readonly tags: readonly string[];
  /** Longest time an entry is served without asking Helix again (its only bound when no event covers it). */
  readonly ttlMs: number;
  /** `GET /path` it reads. */
  readonly read: string;
  /** Scopes of which the reading token needs one (empty: any token, app or user). */
  readonly readScopes: readonly string[];
  /** True when the answer depends on the reading user: the cache key then includes that user's id. */
  readonly userScoped: boolean;
  /**
   * Fields Helix includes only when the token's own user is the one read (a user's `email`). They never enter the
   * shared entry (`key`): they are stripped from every value stored there, and a user's read of itself is kept
   * under a key of its own (`<key>@<userId>`) that holds them.
   */
  readonly privateFields?: readonly string[];
  /**
   * How long Helix may take to show a change of this read, when longer than the Client's `sourceLagMs` (Get Streams
   * is served from caches that disagree on a stream's status for up to a minute): a change is laid over every Helix
   * answer read before it has passed.
   */
  readonly sourceLagMs?: number;
  /** The writes through the Client that change it. */
  readonly writes: readonly WriteRule[];
  /** The EventSub types that change it. */
  readonly events: readonly EventRule[];
  /** The subscriptions whose coverage keeps the entry fresh; empty when no event exists for it. */
  readonly feeds: readonly FeedRule[];
  /** Why the entry is TTL-bounded (even with every scope), when it is, at least in part. */
  readonly ttlBoundBecause?: string;
}
