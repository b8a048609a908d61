/** Lookups over the catalog table, and the coverage report the Client exposes. */
import { CATALOG } from './entries.js';
import type { CatalogEntry, FeedRule, ResourceKind } from './types.js';

/** The catalog row of a cached read, by its Client method name (`channels.get`) or its kind (`channel`). */
export function catalogEntry(nameOrKind: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.name === nameOrKind || e.kind === nameOrKind);
}

/** The rows that an EventSub type changes. */
export function entriesForEvent(type: string): CatalogEntry[] {
  return CATALOG.filter((e) => e.events.some((x) => x.type === type));
}

/** Builds a resource key from its kind and id (`channel`, `42` → `channel:42`). */
export function resourceKey(kind: ResourceKind, id: string): string {
  return `${kind}:${id}`;
}

/** How one cached read stays fresh for a given set of granted scopes. */
export interface CoverageLine {
  /** The cached read, e.g. `channels.get`. */
  read: string;
  /** The kind of resource it reads. */
  kind: ResourceKind;
  /** `event-covered`: every feed it needs can be subscribed; `ttl-bounded`: it falls back to its TTL. */
  freshness: 'event-covered' | 'ttl-bounded';
  /** The longest it is served without asking Helix again, in ms. */
  ttlMs: number;
  /** Why it is TTL-bounded: missing scopes, no event for it, or an inherent limit (e.g. no unfollow event). */
  reasons: string[];
  /** The subscriptions (`type@version`) whose coverage keeps it fresh. */
  feeds: string[];
}

/** Whether `granted` includes one of `needed` (Twitch accepts any one of the listed scopes); empty needs nothing. */
export function hasOneOf(granted: ReadonlySet<string> | undefined, needed: readonly string[]): boolean {
  if (needed.length === 0) return true;
  if (granted === undefined) return true; // scopes unknown: assume granted, the subscription will say otherwise
  return needed.some((s) => granted.has(s));
}

/** The feeds of `entry` that `granted` allows, and the ones it does not. */
export function feedsAllowed(
  entry: CatalogEntry,
  granted: ReadonlySet<string> | undefined,
): { allowed: FeedRule[]; missing: FeedRule[] } {
  const allowed: FeedRule[] = [];
  const missing: FeedRule[] = [];
  for (const f of entry.feeds) (hasOneOf(granted, f.scopes) ? allowed : missing).push(f);
  return { allowed, missing };
}

/** One line per catalog row: how it is kept fresh with the scopes granted. */
export function coverageFor(granted: ReadonlySet<string> | undefined): CoverageLine[] {
  return CATALOG.map((e) => {
    const { allowed, missing } = feedsAllowed(e, granted);
    const reasons: string[] = [];
    if (e.feeds.length === 0) reasons.push('no EventSub type reports its changes');
    for (const f of missing) reasons.push(`${f.type} needs one of the scopes ${f.scopes.join(', ')}`);
    if (e.ttlBoundBecause && e.feeds.length > 0) reasons.push(e.ttlBoundBecause);
    const covered = e.feeds.length > 0 && missing.length === 0;
    return {
      read: e.name,
      kind: e.kind,
      freshness: covered && !e.ttlBoundBecause ? 'event-covered' : 'ttl-bounded',
      ttlMs: e.ttlMs,
      reasons,
      feeds: allowed.map((f) => `${f.type}@${f.version}`),
    };
  });
}

export { CATALOG };
