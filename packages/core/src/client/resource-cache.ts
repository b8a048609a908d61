/**
 * The cached-read core of the Client: builds the cache key of a catalog read (per reading user when the answer
 * depends on the user), loads through Helix with what this process knows to be newer laid over the answer, writes
 * through after a write, and applies events. Resource classes (`client.channels`, ...) are thin over this.
 */

import type { ReadLevel } from '@twitchify/cache';
import { catalogEntry } from '../catalog/catalog.js';
import type { CatalogEntry, ResourceKind } from '../catalog/types.js';
import type { CachePort } from './cache-port.js';
import type { KnownStates } from './known-states.js';

/** What the resource layer tells the Client while it works (feeds to subscribe, loads made), for wiring and tests. */
export interface ResourceHooks {
  /** A read of `entry` for broadcaster/user `id` by `reader` is in use: the Client makes sure its feeds run. */
  feedsFor(entry: CatalogEntry, id: string, reader: string | undefined): readonly string[];
  /** A Helix load of `key` is starting (instrumentation). */
  onLoad?(resourceKey: string): void;
  /**
   * The TTL for a fill under `feeds` with the entry's ceiling `ttlMs`: shorter while a feed has only just started
   * (or resumed) covering, because Helix may still serve a state whose change was announced before anybody listened.
   */
  ttlFor?(feeds: readonly string[], ttlMs: number): number;
}

/** Options of one cached read. */
export interface CachedReadOptions {
  /** Read level for this call; default: the Client's. */
  level?: ReadLevel;
  /** The user whose token reads (user-scoped reads); default: the Client's user. */
  asUser?: string;
  signal?: AbortSignal;
}

export class ResourceCache {
  readonly cache: CachePort;
  readonly known: KnownStates;
  readonly #hooks: ResourceHooks;
  readonly #level: ReadLevel;
  readonly #entries = new Map<ResourceKind, CatalogEntry>();
  /** Per resource key of a user-scoped read: the readers holding a copy, so events reach every copy. */
  readonly #readers = new Map<string, Set<string>>();

  constructor(cache: CachePort, known: KnownStates, hooks: ResourceHooks, level: ReadLevel) {
    this.cache = cache;
    this.known = known;
    this.#hooks = hooks;
    this.#level = level;
  }

  entry(kind: ResourceKind): CatalogEntry {
    let e = this.#entries.get(kind);
    if (!e) {
      e = catalogEntry(kind);
      if (!e) throw new Error(`no catalog entry for ${kind}`);
      this.#entries.set(kind, e);
    }
    return e;
  }

  /** The cache key: the resource key, and the reader for user-scoped reads. */
  cacheKey(entry: CatalogEntry, id: string, reader: string | undefined): string {
    const base = `${entry.kind}:${id}`;
    return entry.userScoped ? `${base}@${reader ?? '-'}` : base;
  }

  /** Every cache key currently holding a copy of resource `kind:id`. */
  copies(kind: ResourceKind, id: string): string[] {
    const entry = this.entry(kind);
    const base = `${kind}:${id}`;
    if (!entry.userScoped) return [base];
    return [...(this.#readers.get(base) ?? [])].map((r) => `${base}@${r}`);
  }

  /** Reads `kind:id` through the cache; `load` asks Helix. */
  read<V>(
    kind: ResourceKind,
    id: string,
    reader: string | undefined,
    load: (signal: AbortSignal) => Promise<V>,
    options: CachedReadOptions | undefined,
  ): Promise<V> {
    const entry = this.entry(kind);
    const key = this.cacheKey(entry, id, reader);
    const base = `${kind}:${id}`;
    if (entry.userScoped) {
      let set = this.#readers.get(base);
      if (!set) {
        set = new Set();
        this.#readers.set(base, set);
      }
      set.add(reader ?? '-');
    }
    const feeds = this.#hooks.feedsFor(entry, id, reader);
    return this.cache.read<V>(key, {
      load: async (signal) => {
        this.#hooks.onLoad?.(base);
        return this.known.overlay(base, await load(signal));
      },
      ttlMs: this.#hooks.ttlFor ? this.#hooks.ttlFor(feeds, entry.ttlMs) : entry.ttlMs,
      tags: [base, `user:${id}`],
      feeds,
      level: options?.level ?? this.#level,
    });
  }

  /**
   * After a write that Twitch acknowledged: remembers the written fields (so a lagging Helix cannot bring back the
   * old state) and writes the new state through, pinned, for every copy of the resource.
   */
  async writeThrough<V>(
    kind: ResourceKind,
    id: string,
    at: number,
    apply: (old: V) => V,
    agrees: (loaded: V) => boolean,
    current: (key: string) => Promise<V>,
  ): Promise<void> {
    const keys = this.copies(kind, id);
    this.known.remember<V>(`${kind}:${id}`, at, apply, agrees);
    await Promise.all(
      keys.map(async (key) => {
        const next = apply(await current(key));
        await this.cache.write(key, next, { at, tags: [`${kind}:${id}`, `user:${id}`], ttlMs: this.entry(kind).ttlMs });
      }),
    );
  }

  /**
   * An event that carries (part of) the new state: patches every cached copy and remembers it for later loads.
   * `id` is the event's message id (duplicates change nothing), `at` its timestamp (older changes are ignored).
   */
  async patch<V>(
    kind: ResourceKind,
    id: string,
    change: { id: string; at: number },
    apply: (old: V) => V,
    agrees: (loaded: V) => boolean,
  ): Promise<void> {
    const keys = this.copies(kind, id);
    this.known.remember<V>(`${kind}:${id}`, change.at, apply, agrees);
    await Promise.all(
      keys.map((key) => this.cache.apply<V>({ id: `${change.id}:${key}`, at: change.at, key, patch: apply })),
    );
  }

  /** An event that says the state changed without carrying it: drops every copy (by tag). */
  async invalidate(kind: ResourceKind, id: string, change: { id: string; at: number }): Promise<void> {
    await this.cache.apply({ id: change.id, at: change.at, tag: `${kind}:${id}`, invalidate: true });
  }
}
