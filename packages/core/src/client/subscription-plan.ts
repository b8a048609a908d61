/**
 * Which EventSub subscriptions the Client wants: one per (handler type × channel) for the app's handlers, and one
 * per feed that the cached reads in use depend on (given the scopes the token has). The plan only grows while the
 * Client runs (a feed in use stays in use) except when the app removes its last handler of a type.
 */
import { feedsAllowed } from '../catalog/catalog.js';
import type { CatalogEntry } from '../catalog/types.js';

/** A subscription: `type`, `version` and its condition with Twitch's condition names. */
export interface PlannedSubscription {
  /** The subscription type, e.g. `channel.update`. */
  type: string;
  /** Its version, e.g. `2`. */
  version: string;
  /** Its condition, e.g. `{ broadcaster_user_id: "123" }`. */
  condition: Readonly<Record<string, string>>;
}

/** The canonical name of a subscription, also the cache's feed name: `type@version?k=v&k=v`. */
export function feedName(s: PlannedSubscription): string {
  const cond = Object.keys(s.condition)
    .sort()
    .map((k) => `${k}=${s.condition[k]}`)
    .join('&');
  return `${s.type}@${s.version}?${cond}`;
}

/** What the planner knows about a subscription type: its newest version and its condition keys. */
export interface TypeInfo {
  version: string;
  conditionKeys: readonly string[];
}

export interface PlanContext {
  clientId: string;
  /** The Client's user, once known. */
  userId(): string | undefined;
  /** Scopes of the Client's token, once known (undefined: unknown). */
  scopes(): ReadonlySet<string> | undefined;
  types: ReadonlyMap<string, TypeInfo>;
}

/** Most read sites whose feed names are kept (see `SubscriptionPlan.feedsFor`). */
const MAX_MEMO = 10_000;

export class SubscriptionPlan {
  readonly #c: PlanContext;
  /** Handler-driven subscriptions, by event type. */
  readonly #handlerTypes = new Set<string>();
  /** Feed-driven subscriptions, by feed name. */
  readonly #feeds = new Map<string, PlannedSubscription>();
  /** Feeds Twitch refused for good (missing scope, not a moderator...): reads fall back to their TTL. */
  readonly #refused = new Set<string>();
  readonly #onChange: () => void;
  readonly #channels: readonly string[] | undefined;
  /** Channels watched or unwatched at run time, over `#channels` (or the Client's user when none were given). */
  readonly #watched = new Set<string>();
  readonly #unwatched = new Set<string>();

  constructor(context: PlanContext, channels: readonly string[] | undefined, onChange: () => void) {
    this.#c = context;
    this.#channels = channels;
    this.#onChange = onChange;
  }

  /** A handler of `type` was registered. */
  addHandlerType(type: string): void {
    if (this.#handlerTypes.has(type)) return;
    this.#handlerTypes.add(type);
    this.#onChange();
  }

  /** The last handler of `type` was removed. */
  removeHandlerType(type: string): void {
    if (this.#handlerTypes.delete(type)) this.#onChange();
  }

  /**
   * The feed names a cached read of `entry` for `id` depends on (subscribing to them as a side effect, unless
   * `subscribe` is false). Feeds the
   * token's scopes do not allow, or that Twitch refused, are left out: the read is then bounded by its TTL alone.
   */
  feedsFor(entry: CatalogEntry, id: string, reader: string | undefined, subscribe = true): readonly string[] {
    const self = this.#c.userId();
    const scopes = this.#c.scopes();
    // asked on every cached read: the names of one read site are built once while nothing they depend on moved
    if (scopes !== this.#memoScopes || self !== this.#memoSelf) {
      this.#memo.clear();
      this.#memoScopes = scopes;
      this.#memoSelf = self;
    }
    const memoKey = `${entry.kind}\u0000${id}\u0000${reader ?? ''}`;
    const known = this.#memo.get(memoKey);
    if (known !== undefined && (known.subscribed || !subscribe)) return known.names;
    const names = this.#feedsFor(entry, id, reader, self, scopes, subscribe);
    if (this.#memo.size >= MAX_MEMO) this.#memo.clear();
    this.#memo.set(memoKey, { names, subscribed: subscribe });
    return names;
  }

  /** Feed names by read site (see {@link feedsFor}), valid for the scopes and user they were built with. */
  readonly #memo = new Map<string, { names: readonly string[]; subscribed: boolean }>();
  #memoScopes: ReadonlySet<string> | undefined;
  #memoSelf: string | undefined;

  #feedsFor(
    entry: CatalogEntry,
    id: string,
    reader: string | undefined,
    self: string | undefined,
    scopes: ReadonlySet<string> | undefined,
    subscribe: boolean,
  ): readonly string[] {
    const { allowed } = feedsAllowed(entry, scopes);
    const names: string[] = [];
    let added = false;
    for (const f of allowed) {
      const sub: PlannedSubscription = {
        type: f.type,
        version: f.version,
        condition: f.condition(id, reader ?? self ?? ''),
      };
      const name = feedName(sub);
      if (this.#refused.has(name)) continue;
      names.push(name);
      if (subscribe && !this.#feeds.has(name)) {
        this.#feeds.set(name, sub);
        added = true;
      }
    }
    if (added) this.#onChange();
    return Object.freeze(names);
  }

  /** Handlers receive `broadcasterId`'s events from now on (subscribing to them at the next sync). */
  watch(broadcasterId: string): void {
    const changed = this.#unwatched.delete(broadcasterId) || !this.#watched.has(broadcasterId);
    this.#watched.add(broadcasterId);
    if (changed) this.#onChange();
  }

  /** Handlers stop receiving `broadcasterId`'s events (its handler subscriptions end at the next sync). */
  unwatch(broadcasterId: string): void {
    const changed = this.#watched.delete(broadcasterId) || !this.#unwatched.has(broadcasterId);
    this.#unwatched.add(broadcasterId);
    if (changed) this.#onChange();
  }

  /** The broadcasters whose events the handlers receive. */
  channels(): string[] {
    const self = this.#c.userId();
    const base = this.#channels ?? (self ? [self] : []);
    return [...new Set([...base, ...this.#watched])].filter((b) => !this.#unwatched.has(b));
  }

  /** Marks a subscription as refused by Twitch: reads stop depending on it and handlers stop asking for it. */
  refuse(name: string): void {
    this.#refused.add(name);
    this.#memo.clear();
    if (this.#feeds.delete(name)) this.#onChange();
  }

  /** Whether `name` was refused. */
  isRefused(name: string): boolean {
    return this.#refused.has(name);
  }

  /** Every subscription wanted now. */
  desired(): PlannedSubscription[] {
    const out = new Map<string, PlannedSubscription>(this.#feeds);
    const self = this.#c.userId();
    if (self) {
      for (const type of this.#handlerTypes) {
        const info = this.#c.types.get(type);
        if (!info) continue;
        for (const b of this.channels()) {
          const sub = { type, version: info.version, condition: this.#condition(info.conditionKeys, b, self) };
          const name = feedName(sub);
          // Refused for good: asking again would be refused again (and told again).
          if (!this.#refused.has(name)) out.set(name, sub);
        }
      }
    }
    return [...out.values()];
  }

  /** Fills a condition: the channel for broadcaster keys, the Client's user for moderator/user keys. */
  #condition(keys: readonly string[], broadcaster: string, self: string): Record<string, string> {
    const c: Record<string, string> = {};
    for (const k of keys) {
      if (k === 'from_broadcaster_user_id' || k === 'reward_id' || k === 'conduit_id') continue;
      if (k === 'client_id' || k === 'extension_client_id') c[k] = this.#c.clientId;
      else if (k.endsWith('broadcaster_user_id')) c[k] = broadcaster;
      else c[k] = self;
    }
    return c;
  }
}
